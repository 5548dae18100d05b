import { isObject, type JsonObject } from "../util/json";

/**
 * Merging a TLS-only Deny statement into an existing resource policy (SQS queue, SNS topic, S3 bucket policies).
 *
 * The rules, because these policies are written by their owners and other tools:
 *  - every existing statement is kept exactly as it is, in its place, and every other top-level member too
 *    (Version, Id, ...); the merged text embeds each statement's JSON unchanged;
 *  - at most one statement is added, at the end, and it is always a Deny: nothing is ever allowed or removed;
 *  - nothing is added when an equivalent statement exists: a Deny at least as broad as the one that would be added
 *    (every principal, the same actions and resources, only the condition Bool aws:SecureTransport "false"), so
 *    the merge is idempotent and a narrower Deny someone wrote does not stop the fix;
 *  - the added statement's Sid is the requested one, or, when another statement already uses that Sid, the first
 *    free `<Sid>2`, `<Sid>3`, ... (Sids must be unique within a policy).
 *
 * Documents hold policies normalised (decisions.md §2: `Statement`, `Action`, `Resource` always lists); IAM treats
 * a single value and a one-element list alike, so writing the normalised statements back changes no meaning.
 * When the caller has the policy's raw text (a string), that is merged instead and its statements keep their
 * original spelling.
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

/** An IAM wildcard pattern (`*`, `?`) as a regular expression. */
function wildcard(pattern: string, flags: string): RegExp {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${source}$`, flags);
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
  const coversActions = list(spec.action).every((wanted) => actions.some((a) => wildcard(a, "i").test(String(wanted))));
  const coversResources = list(spec.resource).every((wanted) =>
    resources.some((r) => wildcard(r, "").test(String(wanted))),
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

/** A policy value as found in a document or a raw attribute: an object, JSON text, or nothing. */
export type PolicyInput = JsonObject | string | undefined;

export class PolicyMergeError extends Error {}

/** Parses a policy value; throws PolicyMergeError when it is not a JSON object. */
export function parsePolicy(policy: PolicyInput): JsonObject | undefined {
  if (policy === undefined) return undefined;
  if (isObject(policy)) return policy;
  let parsed: unknown;
  try {
    parsed = JSON.parse(policy);
  } catch (e) {
    throw new PolicyMergeError(`the existing policy is not valid JSON (${(e as Error).message})`);
  }
  if (!isObject(parsed)) throw new PolicyMergeError("the existing policy is not a JSON object");
  return parsed;
}

export interface MergeResult {
  /** false: an equivalent statement exists and the policy is returned unchanged. */
  changed: boolean;
  policy: JsonObject;
  /** The policy as the text to send (JSON, compact). */
  text: string;
  /** The statement added, when changed. */
  added?: JsonObject;
}

function freeSid(statements: unknown[], sid: string): string {
  const used = new Set(statements.filter(isObject).map((s) => s.Sid));
  if (!used.has(sid)) return sid;
  for (let n = 2; ; n++) if (!used.has(`${sid}${n}`)) return `${sid}${n}`;
}

/**
 * Adds the TLS-only Deny to `existing` unless an equivalent statement is there. With no existing policy, the
 * result is a new policy holding only that statement (Version 2012-10-17).
 */
export function mergeSecureTransportDeny(existing: PolicyInput, spec: DenyStatementSpec): MergeResult {
  const policy = parsePolicy(existing);
  if (policy !== undefined && hasSecureTransportDeny(policy, spec)) {
    return { changed: false, policy, text: typeof existing === "string" ? existing : JSON.stringify(policy) };
  }
  const statements = policy ? statementsOf(policy) : [];
  const added = secureTransportDeny({ ...spec, sid: freeSid(statements, spec.sid) });
  const merged: JsonObject = policy
    ? { ...policy, Statement: [...statements, added] }
    : { Version: "2012-10-17", Statement: [added] };
  return { changed: true, policy: merged, text: JSON.stringify(merged), added };
}

/** The text that puts a recorded policy back: the raw text when recorded as text, else the object's JSON. */
export function policyText(policy: JsonObject | string): string {
  return typeof policy === "string" ? policy : JSON.stringify(policy);
}
