import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { Engine, type AnyEvaluation } from "../../lib/engine/evaluate";
import { EXEMPT_TAG, Exemptions, exemptionGlob, type ExemptionEntry } from "../../lib/engine/exemptions";
import { Baseline, baselineFileSchema } from "../../lib/engine/baseline";
import { createMetaAjv } from "../../lib/policy/ajv";
import { loadPolicies } from "../../lib/policy/load";
import { loadPack } from "../../lib/pack";
import { createReportWriter } from "../../lib/report";
import type { ReportFormat, ScanSummary } from "../../lib/report/types";
import { scanConfigFiles } from "../../lib/scan";
import { baselineWriter } from "../../lib/scan/baseline";
import { scanTemplateFiles } from "../../lib/scan/template";
import { CollectingWriter } from "../helpers/collect";
import { sqsSnapshot } from "../helpers/sqs-snapshot";

/*
 * Inline template suppressions (resource `Metadata`, AWS CloudFormation User Guide "Metadata attribute") and
 * baselines: both EXEMPT with their reason, never COMPLIANT, in every path and format.
 */

const policies = loadPolicies().policies;
const now = new Date("2026-12-01T00:00:00Z");

function tmp(): string {
  return mkdtempSync(join(tmpdir(), "guardrail-sup-"));
}

const SUPPRESSED = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Metadata:
      guardrail:
        suppress:
          - policy: sqs-queue-encrypted
            justification: Legacy consumer cannot read SSE queues until it is replaced
          - policy: sqs-queue-dead-letter
            justification: Messages are replayed from the source system, never retried here
            expires: 2026-06-30
    Properties:
      QueueName: jobs
      SqsManagedSseEnabled: false
