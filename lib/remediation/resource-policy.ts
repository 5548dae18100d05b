import { applyEdits, parseTree, printParseErrorCode, type Edit, type Node, type ParseError } from "jsonc-parser";
import { escapePointerToken, isObject, type JsonObject } from "../util/json";
import { wildcardMatches } from "../util/linear-regexp";

/**
 * Merging a TLS-only Deny statement into an existing resource policy (SQS queue, SNS topic, S3 bucket policies).
 *
 * The rules, because these policies are written by their owners and other tools:
 *  - the merge edits the policy's text as the service returned it (GetBucketPolicy Policy, GetQueueAttributes and
 *    GetTopicAttributes Attributes.Policy are JSON strings): the new statement is inserted into that text and every
 *    other byte is kept, so no statement, member, spelling, number or whitespace the owner wrote is touched;
 *  - at most one statement is added, after the last one, and it is always a Deny: nothing is allowed or removed;
 *  - nothing is added when an equivalent statement exists: a Deny at least as broad as the one that would be added
 *    (every principal, the same actions and resources, only the condition Bool aws:SecureTransport "false"), so
 *    the merge is idempotent and a narrower Deny someone wrote does not stop the fix;
 *  - the added statement's Sid is the requested one, or, when another statement already uses that Sid, the first
 *    free `<Sid>2`, `<Sid>3`, ... (Sids must be unique within a policy);
 *  - a text whose meaning a JSON reader could get wrong is refused, by reason and JSON pointer, rather than
 *    guessed: not JSON, a key twice in one object (readers keep one of the two, so which Effect or which Statement
 *    holds is a guess), element names that differ only in case, a number a double cannot hold exactly, text
 *    that is not well-formed Unicode, a Statement that is not a statement or a list of statements.
 */

export interface DenyStatementSpec {
  sid: string;
  /** e.g. "s3:*", "sqs:*", "SNS:Publish". */
  action: string | string[];
  resource: string | string[];
}

/** The Deny statement added: Principal "*", Condition Bool aws:SecureTransport "false". */
export function secureTransportDeny(spec: DenyStatementSpec): JsonObject {
  return {
    Sid: spec.sid,
    Effect: "Deny",
    Principal: "*",
    Action: spec.action,
    Resource: spec.resource,
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}

function statementsOf(policy: JsonObject): unknown[] {
  const s = policy.Statement;
  return Array.isArray(s) ? s : s === undefined || s === null ? [] : [s];
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined ? [] : [v];
}

function isFalse(v: unknown): boolean {
  return v === "false" || v === false || (Array.isArray(v) && v.length === 1 && (v[0] === "false" || v[0] === false));
}

function everyone(principal: unknown): boolean {
  if (principal === "*") return true;
  return isObject(principal) && list(principal.AWS).includes("*");
}

/**
 * Whether `statement` denies at least what the statement `spec` describes would: a Deny, for every principal, of
 * every one of the spec's actions (an exact name, a `service:*` or `*`; action names ignore case) on every one of
 * its resources (IAM wildcards), whose only condition is Bool aws:SecureTransport "false". A narrower Deny (one
 * role, one action, an extra condition) is not equivalent, and the full statement is added beside it.
 */
function deniesInsecureTransport(statement: unknown, spec?: DenyStatementSpec): boolean {
  if (!isObject(statement) || statement.Effect !== "Deny" || !isObject(statement.Condition)) return false;
  const conditions = Object.entries(statement.Condition);
  const bool = statement.Condition.Bool;
  if (!isObject(bool) || !isFalse(bool["aws:SecureTransport"])) return false;
  if (!spec) return true;
  if (conditions.length !== 1 || Object.keys(bool).length !== 1) return false;
  if (
    statement.NotPrincipal !== undefined ||
    statement.NotAction !== undefined ||
    statement.NotResource !== undefined
  ) {
    return false;
  }
  if (!everyone(statement.Principal)) return false;
  const actions = list(statement.Action).filter((a): a is string => typeof a === "string");
  const resources = list(statement.Resource).filter((r): r is string => typeof r === "string");
  const coversActions = list(spec.action).every((wanted) =>
    actions.some((a) => wildcardMatches(String(a), String(wanted), { ignoreCase: true })),
  );
  const coversResources = list(spec.resource).every((wanted) =>
    resources.some((r) => wildcardMatches(String(r), String(wanted))),
  );
  return coversActions && coversResources;
}

/**
 * Whether the policy already denies requests made without TLS: with `spec`, a statement at least as broad as the
 * one the spec describes (what the merge checks); without, any Deny on Bool aws:SecureTransport "false".
 */
export function hasSecureTransportDeny(policy: JsonObject | undefined, spec?: DenyStatementSpec): boolean {
  return policy !== undefined && statementsOf(policy).some((s) => deniesInsecureTransport(s, spec));
}

/** A policy text the merge will not edit; `pointer` is where in the policy (RFC 6901), "" for the whole text. */
export class PolicyMergeError extends Error {
  constructor(
    readonly pointer: string,
    readonly reason: string,
  ) {
    super(`${reason} (at ${pointer === "" ? "the policy itself" : pointer})`);
    this.name = "PolicyMergeError";
  }
}

/** A policy text read strictly: its parse tree (offsets into the text), its value, and where its statements are. */
export interface ReadPolicy {
  text: string;
  value: JsonObject;
  root: Node;
  /** The value node of the top-level Statement member; undefined when the policy has none. */
  statement?: Node;
  /** Each statement's node, in order (one for a single statement object). */
  statements: Node[];
}

/** The offset of the first UTF-16 code unit that is half a surrogate pair, or -1. */
function loneSurrogate(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      else return i;
    } else if (c >= 0xdc00 && c <= 0xdfff) return i;
  }
  return -1;
}

