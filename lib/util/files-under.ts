import { readdirSync } from "node:fs";
import { join, sep } from "node:path";

/**
 * The files under `dir` whose names end with `suffix`, depth first, named as `join(dir, ...)` names them, read
 * synchronously (nothing else waits on the thread that lists, and a promise round trip per folder measured 3-4x
 * slower). The root is normalised once and each name appended to its folder's path: path.join per entry, which
 * normalises the whole path every time, made listing the audit bench's 14,000 remediation records ~3x slower.
 * `enter(parent, name)` says whether to go into the folder `name` inside the folder named `parent` ("" at the root).
 * Symbolic links are neither followed nor listed; `link`, when given, is told of each whose name ends with `suffix`.
 */
export function filesUnder(
  dir: string,
  suffix: string,
  enter: (parent: string, name: string) => boolean = () => true,
  link?: (path: string) => void,
): string[] {
  const root = join(dir, ".");
  const out: string[] = [];
  const visit = (path: string, prefix: string, name: string): void => {
    for (const e of readdirSync(path, { withFileTypes: true })) {
      const p = prefix + e.name;
      if (e.isDirectory()) {
        if (enter(name, e.name)) visit(p, p + sep, e.name);
      } else if (e.isFile() && e.name.endsWith(suffix)) {
        out.push(p);
      } else if (link && e.isSymbolicLink() && e.name.endsWith(suffix)) {
        link(p);
      }
    }
  };
  visit(root, root === "." ? "" : root.endsWith(sep) ? root : root + sep, "");
  return out;
}
