import {
  hasSecureTransportDeny,
  mergeSecureTransportDeny,
  PolicyMergeError,
  readPolicyText,
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

function randomPolicy(random: () => number): { input: string; statements: unknown[]; policy: JsonObject } {
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
  // The service returns the policy as text, compact or as its owner indented it.
  const input = JSON.stringify(policy, null, pick([undefined, 2, "\t"]));
  return { input, statements, policy };
}

/** The original text's bytes, in order, with new text inserted at no more than two places. */
function onlyInsertedInto(original: string, merged: string): boolean {
  let p = 0;
  while (p < original.length && original[p] === merged[p]) p++;
  let s = 0;
  while (s < original.length - p && original[original.length - 1 - s] === merged[merged.length - 1 - s]) s++;
  return merged.slice(p, merged.length - s).includes(original.slice(p, original.length - s));
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
        // The text sent is the text that came in, with the new statement inserted: nothing else changed.
        expect({ context, kept: onlyInsertedInto(input, result.text) }).toEqual({ context, kept: true });
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
        // Unchanged means unchanged: the very text that came in.
        expect(result.text).toBe(input);
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
    expect(mergeSecureTransportDeny(JSON.stringify(policy), SPEC).changed).toBe(false);
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
    const result = mergeSecureTransportDeny(JSON.stringify(policy), SPEC);
    expect(result.changed).toBe(true);
    expect((result.policy.Statement as unknown[])[0]).toEqual((policy.Statement as unknown[])[0]);
  });

  it("picks a free Sid when the requested one is taken", () => {
    const policy = deny({ Sid: "DenyInsecureTransport", Action: "s3:PutObject" });
    expect(mergeSecureTransportDeny(JSON.stringify(policy), SPEC).added?.Sid).toBe("DenyInsecureTransport2");
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

describe("the merge edits the policy's text: every byte it does not add is the owner's", () => {
  const DENY = JSON.stringify({
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: SPEC.resource,
    Condition: TLS,
  });

  it("keeps numbers a double cannot hold as written, spellings, escapes and indentation", () => {
    // 2^60 is held exactly by a double, but JSON.stringify writes it 1152921504606847000; "\/", "\u00e9", 1.50
    // and the single-value Action are spellings a parse-and-serialise would change.
    const text = [
      "{",
      '  "Version": "2012-10-17",',
      '  "Statement": [',
      "    {",
      '      "Sid": "AllowPartner\\u00e9",',
      '      "Effect": "Allow",',
      '      "Principal": {"AWS": "arn:aws:iam::444455556666:root"},',
      '      "Action": "s3:GetObject",',
      '      "Resource": "arn:aws:s3:::acme-orders-archive\\/*",',
      '      "Condition": {"NumericLessThan": {"s3:max-keys": 1152921504606846976, "s3:x": 1.50}}',
      "    }",
      "  ]",
      "}",
      "",
    ].join("\n");
    const result = mergeSecureTransportDeny(text, SPEC);
    expect(result.text).toBe(text.replace("    }\n  ]", `    },\n    ${DENY}\n  ]`));
  });

  it("turns a single Statement object into a list around its own text", () => {
    const text = '{"Statement": {"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}}';
    expect(mergeSecureTransportDeny(text, SPEC).text).toBe(
      `{"Statement": [{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"},${DENY}]}`,
    );
  });

  it("adds a Statement to a policy without one, and fills an empty list", () => {
    expect(mergeSecureTransportDeny('{"Version":"2012-10-17"}', SPEC).text).toBe(
      `{"Version":"2012-10-17","Statement":[${DENY}]}`,
    );
    expect(mergeSecureTransportDeny("{ }", SPEC).text).toBe(`{"Statement":[${DENY}] }`);
    expect(mergeSecureTransportDeny('{"Statement":[\n]}', SPEC).text).toBe(`{"Statement":[${DENY}\n]}`);
  });

  it("returns the very text when nothing is added", () => {
    const text = `{ "Statement" : [ ${DENY.replace('"s3:*"', '["S3:*"]')} ] }\n`;
    expect(mergeSecureTransportDeny(text, SPEC)).toMatchObject({ changed: false, text });
  });

  it.each<[string, string, RegExp, string]>([
    ["Effect twice", '{"Statement":[{"Effect":"Deny","Effect":"Allow"}]}', /"Effect" appears twice/, "/Statement/0/Effect"], // prettier-ignore
    ["Statement twice", '{"Statement":[],"Statement":[{"Effect":"Allow"}]}', /"Statement" appears twice/, "/Statement"], // prettier-ignore
    ["a key twice, once escaped", '{"Statement":[{"Effect":"Allow","\\u0045ffect":"Deny"}]}', /appears twice/, "/Statement/0/Effect"], // prettier-ignore
    ["a key twice deep in a condition", '{"Statement":{"Condition":{"StringEquals":{"a:b":"1","a:b":"2"}}}}', /appears twice/, "/Statement/Condition/StringEquals/a:b"], // prettier-ignore
    ["elements differing in case", '{"Statement":[],"statement":[]}', /differ only in case/, "/statement"],
    ["statement elements differing in case", '{"Statement":[{"Effect":"Allow","EFFECT":"Deny"}]}', /differ only in case/, "/Statement/0/EFFECT"], // prettier-ignore
    ["an integer beyond 2^53", '{"Statement":[{"Condition":{"NumericEquals":{"k":[9007199254740993]}}}]}', /9007199254740993 cannot be read exactly \(a double holds 9007199254740992\)/, "/Statement/0/Condition/NumericEquals/k/0"], // prettier-ignore
    ["a number beyond a double", '{"Statement":[],"Id":1e400}', /1e400 cannot be read exactly/, "/Id"],
    ["a fraction a double rounds", '{"Statement":[],"Id":0.30000000000000000001}', /a double holds 0.3\)/, "/Id"],
    ["a null Statement", '{"Statement":null}', /Statement is null/, "/Statement"],
    ["a string Statement", '{"Statement":"Allow"}', /Statement is a string/, "/Statement"],
    ["a list in the statements", '{"Statement":[{"Effect":"Allow"},[{"Effect":"Deny"}]]}', /a statement is a list/, "/Statement/1"], // prettier-ignore
    ["half a surrogate pair", '{"Statement":[],"Id":"\ud800"}', /not well-formed Unicode/, ""],
    ["a comment", '{"Statement":[] /* x */}', /not valid JSON/, ""],
    ["a trailing comma", '{"Statement":[{"Effect":"Allow"},]}', /not valid JSON/, ""],
    ["a byte order mark", '\ufeff{"Statement":[]}', /not valid JSON/, ""],
    ["a list", "[]", /not a JSON object/, ""],
    ["nothing", "", /not valid JSON/, ""],
  ])("refuses %s, naming the reason and where", (_name, text, reason, pointer) => {
    let error: unknown;
    try {
      mergeSecureTransportDeny(text, SPEC);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PolicyMergeError);
    expect((error as PolicyMergeError).message).toMatch(reason);
    expect((error as PolicyMergeError).pointer).toBe(pointer);
  });

  it("accepts what a double holds: 2^53, 2^60 written exactly, 0.1, 1.50, 1E+2, -0", () => {
    const text = '{"Statement":[],"Id":[9007199254740992,1152921504606846976,0.1,1.50,1E+2,-0]}';
    expect(() => readPolicyText(text)).not.toThrow();
  });

  it("refuses a policy nested deeper than it can read, without hanging", () => {
    const deep = `{"Statement":[{"Condition":{"k":{"v":${"[".repeat(200_000)}${"]".repeat(200_000)}}}}]}`;
    const started = Date.now();
    expect(() => mergeSecureTransportDeny(deep, SPEC)).toThrow(/nests too deep/);
    expect(Date.now() - started).toBeLessThan(10_000); // a hang bound, not a speed target
  });
});
