import type { DescribeSecretResponse } from "@aws-sdk/client-secrets-manager";
import type { Described, ResourceAdapter } from "../adapter";
import { deployTimeValue, templateTags } from "../../cloudformation/document";
import { UnknownValue } from "../../cloudformation/unknown";
import { toBool, toNumber } from "../coerce";
import { describedItem, plainObject } from "../described";
import { tagMap } from "../config-item";
import { tagsSchema } from "../schema-parts";
import { isObject, type JsonObject } from "../../util/json";
import {
  arnParts,
  baseEventName,
  eventSourceOf,
  refFromRecord,
  requestValue,
  responseElements,
} from "../../cloudtrail/record";

/**
 * Secrets Manager secret. Config records DescribeSecret's members (`ARN`, `Name`, `KMSKeyId`, `RotationEnabled`,
 * `RotationLambdaARN`, `RotationRules {AutomaticallyAfterDays, RotationScheduleExpression, RotationDuration}`,
 * `RotationOccurringAsScheduled`, `Deleted`: the Config resource schema, awslabs/aws-config-resource-schema
 * AWS::SecretsManager::Secret.properties.json); resourceId = the secret's ARN is INFERRED. A describe gives
 * DescribeSecret (Secrets Manager API Reference): `KmsKeyId`, RotationRules' `ScheduleExpression` and `Duration`,
 * `DeletedDate` when deletion is scheduled, and RotationEnabled absent when rotation was never configured (false).
 * Whether the last rotation succeeded (`RotationOccurringAsScheduled`) is Config's alone: a describe leaves it out.
 */

const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/;

const SECRET_EVENTS = new Set([
  "CreateSecret",
  "UpdateSecret",
  "RotateSecret",
  "CancelRotateSecret",
  "DeleteSecret",
  "RestoreSecret",
  "TagResource",
  "UntagResource",
  "PutResourcePolicy",
  "DeleteResourcePolicy",
  "ReplicateSecretToRegions",
]);

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

function rotationRules(v: unknown): JsonObject | undefined {
  if (!isObject(v)) return undefined;
  const out: JsonObject = {};
  const days = toNumber(v.AutomaticallyAfterDays);
  if (days !== undefined) out.AutomaticallyAfterDays = days;
  const expression = str(v.ScheduleExpression) ?? str(v.RotationScheduleExpression);
  if (expression) out.ScheduleExpression = expression;
  const duration = str(v.Duration) ?? str(v.RotationDuration);
  if (duration) out.Duration = duration;
  return Object.keys(out).length > 0 ? out : undefined;
}