/** A JSON number literal's exact decimal value, as digits without leading or trailing zeros and an exponent. */
function decimalValue(literal: string): string | undefined {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(literal);
  if (!m) return undefined;
  const fraction = m[3] ?? "";
  const digits = `${m[2] ?? ""}${fraction}`.replace(/^0+/, "");
  if (digits === "") return "0";
  const significant = digits.replace(/0+$/, "");
  const exponent = BigInt(m[4] ?? "0") - BigInt(fraction.length) + BigInt(digits.length - significant.length);
  return `${m[1] ?? ""}${significant}e${exponent}`;
}

/**
 * What a double reading the literal holds, when that loses something the text says; undefined when it loses
 * nothing. An integer must be held exactly (beyond 2^53 most are not: 9007199254740993 reads as ...992); a
 * fraction or an exponent must read back as written (0.1 and 1.50 do; 1e400 and 0.30000000000000000001 do not).
 */
function numberLoss(literal: string): string | undefined {
  const n = Number(literal);
  if (!Number.isFinite(n)) return "beyond what a double holds";
  if (/^-?\d+$/.test(literal)) return BigInt(literal) === BigInt(n) ? undefined : `a double holds ${BigInt(n)}`;
  return decimalValue(literal) === decimalValue(JSON.stringify(n)) ? undefined : `a double holds ${JSON.stringify(n)}`;
}

function propertyKey(property: Node): string | undefined {
  const key = property.children?.[0];
  return typeof key?.value === "string" ? key.value : undefined;
}

/** Refuses keys that appear twice in one object, and (for IAM element objects) keys that differ only in case. */
function checkKeys(node: Node, pointer: string, caseBlind: boolean): void {
  const seen = new Map<string, string>();
  for (const property of node.children ?? []) {
    const key = propertyKey(property);
    if (key === undefined) continue;
    const at = `${pointer}/${escapePointerToken(key)}`;
    const folded = caseBlind ? key.toLowerCase() : key;
    const earlier = seen.get(folded);
    if (earlier === key) {
      throw new PolicyMergeError(
        at,
        `the key ${JSON.stringify(key)} appears twice in one object (JSON readers keep only one)`,
      );
    }
    if (earlier !== undefined) {
      throw new PolicyMergeError(
        at,
        `the elements ${JSON.stringify(earlier)} and ${JSON.stringify(key)} differ only in case`,
      );
    }
    seen.set(folded, key);
  }
}

/**
 * Reads a policy's text strictly, or throws PolicyMergeError naming the reason and the place. Accepted: exactly
 * what JSON.parse accepts, with no key twice in one object, no top-level or statement element names that differ
 * only in case, every number exactly what a double holds, a Statement that is an object or a list of objects.
 */
export function readPolicyText(text: string): ReadPolicy {
  const lone = loneSurrogate(text);
  if (lone >= 0)
    throw new PolicyMergeError("", `the text is not well-formed Unicode (half a surrogate pair at offset ${lone})`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new PolicyMergeError("", `the text is not valid JSON (${(e as Error).message})`);
  }
  let root: Node | undefined;
  const errors: ParseError[] = [];
  try {
    root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  } catch (e) {
    if (e instanceof RangeError) throw new PolicyMergeError("", "the policy nests too deep to be read");
    throw e;
  }
  if (!root || errors.length > 0) {
    const first = errors[0];
    const what = first ? `${printParseErrorCode(first.error)} at offset ${first.offset}` : "nothing to read";
    throw new PolicyMergeError("", `the text is not valid JSON (${what})`);
  }
  if (root.type !== "object" || !isObject(value)) throw new PolicyMergeError("", "the policy is not a JSON object");

  // Every node, iteratively (a deep document cannot overflow this walk), with its pointer.
  const stack: { node: Node; pointer: string }[] = [{ node: root, pointer: "" }];
  while (stack.length > 0) {
    const { node, pointer } = stack.pop() as { node: Node; pointer: string };
    if (node.type === "object") {
      checkKeys(node, pointer, false);
      for (const property of node.children ?? []) {
        const child = property.children?.[1];
        if (child)
          stack.push({ node: child, pointer: `${pointer}/${escapePointerToken(propertyKey(property) ?? "")}` });
      }
    } else if (node.type === "array") {
      (node.children ?? []).forEach((child, i) => stack.push({ node: child, pointer: `${pointer}/${i}` }));
    } else if (node.type === "number") {
      const literal = text.slice(node.offset, node.offset + node.length);
      const loss = numberLoss(literal);
      if (loss !== undefined) {
        throw new PolicyMergeError(pointer, `the number ${literal} cannot be read exactly (${loss})`);
      }
    }
  }

  checkKeys(root, "", true);
  const member = (root.children ?? []).find((p) => propertyKey(p) === "Statement");
  const statement = member?.children?.[1];
  let statements: Node[] = [];
  if (statement?.type === "array") {
    statements = statement.children ?? [];
    statements.forEach((s, i) => {
      if (s.type !== "object")
        throw new PolicyMergeError(`/Statement/${i}`, `a statement is ${kindOf(s)}, not an object`);
    });
    statements.forEach((s, i) => checkKeys(s, `/Statement/${i}`, true));
  } else if (statement?.type === "object") {
    statements = [statement];
    checkKeys(statement, "/Statement", true);
  } else if (statement !== undefined) {
    throw new PolicyMergeError("/Statement", `Statement is ${kindOf(statement)}, not a statement or a list of them`);
  }
  return { text, value, root, statement, statements };
}

