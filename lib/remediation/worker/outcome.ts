import { BREAKER_ALERT_TYPE, OUTCOME_TYPE } from "./message";
import type { Outcome, OutcomeStatus, RemediationRecord } from "./record";

/**
 * The outcome as other tools see it: the SNS message (JSON for machine subscribers, text for email) and the
 * EventBridge event detail (source `guardrail`, detail-type `Guardrail Remediation Outcome`). Compact: the full
 * story is the record in S3, which `recordUri` names.
 */

export const EVENT_SOURCE = "guardrail";
export const OUTCOME_DETAIL_TYPE = "Guardrail Remediation Outcome";
export const BREAKER_DETAIL_TYPE = "Guardrail Circuit Breaker Open";

export interface OutcomeMessage {
  type: typeof OUTCOME_TYPE;
  version: 1;
  recordId: string;
  recordUri: string;
  correlationId: string;
  policyId: string;
  policyTitle: string;
  severity: string;
  outcome: Outcome;
  status: OutcomeStatus;
  reason: string;
  mode: string;
  resource: { type: string; id: string; arn?: string; accountId: string; region: string };
  principal: string | null;
  /** `service:Operation` of every call planned, in order. */
  calls: string[];
  /** approve mode, open breaker, stale approval: the command that releases the fix. */
  approvalCommand?: string;
  approvalExpiresAt?: string;
  approvedBy?: string;
  timings: RemediationRecord["timings"];
}

export function outcomeMessage(record: RemediationRecord, recordUri: string): OutcomeMessage {
  const r = record.request.resource as OutcomeMessage["resource"];
  const m: OutcomeMessage = {
    type: OUTCOME_TYPE,
    version: 1,
    recordId: record.recordId,
    recordUri,
    correlationId: record.correlationId,
    policyId: record.policy.id,
    policyTitle: record.policy.title,
    severity: record.policy.severity,
    outcome: record.outcome,
    status: record.status,
    reason: record.reason,
    mode: record.policy.mode,
    resource: {
      type: r.type,
      id: r.id,
      ...(r.arn ? { arn: r.arn } : {}),
      accountId: r.accountId,
      region: r.region,
    },
    principal: record.principal,
    calls: record.plan.map((c) => `${c.service}:${c.operation}`),
    timings: record.timings,
  };
  if (record.approval) {
    m.approvalCommand = record.approval.command;
    m.approvalExpiresAt = record.approval.expiresAt;
  }
  if (record.release) m.approvedBy = record.release.approvedBy;
  return m;
}

/** SNS subjects: ASCII, no line breaks, under 100 characters. */
export function snsSubject(text: string): string {
  const ascii = text.replace(/[^\x20-\x7e]/g, "?");
  return ascii.length <= 99 ? ascii : `${ascii.slice(0, 96)}...`;
}

export function outcomeSubject(m: OutcomeMessage): string {
  return snsSubject(`[Guardrail] ${m.outcome}: ${m.policyId} on ${m.resource.id}`);
}

/** The email text: what happened, to what, caused by whom, and what to do. */
export function outcomeText(m: OutcomeMessage, record: RemediationRecord): string {
  const lines = [
    `Guardrail remediation: ${m.outcome} (${m.status})`,
    "",
    m.reason,
    "",
    `Policy:      ${m.policyId} (${m.severity}): ${m.policyTitle}`,
    `Resource:    ${m.resource.type} ${m.resource.id}`,
    `Account:     ${m.resource.accountId} ${m.resource.region}`,
    `Mode:        ${m.mode}`,
    `Changed by:  ${m.principal ?? "(found by a Config rule evaluation)"}`,
  ];
  if (record.evaluation?.annotation) lines.push(`Violation:   ${record.evaluation.annotation}`);
  if (record.plan.length > 0) {
    const verb = record.results.length > 0 ? "Calls" : "Calls it would make";
    lines.push("", `${verb}:`);
    for (const [i, c] of record.plan.entries()) {
      const status = record.results[i]?.status;
      lines.push(`  ${c.service}:${c.operation} ${JSON.stringify(c.input)}${status ? `  [${status}]` : ""}`);
    }
  }
  if (record.planError) lines.push("", `Plan: ${record.planError}`);
  if (m.approvalCommand) {
    lines.push("", "To release this fix, run:", `  ${m.approvalCommand}`, `(before ${m.approvalExpiresAt})`);
  }
  lines.push("", `Record:      ${m.recordUri}`, `Correlation: ${m.correlationId}`);
  return lines.join("\n");
}

export interface BreakerAlert {
  type: typeof BREAKER_ALERT_TYPE;
  version: 1;
  accountId: string;
  openedAt: string;
  openUntil: string;
  failures: number;
  windowMinutes: number;
  /** The request whose failure opened it. */
  correlationId: string;
  recordId: string;
}

export function breakerText(a: BreakerAlert): string {
  return [
    `Guardrail stopped automatic remediation in account ${a.accountId}.`,
    "",
    `${a.failures} fixes failed within ${a.windowMinutes} minutes; the last was record ${a.recordId} (correlation ${a.correlationId}).`,
    `Until ${a.openUntil}, auto-mode requests are recorded as circuit-open, each with the command that releases it.`,
    "Look at the failed records before releasing anything.",
  ].join("\n");
}
