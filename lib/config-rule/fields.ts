import { isObject, type JsonObject } from "../util/json";
import { HandlerInputError } from "../lambda/errors";

/**
 * Field readers for the events the Config rule handlers receive: each failure is a HandlerInputError naming the
 * field's dotted path (`invokingEvent.configurationItemSummary.resourceId`). Hand-written rather than a schema
 * library: the shapes are small, and zod alone would be ~450 KB of every rule bundle (esbuild, minified).
 */

const kind = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);
const join = (at: string, key: string) => (at === "" ? key : `${at}.${key}`);

export function object(value: unknown, at: string): JsonObject {
  if (!isObject(value)) throw new HandlerInputError(at || "event", `must be an object (is ${kind(value)})`);
  return value;
}

export function optionalString(o: JsonObject, key: string, at: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw new HandlerInputError(join(at, key), `must be a string (is ${kind(v)})`);
  return v;
}

export function requiredString(o: JsonObject, key: string, at: string, what = ""): string {
  const v = optionalString(o, key, at);
  if (v === undefined || v === "") throw new HandlerInputError(join(at, key), `missing${what ? `: ${what}` : ""}`);
  return v;
}

export function optionalTimestamp(o: JsonObject, key: string, at: string): string | undefined {
  const v = optionalString(o, key, at);
  if (v !== undefined && Number.isNaN(Date.parse(v))) {
    throw new HandlerInputError(join(at, key), `not an ISO 8601 timestamp (is ${JSON.stringify(v)})`);
  }
  return v;
}

export function requiredTimestamp(o: JsonObject, key: string, at: string): string {
  const v = optionalTimestamp(o, key, at);
  if (v === undefined || v === "") throw new HandlerInputError(join(at, key), "missing");
  return v;
}

export function optionalBoolean(o: JsonObject, key: string, at: string): boolean | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean") throw new HandlerInputError(join(at, key), `must be a boolean (is ${kind(v)})`);
  return v;
}

export function requiredInteger(o: JsonObject, key: string, at: string, min: number): number {
  const v = o[key];
  if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
    throw new HandlerInputError(join(at, key), `must be an integer of at least ${min} (is ${JSON.stringify(v)})`);
  }
  return v;
}

export function parseJsonText(field: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new HandlerInputError(field, `not valid JSON (${(e as Error).message})`);
  }
}
