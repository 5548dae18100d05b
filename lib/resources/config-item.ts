import { isObject, type JsonObject } from "../util/json";

/**
 * AWS Config configuration items arrive in two namings (AWS Config Developer Guide, "Example events for AWS Config
 * rules", and AWS Config API Reference, ConfigurationItem):
 *  - invocation/notification naming (Lambda rule events, EventBridge, SNS, snapshot files in S3):
 *    `ARN`, `awsAccountId`, `configurationStateMd5Hash`, `configuration` as an object, relationships with `name`;
 *  - API naming (GetResourceConfigHistory, BatchGetResourceConfig, SelectResourceConfig):
 *    `arn`, `accountId`, `configurationItemMD5Hash`, `configuration` and every `supplementaryConfiguration`
 *    value as JSON strings, relationships with `relationshipName`.
 * `toConfigItem` accepts both and returns the one shape the adapters read.
 */

export type ConfigurationItemStatus =
  "OK" | "ResourceDiscovered" | "ResourceNotRecorded" | "ResourceDeleted" | "ResourceDeletedNotRecorded";

export interface Relationship {
  resourceType: string;
  resourceId?: string;
  resourceName?: string;
  name: string;
}

export interface ConfigItem {
  resourceType: string;
  resourceId: string;
  resourceName?: string;
  arn?: string;
  accountId: string;
  region: string;
  status: ConfigurationItemStatus;
  captureTime?: string;
  configurationStateId?: string;
  configuration: Record<string, unknown> | null;
  supplementaryConfiguration: Record<string, unknown>;
  tags: Record<string, string>;
  relationships: Relationship[];
}

/** Raised for input that is not a configuration item; `path` says where in the item the problem is. */
export class ConfigItemError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
    this.name = "ConfigItemError";
  }
}

type Json = JsonObject;

/**
 * A value that the API naming delivers as a JSON string; objects (invocation naming) pass through. Some
 * supplementary values are themselves JSON text (a Lambda resource policy), so API naming encodes them twice
 * (`"\"{...}\""`); and an unset one can arrive as the literal `"null"`. Both are unwrapped here, once for all
 * adapters.
 */
export function parseJsonValue(value: unknown, path: string, key?: string): unknown {
  if (typeof value !== "string") return value;
  const trimmed = value.trim();
  if (trimmed === "null") return null;
  if (trimmed.startsWith('"')) {
    try {
      const inner: unknown = JSON.parse(trimmed);
      return typeof inner === "string" ? parseJsonValue(inner, path, key) : inner;
    } catch {
      return value;
    }
  }
  if (trimmed === "" || !"{[".includes(trimmed[0] ?? "")) return value;
  try {
    return JSON.parse(trimmed);
  } catch (e) {
    const where = key === undefined ? path : `${path}/${key}`;
    throw new ConfigItemError(`${where} is not valid JSON: ${(e as Error).message}`, where);
  }
}

/** A non-empty string field (numbers, such as configurationStateId, as text); the second name is the other naming's. */
function str(item: Json, key: string, otherNaming?: string): string | undefined {
  let v = item[key];
  if ((v === undefined || v === "") && otherNaming !== undefined) v = item[otherNaming];
  if (typeof v === "string") return v === "" ? undefined : v;
  if (typeof v === "number") return String(v);
  return undefined;
}

/**
 * Tags come as an object map in both namings for most types; some (SNS) also carry
 * `supplementaryConfiguration.Tags` as `[{key, value}]`. Both are folded into one map.
 */
export function tagMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(value)) {
    for (const t of value) {
      if (!isObject(t)) continue;
      const k = t.key ?? t.Key;
      const v = t.value ?? t.Value;
      if (typeof k === "string") out[k] = typeof v === "string" ? v : String(v ?? "");
    }
  } else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) out[k] = typeof v === "string" ? v : String(v ?? "");
  }
  return out;
}

export function toConfigItem(raw: unknown): ConfigItem {
  if (!isObject(raw)) throw new ConfigItemError("configuration item is not an object", "");
  const resourceType = str(raw, "resourceType");
  if (!resourceType) throw new ConfigItemError("configuration item has no resourceType", "/resourceType");
  const resourceId = str(raw, "resourceId");
  if (!resourceId) throw new ConfigItemError("configuration item has no resourceId", "/resourceId");

  const configuration = parseJsonValue(raw.configuration, "/configuration");
  if (configuration !== undefined && configuration !== null && !isObject(configuration)) {
    throw new ConfigItemError("configuration is neither an object nor a JSON object string", "/configuration");
  }

  const supplementary: Json = {};
  const rawSupp = parseJsonValue(raw.supplementaryConfiguration, "/supplementaryConfiguration");
  if (isObject(rawSupp)) {
    for (const k of Object.keys(rawSupp)) {
      supplementary[k] = parseJsonValue(rawSupp[k], "/supplementaryConfiguration", k);
    }
  }

  const relationships: Relationship[] = [];
  if (Array.isArray(raw.relationships)) {
    for (const r of raw.relationships) {
      if (!isObject(r) || typeof r.resourceType !== "string") continue;
      relationships.push({
        resourceType: r.resourceType,
        resourceId: typeof r.resourceId === "string" ? r.resourceId : undefined,
        resourceName: typeof r.resourceName === "string" ? r.resourceName : undefined,
        name: String(r.name ?? r.relationshipName ?? ""),
      });
    }
  }

  const itemTags = tagMap(raw.tags);
  const tags = supplementary.Tags === undefined ? itemTags : { ...tagMap(supplementary.Tags), ...itemTags };
  // One literal with every field (absent ones undefined): a single object shape for every item keeps the
  // adapters' property reads monomorphic on the scan's hot path.
  return {
    resourceType,
    resourceId,
    resourceName: str(raw, "resourceName"),
    arn: str(raw, "ARN", "arn"),
    accountId: str(raw, "awsAccountId", "accountId") ?? "",
    region: str(raw, "awsRegion") ?? "",
    status: (str(raw, "configurationItemStatus") ?? "OK") as ConfigurationItemStatus,
    captureTime: str(raw, "configurationItemCaptureTime"),
    configurationStateId: str(raw, "configurationStateId"),
    configuration: (configuration as Json | undefined) ?? null,
    supplementaryConfiguration: supplementary,
    tags,
    relationships,
  };
}
