import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, isAbsolute, join, relative } from "node:path";
import { closest } from "fastest-levenshtein";
import { fsErrorInWords } from "../util/fs-errors";
import { packageRoot } from "../util/package-root";
import { escapePointerToken } from "../util/json";
import { JsonSourceMap } from "../util/source-map";
import { createMetaAjv, type ValidateFunction } from "./ajv";
import type { PolicyFile } from "./types";

/**
 * Compliance frameworks as data: one `<id>.json` per framework in the package's frameworks/ folder and in extension
 * packs' (frameworks/README.md, frameworks/framework.schema.json). A policy maps its controls under `frameworks`
 * by these ids; `guardrail validate` checks framework and control ids against the files, and reports build their
 * compliance view from them. Read on first use, synchronously (a few hundred controls: a millisecond), never at
 * import: the CLI's start does not pay for it.
 */

export interface FrameworkControl {
  id: string;
  title: string;
}

export interface Framework {
  id: string;
  name: string;
  version: string;
  /** Where the control list was taken from. */
  source: string;
  controls: FrameworkControl[];
  /** The data file, relative to the working directory when under it. */
  file: string;
}

/** A problem in a framework file, placed like a policy problem (`file:line:col  /pointer  message`). */
export interface FrameworkFileProblem {
  file: string;
  line: number;
  column: number;
  pointer: string;
  message: string;
}

const SCHEMA_FILE = "framework.schema.json";

export function builtinFrameworkDir(): string {
  return join(packageRoot(), "frameworks");
}

const addedDirs: string[] = [];
let cache: { frameworks: Map<string, Framework>; problems: FrameworkFileProblem[] } | undefined;

/** Extension packs' frameworks/ folders (lib/pack/extensions.ts), read with the built-in one. */
export function addFrameworkDirs(dirs: readonly string[]): void {
  const fresh = dirs.filter((d) => !addedDirs.includes(d));
  if (fresh.length === 0) return;
  addedDirs.push(...fresh);
  cache = undefined;
}

let validator: ValidateFunction | undefined;
function schemaValidator(): ValidateFunction {
  if (!validator) {
    const schema = JSON.parse(readFileSync(join(builtinFrameworkDir(), SCHEMA_FILE), "utf8")) as object;
    validator = createMetaAjv().compile(schema);
  }
  return validator;
}

/**
 * Reads one folder's framework files. `checked`: each file is validated against the schema first, with ajv, for
 * extension packs' folders; the built-in files are checked by the test suite instead (test/unit/frameworks.test.ts),
 * so that a scan of the built-in pack, whose validators are precompiled, never loads ajv for them.
 */
function readDir(dir: string, checked: boolean, into: Map<string, Framework>, problems: FrameworkFileProblem[]): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith(".json") || name.endsWith(".schema.json")) continue;
    const path = join(dir, name);
    const rel = relative(process.cwd(), path);
    const file = rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
    let map: JsonSourceMap | undefined;
    let text = "";
    const problem = (pointer: string, message: string, key = false) => {
      let at = { line: 1, column: 1 };
      try {
        map ??= JsonSourceMap.parse(text).map;
        at = map.locate(pointer, { key });
      } catch {
        // Placed by its pointer alone.
      }
      problems.push({ file, ...at, pointer, message });
    };
    let data: unknown;
    try {
      text = readFileSync(path, "utf8");
      data = JSON.parse(text);
    } catch (e) {
      const parsed = text ? JsonSourceMap.parse(text).errors[0] : undefined;
      problems.push({
        file,
        ...(parsed?.location ?? { line: 1, column: 1 }),
        pointer: "",
        message: parsed?.message ?? `cannot read: ${fsErrorInWords(e)}`,
      });
      continue;
    }
    const validate = checked ? schemaValidator() : undefined;
    if (validate && !validate(data)) {
      for (const e of validate.errors ?? []) {
        const extra = e.keyword === "additionalProperties" ? String(e.params.additionalProperty) : undefined;
        problem(
          extra === undefined ? e.instancePath : `${e.instancePath}/${escapePointerToken(extra)}`,
          extra === undefined ? (e.message ?? e.keyword) : `unknown property "${extra}"`,
          extra !== undefined,
        );
      }
      continue;
    }
    const fw = data as Omit<Framework, "file">;
    const before = problems.length;
    if (fw.id !== basename(name, ".json")) problem("/id", `id "${fw.id}" must equal the file name "${name}"`);
    const earlier = into.get(fw.id);
    if (earlier) problem("/id", `framework "${fw.id}" is also defined in ${earlier.file}`);
    const seen = new Set<string>();
    fw.controls.forEach((c, i) => {
      if (seen.has(c.id)) problem(`/controls/${i}/id`, `duplicate control id "${c.id}"`);
      seen.add(c.id);
    });
    if (problems.length > before) continue;
    into.set(fw.id, {
      id: fw.id,
      name: fw.name,
      version: fw.version,
      source: fw.source,
      controls: fw.controls,
      file,
    });
  }
}

function load(): NonNullable<typeof cache> {
  if (!cache) {
    const frameworks = new Map<string, Framework>();
    const problems: FrameworkFileProblem[] = [];
    readDir(builtinFrameworkDir(), false, frameworks, problems);
    for (const dir of addedDirs) readDir(dir, true, frameworks, problems);
    cache = { frameworks, problems };
  }
  return cache;
}

/** Every framework with a valid data file, by id (built-in first, then extension packs'). */
export function frameworks(): ReadonlyMap<string, Framework> {
  return load().frameworks;
}

/** What is wrong with the framework files (a file with a problem is left out of frameworks()). */
export function frameworkFileProblems(): readonly FrameworkFileProblem[] {
  return load().problems;
}

/** A framework's display name with its version, or the id itself when there is no data file. */
export function frameworkName(id: string): string {
  const fw = frameworks().get(id);
  return fw ? `${fw.name} ${fw.version}` : id;
}

/**
 * A policy's `frameworks` checked against the data: each framework must have a file, each control id must be one
 * of its controls. Pointers are from the policy's root; an unknown framework is placed at its key.
 */
export function frameworkProblems(policy: PolicyFile): { pointer: string; message: string; key?: boolean }[] {
  const out: { pointer: string; message: string; key?: boolean }[] = [];
  const known = frameworks();
  for (const [fwId, controlIds] of Object.entries(policy.frameworks ?? {})) {
    const pointer = `/frameworks/${escapePointerToken(fwId)}`;
    const fw = known.get(fwId);
    if (!fw) {
      const ids = [...known.keys()];
      out.push({
        pointer,
        key: true,
        message:
          `unknown framework "${fwId}" (known: ${ids.join(", ") || "none"}); ` +
          `to map to another, add frameworks/${fwId}.json to an extension pack (docs/frameworks.md)`,
      });
      continue;
    }
    const controls = new Set(fw.controls.map((c) => c.id));
    controlIds.forEach((cid, i) => {
      if (controls.has(cid)) return;
      const hint = closest(cid, [...controls]);
      out.push({
        pointer: `${pointer}/${i}`,
        message: `"${cid}" is not a control of ${fw.name} ${fw.version} (${fw.file}; did you mean ${hint}?)`,
      });
    });
  }
  return out;
}
