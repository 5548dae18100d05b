import type { RemediationMode, Severity } from "../policy/types";
import type { ResourceRef } from "../resources/adapter";

/**
 * What detection publishes to the remediation topic (env REMEDIATION_TOPIC_ARN): a RemediationRequest per
 * violation of a resource policy, an Alert per violation of a CloudTrail-subject policy. Plain JSON data, built
 * by one literal each with a fixed key order, so the same detection always gives the same message text.
 *
 * Every message carries the correlation id (the triggering CloudTrail eventID, or the id of the Config
 * "Config Rules Compliance Change" event) in its body and as an SNS message attribute, and says what it is in the
 * `kind` attribute, so subscriptions filter without reading bodies (topicMessage below).
 */

export const REQUEST_VERSION = 1;

/** The API call that caused a violation (from its CloudTrail record). */
export interface CloudTrailCause {
  eventName: string;
  eventTime: string;
  /** userIdentity.arn, else the session issuer's ARN, principalId or invokedBy (the service acting); "unknown". */
  principal: string;
  sourceIPAddress: string;
  /** Made with console credentials (sessionCredentialFromConsole "true", or a console action / sign-in). */
  console: boolean;
}

/** A Config rule found the violation ("Config Rules Compliance Change"). */
export interface ConfigRuleCause {
  configRuleName: string;
}

export type RequestCause = CloudTrailCause | ConfigRuleCause;

export function isCloudTrailCause(cause: RequestCause): cause is CloudTrailCause {
  return "eventName" in cause;
}

export interface RequestEvaluation {
  compliance: "NON_COMPLIANT";
  /** What fails, at most 256 characters (absent when Config's result carried none). */
  annotation?: string;
}

/** One violation of one resource policy, for the remediation worker. */
export interface RemediationRequest {
  version: typeof REQUEST_VERSION;
  correlationId: string;
  policyId: string;
  /** The policy's remediation mode; `notify` for a policy without a remediation. */
  mode: RemediationMode;
  resource: ResourceRef;
  evaluation: RequestEvaluation;
  cause: RequestCause;
  /** ISO 8601 UTC. */
  detectedAt: string;
}

/** `type` of an Alert's body: lets a consumer of the topic tell it from a request without the attributes. */
export const ALERT_TYPE = "guardrail.detection.alert";

/** A CloudTrail-subject policy judged an API call a violation (e.g. StopLogging): people are told at once. */
export interface Alert {
  type: typeof ALERT_TYPE;
  version: typeof REQUEST_VERSION;
  correlationId: string;
  policyId: string;
  title: string;
  severity: Severity;
  evaluation: RequestEvaluation;
  /** The call itself. */
  call: { eventSource: string; eventName: string; eventID: string; awsRegion: string; accountId: string };
  cause: CloudTrailCause;
  /** The resources the call changed, as far as the adapters know (a StopLogging names its trail). */
  resources: ResourceRef[];
  detectedAt: string;
}

/** Values of the `kind` message attribute. */
export const KIND_REQUEST = "remediation-request";
export const KIND_ALERT = "alert";

/** One SNS Publish: body, subject (for e-mail subscribers) and message attributes (all String). */
export interface TopicMessage {
  kind: typeof KIND_REQUEST | typeof KIND_ALERT;
  correlationId: string;
  subject: string;
  body: string;
  attributes: Record<string, string>;
}

/**
 * Attribute names. `kind` is the issue's; `guardrail_message` carries the same value under the name the
 * remediation worker's filter policy uses (lib/remediation/worker/message.ts, MESSAGE_KIND_ATTRIBUTE), until the
 * two are one.
 */
export const ATTRIBUTE_CORRELATION_ID = "correlationId";
export const ATTRIBUTE_KIND = "kind";
export const ATTRIBUTE_WORKER_KIND = "guardrail_message";
export const ATTRIBUTE_POLICY_ID = "policyId";

/** SNS subjects: ASCII, no line breaks, at most 100 characters. */
function subject(text: string): string {
  const ascii = text.replace(/[^\x20-\x7e]/g, "?");
  return ascii.length <= 100 ? ascii : `${ascii.slice(0, 97)}...`;
}

function message(kind: TopicMessage["kind"], correlationId: string, policyId: string, subj: string, body: object) {
  return {
    kind,
    correlationId,
    subject: subject(subj),
    body: JSON.stringify(body),
    attributes: {
      [ATTRIBUTE_CORRELATION_ID]: correlationId,
      [ATTRIBUTE_KIND]: kind,
      [ATTRIBUTE_WORKER_KIND]: kind,
      [ATTRIBUTE_POLICY_ID]: policyId,
    },
  };
}

export function requestMessage(r: RemediationRequest): TopicMessage {
  return message(
    KIND_REQUEST,
    r.correlationId,
    r.policyId,
    `Guardrail ${r.mode}: ${r.policyId} on ${r.resource.id}`,
    r,
  );
}

export function alertMessage(a: Alert): TopicMessage {
  return message(KIND_ALERT, a.correlationId, a.policyId, `Guardrail alert (${a.severity}): ${a.title}`, a);
}
