import { BlockList, isIP } from "node:net";
import { isObject, pointer } from "../../util/json";

/**
 * EventBridge event patterns with AWS's semantics (EventBridge User Guide, "Amazon EventBridge event patterns",
 * "Content filtering in Amazon EventBridge event patterns", "Comparison operators for use in event patterns"):
 *  - a pattern has the event's nested structure; every field it names must match (AND), the values listed for a
 *    field are alternatives (OR); `$or` lists alternative sub-patterns;
 *  - leaf values: exact scalars (strings, numbers, booleans, null; no type coercion), or one-key operators:
 *    prefix, suffix (each also `{equals-ignore-case: …}`), equals-ignore-case, wildcard (`*`, `\*` a literal star),
 *    anything-but (a value, a list of strings or of numbers, or prefix / suffix / equals-ignore-case / wildcard),
 *    numeric ranges, cidr, exists;
 *  - an array in the event matches when any of its elements does (for nested objects, all fields of the
 *    sub-pattern must match within the same element);
 *  - `exists` works on leaves only; anything-but never matches a field that is absent (hence Guardrail's rules pair
 *    `anything-but` with `exists: false` in an `$or`).
 * `compilePattern` rejects what PutRule rejects, with InvalidEventPatternException's name and the JSON pointer.
 */

export class InvalidEventPatternError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(`Event pattern is not valid. ${path || "(pattern)"}: ${message}`);
    this.name = "InvalidEventPatternException";
  }
}

type Scalar = string | number | boolean | null;
type Test = (value: unknown) => boolean;

interface Leaf {
  kind: "leaf";
  /** Alternatives that test one event value each. */
  tests: Test[];
  /** `exists` alternatives (true / false). */
  exists: boolean[];
}

interface Node {
  kind: "node";
  fields: [string, Leaf | Node][];
  or: Node[][];
}

export interface CompiledPattern {
  readonly source: unknown;
  matches(event: unknown): boolean;
}

const NUMERIC_LIMIT = 5e9;
const NUMERIC_OPERATORS = new Set(["<", "<=", "=", ">", ">="]);

function isScalar(v: unknown): v is Scalar {
  return v === null || ["string", "number", "boolean"].includes(typeof v);
}

function fail(message: string, path: (string | number)[]): never {
  throw new InvalidEventPatternError(message, pointer(path));
}

function stringOrIgnoreCase(
  v: unknown,
  path: (string | number)[],
  op: string,
): { text: string; ignoreCase: boolean } | undefined {
  if (typeof v === "string") return { text: v, ignoreCase: false };
  if (isObject(v) && Object.keys(v).length === 1 && typeof v["equals-ignore-case"] === "string") {
    return { text: v["equals-ignore-case"], ignoreCase: true };
  }
  fail(`${op} must be a string or {"equals-ignore-case": string}`, path);
}

/** `*` matches any run of characters; `\*` and `\\` are a literal star and backslash. Two stars in a row are invalid. */
function wildcardRegex(pattern: string, path: (string | number)[]): RegExp {
  let out = "";
  let lastStar = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "\\") {
      const next = pattern[i + 1];
      if (next !== "*" && next !== "\\") fail(`wildcard: "\\" must escape "*" or "\\"`, path);
      out += `\\${next}`;
      i++;
      lastStar = false;
    } else if (c === "*") {
      if (lastStar) fail("wildcard: consecutive wildcard characters are not allowed", path);
      out += "[\\s\\S]*";
      lastStar = true;
    } else {
      out += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
      lastStar = false;
    }
  }
  return new RegExp(`^${out}$`);
}

