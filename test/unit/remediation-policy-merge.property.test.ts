import fc from "fast-check";
import { requireAction } from "../../lib/remediation/planning/registry";
import {
  hasSecureTransportDeny,
  mergeSecureTransportDeny,
  readPolicyText,
} from "../../lib/remediation/resource-policy";
import { PlanError, type AwsCall } from "../../lib/remediation/types";
import { resourceFromConfigItem, type Resource } from "../../lib/resources/adapter";
import { toConfigItem } from "../../lib/resources/config-item";
import { adapterFor } from "../../lib/resources/registry";
import type { JsonObject } from "../../lib/util/json";

/**
 * Adversarial resource policies, generated as TEXT (every spelling JSON allows: whitespace, key order, escapes,
 * unicode, numbers written many ways, a single Statement object), sent through the three TLS-only actions the way
 * the worker does (Config item -> adapter -> plan; undo: restore from the before and after documents). At most one
 * fault is planted per document, so the test knows whether the plan must refuse, with which reason and where.
 *
 * Either the plan refuses with a PlanError naming the reason and the JSON pointer, or the policy it writes
 *  (a) parses, (b) holds every original statement's text byte for byte, the original text only ever added to,
 *  (c) holds the TLS-only Deny exactly once, (d) plans nothing when merged again, (e) is undone to the very
 *  original text.
 */

