import { closest, distance } from "fastest-levenshtein";
import { escapePointerToken as esc, isObject, type JsonSchema } from "../util/json";
import { linearPatternProblem } from "../util/linear-regexp";

/** Every keyword of JSON Schema draft 2020-12 (core, applicator, validation, meta-data, format, content). */
const KEYWORDS = new Set([
  "$schema", "$id", "$ref", "$defs", "$anchor", "$dynamicRef", "$dynamicAnchor", "$comment", "$vocabulary",
  "type", "enum", "const", "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum",
  "maxLength", "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "maxContains", "minContains",
  "maxProperties", "minProperties", "required", "dependentRequired", "allOf", "anyOf", "oneOf", "not", "if",
  "then", "else", "dependentSchemas", "prefixItems", "items", "contains", "properties", "patternProperties",
  "additionalProperties", "propertyNames", "unevaluatedItems", "unevaluatedProperties", "format", "title",
  "description", "default", "deprecated", "readOnly", "writeOnly", "examples", "contentEncoding",
  "contentMediaType", "contentSchema",
]); // prettier-ignore

export interface SchemaProblem {
  /** JSON pointer into the policy schema being linted (relative to it). */
  pointer: string;
  message: string;
}

/** What the document looks like at some point: a schema we know, or nothing known (anything goes). */
type DocSchema = JsonSchema | undefined;

function suggestion(name: string, candidates: Iterable<string>): string {
  const list = [...candidates];
  if (list.length === 0) return "";
  const lower = name.toLowerCase();
  const sameCase = list.find((c) => c.toLowerCase() === lower);
  if (sameCase) return ` (did you mean ${sameCase}?)`;
  const best = closest(name, list);
  return distance(name, best) <= Math.max(2, Math.floor(name.length / 3)) ? ` (did you mean ${best}?)` : "";
}

function branches(doc: Record<string, unknown>): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const k of ["anyOf", "oneOf", "allOf"]) {
    const list = doc[k];
    if (Array.isArray(list)) for (const b of list) if (isObject(b)) out.push(b);
  }
  return out;
}

/** The schema a document property has, `undefined` when nothing is known, or `null` when the property cannot exist. */
function propertySchema(doc: DocSchema, name: string): DocSchema | null {
  if (!isObject(doc)) return undefined;
  const props = doc.properties;
  // Own properties only: "constructor" is in every object, not in every document.
  if (isObject(props) && Object.hasOwn(props, name)) return props[name] as JsonSchema;
  if (isObject(doc.patternProperties)) {
    for (const [re, s] of Object.entries(doc.patternProperties))
      if (new RegExp(re, "u").test(name)) return s as JsonSchema;
  }
  for (const b of branches(doc)) {
    const found = propertySchema(b, name);
    if (found !== null && found !== undefined) return found;
  }
  if (isObject(doc.additionalProperties)) return doc.additionalProperties;
  // A document with listed properties is closed for linting (AWS may add fields, but a policy naming one we
  // do not know is far more often a typo); a free-form object is open.
  if (isObject(props) || branches(doc).some((b) => isObject(b.properties))) return null;
  return undefined;
}

function knownNames(doc: DocSchema): string[] {
  if (!isObject(doc)) return [];
  const names = isObject(doc.properties) ? Object.keys(doc.properties) : [];
  for (const b of branches(doc)) names.push(...knownNames(b));
  return names;
}

function itemSchema(doc: DocSchema): DocSchema {
  if (!isObject(doc)) return undefined;
  return isObject(doc.items) ? doc.items : undefined;
}

/** Deeper than this, a schema is refused: no control needs it, and ajv and the evaluation recurse as deep. */
export const MAX_SCHEMA_DEPTH = 64;

const typesOf = (s: unknown): string[] | undefined =>
  isObject(s)
    ? Array.isArray(s.type)
      ? (s.type as string[])
      : typeof s.type === "string"
        ? [s.type]
        : undefined
    : undefined;

/** Whether a value of one of `wanted` can be of one of `has` (an integer is a number). */
function typesMeet(wanted: string[], has: string[]): boolean {
  return wanted.some((w) =>
    has.some((h) => w === h || (w === "integer" && h === "number") || (w === "number" && h === "integer")),
  );
}