export const adapter: ResourceAdapter = {
  type: "AWS::SecretsManager::Secret",
  service: "secretsmanager",
  nameField: "Name",
  arn: (ref, doc) =>
    typeof doc.ARN === "string" && SECRET_ARN.test(doc.ARN) ? doc.ARN : SECRET_ARN.test(ref.id) ? ref.id : undefined,
  cloudFormation: { refIsArn: true, attachments: ["AWS::SecretsManager::RotationSchedule"] },
  documentSchema: {
    type: "object",
    properties: {
      Name: { type: "string" },
      ARN: { type: "string" },
      Description: { type: "string" },
      KmsKeyId: { type: "string", description: "The KMS key; absent: the AWS managed key aws/secretsmanager." },
      RotationEnabled: { type: "boolean" },
      RotationLambdaARN: { type: "string" },
      RotationRules: {
        type: "object",
        properties: {
          AutomaticallyAfterDays: { type: "number" },
          ScheduleExpression: { type: "string" },
          Duration: { type: "string" },
        },
      },
      RotationOccurringAsScheduled: {
        type: "boolean",
        description: "Config's view of whether the last scheduled rotation happened; absent from a describe.",
      },
      Deleted: { type: "boolean", description: "Deletion is scheduled (DeletedDate set)." },
      tags: tagsSchema,
    },
    required: ["Name", "RotationEnabled", "tags"],
  },
  fromConfigItem(item) {
    const cfg = item.configuration ?? {};
    const doc: JsonObject = {};
    doc.Name = str(cfg.Name) ?? item.resourceName ?? item.resourceId;
    const arn = str(cfg.ARN) ?? item.arn;
    if (arn) doc.ARN = arn;
    const description = str(cfg.Description);
    if (description) doc.Description = description;
    const key = str(cfg.KMSKeyId) ?? str(cfg.KmsKeyId);
    if (key) doc.KmsKeyId = key;
    doc.RotationEnabled = toBool(cfg.RotationEnabled) ?? false;
    const lambda = str(cfg.RotationLambdaARN);
    if (lambda) doc.RotationLambdaARN = lambda;
    const rules = rotationRules(cfg.RotationRules);
    if (rules) doc.RotationRules = rules;
    const asScheduled = toBool(cfg.RotationOccurringAsScheduled);
    if (asScheduled !== undefined) doc.RotationOccurringAsScheduled = asScheduled;
    doc.Deleted = toBool(cfg.Deleted) ?? false;
    doc.tags = item.tags;
    return doc;
  },
  /** Reads DescribeSecret (Tags as `[{Key, Value}]`). */
  fromDescribe(described: Described & { DescribeSecret: DescribeSecretResponse }) {
    const s = plainObject(described.DescribeSecret);
    const { Tags, DeletedDate, ...configuration } = s;
    return adapter.fromConfigItem(
      describedItem(described.ref, {
        configuration: { ...configuration, Deleted: DeletedDate !== undefined && DeletedDate !== null },
        tags: tagMap(Tags),
        resourceName: str(s.Name),
        arn: str(s.ARN),
      }),
    );
  },
  /**
   * The secret a call names: `requestParameters.secretId` (name or ARN), the ARN the call answered with
   * (`responseElements.aRN` or `arn`: "Logging AWS Secrets Manager events with AWS CloudTrail"), or CreateSecret's
   * `name`. Without an ARN the secret is named by its name, which DescribeSecret takes as well.
   */
  fromCloudTrail(record) {
    if (eventSourceOf(record) !== "secretsmanager.amazonaws.com" || !SECRET_EVENTS.has(baseEventName(record)))
      return [];
    const out = responseElements(record);
    const answered = [out.aRN, out.arn, out.ARN].find((v): v is string => typeof v === "string" && SECRET_ARN.test(v));
    const named = requestValue(record, "secretId") ?? requestValue(record, "name");
    const id = answered ?? (named && SECRET_ARN.test(named) ? named : undefined) ?? named;
    if (!id) return [];
    const arn = SECRET_ARN.test(id) ? id : undefined;
    return [refFromRecord(record, adapter.type, id, arn, arn ? arnParts(arn) : {})];
  },
  /**
   * AWS::SecretsManager::Secret Properties (CloudFormation reference); rotation is the AWS::SecretsManager::
   * RotationSchedule whose SecretId names the secret (none: rotation off; several: unknown which one wins).
   */
  fromCloudFormation(src) {
    const { resource: r } = src;
    const base = `${r.pointer}/Properties`;
    const doc = src.shape(
      {
        type: "object",
        properties: { Name: { type: "string" }, Description: { type: "string" }, KmsKeyId: { type: "string" } },
      },
      r.properties,
      "",
      base,
    ) as JsonObject;
    doc.Name ??= deployTimeValue(src, "the generated secret name");
    const schedules = src.referencing("AWS::SecretsManager::RotationSchedule", "SecretId");
    if (schedules.length > 1) {
      doc.RotationEnabled = new UnknownValue(
        `which of ${schedules.length} rotation schedules (${schedules.map((s) => s.logicalId).join(", ")}) applies`,
        schedules[0]?.pointer ?? base,
        undefined,
        [true, false],
      );
    } else if (schedules.length === 1) {
      const s = schedules[0] as (typeof schedules)[number];
      const sBase = `${s.pointer}/Properties`;
      doc.RotationEnabled = true;
      const shaped = src.shape(
        {
          type: "object",
          properties: {
            RotationLambdaARN: { type: "string" },
            RotationRules: {
              type: "object",
              properties: {
                AutomaticallyAfterDays: { type: "number" },
                ScheduleExpression: { type: "string" },
                Duration: { type: "string" },
              },
            },
          },
        },
        s.properties,
        "",
        sBase,
      ) as JsonObject;
      Object.assign(doc, shaped);
      if (doc.RotationLambdaARN === undefined && s.properties.HostedRotationLambda !== undefined) {
        doc.RotationLambdaARN = deployTimeValue(src, "the hosted rotation function's ARN");
      }
    } else {
      doc.RotationEnabled = false;
    }
    doc.Deleted = false;
    doc.tags = templateTags(r.properties.Tags);
    return doc;
  },
};