function kindOf(node: Node): string {
  return node.type === "array" ? "a list" : node.type === "null" ? "null" : `a ${node.type}`;
}

export interface MergeResult {
  /** false: an equivalent statement exists and the policy text is returned unchanged. */
  changed: boolean;
  /** The policy as the text to send: the existing text with the statement inserted, or a new compact policy. */
  text: string;
  /** The text, parsed. */
  policy: JsonObject;
  /** The statement added, when changed. */
  added?: JsonObject;
}

function freeSid(statements: unknown[], sid: string): string {
  const used = new Set(statements.filter(isObject).map((s) => s.Sid));
  if (!used.has(sid)) return sid;
  for (let n = 2; ; n++) if (!used.has(`${sid}${n}`)) return `${sid}${n}`;
}

const end = (node: Node) => node.offset + node.length;

/** The text edits that add `statement` (JSON text) after the policy's last statement. */
function insertion(read: ReadPolicy, statement: string): Edit[] {
  const { text, root, statement: node } = read;
  if (node === undefined) {
    // No Statement member: one is added after the last member.
    const last = root.children?.at(-1);
    const member = `"Statement":[${statement}]`;
    return [
      last
        ? { offset: end(last), length: 0, content: `,${member}` }
        : { offset: root.offset + 1, length: 0, content: member },
    ];
  }
  if (node.type === "object") {
    // A single statement becomes a list of two; its own text stays as it is, inside the brackets.
    return [
      { offset: node.offset, length: 0, content: "[" },
      { offset: end(node), length: 0, content: `,${statement}]` },
    ];
  }
  const children = node.children ?? [];
  const last = children.at(-1);
  if (!last) return [{ offset: node.offset + 1, length: 0, content: statement }];
  // The separator the text already uses before its last statement (a comma and the same whitespace).
  const before = children.length > 1 ? end(children[children.length - 2] as Node) : node.offset + 1;
  const gap = text.slice(before, last.offset).replace(",", "");
  return [{ offset: end(last), length: 0, content: `,${gap}${statement}` }];
}

/**
 * Adds the TLS-only Deny to the policy `text` (as the service returned it) unless an equivalent statement is
 * there. With no existing policy, the result is a new policy holding only that statement (Version 2012-10-17).
 * Throws PolicyMergeError when the text cannot be read strictly (see readPolicyText).
 */
export function mergeSecureTransportDeny(text: string | undefined, spec: DenyStatementSpec): MergeResult {
  if (text === undefined) {
    const added = secureTransportDeny(spec);
    const policy: JsonObject = { Version: "2012-10-17", Statement: [added] };
    return { changed: true, text: JSON.stringify(policy), policy, added };
  }
  const read = readPolicyText(text);
  if (hasSecureTransportDeny(read.value, spec)) return { changed: false, text, policy: read.value };
  const added = secureTransportDeny({ ...spec, sid: freeSid(statementsOf(read.value), spec.sid) });
  const merged = applyEdits(text, insertion(read, JSON.stringify(added)));

  // What was promised, checked on the result: it reads strictly, every statement that was there is there with
  // the very same text, and the one after them is the Deny.
  const again = readPolicyText(merged);
  const kept = read.statements.every((s, i) => {
    const now = again.statements[i];
    return now !== undefined && merged.slice(now.offset, end(now)) === text.slice(s.offset, end(s));
  });
  const last = statementsOf(again.value).at(-1);
  if (
    !kept ||
    again.statements.length !== read.statements.length + 1 ||
    JSON.stringify(last) !== JSON.stringify(added)
  ) {
    throw new Error("merging the TLS-only statement changed the policy's other statements (a Guardrail bug)");
  }
  return { changed: true, text: merged, policy: again.value, added };
}
