import type { ResourceAdapter } from "../adapter";
import { typedAttributes } from "../coerce";
import { policyDocumentSchema, tagsSchema } from "../schema-parts";

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
};
