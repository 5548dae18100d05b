import type { ResourceAdapter } from "../adapter";
import { typedAttributes } from "../coerce";
import { policyDocumentSchema, tagsSchema } from "../schema-parts";
import type { GetQueueAttributesResult, ListQueueTagsResult } from "@aws-sdk/client-sqs";
import type { Described } from "../adapter";
import { describedItem, plainObject } from "../../aws/describe/item";
import { tagMap } from "../config-item";
import {
  baseEventName,
  eventSourceOf,
  partitionOf,
  recordRegion,
  refFromRecord,
  requestValue,
  responseValue,
} from "../../detect/record";

/**
 * SQS queue. Config records the GetQueueAttributes map: PascalCase names, every value a string, encryption
 * attributes absent when SSE is off (recorded: shared/fixtures/aws-recorded/eventbridge-config-item-change-sqs-queue.json).
 * Config's resourceId is the queue URL.
 */
const attributes = {
  QueueArn: "string",
  VisibilityTimeout: "number",
  MessageRetentionPeriod: "number",
  MaximumMessageSize: "number",
  DelaySeconds: "number",
  ReceiveMessageWaitTimeSeconds: "number",
  CreatedTimestamp: "number",
  LastModifiedTimestamp: "number",
  SqsManagedSseEnabled: "boolean",
  KmsMasterKeyId: "string",
  KmsDataKeyReusePeriodSeconds: "number",
  FifoQueue: "boolean",
  ContentBasedDeduplication: "boolean",
  DeduplicationScope: "string",
  FifoThroughputLimit: "string",
  Policy: "policy",
  RedrivePolicy: "json",
  RedriveAllowPolicy: "json",
} as const;

export const adapter: ResourceAdapter = {
  type: "AWS::SQS::Queue",
  service: "sqs",
  documentSchema: {
    type: "object",
    properties: {
      QueueUrl: { type: "string" },
      QueueName: { type: "string" },
      QueueArn: { type: "string" },
      VisibilityTimeout: { type: "number" },
      MessageRetentionPeriod: { type: "number" },
      MaximumMessageSize: { type: "number" },
      DelaySeconds: { type: "number" },
      ReceiveMessageWaitTimeSeconds: { type: "number" },
      CreatedTimestamp: { type: "number" },
      LastModifiedTimestamp: { type: "number" },
      SqsManagedSseEnabled: { type: "boolean", description: "SSE with SQS-owned keys (SSE-SQS)." },
      KmsMasterKeyId: { type: "string", description: "KMS key for SSE-KMS; absent when SSE-KMS is off." },
      KmsDataKeyReusePeriodSeconds: { type: "number" },
      FifoQueue: { type: "boolean" },
      ContentBasedDeduplication: { type: "boolean" },
      DeduplicationScope: { type: "string" },
      FifoThroughputLimit: { type: "string" },
      Policy: policyDocumentSchema,
      RedrivePolicy: {
        type: "object",
        properties: { deadLetterTargetArn: { type: "string" }, maxReceiveCount: { type: ["number", "string"] } },
      },
      RedriveAllowPolicy: {
        type: "object",
        properties: { redrivePermission: { type: "string" }, sourceQueueArns: { type: "array" } },
      },
      tags: tagsSchema,
    },
    required: ["QueueUrl", "QueueName", "tags"],
  },
  fromConfigItem(item) {
    const url = item.resourceId;
    return {
      QueueUrl: url,
      QueueName: item.resourceName ?? url.slice(url.lastIndexOf("/") + 1),
      ...typedAttributes(item.configuration ?? {}, attributes),
      tags: item.tags,
    };
  },
  /** Reads `GetQueueAttributes` (AttributeNames: All; the same string map Config records) and `ListQueueTags`. */
  fromDescribe(
    described: Described & { GetQueueAttributes: GetQueueAttributesResult; ListQueueTags?: ListQueueTagsResult },
  ) {
    const attributes = plainObject(plainObject(described.GetQueueAttributes).Attributes);
    const url = described.ref.id;
    return adapter.fromConfigItem(
      describedItem(described.ref, {
        configuration: attributes,
        tags: tagMap(plainObject(described.ListQueueTags).Tags),
        resourceName: url.slice(url.lastIndexOf("/") + 1),
        arn: typeof attributes.QueueArn === "string" ? attributes.QueueArn : undefined,
      }),
    );
  },
  /**
   * The queue URL is `requestParameters.queueUrl` (CreateQueue: `responseElements.queueUrl`), in whatever form the
   * caller used (`https://sqs.<region>.amazonaws.com/...`, the legacy `https://<region>.queue.amazonaws.com/...`);
   * the reference carries Config's form, `https://sqs.<region>.amazonaws.com/<account>/<name>`.
   */
  fromCloudTrail(record) {
    if (eventSourceOf(record) !== "sqs.amazonaws.com" || !QUEUE_EVENTS.has(baseEventName(record))) return [];
    const url = requestValue(record, "queueUrl") ?? responseValue(record, "queueUrl");
    const m = url ? /^https?:\/\/[^/]+\/(\d{12})\/([^/?#]+)\/?$/.exec(url) : null;
    if (!m?.[1] || !m[2]) return [];
    const [account, name] = [m[1], m[2]];
    const region = recordRegion(record);
    const suffix = region.startsWith("cn-") ? ".cn" : "";
    const id = `https://sqs.${region}.amazonaws.com${suffix}/${account}/${name}`;
    const arn = `arn:${partitionOf(region)}:sqs:${region}:${account}:${name}`;
    return [refFromRecord(record, adapter.type, id, arn, { accountId: account })];
  },
};

const QUEUE_EVENTS = new Set([
  "CreateQueue", "SetQueueAttributes", "AddPermission", "RemovePermission", "TagQueue", "UntagQueue", "DeleteQueue",
]); // prettier-ignore