function numericTest(spec: unknown, path: (string | number)[]): Test {
  if (!Array.isArray(spec) || spec.length === 0 || spec.length % 2 !== 0 || spec.length > 4) {
    fail("numeric must be [operator, number] or [lower operator, number, upper operator, number]", path);
  }
  const bounds: [string, number][] = [];
  for (let i = 0; i < spec.length; i += 2) {
    const op = spec[i];
    const n = spec[i + 1];
    if (typeof op !== "string" || !NUMERIC_OPERATORS.has(op)) fail(`numeric: unknown operator ${String(op)}`, path);
    if (typeof n !== "number" || !Number.isFinite(n) || Math.abs(n) > NUMERIC_LIMIT) {
      fail(`numeric: ${String(n)} is not a number between -5e9 and 5e9`, path);
    }
    bounds.push([op, n]);
  }
  if (bounds.length === 2) {
    const [[lo], [hi]] = bounds as [[string, number], [string, number]];
    if (!lo.startsWith(">") || !hi.startsWith("<"))
      fail("numeric: a range is a lower bound (> or >=) then an upper bound (< or <=)", path);
  }
  return (v) =>
    typeof v === "number" &&
    bounds.every(([op, n]) =>
      op === "<" ? v < n : op === "<=" ? v <= n : op === "=" ? v === n : op === ">" ? v > n : v >= n,
    );
}

function cidrTest(spec: unknown, path: (string | number)[]): Test {
  const m = typeof spec === "string" ? /^([^/]+)\/(\d{1,3})$/.exec(spec) : null;
  const family = m ? isIP(m[1] as string) : 0;
  const prefix = m ? Number(m[2]) : NaN;
  if (!m || family === 0 || prefix > (family === 4 ? 32 : 128))
    fail(`cidr: ${JSON.stringify(spec)} is not a CIDR block`, path);
  const list = new BlockList();
  list.addSubnet(m[1] as string, prefix, family === 4 ? "ipv4" : "ipv6");
  return (v) => {
    if (typeof v !== "string") return false;
    const f = isIP(v);
    return f !== 0 && list.check(v, f === 4 ? "ipv4" : "ipv6");
  };
}

function stringsOrOne(v: unknown): string[] | undefined {
  if (typeof v === "string") return [v];
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "string")) return v as string[];
  return undefined;
}

function anythingButTest(spec: unknown, path: (string | number)[]): Test {
  if (typeof spec === "string" || typeof spec === "number") return (v) => v !== spec;
  if (Array.isArray(spec)) {
    const allStrings = spec.every((x) => typeof x === "string");
    const allNumbers = spec.every((x) => typeof x === "number");
    if (spec.length === 0 || (!allStrings && !allNumbers))
      fail("anything-but: a list holds only strings or only numbers", path);
    const set = new Set<unknown>(spec);
    return (v) => !set.has(v);
  }
  if (isObject(spec) && Object.keys(spec).length === 1) {
    const [op, arg] = Object.entries(spec)[0] as [string, unknown];
    const at = [...path, op];
    const strings = stringsOrOne(arg);
    switch (op) {
      case "prefix":
      case "suffix": {
        if (typeof arg !== "string") fail(`anything-but ${op} must be a string`, at);
        return (v) => typeof v !== "string" || !(op === "prefix" ? v.startsWith(arg) : v.endsWith(arg));
      }
      case "equals-ignore-case": {
        if (!strings) fail("anything-but equals-ignore-case must be a string or a list of strings", at);
        const lowered = new Set(strings.map((s) => s.toLowerCase()));
        return (v) => typeof v !== "string" || !lowered.has(v.toLowerCase());
      }
      case "wildcard": {
        if (!strings) fail("anything-but wildcard must be a string or a list of strings", at);
        const res = strings.map((s) => wildcardRegex(s, at));
        return (v) => typeof v !== "string" || !res.some((r) => r.test(v));
      }
    }
    fail(`anything-but does not take ${op}`, at);
  }
  fail("anything-but takes a string, a number, a list, or prefix / suffix / equals-ignore-case / wildcard", path);
}

