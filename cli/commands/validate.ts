import { existsSync, readFileSync } from "node:fs";
import { Exemptions } from "../../lib/engine/exemptions";
import { remediationProblems } from "../../lib/pack/checks";
import { type CompiledPolicy, formatProblem, loadPolicies, type PolicyProblem } from "../../lib/policy/load";
import { EXIT } from "../exit";
import { packSpec, policyPaths, projectConfig, selectionOf, UsageError, type PackOptions } from "../pack-options";
import { SelectionError, selectPolicies } from "../../lib/pack/select";
import { JsonSourceMap } from "../../lib/util/source-map";
import { plural } from "../../lib/util/words";

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
  problems.push(...configSelectionProblems(policies));
  for (const p of problems) process.stderr.write(formatProblem(p) + "\n");
  const files = new Set(problems.map((p) => p.file)).size;
  if (problems.length > 0) {
    process.stderr.write(
      `${problems.length} problem${problems.length === 1 ? "" : "s"} in ${files} file${files === 1 ? "" : "s"}; ${policies.length} valid policies\n`,
    );
    return EXIT.usage;
  }
  process.stdout.write(`${plural(policies.length, "policy", "policies")} valid\n`);
  return EXIT.ok;
}

/**
 * guardrail.config.json was checked against its schema when it was read (a bad one is a usage error before this);
 * here its `scan` filters are tried on the pack, so a typo in a policy glob or framework id shows before CI runs.
 */
function configSelectionProblems(policies: CompiledPolicy[]): PolicyProblem[] {
  const config = projectConfig();
  if (!config) return [];
  const select = selectionOf(config.scan);
  try {
    selectPolicies(policies, select);
    return [];
  } catch (e) {
    if (!(e instanceof SelectionError)) throw e;
    const { map } = JsonSourceMap.parse(readFileSync(config.file, "utf8").replace(/^\uFEFF/, ""));
    return [{ file: config.file, ...map.locate("/scan"), pointer: "/scan", message: e.message }];
  }
}
