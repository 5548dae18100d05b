import fc from "fast-check";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { remediationProblems } from "../../lib/pack/checks";
import { loadPolicies, type LoadResult } from "../../lib/policy/load";

/*
 * Generated policies fed to what `guardrail validate` runs (loadPolicies with the pack checks): whatever the file
 * holds, the load returns (never throws), within a bound, and every problem names the file, a line and column, a
 * JSON pointer and a one-line message; a policy that loads evaluates hostile documents within a bound.
 *
 * The generators start from a real policy and replace or corrupt its parts: schemas built from JSON Schema's
 * keywords and junk ones, the SQS document's property names, built-in object names and random text; patterns from
 * a grammar that includes the catastrophic and the unsupported (nested quantifiers, lookaround, backreferences,
 * unbalanced brackets); and text-level damage (truncation, bytes that are not UTF-8, duplicated lines, deep nesting).
 */

const RUNS = { schemas: 300, text: 200 } as const;
/** A hang detector, not a timing: one load of one small file takes milliseconds. */
const BOUND_MS = 3_000;

const DIR = mkdtempSync(join(tmpdir(), "guardrail-policy-prop-"));
const FILE = join(DIR, "sqs-prop.json");
const BASE = JSON.parse(
  readFileSync(join(__dirname, "..", "..", "policies", "sqs", "sqs-queue-encrypted.json"), "utf8"),
) as Record<string, unknown>;
BASE.id = "sqs-prop";

const NAMES = [
  "QueueName", "QueueUrl", "VisibilityTimeout", "KmsMasterKeyId", "SqsManagedSseEnabled", "Policy", "tags",
  "RedrivePolicy", "constructor", "__proto__", "toString", "hasOwnProperty", "isPrototypeOf", "", "a/b~c",
]; // prettier-ignore
const PATTERN_PARTS = [
  "a", "(a+)+", "(a|a)*", "(?=a)", "(?!a)", "(?<=a)", "\\1", "(a)", "[a-z]", "[", ")", "\\p{L}", "\\u0041",
  "\\u{1F600}", ".*", "$", "^", "\\s", "\\-", "{2,}", "(?<n>x)", "\\k<n>", "*", "\\", "é",
]; // prettier-ignore

const patternArb = fc.array(fc.constantFrom(...PATTERN_PARTS), { maxLength: 6 }).map((parts) => parts.join(""));
const nameArb = fc.oneof(fc.constantFrom(...NAMES), fc.string({ maxLength: 8 }));
const scalarArb = fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null));

const { schema: schemaArb } = fc.letrec<{ schema: unknown }>((tie) => ({
  schema: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.boolean(),
    scalarArb,
    fc.record(
      {
        type: fc.constantFrom("string", "number", "integer", "object", "array", "boolean", "null", "nope"),
        pattern: fc.oneof(patternArb, scalarArb),
        const: scalarArb,
        enum: fc.array(scalarArb, { maxLength: 3 }),
        minLength: fc.oneof(fc.nat(), scalarArb),
        required: fc.array(nameArb, { maxLength: 3 }),
        properties: fc.dictionary(nameArb, tie("schema"), { maxKeys: 3 }),
        patternProperties: fc.dictionary(patternArb, tie("schema"), { maxKeys: 2 }),
        items: tie("schema"),
        not: tie("schema"),
        anyOf: fc.array(tie("schema"), { maxLength: 3 }),
        allOf: fc.array(tie("schema"), { maxLength: 2 }),
        $ref: fc.constantFrom("#", "#/$defs/a", "#/$defs/b", "#/properties", "http://example.com/x", "#/%"),
        $defs: fc.record({ a: tie("schema"), b: tie("schema") }, { requiredKeys: [] }),
        requird: scalarArb,
        description: fc.oneof(fc.string(), scalarArb),
      },
      { requiredKeys: [] },
    ),
  ),
}));

const messyPolicyArb = fc.record({
  applies: fc.option(schemaArb, { nil: undefined }),
  compliant: schemaArb,
  drop: fc.subarray(["title", "severity", "subject", "examples", "triggers", "remediation"]),
  extra: fc.dictionary(fc.string({ maxLength: 6 }), scalarArb, { maxKeys: 2 }),
  severity: fc.oneof(fc.constantFrom("low", "medium", "high", "critical"), scalarArb),
  action: fc.option(fc.constantFrom("sqs-enable-sse", "s3-versioning", "no-such-action", ""), { nil: undefined }),
});

/** Policies that are valid but for their patterns: these reach compilation and evaluation. */
const wellFormedPolicyArb = fc.record({
  applies: fc.constant(undefined),
  compliant: fc.record({
    properties: fc.record({
      QueueName: fc.record({ type: fc.constant("string"), pattern: patternArb }),
      tags: fc.record({
        properties: fc.record({ team: fc.record({ type: fc.constant("string"), pattern: patternArb }) }),
      }),
    }),
  }),
  drop: fc.constant([] as string[]),
  extra: fc.constant({}),
  severity: fc.constantFrom("low", "medium", "high", "critical"),
  action: fc.constant(undefined),
});

