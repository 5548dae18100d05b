import type { ResourceAdapter } from "../adapter";
import { deployTimeValue, templateTags } from "../../cloudformation/document";
import { UnknownValue } from "../../cloudformation/unknown";
import { toBool, toNumber } from "../coerce";
import { tagsSchema } from "../schema-parts";
import { isObject, type JsonObject, type JsonSchema } from "../../util/json";
import type {
  DescribeContinuousBackupsOutput,
  DescribeTableOutput,
  ListTagsOfResourceOutput,
} from "@aws-sdk/client-dynamodb";
import type { Described } from "../adapter";
import { camelKeys, describedItem, plainObject } from "../described";
import { tagMap } from "../config-item";
import {
  baseEventName,
  eventSourceOf,
  namedResource,
  partitionOf,
  refFromRecord,
  requestValue,
} from "../../cloudtrail/record";

/**
 * DynamoDB table. Config's `configuration` is DescribeTable's TableDescription in camelCase;
 * `supplementaryConfiguration.ContinuousBackupsDescription` is DescribeContinuousBackups' description.
 * Shape source: the Config resource schema (awslabs/aws-config-resource-schema, AWS::DynamoDB::Table.properties.json)
 * and the DynamoDB API model. The SSE block is spelt the Java-bean way in Config (`ssedescription` with `ssetype`,
 * `kmsmasterKeyArn` in the query schema; `sSEDescription`/`sSEType`/`kMSMasterKeyArn` in some exports): every
 * spelling is read and the document says `sseDescription {status, sseType, kmsMasterKeyArn}` (INFERRED).
 * `deletionProtectionEnabled` is absent on items recorded before the feature (2023): absent means false.
 * resourceId = table name is INFERRED.
 */

function first(o: JsonObject, ...keys: string[]): unknown {
  for (const k of keys) if (o[k] !== undefined && o[k] !== null) return o[k];
  return undefined;
}

function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((x) => x !== null).map(withoutNulls);
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[k] = withoutNulls(x);
    return out;
  }
  return v;
}

function sseDescription(cfg: JsonObject): JsonObject | undefined {
  const sse = first(cfg, "sseDescription", "sSEDescription", "ssedescription", "SSEDescription");
  if (!isObject(sse)) return undefined;
  const out: JsonObject = {};
  const fields: [string, unknown][] = [
    ["status", first(sse, "status", "Status")],
    ["sseType", first(sse, "sseType", "sSEType", "ssetype", "SSEType")],
    ["kmsMasterKeyArn", first(sse, "kmsMasterKeyArn", "kMSMasterKeyArn", "kmsmasterKeyArn", "KMSMasterKeyArn")],
    ["inaccessibleEncryptionDateTime", first(sse, "inaccessibleEncryptionDateTime")],
  ];
  for (const [k, v] of fields) if (typeof v === "string" && v !== "") out[k] = v;
  return out;
}

const stringFields = [
  "tableName", "tableArn", "tableId", "tableStatus", "creationDateTime", "latestStreamArn", "latestStreamLabel",
  "globalTableVersion",
] as const; // prettier-ignore
const numberFields = ["tableSizeBytes", "itemCount"] as const;
const objectFields = [
  "billingModeSummary", "provisionedThroughput", "streamSpecification", "restoreSummary", "tableClassSummary",
  "onDemandThroughput", "warmThroughput",
] as const; // prettier-ignore
const arrayFields = [
  "keySchema", "attributeDefinitions", "globalSecondaryIndexes", "localSecondaryIndexes", "replicas",
] as const; // prettier-ignore

/** A table's name, as Config's resourceId (DynamoDB API Reference, CreateTable: TableName, name only). */
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;

const keySchema = {
  type: "array",
  items: {
    type: "object",
    properties: { attributeName: { type: "string" }, keyType: { enum: ["HASH", "RANGE"] } },
  },
};

