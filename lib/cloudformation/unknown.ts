/**
 * Values a template cannot tell before deploy. They are never guessed: the resolver puts a marker where the value
 * would be, adapters carry the marker into the document unchanged, and the engine either proves that a policy's
 * verdict does not depend on it (see depends.ts) or answers UNKNOWN naming the property.
 */

import { policyRegExp, type LinearRegExp } from "../util/linear-regexp";

/**
 * What is known about an unknown string, as a sequence of parts: literal text, one of a finite set of texts
 * (`AWS::Partition`), or any text (`AWS::AccountId`, a parameter without a default, a resource's physical id).
 * `!Sub "https://${Host}/hook"` is `["https://", any, "/hook"]`.
 */
export type ShapePart = string | { oneOf: readonly string[] } | { any: true; nonEmpty: boolean };

export class UnknownValue {
  constructor(
    /** Why it cannot be known, in words: `Ref to parameter KeyArn (no default)`. */
    readonly reason: string,
    /** JSON pointer of the intrinsic in the template. */
    readonly templatePointer: string,
    /** Set when the value is known to be a string of this shape; absent: any JSON value. */
    readonly shape?: readonly ShapePart[],
    /** Set when the value is one of these (a parameter's AllowedValues, coerced to the document's types). */
    readonly values?: readonly unknown[],
  ) {}
}

/**
 * An `Fn::If` on a condition that cannot be decided before deploy: either branch may be deployed. A branch that is
 * `AWS::NoValue` is `ABSENT` (the property is not set).
 */
export class ConditionalValue {
  constructor(
    readonly condition: string,
    readonly whenTrue: unknown,
    readonly whenFalse: unknown,
    readonly templatePointer: string,
  ) {}
}

/** `AWS::NoValue`: the property is removed. */
export const ABSENT: unique symbol = Symbol("AWS::NoValue");

export function isUnknown(v: unknown): v is UnknownValue {
  return v instanceof UnknownValue;
}

export function isConditional(v: unknown): v is ConditionalValue {
  return v instanceof ConditionalValue;
}

/** True when the value holds a marker anywhere. */
export function hasMarkers(v: unknown): boolean {
  if (v instanceof UnknownValue || v instanceof ConditionalValue) return true;
  if (Array.isArray(v)) return v.some(hasMarkers);
  if (typeof v === "object" && v !== null) return Object.values(v).some(hasMarkers);
  return false;
}

export const PARTITIONS: readonly string[] = [
  "aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc",
]; // prettier-ignore

/** Concatenates shapes, merging adjacent literals. */
export function concatShapes(parts: readonly ShapePart[]): ShapePart[] {
  const out: ShapePart[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if (typeof p === "string" && typeof last === "string") out[out.length - 1] = last + p;
    else if (p !== "") out.push(p);
  }
  return out;
}

/** The shape of any resolved value that is a string or a string-shaped unknown; undefined otherwise. */
export function shapeOf(v: unknown): readonly ShapePart[] | undefined {
  if (typeof v === "string") return [v];
  if (typeof v === "number" || typeof v === "boolean") return [String(v)];
  if (v instanceof UnknownValue) return v.shape;
  return undefined;
}

/** One concrete member of the shape (the engine uses it once it has proved that any member gives the same verdict). */
export function representative(u: UnknownValue): unknown {
  if (!u.shape) return "guardrail-unknown";
  return u.shape
    .map((p) => (typeof p === "string" ? p : "oneOf" in p ? (p.oneOf[0] ?? "") : p.nonEmpty ? "x" : ""))
    .join("");
}

/** Every member of a shape with only finite parts (undefined when some part is open or there are over `limit`). */
export function enumerateShape(shape: readonly ShapePart[], limit = 256): string[] | undefined {
  let out = [""];
  for (const p of shape) {
    if (typeof p === "string") out = out.map((s) => s + p);
    else if ("oneOf" in p) out = out.flatMap((s) => p.oneOf.map((o) => s + o));
    else return undefined;
    if (out.length > limit) return undefined;
  }
  return out;
}

/** The members of the finite parts before the first open part (every member of the shape starts with one of them). */
export function shapeHeads(shape: readonly ShapePart[], limit = 256): string[] | undefined {
  const open = shape.findIndex((p) => typeof p !== "string" && !("oneOf" in p));
  return enumerateShape(open < 0 ? shape : shape.slice(0, open), limit);
}

/** The shortest length a member can have. */
export function minLength(shape: readonly ShapePart[]): number {
  let n = 0;
  for (const p of shape) {
    if (typeof p === "string") n += [...p].length;
    else if ("oneOf" in p) n += Math.min(...p.oneOf.map((o) => [...o].length));
    else if (p.nonEmpty) n += 1;
  }
  return n;
}

/** Any code point, spelt alike for V8 and RE2 (`[\s\S]` would send every shape to RE2, see linear-regexp.ts). */
const ANY_CHARACTER = "[\\u{0}-\\u{10FFFF}]";

/**
 * A regular expression matching exactly the members of the shape. Linear-time: a template's `!Sub` with many
 * unknown parts would otherwise be `[\s\S]*` many times over, polynomial in V8 on a value that does not match.
 */
export function shapeRegExp(shape: readonly ShapePart[]): LinearRegExp {
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  const body = shape
    .map((p) =>
      typeof p === "string"
        ? esc(p)
        : "oneOf" in p
          ? `(?:${p.oneOf.map(esc).join("|")})`
          : p.nonEmpty
            ? `${ANY_CHARACTER}+`
            : `${ANY_CHARACTER}*`,
    )
    .join("");
  return policyRegExp(`^${body}$`);
}

/** How the shape reads in a message: `https://…/hook`. */
export function describeShape(shape: readonly ShapePart[] | undefined): string {
  if (!shape) return "any value";
  return JSON.stringify(
    shape.map((p) => (typeof p === "string" ? p : "oneOf" in p ? `{${p.oneOf.join("|")}}` : "…")).join(""),
  );
}
