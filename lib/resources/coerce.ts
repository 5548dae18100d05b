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
 * A resource policy's text exactly as the service returned it (GetBucketPolicy Policy, GetQueueAttributes and
 * GetTopicAttributes Attributes.Policy are JSON strings, and Config records the same strings), as the document
 * member `name`; nothing when there is no text. Kept beside the parsed policy so that a fix edits the owner's text
 * and an undo puts it back byte for byte: parsing and serialising again would change it.
 */
export function policyTextMember(name: string, v: unknown): Record<string, string> {
  return typeof v === "string" && v !== "" ? { [name]: v } : {};
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

type Shaper = (value: unknown) => unknown;

const shapers = { camel: new WeakMap<object, Shaper>(), pascal: new WeakMap<object, Shaper>() };

/**
 * Builds a document from a configuration by walking the document schema: every property the schema lists is
 * copied (and coerced to the schema's type: `"true"` becomes true, `"300"` becomes 300), every property it does
 * not list is dropped, so the document an adapter builds is exactly what its `documentSchema` describes.
 * Maps (`additionalProperties` schemas) keep their keys. With `pascal`, a property `fooBar` is also read from
 * `FooBar` (CloudFormation property naming); map keys are never renamed.
 *
 * The schema walk is done once per schema: it compiles to a tree of closures, cached, so shaping an item costs
 * only the copying (scans shape hundreds of thousands of items).
 */
export function shapeBySchema(schema: JsonSchema, value: unknown, opts: { pascal?: boolean } = {}): unknown {
  return compileShaper(schema, opts.pascal === true)(value);
}

function compileShaper(schema: JsonSchema, pascal: boolean): Shaper {
  if (!isObject(schema)) return (v) => (v === null ? undefined : v);
  const cache = pascal ? shapers.pascal : shapers.camel;
  const hit = cache.get(schema);
  if (hit) return hit;
  let shaper: Shaper;
  if (schema.type === "object" || isObject(schema.properties) || isObject(schema.additionalProperties)) {
    const props = isObject(schema.properties) ? schema.properties : {};
    const fields = Object.entries(props).map(([name, sub]) => ({
      name,
      alias: pascal ? name.charAt(0).toUpperCase() + name.slice(1) : undefined,
      shape: compileShaper(sub as JsonSchema, pascal),
    }));
    const extra = isObject(schema.additionalProperties)
      ? compileShaper(schema.additionalProperties, pascal)
      : undefined;
    shaper = (value) => {
      if (!isObject(value)) return undefined;
      const out: JsonObject = {};
      for (const f of fields) {
        let raw = value[f.name];
        if ((raw === undefined || raw === null) && f.alias !== undefined) raw = value[f.alias];
        if (raw === undefined || raw === null) continue;
        const v = f.shape(raw);
        if (v !== undefined) out[f.name] = v;
      }
      if (extra) {
        for (const key of Object.keys(value)) {
          if (key in props) continue;
          const raw = value[key];
          if (raw === undefined || raw === null) continue;
          const v = extra(raw);
          if (v !== undefined) out[key] = v;
        }
      }
      return out;
    };
  } else {
    switch (schema.type) {
      case "array": {
        const item = compileShaper(isObject(schema.items) ? schema.items : {}, pascal);
        shaper = (value) => {
          if (!Array.isArray(value)) return undefined;
          const out: unknown[] = [];
          for (const v of value) {
            if (v === undefined || v === null) continue;
            const shaped = item(v);
            if (shaped !== undefined) out.push(shaped);
          }
          return out;
        };
        break;
      }
      case "boolean":
        shaper = (v) => (v === null ? undefined : toBool(v));
        break;
      case "number":
      case "integer":
        shaper = (v) => (v === null ? undefined : toNumber(v));
        break;
      case "string":
        shaper = (v) => (typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined);
        break;
      default:
        shaper = (v) => (v === null ? undefined : v);
    }
  }
  cache.set(schema, shaper);
  return shaper;
}
