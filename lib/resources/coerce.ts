import { isObject, parseEmbeddedJson, type JsonObject, type JsonSchema } from "../util/json";

/**
 * Attribute-map services (SQS, SNS) report every attribute as a string ("true", "300"), in Config items and in
 * their Get*Attributes responses alike. Documents carry typed values so that policies compare booleans and
 * numbers, not spellings.
 */
export function toBool(v: unknown): boolean | undefined {
  if (typeof v === "boolean") return v;
  if (typeof v === "string") {
    const s = v.trim().toLowerCase();
    if (s === "true") return true;
    if (s === "false") return false;
  }
  return undefined;
}

export function toNumber(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v))) return Number(v);
  return undefined;
}

/** IAM-style policy documents are JSON strings in attributes; an unparseable one is kept as a string so policies see it. */
export function toPolicyDocument(v: unknown): JsonObject | string | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  const parsed = parseEmbeddedJson(v);
  if (isObject(parsed)) return normalisePolicyDocument(parsed);
  return typeof v === "string" ? v : undefined;
}

/**
 * IAM grammar lets `Statement`, `Action`, `Resource` be a single value or a list; policies are simpler to write
 * against one spelling, so documents always carry lists.
 */
export function normalisePolicyDocument(policy: JsonObject): JsonObject {
  const statements = Array.isArray(policy.Statement) ? policy.Statement : policy.Statement ? [policy.Statement] : [];
  return {
    ...policy,
    Statement: statements.map((s: unknown) => {
      if (!isObject(s)) return s;
      const out: JsonObject = { ...s };
      for (const k of ["Action", "NotAction", "Resource", "NotResource"]) {
        if (typeof out[k] === "string") out[k] = [out[k]];
      }
      return out;
    }),
  };
}

/** An embedded JSON object that is not an IAM policy (a redrive policy); kept as text when it does not parse. */
export function toJsonObject(v: unknown): JsonObject | string | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  const parsed = parseEmbeddedJson(v);
  if (isObject(parsed)) return parsed;
  return typeof v === "string" ? v : undefined;
}

/** Copies the listed attributes with the given type, dropping absent ones (absent means "AWS default"). */
export function typedAttributes(
  source: JsonObject,
  spec: Record<string, "string" | "boolean" | "number" | "policy" | "json">,
): JsonObject {
  const out: JsonObject = {};
  for (const [name, kind] of Object.entries(spec)) {
    const raw = source[name];
    if (raw === undefined || raw === null) continue;
    const value =
      kind === "boolean"
        ? toBool(raw)
        : kind === "number"
          ? toNumber(raw)
          : kind === "policy"
            ? toPolicyDocument(raw)
            : kind === "json"
              ? toJsonObject(raw)
              : typeof raw === "string"
                ? raw
                : String(raw);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/**
 * Builds a document from a configuration by walking the document schema: every property the schema lists is
 * copied (and coerced to the schema's type: `"true"` becomes true, `"300"` becomes 300), every property it does
 * not list is dropped, so the document an adapter builds is exactly what its `documentSchema` describes.
 * Maps (`additionalProperties` schemas) keep their keys. With `pascal`, a property `fooBar` is also read from
 * `FooBar` (CloudFormation property naming); map keys are never renamed.
 */
export function shapeBySchema(schema: JsonSchema, value: unknown, opts: { pascal?: boolean } = {}): unknown {
  if (value === undefined || value === null) return undefined;
  if (!isObject(schema)) return value;
  if (schema.type === "object" || isObject(schema.properties) || isObject(schema.additionalProperties)) {
    if (!isObject(value)) return undefined;
    const out: JsonObject = {};
    const props = isObject(schema.properties) ? schema.properties : {};
    for (const [name, sub] of Object.entries(props)) {
      const raw = value[name] ?? (opts.pascal ? value[name.charAt(0).toUpperCase() + name.slice(1)] : undefined);
      const v = shapeBySchema(sub as JsonSchema, raw, opts);
      if (v !== undefined) out[name] = v;
    }
    if (isObject(schema.additionalProperties)) {
      for (const [key, raw] of Object.entries(value)) {
        if (key in props) continue;
        const v = shapeBySchema(schema.additionalProperties, raw, opts);
        if (v !== undefined) out[key] = v;
      }
    }
    return out;
  }
  switch (schema.type) {
    case "array": {
      if (!Array.isArray(value)) return undefined;
      const items = isObject(schema.items) ? schema.items : {};
      return value.map((v) => shapeBySchema(items, v, opts)).filter((v) => v !== undefined);
    }
    case "boolean":
      return toBool(value);
    case "number":
    case "integer":
      return toNumber(value);
    case "string":
      return typeof value === "string" ? value : typeof value === "number" ? String(value) : undefined;
    default:
      return value;
  }
}
