import { existsSync } from "node:fs";
import { Exemptions } from "../../lib/engine/exemptions";
import { defaultPolicyDir, formatProblem, loadPolicies } from "../../lib/policy/load";
import { EXIT } from "../exit";
import { UsageError } from "../pack";

export function validateCommand(paths: string[], opts: { exemptions?: string }): number {
  const targets = paths.length > 0 ? paths : [defaultPolicyDir()];
  for (const p of targets) if (!existsSync(p)) throw new UsageError(`${p}: no such file or directory`);
  const { policies, problems } = loadPolicies(targets);
  if (opts.exemptions) {
    if (!existsSync(opts.exemptions)) throw new UsageError(`${opts.exemptions}: no such file`);
    problems.push(...Exemptions.load(opts.exemptions).problems);
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
