import { escapePointerToken, isObject, type JsonObject } from "../util/json";
import type { ParsedTemplate } from "./template";
import {
  ABSENT,
  ConditionalValue,
  PARTITIONS,
  UnknownValue,
  concatShapes,
  enumerateShape,
  shapeOf,
  shapeRegExp,
  type ShapePart,
} from "./unknown";

/**
 * Intrinsic functions, resolved as far as the template and the given parameters allow, and not one step further.
 * What is known before deploy: literal values, parameters (`--parameter Key=Value`, else the template's Default),
 * conditions over those, mappings, `Fn::Sub`/`Fn::Join`/`Fn::Select`/`Fn::Split`/`Fn::If`/`Fn::FindInMap`/
 * `Fn::Base64`/`Fn::Length`/`Fn::ToJsonString` of known values. What is not: pseudo parameters (unless given as
 * `--parameter AWS::Region=eu-west-1`), a parameter with no default, SSM-typed parameters and `{{resolve:...}}`
 * dynamic references (read at deploy), resources' physical ids (`Ref`) and attributes (`Fn::GetAtt`),
 * `Fn::ImportValue`, `Fn::GetAZs`, `Fn::Cidr`. Those become `UnknownValue`s carrying what IS known (a `!Sub`'s
 * literal text, `AWS::Partition`'s possible values, that an SQS queue's ARN starts with `arn:<partition>:sqs:`).
 * An `Fn::If` on a condition that cannot be decided keeps both branches (`ConditionalValue`).
 */
export interface TemplateResource {
  logicalId: string;
  type: string;
  /** `/Resources/<logicalId>`. */
  pointer: string;
  /** Properties as written (intrinsics unresolved): joins between resources read references here. */
  raw: JsonObject;
  /** Properties resolved, with markers where a value is unknown. */
  properties: JsonObject;
  /** The resource's `Condition`, when it cannot be decided before deploy (the resource may not be created). */
  undecidedCondition?: string;
}

export interface ResolvedTemplate {
  parsed: ParsedTemplate;
  resources: TemplateResource[];
  /** Resources whose Condition is false with these parameters (not created). */
  skipped: string[];
  /** Parameters given with `--parameter` that the template does not declare (likely a typo). */
  unusedParameters: string[];
}

type Tri = boolean | undefined;

const PSEUDO: Record<string, () => unknown> = {
  "AWS::Partition": () => new UnknownValue("AWS::Partition", "", [{ oneOf: PARTITIONS }]),
  "AWS::URLSuffix": () => new UnknownValue("AWS::URLSuffix", "", [{ oneOf: ["amazonaws.com", "amazonaws.com.cn"] }]),
};

/**
 * What resolution needs to know of a resource type: its ARN's service, the `Fn::GetAtt` attributes holding its ARN,
 * whether `Ref` gives the ARN (lib/resources/adapter.ts ResourceIdentity; the caller passes the registry's).
 */
export interface TemplateTypeIdentity {
  service: string;
  cloudFormation?: { arnAttributes?: readonly string[]; refIsArn?: boolean };
}

const anyText = (nonEmpty: boolean): ShapePart => ({ any: true, nonEmpty });

