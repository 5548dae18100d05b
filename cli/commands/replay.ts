import type { RemediationMode } from "../../lib/policy/types";
import { replay, ReplayInputError, type ReplayReport } from "../../lib/local/replay";
import { EXIT } from "../exit";
import { UsageError } from "../pack-options";
import { plural } from "../../lib/util/words";

export interface ReplayOptions {
  state: string;
  mode: RemediationMode;
  json?: boolean;
}

/**
 * `guardrail replay EVENT.json`: the policy author's test bench. One recorded event through the local pipeline
 * (lib/local/replay.ts); prints what each stage decided and the AWS calls Guardrail made. Exit 1 when Guardrail
 * found something to act on (a violation, a remediation request, an alert), 0 when it found nothing.
 */
export async function replayCommand(file: string, opts: ReplayOptions): Promise<number> {
  let report: ReplayReport;
  try {
    report = await replay({ file, stateDir: opts.state, mode: opts.mode });
  } catch (e) {
    if (e instanceof ReplayInputError) throw new UsageError(e.message);
    throw e;
  }
  if (opts.json) {
    process.stdout.write(JSON.stringify(report, null, 2) + "\n");
  } else {
    process.stdout.write(renderReplay(report));
  }
  return report.findings ? EXIT.findings : EXIT.ok;
}

export function renderReplay(r: ReplayReport): string {
  const lines: string[] = [];
  const say = (l = "") => lines.push(l);
  say(`${r.file}: ${r.what}`);
  for (const n of r.notes) say(`  note: ${n}`);
  if (r.eventRules.length > 0) say(`EventBridge rules matched: ${r.eventRules.join(", ")}`);
  if (r.configRules.length > 0) {
    say(`Config rules (rules/config-rule.ts):`);
    if (r.evaluations.length === 0) say(`  no evaluation recorded`);
    for (const e of r.evaluations) {
      const mark = e.compliance === "NON_COMPLIANT" ? "✗" : e.compliance === "COMPLIANT" ? "✓" : "-";
      say(`  ${mark} ${e.policyId}: ${e.compliance}${e.annotation ? `: ${e.annotation}` : ""}`);
    }
  }
  if (r.detections.length > 0) {
    say(`Detection (events/cloudtrail.ts):`);
    for (const d of r.detections) {
      const what =
        d.requests + d.alerts === 0
          ? `nothing to do${d.ignored ? ` (${d.ignored})` : ""}`
          : `${plural(d.requests, "remediation request")}, ${plural(d.alerts, "alert")}`;
      say(`  ${d.source === "config" ? "Config compliance change" : "CloudTrail event"}: ${what}`);
    }
    // Each message by the policy that raised it: what the alert's subscribers would read, not only a count.
    for (const m of r.published) {
      say(
        m.kind === "alert"
          ? `  alert raised by ${m.policyId}${m.severity ? ` (${m.severity})` : ""}: "${m.subject}"`
          : `  remediation request for ${m.policyId}: "${m.subject}"`,
      );
    }
  }
  if (r.outcomes.length > 0) {
    say(`Remediation (remediations/worker.ts, mode ${r.mode}):`);
    for (const o of r.outcomes) {
      say(`  ${o.policyId} on ${o.resource}: ${o.outcome} (${o.status}): ${o.reason}`);
      if (o.calls.length > 0) say(`    fix: ${o.calls.join(", ")}`);
      if (o.approvalCommand) say(`    release: ${o.approvalCommand}`);
    }
  }
  for (const d of r.deadLettered) say(`Dead-lettered to ${d.queue}: ${d.reason ?? "no reason logged"}`);
  for (const f of r.failures) say(`Failed after Lambda's retries: ${f}`);
  say(`AWS calls Guardrail made (${r.calls.length}):`);
  if (r.calls.length === 0) say(`  none`);
  // the same call repeated (retries, one per delivery) on one line, with its count
  const calls: { text: string; n: number }[] = [];
  for (const c of r.calls) {
    const text = `${c.call}${c.readOnly ? " (read)" : ""}  ${c.account} ${c.region}${c.error ? `  → ${c.error}` : ""}`;
    const last = calls[calls.length - 1];
    if (last && last.text === text) last.n++;
    else calls.push({ text, n: 1 });
  }
  for (const l of calls) say(`  ${l.text}${l.n > 1 ? `  (×${l.n})` : ""}`);
  say(r.findings ? `Verdict: Guardrail would act on this.` : `Verdict: Guardrail would do nothing.`);
  return lines.join("\n") + "\n";
}