/**
 * Local `$ref`s that lead back to themselves without reaching a value (`a` → `b` → `a` through `$ref`, `allOf`,
 * `anyOf`, `oneOf`, `not`, `if`/`then`/`else`): ajv cannot compile them, and nothing can satisfy them.
 */
function refCycles(schema: unknown): string[][] {
  if (!isObject(schema)) return [];
  // A fragment that is not percent-encoding (`#/%`) resolves nowhere: ajv names it when it compiles.
  const target = (ref: unknown): string | undefined => {
    if (typeof ref !== "string" || !ref.startsWith("#")) return undefined;
    try {
      return decodeURIComponent(ref.slice(1));
    } catch {
      return undefined;
    }
  };
  const resolve = (pointer: string): unknown => {
    let at: unknown = schema;
    for (const t of pointer.split("/").slice(1)) {
      if (!isObject(at) && !Array.isArray(at)) return undefined;
      at = (at as Record<string, unknown>)[t.replace(/~1/g, "/").replace(/~0/g, "~")];
    }
    return at;
  };
  // The refs a schema applies to the same value (not through properties or items); iteratively, so that a deep
  // schema cannot overflow the stack here.
  const sameValueRefs = (start: unknown): string[] => {
    const out: string[] = [];
    const todo: unknown[] = [start];
    while (todo.length > 0) {
      const s = todo.pop();
      if (!isObject(s)) continue;
      const r = target(s.$ref);
      if (r !== undefined) out.push(r);
      for (const k of ["allOf", "anyOf", "oneOf"]) if (Array.isArray(s[k])) todo.push(...(s[k] as unknown[]));
      for (const k of ["not", "if", "then", "else"]) if (s[k] !== undefined) todo.push(s[k]);
    }
    return out;
  };
  const cycles: string[][] = [];
  const state = new Map<string, "visiting" | "done">();
  // Depth-first with an explicit stack: a chain of thousands of `$defs` must not overflow the call stack.
  const trail: string[] = [];
  const stack: { pointer: string; next: string[] | undefined }[] = [{ pointer: "", next: undefined }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as { pointer: string; next: string[] | undefined };
    if (top.next === undefined) {
      if (state.get(top.pointer) === "done") {
        stack.pop();
        continue;
      }
      if (state.get(top.pointer) === "visiting") {
        cycles.push([...trail.slice(trail.indexOf(top.pointer)), top.pointer]);
        stack.pop();
        continue;
      }
      state.set(top.pointer, "visiting");
      trail.push(top.pointer);
      top.next = sameValueRefs(resolve(top.pointer));
    }
    const next = top.next.shift();
    if (next !== undefined) {
      stack.push({ pointer: next, next: undefined });
    } else {
      state.set(top.pointer, "done");
      trail.pop();
      stack.pop();
    }
  }
  return cycles;
}

/**
 * Checks a policy's `applies`/`compliant` schema: unknown keywords (a typo such as `requird` would otherwise be
 * ignored and the policy silently pass everything), property names the resource document does not have, a type the
 * document's property can never have, patterns that are not linear-time, nesting deeper than MAX_SCHEMA_DEPTH and
 * `$ref` cycles.
 */
