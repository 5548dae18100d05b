import { existsSync } from "node:fs";
import { Exemptions } from "../../lib/engine/exemptions";
import { remediationProblems } from "../../lib/pack/checks";
import { formatProblem, loadPolicies } from "../../lib/policy/load";
import { EXIT } from "../exit";
import { packSpec, policyPaths, UsageError, type PackOptions } from "../pack-options";

export function validateCommand(paths: string[], opts: { exemptions?: string } & PackOptions): number {
  // Named files alone, or the pack the options describe; extension packs' types and actions are registered either way.
  const pack = policyPaths(opts);
  const targets = paths.length > 0 ? paths : pack;
  for (const p of targets) if (!existsSync(p)) throw new UsageError(`${p}: no such file or directory`);
  const { policies, problems } = loadPolicies(targets, process.cwd(), { check: remediationProblems });
  // The same exemptions file scan and demo would use (./exemptions.json when present and none is named).
  const exemptions = packSpec({ ...(opts.exemptions ? { exemptions: opts.exemptions } : {}) }).exemptionsFile;
  if (exemptions) {
    if (!existsSync(exemptions)) throw new UsageError(`${exemptions}: no such file`);
    const loaded = Exemptions.load(exemptions);
    problems.push(...loaded.problems, ...loaded.exemptions.unknownPolicies(new Set(policies.map((p) => p.policy.id))));
  }
  for (const p of problems) process.stderr.write(formatProblem(p) + "\n");
  const files = new Set(problems.map((p) => p.file)).size;
  if (problems.length > 0) {
    process.stderr.write(
      `${problems.length} problem${problems.length === 1 ? "" : "s"} in ${files} file${files === 1 ? "" : "s"}; ${policies.length} valid policies\n`,
    );
    return EXIT.usage;
  }
  process.stdout.write(`${policies.length} policies valid\n`);
  return EXIT.ok;
}
