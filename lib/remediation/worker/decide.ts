import { createHash } from "node:crypto";
import type { RemediationMode } from "../../policy/types";
import { isObject } from "../../util/json";
import type { RemediationAction } from "../types";
import { RECORD_ID_PATTERN, type ResourceRefShape } from "./message";

/**
 * The worker's decisions, as pure functions of their inputs (no AWS, no clock but the one given): which mode
 * applies, whether a resource is still in its stack's grace period, the idempotency key, record ids and keys.
 */

// ---------------------------------------------------------------------------------------------------------------
// Modes

const STRICTNESS: Record<RemediationMode, number> = { auto: 0, approve: 1, notify: 2 };

/** The stricter of two modes: notify > approve > auto. */
export function stricterMode(a: RemediationMode, b: RemediationMode): RemediationMode {
  return STRICTNESS[a] >= STRICTNESS[b] ? a : b;
}

export function isRemediationMode(v: unknown): v is RemediationMode {
  return v === "auto" || v === "approve" || v === "notify";
}

/**
 * The mode a request runs in. The detection side decides it when it publishes the request (the policy's
 * `remediation.mode`), and the account's mode (the deployment parameter remediationMode, env
 * GUARDRAIL_REMEDIATION_MODE) caps it: an account at "notify" is told about everything and changed by nothing
 * until its team raises the cap; at "approve", auto policies ask first. A policy without a remediation, or whose
 * action is notify-only, is always notify.
 */
export function effectiveMode(
  requested: RemediationMode,
  policyRemediation: { mode: RemediationMode } | undefined,
  action: Pick<RemediationAction, "notifyOnly"> | undefined,
  accountMode?: RemediationMode,
): RemediationMode {
  if (policyRemediation === undefined || action === undefined || action.notifyOnly) return "notify";
  return accountMode ? stricterMode(requested, accountMode) : requested;
}

// ---------------------------------------------------------------------------------------------------------------
// Grace period for resources of CloudFormation stacks

export const STACK_NAME_TAG = "aws:cloudformation:stack-name";

export interface GraceInput {
  tags: Record<string, string>;
  /** When the request was detected (ISO 8601). */
  detectedAt: string;
  now: Date;
  /** ApproximateReceiveCount of the SQS message. */
  receiveCount: number;
  /**
   * The stack's status (DescribeStacks StackStatus) when the worker can read it; undefined when it cannot (no
   * CloudFormation client in this build) or the stack is not found.
   */
  stackStatus?: string;
  settings: { graceMinutes: number; graceMaxMinutes: number; gracePollSeconds: number; graceMaxReceives: number };
}

export type GraceDecision =
  | { defer: false; stackName?: string; reason?: string }
  | { defer: true; stackName: string; delaySeconds: number; reason: string };

/**
 * Resources that a CloudFormation stack manages carry the `aws:cloudformation:stack-name` tag. While the stack is
 * being created or updated, a violation may be a step on the way (the stack tags, encrypts or attaches later in
 * the same deployment), and a fix would race the deployment (peers.md, problem 3). So:
 *  - stack status known: wait while it is *_IN_PROGRESS, looking again every gracePollSeconds, for at most
 *    graceMaxMinutes after detection; a stack at rest means no wait at all;
 *  - stack status unknown (tags only): wait until the request is graceMinutes old.
 * Waiting is deferring the message (it comes back after the delay); each deferral is a receive, so after
 * graceMaxReceives receives the grace period is over whatever the stack says, and the DLQ's maxReceiveCount must
 * leave room for it (serverless.yml: maxReceiveCount well above graceMaxReceives).
 */
export function graceDecision(input: GraceInput): GraceDecision {
  const stackName = input.tags[STACK_NAME_TAG];
  if (!stackName) return { defer: false };
  const { settings } = input;
  if (input.receiveCount > settings.graceMaxReceives) {
    return { defer: false, stackName, reason: `grace period over after ${input.receiveCount - 1} deferrals` };
  }
  const ageSeconds = Math.max(0, (input.now.getTime() - Date.parse(input.detectedAt)) / 1000);
  if (input.stackStatus !== undefined) {
    const inProgress = input.stackStatus.endsWith("_IN_PROGRESS");
    if (inProgress && ageSeconds < settings.graceMaxMinutes * 60) {
      return {
        defer: true,
        stackName,
        delaySeconds: Math.ceil(Math.min(settings.gracePollSeconds, settings.graceMaxMinutes * 60 - ageSeconds)),
        reason: `stack ${stackName} is ${input.stackStatus}`,
      };
    }
    return { defer: false, stackName, reason: `stack ${stackName} is ${input.stackStatus}` };
  }
  const grace = settings.graceMinutes * 60;
  if (ageSeconds < grace) {
    return {
      defer: true,
      stackName,
      delaySeconds: Math.ceil(grace - ageSeconds),
      reason: `resource of stack ${stackName}, detected ${Math.floor(ageSeconds)} s ago: waiting ${settings.graceMinutes} min in case the stack is still deploying`,
    };
  }
  return { defer: false, stackName };
}

// ---------------------------------------------------------------------------------------------------------------
// Idempotency

/** JSON with object keys sorted at every level (undefined members dropped): equal documents, equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? "null" : canonicalJson(v))).join(",")}]`;
  if (isObject(value)) {
    const keys = Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** SHA-256 of the canonical document; "gone" for a resource that no longer exists. */
