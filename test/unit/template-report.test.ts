import { PassThrough } from "node:stream";
import { resourceIdentities } from "../../lib/resources/registry";
import { resolveTemplate } from "../../lib/cloudformation/resolve";
import { parseTemplate } from "../../lib/cloudformation/template";
import { Engine } from "../../lib/engine/evaluate";
import { loadPolicies } from "../../lib/policy/load";
import { REPORT_FORMATS, createReportWriter } from "../../lib/report";
import type { ReportFormat, ScanSummary } from "../../lib/report/types";
import { judgeTemplate } from "../../lib/scan/template";
import { scanExitCode } from "../../cli/commands/scan";

/* UNKNOWN (template scans) in every output format, and in the exit code only when asked for. */

const TEMPLATE = `Parameters:
  KeyArn: { Type: String }
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: jobs
      KmsMasterKeyId: !Ref KeyArn
`;

const engine = new Engine(loadPolicies().policies);
const evaluations = judgeTemplate(
  resolveTemplate(parseTemplate("stack.yaml", TEMPLATE), {}, resourceIdentities()),
  engine,
).flatMap((v) => v.evaluations);
const unknown = evaluations.find((e) => e.compliance === "UNKNOWN");

function summary(): ScanSummary {
  const byCompliance = { COMPLIANT: 0, NON_COMPLIANT: 0, EXEMPT: 0, NOT_APPLICABLE: 0, UNKNOWN: 0 };
  const byPolicy: ScanSummary["byPolicy"] = {};
  for (const e of evaluations) {
    byCompliance[e.compliance]++;
    (byPolicy[e.policyId] ??= { COMPLIANT: 0, NON_COMPLIANT: 0, EXEMPT: 0, NOT_APPLICABLE: 0, UNKNOWN: 0 })[
      e.compliance
    ]! += 1;
  }
  return {
    tool: { name: "guardrail", version: "test" },
    startedAt: "2026-11-22T10:00:00.000Z",
    durationMs: 5,
    inputs: ["stack.yaml"],
    policies: engine.policies.map((p) => ({
      id: p.policy.id,
      title: p.policy.title,
      severity: p.policy.severity,
      subject: [],
      file: p.file,
    })),
    files: { read: 1, failed: 0 },
    items: { read: 1, evaluated: 1, deleted: 0, notCovered: {} },
    evaluations: evaluations.length,
    byCompliance,
    violationsBySeverity: { critical: 0, high: 0, medium: 0, low: 0, info: 0 },
    byPolicy,
    violationsByAccount: {},
    expiredExemptions: 0,
    problems: [],
  };
}

async function render(format: ReportFormat): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (c: Buffer) => chunks.push(c));
  const writer = createReportWriter(format, { out, color: false });
  for (const e of evaluations) writer.add(e);
  await writer.finish(summary());
  return Buffer.concat(chunks).toString("utf8");
}

test("the template verdict is UNKNOWN, naming the property and the template line", () => {
  expect(unknown?.policyId).toBe("sqs-queue-encrypted");
  expect(unknown?.source).toEqual({
    file: "stack.yaml",
    pointer: "/Resources/Queue/Properties/KmsMasterKeyId/Ref",
    line: 8,
    column: 28, // the `!Ref KeyArn` the value depends on
  });
});

test.each(REPORT_FORMATS)("%s shows UNKNOWN", async (format) => {
  const text = await render(format);
  switch (format) {
    case "json": {
      const r = (JSON.parse(text) as { results: { compliance: string; unknown?: { pointer: string } }[] }).results;
      expect(r.find((x) => x.compliance === "UNKNOWN")?.unknown?.pointer).toBe("/KmsMasterKeyId");
      break;
    }
    case "sarif": {
      const results = (JSON.parse(text) as { runs: { results: { kind?: string; level: string }[] }[] }).runs[0]
        ?.results;
      expect(results).toContainEqual(expect.objectContaining({ kind: "review", level: "none" }));
      break;
    }
    case "csv":
      expect(text).toMatch(/sqs-queue-encrypted,medium,UNKNOWN,/);
      break;
    case "junit":
      expect(text).toMatch(/<skipped message="unknown before deploy: KmsMasterKeyId/);
      break;
    case "table":
      expect(text).toMatch(/\? AWS::SQS::Queue Queue \(jobs\) {2}stack\.yaml:8:28/);
      expect(text).toMatch(/1 unknown before deploy/);
      break;
    case "html":
      expect(text).toContain("Unknown before deploy (1)");
      break;
  }
});

test("UNKNOWN fails a build only with --fail-on-unknown", () => {
  expect(scanExitCode(summary(), "high")).toBe(0);
  expect(scanExitCode(summary(), "high", true)).toBe(0); // sqs-queue-encrypted is medium
  expect(scanExitCode(summary(), "medium", true)).toBe(1);
  expect(scanExitCode(summary(), undefined, true)).toBe(1);
});
