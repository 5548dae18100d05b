import {
  LineCounter,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  type Node as YamlNode,
  type ScalarTag,
} from "yaml";
import { JsonSourceMap, type Location } from "../util/source-map";
import { escapePointerToken, isObject, unescapePointerToken, type JsonObject } from "../util/json";

/**
 * A CloudFormation template read from JSON or YAML, with a source map from JSON pointer to line and column, so a
 * verdict on a property can point at the line that sets it (SARIF regions, `file:line:col` in messages).
 *
 * YAML short-form intrinsics (`!Ref X`, `!GetAtt A.B`, `!Sub ...`, `!If [...]`, ...) become the long form
 * (`{"Ref": "X"}`, `{"Fn::GetAtt": ["A", "B"]}`, ...), exactly as CloudFormation reads them, so the rest of
 * Guardrail sees one shape. YAML is read with the 1.2 core schema: `on`/`yes` stay strings and
 * `AWSTemplateFormatVersion: 2010-09-09` stays the text it is.
 */
export interface SourceLocator {
  /** Location of the value at `pointer`, or of its nearest existing ancestor; `key` points at the property name. */
  locate(pointer: string, opts?: { key?: boolean }): Location;
}

export interface ParsedTemplate {
  file: string;
  format: "json" | "yaml";
  template: JsonObject;
  map: SourceLocator;
}

/** A template that cannot be read: the message names the file, line and column. */
export class TemplateError extends Error {
  constructor(
    readonly file: string,
    message: string,
    readonly location?: Location,
  ) {
    super(location ? `${file}:${location.line}:${location.column}: ${message}` : `${file}: ${message}`);
    this.name = "TemplateError";
  }
}

/** Every short-form function CloudFormation's YAML accepts (`!Condition` is the short form of a condition reference). */
export const SHORT_FORM_FUNCTIONS = [
  "Ref", "Condition", "GetAtt", "Sub", "If", "Join", "Select", "Split", "Equals", "And", "Or", "Not", "FindInMap",
  "Base64", "Cidr", "GetAZs", "ImportValue", "Transform", "ToJsonString", "Length",
] as const; // prettier-ignore

/** The yaml package's custom tags: every short form in its scalar, sequence and mapping shapes, kept as tagged nodes. */
const SHORT_FORM_TAGS = SHORT_FORM_FUNCTIONS.flatMap((name) => [
  { tag: `!${name}`, resolve: (s: string) => s } satisfies ScalarTag,
  { tag: `!${name}`, collection: "seq" as const, resolve: (v: unknown) => v },
  { tag: `!${name}`, collection: "map" as const, resolve: (v: unknown) => v },
]);

