import type { ResourceAdapter } from "../adapter";
import { deployTimeValue, templateTags } from "../../cloudformation/document";
import { tagMap } from "../config-item";
import { toBool } from "../coerce";
import { tagsSchema } from "../schema-parts";
import type { JsonObject, JsonSchema } from "../../util/json";
import {
  arnParts,
  baseEventName,
  eventSourceOf,
  nameFromArnOrName,
  partitionOf,
  recordAccount,
  recordRegion,
  refFromRecord,
  requestValue,
} from "../../cloudtrail/record";

/**
 * CloudTrail trail. Config's `configuration` is DescribeTrails' Trail in camelCase (name, trailARN, s3BucketName,
 * isMultiRegionTrail, logFileValidationEnabled, kmsKeyId, ...). Shape source: the Config resource schema
 * (awslabs/aws-config-resource-schema, AWS::CloudTrail::Trail.properties.json) and the CloudTrail API model.
 * resourceId = trail name is INFERRED (spec; not confirmed by a capture).
 * The adapter also reads the CloudFormation property naming (TrailName, IsMultiRegionTrail, EnableLogFileValidation,
 * KMSKeyId, S3BucketName, IsLogging, Tags [{Key, Value}]), for templates and for items of types Config records
 * with CloudFormation names. `isLogging` exists only there (Config records it nowhere we know of).
 */

/** A trail's name or ARN (CloudTrail API Reference, CreateTrail: Name, 3-128 letters, digits, `.`, `_`, `-`). */
const TRAIL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{1,126}[A-Za-z0-9]$/;
const TRAIL_ARN = /^arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+:\d{12}:trail\/[A-Za-z0-9][A-Za-z0-9._-]{1,126}[A-Za-z0-9]$/;

/** camelCase document field <- CloudFormation property name. */
const cfnNames: Record<string, string> = {
  name: "TrailName",
  trailARN: "Arn",
  s3BucketName: "S3BucketName",
  s3KeyPrefix: "S3KeyPrefix",
  snsTopicName: "SnsTopicName",
  snsTopicARN: "SnsTopicArn",
  includeGlobalServiceEvents: "IncludeGlobalServiceEvents",
  isMultiRegionTrail: "IsMultiRegionTrail",
  logFileValidationEnabled: "EnableLogFileValidation",
  cloudWatchLogsLogGroupArn: "CloudWatchLogsLogGroupArn",
  cloudWatchLogsRoleArn: "CloudWatchLogsRoleArn",
  kmsKeyId: "KMSKeyId",
  isOrganizationTrail: "IsOrganizationTrail",
  isLogging: "IsLogging",
};

const booleans = new Set([
  "includeGlobalServiceEvents",
  "isMultiRegionTrail",
  "logFileValidationEnabled",
  "isOrganizationTrail",
  "hasCustomEventSelectors",
  "hasInsightSelectors",
  "isLogging",
]);
const strings = [
  "name", "trailARN", "s3BucketName", "s3KeyPrefix", "snsTopicName", "snsTopicARN", "homeRegion",
  "cloudWatchLogsLogGroupArn", "cloudWatchLogsRoleArn", "kmsKeyId",
] as const; // prettier-ignore

