import { assertParams, requireString, str } from "../../lib/remediation/document";
import { awsCall, type AwsCall, type RemediationAction } from "../../lib/remediation/types";

const DEFAULT_KEY = "alias/aws/sns";

export const action: RemediationAction = {
  id: "sns-enable-kms",
  resourceTypes: ["AWS::SNS::Topic"],
  description:
    'Turns on server-side encryption (SetTopicAttributes KmsMasterKeyId) with the key the params name, default the AWS managed alias/aws/sns. A topic that already has a key keeps it. Publishers then need kms:GenerateDataKey and kms:Decrypt on the key, and AWS services that publish to the topic (CloudWatch alarms, S3 events, EventBridge) cannot use the AWS managed key: they need a customer managed key whose policy allows them, hence approve mode. Restore clears the key (KmsMasterKeyId "": INFERRED, UNCONFIRMED in AWS documentation) or sets the previous one.',
  params: {
    type: "object",
    additionalProperties: false,
    properties: { KmsMasterKeyId: { type: "string", minLength: 1 } },
  },
  checkParams(params) {
    const key = params.KmsMasterKeyId;
    return key === undefined || (typeof key === "string" && key !== "")
      ? []
      : ["KmsMasterKeyId must be a key id, ARN or alias"];
  },
  plan(resource, params) {
    assertParams(action, params);
    if (str(resource.document.KmsMasterKeyId)) return [];
    return [
      awsCall("sns", "SetTopicAttributes", {
        TopicArn: requireString(action.id, resource, "TopicArn"),
        AttributeName: "KmsMasterKeyId",
        AttributeValue: typeof params.KmsMasterKeyId === "string" ? params.KmsMasterKeyId : DEFAULT_KEY,
      }),
    ];
  },
  restore(before, after): AwsCall[] {
    const was = str(before.document.KmsMasterKeyId) ?? "";
    if (was === (str(after.document.KmsMasterKeyId) ?? "")) return [];
    return [
      awsCall("sns", "SetTopicAttributes", {
        TopicArn: requireString(action.id, before, "TopicArn"),
        AttributeName: "KmsMasterKeyId",
        AttributeValue: was,
      }),
    ];
  },
};