const policyArb = fc.oneof(messyPolicyArb, wellFormedPolicyArb);

type Of<A> = A extends fc.Arbitrary<infer T> ? T : never;

function policyText(p: Of<typeof policyArb>) {
  const policy: Record<string, unknown> = { ...structuredClone(BASE), ...p.extra, severity: p.severity };
  if (p.applies !== undefined) policy.applies = p.applies;
  policy.compliant = p.compliant;
  for (const k of p.drop) delete policy[k];
  if (p.action !== undefined) policy.remediation = { action: p.action, mode: "auto" };
  return JSON.stringify(policy, null, 2);
}

/** Damage done to the text of a valid policy. */
const damageArb = fc.oneof(
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("byte" as const), at: fc.nat(), byte: fc.integer({ min: 0x80, max: 0xff }) }),
  fc.record({ kind: fc.constant("duplicate-line" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("nest" as const), depth: fc.integer({ min: 1, max: 3_000 }) }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), text: fc.string({ maxLength: 4 }) }),
);

function damaged(text: string, d: Of<typeof damageArb>): Buffer {
  const bytes = Buffer.from(text);
  switch (d.kind) {
    case "truncate":
      return bytes.subarray(0, d.at % bytes.length);
    case "byte": {
      const at = d.at % bytes.length;
      return Buffer.concat([bytes.subarray(0, at), Buffer.from([d.byte]), bytes.subarray(at)]);
    }
    case "duplicate-line": {
      const lines = text.split("\n");
      const at = d.at % lines.length;
      lines.splice(at, 0, lines[at] as string);
      return Buffer.from(lines.join("\n"));
    }
    case "nest":
      return Buffer.from(
        text.replace('"compliant": {', `"compliant": ${'{"not":'.repeat(d.depth)}{}${"}".repeat(d.depth)}, "x": {`),
      );
    case "insert": {
      const at = d.at % text.length;
      return Buffer.from(text.slice(0, at) + d.text + text.slice(at));
    }
  }
}

function load(bytes: Buffer | string): LoadResult {
  writeFileSync(FILE, bytes);
  const started = Date.now();
  let result: LoadResult | undefined;
  expect(() => (result = loadPolicies([FILE], DIR, { check: remediationProblems }))).not.toThrow();
  expect(Date.now() - started).toBeLessThan(BOUND_MS);
  return result as LoadResult;
}

function expectNamed(result: LoadResult): void {
  for (const p of result.problems) {
    expect(p.file).toBe("sqs-prop.json");
    expect(p.line).toBeGreaterThanOrEqual(1);
    expect(p.column).toBeGreaterThanOrEqual(1);
    expect(typeof p.pointer).toBe("string");
    expect(p.pointer === "" || p.pointer.startsWith("/")).toBe(true);
    expect(p.message.length).toBeGreaterThan(0);
    expect(p.message).not.toMatch(/\n\s+at |Maximum call stack/);
  }
}

/** Documents a loaded policy must judge within the bound: values built to make backtracking patterns explode. */
const HOSTILE_DOCS: Record<string, unknown>[] = [
  { QueueUrl: "u", QueueName: `${"a".repeat(50_000)}!`, tags: { team: `${"a".repeat(50_000)}!` } },
  { QueueUrl: "u", QueueName: "a".repeat(50_000), VisibilityTimeout: 1e308, tags: {} },
  { QueueUrl: "u", QueueName: "", tags: { constructor: "x", __proto__: "y" } },
];

describe("validate on generated policies", () => {
  it(`schemas: never throws, never hangs, names every problem (${RUNS.schemas} runs)`, () => {
    let loaded = 0;
    fc.assert(
      fc.property(policyArb, (p) => {
        const result = load(policyText(p));
        expectNamed(result);
        for (const { applies, compliant } of result.policies) {
          loaded++;
          const started = Date.now();
          for (const doc of HOSTILE_DOCS) {
            if (applies) expect(typeof applies(doc)).toBe("boolean");
            expect(typeof compliant(doc)).toBe("boolean");
          }
          expect(Date.now() - started).toBeLessThan(BOUND_MS);
        }
        if (result.policies.length === 0) expect(result.problems.length).toBeGreaterThan(0);
      }),
      { numRuns: RUNS.schemas },
    );
    // The generators must reach both sides, or the property says little.
    expect(loaded).toBeGreaterThan(0);
  });

  it(`damaged text: never throws, never hangs, names every problem (${RUNS.text} runs)`, () => {
    const valid = JSON.stringify(BASE, null, 2);
    expect(load(valid).problems).toEqual([]);
    fc.assert(
      fc.property(damageArb, (d) => {
        const result = load(damaged(valid, d));
        expectNamed(result);
        if (result.policies.length === 0) expect(result.problems.length).toBeGreaterThan(0);
      }),
      { numRuns: RUNS.text },
    );
  });
});
