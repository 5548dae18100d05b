import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/**
 * The project's `guardrail.config.json`, found in the working directory or the nearest folder above it, so that CI
 * does not repeat flags: `packs` (extension pack folders or npm packages) and `policies` (policy files or folders)
 * add to what `--pack` and `--policies` name; `exemptions` is the exemptions file unless `--exemptions` names one.
 * Paths are relative to the file. The CLI reads it from its working folder up; the deployment (deploy/packs.js,
 * deploy/policies.js) from the project's root up, with this same reader.
 *
 *   { "packs": ["./platform-pack"], "policies": ["./policies"], "exemptions": "./exemptions.json" }
 */
export const CONFIG_FILE = "guardrail.config.json";

/** A config file that cannot be used; the message names the file and the member. */
export class ProjectConfigError extends Error {}

export interface ProjectConfig {
  /** The file it was read from. */
  file: string;
  packs: string[];
  policies: string[];
  exemptions?: string;
}

export function findProjectConfig(cwd = process.cwd()): ProjectConfig | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const file = join(dir, CONFIG_FILE);
    if (existsSync(file)) return readProjectConfig(file);
    if (dirname(dir) === dir) return undefined;
  }
}

/** Reads and checks one config file; anything unexpected is a usage error naming the file and the member. */
export function readProjectConfig(file: string): ProjectConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new ProjectConfigError(`${file}: not JSON: ${(e as Error).message}`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new ProjectConfigError(`${file}: / must be an object`);
  const known = new Set(["$schema", "packs", "policies", "exemptions"]);
  for (const key of Object.keys(raw)) {
    if (!known.has(key)) {
      throw new ProjectConfigError(`${file}: /${key} is not a setting (settings: packs, policies, exemptions)`);
    }
  }
  const at = dirname(file);
  const paths = (key: "packs" | "policies"): string[] => {
    const v = (raw as Record<string, unknown>)[key];
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string" || x === "")) {
      throw new ProjectConfigError(`${file}: /${key} must be an array of paths`);
    }
    // A folder or file path relative to the config; an npm package name stays as it is.
    return (v as string[]).map((p) => (/^\.{0,2}\//.test(p) || existsSync(join(at, p)) ? resolve(at, p) : p));
  };
  const exemptions = (raw as Record<string, unknown>).exemptions;
  if (exemptions !== undefined && (typeof exemptions !== "string" || exemptions === "")) {
    throw new ProjectConfigError(`${file}: /exemptions must be a path`);
  }
  return {
    file,
    packs: paths("packs"),
    policies: paths("policies"),
    ...(typeof exemptions === "string" ? { exemptions: resolve(at, exemptions) } : {}),
  };
}
