import { escapePointerToken, isObject, type JsonObject, type JsonSchema } from "../util/json";
import type { TemplateResource } from "./resolve";
import { ABSENT, ConditionalValue, UnknownValue, enumerateShape } from "./unknown";

/**
 * What an adapter's `fromCloudFormation` reads: one resource of its type, the other resources of the template
 * (for joins: a bucket's AWS::S3::BucketPolicy, a function's AWS::Lambda::Permission, ...), and helpers that keep
 * unknown values intact while shaping. Everything an adapter puts into the document through `shape` is recorded
 * with the template pointer it came from, so a verdict can point at the template line.
 */
export interface CloudFormationSource {
  resource: TemplateResource;
  /** Every resource of `type` in the template. */
  resources(type: string): TemplateResource[];
  /** The resource with this logical id. */
  resourceNamed(logicalId: string): TemplateResource | undefined;
  /** Resources of `type` whose (unresolved) `property` names this resource with `Ref`, `Fn::GetAtt` or `Fn::Sub`. */
  referencing(type: string, property: string): TemplateResource[];
  /**
   * Template properties (`value`, read at `templatePointer`) as the document part `schema` describes, placed at
   * `docPointer`: names the schema lists are read in the schema's spelling or with a capital first letter
   * (CloudFormation's), values are coerced to the schema's types as CloudFormation does (`"true"` is true),
   * properties the schema does not list are dropped, and unknown values stay unknown (an unknown boolean is one
   * of true and false).
   */
  shape(
    schema: JsonSchema,
    value: unknown,
    docPointer: string,
    templatePointer: string,
    aliases?: Readonly<Record<string, string>>,
  ): unknown;
  /** Records that the document value at `docPointer` was read from `templatePointer`. */
  origin(docPointer: string, templatePointer: string): void;
}

/** Document pointer → template pointer, for every value an adapter placed. */
export type Origins = Map<string, string>;

export function cloudFormationSource(
  resource: TemplateResource,
  all: readonly TemplateResource[],
  origins: Origins,
): CloudFormationSource {
  return {
    resource,
    resources: (type) => all.filter((r) => r.type === type),
    resourceNamed: (id) => all.find((r) => r.logicalId === id),
    referencing: (type, property) =>
      all.filter((r) => r.type === type && r !== resource && refersTo(r.raw[property], resource.logicalId)),
    shape: (schema, value, docPointer, templatePointer, aliases = {}) =>
      shapeValue(schema, value, docPointer, templatePointer, origins, aliases),
    origin: (doc, template) => void origins.set(doc, template),
  };
}

/** True when a raw template value names `logicalId` (Ref, GetAtt, or `${logicalId}` / `${logicalId.Attr}` in a Sub). */
export function refersTo(raw: unknown, logicalId: string): boolean {
  if (Array.isArray(raw)) return raw.some((v) => refersTo(v, logicalId));
  if (!isObject(raw)) return false;
  if (raw.Ref === logicalId) return true;
  const getAtt = raw["Fn::GetAtt"];
  if (
    Array.isArray(getAtt) ? getAtt[0] === logicalId : typeof getAtt === "string" && getAtt.split(".")[0] === logicalId
  ) {
    return true;
  }
  const sub = raw["Fn::Sub"];
  const text = typeof sub === "string" ? sub : Array.isArray(sub) && typeof sub[0] === "string" ? sub[0] : undefined;
  if (
    text !== undefined &&
    new RegExp(`\\$\\{${logicalId.replace(/[^A-Za-z0-9]/g, "\\$&")}(\\.[^}]*)?\\}`).test(text)
  ) {
    return true;
  }
  return Object.values(raw).some((v) => refersTo(v, logicalId));
}

const typesOf = (schema: JsonObject): string[] =>
  Array.isArray(schema.type) ? (schema.type as string[]) : typeof schema.type === "string" ? [schema.type] : [];

type Aliases = Readonly<Record<string, string>>;

function shapeValue(
  schema: JsonSchema,
  value: unknown,
  docPtr: string,
  tplPtr: string,
  origins: Origins,
  aliases: Aliases,
): unknown {
  if (value === undefined || value === null || value === ABSENT) return undefined;
  origins.set(docPtr, tplPtr);
  if (value instanceof ConditionalValue) {
    const branch = (v: unknown) =>
      v === ABSENT ? ABSENT : (shapeValue(schema, v, docPtr, tplPtr, origins, aliases) ?? ABSENT);
    return new ConditionalValue(
      value.condition,
      branch(value.whenTrue),
      branch(value.whenFalse),
      value.templatePointer,
    );
  }
  if (!isObject(schema)) return value;
  const types = typesOf(schema);
  if (value instanceof UnknownValue) return coerceUnknown(value, types);
  if (types.includes("object") || isObject(schema.properties) || isObject(schema.additionalProperties)) {
    if (!isObject(value)) return types.length === 0 ? value : undefined;
    const props = isObject(schema.properties) ? schema.properties : {};
    const out: JsonObject = {};
    for (const [name, sub] of Object.entries(props)) {
      const alias = aliases[name];
      const capital = name.charAt(0).toUpperCase() + name.slice(1);
      const key =
        alias !== undefined && alias in value ? alias : name in value ? name : capital in value ? capital : undefined;
      if (key === undefined) continue;
      const v = shapeValue(
        sub as JsonSchema,
        value[key],
        `${docPtr}/${escapePointerToken(name)}`,
        `${tplPtr}/${escapePointerToken(key)}`,
        origins,
        aliases,
      );
      if (v !== undefined) out[name] = v;
    }
    if (isObject(schema.additionalProperties) || schema.additionalProperties === true) {
      for (const key of Object.keys(value)) {
        if (key in props) continue;
        const v = shapeValue(
          schema.additionalProperties as JsonSchema,
          value[key],
          `${docPtr}/${escapePointerToken(key)}`,
          `${tplPtr}/${escapePointerToken(key)}`,
          origins,
          aliases,
        );
        if (v !== undefined) out[key] = v;
      }
    }
    return out;
  }
  if (types.includes("array")) {
    if (!Array.isArray(value)) return undefined;
    const items = isObject(schema.items) ? schema.items : {};
    return value
      .map((v, i) => shapeValue(items, v, `${docPtr}/${i}`, `${tplPtr}/${i}`, origins, aliases))
      .filter((v) => v !== undefined);
  }
  if (types.length === 1) return coerceKnown(value, types[0] as string);
  return value;
}

