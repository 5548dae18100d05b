import type { ConfigItem } from "../../../resources/config-item";
import { isObject, type JsonObject } from "../../../util/json";
import { isoTime } from "../../../resources/described";
import { fail, lowerDeep, type Operation, type OperationContext, type ServiceEmulation } from "./types";

/**
 * DynamoDB tables. Config records DescribeTable's `Table` with the first letter of every member lower-cased
 * (`tableName`, `sSEDescription`, `kMSMasterKeyArn`), and DescribeContinuousBackups as
 * `supplementaryConfiguration.ContinuousBackupsDescription`; the API answers in PascalCase. Timestamps are Dates
 * on the API. CloudTrail's DynamoDB records use lower camel case throughout.
 */

const SERVICE = "DynamoDB";
const TABLE = "AWS::DynamoDB::Table";

/** Config's member -> the API's, where upper-casing the first letter is not enough (Guardrail's own camelKeys). */
const API_NAMES: Record<string, string> = {
  sseDescription: "SSEDescription",
  sseType: "SSEType",
  kmsMasterKeyArn: "KMSMasterKeyArn",
  sseSpecification: "SSESpecification",
};
const DATES = new Set([
  "CreationDateTime",
  "EarliestRestorableDateTime",
  "LatestRestorableDateTime",
  "LastUpdateToPayPerRequestDateTime",
  "InaccessibleEncryptionDateTime",
  "LastIncreaseDateTime",
  "LastDecreaseDateTime",
]);

function toApi(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toApi);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null || v === undefined) continue;
    const name = API_NAMES[k] ?? k.charAt(0).toUpperCase() + k.slice(1);
    out[name] = DATES.has(name) && (typeof v === "string" || typeof v === "number") ? new Date(v) : toApi(v);
  }
  return out;
}

/** TableName: a name or the table's ARN. */
function tableItem(
  ctx: OperationContext,
  input: JsonObject,
  notFound: "ResourceNotFoundException" | "TableNotFoundException",
): ConfigItem {
  const given =
    typeof input.TableName === "string"
      ? input.TableName
      : typeof input.ResourceArn === "string"
        ? input.ResourceArn
        : "";
  const m = /^arn:aws[a-z-]*:dynamodb:([a-z0-9-]+):(\d{12}):table\/([A-Za-z0-9_.-]+)$/.exec(given);
  const region = m?.[1] ?? ctx.region;
  const account = m?.[2] ?? ctx.accountId;
  const name = m?.[3] ?? given;
  const item = account === ctx.accountId ? ctx.store.get(TABLE, account, region, name) : undefined;
  if (item) return item;
  if (notFound === "TableNotFoundException") fail(SERVICE, notFound, `Table not found: ${name}`);
  return fail(SERVICE, notFound, `Requested resource not found: Table: ${name} not found`);
}

function backupsOf(item: ConfigItem): JsonObject {
  const b = item.supplementaryConfiguration.ContinuousBackupsDescription;
  return isObject(b)
    ? b
    : { continuousBackupsStatus: "ENABLED", pointInTimeRecoveryDescription: { pointInTimeRecoveryStatus: "DISABLED" } };
}

const op = (readOnly: boolean, serve: Operation["serve"], response = false): Operation => ({
  readOnly,
  serve,
  request: (input) => lowerDeep(input) as JsonObject,
  response: (output) => (response ? (lowerDeep(output) as JsonObject) : null),
});

export const emulation: ServiceEmulation = {
  serviceId: SERVICE,
  scenarios: true,
  operations: {
    DescribeTable: op(true, (input, ctx) => ({
      Table: toApi(tableItem(ctx, input, "ResourceNotFoundException").configuration ?? {}),
    })),
    DescribeContinuousBackups: op(true, (input, ctx) => ({
      ContinuousBackupsDescription: toApi(backupsOf(tableItem(ctx, input, "TableNotFoundException"))),
    })),
    ListTagsOfResource: op(true, (input, ctx) => {
      const item = tableItem(ctx, input, "ResourceNotFoundException");
      return { Tags: Object.entries(item.tags).map(([Key, Value]) => ({ Key, Value })) };
    }),
    UpdateContinuousBackups: op(
      false,
      (input, ctx) => {
        const item = tableItem(ctx, input, "TableNotFoundException");
        const spec = input.PointInTimeRecoverySpecification;
        if (!isObject(spec) || typeof spec.PointInTimeRecoveryEnabled !== "boolean") {
          fail(
            SERVICE,
            "ValidationException",
            "1 validation error detected: Value null at 'pointInTimeRecoverySpecification.pointInTimeRecoveryEnabled' failed to satisfy constraint: Member must not be null",
          );
        }
        const days = spec.RecoveryPeriodInDays;
        if (days !== undefined && (typeof days !== "number" || !Number.isInteger(days) || days < 1 || days > 35)) {
          fail(SERVICE, "ValidationException", "RecoveryPeriodInDays must be between 1 and 35");
        }
        if (days !== undefined && !spec.PointInTimeRecoveryEnabled) {
          fail(
            SERVICE,
            "ValidationException",
            "RecoveryPeriodInDays can only be set when PointInTimeRecoveryEnabled is true",
          );
        }
        const now = isoTime(ctx.now);
        const description = spec.PointInTimeRecoveryEnabled
          ? {
              continuousBackupsStatus: "ENABLED",
              pointInTimeRecoveryDescription: {
                pointInTimeRecoveryStatus: "ENABLED",
                recoveryPeriodInDays: days ?? 35,
                earliestRestorableDateTime: now,
                latestRestorableDateTime: now,
              },
            }
          : {
              continuousBackupsStatus: "ENABLED",
              pointInTimeRecoveryDescription: { pointInTimeRecoveryStatus: "DISABLED" },
            };
        const saved = ctx.save(item, (d) => (d.supplementaryConfiguration.ContinuousBackupsDescription = description));
        return { ContinuousBackupsDescription: toApi(backupsOf(saved)) };
      },
      true,
    ),
  },
};