export const adapter: ResourceAdapter = {
  type: "AWS::DynamoDB::Table",
  service: "dynamodb",
  nameField: "tableName",
  arn: (ref, doc) =>
    typeof doc.tableArn === "string" && doc.tableArn !== ""
      ? doc.tableArn
      : TABLE_NAME.test(ref.id)
        ? `arn:${partitionOf(ref.region)}:dynamodb:${ref.region}:${ref.accountId}:table/${ref.id}`
        : undefined,
  cloudFormation: { arnAttributes: ["Arn"] },
  documentSchema: {
    type: "object",
    properties: {
      ...Object.fromEntries(stringFields.map((k) => [k, { type: "string" }])),
      ...Object.fromEntries(numberFields.map((k) => [k, { type: "number" }])),
      creationDateTime: { type: ["string", "number"] },
      keySchema,
      attributeDefinitions: {
        type: "array",
        items: {
          type: "object",
          properties: { attributeName: { type: "string" }, attributeType: { enum: ["S", "N", "B"] } },
        },
      },
      billingModeSummary: {
        type: "object",
        properties: {
          billingMode: { enum: ["PROVISIONED", "PAY_PER_REQUEST"] },
          lastUpdateToPayPerRequestDateTime: { type: ["string", "number"] },
        },
      },
      provisionedThroughput: { type: "object" },
      streamSpecification: {
        type: "object",
        properties: { streamEnabled: { type: "boolean" }, streamViewType: { type: "string" } },
      },
      restoreSummary: { type: "object" },
      tableClassSummary: { type: "object", properties: { tableClass: { type: "string" } } },
      onDemandThroughput: { type: "object" },
      warmThroughput: { type: "object" },
      globalSecondaryIndexes: { type: "array", items: { type: "object" } },
      localSecondaryIndexes: { type: "array", items: { type: "object" } },
      replicas: { type: "array", items: { type: "object" } },
      deletionProtectionEnabled: {
        type: "boolean",
        description: "Absent on items recorded before the feature (false).",
      },
      sseDescription: {
        type: "object",
        description: "Absent when the table uses the default AWS owned key.",
        properties: {
          status: { type: "string" },
          sseType: { enum: ["AES256", "KMS"] },
          kmsMasterKeyArn: { type: "string" },
          inaccessibleEncryptionDateTime: { type: "string" },
        },
      },
      continuousBackupsDescription: {
        type: "object",
        properties: {
          continuousBackupsStatus: { enum: ["ENABLED", "DISABLED"] },
          pointInTimeRecoveryDescription: {
            type: "object",
            properties: {
              pointInTimeRecoveryStatus: { enum: ["ENABLED", "DISABLED"] },
              recoveryPeriodInDays: { type: "number" },
              earliestRestorableDateTime: { type: ["string", "number"] },
              latestRestorableDateTime: { type: ["string", "number"] },
            },
          },
        },
      },
      tags: tagsSchema,
    },
    required: ["tableName", "tags"],
  },
  fromConfigItem(item) {
    const cfg = item.configuration ?? {};
    const doc: JsonObject = {};
    for (const k of stringFields) if (typeof cfg[k] === "string") doc[k] = cfg[k];
    if (typeof cfg.creationDateTime === "number") doc.creationDateTime = cfg.creationDateTime;
    for (const k of numberFields) {
      const n = toNumber(cfg[k]);
      if (n !== undefined) doc[k] = n;
    }
    for (const k of objectFields) if (isObject(cfg[k])) doc[k] = withoutNulls(cfg[k]);
    for (const k of arrayFields) if (Array.isArray(cfg[k])) doc[k] = withoutNulls(cfg[k]);
    if (doc.tableName === undefined) doc.tableName = item.resourceName ?? item.resourceId;
    const deletionProtection = toBool(cfg.deletionProtectionEnabled);
    if (deletionProtection !== undefined) doc.deletionProtectionEnabled = deletionProtection;
    const sse = sseDescription(cfg);
    if (sse) doc.sseDescription = sse;
    const backups = item.supplementaryConfiguration.ContinuousBackupsDescription;
    if (isObject(backups)) {
      const b = withoutNulls(backups) as JsonObject;
      const pitr = b.pointInTimeRecoveryDescription;
      if (isObject(pitr) && pitr.recoveryPeriodInDays !== undefined) {
        const days = toNumber(pitr.recoveryPeriodInDays);
        if (days === undefined) delete pitr.recoveryPeriodInDays;
        else pitr.recoveryPeriodInDays = days;
      }
      doc.continuousBackupsDescription = b;
    }
    doc.tags = item.tags;
    return doc;
  },
  /**
   * Reads DescribeTable's `Table`, DescribeContinuousBackups' `ContinuousBackupsDescription` (both PascalCase,
   * turned into Config's camelCase) and ListTagsOfResource's `Tags` (every page).
   */
  fromDescribe(
    described: Described & {
      DescribeTable: DescribeTableOutput;
      DescribeContinuousBackups?: DescribeContinuousBackupsOutput;
      ListTagsOfResource?: ListTagsOfResourceOutput;
    },
  ) {
    const table = camelKeys(plainObject(plainObject(described.DescribeTable).Table)) as JsonObject;
    const backups = plainObject(described.DescribeContinuousBackups).ContinuousBackupsDescription;
    return adapter.fromConfigItem(
      describedItem(described.ref, {
        configuration: table,
        supplementaryConfiguration: isObject(backups) ? { ContinuousBackupsDescription: camelKeys(backups) } : {},
        tags: tagMap(plainObject(described.ListTagsOfResource).Tags),
        resourceName: typeof table.tableName === "string" ? table.tableName : undefined,
        arn: typeof table.tableArn === "string" ? table.tableArn : undefined,
      }),
    );
  },
  /**
   * The table is `requestParameters.tableName` (a name or, since DynamoDB accepts them, an ARN), or the ARN in
   * `requestParameters.resourceArn` for tagging.
   */
  fromCloudTrail(record) {
    if (eventSourceOf(record) !== "dynamodb.amazonaws.com") return [];
    const event = baseEventName(record);
    const value = TABLE_EVENTS.has(event)
      ? requestValue(record, "tableName")
      : event === "TagResource" || event === "UntagResource"
        ? requestValue(record, "resourceArn")
        : undefined;
    if (!value) return [];
    const { name, region, accountId } = namedResource(record, value, ":table/");
    const arn = `arn:${partitionOf(region)}:dynamodb:${region}:${accountId}:table/${name}`;
    return [refFromRecord(record, adapter.type, name, arn, { region, accountId })];
  },
  /**
   * AWS::DynamoDB::Table Properties (CloudFormation reference, "AWS::DynamoDB::Table": TableName, BillingMode,
   * KeySchema, AttributeDefinitions, DeletionProtectionEnabled, PointInTimeRecoverySpecification
   * {PointInTimeRecoveryEnabled, RecoveryPeriodInDays}, SSESpecification {SSEEnabled, SSEType, KMSMasterKeyId},
   * StreamSpecification, TableClass, Tags) in DescribeTable's naming. Point-in-time recovery is off unless the
   * template turns it on (CreateTable's default), which Config records as status DISABLED.
   */
  fromCloudFormation(src) {
    const { resource: r } = src;
    const p = r.properties;
    const base = `${r.pointer}/Properties`;
    const schema = adapter.documentSchema as { properties: Record<string, JsonSchema> };
    const doc = src.shape(
      {
        type: "object",
        properties: {
          tableName: { type: "string" },
          keySchema: schema.properties.keySchema ?? {},
          attributeDefinitions: schema.properties.attributeDefinitions ?? {},
          deletionProtectionEnabled: { type: "boolean" },
          streamSpecification: schema.properties.streamSpecification ?? {},
        },
      },
      p,
      "",
      base,
    ) as JsonObject;
    doc.tableName ??= deployTimeValue(src, "the generated table name");
    if (p.BillingMode !== undefined) {
      doc.billingModeSummary = src.shape(
        { type: "object", properties: { billingMode: { type: "string" } } },
        { billingMode: p.BillingMode },
        "/billingModeSummary",
        `${base}/BillingMode`,
      );
    }
    if (p.TableClass !== undefined) {
      doc.tableClassSummary = src.shape(
        { type: "object", properties: { tableClass: { type: "string" } } },
        { tableClass: p.TableClass },
        "/tableClassSummary",
        `${base}/TableClass`,
      );
    }
    const pitr = src.shape(
      {
        type: "object",
        properties: { pointInTimeRecoveryEnabled: { type: "boolean" }, recoveryPeriodInDays: { type: "number" } },
      },
      p.PointInTimeRecoverySpecification,
      "/continuousBackupsDescription/pointInTimeRecoveryDescription",
      `${base}/PointInTimeRecoverySpecification`,
    ) as JsonObject | undefined;
    const enabled = pitr?.pointInTimeRecoveryEnabled;
    const status =
      enabled instanceof UnknownValue
        ? new UnknownValue(
            enabled.reason,
            enabled.templatePointer,
            undefined,
            (enabled.values ?? [true, false]).map((v) => (v === true ? "ENABLED" : "DISABLED")),
          )
        : enabled === true
          ? "ENABLED"
          : "DISABLED";
    doc.continuousBackupsDescription = {
      continuousBackupsStatus: "ENABLED",
      pointInTimeRecoveryDescription: {
        pointInTimeRecoveryStatus: status,
        ...(enabled === true && pitr?.recoveryPeriodInDays !== undefined
          ? { recoveryPeriodInDays: pitr.recoveryPeriodInDays }
          : {}),
      },
    };
    const sse = src.shape(
      {
        type: "object",
        properties: {
          sseEnabled: { type: "boolean" },
          sseType: { type: "string" },
          kmsMasterKeyId: { type: "string" },
        },
      },
      p.SSESpecification,
      "/sseDescription",
      `${base}/SSESpecification`,
      { sseEnabled: "SSEEnabled", sseType: "SSEType", kmsMasterKeyId: "KMSMasterKeyId" },
    ) as JsonObject | undefined;
    if (sse?.sseEnabled instanceof UnknownValue)
      doc.sseDescription = new UnknownValue(sse.sseEnabled.reason, sse.sseEnabled.templatePointer);
    else if (sse?.sseEnabled === true) {
      doc.sseDescription = {
        status: "ENABLED",
        sseType: sse.sseType ?? "KMS",
        ...(sse.kmsMasterKeyId !== undefined ? { kmsMasterKeyArn: sse.kmsMasterKeyId } : {}),
      };
    }
    doc.tags = templateTags(p.Tags);
    return doc;
  },
};

const TABLE_EVENTS = new Set(["CreateTable", "UpdateTable", "UpdateContinuousBackups", "DeleteTable"]);
