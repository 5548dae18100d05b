import { existsSync } from "node:fs";
import { runExamples } from "../../lib/engine/examples";
import { remediationProblems } from "../../lib/pack/checks";
import { formatProblem, loadPolicies } from "../../lib/policy/load";
import { EXIT } from "../exit";
import { PackError } from "../../lib/pack";
import { selectOrPackError } from "../../lib/pack/load";
import { policyPaths, selectionOf, UsageError, type PackOptions } from "../pack-options";

export function testCommand(paths: string[], opts: { verbose?: boolean } & PackOptions): number {
  const pack = policyPaths(opts);
  const targets = paths.length > 0 ? paths : pack;
  for (const p of targets) if (!existsSync(p)) throw new UsageError(`${p}: no such file or directory`);
  const loaded = loadPolicies(targets, process.cwd(), { check: remediationProblems });
  const { problems } = loaded;
  for (const p of problems) process.stderr.write(formatProblem(p) + "\n");
  // The filters scan takes (--policy, --severity, ...) choose whose examples run.
  let policies = loaded.policies;
  try {
    policies = selectOrPackError(loaded.policies, selectionOf(opts));
  } catch (e) {
    if (e instanceof PackError) throw new UsageError(e.message);
    throw e;
  }
  const outcomes = runExamples(policies);
  let passed = 0;
  let failed = 0;
  for (const o of outcomes) {
    if (o.passed) {
      passed++;
      if (opts.verbose) process.stdout.write(`ok    ${o.policyId}  ${o.expected.padEnd(14)}  ${o.example}\n`);
    } else {
      failed++;
      process.stdout.write(`FAIL  ${o.file}  ${o.policyId}  "${o.example}": ${o.reason ?? ""}\n`);
    }
  }
  // An invalid policy file counts as one failure: its examples could not run (its problems are on stderr). The
  // exit code is the README's for invalid policies (2), before that of failing examples (1).
  const invalid = new Set(problems.map((p) => p.file)).size;
  process.stdout.write(`${passed} passed, ${failed + invalid} failed\n`);
  return invalid > 0 ? EXIT.usage : failed > 0 ? EXIT.findings : EXIT.ok;
}