const RUNS = 500;
const ACCT = "111122223333";
const REGION = "eu-west-1";
const QUEUE_ARN = `arn:aws:sqs:${REGION}:${ACCT}:orders`;
const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCT}:orders-events`;
const BUCKET = "acme-orders-archive";

// ---- the three services, each with its policy where Config records it and where the fix writes it ---------------

interface Service {
  action: string;
  resource(policyText: string): Resource;
  /** The policy text a put call sends. */
  sent(call: AwsCall): string;
  /** The Deny's action and resource, as the action adds them. */
  deny: { action: string; resource: string | string[] };
}

function resourceOf(raw: JsonObject): Resource {
  const item = toConfigItem(raw);
  return resourceFromConfigItem(adapterFor(item.resourceType)!, item);
}

function item(resourceType: string, resourceId: string, configuration: JsonObject, supp: JsonObject = {}): JsonObject {
  // Invocation naming, as Config rule events and EventBridge "Config Configuration Item Change" events carry it.
  return {
    configurationItemVersion: "1.3",
    configurationItemCaptureTime: "2026-11-02T09:14:03.120Z",
    configurationItemStatus: "OK",
    awsAccountId: ACCT,
    awsRegion: REGION,
    resourceType,
    resourceId,
    configuration,
    supplementaryConfiguration: supp,
    tags: {},
  };
}

const SERVICES: Service[] = [
  {
    action: "sqs-tls-only-policy",
    resource: (text) =>
      resourceOf(
        item("AWS::SQS::Queue", `https://sqs.${REGION}.amazonaws.com/${ACCT}/orders`, {
          QueueArn: QUEUE_ARN,
          Policy: text,
        }),
      ),
    sent: (call) => (call.input as { Attributes: { Policy: string } }).Attributes.Policy,
    deny: { action: "sqs:*", resource: QUEUE_ARN },
  },
  {
    action: "sns-tls-only-policy",
    resource: (text) => resourceOf(item("AWS::SNS::Topic", TOPIC_ARN, { TopicArn: TOPIC_ARN, Policy: text })),
    sent: (call) => (call.input as { AttributeValue: string }).AttributeValue,
    deny: { action: "SNS:Publish", resource: TOPIC_ARN },
  },
  {
    action: "s3-tls-only-policy",
    resource: (text) =>
      resourceOf(item("AWS::S3::Bucket", BUCKET, { name: BUCKET }, { BucketPolicy: { policyText: text } })),
    sent: (call) => (call.input as { Policy: string }).Policy,
    deny: { action: "s3:*", resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`] },
  },
];

// ---- JSON text, spelled every way JSON allows ---------------------------------------------------------------------

const ws = fc.constantFrom("", "", " ", "\n", "\t", "\r\n", "\n    ", "  ", "\n\t\t");

/** How a string is spelled: as JSON.stringify does, non-ASCII escaped, every letter escaped, `/` escaped. */
type Spelling = "plain" | "ascii" | "letters" | "slash";
const spelling = fc.constantFrom<Spelling>("plain", "plain", "ascii", "letters", "slash");
const hex4 = (unit: number) => `\\u${unit.toString(16).padStart(4, "0")}`;

/** A JSON string literal for `s`, spelled `how`; every spelling reads back as `s`. */
function quote(s: string, how: Spelling): string {
  let out = "";
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (ch === '"' || ch === "\\" || c < 0x20) out += JSON.stringify(ch).slice(1, -1);
    else if (how === "ascii" && c > 0x7e) for (let i = 0; i < ch.length; i++) out += hex4(ch.charCodeAt(i));
    else if (how === "letters" && /[A-Za-z]/.test(ch)) out += hex4(c);
    else if (how === "slash" && ch === "/") out += "\\/";
    else out += ch;
  }
  return `"${out}"`;
}

interface Text {
  raw: string;
}

/** An object's text from its members' texts, in the given order, with the given whitespace. */
const objectText = (members: { key: string; value: string }[], sp: Spelling[], gaps: string[]): string => {
  const g = (i: number) => gaps[i % gaps.length] ?? "";
  const body = members.map((m, i) => `${g(i)}${quote(m.key, sp[i % sp.length] ?? "plain")}${g(i + 1)}:${g(i + 2)}${m.value}`); // prettier-ignore
  return `{${body.join(`${g(3)},`)}${g(4)}}`;
};
const arrayText = (items: string[], gaps: string[]): string => {
  const g = (i: number) => gaps[i % gaps.length] ?? "";
  return `[${items.map((x, i) => `${g(i)}${x}`).join(`${g(1)},`)}${g(2)}]`;
};

/** Number literals a double holds exactly, written the ways JSON allows. */
const exactNumber = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }).map(String),
  fc.constantFrom("0", "-0", "1.50", "0.1", "1e2", "1E+2", "2.5e-3", "9007199254740992", "1152921504606846976"),
  fc.bigInt({ min: 0n, max: 2n ** 53n }).map(String),
);

/** An integer literal beyond 2^53 that a double does not hold (the planted number fault). */
const inexactInteger = fc
  .bigInt({ min: 2n ** 53n + 1n, max: 2n ** 80n })
  .filter((n) => BigInt(Number(n)) !== n)
  .map(String);

/** Condition values: strings (any unicode, any spelling), booleans, numbers, lists and nested lists of them. */
const scalar: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.string({ unit: "grapheme", maxLength: 12 }), spelling).map(([s, how]) => quote(s, how)),
  fc.constantFrom('"false"', '"true"', "true", "false", '"\\ud83d\\ude00"', '"\\u0000\\n\\"\\\\"', '"\\ud800"'),
  exactNumber,
);
const conditionValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: scalar },
  { weight: 1, arbitrary: fc.tuple(fc.array(scalar, { maxLength: 3 }), fc.array(ws, { minLength: 3, maxLength: 3 })).map(([xs, g]) => arrayText(xs, g)) }, // prettier-ignore
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.array(scalar, { maxLength: 2 }), scalar)
      .map(([xs, x]) => `[${[...xs, `[${x}]`].join(",")}]`),
  },
);

const CONDITION_KEYS = ["aws:SourceAccount", "aws:SourceArn", "s3:prefix", "aws:PrincipalOrgID", "aws:SourceVpce"];
const OPERATORS = ["StringEquals", "StringLike", "ArnLike", "NumericLessThan", "Null", "IpAddress"];

interface Statement extends Text {
  /** Where a planted number fault sits, relative to the statement. */
  numberAt?: string;
  /** Whether this statement alone denies what the action's Deny would (an equivalent statement). */
  equivalent: boolean;
}

interface StatementOptions {
  deny: { action: string; resource: string | string[] };
  plantNumber?: string;
}

function statement(opts: StatementOptions): fc.Arbitrary<Statement> {
  const tls = '{"Bool":{"aws:SecureTransport":"false"}}';
  return fc
    .record({
      sid: fc.option(fc.constantFrom("DenyInsecureTransport", "DenyInsecureTransport2", "AllowRead", "", "Stmt1")),
      effect: fc.constantFrom("Allow", "Deny"),
      principal: fc.constantFrom('"*"', '{"AWS":"*"}', '{"AWS":["*"]}', `{"AWS":"arn:aws:iam::${ACCT}:role/app"}`, '{"Service":"sns.amazonaws.com"}'), // prettier-ignore
      action: fc.constantFrom('"*"', '"sqs:SendMessage"', '["s3:GetObject","s3:PutObject"]', '"SNS:Publish"', '"s3:*"'),
      resource: fc.constantFrom('"*"', `"${QUEUE_ARN}"`, `["${TOPIC_ARN}"]`, `"arn:aws:s3:::${BUCKET}/*"`),
      condition: fc.option(
        fc.uniqueArray(
          fc.record({
            op: fc.constantFrom(...OPERATORS),
            entries: fc.uniqueArray(fc.tuple(fc.constantFrom(...CONDITION_KEYS), conditionValue), {
              minLength: 1,
              maxLength: 3,
              selector: ([k]) => k,
            }),
          }),
          { minLength: 1, maxLength: 2, selector: (c) => c.op },
        ),
      ),
      // One statement in five is an equally broad Deny already: both outcomes of the plan are exercised.
      equivalent: fc.nat({ max: 4 }).map((n) => n === 0),
      order: fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
      spellings: fc.array(spelling, { minLength: 1, maxLength: 4 }),
      gaps: fc.array(ws, { minLength: 5, maxLength: 5 }),
    })
    .map((g) => {
      let members: { key: string; value: string }[];
      let numberAt: string | undefined;
      if (g.equivalent && !opts.plantNumber) {
        // An equivalent Deny, spelled its own way: nothing must be added.
        const resource = JSON.stringify(opts.deny.resource);
        members = [
          { key: "Effect", value: '"Deny"' },
          { key: "Principal", value: g.principal === '"*"' ? '"*"' : '{"AWS":"*"}' },
          { key: "Action", value: `[${JSON.stringify(opts.deny.action)}]` },
          { key: "Resource", value: resource },
          { key: "Condition", value: tls },
        ];
      } else {
        members = [
          { key: "Effect", value: `"${g.effect}"` },
          { key: "Principal", value: g.principal },
          { key: "Action", value: g.action },
          { key: "Resource", value: g.resource },
        ];
        const conditions = [...(g.condition ?? [])];
        if (opts.plantNumber) {
          conditions.push({ op: "NumericEquals", entries: [["aws:MultiFactorAuthAge", opts.plantNumber]] });
          numberAt = "/Condition/NumericEquals/aws:MultiFactorAuthAge";
        }
        if (conditions.length > 0) {
          const ops = conditions.map((c) => ({
            key: c.op,
            value: objectText(
              c.entries.map(([key, value]) => ({ key, value })),
              g.spellings,
              g.gaps,
            ),
          }));
          members.push({ key: "Condition", value: objectText(ops, g.spellings, g.gaps) });
        }
      }
      if (g.sid !== null) members.push({ key: "Sid", value: JSON.stringify(g.sid) });
      // Any key order.
      const keyed = members.map((m, i) => ({ m, k: g.order[i] ?? 0 }));
      keyed.sort((a, b) => a.k - b.k);
      const raw = objectText(
        keyed.map((x) => x.m),
        g.spellings,
        g.gaps,
      );
      return { raw, numberAt, equivalent: g.equivalent && !opts.plantNumber };
    });
}

// ---- whole policies, and the one fault planted in some of them --------------------------------------------------

type Fault =
  | "none"
  | "duplicate-effect"
  | "duplicate-effect-escaped"
  | "duplicate-statement"
  | "case-variant-statement"
  | "case-variant-effect"
  | "inexact-number"
  | "statement-not-statements"
  | "statement-item-not-object"
  | "lone-surrogate"
  | "not-json"
  | "not-an-object";

interface Policy {
  text: string;
  statements: string[];
  fault: Fault;
  /** The refusal expected: reason (a pattern) and pointer. */
  refusal?: { reason: RegExp; pointer: string };
  anyEquivalent: boolean;
  /** Statement is one statement object, not a list. */
  single: boolean;
}

function policy(service: Service, fault: Fault): fc.Arbitrary<Policy> {
  return fc
    .record({
      count: fc.integer({ min: fault === "duplicate-effect" || fault === "case-variant-effect" || fault === "inexact-number" || fault === "statement-item-not-object" ? 1 : 0, max: 4 }), // prettier-ignore
      single: fc.boolean(),
      version: fc.option(fc.constantFrom('"2012-10-17"', '"2008-10-17"')),
      id: fc.option(fc.constantFrom('"__default_policy_ID"', '"Policy-ä-\\u00e9"')),
      gaps: fc.array(ws, { minLength: 5, maxLength: 5 }),
      spellings: fc.array(spelling, { minLength: 1, maxLength: 3 }),
      order: fc.nat({ max: 2 }),
      at: fc.nat(),
      number: inexactInteger,
      bad: fc.constantFrom("null", '"Allow"', "5", "true"),
      badItem: fc.constantFrom('[{"Effect":"Allow"}]', '"Deny"', "null", "[]"),
      notJson: fc.constantFrom("trailing-comma", "comment", "bom", "single-quotes", "nbsp"),
    })
    .chain((g) => {
      const target = g.count > 0 ? g.at % g.count : 0;
      const planted = fault === "inexact-number" ? g.number : undefined;
      return fc
        .tuple(
          ...Array.from({ length: g.count }, (_, i) =>
            statement({ deny: service.deny, ...(i === target && planted ? { plantNumber: planted } : {}) }),
          ),
        )
        .map((statements) => ({ g, target, statements: statements as Statement[] }));
    })
    .map(({ g, target, statements }) => {
      const raws = statements.map((s) => s.raw);
      let refusal: Policy["refusal"];
      // Faults that add a statement first: whether Statement is spelled as a single object depends on the count.
      if (fault === "duplicate-effect-escaped") raws.push('{"Effect":"Allow","\\u0045ffect":"Deny"}');
      if (fault === "lone-surrogate") raws.push('{"Sid":"\ud800"}');
      if (fault === "statement-item-not-object") raws.splice(target, 0, g.badItem);
      const single = g.single && raws.length === 1 && fault !== "statement-item-not-object";
      const at = (i: number) => (single ? "/Statement" : `/Statement/${i}`);
      switch (fault) {
        case "duplicate-effect":
          raws[target] = (raws[target] as string).replace(/^\{/, '{"Effect":"Deny","Effect":"Allow",');
          refusal = { reason: /appears twice/, pointer: `${at(target)}/Effect` };
          break;
        case "duplicate-effect-escaped":
          refusal = { reason: /appears twice/, pointer: `${at(raws.length - 1)}/Effect` };
          break;
        case "case-variant-effect":
          raws[target] = (raws[target] as string).replace(/^\{/, '{"effect":"Allow",');
          refusal = { reason: /differ only in case/, pointer: `${at(target)}/Effect` };
          break;
        case "inexact-number":
          refusal = { reason: /cannot be read exactly/, pointer: `${at(target)}${statements[target]?.numberAt ?? ""}` };
          break;
        case "statement-item-not-object":
          refusal = { reason: /a statement is/, pointer: `/Statement/${target}` };
          break;
        case "lone-surrogate":
          refusal = { reason: /not well-formed Unicode/, pointer: "" };
          break;
        default:
          break;
      }
      const statementsText = single ? (raws[0] as string) : arrayText(raws, g.gaps);
      const members: { key: string; value: string }[] = [];
      if (g.version !== null) members.push({ key: "Version", value: g.version });
      if (g.id !== null) members.push({ key: "Id", value: g.id });
      const statementMember = { key: "Statement", value: statementsText };
      members.splice(Math.min(g.order, members.length), 0, statementMember);
      switch (fault) {
        case "duplicate-statement":
          members.push({ key: "Statement", value: "[]" });
          refusal = { reason: /appears twice/, pointer: "/Statement" };
          break;
        case "case-variant-statement":
          members.push({ key: "statement", value: "[]" });
          refusal = { reason: /differ only in case/, pointer: "/statement" };
          break;
        case "statement-not-statements":
          statementMember.value = g.bad;
          refusal = { reason: /Statement is/, pointer: "/Statement" };
          break;
        default:
          break;
      }
      let text = objectText(members, g.spellings, g.gaps);
      if (fault === "not-json") {
        refusal = { reason: /not valid JSON/, pointer: "" };
        text = {
          "trailing-comma": text.replace(/\}\s*$/, ",}"),
          comment: `/* owner: platform */${text}`,
          bom: `\ufeff${text}`,
          "single-quotes": text.replace(/^\{/, "{'Owner':'platform',"),
          nbsp: `\u00a0${text}`,
        }[g.notJson];
      }
      if (fault === "not-an-object") {
        text = `[${text}]`;
        refusal = { reason: /not a JSON object/, pointer: "" };
      }
      return {
        text,
        statements: raws,
        fault,
        refusal,
        anyEquivalent: fault === "none" && statements.some((s) => s.equivalent),
        single,
      };
    });
}

const FAULTS: Fault[] = [
  "duplicate-effect",
  "duplicate-effect-escaped",
  "duplicate-statement",
  "case-variant-statement",
  "case-variant-effect",
  "inexact-number",
  "statement-not-statements",
  "statement-item-not-object",
  "lone-surrogate",
  "not-json",
  "not-an-object",
];

const serviceArb = fc.constantFrom(...SERVICES);

/** The original text's bytes, in order, with new text inserted at no more than two places. */
function onlyInsertedInto(original: string, merged: string): boolean {
  let p = 0;
  while (p < original.length && original[p] === merged[p]) p++;
  let s = 0;
  while (s < original.length - p && original[original.length - 1 - s] === merged[merged.length - 1 - s]) s++;
  const middle = original.slice(p, original.length - s);
  return merged.slice(p, merged.length - s).includes(middle);
}

function occurrences(haystack: string, needle: string): number {
  let n = 0;
  for (let i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) n++;
  return n;
}

describe(`TLS-only merge through the actions: adversarial policy texts (fast-check, ${RUNS} runs per property)`, () => {
  it(`writes only the owner's text plus one Deny, idempotently, undone exactly (${RUNS} runs)`, () => {
    const seen = { added: 0, unchanged: 0, single: 0 };
    fc.assert(
      fc.property(
        serviceArb.chain((service) => policy(service, "none").map((p) => ({ service, p }))),
        ({ service, p }) => {
          const action = requireAction(service.action);
          const before = service.resource(p.text);
          expect(before.document[service.action.startsWith("s3") ? "policyText" : "PolicyText"]).toBe(p.text);
          const calls = action.plan(before, {});
          if (calls.length === 0) {
            // Nothing to add: an equally broad Deny is there.
            seen.unchanged++;
            expect(p.anyEquivalent).toBe(true);
            expect(hasSecureTransportDeny(JSON.parse(p.text) as JsonObject, { sid: "x", ...service.deny })).toBe(true);
            return;
          }
          seen.added++;
          if (p.single) seen.single++;
          expect(calls).toHaveLength(1);
          const written = service.sent(calls[0] as AwsCall);
          // (a) it parses, strictly too.
          const parsed = JSON.parse(written) as JsonObject;
          expect(() => readPolicyText(written)).not.toThrow();
          // (b) every original statement, byte for byte; the original text only ever added to.
          for (const raw of p.statements) expect(written.includes(raw)).toBe(true);
          expect(onlyInsertedInto(p.text, written)).toBe(true);
          // (c) the Deny, exactly once, as the one statement more.
          const statements = ([] as unknown[]).concat(parsed.Statement);
          const deny = statements.at(-1) as JsonObject;
          expect(deny).toMatchObject({
            Effect: "Deny",
            Principal: "*",
            Action: service.deny.action,
            Resource: service.deny.resource,
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          });
          expect(statements).toHaveLength(p.statements.length + 1);
          expect(occurrences(written, JSON.stringify(deny))).toBe(1);
          expect(p.anyEquivalent).toBe(false);
          // (d) merging again adds nothing.
          const after = service.resource(written);
          expect(action.plan(after, {})).toEqual([]);
          expect(mergeSecureTransportDeny(written, { sid: "DenyInsecureTransport", ...service.deny })).toMatchObject({
            changed: false,
            text: written,
          });
          // (e) undo puts the original text back, exactly.
          const restore = action.restore(before, after);
          expect(restore).toHaveLength(1);
          expect(service.sent(restore[0] as AwsCall)).toBe(p.text);
          expect(action.restore(before, before)).toEqual([]);
        },
      ),
      { numRuns: RUNS, seed: 20261102 },
    );
    // Both outcomes, and the single-statement spelling, were exercised.
    expect(seen.added).toBeGreaterThan(RUNS / 4);
    expect(seen.unchanged).toBeGreaterThan(RUNS / 20);
    expect(seen.single).toBeGreaterThan(0);
  });

  it(`refuses, naming the reason and the JSON pointer, every text a JSON reader could misread (${RUNS} runs)`, () => {
    const refused = new Set<Fault>();
    fc.assert(
      fc.property(
        serviceArb.chain((service) =>
          fc.constantFrom(...FAULTS).chain((fault) => policy(service, fault).map((p) => ({ service, p }))),
        ),
        ({ service, p }) => {
          const action = requireAction(service.action);
          const resource = service.resource(p.text);
          let error: unknown;
          try {
            action.plan(resource, {});
          } catch (e) {
            error = e;
          }
          expect(error).toBeInstanceOf(PlanError);
          const message = (error as PlanError).message;
          expect(message).toMatch(p.refusal?.reason ?? /never/);
          const where = p.refusal?.pointer === "" ? "the policy itself" : p.refusal?.pointer;
          expect(message).toContain(`(at ${where})`);
          expect(message).toMatch(/refusing to rewrite it$/);
          refused.add(p.fault);
        },
      ),
      { numRuns: RUNS, seed: 20261103 },
    );
    expect([...refused].sort()).toEqual([...FAULTS].sort());
  });
});