/** `!GetAtt A.B` is `{"Fn::GetAtt": ["A", "B"]}`; `!Ref` and `!Condition` keep their names; the rest are `Fn::<name>`. */
function longForm(tag: string, value: unknown): JsonObject {
  const name = tag.slice(1);
  if (name === "Ref" || name === "Condition") return { [name]: value };
  if (name === "GetAtt" && typeof value === "string") {
    const dot = value.indexOf(".");
    return { "Fn::GetAtt": dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [`Fn::${name}`]: value };
}

const KNOWN_TAGS = new Set(SHORT_FORM_FUNCTIONS.map((n) => `!${n}`));

class YamlSourceMap implements SourceLocator {
  /** Offsets of every value (and property name) by pointer. */
  readonly values = new Map<string, number>();
  readonly keys = new Map<string, number>();

  constructor(private readonly lines: LineCounter) {}

  locate(pointer: string, opts: { key?: boolean } = {}): Location {
    let p = pointer;
    for (;;) {
      const offset = (opts.key ? this.keys.get(p) : undefined) ?? this.values.get(p);
      if (offset !== undefined) {
        const pos = this.lines.linePos(offset);
        return { line: pos.line, column: pos.col };
      }
      if (p === "") return { line: 1, column: 1 };
      p = p.slice(0, p.lastIndexOf("/"));
    }
  }
}

function parseYaml(file: string, text: string): ParsedTemplate {
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    customTags: SHORT_FORM_TAGS,
    lineCounter: lines,
    version: "1.2",
    uniqueKeys: true,
  });
  const first = doc.errors[0];
  if (first) {
    const pos = first.linePos?.[0];
    throw new TemplateError(
      file,
      `YAML syntax error: ${first.message.split("\n")[0] ?? first.code}`,
      pos ? { line: pos.line, column: pos.col } : undefined,
    );
  }
  const map = new YamlSourceMap(lines);
  const toJs = (node: unknown, pointer: string): unknown => {
    if (node === null || node === undefined) return null;
    const n = node as YamlNode;
    if (n.range) map.values.set(pointer, n.range[0]);
    let value: unknown;
    if (isMap(n)) {
      const out: JsonObject = {};
      for (const pair of n.items) {
        const keyNode = pair.key as YamlNode | null;
        const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
        const child = `${pointer}/${escapePointerToken(key)}`;
        if (keyNode?.range) map.keys.set(child, keyNode.range[0]);
        out[key] = toJs(pair.value, child);
        if (pair.value === null && keyNode?.range) map.values.set(child, keyNode.range[0]);
      }
      value = out;
    } else if (isSeq(n)) {
      value = n.items.map((item, i) => toJs(item, `${pointer}/${i}`));
    } else if (isScalar(n)) {
      value = n.value;
    } else if (isAlias(n)) {
      // `*anchor`: the anchored node's value, located at the alias.
      return toJs(n.resolve(doc), pointer);
    } else {
      value = null;
    }
    const tag = n.tag;
    if (tag && KNOWN_TAGS.has(tag)) {
      // The long form adds one level (`/Ref`, `/Fn::If`): locate those at the tagged node too.
      const wrapped = longForm(tag, value);
      const inner = `${pointer}/${escapePointerToken(Object.keys(wrapped)[0] as string)}`;
      if (n.range) map.values.set(inner, n.range[0]);
      if (tag === "!GetAtt" && typeof value === "string" && n.range) {
        map.values.set(`${inner}/0`, n.range[0]);
        map.values.set(`${inner}/1`, n.range[0]);
      }
      return wrapped;
    }
    if (tag && tag.startsWith("!")) {
      throw new TemplateError(file, `unknown YAML tag ${tag} (not a CloudFormation intrinsic)`, map.locate(pointer));
    }
    return value;
  };
  const template = toJs(doc.contents, "");
  if (!isObject(template))
    throw new TemplateError(file, "a template is a mapping at the top level", { line: 1, column: 1 });
  return { file, format: "yaml", template, map };
}

/**
 * Parses a template. JSON is recognised by its first character (`{`), as CloudFormation does, whatever the file
 * name; everything else is read as YAML (a superset of JSON, but JSON gets the exact JSON source map).
 */
export function parseTemplate(file: string, text: string): ParsedTemplate {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trimStart().startsWith("{")) {
    const { map, errors } = JsonSourceMap.parse(body);
    const first = errors[0];
    if (first) throw new TemplateError(file, first.message, first.location);
    const template = JSON.parse(body) as unknown;
    if (!isObject(template)) throw new TemplateError(file, "a template is a JSON object", { line: 1, column: 1 });
    return { file, format: "json", template, map };
  }
  return parseYaml(file, body);
}

/** The tokens of a JSON pointer. */
export function pointerTokens(pointer: string): string[] {
  return pointer === "" ? [] : pointer.slice(1).split("/").map(unescapePointerToken);
}

/** Heuristic used when walking directories: a parsed document is a CloudFormation template. */
export function looksLikeTemplate(doc: JsonObject): boolean {
  return isObject(doc.Resources) && Object.values(doc.Resources).some((r) => isObject(r) && typeof r.Type === "string");
}
