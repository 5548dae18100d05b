import type { ResourceRef } from "./adapter";
import type { ConfigItem, Relationship } from "./config-item";
import { isObject, type JsonObject } from "../util/json";

/**
 * Pure helpers for the adapters' `fromDescribe` (./types/*.ts): they turn SDK describe responses into
 * the configuration item AWS Config would have recorded for the same resource, so that the one `fromConfigItem`
 * builds the document from either source. No SDK import here (the adapters are loaded by scans too).
 */

/**
 * A timestamp as Config writes it: ISO 8601 UTC, milliseconds only when there are any ("2020-12-24T19:01:19Z",
 * as in the recorded Stage items; "2025-09-09T08:08:31.482Z").
 */
export function isoTime(d: Date): string {
  return d.toISOString().replace(/\.000Z$/, "Z");
}

/**
 * An SDK response as plain JSON data: dates as Config-style ISO text, `undefined` members dropped, the SDK's
 * `$metadata` left out. Objects read back from JSON pass through unchanged.
 */
export function plainJson(value: unknown): unknown {
  if (value instanceof Date) return isoTime(value);
  if (Array.isArray(value)) return value.filter((v) => v !== undefined).map(plainJson);
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined || k === "$metadata") continue;
      out[k] = plainJson(v);
    }
    return out;
  }
  return value;
}

/** `plainJson` of an object response; {} for anything else (an absent response). */
export function plainObject(value: unknown): JsonObject {
  const v = plainJson(value);
  return isObject(v) ? v : {};
}

/**
 * One PascalCase API member name in Config's camelCase: `TableName` → `tableName`, and a leading acronym as one
 * word (`SSEDescription` → `sseDescription`, `KMSMasterKeyArn` → `kmsMasterKeyArn`, `SSEType` → `sseType`).
 */
export function camelKey(key: string): string {
  const run = /^[A-Z]+/.exec(key)?.[0];
  if (!run) return key;
  if (run.length === key.length) return key.toLowerCase();
  if (run.length === 1) return run.toLowerCase() + key.slice(1);
  const next = key.charAt(run.length);
  // "SSEDescription": the run's last capital starts the next word when a lower-case letter follows it.
  if (/[a-z]/.test(next)) return run.slice(0, -1).toLowerCase() + key.slice(run.length - 1);
  return run.toLowerCase() + key.slice(run.length);
}

/**
 * A PascalCase response (DynamoDB, Lambda, S3 sub-resources) in Config's camelCase, recursively. Only for shapes
 * without free-form maps: map keys (tags, environment variables) would be renamed too.
 */
export function camelKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelKeys);
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) out[camelKey(k)] = camelKeys(v);
    return out;
  }
  return value;
}

/** What a live describe tells about a resource, in the places a Config item keeps it. */
export interface DescribedParts {
  configuration: JsonObject;
  supplementaryConfiguration?: JsonObject;
  tags?: Record<string, string>;
  resourceName?: string;
  arn?: string;
  relationships?: Relationship[];
}

/**
 * The configuration item Config would record for a described resource (status OK, no capture time): the input
 * of `fromConfigItem` when the source is a live describe.
 */
export function describedItem(ref: ResourceRef, parts: DescribedParts): ConfigItem {
  return {
    resourceType: ref.type,
    resourceId: ref.id,
    resourceName: parts.resourceName,
    arn: parts.arn ?? ref.arn,
    accountId: ref.accountId,
    region: ref.region,
    status: "OK",
    captureTime: undefined,
    configurationStateId: undefined,
    configuration: parts.configuration,
    supplementaryConfiguration: parts.supplementaryConfiguration ?? {},
    tags: parts.tags ?? {},
    relationships: parts.relationships ?? [],
  };
}

/** The parts `pattern` captures from a reference's id (URI-decoded); an id of another shape is an error naming it. */
export function idParts(pattern: RegExp, ref: ResourceRef): string[] {
  const m = pattern.exec(ref.id);
  if (!m) throw new Error(`${ref.type} id is not the ARN Config uses: ${ref.id}`);
  return m.slice(1).map((s) => decodeURIComponent(s));
}
