import { SnsSqsNotificationSchema } from "@aws-lambda-powertools/parser/schemas/sns";
import { z } from "zod";
import { ALERT_TYPE as DETECTION_ALERT_TYPE } from "../../detect/request";
import type { RemediationRequest as PublishedRequest } from "./deps";

/**
 * What arrives on the remediation queue. The queue is subscribed to the SNS topic without raw delivery, so every
 * SQS body is an SNS envelope (SNS Developer Guide, "Amazon SNS message and JSON formats": Type, MessageId,
 * TopicArn, Message as a JSON string, Timestamp, signature fields), parsed with Powertools'
 * SnsSqsNotificationSchema; its Message is one of:
 *  - a remediation request (version 1) as the detection side publishes it;
 *  - an approval release (lib/remediation/worker/approve.ts), naming the approval record whose fix a person released;
 *  - one of Guardrail's own notifications (a detection alert, a remediation outcome, a circuit-breaker alert),
 *    when the topic that carries requests also carries those and the queue's subscription has no filter policy:
 *    recognised by their `type` and ignored, never an error. (With the filter policy
 *    {"guardrail_message": ["remediation-request"]} they never reach the queue.)
 * Anything else is a MessageError naming what is wrong: the record fails, goes back to the queue and, after the
 * queue's maxReceiveCount, to the dead-letter queue.
 */

export class MessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MessageError";
  }
}

/** The `type` of Guardrail's own messages on the topic. */
export const OUTCOME_TYPE = "guardrail.remediation.outcome";
export const BREAKER_ALERT_TYPE = "guardrail.remediation.circuit-breaker-open";
export const RELEASE_TYPE = "guardrail.remediation.approval-release";

/** SNS message attribute naming what a message is, for subscription filter policies. */
export const MESSAGE_KIND_ATTRIBUTE = "guardrail_message";
export const KIND_REQUEST = "remediation-request";
export const KIND_OUTCOME = "remediation-outcome";
export const KIND_ALERT = "circuit-breaker-open";

const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), "not an ISO 8601 time");
const nonEmpty = z.string().min(1);

export const resourceRefSchema = z.object({
  type: nonEmpty,
  id: nonEmpty,
  region: nonEmpty,
  accountId: nonEmpty,
  arn: z.string().optional(),
});

const cloudTrailCause = z.object({
  eventName: nonEmpty,
  eventTime: isoTime,
  principal: z.string().nullish(),
  sourceIPAddress: z.string().nullish(),
  console: z.boolean().nullish(),
});
const configRuleCause = z.object({ configRuleName: nonEmpty });

/** The remediation request (version 1). Unknown keys are ignored here; the record keeps the message as it came. */
export const requestSchema = z.object({
  version: z.literal(1),
  correlationId: nonEmpty,
  policyId: nonEmpty,
  mode: z.enum(["auto", "approve", "notify"]),
  resource: resourceRefSchema,
  evaluation: z.object({ compliance: nonEmpty, annotation: z.string().nullish() }),
  cause: z.union([cloudTrailCause, configRuleCause]),
  detectedAt: isoTime,
});

export type RemediationRequest = z.infer<typeof requestSchema>;
export type ResourceRefShape = z.infer<typeof resourceRefSchema>;

/**
 * Compile-time agreement with the request type the detection side declares (lib/detect/request.ts): every
 * request it can publish is one this worker accepts.
 */
export type PublishedRequestIsAccepted = PublishedRequest extends RemediationRequest ? true : never;
export const publishedRequestIsAccepted: PublishedRequestIsAccepted = true;

export const RECORD_ID_PATTERN = /^\d{4}-\d{2}-\d{2}_\d{12}_[a-z0-9-]+_[0-9a-f]{16}$/;

export const releaseSchema = z.object({
  type: z.literal(RELEASE_TYPE),
  version: z.literal(1),
  approvalRecordId: z.string().regex(RECORD_ID_PATTERN, "not a Guardrail remediation record id"),
  approvedBy: nonEmpty,
  approvedAt: isoTime,
  correlationId: nonEmpty,
});

export type ApprovalRelease = z.infer<typeof releaseSchema>;

export type WorkerMessage =
  | { kind: "request"; request: RemediationRequest; raw: Record<string, unknown>; snsMessageId: string }
  | { kind: "release"; release: ApprovalRelease; snsMessageId: string }
  | { kind: "ignored"; type: string; snsMessageId: string };

function issues(e: z.ZodError): string {
  return e.issues
    .slice(0, 5)
    .map((i) => `${i.path.length > 0 ? i.path.join(".") : "(message)"}: ${i.message}`)
    .join("; ");
}

/** The SQS record body: an SNS envelope around one of the messages above. */
export function parseWorkerMessage(body: string): WorkerMessage {
  let envelope: unknown;
  try {
    envelope = JSON.parse(body);
  } catch (e) {
    throw new MessageError(`body is not JSON (${(e as Error).message}); expected an SNS notification envelope`);
  }
  const sns = SnsSqsNotificationSchema.safeParse(envelope);
  if (!sns.success) throw new MessageError(`body is not an SNS notification envelope: ${issues(sns.error)}`);
  const snsMessageId = sns.data.MessageId;

  let message: unknown;
  try {
    message = JSON.parse(sns.data.Message);
  } catch (e) {
    throw new MessageError(`SNS Message ${snsMessageId} is not JSON (${(e as Error).message})`);
  }
  const type =
    typeof message === "object" && message !== null && "type" in message
      ? (message as { type: unknown }).type
      : undefined;
  if (type === OUTCOME_TYPE || type === BREAKER_ALERT_TYPE || type === DETECTION_ALERT_TYPE) {
    return { kind: "ignored", type, snsMessageId };
  }
  if (type === RELEASE_TYPE) {
    const r = releaseSchema.safeParse(message);
    if (!r.success) throw new MessageError(`approval release ${snsMessageId} is invalid: ${issues(r.error)}`);
    return { kind: "release", release: r.data, snsMessageId };
  }
  const r = requestSchema.safeParse(message);
  if (!r.success) throw new MessageError(`remediation request ${snsMessageId} is invalid: ${issues(r.error)}`);
  return { kind: "request", request: r.data, raw: message as Record<string, unknown>, snsMessageId };
}

/** The CloudTrail principal whose change caused the request; undefined when a Config rule found it. */
export function principalOf(request: RemediationRequest): string | undefined {
  const cause = request.cause as Record<string, unknown>;
  return typeof cause.principal === "string" && cause.principal !== "" ? cause.principal : undefined;
}

/** When the resource changed: the CloudTrail event time, else when the violation was detected. */
export function changedAt(request: RemediationRequest): string {
  const cause = request.cause as Record<string, unknown>;
  return typeof cause.eventTime === "string" ? cause.eventTime : request.detectedAt;
}