export function documentHash(document: Record<string, unknown> | undefined): string {
  return document === undefined ? "gone" : sha256(canonicalJson(document));
}

/**
 * The idempotency key: policy, resource and the hash of the document as described now, plus the mode, the number
 * of verified fixes the subject has had, and the approval record a release names. Two deliveries about the same
 * state (a duplicate SQS delivery, a CloudTrail event and a Config rule finding the same violation) share it and are
 * handled once; a new state is a new key. The fix count makes a violation put back after a fix a new state although
 * its document is the old one (Config gives it a new configurationStateId too); a late duplicate of the request
 * that was fixed then finds the resource compliant and changes nothing.
 */

/**
 * The fix count a request's key uses: the subject's verified fixes, less the last one when the request was detected
 * before it (a duplicate delivery, or another detection, of the state that fix already fixed: the same key, so it
 * is not fixed twice even while the service still describes the old state). A violation put back after the fix is
 * detected after it, and gets the new count.
 */
export function fixGenerationFor(detectedAt: string, fixes: { count: number; lastFixedAt?: string }): number {
  const detected = Date.parse(detectedAt);
  const lastFixed = fixes.lastFixedAt ? Date.parse(fixes.lastFixedAt) : Number.NaN;
  return fixes.count > 0 && detected <= lastFixed ? fixes.count - 1 : fixes.count;
}

/** The (policy, resource) subject a fix count is kept for. */
export function fixSubject(policyId: string, r: ResourceRefShape): string {
  return sha256([policyId, r.accountId, r.region, r.type, r.id].join("|")).slice(0, 32);
}

export function idempotencyKey(input: {
  policyId: string;
  resource: ResourceRefShape;
  documentHash: string;
  mode: RemediationMode;
  /** Verified fixes of this policy and resource so far (AccountGuard.fixGeneration). */
  fixGeneration: number;
  releaseOf?: string;
}): string {
  const r = input.resource;
  const parts = [
    input.policyId,
    r.accountId,
    r.region,
    r.type,
    r.id,
    input.documentHash,
    input.mode,
    `fixes:${input.fixGeneration}`,
  ];
  if (input.releaseOf) parts.push(`release:${input.releaseOf}`);
  return parts.join("|");
}

// ---------------------------------------------------------------------------------------------------------------
// Record ids and keys

/**
 * `<yyyy-mm-dd>_<account>_<region>_<16 hex>`: the record's S3 key can be built from its id alone (the approve
 * command needs only the id). The hex is a hash of the idempotency key, the correlation id and the receive count:
 * every attempt has its own record, and a duplicate handled once has one.
 */
export function recordIdFor(input: {
  startedAt: Date;
  resource: ResourceRefShape;
  idempotencyKey: string;
  correlationId: string;
  receiveCount: number;
}): string {
  const date = input.startedAt.toISOString().slice(0, 10);
  const hex = sha256(`${input.idempotencyKey}|${input.correlationId}|${input.receiveCount}`).slice(0, 16);
  return `${date}_${input.resource.accountId}_${input.resource.region}_${hex}`;
}

export interface RecordLocation {
  accountId: string;
  region: string;
  date: string;
}

/** The parts of a record id, or undefined if it is not one. */
export function parseRecordId(recordId: string): RecordLocation | undefined {
  if (!RECORD_ID_PATTERN.test(recordId)) return undefined;
  const [date, accountId, region] = recordId.split("_") as [string, string, string, string];
  return { date, accountId, region };
}

/** `records/account=<acct>/region=<region>/date=<yyyy-mm-dd>/<recordId>.json` (Hive-style partitions for Athena). */
export function recordKey(recordId: string): string {
  const loc = parseRecordId(recordId);
  if (!loc) throw new Error(`"${recordId}" is not a remediation record id (yyyy-mm-dd_account_region_hex)`);
  return `records/account=${loc.accountId}/region=${loc.region}/date=${loc.date}/${recordId}.json`;
}

/**
 * The command that releases an approval request, as it can be run: the records bucket, the topic the queue is
 * subscribed to and their Region (the topic ARN's) are this deployment's, which the person approving may not know.
 */
export function approvalCommand(recordId: string, where?: { bucket: string; topicArn: string }): string {
  if (!where) return `guardrail remediation approve ${recordId}`;
  const region = where.topicArn.split(":")[3];
  const regionFlag = region ? ` --region ${region}` : "";
  return `guardrail remediation approve ${recordId} --bucket ${where.bucket} --topic-arn ${where.topicArn}${regionFlag}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Rate-limit and breaker windows

/** The minute a time falls in (`2026-11-02T09:20`), and the seconds until the next one starts. */
export function minuteWindow(now: Date): { id: string; secondsLeft: number } {
  const id = now.toISOString().slice(0, 16);
  const secondsLeft = 60 - now.getUTCSeconds() - now.getUTCMilliseconds() / 1000;
  return { id, secondsLeft };
}

/** The fixed window of `minutes` a time falls in, as its start (epoch seconds). */
export function windowStart(now: Date, minutes: number): number {
  const size = Math.round(minutes * 60);
  const t = Math.floor(now.getTime() / 1000);
  return t - (t % size);
}
