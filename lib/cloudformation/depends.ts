import { isObject, type JsonSchema } from "../util/json";
import { policyRegExp } from "../util/linear-regexp";
import {
  ConditionalValue,
  UnknownValue,
  enumerateShape,
  minLength,
  representative,
  shapeHeads,
  shapeRegExp,
  type ShapePart,
} from "./unknown";

/**
 * Does a policy's verdict depend on a value the template cannot tell? Decided soundly, in two ways:
 *
 * - An unknown with a FINITE domain (a parameter with AllowedValues, `AWS::Partition`, a `!Sub` over those) is
 *   settled by exhaustion: the engine evaluates the policy once per value and keeps the verdict only if every
 *   value gives the same one.
 * - An OPEN unknown (an account id, a resource's physical id, a parameter without AllowedValues) is settled by a
 *   structural reading of the compiled schema: every keyword that can look at the unknown's place is found
 *   (following `properties`, `items`, `additionalProperties`, `allOf`/`anyOf`/`oneOf`/`not`/`if`/`then`/`else`,
 *   ... down the unknown's path, over every branch), and each must give the same answer for every value the
 *   unknown can take: keywords that never apply to a string (`properties` on a known-string `!Sub`), `type`
 *   `string`, `minLength` within the known literal length, `const`/`enum` values the shape cannot produce, and
 *   `pattern`s decided by the literal text every value starts with. A keyword higher up that compares whole values
 *   (`const`, `enum`, `uniqueItems`, `unevaluated*`) or anything not understood (`$ref`, an unknown keyword) counts
 *   as depending. This may answer "depends" where a cleverer proof would not (then the verdict is UNKNOWN, never
 *   a guess); it never answers "independent" where some value would change the verdict.
 */

const ANNOTATIONS = new Set([
  "description", "title", "$comment", "examples", "default", "deprecated", "readOnly", "writeOnly", "$schema", "$id",
  "$anchor", "$defs", "definitions", "format", "contentEncoding", "contentMediaType",
]); // prettier-ignore

/** Keywords that say nothing about a string (JSON Schema assertions apply only to their own instance types). */
const NOT_ABOUT_STRINGS = new Set([
  "properties", "patternProperties", "additionalProperties", "required", "dependentRequired", "minProperties",
  "maxProperties", "propertyNames", "unevaluatedProperties", "items", "prefixItems", "contains", "minContains",
  "maxContains", "minItems", "maxItems", "uniqueItems", "unevaluatedItems", "minimum", "maximum", "exclusiveMinimum",
  "exclusiveMaximum", "multipleOf",
]); // prettier-ignore

/** Keywords of an object/array that do not look at the values of its members (only at keys, counts, its type). */
const MEMBER_BLIND = new Set([
  "type", "required", "dependentRequired", "minProperties", "maxProperties", "propertyNames", "minItems", "maxItems",
  "minContains", "maxContains", "minLength", "maxLength", "pattern", "minimum", "maximum", "exclusiveMinimum",
  "exclusiveMaximum", "multipleOf",
]); // prettier-ignore

/**
 * True when the schema's outcome may change with the value of the open unknown `u` at `path` (pointer tokens) of
 * `instance` (the document, other markers in it taken as "any value").
 */
export function dependsOn(schema: JsonSchema, path: readonly string[], u: UnknownValue, instance: unknown): boolean {
  if (typeof schema === "boolean") return false;
  if (!isObject(schema)) return true;
  for (const [k, v] of Object.entries(schema)) {
    if (ANNOTATIONS.has(k)) continue;
    switch (k) {
      case "allOf":
      case "anyOf":
      case "oneOf":
        if (!Array.isArray(v) || v.some((s) => dependsOn(s as JsonSchema, path, u, instance))) return true;
        continue;
      case "not":
      case "if":
      case "then":
      case "else":
        if (dependsOn(v as JsonSchema, path, u, instance)) return true;
        continue;
      case "dependentSchemas":
        if (!isObject(v) || Object.values(v).some((s) => dependsOn(s as JsonSchema, path, u, instance))) return true;
        continue;
    }
    if (path.length === 0 ? !constantAtUnknown(k, v, u) : !constantAbove(k, v, schema, path, u, instance)) return true;
  }
  return false;
}

/** Keyword `k` (value `v`) applied to the unknown itself: is its outcome the same for every value `u` can take? */
function constantAtUnknown(k: string, v: unknown, u: UnknownValue): boolean {
  const shape = u.shape;
  if (!shape) return false;
  if (NOT_ABOUT_STRINGS.has(k) || k === "type") return true;
  switch (k) {
    case "minLength":
      return typeof v === "number" && minLength(shape) >= v;
    case "const":
      return typeof v !== "string" || !shapeRegExp(shape).test(v);
    case "enum":
      return Array.isArray(v) && v.every((m) => typeof m !== "string" || !shapeRegExp(shape).test(m));
    case "pattern":
      return typeof v === "string" && patternIsConstant(v, shape);
    default:
      return false;
  }
}

