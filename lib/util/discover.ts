import { readdirSync } from "node:fs";
import { join } from "node:path";

/**
 * Loads every module in `dir` and returns its `exportName` export, sorted by file name.
 *
 * This is the registry mechanism for resource adapters and remediation actions: adding one means
 * adding a file, never editing a list. Bundled Lambdas replace this directory walk at build time
 * (see docs/decisions.md, "Registries are directories").
 */
export function discoverModules<T>(dir: string, exportName: string): T[] {
  const files = readdirSync(dir)
    .filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith(".d.ts") && !f.includes(".test."))
    .sort();
  return files.map((f) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(join(dir, f)) as Record<string, unknown>;
    const value = mod[exportName];
    if (value === undefined) throw new Error(`${join(dir, f)} does not export "${exportName}"`);
    return value as T;
  });
}
