import pc from "picocolors";
import { loadPack, selectionOf, type PackOptions } from "../pack-options";
import { plural } from "../../lib/util/words";
import { EXIT } from "../exit";
import { isCloudTrailPolicy, resourceTypesOf, type PolicyFile } from "../../lib/policy/types";
import { SEVERITIES } from "../../lib/policy/types";
import { frameworkName } from "../../lib/policy/frameworks";

const MODE_WORDS = {
  auto: "fixed automatically",
  approve: "fixed once someone approves",
  notify: "reported only (no automatic fix)",
};

export interface ExplainOptions extends PackOptions {
  json?: boolean;
  format?: "table" | "json";
}

/** One policy of the listing, as `--format json` prints it. */
export interface PolicyListing {
  id: string;
  title: string;
  severity: string;
  /** Resource types judged, or ["CloudTrail"] for a policy of API calls. */
  types: string[];
  /** Control ids by framework id. */
  frameworks: Record<string, string[]>;
  remediation?: { action: string; mode: string };
  file: string;
}

export function explainCommand(id: string | undefined, opts: ExplainOptions): number {
  const json = opts.json === true || opts.format === "json";
  // With an id the filters do not apply: the policy is named.
  const filters = id ? {} : selectionOf(opts);
  const { policies, problems } = loadPack(
    {
      ...(opts.policies ? { policies: opts.policies } : {}),
      ...(opts.pack ? { pack: opts.pack } : {}),
      ...(opts.builtin === false ? { builtin: false } : {}),
      ...filters,
    },
    (l) => process.stderr.write(l + "\n"),
  );
  if (!id) {
    const sorted = [...policies].sort(
      (a, b) =>
        SEVERITIES.indexOf(a.policy.severity) - SEVERITIES.indexOf(b.policy.severity) ||
        a.policy.id.localeCompare(b.policy.id),
    );
    const listed = sorted.map(({ policy, file }) => listing(policy, file));
    if (json) {
      process.stdout.write(JSON.stringify(listed, null, 2) + "\n");
      return problems.length > 0 ? EXIT.usage : EXIT.ok;
    }
    const idWidth = Math.min(48, Math.max(...listed.map((p) => p.id.length), 2));
    for (const p of listed) {
      // Types and controls vary in length: they go on a second line so that the titles line up.
      const controls = Object.entries(p.frameworks).map(([fw, ids]) => `${fw} ${ids.join(", ")}`);
      process.stdout.write(`${p.severity.padEnd(8)}  ${p.id.padEnd(idWidth)}  ${p.title}\n`);
      process.stdout.write(`${" ".repeat(10 + idWidth)}  ${[p.types.join(", "), ...controls].join(" · ")}\n`);
    }
    const filtered = Object.keys(filters).length > 0 ? " (filtered)" : "";
    process.stdout.write(
      `${plural(policies.length, "policy", "policies")}${filtered}; \`guardrail explain <id>\` for one\n`,
    );
    return problems.length > 0 ? EXIT.usage : EXIT.ok;
  }
  const found = policies.find((p) => p.policy.id === id);
  if (!found) {
    process.stderr.write(`guardrail: no policy "${id}" (run \`guardrail explain\` for the list)\n`);
    return EXIT.usage;
  }
  if (json) {
    process.stdout.write(JSON.stringify(found.policy, null, 2) + "\n");
    return EXIT.ok;
  }
  process.stdout.write(explainText(found.policy, found.file, process.stdout.isTTY === true));
  return EXIT.ok;
}

function listing(p: PolicyFile, file: string): PolicyListing {
  return {
    id: p.id,
    title: p.title,
    severity: p.severity,
    types: isCloudTrailPolicy(p) ? ["CloudTrail"] : resourceTypesOf(p),
    frameworks: p.frameworks ?? {},
    ...(p.remediation ? { remediation: { action: p.remediation.action, mode: p.remediation.mode } } : {}),
    file,
  };
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
    for (const [k, ids] of Object.entries(p.frameworks)) lines.push(`  ${frameworkName(k)}: ${ids.join(", ")}`);
  }
  const n = p.examples.compliant.length + p.examples.noncompliant.length + (p.examples.notApplicable?.length ?? 0);
  lines.push(`${c.bold("Examples")}        ${n} (run them: guardrail test ${file})`);
  lines.push(`${c.bold("Compliant when")}  ${JSON.stringify(p.compliant)}`);
  return lines.join("\n") + "\n";
}
