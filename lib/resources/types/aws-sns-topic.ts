import type { ResourceAdapter } from "../adapter";
import { typedAttributes } from "../coerce";
import { policyDocumentSchema, tagsSchema } from "../schema-parts";
import { isObject, parseEmbeddedJson, type JsonObject, type JsonSchema } from "../../util/json";

/**
 * SNS topic. Config records the GetTopicAttributes map with its PascalCase names.
 * Shape source: a recorded SelectResourceConfig response (Cloud Custodian test data test_sns_config; see
 * shared/reference/aws-facts.md §2.2/§2.3): resourceId is the topic ARN, counters are numbers, Policy and
 * EffectiveDeliveryPolicy are JSON strings, tags sit in supplementaryConfiguration.Tags as [{key, value}].
 * GetTopicAttributes itself returns every value as a string, so both spellings are accepted and typed here.
 * Attribute names: SNS API model (GetTopicAttributes / SetTopicAttributes) and the Config resource schema.
 */
const attributes = {
  TopicArn: "string",
  Owner: "string",
  DisplayName: "string",
  KmsMasterKeyId: "string",
  Policy: "policy",
  SubscriptionsConfirmed: "number",
  SubscriptionsPending: "number",
  SubscriptionsDeleted: "number",
  SignatureVersion: "string",
  TracingConfig: "string",
  FifoTopic: "boolean",
  ContentBasedDeduplication: "boolean",
  ApplicationSuccessFeedbackRoleArn: "string",
  ApplicationFailureFeedbackRoleArn: "string",
  ApplicationSuccessFeedbackSampleRate: "number",
  HTTPSuccessFeedbackRoleArn: "string",
  HTTPFailureFeedbackRoleArn: "string",
  HTTPSuccessFeedbackSampleRate: "number",
  LambdaSuccessFeedbackRoleArn: "string",
  LambdaFailureFeedbackRoleArn: "string",
  LambdaSuccessFeedbackSampleRate: "number",
  SQSSuccessFeedbackRoleArn: "string",
  SQSFailureFeedbackRoleArn: "string",
  SQSSuccessFeedbackSampleRate: "number",
  FirehoseSuccessFeedbackRoleArn: "string",
  FirehoseFailureFeedbackRoleArn: "string",
  FirehoseSuccessFeedbackSampleRate: "number",
} as const;

/** Attributes that hold JSON documents other than IAM policies: parsed, never normalised as a policy. */
const jsonAttributes = ["DeliveryPolicy", "EffectiveDeliveryPolicy", "DataProtectionPolicy", "ArchivePolicy"] as const;

const attributeSchemas: Record<string, JsonSchema> = Object.fromEntries(
  Object.entries(attributes).map(([name, kind]) => [name, kind === "policy" ? policyDocumentSchema : { type: kind }]),
);

export const adapter: ResourceAdapter = {
  type: "AWS::SNS::Topic",
  service: "sns",
  resourceIdPattern: /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+(\.fifo)?$/,
  documentSchema: {
    type: "object",
    properties: {
      ...attributeSchemas,
      TopicName: { type: "string" },
      KmsMasterKeyId: { type: "string", description: "KMS key for SSE; absent when the topic is not encrypted." },
      Policy: {
        ...(policyDocumentSchema as object),
        description: "The topic's access policy (resource-based policy).",
      },
      ...Object.fromEntries(jsonAttributes.map((n) => [n, { type: "object" }])),
      tags: tagsSchema,
    },
    required: ["TopicArn", "TopicName", "tags"],
  },
  fromConfigItem(item) {
    const cfg = item.configuration ?? {};
    const arn = typeof cfg.TopicArn === "string" && cfg.TopicArn !== "" ? cfg.TopicArn : (item.arn ?? item.resourceId);
    const json: JsonObject = {};
    for (const name of jsonAttributes) {
      const parsed = parseEmbeddedJson(cfg[name]);
      if (isObject(parsed)) json[name] = parsed;
    }
    return {
      ...typedAttributes(cfg, attributes),
      TopicArn: arn,
      TopicName: arn.slice(arn.lastIndexOf(":") + 1),
      ...json,
      tags: item.tags,
    };
  },
};
