import { existsSync } from "node:fs";
import { Engine } from "../engine/evaluate";
import { Exemptions } from "../engine/exemptions";
import { defaultPolicyDir, loadPolicies, type CompiledPolicy, type PolicyProblem } from "../policy/load";

/**
 * Everything needed to build the same engine again: plain data, so that scan workers (other threads) build
 * exactly the engine the main thread built.
 */
export interface PackSpec {
  /** Policy files or directories; default: the built-in pack. */
  policyPaths?: string[];
  /** Only these policy ids. */
  policyIds?: string[];
  exemptionsFile?: string;
  /** The clock exemptions are judged against, ISO 8601; default: now. */
  now?: string;
  /** Compile policies on first use (Lambda handlers); see LoadOptions. */
  compile?: "eager" | "lazy";
}

export class PackError extends Error {}

export interface Pack {
  engine: Engine;
  policies: CompiledPolicy[];
  problems: PolicyProblem[];
  spec: PackSpec;
}

/** Loads policies and exemptions; unknown policy ids and missing files are PackErrors, bad content is `problems`. */
export function loadPack(spec: PackSpec): Pack {
  const paths = spec.policyPaths && spec.policyPaths.length > 0 ? spec.policyPaths : [defaultPolicyDir()];
  for (const d of paths) if (!existsSync(d)) throw new PackError(`policies: ${d}: no such file or directory`);
  const loaded = loadPolicies(paths, process.cwd(), spec.compile ? { compile: spec.compile } : {});
  const problems = [...loaded.problems];
  let policies = loaded.policies;
  if (spec.policyIds && spec.policyIds.length > 0) {
    const known = new Set(policies.map((p) => p.policy.id));
    const unknown = spec.policyIds.filter((id) => !known.has(id));
    if (unknown.length > 0) throw new PackError(`unknown policy id: ${unknown.join(", ")} (see \`guardrail explain\`)`);
    const wanted = new Set(spec.policyIds);
    policies = policies.filter((p) => wanted.has(p.policy.id));
  }
  const now = spec.now ? new Date(spec.now) : new Date();
  let exemptions = new Exemptions([], now);
  if (spec.exemptionsFile) {
    if (!existsSync(spec.exemptionsFile)) throw new PackError(`exemptions: ${spec.exemptionsFile}: no such file`);
    const r = Exemptions.load(spec.exemptionsFile, spec.exemptionsFile, now);
    exemptions = r.exemptions;
    problems.push(...r.problems, ...exemptions.unknownPolicies(new Set(loaded.policies.map((p) => p.policy.id))));
  }
  return { engine: new Engine(policies, exemptions), policies, problems, spec: { ...spec, now: now.toISOString() } };
}