export function resolveTemplate(
  parsed: ParsedTemplate,
  given: Record<string, string> = {},
  types: ReadonlyMap<string, TemplateTypeIdentity> = new Map(),
): ResolvedTemplate {
  const t = parsed.template;
  const params = isObject(t.Parameters) ? t.Parameters : {};
  const mappings = isObject(t.Mappings) ? t.Mappings : {};
  const conditions = isObject(t.Conditions) ? t.Conditions : {};
  const resources = isObject(t.Resources) ? t.Resources : {};
  const typeOf = (id: string): string | undefined => {
    const r = resources[id];
    return isObject(r) && typeof r.Type === "string" ? r.Type : undefined;
  };

  const refValue = (name: string, at: string): unknown => {
    if (name === "AWS::NoValue") return ABSENT;
    if (Object.hasOwn(given, name)) {
      const p = params[name];
      const type = isObject(p) && typeof p.Type === "string" ? p.Type : "String";
      const v = given[name] as string;
      return /^(List<|CommaDelimitedList)/.test(type) ? v.split(",") : v;
    }
    if (name.startsWith("AWS::")) {
      const known = PSEUDO[name];
      if (known) {
        const u = known() as UnknownValue;
        return new UnknownValue(`${name} (known at deploy)`, at, u.shape);
      }
      return new UnknownValue(`${name} (known at deploy; give --parameter ${name}=...)`, at, [anyText(true)]);
    }
    const p = params[name];
    if (isObject(p)) {
      const type = typeof p.Type === "string" ? p.Type : "String";
      const list = /^(List<|CommaDelimitedList)/.test(type);
      if (type.startsWith("AWS::SSM::Parameter::Value<")) {
        return new UnknownValue(
          `Ref to parameter ${name} (read from SSM at deploy)`,
          at,
          list ? undefined : [anyText(false)],
        );
      }
      if (p.Default !== undefined) {
        const d = typeof p.Default === "string" ? p.Default : String(p.Default as number | boolean);
        return list ? d.split(",") : d;
      }
      const allowed = Array.isArray(p.AllowedValues) ? p.AllowedValues.map((v) => String(v as string)) : undefined;
      const reason = `Ref to parameter ${name} (no default; give --parameter ${name}=...)`;
      if (list) return new UnknownValue(reason, at);
      return new UnknownValue(reason, at, allowed ? [{ oneOf: allowed }] : [anyText(type !== "String")], allowed);
    }
    const type = typeOf(name);
    if (type) {
      const identity = types.get(type);
      const shape = identity?.cloudFormation?.refIsArn ? arnShape(identity.service) : [anyText(true)];
      return new UnknownValue(`Ref to resource ${name} (its physical id is known at deploy)`, at, shape);
    }
    return new UnknownValue(`Ref to ${name}, which the template does not declare`, at);
  };

  const getAtt = (id: string, attr: string, at: string): unknown => {
    const type = typeOf(id);
    const identity = type ? types.get(type) : undefined;
    const shape = identity?.cloudFormation?.arnAttributes?.includes(attr) ? arnShape(identity.service) : undefined;
    return new UnknownValue(`Fn::GetAtt ${id}.${attr} (known at deploy)`, at, shape);
  };

  const conditionCache = new Map<string, Tri>();
  const evalCondition = (name: string, seen: Set<string>): Tri => {
    if (conditionCache.has(name)) return conditionCache.get(name);
    if (seen.has(name) || !(name in conditions)) return undefined;
    const v = evalBool(conditions[name], `/Conditions/${escapePointerToken(name)}`, new Set([...seen, name]));
    conditionCache.set(name, v);
    return v;
  };
  const evalBool = (node: unknown, at: string, seen: Set<string>): Tri => {
    if (typeof node === "boolean") return node;
    if (typeof node === "string") return node === "true" ? true : node === "false" ? false : undefined;
    if (!isObject(node)) return undefined;
    const [fn, arg] = Object.entries(node)[0] ?? [];
    const args = Array.isArray(arg) ? arg : [];
    switch (fn) {
      case "Condition":
        return typeof arg === "string" ? evalCondition(arg, seen) : undefined;
      case "Fn::Not": {
        const v = evalBool(args[0], at, seen);
        return v === undefined ? undefined : !v;
      }
      case "Fn::And": {
        const vs = args.map((a, i) => evalBool(a, `${at}/Fn::And/${i}`, seen));
        return vs.includes(false) ? false : vs.every((v) => v === true) ? true : undefined;
      }
      case "Fn::Or": {
        const vs = args.map((a, i) => evalBool(a, `${at}/Fn::Or/${i}`, seen));
        return vs.includes(true) ? true : vs.every((v) => v === false) ? false : undefined;
      }
      case "Fn::Equals":
        return equals(value(args[0], `${at}/Fn::Equals/0`), value(args[1], `${at}/Fn::Equals/1`));
      default:
        return undefined;
    }
  };

  const value = (node: unknown, at: string): unknown => {
    if (typeof node === "string") return dynamicReference(node, at);
    if (Array.isArray(node)) {
      const out: unknown[] = [];
      node.forEach((v, i) => {
        const r = value(v, `${at}/${i}`);
        if (r !== ABSENT) out.push(r);
      });
      return out;
    }
    if (!isObject(node)) return node;
    const keys = Object.keys(node);
    if (keys.length === 1) {
      const fn = keys[0] as string;
      const arg = node[fn];
      const here = `${at}/${escapePointerToken(fn)}`;
      const fnValue = intrinsic(fn, arg, here);
      if (fnValue !== NOT_INTRINSIC) return fnValue;
    }
    const out: JsonObject = {};
    for (const k of keys) {
      const r = value(node[k], `${at}/${escapePointerToken(k)}`);
      if (r !== ABSENT) out[k] = r;
    }
    return out;
  };

  const intrinsic = (fn: string, arg: unknown, at: string): unknown => {
    const args = Array.isArray(arg) ? arg : [];
    switch (fn) {
      case "Ref":
        return typeof arg === "string" ? refValue(arg, at) : new UnknownValue("Ref to a computed name", at);
      case "Fn::GetAtt": {
        const [id, attr] = typeof arg === "string" ? splitOnce(arg, ".") : [args[0], value(args[1], `${at}/1`)];
        if (typeof id !== "string" || typeof attr !== "string") return new UnknownValue("Fn::GetAtt", at);
        return getAtt(id, attr, at);
      }
      case "Fn::Sub":
        return sub(arg, at);
      case "Fn::Join": {
        const delim = value(args[0], `${at}/0`);
        const list = value(args[1], `${at}/1`);
        if (typeof delim !== "string" || !Array.isArray(list))
          return new UnknownValue("Fn::Join over a list known at deploy", at, [anyText(false)]);
        const parts: ShapePart[] = [];
        list.forEach((item, i) => {
          if (i > 0) parts.push(delim);
          parts.push(...(shapeOf(item) ?? [anyText(false)]));
        });
        return fromShape(parts, "Fn::Join with values known at deploy", at);
      }
      case "Fn::If": {
        const cond = args[0];
        const decided = typeof cond === "string" ? evalCondition(cond, new Set()) : undefined;
        if (decided === true) return value(args[1], `${at}/1`);
        if (decided === false) return value(args[2], `${at}/2`);
        return new ConditionalValue(String(cond), value(args[1], `${at}/1`), value(args[2], `${at}/2`), at);
      }
      case "Fn::Select": {
        const index = value(args[0], `${at}/0`);
        const list = value(args[1], `${at}/1`);
        const i = typeof index === "number" ? index : typeof index === "string" ? Number(index) : NaN;
        if (Array.isArray(list) && Number.isInteger(i) && i >= 0 && i < list.length) return list[i];
        return new UnknownValue("Fn::Select over values known at deploy", at);
      }
      case "Fn::Split": {
        const delim = value(args[0], `${at}/0`);
        const text = value(args[1], `${at}/1`);
        if (typeof delim === "string" && typeof text === "string") return text.split(delim);
        return new UnknownValue("Fn::Split of a value known at deploy", at);
      }
      case "Fn::FindInMap": {
        const [m, k1, k2] = args.map((a, i) => value(a, `${at}/${i}`));
        if (typeof m === "string" && typeof k1 === "string" && typeof k2 === "string") {
          const top = mappings[m];
          const second = isObject(top) ? top[k1] : undefined;
          if (isObject(second) && k2 in second) return value(second[k2], `/Mappings/${escapePointerToken(m)}`);
        }
        return new UnknownValue("Fn::FindInMap with a key known at deploy", at);
      }
      case "Fn::Base64": {
        const v = value(arg, at);
        return typeof v === "string"
          ? Buffer.from(v, "utf8").toString("base64")
          : new UnknownValue("Fn::Base64", at, [anyText(false)]);
      }
      case "Fn::Length": {
        const v = value(arg, at);
        return Array.isArray(v) ? v.length : new UnknownValue("Fn::Length", at);
      }
      case "Fn::ToJsonString": {
        const v = value(arg, at);
        return containsMarker(v)
          ? new UnknownValue("Fn::ToJsonString of values known at deploy", at, [anyText(true)])
          : JSON.stringify(v);
      }
      case "Fn::ImportValue":
        return new UnknownValue("Fn::ImportValue (another stack's output)", at);
      case "Fn::GetAZs":
        return new UnknownValue("Fn::GetAZs (known at deploy)", at);
      case "Fn::Cidr":
        return new UnknownValue("Fn::Cidr (known at deploy)", at);
      case "Fn::Transform":
        return new UnknownValue("Fn::Transform (a macro runs at deploy)", at);
      case "Condition":
        return NOT_INTRINSIC; // only meaningful inside Conditions
      default:
        return NOT_INTRINSIC;
    }
  };

  const sub = (arg: unknown, at: string): unknown => {
    const [text, vars] = typeof arg === "string" ? [arg, {}] : [(arg as unknown[])[0], (arg as unknown[])[1]];
    if (typeof text !== "string") return new UnknownValue("Fn::Sub", at);
    const variables = isObject(vars) ? vars : {};
    const parts: ShapePart[] = [];
    const re = /\$\{([^}]*)\}/g;
    let last = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      parts.push(text.slice(last, m.index));
      last = m.index + m[0].length;
      const name = (m[1] as string).trim();
      if (name.startsWith("!")) {
        parts.push(`\${${name.slice(1)}}`);
        continue;
      }
      let v: unknown;
      if (name in variables) v = value(variables[name], `${at}/1/${escapePointerToken(name)}`);
      else if (name.includes(".") && !name.startsWith("AWS::"))
        v = getAtt(...(splitOnce(name, ".") as [string, string]), at);
      else v = refValue(name, at);
      parts.push(...(shapeOf(v) ?? [anyText(false)]));
    }
    parts.push(text.slice(last));
    return fromShape(parts, `Fn::Sub with values known at deploy`, at);
  };

  /** `{{resolve:ssm:...}}` and friends are read at deploy: the text around them is all that is known. */
  const dynamicReference = (text: string, at: string): unknown => {
    if (!text.includes("{{resolve:")) return text;
    const parts = text.split(/\{\{resolve:[^}]*\}\}/).flatMap((s, i) => (i === 0 ? [s] : [anyText(false), s]));
    return fromShape(parts, "a {{resolve:...}} dynamic reference (read at deploy)", at);
  };

  const fromShape = (parts: ShapePart[], reason: string, at: string): unknown => {
    const shape = concatShapes(parts);
    if (shape.length === 0) return "";
    if (shape.length === 1 && typeof shape[0] === "string") return shape[0];
    const values = enumerateShape(shape, 64);
    return new UnknownValue(reason, at, shape, values);
  };

  const out: TemplateResource[] = [];
  const skipped: string[] = [];
  for (const [logicalId, r] of Object.entries(resources)) {
    if (!isObject(r) || typeof r.Type !== "string") continue;
    const pointer = `/Resources/${escapePointerToken(logicalId)}`;
    let undecidedCondition: string | undefined;
    if (typeof r.Condition === "string") {
      const c = evalCondition(r.Condition, new Set());
      if (c === false) {
        skipped.push(logicalId);
        continue;
      }
      if (c === undefined) undecidedCondition = r.Condition;
    }
    const raw = isObject(r.Properties) ? r.Properties : {};
    const properties = value(raw, `${pointer}/Properties`) as JsonObject;
    out.push({
      logicalId,
      type: r.Type,
      pointer,
      raw,
      properties,
      ...(undecidedCondition ? { undecidedCondition } : {}),
    });
  }
  return {
    parsed,
    resources: out,
    skipped,
    unusedParameters: Object.keys(given).filter((k) => !k.startsWith("AWS::") && !(k in params)),
  };
}