`;

async function scanTemplate(file: string, engine = new Engine(policies, new Exemptions([], now))) {
  const writer = new CollectingWriter();
  const summary = await scanTemplateFiles({ inputs: [file], engine, writer });
  return { summary, evaluations: writer.evaluations as AnyEvaluation[] };
}

const verdict = (es: AnyEvaluation[], policy: string, id = "Queue") =>
  es.find((e) => e.policyId === policy && e.resourceId === id);

describe("inline suppressions in templates", () => {
  const dir = tmp();
  const file = join(dir, "stack.yaml");
  writeFileSync(file, SUPPRESSED);

  test("a suppression makes the violation EXEMPT (source template) with its justification; an expired one does not", async () => {
    const { evaluations, summary } = await scanTemplate(file);
    const enc = verdict(evaluations, "sqs-queue-encrypted");
    expect(enc).toMatchObject({
      compliance: "EXEMPT",
      exemption: { source: "template", active: true, justification: expect.stringContaining("Legacy consumer") },
    });
    expect(enc?.annotation).toMatch(
      /^exempt \(suppressed in the template: Legacy consumer .*\): server-side encryption is off/,
    );
    const dlq = verdict(evaluations, "sqs-queue-dead-letter");
    expect(dlq).toMatchObject({ compliance: "NON_COMPLIANT", exemption: { source: "template", active: false } });
    expect(dlq?.annotation).toContain("[suppression expired 2026-06-30]");
    expect(verdict(evaluations, "sqs-queue-tls-only")?.compliance).toBe("NON_COMPLIANT");
    expect(summary.problems).toEqual([]);
  });

  test("a compliant resource stays COMPLIANT whatever it suppresses", async () => {
    const f = join(dir, "compliant.yaml");
    writeFileSync(f, SUPPRESSED.replace("SqsManagedSseEnabled: false", "SqsManagedSseEnabled: true"));
    expect(verdict((await scanTemplate(f)).evaluations, "sqs-queue-encrypted")?.compliance).toBe("COMPLIANT");
  });

  test("JSON templates too, located by line", async () => {
    const f = join(dir, "stack.json");
    writeFileSync(
      f,
      JSON.stringify(
        {
          Resources: {
            Queue: {
              Type: "AWS::SQS::Queue",
              Metadata: { guardrail: { suppress: [{ policy: "sqs-queue-encrypted", justification: "short" }] } },
              Properties: { QueueName: "jobs", SqsManagedSseEnabled: false },
            },
          },
        },
        null,
        2,
      ),
    );
    const { evaluations, summary } = await scanTemplate(f);
    expect(verdict(evaluations, "sqs-queue-encrypted")?.compliance).toBe("NON_COMPLIANT");
    expect(summary.problems).toEqual([
      {
        level: "error",
        file: `${f}:10:32`,
        pointer: "/Resources/Queue/Metadata/guardrail/suppress/0/justification",
        message: "justification is required: why this violation is accepted (at least 10 characters)",
      },
    ]);
  });

  test.each([
    [
      "not a mapping",
      "guardrail: skip-all",
      "/Resources/Queue/Metadata/guardrail",
      /must be a mapping with "suppress"/,
    ],
    ["no list", "guardrail:\n        skip: [x]", "/Resources/Queue/Metadata/guardrail/skip", /unknown property "skip"/],
    [
      "Checkov's shape",
      "guardrail:\n        suppress:\n          - id: sqs-queue-encrypted\n            comment: accepted by the team",
      "/Resources/Queue/Metadata/guardrail/suppress/0/id",
      /unknown property "id"/,
    ],
    [
      "no justification",
      "guardrail:\n        suppress:\n          - policy: sqs-queue-encrypted",
      "/Resources/Queue/Metadata/guardrail/suppress/0",
      /justification is required/,
    ],
    [
      "a bad date",
      "guardrail:\n        suppress:\n          - policy: sqs-queue-encrypted\n            justification: accepted until the migration\n            expires: 2027-02-30",
      "/Resources/Queue/Metadata/guardrail/suppress/0/expires",
      /expires must be a date, YYYY-MM-DD \(is "2027-02-30"\)/,
    ],
  ])(
    "a malformed suppression (%s) is an input error at its place and suppresses nothing",
    async (_, block, pointer, message) => {
      const f = join(dir, `bad-${pointer.length}-${block.length}.yaml`);
      writeFileSync(
        f,
        `Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n    Metadata:\n      ${block}\n    Properties:\n      SqsManagedSseEnabled: false\n`,
      );
      const { evaluations, summary } = await scanTemplate(f);
      expect(verdict(evaluations, "sqs-queue-encrypted")?.compliance).toBe("NON_COMPLIANT");
      const errors = summary.problems.filter((p) => p.level === "error");
      expect(errors.length).toBeGreaterThan(0);
      expect(errors[0]?.pointer).toBe(pointer);
      expect(errors[0]?.file).toMatch(new RegExp(`^${f.replace(/[.\\]/g, "\\$&")}:\\d+:\\d+$`));
      expect(errors.map((p) => p.message).join("\n")).toMatch(message);
    },
  );

  test("a suppression naming no policy of the scan is a warning naming it", async () => {
    const f = join(dir, "typo.yaml");
    writeFileSync(f, SUPPRESSED.replace("policy: sqs-queue-encrypted", "policy: sqs-queue-encrypt"));
    const { summary, evaluations } = await scanTemplate(f);
    expect(verdict(evaluations, "sqs-queue-encrypted")?.compliance).toBe("NON_COMPLIANT");
    expect(summary.problems).toEqual([
      {
        level: "warning",
        file: `${f}:8:21`,
        pointer: "/Resources/Queue/Metadata/guardrail/suppress/0/policy",
        message: 'Queue suppresses "sqs-queue-encrypt", which is not a policy of this scan (see guardrail explain)',
      },
    ]);
  });

  async function render(format: ReportFormat): Promise<string> {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on("data", (c: Buffer) => chunks.push(c));
    const writer = createReportWriter(format, { out, color: false });
    await scanTemplateFiles({ inputs: [file], engine: new Engine(policies, new Exemptions([], now)), writer });
    return Buffer.concat(chunks).toString("utf8");
  }

  test("SARIF reports the suppression in source, with its justification", async () => {
    const sarif = JSON.parse(await render("sarif")) as {
      runs: { results: { ruleId: string; suppressions?: unknown[] }[] }[];
    };
    const r = sarif.runs[0]?.results.find((x) => x.ruleId === "sqs-queue-encrypted");
    expect(r?.suppressions).toEqual([
      {
        kind: "inSource",
        status: "accepted",
        justification: "Legacy consumer cannot read SSE queues until it is replaced",
      },
    ]);
    // An unsuppressed violation has none.
    expect(sarif.runs[0]?.results.find((x) => x.ruleId === "sqs-queue-tls-only")?.suppressions).toBeUndefined();
  });

  test.each(["junit", "table", "html", "csv", "json"] as const)(
    "%s shows it as suppressed, not compliant",
    async (format) => {
      const text = await render(format);
      if (format === "junit")
        expect(text).toMatch(/<skipped message="exempt \(suppressed in the template: Legacy consumer/);
      if (format === "table") expect(text).toMatch(/Queue \(jobs\).*\[exempt\]/);
      if (format === "table") expect(text).toContain("exempt (suppressed in the template: Legacy consumer");
      if (format === "html") expect(text).toMatch(/<td>template<\/td><td><\/td><td><\/td><td>Legacy consumer/);
      if (format === "csv") expect(text).toMatch(/sqs-queue-encrypted,\w+,EXEMPT,.*template/);
      if (format === "json") {
        const results = (JSON.parse(text) as { results: AnyEvaluation[] }).results;
        expect(results.find((e) => e.policyId === "sqs-queue-encrypted")).toMatchObject({
          compliance: "EXEMPT",
          exemption: { source: "template" },
        });
      }
    },
  );
});

describe("baseline", () => {
  test("--create-baseline writes the violations; --baseline makes them EXEMPT, new ones stay violations, gone ones are named", async () => {
    const dir = tmp();
    mkdirSync(join(dir, "infra"));
    const template = join(dir, "infra", "app.yaml");
    writeFileSync(template, SUPPRESSED);
    const snap = join(dir, "snap.json");
    writeFileSync(snap, sqsSnapshot(["orders", "legacy"]));
    const file = join(dir, "guardrail.baseline.json");

    // Create: from a template scan and a snapshot scan into one file each.
    const created = baselineWriter(new CollectingWriter(), { create: file });
    await scanTemplateFiles({
      inputs: [template],
      engine: new Engine(policies, new Exemptions([], now)),
      writer: created,
    });
    const data = JSON.parse(readFileSync(file, "utf8")) as { version: number; violations: Record<string, string>[] };
    expect(data.version).toBe(1);
    expect(createMetaAjv().validate(baselineFileSchema as object, data)).toBe(true);
    // The suppressed violation is not in it (the template accepts it already); the others are, by file and logical id.
    expect(data.violations).toEqual([
      { policy: "sqs-queue-dead-letter", file: "infra/app.yaml", logicalId: "Queue" },
      { policy: "sqs-queue-tls-only", file: "infra/app.yaml", logicalId: "Queue" },
    ]);
    const snapFile = join(dir, "snap.baseline.json");
    const w = baselineWriter(new CollectingWriter(), { create: snapFile });
    await scanConfigFiles({ inputs: [snap], engine: new Engine(policies, new Exemptions([], now)), writer: w });
    const snapEntries = (JSON.parse(readFileSync(snapFile, "utf8")) as { violations: Record<string, string>[] })
      .violations;
    expect(snapEntries).toContainEqual({
      policy: "sqs-queue-encrypted",
      arn: "arn:aws:sqs:eu-west-1:111122223333:legacy",
    });

    // Use: through the pack spec, as scan workers build their engine.
    const pack = loadPack({ baselineFile: file, now: now.toISOString() });
    expect(pack.problems).toEqual([]);
    const engine = pack.engine;
    // The template grows a queue and renames nothing: the old violations are EXEMPT, the new queue's are not.
    writeFileSync(
      template,
      SUPPRESSED + "  Other:\n    Type: AWS::SQS::Queue\n    Properties:\n      SqsManagedSseEnabled: true\n",
    );
    const collect = new CollectingWriter();
    const using = baselineWriter(collect, { baseline: engine.exemptions.baseline as Baseline });
    // From another working directory: the baseline's file names are relative to the baseline itself.
    const cwd = process.cwd();
    process.chdir(tmpdir());
    try {
      await scanTemplateFiles({ inputs: [template], engine, writer: using });
    } finally {
      process.chdir(cwd);
    }
    const es = collect.evaluations as AnyEvaluation[];
    expect(verdict(es, "sqs-queue-tls-only")).toMatchObject({
      compliance: "EXEMPT",
      annotation: expect.stringMatching(/^exempt \(in the baseline\): /),
      exemption: { source: "baseline", active: true },
    });
    expect(verdict(es, "sqs-queue-dead-letter")?.compliance).toBe("EXEMPT");
    expect(verdict(es, "sqs-queue-tls-only", "Other")?.compliance).toBe("NON_COMPLIANT");
    expect(collect.summary?.problems).toEqual([]);

    // Fixed, and renamed: the fixed one's entry is reported gone; the renamed resource's violation is new.
    writeFileSync(template, SUPPRESSED.replace("  Queue:\n", "  Jobs:\n") + "\n");
    const again = new CollectingWriter();
    await scanTemplateFiles({
      inputs: [template],
      engine,
      writer: baselineWriter(again, { baseline: engine.exemptions.baseline as Baseline }),
    });
    expect(verdict(again.evaluations as AnyEvaluation[], "sqs-queue-tls-only", "Jobs")?.compliance).toBe(
      "NON_COMPLIANT",
    );
    expect(again.summary?.problems).toEqual([
      {
        level: "warning",
        file,
        message:
          "2 baseline entries no longer found (first: sqs-queue-dead-letter on infra/app.yaml#Queue); refresh with --create-baseline",
      },
    ]);
  });

  test("snapshot scans match by ARN", async () => {
    const dir = tmp();
    const file = join(dir, "b.json");
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        violations: [{ policy: "sqs-queue-encrypted", arn: "arn:aws:sqs:eu-west-1:111122223333:legacy" }],
      }),
    );
    const snap = join(dir, "snap.json");
    writeFileSync(snap, sqsSnapshot(["orders", "legacy"]));
    const { engine } = loadPack({ baselineFile: file });
    const writer = new CollectingWriter();
    await scanConfigFiles({ inputs: [snap], engine, writer });
    const enc = writer.evaluations.filter((e) => e.policyId === "sqs-queue-encrypted");
    expect(enc.map((e) => [e.resourceName, e.compliance, e.exemption?.source])).toEqual([
      ["orders", "NON_COMPLIANT", undefined],
      ["legacy", "EXEMPT", "baseline"],
    ]);
  });

  test.each([
    ["not JSON", "{ version: 1 }", "", /./],
    ["another version", '{"version": 2, "violations": []}', "/version", /version must be 1 .*--create-baseline/],
    [
      "an entry of no known shape",
      '{"version": 1, "violations": [{"policy": "x", "resource": "y"}]}',
      "/violations/0",
      /an entry is \{policy, arn\}/,
    ],
    ["no violations", '{"version": 1}', "", /violations/],
  ])("a malformed baseline (%s) is a problem naming the file, line and pointer", (_, text, pointer, message) => {
    const file = join(tmp(), "baseline.json");
    writeFileSync(file, text);
    const { problems } = Baseline.load(file);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file, pointer, message: expect.stringMatching(message) });
    expect(problems[0]?.line).toBeGreaterThan(0);
  });

  test("a missing baseline file is a pack error", () => {
    expect(() => loadPack({ baselineFile: join(tmp(), "nope.json") })).toThrow(/baseline: .*nope\.json: no such file/);
  });
});

describe("baseline writer summary", () => {
  test("entries of policies the scan does not run are not reported gone", async () => {
    const dir = tmp();
    const file = join(dir, "b.json");
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        violations: [{ policy: "not-in-this-scan", arn: "arn:aws:sqs:eu-west-1:111122223333:x" }],
      }),
    );
    const { baseline } = Baseline.load(file);
    const collect = new CollectingWriter();
    const w = baselineWriter(collect, { baseline });
    await w.finish({ policies: [{ id: "sqs-queue-encrypted" }], problems: [] } as unknown as ScanSummary);
    expect(collect.summary?.problems).toEqual([]);
  });
});

describe("exemption resource globs", () => {
  const arn = "arn:aws:sqs:eu-west-1:111122223333:legacy-feed";
  const matches = (glob: string, value: string) => exemptionGlob(glob).test(value);

  test("* stays within one ARN field and one path segment; ** crosses them; ? is one character", () => {
    expect(matches("arn:aws:sqs:*:111122223333:legacy-*", arn)).toBe(true);
    expect(matches("arn:aws:sqs:*:legacy-*", arn)).toBe(false); // * does not eat the account field
    expect(matches("arn:aws:sqs:**:legacy-*", arn)).toBe(true);
    expect(matches("arn:aws:s3:::logs-bucket/*", "arn:aws:s3:::logs-bucket/a.gz")).toBe(true);
    expect(matches("arn:aws:s3:::logs-bucket/*", "arn:aws:s3:::logs-bucket/2026/a.gz")).toBe(false);
    expect(matches("arn:aws:s3:::logs-bucket/**", "arn:aws:s3:::logs-bucket/2026/a.gz")).toBe(true);
    expect(matches("/aws/lambda/*", "/aws/lambda/orders")).toBe(true);
    expect(matches("/aws/lambda/*", "/aws/lambda/orders/x")).toBe(false);
    expect(matches("*LogGroup", "OrdersLogGroup")).toBe(true);
    expect(matches("queue-?", "queue-1")).toBe(true);
    expect(matches("queue-?", "queue-/")).toBe(false);
    expect(matches("*", arn)).toBe(true); // alone: every resource
    // Everything else is literal: regular-expression syntax has no meaning in a glob.
    expect(matches("a.b+(c)|[d]{1}^$\\", "a.b+(c)|[d]{1}^$\\")).toBe(true);
    expect(matches("a.b", "axb")).toBe(false);
  });

  test("linear time: an adversarial glob against a long name answers at once", () => {
    const glob = "*a".repeat(40) + "*b";
    const name = "a".repeat(5000);
    const started = process.hrtime.bigint();
    expect(matches(glob, name)).toBe(false);
    expect(matches("**a".repeat(40) + "**b", name)).toBe(false);
    // A generous bound for a hang test: a backtracking matcher takes minutes here.
    expect(Number(process.hrtime.bigint() - started) / 1e9).toBeLessThan(10);
  });

  const entry = (resource: string): ExemptionEntry => ({
    policy: "sqs-queue-encrypted",
    resource,
    owner: "payments-team@example.com",
    justification: "Vendor consumer cannot read SSE queues until Q1",
    expires: "2027-01-31",
  });
  const queue = {
    type: "AWS::SQS::Queue",
    id: "https://sqs.eu-west-1.amazonaws.com/111122223333/legacy-feed",
    name: "legacy-feed",
    arn,
    accountId: "111122223333",
    region: "eu-west-1",
    tags: {},
    deleted: false,
    document: {},
  };

  test("an entry that relied on * crossing : or / is named in the violation, not silently dropped", () => {
    const m = new Exemptions([entry("arn:aws:sqs:*:legacy-*")], now).match("sqs-queue-encrypted", queue);
    expect(m).toMatchObject({ source: "file", active: false });
    expect(m?.invalid).toBe('resource "arn:aws:sqs:*:legacy-*": * stops at ":" and "/"; write ** to cross them');
    expect(new Exemptions([entry("arn:aws:sqs:**:legacy-*")], now).match("sqs-queue-encrypted", queue)).toMatchObject({
      active: true,
    });
    // A tag still wins; a non-matching entry says nothing.
    expect(new Exemptions([entry("other-*")], now).match("sqs-queue-encrypted", queue)).toBeUndefined();
    const tagged = { ...queue, tags: { [EXEMPT_TAG]: "sqs-queue-encrypted" } };
    expect(new Exemptions([entry("arn:aws:sqs:*:legacy-*")], now).match("sqs-queue-encrypted", tagged)).toMatchObject({
      source: "tag",
      active: true,
    });
  });
});

test("schemas/baseline.schema.json is the schema the CLI checks baselines with", () => {
  const shipped = JSON.parse(
    readFileSync(join(__dirname, "..", "..", "schemas", "baseline.schema.json"), "utf8"),
  ) as unknown;
  expect(shipped).toEqual(baselineFileSchema);
});