function operatorTest(op: string, arg: unknown, path: (string | number)[]): Test | { exists: boolean } {
  const at = [...path, op];
  switch (op) {
    case "prefix":
    case "suffix": {
      const { text, ignoreCase } = stringOrIgnoreCase(arg, at, op) as { text: string; ignoreCase: boolean };
      const t = ignoreCase ? text.toLowerCase() : text;
      return (v) => {
        if (typeof v !== "string") return false;
        const s = ignoreCase ? v.toLowerCase() : v;
        return op === "prefix" ? s.startsWith(t) : s.endsWith(t);
      };
    }
    case "equals-ignore-case": {
      if (typeof arg !== "string") fail("equals-ignore-case must be a string", at);
      const t = arg.toLowerCase();
      return (v) => typeof v === "string" && v.toLowerCase() === t;
    }
    case "wildcard": {
      if (typeof arg !== "string") fail("wildcard must be a string", at);
      const re = wildcardRegex(arg, at);
      return (v) => typeof v === "string" && re.test(v);
    }
    case "anything-but":
      return anythingButTest(arg, at);
    case "numeric":
      return numericTest(arg, at);
    case "cidr":
      return cidrTest(arg, at);
    case "exists":
      if (typeof arg !== "boolean") fail("exists must be true or false", at);
      return { exists: arg };
  }
  fail(`unknown operator "${op}"`, at);
}

function compileLeaf(values: unknown[], path: (string | number)[]): Leaf {
  if (values.length === 0) fail("a field's list of values must not be empty", path);
  const leaf: Leaf = { kind: "leaf", tests: [], exists: [] };
  values.forEach((v, i) => {
    if (isScalar(v)) {
      leaf.tests.push((x) => x === v);
      return;
    }
    if (!isObject(v) || Object.keys(v).length !== 1)
      fail("a value must be a string, number, boolean, null or one operator", [...path, i]);
    const [op, arg] = Object.entries(v)[0] as [string, unknown];
    const t = operatorTest(op, arg, [...path, i]);
    if (typeof t === "function") leaf.tests.push(t);
    else leaf.exists.push(t.exists);
  });
  return leaf;
}

function compileNode(pattern: unknown, path: (string | number)[]): Node {
  if (!isObject(pattern)) fail("must be a JSON object", path);
  const node: Node = { kind: "node", fields: [], or: [] };
  for (const [key, value] of Object.entries(pattern)) {
    if (key === "$or") {
      if (!Array.isArray(value) || value.length < 2) fail("$or takes a list of at least two patterns", [...path, key]);
      node.or.push(value.map((sub, i) => compileNode(sub, [...path, key, i])));
    } else if (Array.isArray(value)) {
      node.fields.push([key, compileLeaf(value, [...path, key])]);
    } else if (isObject(value)) {
      node.fields.push([key, compileNode(value, [...path, key])]);
    } else {
      fail("a field's value must be a list of values or a nested pattern", [...path, key]);
    }
  }
  if (node.fields.length === 0 && node.or.length === 0) fail("must name at least one field", path);
  return node;
}

function isLeafValue(v: unknown): boolean {
  return v === null || typeof v !== "object";
}

function matchLeaf(leaf: Leaf, value: unknown): boolean {
  // An array of leaves matches when any element does; an empty array is as good as absent.
  const values = value === undefined ? [] : Array.isArray(value) ? value.filter(isLeafValue) : [value];
  const leafPresent = values.length > 0 && (Array.isArray(value) || isLeafValue(value));
  if (leaf.exists.some((e) => e === leafPresent)) return true;
  return leaf.tests.some((t) => values.some((v) => t(v)));
}

function matchNode(node: Node, event: unknown): boolean {
  const obj = isObject(event) ? event : undefined;
  for (const [key, sub] of node.fields) {
    const value = obj?.[key];
    if (sub.kind === "leaf") {
      if (!matchLeaf(sub, value)) return false;
    } else if (Array.isArray(value) && value.length > 0) {
      if (!value.some((el) => matchNode(sub, el))) return false;
    } else if (!matchNode(sub, value)) {
      return false;
    }
  }
  return node.or.every((alternatives) => alternatives.some((alt) => matchNode(alt, event)));
}

/** Validates a pattern (object or its JSON text) as PutRule does and returns its matcher. */
export function compilePattern(pattern: unknown): CompiledPattern {
  let source = pattern;
  if (typeof pattern === "string") {
    try {
      source = JSON.parse(pattern);
    } catch (e) {
      throw new InvalidEventPatternError(`not JSON: ${(e as Error).message}`, "");
    }
  }
  const root = compileNode(source, []);
  return { source, matches: (event) => matchNode(root, event) };
}

/** One-off test, as TestEventPattern does. */
export function testEventPattern(pattern: unknown, event: unknown): boolean {
  return compilePattern(pattern).matches(event);
}
