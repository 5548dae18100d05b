import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { Engine } from "../engine/evaluate";
import { Exemptions } from "../engine/exemptions";
import { Baseline } from "../engine/baseline";
import {
  defaultPolicyDirs,
  loadPolicies,
  type CompiledPolicy,
  type LoadOptions,
  type PolicyProblem,
} from "../policy/load";
import type { PolicySelection } from "./select";

/**
 * Everything needed to build the same engine again: plain data, so that scan workers (other threads) build
 * exactly the engine the main thread built.
 */
export interface PackSpec {
  /** Policy files or directories, added to the built-in pack's (unless `builtin` is false). */
  policyPaths?: string[];
  /** Leave the built-in policies out (default: in). */
  builtin?: boolean;
  /** Extension packs' folders (./extensions.ts): their policies are added; ./load.ts registers their modules. */
  extensionPacks?: string[];
  /** Only these policy ids. */
  policyIds?: string[];
  /** Filters (globs, severities, frameworks, types), applied by ./load.ts's ./select.ts. */
  select?: PolicySelection;
  exemptionsFile?: string;
  /** `scan --baseline`: violations accepted as they were (lib/engine/baseline.ts). */
  baselineFile?: string;
  /** The clock exemptions are judged against, ISO 8601; default: now. */
  now?: string;
  /** Compile policies on first use (Lambda handlers); see LoadOptions. */
  compile?: "eager" | "lazy";
}

export class PackError extends Error {}

/**
 * The policy files and folders a spec names: the built-in pack's (unless `builtin` is false), `policyPaths`, and each
 * extension pack's `policies/`. The packs' modules are registered by ./load.ts (a Lambda bundle registers its
 * packs itself, and carries no compiler for them).
 */
export function packPolicyPaths(spec: PackSpec): string[] {
  const named = spec.policyPaths ?? [];
  for (const d of named) if (!existsSync(d)) throw new PackError(`policies: ${d}: no such file or directory`);
  const paths = [
    // The built-in pack's folder, and those of the extension packs a bundled handler registered (addPolicyDirs).
    ...(spec.builtin === false ? [] : defaultPolicyDirs()),
    ...named,
    ...(spec.extensionPacks ?? []).map((dir) => join(dir, "policies")).filter((d) => existsSync(d)),
  ];
  if (paths.length === 0) throw new PackError("no policies: --no-builtin, and neither --policies nor --pack");
  return paths;
}

export interface Pack {
  engine: Engine;
  policies: CompiledPolicy[];
  problems: PolicyProblem[];
  spec: PackSpec;
}

/**
 * Loads policies and exemptions: the built-in pack's, those of `policyPaths` and of the extension packs (whose
 * modules must be registered: ./load.ts). Unknown policy ids and missing files are PackErrors, bad policy content
 * is `problems`.
 */
export function loadPack(
  spec: PackSpec,
  checks: Pick<LoadOptions, "check"> & { select?: (p: CompiledPolicy[]) => CompiledPolicy[] } = {},
): Pack {
  const paths = packPolicyPaths(spec);
  const loaded = loadPolicies(paths, process.cwd(), { ...(spec.compile ? { compile: spec.compile } : {}), ...checks });
  const problems = [...loaded.problems];
  let policies = loaded.policies;
  if (spec.policyIds && spec.policyIds.length > 0) {
    const known = new Set(policies.map((p) => p.policy.id));
    const unknown = spec.policyIds.filter((id) => !known.has(id));
    if (unknown.length > 0) throw new PackError(`unknown policy id: ${unknown.join(", ")} (see \`guardrail explain\`)`);
    const wanted = new Set(spec.policyIds);
    policies = policies.filter((p) => wanted.has(p.policy.id));
  }
  if (checks.select) policies = checks.select(policies);
  const now = spec.now ? new Date(spec.now) : new Date();
  let exemptions = new Exemptions([], now);
  if (spec.exemptionsFile) {
    if (!existsSync(spec.exemptionsFile)) throw new PackError(`exemptions: ${spec.exemptionsFile}: no such file`);
    const r = Exemptions.load(spec.exemptionsFile, spec.exemptionsFile, now);
    exemptions = r.exemptions;
    problems.push(...r.problems, ...exemptions.unknownPolicies(new Set(loaded.policies.map((p) => p.policy.id))));
  }
  if (spec.baselineFile) {
    if (!existsSync(spec.baselineFile)) throw new PackError(`baseline: ${spec.baselineFile}: no such file`);
    if (!statSync(spec.baselineFile).isFile()) throw new PackError(`baseline: ${spec.baselineFile}: not a file`);
    const r = Baseline.load(spec.baselineFile);
    exemptions.baseline = r.baseline;
    problems.push(...r.problems);
  }
  return { engine: new Engine(policies, exemptions), policies, problems, spec: { ...spec, now: now.toISOString() } };
}
