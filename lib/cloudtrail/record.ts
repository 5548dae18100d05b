import { isObject, type JsonObject } from "../util/json";

/**
 * Pure readers of a CloudTrail record (CloudTrail User Guide, "CloudTrail record contents") for the adapters'
 * `fromCloudTrail` (lib/resources/types/*.ts) and for lib/detect. The record is the one CloudTrail writes: the
 * `detail` of an EventBridge "AWS API Call via CloudTrail" event (recorded: test/fixtures/aws-recorded/
 * eventbridge-cloudtrail-apigateway-create-stage.json).
 *
 * Where a service puts a parameter is not uniform: the recorded API Gateway CreateStage has the path parameter at
 * the top of `requestParameters` (`restApiId`) and the body under `createStageInput` (`stageName`), and answers
 * with the stage in `responseElements`. `requestValue` therefore looks in `requestParameters`, then in its
 * `*Input` members, then in `responseElements`.
 */

export type CloudTrailRecord = JsonObject;

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

export function requestParameters(record: CloudTrailRecord): JsonObject {
  return isObject(record.requestParameters) ? record.requestParameters : {};
}

export function responseElements(record: CloudTrailRecord): JsonObject {
  return isObject(record.responseElements) ? record.responseElements : {};
}

/** A string parameter of the call: `requestParameters.key`, `requestParameters.<x>Input.key`, `responseElements.key`. */
export function requestValue(record: CloudTrailRecord, key: string): string | undefined {
  const rp = requestParameters(record);
  const direct = str(rp[key]);
  if (direct) return direct;
  for (const [k, v] of Object.entries(rp)) {
    if (k.endsWith("Input") && isObject(v)) {
      const nested = str(v[key]);
      if (nested) return nested;
    }
  }
  return str(responseElements(record)[key]);
}

/** A string the call answered with (`responseElements.key`). */
export function responseValue(record: CloudTrailRecord, key: string): string | undefined {
  return str(responseElements(record)[key]);
}

export function eventSourceOf(record: CloudTrailRecord): string {
  return typeof record.eventSource === "string" ? record.eventSource : "";
}

/**
 * The event name without the API version some services add (Lambda: `UpdateFunctionConfiguration20150331v2`,
 * `AddPermission20150331v2`, `CreateFunction20150331`, `TagResource20170331v2` → `UpdateFunctionConfiguration`, ...).
 */
export function baseEventName(record: CloudTrailRecord): string {
  const name = typeof record.eventName === "string" ? record.eventName : "";
  // Lambda appends its API version (`UpdateFunctionConfiguration20150331v2`), CloudFront's records of 2014 theirs
  // (`UpdateDistribution2014_01_31`).
  return name.replace(/(\d{8}|\d{4}_\d{2}_\d{2})(v\d+)?$/, "");
}

/** The account whose resource the call changed: `recipientAccountId`, else the caller's account. */
export function recordAccount(record: CloudTrailRecord): string {
  const identity = isObject(record.userIdentity) ? record.userIdentity : {};
  return str(record.recipientAccountId) ?? str(identity.accountId) ?? "";
}

export function recordRegion(record: CloudTrailRecord): string {
  return str(record.awsRegion) ?? "";
}

/** ARN partition of a Region: aws-cn for cn-*, aws-us-gov for us-gov-*, else aws. */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/** A reference in the record's Region and account (unless the id says otherwise: pass them). */
/**
 * A resource a record names by name or ARN (`tableName`, `functionName`, ...): its name (the part after
 * `arnMarker` when the value is an ARN), and its region and account from the ARN when it is one, else the
 * record's.
 */
export function namedResource(
  record: CloudTrailRecord,
  value: string,
  arnMarker: string,
): { name: string; region: string; accountId: string } {
  const where = value.startsWith("arn:") ? arnParts(value) : {};
  return {
    name: nameFromArnOrName(value, arnMarker),
    region: where.region ?? recordRegion(record),
    accountId: where.accountId ?? recordAccount(record),
  };
}

/** A resource a record names, as Config names it (the shape of lib/resources/adapter.ts ResourceRef). */
export interface RecordResourceRef {
  type: string;
  id: string;
  region: string;
  accountId: string;
  arn?: string;
}

export function refFromRecord(
  record: CloudTrailRecord,
  type: string,
  id: string,
  arn?: string,
  where: { region?: string; accountId?: string } = {},
): RecordResourceRef {
  return {
    type,
    id,
    region: where.region ?? recordRegion(record),
    accountId: where.accountId ?? recordAccount(record),
    ...(arn ? { arn } : {}),
  };
}

/** The name in a name-or-ARN parameter: `orders`, `arn:...:function:orders[:qualifier]` → `orders`. */
export function nameFromArnOrName(value: string, marker: string): string {
  const at = value.indexOf(marker);
  if (at < 0) return value;
  const rest = value.slice(at + marker.length);
  const end = rest.search(/[:/]/);
  return end < 0 ? rest : rest.slice(0, end);
}

/** Region and account of an ARN (`arn:partition:service:region:account:...`); empty parts are undefined. */
export function arnParts(arn: string): { region?: string; accountId?: string } {
  const parts = arn.split(":");
  const out: { region?: string; accountId?: string } = {};
  if (parts[0] !== "arn" || parts.length < 6) return out;
  if (parts[3]) out.region = parts[3];
  if (parts[4]) out.accountId = parts[4];
  return out;
}
