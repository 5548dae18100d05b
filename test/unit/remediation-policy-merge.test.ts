import {
  hasSecureTransportDeny,
  mergeSecureTransportDeny,
  PolicyMergeError,
  type DenyStatementSpec,
} from "../../lib/remediation/resource-policy";
import type { JsonObject } from "../../lib/util/json";

const BUCKET_ARN = "arn:aws:s3:::acme-orders-archive";
const SPEC: DenyStatementSpec = {
  sid: "DenyInsecureTransport",
  action: "s3:*",
  resource: [BUCKET_ARN, `${BUCKET_ARN}/*`],
};
const TLS = { Bool: { "aws:SecureTransport": "false" } };

/** mulberry32: a small seeded generator, so a failing case can be replayed from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomPolicy(random: () => number): { input: JsonObject | string; statements: unknown[]; policy: JsonObject } {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const maybe = (p = 0.5) => random() < p;
  const one = <T>(xs: readonly T[]): T | T[] => (maybe() ? pick(xs) : xs.filter(() => maybe(0.4)).concat([pick(xs)]));
  const statement = (): JsonObject => {
    const s: JsonObject = {};
    if (maybe(0.7))
      s.Sid = pick(["DenyInsecureTransport", "AllowRead", "", "Stmt1", "DenyInsecureTransport2", "DenyOldTls"]);
    s.Effect = pick(["Allow", "Deny"]);
    if (maybe(0.9)) {
      s.Principal = pick<unknown>([
        "*",
        { AWS: "*" },
        { AWS: ["*"] },
        { AWS: "arn:aws:iam::444455556666:role/x" },
        { Service: "logging.s3.amazonaws.com" },
      ]);
    } else s.NotPrincipal = { AWS: "arn:aws:iam::111122223333:root" };
    if (maybe(0.9)) s.Action = one(["s3:*", "*", "s3:GetObject", "s3:PutObject", "S3:*", "s3:Get*"]);
    else s.NotAction = one(["s3:GetObject", "s3:ListBucket"]);
    s.Resource = one([BUCKET_ARN, `${BUCKET_ARN}/*`, "*", "arn:aws:s3:::acme-*", "arn:aws:s3:::other/*"]);
    const conditions = pick<unknown>([
      undefined,
      TLS,
      { Bool: { "aws:SecureTransport": false } },
      { Bool: { "aws:SecureTransport": ["false"] } },
      { ...TLS, StringNotEquals: { "aws:PrincipalAccount": "111122223333" } },
      { NumericLessThan: { "s3:TlsVersion": "1.2" } },
      { StringEquals: { "aws:SourceVpce": "vpce-1a2b3c4d" } },
    ]);
    if (conditions !== undefined) s.Condition = conditions;
    return s;
  };
  const count = Math.floor(random() * 7);
  const statements = Array.from({ length: count }, statement);
  const policy: JsonObject = {};
  if (maybe(0.8)) policy.Version = pick(["2012-10-17", "2008-10-17"]);
  if (maybe(0.3)) policy.Id = "PolicyForBucket";
  // IAM allows a single statement object; keep it so when there is exactly one, half of the time.
  policy.Statement = count === 1 && maybe() ? statements[0] : statements;
  const asText = maybe();
  const input = asText ? JSON.stringify(policy, null, maybe() ? 2 : undefined) : policy;
  return { input, statements, policy };
}

describe("merging the TLS-only Deny never widens or removes anything (property)", () => {
  const RUNS = 2000;

  it(`holds for ${RUNS} random existing policies`, () => {
    let added = 0;
    for (let seed = 1; seed <= RUNS; seed++) {
      const random = rng(seed);
      const { input, statements, policy } = randomPolicy(random);
      const result = mergeSecureTransportDeny(input, SPEC);
      // An unchanged policy keeps its single-statement spelling; read both as a list.
      const merged = ([] as unknown[]).concat(result.policy.Statement);
      const context = `seed ${seed}`;

      // Every original statement is there, unchanged, in its place.
      expect({ context, kept: merged.slice(0, statements.length) }).toEqual({ context, kept: statements });
      // Every other top-level member too.
      for (const [k, v] of Object.entries(policy)) if (k !== "Statement") expect(result.policy[k]).toEqual(v);

      if (result.changed) {
        added++;
        // The text sent embeds each original statement byte-for-byte (as JSON), followed by the new one.
        expect(result.text).toBe(JSON.stringify(result.policy));
        for (const st of statements)
          expect({ context, found: result.text.includes(JSON.stringify(st)) }).toEqual({ context, found: true });
        // Exactly one statement more, and it is a Deny with the TLS condition: nothing is ever allowed.
        expect(merged).toHaveLength(statements.length + 1);
        const extra = merged[statements.length] as JsonObject;
        expect(extra).toEqual(result.added);
        expect(extra.Effect).toBe("Deny");
        expect(extra.Condition).toEqual(TLS);
        expect(merged.filter((s) => (s as JsonObject).Effect === "Allow")).toHaveLength(
          statements.filter((s) => (s as JsonObject).Effect === "Allow").length,
        );
        // Its Sid is new.
        expect(statements.map((s) => (s as JsonObject).Sid)).not.toContain(extra.Sid);
        expect(hasSecureTransportDeny(policy, SPEC)).toBe(false);
      } else {
        expect(merged).toEqual(statements);
        expect(hasSecureTransportDeny(policy, SPEC)).toBe(true);
        // Unchanged means unchanged: the very text (or object) that came in.
        expect(result.text).toBe(typeof input === "string" ? input : JSON.stringify(input));
      }
      // Merging again changes nothing.
      expect(mergeSecureTransportDeny(result.text, SPEC).changed).toBe(false);
      expect(hasSecureTransportDeny(result.policy, SPEC)).toBe(true);
    }
    // Both branches were exercised.
    expect(added).toBeGreaterThan(RUNS / 4);
    expect(added).toBeLessThan(RUNS);
  });
});

describe("what counts as an equivalent statement", () => {
  const deny = (extra: JsonObject): JsonObject => ({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [BUCKET_ARN, `${BUCKET_ARN}/*`],
        Condition: TLS,
        ...extra,
      },
    ],
  });

  it.each<[string, JsonObject]>([
    ["the same statement", deny({})],
    ["Action * and Resource *", deny({ Action: "*", Resource: "*" })],
    [
      'Principal {"AWS": "*"} and a boolean false',
      deny({ Principal: { AWS: "*" }, Condition: { Bool: { "aws:SecureTransport": false } } }),
    ],
    ["a wildcard resource covering both", deny({ Resource: "arn:aws:s3:::acme-orders-*" })],
  ])("%s is equivalent: nothing is added", (_name, policy) => {
    expect(mergeSecureTransportDeny(policy, SPEC).changed).toBe(false);
  });

  it.each<[string, JsonObject]>([
    ["a Deny for one role", deny({ Principal: { AWS: "arn:aws:iam::111122223333:role/app" } })],
    ["a Deny of one action", deny({ Action: "s3:PutObject" })],
    ["a Deny of the objects only", deny({ Resource: `${BUCKET_ARN}/*` })],
    ["a Deny with an extra condition", deny({ Condition: { ...TLS, StringEquals: { "aws:SourceVpce": "vpce-1" } } })],
    [
      "a Deny with NotPrincipal",
      deny({ Principal: undefined, NotPrincipal: { AWS: "arn:aws:iam::111122223333:root" } }),
    ],
    ["an Allow with the condition", deny({ Effect: "Allow" })],
  ])("%s is narrower: the full Deny is added beside it", (_name, policy) => {
    const result = mergeSecureTransportDeny(policy, SPEC);
    expect(result.changed).toBe(true);
    expect((result.policy.Statement as unknown[])[0]).toEqual((policy.Statement as unknown[])[0]);
  });

  it("picks a free Sid when the requested one is taken", () => {
    const policy = deny({ Sid: "DenyInsecureTransport", Action: "s3:PutObject" });
    expect(mergeSecureTransportDeny(policy, SPEC).added?.Sid).toBe("DenyInsecureTransport2");
  });

  it("creates a policy holding only the Deny when there is none", () => {
    expect(mergeSecureTransportDeny(undefined, SPEC).policy).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: SPEC.resource,
          Condition: TLS,
        },
      ],
    });
  });

  it("refuses text that is not a JSON policy", () => {
    expect(() => mergeSecureTransportDeny("{nope", SPEC)).toThrow(PolicyMergeError);
    expect(() => mergeSecureTransportDeny("[]", SPEC)).toThrow(PolicyMergeError);
  });
});
