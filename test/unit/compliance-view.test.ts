import { PassThrough } from "node:stream";
import type { Compliance, Evaluation } from "../../lib/engine/evaluate";
import type { Framework } from "../../lib/policy/frameworks";
import { complianceView, totalsText } from "../../lib/report/compliance";
import { createHtmlWriter } from "../../lib/report/html";
import { createJsonWriter } from "../../lib/report/json";
import { MD_MAX_FINDINGS, createMarkdownWriter, mdText } from "../../lib/report/markdown";
import type { PolicyInfo, ReportOptions, ReportWriter, ScanSummary, VerdictCounts } from "../../lib/report/types";

/*
 * The compliance view (per framework: controls passed, failed, not evaluated, not covered) is derived from the scan
 * summary alone, and the md, json and html reports show it.
 */

const FW: Framework = {
  id: "demo-framework-1.0",
  name: "Demo Framework",
  version: "1.0",
  source: "https://example.com/demo",
  file: "frameworks/demo-framework-1.0.json",
  controls: [
    { id: "C.1", title: "Queues are encrypted" },
    { id: "C.2", title: "Buckets block public access" },
    { id: "C.3", title: "Topics are encrypted" },
    { id: "C.4", title: "Tables have backups" },
    { id: "C.5", title: "Functions are traced" },
    { id: "C.6", title: "Nobody maps this" },
  ],
};
const KNOWN = new Map([[FW.id, FW]]);

const policy = (id: string, controls: string[], fw = FW.id): PolicyInfo => ({
  id,
  title: id,
  severity: "high",
  subject: ["AWS::SQS::Queue"],
  frameworks: { [fw]: controls },
  file: `policies/${id}.json`,
});

const counts = (n: Partial<VerdictCounts>): VerdictCounts => ({
  COMPLIANT: 0,
  NON_COMPLIANT: 0,
  EXEMPT: 0,
  NOT_APPLICABLE: 0,
  ...n,
});

function summary(policies: PolicyInfo[], byPolicy: Record<string, VerdictCounts>): ScanSummary {
  const nc = Object.values(byPolicy).reduce((n, c) => n + c.NON_COMPLIANT, 0);
  return {
    tool: { name: "guardrail", version: "test" },
    startedAt: "2026-11-22T10:00:00.000Z",
    durationMs: 5,
    inputs: ["stack.yaml"],
    policies,
    files: { read: 1, failed: 0 },
    items: { read: 3, evaluated: 3, deleted: 0, notCovered: {} },
    evaluations: 10,
    byCompliance: { COMPLIANT: 4, NON_COMPLIANT: nc, EXEMPT: 1, NOT_APPLICABLE: 1, UNKNOWN: 1 },
    violationsBySeverity: { critical: 0, high: nc, medium: 0, low: 0, info: 0 },
    byPolicy,
    violationsByAccount: {},
    expiredExemptions: 0,
    problems: [],
  };
}

const SUMMARY = summary(
  [
    policy("queue-encrypted", ["C.1"]),
    policy("queue-encrypted-kms", ["C.1"]),
    policy("bucket-blocked", ["C.2"]),
    policy("topic-encrypted", ["C.3"]),
    policy("table-backups", ["C.4"]),
    policy("function-traced", ["C.5", "C.99"]),
    policy("other-framework", ["X-1"], "internal-standard"),
  ],
  {
    // C.1: one policy passes, the other fails: the control fails.
    "queue-encrypted": counts({ COMPLIANT: 2 }),
    "queue-encrypted-kms": counts({ COMPLIANT: 1, NON_COMPLIANT: 2 }),
    // C.2: compliant and exempt only: passed.
    "bucket-blocked": counts({ COMPLIANT: 1, EXEMPT: 1 }),
    // C.3: only NOT_APPLICABLE: nothing judged.
    "topic-encrypted": counts({ NOT_APPLICABLE: 1 }),
    // C.4: no evaluations at all.
    // C.5: UNKNOWN before deploy, no failure.
    "function-traced": counts({ COMPLIANT: 1, UNKNOWN: 1 }),
  },
);