/** CloudFormation's own coercions: `"true"` for a Boolean, `"300"` for an Integer, numbers for a String. */
function coerceKnown(v: unknown, type: string): unknown {
  switch (type) {
    case "boolean":
      if (typeof v === "boolean") return v;
      if (typeof v === "string" && /^(true|false)$/i.test(v)) return v.toLowerCase() === "true";
      return undefined;
    case "number":
    case "integer":
      if (typeof v === "number") return v;
      if (typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v))) return Number(v);
      return undefined;
    case "string":
      return typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : undefined;
    default:
      return v;
  }
}

/** An unknown headed for a typed field: its possible values coerced; an open one stays open (any such value). */
function coerceUnknown(u: UnknownValue, types: string[]): UnknownValue {
  const finite = u.values ?? (u.shape ? enumerateShape(u.shape, 64) : undefined);
  const type = types.length === 1 ? types[0] : undefined;
  if (type === "boolean") {
    const values = finite ? finite.map((v) => coerceKnown(v, "boolean")).filter((v) => v !== undefined) : [true, false];
    return new UnknownValue(u.reason, u.templatePointer, undefined, [...new Set(values)]);
  }
  if (type === "number" || type === "integer") {
    if (!finite) return new UnknownValue(u.reason, u.templatePointer);
    return new UnknownValue(
      u.reason,
      u.templatePointer,
      undefined,
      finite.map((v) => coerceKnown(v, "number")),
    );
  }
  if (type === "string" || type === undefined) return u;
  // An object or array the template cannot tell: nothing is known about it.
  return u.shape || u.values ? new UnknownValue(u.reason, u.templatePointer) : u;
}

/** Tags as CloudFormation writes them (`[{Key, Value}]`; SAM and some types use a map), unknown values left out. */
export function templateTags(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(v)) {
    for (const t of v) {
      if (isObject(t) && typeof t.Key === "string" && typeof t.Value === "string") out[t.Key] = t.Value;
    }
  } else if (isObject(v) && !(v instanceof UnknownValue) && !(v instanceof ConditionalValue)) {
    for (const [k, val] of Object.entries(v)) if (typeof val === "string") out[k] = val;
  }
  return out;
}

/** Parses a JSON document a template gives as a string (policies, redrive policies); objects pass through. */
export function templateJson(v: unknown): unknown {
  if (typeof v !== "string") return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
}

/**
 * An IAM policy document as the documents carry it (see lib/resources/coerce.ts normalisePolicyDocument):
 * `Statement`, `Action`, `NotAction`, `Resource`, `NotResource` always lists. Markers stay where they are; a
 * list whose length is unknown stays unknown.
 */
export function templatePolicyDocument(v: unknown): unknown {
  const doc = templateJson(v);
  if (!isObject(doc) || doc instanceof UnknownValue || doc instanceof ConditionalValue) return doc;
  const listed = (x: unknown) => (typeof x === "string" ? [x] : x);
  const statements = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement === undefined ? [] : [doc.Statement];
  return {
    ...doc,
    Statement: statements.map((st: unknown) => {
      if (!isObject(st) || st instanceof UnknownValue || st instanceof ConditionalValue) return st;
      const out: JsonObject = { ...st };
      for (const k of ["Action", "NotAction", "Resource", "NotResource"]) {
        if (k in out) out[k] = listed(out[k]);
        // A single unknown string is still one entry.
        if (out[k] instanceof UnknownValue && (out[k] as UnknownValue).shape) out[k] = [out[k]];
      }
      return out;
    }),
  };
}

/** A value the template leaves to deploy time: a resource's generated name, id or ARN. */
export function deployTimeValue(src: CloudFormationSource, what: string, shape?: UnknownValue["shape"]): UnknownValue {
  return new UnknownValue(
    `${what} of ${src.resource.logicalId}, known at deploy`,
    `${src.resource.pointer}`,
    shape ?? [{ any: true, nonEmpty: true }],
  );
}

/**
 * The resource policy another resource attaches (AWS::S3::BucketPolicy, AWS::SQS::QueuePolicy, AWS::SNS::TopicPolicy):
 * absent when none names this resource; unknown when several do (which one is in force depends on deploy order).
 */
export function attachedPolicy(
  src: CloudFormationSource,
  type: string,
  targetProperty: string,
  docPointer: string,
  schema: JsonSchema,
): unknown {
  const attached = src.referencing(type, targetProperty);
  if (attached.length === 0) return undefined;
  if (attached.length > 1) {
    return new UnknownValue(
      `which of ${attached.length} ${type} resources (${attached.map((r) => r.logicalId).join(", ")}) is deployed last`,
      (attached[0] as TemplateResource).pointer,
    );
  }
  const r = attached[0] as TemplateResource;
  const policy = templatePolicyDocument(r.properties.PolicyDocument);
  return src.shape(schema, policy, docPointer, `${r.pointer}/Properties/PolicyDocument`);
}
