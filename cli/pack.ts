import { existsSync } from "node:fs";
import { join } from "node:path";
import { Engine } from "../lib/engine/evaluate";
import { Exemptions } from "../lib/engine/exemptions";
import {
  defaultPolicyDir,
  formatProblem,
  loadPolicies,
  type CompiledPolicy,
  type PolicyProblem,
} from "../lib/policy/load";

export interface PackOptions {
  policies?: string[];
  policy?: string[];
  exemptions?: string;
}

export class UsageError extends Error {}

/**
 * Loads the policy pack (and exemptions) the way every command does. Invalid policies are reported on stderr
 * with their place and make the command fail (exit 2): a scan with a silently missing policy would lie.
 */
export function loadPack(
  opts: PackOptions,
  err: (line: string) => void,
): { engine: Engine; policies: CompiledPolicy[]; problems: PolicyProblem[] } {
  const dirs = opts.policies && opts.policies.length > 0 ? opts.policies : [defaultPolicyDir()];
  for (const d of dirs) if (!existsSync(d)) throw new UsageError(`policies: ${d}: no such file or directory`);
  const loaded = loadPolicies(dirs);
  const problems = [...loaded.problems];
  let policies = loaded.policies;
  if (opts.policy && opts.policy.length > 0) {
    const known = new Set(policies.map((p) => p.policy.id));
    const unknown = opts.policy.filter((id) => !known.has(id));
    if (unknown.length > 0)
      throw new UsageError(`unknown policy id: ${unknown.join(", ")} (see \`guardrail explain\`)`);
    const wanted = new Set(opts.policy);
    policies = policies.filter((p) => wanted.has(p.policy.id));
  }
  let exemptions = new Exemptions();
  const exemptionsFile = opts.exemptions ?? (existsSync("exemptions.json") ? "exemptions.json" : undefined);
  if (exemptionsFile) {
    if (!existsSync(exemptionsFile)) throw new UsageError(`exemptions: ${exemptionsFile}: no such file`);
    const r = Exemptions.load(exemptionsFile);
    exemptions = r.exemptions;
    problems.push(...r.problems);
  }
  for (const p of problems) err(formatProblem(p));
  return { engine: new Engine(policies, exemptions), policies, problems };
}

export function defaultStateDir(): string {
  return join(process.cwd(), ".guardrail");
}