describe("complianceView", () => {
  const views = complianceView(SUMMARY, KNOWN);
  const statusOf = (fw: string, id: string) =>
    views.find((v) => v.id === fw)?.controls.find((c) => c.id === id)?.status;

  it("a control fails when any of its policies found a violation, passes when all were compliant or exempt", () => {
    expect(statusOf(FW.id, "C.1")).toBe("failed");
    expect(views[0]?.controls.find((c) => c.id === "C.1")).toMatchObject({
      policies: ["queue-encrypted", "queue-encrypted-kms"],
      failed: 2,
    });
    expect(statusOf(FW.id, "C.2")).toBe("passed");
  });

  it("not evaluated when its policies judged nothing; unknown when a verdict waits for deploy", () => {
    expect(statusOf(FW.id, "C.3")).toBe("not-evaluated");
    expect(statusOf(FW.id, "C.4")).toBe("not-evaluated");
    expect(statusOf(FW.id, "C.5")).toBe("unknown");
  });

  it("not covered when no policy maps it; a mapped id the data does not list comes last", () => {
    // C.99 is mapped by function-traced, whose one verdict waits for deploy: unknown too.
    expect(statusOf(FW.id, "C.99")).toBe("unknown");
    expect(statusOf(FW.id, "C.6")).toBe("not-covered");
    expect(views[0]?.controls.map((c) => c.id)).toEqual(["C.1", "C.2", "C.3", "C.4", "C.5", "C.6", "C.99"]);
    expect(views[0]?.totals).toEqual({
      failed: 1,
      unknown: 2,
      passed: 1,
      "not-evaluated": 2,
      "not-covered": 1,
      total: 7,
    });
    expect(totalsText(views[0]!.totals)).toBe("1 failed, 2 unknown, 1 passed, 2 not evaluated, 1 not covered (of 7)");
  });

  it("a framework without a data file is shown by its mapped controls; one nobody maps is left out", () => {
    expect(views.map((v) => v.id)).toEqual([FW.id, "internal-standard"]);
    expect(views[1]).toMatchObject({ name: "internal-standard", controls: [{ id: "X-1", status: "not-evaluated" }] });
    expect(complianceView(summary([], {}), KNOWN)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------------

const ev = (policyId: string, resourceId: string, compliance: Compliance, extra: Partial<Evaluation> = {}) =>
  ({
    policyId,
    severity: "high",
    compliance,
    annotation: `${resourceId} fails`,
    resourceType: "AWS::SQS::Queue",
    resourceId,
    accountId: "111122223333",
    region: "us-east-1",
    ...extra,
  }) as Evaluation;

async function render(factory: (o: ReportOptions) => ReportWriter, evs: Evaluation[], s: ScanSummary) {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (c: Buffer) => chunks.push(c));
  const w = factory({ out, color: false });
  for (const e of evs) w.add(e);
  await w.finish(s);
  return Buffer.concat(chunks).toString("utf8");
}

/** The built-in SQS encryption policy, mapped to FSBP SQS.1: the real framework data. */
const SQS_SUMMARY = summary(
  [
    {
      id: "sqs-queue-encrypted",
      title: "SQS queues are encrypted at rest",
      severity: "high",
      subject: ["AWS::SQS::Queue"],
      frameworks: { "aws-foundational-security-best-practices": ["SQS.1"] },
      file: "policies/sqs/sqs-queue-encrypted.json",
    },
  ],
  { "sqs-queue-encrypted": counts({ COMPLIANT: 1, NON_COMPLIANT: 2 }) },
);

describe("md", () => {
  it("a headline, violations by severity, findings and each framework's controls", async () => {
    const text = await render(
      createMarkdownWriter,
      [ev("sqs-queue-encrypted", "orders", "NON_COMPLIANT"), ev("sqs-queue-encrypted", "billing", "NON_COMPLIANT")],
      SQS_SUMMARY,
    );
    expect(text).toMatch(/^## Guardrail: ❌ 2 violations \(0 critical, 2 high\)\n/);
    expect(text).toContain("| high | 2 |");
    expect(text).toContain(
      "| high | sqs-queue-encrypted | AWS::SQS::Queue orders | 111122223333 us-east-1 | orders fails |",
    );
    expect(text).toContain("### AWS Foundational Security Best Practices 1.0.0");
    expect(text).toMatch(
      /^1 failed, \d+ not covered \(of \d+\) · \[control list\]\(https:\/\/docs\.aws\.amazon\.com\//m,
    );
    expect(text).toContain(
      "| SQS.1 | ❌ failed | 2 | sqs-queue-encrypted | Amazon SQS queues should be encrypted at rest |",
    );
  });

  it("findings are capped, the rest counted; no violations says so", async () => {
    const many = Array.from({ length: MD_MAX_FINDINGS + 5 }, (_, i) =>
      ev("sqs-queue-encrypted", `q-${String(i).padStart(3, "0")}`, "NON_COMPLIANT"),
    );
    const text = await render(createMarkdownWriter, many, SQS_SUMMARY);
    expect(text).toContain(`### Findings (the ${MD_MAX_FINDINGS} most severe of ${MD_MAX_FINDINGS + 5})`);
    expect(text.match(/\| AWS::SQS::Queue q-/g)).toHaveLength(MD_MAX_FINDINGS);
    const clean = summary(SQS_SUMMARY.policies, { "sqs-queue-encrypted": counts({ COMPLIANT: 3 }) });
    expect(await render(createMarkdownWriter, [], clean)).toMatch(/^## Guardrail: ✅ No violations\n/);
  });

  it("hostile text cannot break the table, inject HTML or a link", async () => {
    expect(mdText("a|b<script>`x`\n[l](http://e)")).toBe("a\\|b&lt;script&gt;\\`x\\` \\[l\\](http://e)");
    const text = await render(
      createMarkdownWriter,
      [ev("sqs-queue-encrypted", "q|<img src=x>", "NON_COMPLIANT", { annotation: "line1\nline2 | *bold*" })],
      SQS_SUMMARY,
    );
    const row = text.split("\n").find((l) => l.includes("AWS::SQS::Queue q"));
    expect(row).toBe(
      "| high | sqs-queue-encrypted | AWS::SQS::Queue q\\|&lt;img src=x&gt; | 111122223333 us-east-1 | line1 line2 \\| \\*bold\\* |",
    );
  });
});

describe("json and html", () => {
  it("json carries the view as a top-level `frameworks`", async () => {
    const doc = JSON.parse(await render(createJsonWriter, [], SQS_SUMMARY)) as {
      frameworks: { id: string; totals: { failed: number }; controls: { id: string; status: string }[] }[];
    };
    expect(doc.frameworks.map((f) => f.id)).toEqual(["aws-foundational-security-best-practices"]);
    expect(doc.frameworks[0]?.totals.failed).toBe(1);
    expect(doc.frameworks[0]?.controls.find((c) => c.id === "SQS.1")?.status).toBe("failed");
  });

  it("html has a section per framework and the view in its embedded data", async () => {
    const html = await render(createHtmlWriter, [], SQS_SUMMARY);
    expect(html).toContain('<h2 id="frameworks">Compliance frameworks</h2>');
    expect(html).toContain("<h3>AWS Foundational Security Best Practices 1.0.0</h3>");
    expect(html).toMatch(/<code>SQS\.1<\/code><\/td><td><span class="badge st-failed">failed<\/span>/);
    const data = html.match(/<script type="application\/json" id="guardrail-data">(.*?)<\/script>/s)?.[1] ?? "";
    expect((JSON.parse(data) as { frameworks: { id: string }[] }).frameworks[0]?.id).toBe(
      "aws-foundational-security-best-practices",
    );
  });
});
