import type { DescribeStreamSummaryOutput, ListTagsForStreamOutput } from "@aws-sdk/client-kinesis";
import type { Described, ResourceAdapter } from "../adapter";
import { deployTimeValue, templateTags } from "../../cloudformation/document";
import { toNumber } from "../coerce";
import { describedItem, plainObject } from "../described";
import { tagMap } from "../config-item";
import { tagsSchema } from "../schema-parts";
import { isObject, type JsonObject } from "../../util/json";
import {
  baseEventName,
  eventSourceOf,
  namedResource,
  partitionOf,
  refFromRecord,
  requestValue,
} from "../../cloudtrail/record";

/**
 * Kinesis data stream. Config records the CloudFormation resource's shape (`Arn`, `Name`, `RetentionPeriodHours`,
 * `ShardCount`, `StreamEncryption {EncryptionType, KeyId}`: the Config resource schema,
 * awslabs/aws-config-resource-schema AWS::Kinesis::Stream.properties.json), StreamEncryption absent when the stream
 * is not encrypted. resourceId = stream name is INFERRED. A describe's DescribeStreamSummary says the same as
 * `EncryptionType` NONE or KMS with `KeyId` (Kinesis API Reference, StreamDescriptionSummary).
 */

const STREAM_NAME = /^[a-zA-Z0-9_.-]{1,128}$/;

function encryptionOf(v: unknown): JsonObject | undefined {
  if (!isObject(v)) return undefined;
  const type = v.EncryptionType;
  if (type !== "KMS") return undefined;
  return { EncryptionType: "KMS", ...(typeof v.KeyId === "string" && v.KeyId !== "" ? { KeyId: v.KeyId } : {}) };
}

export const adapter: ResourceAdapter = {
  type: "AWS::Kinesis::Stream",
  service: "kinesis",
  nameField: "Name",
  arn: (ref, doc) =>
    typeof doc.Arn === "string" && doc.Arn !== ""
      ? doc.Arn
      : STREAM_NAME.test(ref.id)
        ? `arn:${partitionOf(ref.region)}:kinesis:${ref.region}:${ref.accountId}:stream/${ref.id}`
        : undefined,
  cloudFormation: { arnAttributes: ["Arn"] },
  documentSchema: {
    type: "object",
    properties: {
      Name: { type: "string" },
      Arn: { type: "string" },
      RetentionPeriodHours: { type: "number", description: "Hours records stay readable (24 to 8760)." },
      ShardCount: { type: "number" },
      StreamEncryption: {
        type: "object",
        description: "Absent when the stream is not encrypted.",
        properties: { EncryptionType: { const: "KMS" }, KeyId: { type: "string" } },
      },
      tags: tagsSchema,
    },
    required: ["Name", "tags"],
  },
  fromConfigItem(item) {
    const cfg = item.configuration ?? {};
    const doc: JsonObject = {};
    doc.Name = typeof cfg.Name === "string" && cfg.Name !== "" ? cfg.Name : (item.resourceName ?? item.resourceId);
    if (typeof cfg.Arn === "string" && cfg.Arn !== "") doc.Arn = cfg.Arn;
    for (const k of ["RetentionPeriodHours", "ShardCount"]) {
      const n = toNumber(cfg[k]);
      if (n !== undefined) doc[k] = n;
    }
    const encryption = encryptionOf(cfg.StreamEncryption);
    if (encryption) doc.StreamEncryption = encryption;
    doc.tags = item.tags;
    return doc;
  },
  /** Reads DescribeStreamSummary's StreamDescriptionSummary and ListTagsForStream's Tags (every page). */
  fromDescribe(
    described: Described & {
      DescribeStreamSummary: DescribeStreamSummaryOutput;
      ListTagsForStream?: ListTagsForStreamOutput;
    },
  ) {
    const s = plainObject(plainObject(described.DescribeStreamSummary).StreamDescriptionSummary);
    const mode = isObject(s.StreamModeDetails) ? s.StreamModeDetails.StreamMode : undefined;
    const configuration: JsonObject = {
      Name: s.StreamName,
      Arn: s.StreamARN,
      RetentionPeriodHours: s.RetentionPeriodHours,
      ...(mode !== "ON_DEMAND" && typeof s.OpenShardCount === "number" ? { ShardCount: s.OpenShardCount } : {}),
      ...(s.EncryptionType === "KMS" ? { StreamEncryption: { EncryptionType: "KMS", KeyId: s.KeyId } } : {}),
    };
    return adapter.fromConfigItem(
      describedItem(described.ref, {
        configuration,
        tags: tagMap(plainObject(described.ListTagsForStream).Tags),
        resourceName: typeof s.StreamName === "string" ? s.StreamName : undefined,
        arn: typeof s.StreamARN === "string" ? s.StreamARN : undefined,
      }),
    );
  },
  /**
   * The stream is `requestParameters.streamName`, or `streamARN` (Kinesis API Reference: every stream call takes
   * either; "Logging Amazon Kinesis Data Streams API calls with AWS CloudTrail" shows `streamName`).
   */
  fromCloudTrail(record) {
    if (eventSourceOf(record) !== "kinesis.amazonaws.com" || !STREAM_EVENTS.has(baseEventName(record))) return [];
    const value = requestValue(record, "streamARN") ?? requestValue(record, "streamName");
    if (!value) return [];
    const { name, region, accountId } = namedResource(record, value, ":stream/");
    if (!STREAM_NAME.test(name)) return [];
    const arn = `arn:${partitionOf(region)}:kinesis:${region}:${accountId}:stream/${name}`;
    return [refFromRecord(record, adapter.type, name, arn, { region, accountId })];
  },
  /**
   * AWS::Kinesis::Stream Properties (CloudFormation reference): Name, RetentionPeriodHours (24 when absent),
   * ShardCount, StreamEncryption {EncryptionType, KeyId}, Tags, the same names Config records.
   */
  fromCloudFormation(src) {
    const { resource: r } = src;
    const base = `${r.pointer}/Properties`;
    const doc = src.shape(
      {
        type: "object",
        properties: {
          Name: { type: "string" },
          RetentionPeriodHours: { type: "number" },
          ShardCount: { type: "number" },
          StreamEncryption: {
            type: "object",
            properties: { EncryptionType: { type: "string" }, KeyId: { type: "string" } },
          },
        },
      },
      r.properties,
      "",
      base,
    ) as JsonObject;
    doc.Name ??= deployTimeValue(src, "the generated stream name");
    doc.RetentionPeriodHours ??= 24;
    const enc = doc.StreamEncryption;
    if (isObject(enc) && enc.EncryptionType === "NONE") delete doc.StreamEncryption;
    doc.tags = templateTags(r.properties.Tags);
    return doc;
  },
};

const STREAM_EVENTS = new Set([
  "CreateStream",
  "DeleteStream",
  "StartStreamEncryption",
  "StopStreamEncryption",
  "IncreaseStreamRetentionPeriod",
  "DecreaseStreamRetentionPeriod",
  "AddTagsToStream",
  "RemoveTagsFromStream",
  "UpdateShardCount",
  "UpdateStreamMode",
]);
