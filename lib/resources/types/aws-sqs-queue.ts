import type { ResourceAdapter } from "../adapter";
import type { JsonObject, JsonSchema } from "../../util/json";
import { attachedPolicy, deployTimeValue, templateJson, templateTags } from "../../cloudformation/document";
import { UnknownValue } from "../../cloudformation/unknown";
import { policyTextMember, typedAttributes } from "../coerce";
import { policyDocumentSchema, policyTextSchema, tagsSchema } from "../schema-parts";
import type { GetQueueAttributesResult, ListQueueTagsResult } from "@aws-sdk/client-sqs";
import type { Described } from "../adapter";
import { describedItem, plainObject } from "../described";
import { tagMap } from "../config-item";
import {
  baseEventName,
  eventSourceOf,
  partitionOf,
  recordRegion,
  refFromRecord,
  requestValue,
  responseValue,
} from "../../cloudtrail/record";

/**
 * SQS queue. Config records the GetQueueAttributes map: PascalCase names, every value a string, encryption
 * attributes absent when SSE is off (recorded:
 * test/fixtures/aws-recorded/eventbridge-config-item-change-sqs-queue.json). Config's resourceId is the queue URL.
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

/**
 * Config's queue URL, `https://sqs.<region>.amazonaws.com[.cn]/<account>/<name>` (SQS API Reference, CreateQueue:
 * QueueName up to 80 letters, digits, hyphens and underscores, `.fifo` at the end of a FIFO queue's).
 */
const QUEUE_URL =
  /^https:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/(\d{12})\/([A-Za-z0-9_-]{1,80}|[A-Za-z0-9_-]{1,75}\.fifo)$/;

/** The ARN of the queue a URL names, in the URL's own Region and account; undefined for any other id. */
function queueArnOf(url: string): string | undefined {
  const m = QUEUE_URL.exec(url);
  return m ? `arn:${partitionOf(m[1] as string)}:sqs:${m[1]}:${m[2]}:${m[3]}` : undefined;
}

export const adapter: ResourceAdapter = {
  type: "AWS::SQS::Queue",
  service: "sqs",
  nameField: "QueueName",
  arn: (ref, doc) => (typeof doc.QueueArn === "string" && doc.QueueArn !== "" ? doc.QueueArn : queueArnOf(ref.id)),
  cloudFormation: { arnAttributes: ["Arn"], attachments: ["AWS::SQS::QueuePolicy"] },
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
      PolicyText: policyTextSchema,
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
      ...policyTextMember("PolicyText", item.configuration?.Policy),
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
  /**
   * AWS::SQS::Queue Properties (CloudFormation reference, "AWS::SQS::Queue": QueueName, SqsManagedSseEnabled,
   * KmsMasterKeyId, RedrivePolicy and RedriveAllowPolicy as JSON objects or strings, Tags [{Key, Value}]) carry
   * the attribute names Config records; the queue policy is the AWS::SQS::QueuePolicy whose `Queues` names the
   * queue. A queue that sets neither SqsManagedSseEnabled nor KmsMasterKeyId gets SQS's default encryption, which
   * is SSE-SQS for queues created since October 2022 but is UNCONFIRMED for CloudFormation and unknown for an
   * existing queue: it is left unknown (true or false), not guessed.
   */
  fromCloudFormation(src) {
    const { resource: r } = src;
    const base = `${r.pointer}/Properties`;
    const schema = adapter.documentSchema as { properties: Record<string, JsonSchema> };
    const {
      QueueUrl: _url,
      QueueArn: _arn,
      Policy: _policy,
      PolicyText: _text,
      tags: _tags,
      ...settable
    } = schema.properties;
    const props = { ...r.properties };
    for (const k of ["RedrivePolicy", "RedriveAllowPolicy"]) if (k in props) props[k] = templateJson(props[k]);
    const doc = src.shape({ type: "object", properties: settable }, props, "", base) as JsonObject;
    doc.QueueUrl = deployTimeValue(src, "the queue URL");
    doc.QueueName ??= deployTimeValue(src, "the generated queue name");
    if (doc.SqsManagedSseEnabled === undefined && doc.KmsMasterKeyId === undefined) {
      doc.SqsManagedSseEnabled = new UnknownValue(
        "SQS's default encryption, as the template sets none (SSE-SQS for new queues since 2022-10; UNCONFIRMED for CloudFormation)",
        base,
        undefined,
        [true, false],
      );
    }
    const policy = attachedPolicy(src, "AWS::SQS::QueuePolicy", "Queues", "/Policy", schema.properties.Policy ?? {});
    if (policy !== undefined) doc.Policy = policy;
    doc.tags = templateTags(r.properties.Tags);
    return doc;
  },
};

const QUEUE_EVENTS = new Set([
  "CreateQueue", "SetQueueAttributes", "AddPermission", "RemovePermission", "TagQueue", "UntagQueue", "DeleteQueue",
]); // prettier-ignore