export const adapter: ResourceAdapter = {
  type: "AWS::CloudTrail::Trail",
  service: "cloudtrail",
  nameField: "name",
  arn: (ref) =>
    TRAIL_ARN.test(ref.id)
      ? ref.id
      : TRAIL_NAME.test(ref.id)
        ? `arn:${partitionOf(ref.region)}:cloudtrail:${ref.region}:${ref.accountId}:trail/${ref.id}`
        : undefined,
  cloudFormation: { arnAttributes: ["Arn"] },
  documentSchema: {
    type: "object",
    properties: {
      ...Object.fromEntries(strings.map((k) => [k, { type: "string" }])),
      ...Object.fromEntries([...booleans].map((k) => [k, { type: "boolean" }])),
      kmsKeyId: { type: "string", description: "KMS key ARN for SSE-KMS of log files; absent when not set." },
      isLogging: { type: "boolean", description: "Only known from CloudFormation naming (IsLogging)." },
      tags: tagsSchema,
    },
    required: ["name", "tags"],
  },
  fromConfigItem(item) {
    const cfg: JsonObject = item.configuration ?? {};
    const cfn = "TrailName" in cfg || "IsMultiRegionTrail" in cfg || "S3BucketName" in cfg;
    const read = (field: string): unknown => (cfn ? (cfg[cfnNames[field] ?? ""] ?? cfg[field]) : cfg[field]);
    const doc: JsonObject = {};
    for (const k of strings) {
      const v = read(k);
      if (typeof v === "string" && v !== "") doc[k] = v;
    }
    for (const k of booleans) {
      const b = toBool(read(k));
      if (b !== undefined) doc[k] = b;
    }
    if (cfn) {
      // CloudFormation has the selectors themselves, DescribeTrails only whether there are any.
      const some = (v: unknown) => Array.isArray(v) && v.length > 0;
      if (some(cfg.EventSelectors) || some(cfg.AdvancedEventSelectors)) doc.hasCustomEventSelectors ??= true;
      if (some(cfg.InsightSelectors)) doc.hasInsightSelectors ??= true;
    }
    doc.name ??= item.resourceName ?? item.resourceId;
    if (doc.trailARN === undefined && item.arn) doc.trailARN = item.arn;
    doc.tags = cfn ? { ...tagMap(cfg.Tags), ...item.tags } : item.tags;
    return doc;
  },
  // No fromDescribe: the CloudTrail SDK client is not installed, so trails are judged by the Config rule only.
  /**
   * Trail calls name the trail in `requestParameters.name` (PutEventSelectors and PutInsightSelectors in
   * `trailName`; AddTags and RemoveTags in `resourceId`), as a name or an ARN; an ARN also gives the trail's home
   * Region and account.
   */
  fromCloudTrail(record) {
    if (eventSourceOf(record) !== "cloudtrail.amazonaws.com") return [];
    const event = baseEventName(record);
    const value = TRAIL_EVENTS.has(event)
      ? (requestValue(record, "name") ?? requestValue(record, "trailName"))
      : event === "AddTags" || event === "RemoveTags"
        ? requestValue(record, "resourceId")
        : undefined;
    if (!value) return [];
    const name = nameFromArnOrName(value, ":trail/");
    const where = value.startsWith("arn:") ? arnParts(value) : {};
    const region = where.region ?? recordRegion(record);
    const accountId = where.accountId ?? recordAccount(record);
    const arn = `arn:${partitionOf(region)}:cloudtrail:${region}:${accountId}:trail/${name}`;
    return [refFromRecord(record, adapter.type, name, arn, { region, accountId })];
  },
  /**
   * AWS::CloudTrail::Trail Properties (CloudFormation reference, "AWS::CloudTrail::Trail": TrailName, S3BucketName,
   * IsLogging, IsMultiRegionTrail, EnableLogFileValidation, KMSKeyId, IncludeGlobalServiceEvents,
   * CloudWatchLogsLogGroupArn, CloudWatchLogsRoleArn, IsOrganizationTrail, EventSelectors, InsightSelectors, Tags),
   * read through the same CloudFormation names `fromConfigItem` knows (`cfnNames`).
   */
  fromCloudFormation(src) {
    const { resource: r } = src;
    const p = r.properties;
    const base = `${r.pointer}/Properties`;
    const schema = adapter.documentSchema as { properties: Record<string, JsonSchema> };
    const { tags: _tags, ...settable } = schema.properties;
    const doc = src.shape({ type: "object", properties: settable }, p, "", base, cfnNames) as JsonObject;
    delete doc.trailARN;
    doc.name ??= deployTimeValue(src, "the generated trail name");
    const some = (v: unknown) => Array.isArray(v) && v.length > 0;
    if (some(p.EventSelectors) || some(p.AdvancedEventSelectors)) doc.hasCustomEventSelectors = true;
    if (some(p.InsightSelectors)) doc.hasInsightSelectors = true;
    doc.tags = templateTags(p.Tags);
    return doc;
  },
};

const TRAIL_EVENTS = new Set([
  "CreateTrail", "UpdateTrail", "StartLogging", "StopLogging", "DeleteTrail", "PutEventSelectors", "PutInsightSelectors",
]); // prettier-ignore
