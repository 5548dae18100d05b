import pc from "picocolors";
import { loadPack, type PackOptions } from "../pack-options";
import { EXIT } from "../exit";
import { isCloudTrailPolicy, resourceTypesOf, type PolicyFile } from "../../lib/policy/types";
import { SEVERITIES } from "../../lib/policy/types";
import { FRAMEWORKS } from "../../lib/policy/frameworks";

const MODE_WORDS = {
  auto: "fixed automatically",
  approve: "fixed once someone approves",
  notify: "reported only (no automatic fix)",
};

export function explainCommand(id: string | undefined, opts: PackOptions & { json?: boolean }): number {
  const { policies, problems } = loadPack(
    {
      ...(opts.policies ? { policies: opts.policies } : {}),
      ...(opts.pack ? { pack: opts.pack } : {}),
      ...(opts.builtin === false ? { builtin: false } : {}),
    },
    (l) => process.stderr.write(l + "\n"),
  );
  if (!id) {
    const sorted = [...policies].sort(
      (a, b) =>
        SEVERITIES.indexOf(a.policy.severity) - SEVERITIES.indexOf(b.policy.severity) ||
        a.policy.id.localeCompare(b.policy.id),
    );
    for (const { policy } of sorted) {
      process.stdout.write(`${policy.severity.padEnd(8)}  ${policy.id.padEnd(46)}  ${policy.title}\n`);
    }
    process.stdout.write(`${policies.length} policies; \`guardrail explain <id>\` for one\n`);
    return problems.length > 0 ? EXIT.usage : EXIT.ok;
  }
  const found = policies.find((p) => p.policy.id === id);
  if (!found) {
    process.stderr.write(`guardrail: no policy "${id}" (run \`guardrail explain\` for the list)\n`);
    return EXIT.usage;
  }
  if (opts.json) {
    process.stdout.write(JSON.stringify(found.policy, null, 2) + "\n");
    return EXIT.ok;
  }
  process.stdout.write(explainText(found.policy, found.file, process.stdout.isTTY === true));
  return EXIT.ok;
}

export function explainText(p: PolicyFile, file: string, color: boolean): string {
  const c = pc.createColors(color);
  const lines: string[] = [];
  lines.push(`${c.bold(p.title)}  ${c.dim(`(${p.id}, ${p.severity})`)}`);
  lines.push("");
  lines.push(`${c.bold("What it checks")}  ${p.description}`);
  lines.push(`${c.bold("Why")}             ${p.rationale}`);
  lines.push(
    `${c.bold("Judges")}          ${isCloudTrailPolicy(p) ? "CloudTrail records (API calls), as they happen" : resourceTypesOf(p).join(", ")}`,
  );
  if (p.applies !== undefined)
    lines.push(`${c.bold("Applies to")}      only documents matching ${JSON.stringify(p.applies)}`);
  if (p.triggers && p.triggers.length > 0) {
    lines.push(`${c.bold("Re-checked after")}`);
    for (const t of p.triggers) lines.push(`  ${t.eventSource}: ${t.eventNames.join(", ")}`);
  }
  if (p.remediation) {
    const params = p.remediation.params ? ` with ${JSON.stringify(p.remediation.params)}` : "";
    lines.push(`${c.bold("Remediation")}     ${p.remediation.action}${params}: ${MODE_WORDS[p.remediation.mode]}`);
  } else {
    lines.push(`${c.bold("Remediation")}     none: violations are reported`);
  }
  if (p.frameworks) {
    lines.push(`${c.bold("Frameworks")}`);
    for (const [k, ids] of Object.entries(p.frameworks)) lines.push(`  ${FRAMEWORKS[k] ?? k}: ${ids.join(", ")}`);
  }
  const n = p.examples.compliant.length + p.examples.noncompliant.length + (p.examples.notApplicable?.length ?? 0);
  lines.push(`${c.bold("Examples")}        ${n} (run them: guardrail test ${file})`);
  lines.push(`${c.bold("Compliant when")}  ${JSON.stringify(p.compliant)}`);
  return lines.join("\n") + "\n";
}
