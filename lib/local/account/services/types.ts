import type { ConfigItem } from "../../../resources/config-item";
import type { JsonObject } from "../../../util/json";
import { awsError } from "../errors";
import type { ItemStore } from "../store";

/**
 * One service of the local account: the operations it serves, each a small function over the Config items of
 * the caller's account and Region. A module per service under this folder; the dispatcher (../account.ts) keys them
 * by (serviceId, operation).
 */
export interface ServiceEmulation {
  /** `client.config.serviceId`. */
  serviceId: string;
  /**
   * A scenario (a team's day of API calls, lib/local/scenario.ts) may call it; Guardrail's own side of the account
   * (Config, its stacks' status) it may not. The CloudTrail eventSource is the service module's (lib/aws/services/).
   */
  scenarios?: boolean;
  operations: Record<string, Operation>;
}

export interface Operation {
  /** CloudTrail records it with readOnly true. */
  readOnly: boolean;
  /** CloudTrail eventName when it is not the operation's name (S3 GetPublicAccessBlock, Lambda's versions). */
  eventName?: string;
  serve(input: JsonObject, ctx: OperationContext): JsonObject;
  /** `requestParameters` as CloudTrail writes them for this call. */
  request(input: JsonObject, ctx: OperationContext): JsonObject | null;
  /** `responseElements` of a successful call (reads: null, as CloudTrail omits them). */
  response(output: JsonObject, input: JsonObject, ctx: OperationContext): JsonObject | null;
  /** CloudTrail `resources` for the call, when the service writes them. */
  resources?(input: JsonObject, ctx: OperationContext): JsonObject[] | undefined;
}

export interface OperationContext {
  store: ItemStore;
  /** The caller's account (the principal's) and the client's Region. */
  accountId: string;
  region: string;
  now: Date;
  /** The Region CloudTrail records the call in, when it is not the client's (S3: the bucket's). */
  recordRegion?: string;
  /** A reproducible id from the account's counter (deployment ids, revision ids, request ids). */
  nextId(kind: string): string;
  /** Replaces the item with a new version (capture time, state id). */
  save(item: ConfigItem, change: (draft: ConfigItem) => void): ConfigItem;
  /** Records a new resource in the caller's account and Region. */
  create(
    fields: Pick<
      ConfigItem,
      "resourceType" | "resourceId" | "resourceName" | "arn" | "relationships" | "configuration"
    > & { tags?: Record<string, string> },
  ): ConfigItem;
}

export function fail(service: string, name: string, message: string, status = 400): never {
  throw awsError(service, name, message, status);
}

export function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/** A required string member of the input; missing is the SDK's own validation in AWS, a 400 here. */
export function required(service: string, input: JsonObject, name: string, errorName = "ValidationException"): string {
  const v = input[name];
  if (typeof v !== "string" || v === "")
    fail(
      service,
      errorName,
      `1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`,
    );
  return v;
}

/**
 * An operation CloudTrail records as the query-protocol services (SQS, SNS, CloudFormation) have it: the input's
 * top-level members in lower camel case as `requestParameters`, no `responseElements`.
 */
export function queryOperation(readOnly: boolean, serve: Operation["serve"]): Operation {
  return { readOnly, serve, request: (input) => lowerTop(input), response: () => null };
}

/** Top-level member names in lower camel case (`QueueUrl` -> `queueUrl`), values as they are. */
export function lowerTop(input: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(input)) if (v !== undefined) out[k.charAt(0).toLowerCase() + k.slice(1)] = v;
  return out;
}

/** Every member name in lower camel case, recursively (DynamoDB, Lambda records); maps under `keep` untouched. */
export function lowerDeep(value: unknown, keep: ReadonlySet<string> = new Set()): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => lowerDeep(v, keep));
  if (typeof value === "object" && value !== null) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined || k === "$metadata") continue;
      const name = k.charAt(0).toLowerCase() + k.slice(1);
      out[name] = keep.has(k) ? v : lowerDeep(v, keep);
    }
    return out;
  }
  return value;
}

/** A Date from Config's ISO text (or epoch seconds); undefined when absent. */
export function date(v: unknown): Date | undefined {
  if (typeof v === "number") return new Date(v < 1e12 ? v * 1000 : v);
  if (typeof v === "string" && v !== "") {
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
}

export function cfg(item: ConfigItem): JsonObject {
  return item.configuration ?? {};
}

/**
 * A deep copy of plain data with its Dates (as new Dates of this realm: structuredClone makes them in Node's own
 * realm, which `instanceof Date` does not recognise under jest's sandbox, nor in any other vm context).
 */
export function copy<T>(value: T): T {
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (Array.isArray(value)) return value.map(copy) as T;
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    const source = value as Record<string, unknown>;
    for (const k in source) out[k] = copy(source[k]);
    return out as T;
  }
  return value;
}
