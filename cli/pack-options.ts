import { existsSync } from "node:fs";
import { formatProblem } from "../lib/policy/load";
import { PackError, type Pack, type PackSpec } from "../lib/pack";
import { loadPackWithExtensions as loadPackSpec, policyPathsWithExtensions } from "../lib/pack/load";
import { findProjectConfig, ProjectConfigError, type ProjectConfig } from "../lib/pack/config";
import { isEmptySelection, type PolicySelection } from "../lib/pack/select";
import { PackLayoutError, resolvePackDir } from "../lib/pack/layout";
import { UsageError } from "./exit";

export interface PackOptions {
  /** `--policies`: policy files or folders added to the built-in pack. */
  policies?: string[];
  /** `--pack`: extension pack folders or npm packages. */
  pack?: string[];
  /** `--no-builtin` sets it false. */
  builtin?: boolean;
  /** `--policy`: policy id globs to keep. */
  policy?: string[];
  /** `--skip-policy`: policy id globs to leave out. */
  skipPolicy?: string[];
  /** `--severity`: severities, or `high+` for high and above. */
  severity?: string[];
  /** `--framework`: framework ids. */
  framework?: string[];
  /** `--type`: resource type globs. */
  type?: string[];
  exemptions?: string;
}

/** The selection (lib/pack/select.ts) the filter options name. */
export function selectionOf(opts: PackOptions): PolicySelection {
  const out: PolicySelection = {};
  for (const k of ["policy", "skipPolicy", "severity", "framework", "type"] as const) {
    const v = opts[k];
    if (v && v.length > 0) out[k] = v;
  }
  return out;
}

/** The project's guardrail.config.json, if there is one above the working folder; a bad one is a usage error. */
export function projectConfig(): ProjectConfig | undefined {
  try {
    return findProjectConfig();
  } catch (e) {
    if (e instanceof ProjectConfigError) throw new UsageError(e.message);
    throw e;
  }
}

export { UsageError };

/**
 * The pack the command-line options and the project's guardrail.config.json (./config.ts) describe; the options add
 * to the file's packs and policies. `./exemptions.json` is used when present and none is named. The filter options
 * become the spec's selection, applied where the pack is loaded (every scan thread alike).
 */
export function packSpec(opts: PackOptions, config = projectConfig()): PackSpec {
  const exemptionsFile =
    opts.exemptions ?? config?.exemptions ?? (existsSync("exemptions.json") ? "exemptions.json" : undefined);
  const policies = [...(config?.policies ?? []), ...(opts.policies ?? [])];
  let extensionPacks: string[] = [];
  try {
    extensionPacks = [...new Set([...(config?.packs ?? []), ...(opts.pack ?? [])].map((p) => resolvePackDir(p)))];
  } catch (e) {
    if (e instanceof PackLayoutError) throw new UsageError(e.message);
    throw e;
  }
  return {
    ...(policies.length > 0 ? { policyPaths: policies } : {}),
    ...(extensionPacks.length > 0 ? { extensionPacks } : {}),
    ...(opts.builtin === false ? { builtin: false } : {}),
    ...(isEmptySelection(selectionOf(opts)) ? {} : { select: selectionOf(opts) }),
    ...(exemptionsFile ? { exemptionsFile } : {}),
    now: new Date().toISOString(),
  };
}

/**
 * Loads the policy pack (and exemptions) the way every command does. Invalid policies are reported on stderr
 * with their place and make the command fail (exit 2): a scan with a silently missing policy would lie.
 */
export function loadPack(opts: PackOptions | PackSpec, err: (line: string) => void): Pack {
  let pack: Pack;
  try {
    pack = loadPackSpec(isSpec(opts) ? opts : packSpec(opts));
  } catch (e) {
    if (e instanceof PackError) throw new UsageError(e.message);
    throw e;
  }
  for (const p of pack.problems) err(formatProblem(p));
  return pack;
}

function isSpec(o: PackOptions | PackSpec): o is PackSpec {
  return "now" in o;
}

/** The policy paths the options name (extension packs' modules registered), for the commands that load files themselves. */
export function policyPaths(opts: PackOptions): string[] {
  try {
    return policyPathsWithExtensions(packSpec(opts));
  } catch (e) {
    if (e instanceof PackError) throw new UsageError(e.message);
    throw e;
  }
}