export function lintPolicySchema(schema: JsonSchema, doc: DocSchema, docName: string): SchemaProblem[] {
  const problems: SchemaProblem[] = [];

  const checkName = (name: string, d: DocSchema, at: string) => {
    if (propertySchema(d, name) === null) {
      problems.push({
        pointer: at,
        message: `property "${name}" is not in the ${docName} document${suggestion(name, knownNames(d))}`,
      });
    }
  };

  const walk = (s: unknown, d: DocSchema, at: string, depth = 0): void => {
    if (typeof s === "boolean") return;
    if (!isObject(s)) {
      problems.push({ pointer: at, message: "a schema must be an object or a boolean" });
      return;
    }
    if (depth > MAX_SCHEMA_DEPTH) {
      problems.push({ pointer: at, message: `schemas nest deeper than ${MAX_SCHEMA_DEPTH} levels here` });
      return;
    }
    const wanted = typesOf(s);
    const has = typesOf(d);
    if (wanted && has && at !== "" && !typesMeet(wanted, has)) {
      problems.push({
        pointer: `${at}/type`,
        message: `${wanted.join(" or ")} can never match: the ${docName} document has ${has.join(" or ")} here`,
      });
    }
    for (const key of Object.keys(s)) {
      if (!KEYWORDS.has(key)) {
        problems.push({
          pointer: `${at}/${esc(key)}`,
          message: `unknown JSON Schema keyword "${key}"${suggestion(key, KEYWORDS)}`,
        });
      }
    }
    const checkPattern = (pattern: string, pointer: string) => {
      const problem = linearPatternProblem(pattern);
      if (problem) problems.push({ pointer, message: `pattern ${JSON.stringify(pattern)} ${problem}` });
    };
    if (typeof s.pattern === "string") checkPattern(s.pattern, `${at}/pattern`);
    if (isObject(s.patternProperties)) {
      for (const re of Object.keys(s.patternProperties)) checkPattern(re, `${at}/patternProperties/${esc(re)}`);
    }
    if (isObject(s.properties)) {
      for (const [name, sub] of Object.entries(s.properties)) {
        const ptr = `${at}/properties/${esc(name)}`;
        const child = propertySchema(d, name);
        if (child === null) checkName(name, d, ptr);
        walk(sub, child ?? undefined, ptr, depth + 1);
      }
    }
    if (Array.isArray(s.required)) {
      s.required.forEach((name, i) => typeof name === "string" && checkName(name, d, `${at}/required/${i}`));
    }
    if (isObject(s.dependentRequired)) {
      for (const [name, list] of Object.entries(s.dependentRequired)) {
        checkName(name, d, `${at}/dependentRequired/${esc(name)}`);
        if (Array.isArray(list)) {
          list.forEach((n, i) => typeof n === "string" && checkName(n, d, `${at}/dependentRequired/${esc(name)}/${i}`));
        }
      }
    }
    if (isObject(s.dependentSchemas)) {
      for (const [name, sub] of Object.entries(s.dependentSchemas)) {
        checkName(name, d, `${at}/dependentSchemas/${esc(name)}`);
        walk(sub, d, `${at}/dependentSchemas/${esc(name)}`, depth + 1);
      }
    }
    if (isObject(s.patternProperties)) {
      for (const [re, sub] of Object.entries(s.patternProperties)) {
        walk(
          sub,
          isObject(d) && isObject(d.additionalProperties) ? d.additionalProperties : undefined,
          `${at}/patternProperties/${esc(re)}`,
          depth + 1,
        );
      }
    }
    for (const k of ["additionalProperties", "unevaluatedProperties"]) {
      if (s[k] !== undefined)
        walk(
          s[k],
          isObject(d) && isObject(d.additionalProperties) ? d.additionalProperties : undefined,
          `${at}/${k}`,
          depth + 1,
        );
    }
    if (s.propertyNames !== undefined) walk(s.propertyNames, undefined, `${at}/propertyNames`, depth + 1);
    for (const k of ["items", "contains", "unevaluatedItems"]) {
      if (s[k] !== undefined) walk(s[k], itemSchema(d), `${at}/${k}`, depth + 1);
    }
    if (Array.isArray(s.prefixItems))
      s.prefixItems.forEach((sub, i) => walk(sub, itemSchema(d), `${at}/prefixItems/${i}`, depth + 1));
    for (const k of ["allOf", "anyOf", "oneOf"]) {
      const list = s[k];
      if (Array.isArray(list)) list.forEach((sub, i) => walk(sub, d, `${at}/${k}/${i}`, depth + 1));
    }
    for (const k of ["not", "if", "then", "else"]) if (s[k] !== undefined) walk(s[k], d, `${at}/${k}`, depth + 1);
    if (isObject(s.$defs))
      for (const [n, sub] of Object.entries(s.$defs)) walk(sub, undefined, `${at}/$defs/${esc(n)}`, depth + 1);
  };

  walk(schema, doc, "");
  for (const cycle of refCycles(schema)) {
    // A cycle through thousands of $defs is named by its first steps, not printed whole.
    const steps = cycle.map((p) => `#${p}`);
    const shown = steps.length <= 8 ? steps : [...steps.slice(0, 4), `… ${steps.length - 6} more`, ...steps.slice(-2)];
    problems.push({
      pointer: cycle[0] ?? "",
      message: `$ref cycle ${shown.join(" → ")}: it never reaches a value to check`,
    });
  }
  return problems;
}
