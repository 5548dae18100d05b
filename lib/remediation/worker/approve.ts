import { PublishCommand } from "@aws-sdk/client-sns";
import { clientFor } from "../../aws/clients";
import { service as dynamodb } from "../../aws/services/dynamodb";
import { service as sns } from "../../aws/services/sns";
import { S3RecordStore, type RecordStore } from "./s3-records";
import { parseRecordId, recordKey } from "./decide";
import { DynamoAccountGuard } from "./guard";
import { resourceIdentityProblems } from "./identity";
import { KIND_REQUEST, MESSAGE_KIND_ATTRIBUTE, RELEASE_TYPE, resourceRefSchema, type ApprovalRelease } from "./message";
import type { RemediationRecord } from "./record";
import type { AwsCall } from "../types";

/**
 * Releasing a fix that waits for approval: what `guardrail remediation approve <record-id>` runs (the command the
 * approval message prints). Approve mode, an open circuit breaker and a stale approval all end in a remediation
 * record with an `approval` (the command, the reason, the expiry); releasing it:
 *  1. reads that record from the audit bucket (the id alone gives its key) and refuses anything that is not a
 *     live approval request;
 *  2. publishes an approval release (`guardrail.remediation.approval-release`: the record id, who approved,
 *     when, the original correlation id) to the topic the remediation queue is subscribed to, with the message
 *     attribute guardrail_message=remediation-request;
 *  3. the worker then reads the same record, describes and judges the resource again and plans again; it fixes
 *     only when the new plan is exactly the approved one (else: approval-stale, and a new approval request), and
 *     records the release (approvedBy, approvedAt) in the new record. A release is not held back by the
 *     account's circuit breaker (a person decided) but counts against its rate limit.
 * The worker trusts the record in S3, never the release message, for what to do: a forged release can at most
 * ask for a fix the policy itself plans for a resource that violates it now.
 *
 * Environment: AUDIT_BUCKET; GUARDRAIL_REQUEST_TOPIC_ARN (the topic the queue is subscribed to), else
 * REMEDIATION_TOPIC_ARN. IAM for the person or role approving: s3:GetObject on <bucket>/records/*, sns:Publish
 * on the topic (and dynamodb:DeleteItem on the idempotency table for closeCircuitBreaker).
 */

export class ApprovalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ApprovalError";
  }
}

export interface ApproveOptions {
  /** Who releases the fix (the CLI passes the caller's identity, e.g. its STS ARN or $USER); recorded. */
  approvedBy: string;
  now?: Date;
  /** Default: the audit bucket of AUDIT_BUCKET. */
  records?: RecordStore;
  /** Default: GUARDRAIL_REQUEST_TOPIC_ARN, else REMEDIATION_TOPIC_ARN. */
  topicArn?: string;
  env?: NodeJS.ProcessEnv;
}

export interface ApprovalResult {
  release: ApprovalRelease;
  /** The SNS message id of the release. */
  messageId: string;
  /** What the approval record asked for: the calls the worker will make if the resource has not changed. */
  plan: AwsCall[];
  record: Pick<RemediationRecord, "recordId" | "outcome" | "reason" | "correlationId" | "policy"> & {
    resource: unknown;
  };
}

function setting(env: NodeJS.ProcessEnv, ...names: string[]): string {
  for (const n of names) if (env[n]) return env[n] as string;
  throw new ApprovalError(`environment variable ${names.join(" or ")} is not set`);
}

/** Reads an approval request and checks that it can still be released; the record, for showing the plan. */
export async function readApproval(
  recordId: string,
  options: Pick<ApproveOptions, "records" | "now" | "env"> = {},
): Promise<RemediationRecord> {
  if (!parseRecordId(recordId)) {
    throw new ApprovalError(`"${recordId}" is not a remediation record id (yyyy-mm-dd_account_region_hex)`);
  }
  const env = options.env ?? process.env;
  const records = options.records ?? new S3RecordStore(setting(env, "AUDIT_BUCKET"));
  const record = await records.get(recordId);
  if (!record) throw new ApprovalError(`no remediation record ${recordId} (${records.uriOf(recordId)})`);
  if (!record.approval) {
    throw new ApprovalError(`record ${recordId} is not waiting for approval: its outcome is ${record.outcome}`);
  }
  // The worker refuses such a release too (./identity.ts); the approver hears why now.
  const ref = resourceRefSchema.safeParse(record.request.resource);
  const problems = ref.success ? resourceIdentityProblems(ref.data) : ["resource: not a resource reference"];
  if (problems.length > 0) throw new ApprovalError(`record ${recordId} cannot be released: ${problems.join("; ")}`);
  const now = options.now ?? new Date();
  if (Date.parse(record.approval.expiresAt) < now.getTime()) {
    throw new ApprovalError(
      `approval request ${recordId} expired at ${record.approval.expiresAt}; the next detection asks again`,
    );
  }
  return record;
}

/** Releases the fix an approval record asks for (see the module comment). */
export async function approveRemediation(recordId: string, options: ApproveOptions): Promise<ApprovalResult> {
  if (!options.approvedBy.trim()) throw new ApprovalError("approvedBy is empty: say who approves");
  const env = options.env ?? process.env;
  const record = await readApproval(recordId, options);
  const now = options.now ?? new Date();
  const release: ApprovalRelease = {
    type: RELEASE_TYPE,
    version: 1,
    approvalRecordId: recordId,
    approvedBy: options.approvedBy.trim(),
    approvedAt: now.toISOString(),
    correlationId: record.correlationId,
  };
  const topicArn = options.topicArn ?? setting(env, "GUARDRAIL_REQUEST_TOPIC_ARN", "REMEDIATION_TOPIC_ARN");
  const out = await clientFor(sns).send(
    new PublishCommand({
      TopicArn: topicArn,
      Message: JSON.stringify(release),
      MessageAttributes: { [MESSAGE_KIND_ATTRIBUTE]: { DataType: "String", StringValue: KIND_REQUEST } },
    }),
  );
  return {
    release,
    messageId: out.MessageId ?? "",
    plan: record.plan,
    record: {
      recordId: record.recordId,
      outcome: record.outcome,
      reason: record.reason,
      correlationId: record.correlationId,
      policy: record.policy,
      resource: record.request.resource,
    },
  };
}

/** Closes an account's circuit breaker before its cooldown ends (after a person looked at the failures). */
export async function closeCircuitBreaker(accountId: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (!/^\d{12}$/.test(accountId)) throw new ApprovalError(`"${accountId}" is not an AWS account id`);
  const guard = new DynamoAccountGuard(clientFor(dynamodb), {
    table: setting(env, "IDEMPOTENCY_TABLE"),
    fixesPerMinute: 0,
    breakerFailures: 0,
    breakerWindowMinutes: 1,
    breakerCooldownMinutes: 1,
  });
  await guard.close(accountId);
}

/** The S3 key of a record id (for the CLI's messages). */
export { recordKey };
