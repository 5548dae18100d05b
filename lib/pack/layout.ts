import { existsSync, readdirSync, realpathSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";

/**
 * The shape of an extension pack (docs/extending.md), read by the CLI's loader (./extensions.ts), the bundler and the
 * deployment's generators (deploy/packs.js) alike:
 *
 *   policies/<service>/<id>.json     types/<type>.ts (`adapter`), types/<type>.describe.ts (`describer`)
 *   services/<name>.ts (`service`, `operations`)     references/<type>.ts (`identity`)     actions/<id>.ts (`action`)
 */
export type PackPart = "services" | "types" | "references" | "actions";

const MODULE_FILE = /^[^.].*\.(ts|js|mts|mjs|cts|cjs)$/;

/** A live describe's file, beside its type's adapter. */
export function isDescribe(file: string): boolean {
  return /\.describe\.[mc]?[jt]s$/.test(file);
}

/** The module files of one folder of a pack, sorted, absolute; none when the folder is absent. */
export function packModuleFiles(dir: string, part: PackPart, keep: (file: string) => boolean = () => true): string[] {
  const at = join(dir, part);
  if (!existsSync(at)) return [];
  return readdirSync(at)
    .filter((f) => MODULE_FILE.test(f) && !/\.d\.[mc]?ts$/.test(f) && !f.includes(".test.") && keep(f))
    .sort()
    .map((f) => join(at, f));
}

/** A `--pack` value that names no pack. */
export class PackLayoutError extends Error {}

/** The folder a `--pack` value names: a folder, or an npm package resolvable from `cwd`. */
export function resolvePackDir(spec: string, cwd = process.cwd()): string {
  const asPath = resolve(cwd, spec);
  if (existsSync(asPath)) {
    if (!statSync(asPath).isDirectory()) throw new PackLayoutError(`--pack ${spec}: not a folder`);
    return realpathSync(asPath);
  }
  try {
    return realpathSync(dirname(createRequire(join(cwd, "package.json")).resolve(`${spec}/package.json`)));
  } catch {
    throw new PackLayoutError(`--pack ${spec}: no such folder, nor an npm package installed here`);
  }
}
