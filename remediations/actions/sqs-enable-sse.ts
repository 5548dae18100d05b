import type { QueueAttributeName } from "@aws-sdk/client-sqs";
import { assertParams, requireString, str } from "../../lib/remediation/document";
import { awsCall, type AwsCall, type RemediationAction, type RemediationParams } from "../../lib/remediation/types";

type Attributes = Partial<Record<QueueAttributeName, string>>;

/** The attributes to set: SSE-SQS by default, SSE-KMS when the params name a key. */
function target(params: RemediationParams): { attributes: Attributes; problems: string[] } {
  const problems: string[] = [];
  const key = params.KmsMasterKeyId;
  const sqsManaged = params.SqsManagedSseEnabled;
  if (key !== undefined && (typeof key !== "string" || key === ""))
    problems.push("KmsMasterKeyId must be a key id, ARN or alias");
  if (sqsManaged !== undefined && String(sqsManaged) !== "true")
    problems.push('SqsManagedSseEnabled may only be "true"');
  if (key !== undefined && sqsManaged !== undefined) {
    problems.push("name either SqsManagedSseEnabled or KmsMasterKeyId: a queue has one SSE option");
  }
  const period = params.KmsDataKeyReusePeriodSeconds;
  if (period !== undefined && (key === undefined || !(Number(period) >= 60 && Number(period) <= 86400))) {
    problems.push("KmsDataKeyReusePeriodSeconds goes with KmsMasterKeyId and is 60 to 86400");
  }
  const attributes: Attributes =
    typeof key === "string" && key !== ""
      ? { KmsMasterKeyId: key, ...(period !== undefined ? { KmsDataKeyReusePeriodSeconds: String(period) } : {}) }
      : { SqsManagedSseEnabled: "true" };
  return { attributes, problems };
}

/** Attribute values as SQS spells them; absent means off ("false", no key). */
function sseState(doc: Record<string, unknown>): Record<"SqsManagedSseEnabled" | "KmsMasterKeyId", string> {
  return {
    SqsManagedSseEnabled: doc.SqsManagedSseEnabled === true ? "true" : "false",
    KmsMasterKeyId: str(doc.KmsMasterKeyId) ?? "",
  };
}

export const action: RemediationAction = {
  id: "sqs-enable-sse",
  resourceTypes: ["AWS::SQS::Queue"],
  description:
    'Turns on server-side encryption with SQS-owned keys (SetQueueAttributes SqsManagedSseEnabled "true"), or SSE-KMS when the params name KmsMasterKeyId. A queue that is already encrypted either way is left alone: an existing KMS configuration is never replaced by SSE-SQS. Restore turns SSE off again (SqsManagedSseEnabled "false"; a KMS key the queue did not have is cleared with KmsMasterKeyId "", INFERRED from the API and moto, UNCONFIRMED in AWS documentation).',
  params: {
    type: "object",
    additionalProperties: false,
    properties: {
      SqsManagedSseEnabled: { enum: [true, "true"] },
      KmsMasterKeyId: { type: "string", minLength: 1 },
      KmsDataKeyReusePeriodSeconds: { type: ["integer", "string"] },
    },
  },
  checkParams: (params) => target(params).problems,
  plan(resource, params) {
    assertParams(action, params);
    const now = sseState(resource.document);
    if (now.SqsManagedSseEnabled === "true" || now.KmsMasterKeyId !== "") return [];
    const QueueUrl = requireString(action.id, resource, "QueueUrl");
    return [awsCall("sqs", "SetQueueAttributes", { QueueUrl, Attributes: target(params).attributes })];
  },
  restore(before, after): AwsCall[] {
    const was = sseState(before.document);
    const is = sseState(after.document);
    const Attributes: Attributes = {};
    if (was.KmsMasterKeyId !== is.KmsMasterKeyId) Attributes.KmsMasterKeyId = was.KmsMasterKeyId;
    if (was.SqsManagedSseEnabled !== is.SqsManagedSseEnabled)
      Attributes.SqsManagedSseEnabled = was.SqsManagedSseEnabled;
    if (Object.keys(Attributes).length === 0) return [];
    return [
      awsCall("sqs", "SetQueueAttributes", { QueueUrl: requireString(action.id, before, "QueueUrl"), Attributes }),
    ];
  },
};
