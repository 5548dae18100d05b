import type { DescribeLogGroupsResponse, ListTagsForResourceResponse } from "@aws-sdk/client-cloudwatch-logs";
import type { Described, ResourceAdapter } from "../adapter";
import { deployTimeValue, templateTags } from "../../cloudformation/document";
import { describedItem, plainObject } from "../described";
import { tagMap } from "../config-item";
import { fieldSchemas, firstOf, readFields, type FieldTable } from "../field-table";
import { tagsSchema } from "../schema-parts";
import type { JsonObject } from "../../util/json";
import {
  baseEventName,
  eventSourceOf,
  namedResource,
  partitionOf,
  refFromRecord,
  requestValue,
} from "../../cloudtrail/record";

/**
 * CloudWatch Logs log group. Config records the CloudFormation resource's shape (`LogGroupName`, `Arn`,
 * `RetentionInDays`, `KmsKeyId`: AWS::Logs::LogGroup in the CloudFormation reference, the schema Config's
 * registry-based types follow); resourceId = log group name is INFERRED. A describe's DescribeLogGroups gives the
 * same in camelCase (`logGroupName`, `retentionInDays`, `kmsKeyId`, `arn` ending in `:*`, `logGroupArn` without it:
 * CloudWatch Logs API Reference, LogGroup). No retention means events never expire. The document's `Arn` is the
 * log group's ARN without the `:*` suffix, the form IAM and tagging take.
 */
const FIELDS = {
  LogGroupName: { type: "string", spellings: ["logGroupName"] },
  Arn: { type: "string", spellings: ["logGroupArn", "arn"] },
  RetentionInDays: {
    type: "number",
    spellings: ["retentionInDays"],
    description: "Days events are kept; absent: never expire.",
  },
  KmsKeyId: { type: "string", spellings: ["kmsKeyId"], description: "ARN of the KMS key the data is encrypted with." },
} as const satisfies FieldTable;

/** Log group names (CloudWatch Logs API Reference, CreateLogGroup logGroupName). */
const LOG_GROUP_NAME = /^[.\-_/#A-Za-z0-9]{1,512}$/;

const LOG_GROUP_EVENTS = new Set([
  "CreateLogGroup",
  "DeleteLogGroup",
  "PutRetentionPolicy",
  "DeleteRetentionPolicy",
  "AssociateKmsKey",
  "DisassociateKmsKey",
  "TagLogGroup",
  "UntagLogGroup",
  "TagResource",
  "UntagResource",
  "PutDataProtectionPolicy",
  "DeleteDataProtectionPolicy",
]);

function withoutWildcard(arn: unknown): unknown {
  return typeof arn === "string" ? arn.replace(/:\*$/, "") : arn;
}

export const adapter: ResourceAdapter = {
  type: "AWS::Logs::LogGroup",
  service: "logs",
  nameField: "LogGroupName",
  arn: (ref, doc) =>
    typeof doc.Arn === "string" && doc.Arn.startsWith("arn:")
      ? doc.Arn
      : LOG_GROUP_NAME.test(ref.id)
        ? `arn:${partitionOf(ref.region)}:logs:${ref.region}:${ref.accountId}:log-group:${ref.id}`
        : undefined,
  cloudFormation: { arnAttributes: ["Arn"] },
  documentSchema: {
    type: "object",
    properties: { ...fieldSchemas(FIELDS), tags: tagsSchema },
    required: ["LogGroupName", "tags"],
  },
  fromConfigItem(item) {
    const cfg = item.configuration ?? {};
    const doc = readFields(FIELDS, { ...cfg, Arn: withoutWildcard(cfg.Arn), arn: withoutWildcard(cfg.arn) });
    doc.LogGroupName ??= item.resourceName ?? item.resourceId;
    doc.tags = item.tags;
    return doc;
  },
  /** Reads the DescribeLogGroups element of this name and ListTagsForResource's tags. */
  fromDescribe(
    described: Described & {
      DescribeLogGroups: DescribeLogGroupsResponse;
      ListTagsForResource?: ListTagsForResourceResponse;
    },
  ) {
    const group = firstOf(plainObject(described.DescribeLogGroups).logGroups);
    return adapter.fromConfigItem(
      describedItem(described.ref, {
        configuration: group,
        tags: tagMap(plainObject(described.ListTagsForResource).tags),
        resourceName: typeof group.logGroupName === "string" ? group.logGroupName : undefined,
      }),
    );
  },
  /**
   * The log group a call names: `requestParameters.logGroupName`, or the ARN in `resourceArn` (TagResource) or
   * `logGroupIdentifier` (CloudWatch Logs API Reference; "Logging Amazon CloudWatch Logs API calls with AWS
   * CloudTrail").
   */
  fromCloudTrail(record) {
    if (eventSourceOf(record) !== "logs.amazonaws.com" || !LOG_GROUP_EVENTS.has(baseEventName(record))) return [];
    const value =
      requestValue(record, "logGroupName") ??
      requestValue(record, "resourceArn") ??
      requestValue(record, "resourceIdentifier") ??
      requestValue(record, "logGroupIdentifier");
    if (!value) return [];
    // A log group name holds `/`, so the name is all of the ARN after `:log-group:` (less the `:*` suffix).
    const bare = value.replace(/:\*$/, "");
    const { region, accountId } = namedResource(record, bare, ":log-group:");
    const at = bare.indexOf(":log-group:");
    const name = bare.startsWith("arn:") ? (at < 0 ? "" : bare.slice(at + 11)) : bare;
    if (!LOG_GROUP_NAME.test(name)) return [];
    const arn = `arn:${partitionOf(region)}:logs:${region}:${accountId}:log-group:${name}`;
    return [refFromRecord(record, adapter.type, name, arn, { region, accountId })];
  },
  /** AWS::Logs::LogGroup Properties (CloudFormation reference): the names Config records; no RetentionInDays: never expire. */
  fromCloudFormation(src) {
    const { resource: r } = src;
    const base = `${r.pointer}/Properties`;
    const doc = src.shape(
      {
        type: "object",
        properties: {
          LogGroupName: { type: "string" },
          RetentionInDays: { type: "number" },
          KmsKeyId: { type: "string" },
        },
      },
      r.properties,
      "",
      base,
    ) as JsonObject;
    doc.LogGroupName ??= deployTimeValue(src, "the generated log group name");
    doc.tags = templateTags(r.properties.Tags);
    return doc;
  },
};