const NOT_INTRINSIC = Symbol("not an intrinsic");

function splitOnce(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ""] : [s.slice(0, i), s.slice(i + 1)];
}

function arnShape(service: string): ShapePart[] {
  return ["arn:", { oneOf: PARTITIONS }, `:${service}:`, anyText(true)];
}

function containsMarker(v: unknown): boolean {
  if (v instanceof UnknownValue || v instanceof ConditionalValue) return true;
  if (Array.isArray(v)) return v.some(containsMarker);
  return isObjectLike(v) && Object.values(v).some(containsMarker);
}

function isObjectLike(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null;
}

/** Three-valued equality: undefined when it depends on a value known only at deploy. */
function equals(a: unknown, b: unknown): Tri {
  const known = (v: unknown) => typeof v === "string" || typeof v === "number" || typeof v === "boolean";
  if (known(a) && known(b)) return String(a) === String(b);
  const [u, k] = a instanceof UnknownValue ? [a, b] : b instanceof UnknownValue ? [b, a] : [undefined, undefined];
  if (u && known(k)) {
    const text = String(k);
    if (u.values) {
      const same = u.values.map((v) => String(v) === text);
      return same.every(Boolean) ? true : same.some(Boolean) ? undefined : false;
    }
    if (u.shape && !shapeRegExp(u.shape).test(text)) return false;
  }
  return undefined;
}
