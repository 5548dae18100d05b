import type { ResourceAdapter } from "../adapter";
import { attachedPolicy, deployTimeValue, templateJson, templateTags } from "../../cloudformation/document";
import { PARTITIONS } from "../../cloudformation/unknown";
import { policyTextMember, typedAttributes } from "../coerce";
import { policyDocumentSchema, policyTextSchema, tagsSchema } from "../schema-parts";
import { isObject, parseEmbeddedJson, type JsonObject, type JsonSchema } from "../../util/json";
import type { GetTopicAttributesResponse, ListTagsForResourceResponse } from "@aws-sdk/client-sns";
import type { Described } from "../adapter";
import { describedItem, plainObject } from "../described";
import { tagMap } from "../config-item";
import {
  arnParts,
  baseEventName,
  eventSourceOf,
  refFromRecord,
  requestValue,
  responseValue,
} from "../../cloudtrail/record";

/**
 * SNS topic. Config records the GetTopicAttributes map with its PascalCase names.
 * Shape source: a recorded SelectResourceConfig response (Cloud Custodian test data test_sns_config):
 * resourceId is the topic ARN, counters are numbers, Policy and
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
  nameField: "TopicName",
  arn: (ref) => ref.id,
  cloudFormation: { arnAttributes: ["TopicArn"], refIsArn: true, attachments: ["AWS::SNS::TopicPolicy"] },
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
      PolicyText: policyTextSchema,
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
      ...policyTextMember("PolicyText", cfg.Policy),
      TopicArn: arn,
      TopicName: arn.slice(arn.lastIndexOf(":") + 1),
      ...json,
      tags: item.tags,
    };
  },
  /** Reads `GetTopicAttributes` (every value a string; typed like the item's) and `ListTagsForResource`. */
  fromDescribe(
    described: Described & {
      GetTopicAttributes: GetTopicAttributesResponse;
      ListTagsForResource?: ListTagsForResourceResponse;
    },
  ) {
    return adapter.fromConfigItem(
      describedItem(described.ref, {
        configuration: plainObject(plainObject(described.GetTopicAttributes).Attributes),
        tags: tagMap(plainObject(described.ListTagsForResource).Tags),
        arn: described.ref.id,
      }),
    );
  },
  /**
   * The topic ARN is `requestParameters.topicArn` (CreateTopic: `responseElements.topicArn`; tagging and data
   * protection policies: `requestParameters.resourceArn`). Region and account are the ARN's.
   */
  fromCloudTrail(record) {
    if (eventSourceOf(record) !== "sns.amazonaws.com") return [];
    const event = baseEventName(record);
    let arn: string | undefined;
    if (TOPIC_EVENTS.has(event)) arn = requestValue(record, "topicArn") ?? responseValue(record, "topicArn");
    else if (TOPIC_ARN_EVENTS.has(event)) arn = requestValue(record, "resourceArn");
    if (!arn || !adapter.resourceIdPattern?.test(arn)) return [];
    return [refFromRecord(record, adapter.type, arn, arn, arnParts(arn))];
  },
  /**
   * AWS::SNS::Topic Properties (CloudFormation reference, "AWS::SNS::Topic": TopicName, KmsMasterKeyId, DisplayName,
   * FifoTopic, ContentBasedDeduplication, SignatureVersion, TracingConfig, DataProtectionPolicy, ArchivePolicy,
   * Tags) carry the attribute names Config records; the access policy is the AWS::SNS::TopicPolicy whose `Topics`
   * names the topic. Without KmsMasterKeyId the topic is not encrypted (SNS has no default encryption).
   */
  fromCloudFormation(src) {
    const { resource: r } = src;
    const base = `${r.pointer}/Properties`;
    const schema = adapter.documentSchema as { properties: Record<string, JsonSchema> };
    const settable: Record<string, JsonSchema> = {};
    for (const k of [
      "DisplayName",
      "KmsMasterKeyId",
      "SignatureVersion",
      "TracingConfig",
      "FifoTopic",
      "ContentBasedDeduplication",
      "TopicName",
      "DataProtectionPolicy",
      "ArchivePolicy",
    ]) {
      if (schema.properties[k]) settable[k] = schema.properties[k];
    }
    const props = { ...r.properties };
    for (const k of ["DataProtectionPolicy", "ArchivePolicy"]) if (k in props) props[k] = templateJson(props[k]);
    const doc = src.shape({ type: "object", properties: settable }, props, "", base) as JsonObject;
    doc.TopicArn = deployTimeValue(src, "the topic ARN", [
      "arn:",
      { oneOf: PARTITIONS },
      ":sns:",
      { any: true, nonEmpty: true },
    ]);
    doc.TopicName ??= deployTimeValue(src, "the generated topic name");
    const policy = attachedPolicy(src, "AWS::SNS::TopicPolicy", "Topics", "/Policy", schema.properties.Policy ?? {});
    if (policy !== undefined) doc.Policy = policy;
    doc.tags = templateTags(r.properties.Tags);
    return doc;
  },
};

const TOPIC_EVENTS = new Set(["CreateTopic", "SetTopicAttributes", "AddPermission", "RemovePermission", "DeleteTopic"]);
const TOPIC_ARN_EVENTS = new Set(["TagResource", "UntagResource", "PutDataProtectionPolicy"]);