/** Keyword `k` of an object or array that holds the unknown at `path` below it. */
function constantAbove(
  k: string,
  v: unknown,
  schema: Record<string, unknown>,
  path: readonly string[],
  u: UnknownValue,
  instance: unknown,
): boolean {
  const [head, ...rest] = path as [string, ...string[]];
  if (MEMBER_BLIND.has(k)) return true;
  const isIndex = /^\d+$/.test(head);
  const child = Array.isArray(instance) ? instance[Number(head)] : isObject(instance) ? instance[head] : undefined;
  const deeper = (s: unknown) => dependsOn(s as JsonSchema, rest, u, child);
  switch (k) {
    case "properties":
      return !isObject(v) || !(head in v) || !deeper(v[head]);
    case "patternProperties":
      return isObject(v) && Object.entries(v).every(([p, s]) => !policyRegExp(p).test(head) || !deeper(s));
    case "additionalProperties": {
      const named = isObject(schema.properties) && head in schema.properties;
      const patterned =
        isObject(schema.patternProperties) &&
        Object.keys(schema.patternProperties).some((p) => policyRegExp(p).test(head));
      return named || patterned || !deeper(v);
    }
    case "items": {
      const prefix = Array.isArray(schema.prefixItems) ? schema.prefixItems.length : 0;
      return !isIndex || Number(head) < prefix || !deeper(v);
    }
    case "prefixItems":
      return !isIndex || !Array.isArray(v) || v[Number(head)] === undefined || !deeper(v[Number(head)]);
    case "contains":
      return !isIndex || !deeper(v);
    case "const":
      // The whole value is compared: constant when some known part of it already differs.
      return !couldEqual(v, instance);
    case "enum":
      return Array.isArray(v) && v.every((m) => !couldEqual(m, instance));
    default:
      // const, enum, uniqueItems, unevaluated*, $ref, anything new: may look at the unknown.
      return false;
  }
}

/**
 * A pattern over an open string shape: constant when every value matches (a match inside the literal text every
 * value starts with survives any continuation, provided the pattern cannot look past its match: no `$`, `\b`,
 * lookaround or backreference) or when none can (an anchored pattern whose leading literal text disagrees with it).
 */
function patternIsConstant(pattern: string, shape: readonly ShapePart[]): boolean {
  const heads = shapeHeads(shape);
  if (!heads || heads.length === 0) return false;
  const re = policyRegExp(pattern);
  const local = !/\$|\\[bBkK1-9]|\(\?[=!<]/.test(pattern);
  if (local && heads.every((h) => re.test(h))) return true;
  if (pattern.startsWith("^")) {
    const lead = leadingLiteral(pattern.slice(1));
    if (lead !== "" && heads.every((h) => !h.startsWith(lead) && !lead.startsWith(h))) return true;
  }
  return false;
}

/** The literal text a pattern must start with (up to its first special character). */
function leadingLiteral(p: string): string {
  let out = "";
  for (let i = 0; i < p.length; i++) {
    let c = p[i] as string;
    let width = 1;
    if (c === "\\") {
      const next = p[i + 1];
      if (next === undefined || /[A-Za-z0-9]/.test(next)) break;
      c = next;
      width = 2;
    } else if ("^$.|?*+()[]{}".includes(c)) break;
    const after = p[i + width];
    if (after !== undefined && "?*+{".includes(after)) break;
    out += c;
    i += width - 1;
  }
  return out;
}

/** Could `value` (markers in it standing for any value) equal the JSON value `target`? */
function couldEqual(target: unknown, value: unknown): boolean {
  if (value instanceof UnknownValue || value instanceof ConditionalValue) return true;
  if (Array.isArray(target) || Array.isArray(value)) {
    return (
      Array.isArray(target) &&
      Array.isArray(value) &&
      target.length === value.length &&
      target.every((t, i) => couldEqual(t, value[i]))
    );
  }
  if (isObject(target) || isObject(value)) {
    if (!isObject(target) || !isObject(value)) return false;
    const keys = Object.keys(value);
    return (
      keys.length === Object.keys(target).length && keys.every((k) => k in target && couldEqual(target[k], value[k]))
    );
  }
  return target === value;
}

/** A marker in a document and where it sits (pointer tokens). */
export interface MarkerAt {
  path: string[];
  marker: UnknownValue | ConditionalValue;
}

/** Every marker in a document, outermost first (markers inside a conditional's branches are not listed). */
export function markersIn(doc: unknown, path: string[] = [], out: MarkerAt[] = []): MarkerAt[] {
  if (doc instanceof UnknownValue || doc instanceof ConditionalValue) out.push({ path, marker: doc });
  else if (Array.isArray(doc)) doc.forEach((v, i) => markersIn(v, [...path, String(i)], out));
  else if (typeof doc === "object" && doc !== null) {
    for (const [k, v] of Object.entries(doc)) markersIn(v, [...path, k], out);
  }
  return out;
}

/** The finite values an unknown can take, or undefined when it is open. */
export function finiteDomain(u: UnknownValue): readonly unknown[] | undefined {
  if (u.values) return u.values;
  return u.shape ? enumerateShape(u.shape, 64) : undefined;
}

/** A copy of `doc` with the value at `path` replaced (`ABSENT`-like removal when `remove`). */
export function replaceAt(doc: unknown, path: readonly string[], value: unknown, remove = false): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string, ...string[]];
  if (Array.isArray(doc)) {
    const copy = doc.slice();
    const i = Number(head);
    if (remove && rest.length === 0) copy.splice(i, 1);
    else copy[i] = replaceAt(copy[i], rest, value, remove);
    return copy;
  }
  const copy = { ...(doc as Record<string, unknown>) };
  if (remove && rest.length === 0) delete copy[head];
  else copy[head] = replaceAt(copy[head], rest, value, remove);
  return copy;
}

export { representative };
