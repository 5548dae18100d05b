import type { Compliance } from "../../engine/evaluate";
import type { RemediationMode, Severity } from "../../policy/types";
import type { Resource } from "../../resources/adapter";
import type { CallResult } from "../executor";
import type { AwsCall, RemediationParams } from "../types";

/**
 * The remediation record: one JSON document per request handled, written to the audit bucket at
 * `records/account=…/region=…/date=…/<recordId>.json` (decide.ts recordKey). It holds everything needed to
 * understand and undo what happened: the request as it came, the resource before, the calls planned and their
 * results, the resource after, the verification, and the CloudTrail principal whose change caused it.
 */

export type Outcome =
  /** Fixed and verified: describe again says COMPLIANT. */
  | "fixed"
  /** Every call succeeded, but describe again still says NON_COMPLIANT: a failure, never a success. */
  | "fix-did-not-take"
  /** Every call succeeded, but the resource could not be described again to check (the record says why). */
  | "verification-failed"
  /** A call failed before any call succeeded: nothing was changed. */
  | "fix-failed"
  /** A call failed after others succeeded: the record lists what was applied (`results`). */
  | "partially-applied"
  /** The action could not plan a fix (a PlanError: the document lacks what the fix needs, bad params). */
  | "plan-failed"
  /** NON_COMPLIANT, but the action planned no call: a person must look. */
  | "nothing-planned"
  | "already-compliant"
  | "exempt"
  | "not-applicable"
  | "resource-gone"
  /** approve mode: nothing changed; the outcome message carries the command that releases the fix. */
  | "awaiting-approval"
  /** auto mode with the account's circuit breaker open: nothing changed; released like an approval. */
  | "circuit-open"
  /** A released approval whose resource changed since: the plan differs, a new approval is asked for. */
  | "approval-stale"
  /** A release that came after the approval expired. */
  | "approval-expired"
  /** notify mode: told, nothing changed. */
  | "notified";

export type OutcomeStatus = "succeeded" | "failed" | "skipped" | "awaiting-approval" | "notified";

export const OUTCOME_STATUS: Record<Outcome, OutcomeStatus> = {
  fixed: "succeeded",
  "fix-did-not-take": "failed",
  "verification-failed": "failed",
  "fix-failed": "failed",
  "partially-applied": "failed",
  "plan-failed": "failed",
  "nothing-planned": "failed",
  "approval-expired": "failed",
  "already-compliant": "skipped",
  exempt: "skipped",
  "not-applicable": "skipped",
  "resource-gone": "skipped",
  "awaiting-approval": "awaiting-approval",
  "circuit-open": "awaiting-approval",
  "approval-stale": "awaiting-approval",
  notified: "notified",
};

export interface EvaluationSummary {
  compliance: Compliance;
  annotation?: string;
}

export interface Verification extends EvaluationSummary {
  /** Describes made until one passed (or all configured attempts). */
  attempts: number;
  verifiedAt: string;
}

export interface ApprovalRequest {
  /** The exact command that releases this fix. */
  command: string;
  /** Why a person is asked (approve mode, the breaker is open, the resource changed since an approval). */
  reason: string;
  /** After this, the release is refused (outcome approval-expired). */
  expiresAt: string;
}

export interface ReleaseInfo {
  approvalRecordId: string;
  approvedBy: string;
  approvedAt: string;
}

export interface RemediationRecord {
  recordVersion: 1;
  recordId: string;
  correlationId: string;
  /** The request as it arrived (for a release: the request of the approval record). */
  request: Record<string, unknown>;
  policy: {
    id: string;
    title: string;
    severity: Severity;
    action?: string;
    /** The mode the request ran in (decide.ts effectiveMode), and the one it asked for. */
    mode: RemediationMode;
    requestedMode: RemediationMode;
    params?: RemediationParams;
  };
  /** The resource as described when the request was handled; null when it no longer exists. */
  before: Resource | null;
  evaluation: EvaluationSummary | null;
  /** The calls planned (in approve and notify modes: the calls a release would make). */
  plan: AwsCall[];
  planError?: string;
  /** One result per planned call when the plan was executed; [] otherwise. */
  results: CallResult[];
  /** The resource as described by the last verification; null when not executed. */
  after: Resource | null;
  verification: Verification | null;
  outcome: Outcome;
  status: OutcomeStatus;
  /** One sentence saying what happened and, for failures, what to look at. */
  reason: string;
  /** The CloudTrail principal whose change caused the request; null when a Config rule found it. */
  principal: string | null;
  cause: Record<string, unknown>;
  approval?: ApprovalRequest;
  release?: ReleaseInfo;
  /** Where the grace period stood for a stack's resource. */
  stack?: { name: string; note?: string };
  /** SQS delivery: the message id and the receive count of this attempt. */
  delivery: { messageId: string; receiveCount: number };
  timings: {
    detectedAt: string;
    /** When the resource changed (CloudTrail eventTime), else detectedAt. */
    changedAt: string;
    startedAt: string;
    finishedAt: string;
    /** fixed only: from the change to the verified fix. */
    changeToVerifiedFixMs?: number;
  };
}

/** What the worker keeps (idempotency response) and returns per request; small on purpose. */
export interface RecordSummary {
  recordId: string;
  outcome: Outcome;
  status: OutcomeStatus;
  reason: string;
}

export function summaryOf(record: RemediationRecord): RecordSummary {
  return { recordId: record.recordId, outcome: record.outcome, status: record.status, reason: record.reason };
}
