import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Writable } from "node:stream";
import Ajv from "ajv";
import type { Compliance, Evaluation } from "../../lib/engine/evaluate";
import { SEVERITIES, type Severity } from "../../lib/policy/types";
import { createReportWriter } from "../../lib/report";
import { createCsvWriter, csvField } from "../../lib/report/csv";
import { HTML_MAX_VIOLATIONS, createHtmlWriter } from "../../lib/report/html";
import { createJsonWriter } from "../../lib/report/json";
import { createJunitWriter, xmlEscape } from "../../lib/report/junit";
import { FINGERPRINT_KEY, createSarifWriter, sarifLevel } from "../../lib/report/sarif";
import { TABLE_RESOURCES_PER_POLICY, createTableWriter } from "../../lib/report/table";
import {
  REPORT_FORMATS,
  type PolicyInfo,
  type ReportOptions,
  type ReportWriter,
  type ScanSummary,
} from "../../lib/report/types";

// ---------------------------------------------------------------------------------------------------------------
// Fixtures

const POLICIES: PolicyInfo[] = [
  {
    id: "s3-public-access-blocked",
    title: "S3 buckets block public access",
    severity: "critical",
    subject: ["AWS::S3::Bucket"],
    frameworks: { "cis-aws": ["2.1.4"], "nist-800-53": ["AC-3", "AC-21"] },
    file: "policies/s3/s3-public-access-blocked.json",
  },
  {
    id: "sqs-encrypted",
    title: "SQS queues are encrypted at rest",
    severity: "high",
    subject: ["AWS::SQS::Queue"],
    frameworks: { "nist-800-53": ["SC-28"] },
    file: "policies/sqs/sqs-encrypted.json",
  },
  {
    id: "lambda-tracing",
    title: "Lambda functions have X-Ray tracing",
    severity: "low",
    subject: ["AWS::Lambda::Function"],
    file: "policies/lambda/lambda-tracing.json",
  },
  {
    id: "sns-tagged",
    title: "SNS topics carry an owner tag",
    severity: "info",
    subject: ["AWS::SNS::Topic"],
    file: "policies/sns/sns-tagged.json",
  },
];

const SEVERITY_OF = new Map(POLICIES.map((p) => [p.id, p.severity]));
const TYPE_OF = new Map(POLICIES.map((p) => [p.id, p.subject[0] as string]));

function ev(policyId: string, resourceId: string, compliance: Compliance, extra: Partial<Evaluation> = {}): Evaluation {
  const violation = compliance === "NON_COMPLIANT" || compliance === "EXEMPT";
  return {
    policyId,
    severity: SEVERITY_OF.get(policyId) ?? "medium",
    compliance,
    ...(violation ? { annotation: `${resourceId} fails ${policyId}` } : {}),
    resourceType: TYPE_OF.get(policyId) ?? "AWS::SQS::Queue",
    resourceId,
    arn: `arn:aws:test:us-east-1:111122223333:${resourceId}`,
    accountId: "111122223333",
    region: "us-east-1",
    ...extra,
  };
}

/** A ScanSummary whose counts agree with the evaluations, as the scanner would build it. */
function summarize(evaluations: Evaluation[], extra: Partial<ScanSummary> = {}): ScanSummary {
  const zero = (): Record<Compliance, number> => ({ COMPLIANT: 0, NON_COMPLIANT: 0, EXEMPT: 0, NOT_APPLICABLE: 0 });
  const byCompliance = zero();
  const violationsBySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const byPolicy: Record<string, Record<Compliance, number>> = {};
  const violationsByAccount: Record<string, number> = {};
  const resources = new Set<string>();
  for (const e of evaluations) {
    byCompliance[e.compliance]++;
    (byPolicy[e.policyId] ??= zero())[e.compliance]++;
    resources.add(`${e.accountId}/${e.region}/${e.resourceType}/${e.resourceId}`);
    if (e.compliance === "NON_COMPLIANT") {
      violationsBySeverity[e.severity]++;
      violationsByAccount[e.accountId] = (violationsByAccount[e.accountId] ?? 0) + 1;
    }
  }
  return {
    tool: { name: "guardrail", version: "0.1.0-test" },
    startedAt: "2026-11-22T10:00:00.000Z",
    durationMs: 1234,
    inputs: ["fleet/snapshot-dir"],
    policies: POLICIES,
    files: { read: 3, failed: 1 },
    items: { read: resources.size + 7, evaluated: resources.size, deleted: 0, notCovered: { "AWS::EC2::Instance": 7 } },
    evaluations: evaluations.length,
    byCompliance,
    violationsBySeverity,
    byPolicy,
    violationsByAccount,
    expiredExemptions: 0,
    problems: [
      { level: "error", file: "fleet/broken.json", message: "Unexpected end of JSON input" },
      { level: "warning", file: "fleet/a.json", pointer: "/configurationItems/3", message: "not a configuration item" },
    ],
    ...extra,
  };
}

/** Collects what a writer writes into a PassThrough. */
async function render(
  factory: (opts: ReportOptions) => ReportWriter,
  evaluations: Evaluation[],
  summary = summarize(evaluations),
  color = false,
): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (c: Buffer) => chunks.push(c));
  const writer = factory({ out, color });
  for (const e of evaluations) writer.add(e);
  await writer.finish(summary);
  return Buffer.concat(chunks).toString("utf8");
}

const EXEMPTION = {
  source: "file" as const,
  active: true,
  expires: "2099-12-31",
  owner: "alice@example.com",
  justification: "Public website bucket, reviewed by security",
};

/** A small fleet covering every compliance and severity. */
function fleet(): Evaluation[] {
  return [
    ev("sqs-encrypted", "orders-queue", "NON_COMPLIANT"),
    ev("sqs-encrypted", "billing-queue", "COMPLIANT"),
    ev("lambda-tracing", "resize-images", "NON_COMPLIANT", { resourceName: "Resize Images" }),
    ev("s3-public-access-blocked", "logs-bucket", "NON_COMPLIANT"),
    ev("s3-public-access-blocked", "www-bucket", "EXEMPT", { exemption: EXEMPTION }),
    ev("s3-public-access-blocked", "data-bucket", "COMPLIANT"),
    ev("sns-tagged", "alerts-topic", "NOT_APPLICABLE"),
    ev("sns-tagged", "deleted-topic", "NON_COMPLIANT", { accountId: "444455556666", region: "eu-west-1" }),
  ];
}

// ---------------------------------------------------------------------------------------------------------------

describe("createReportWriter", () => {
  it("has a writer for every format", async () => {
    for (const format of REPORT_FORMATS) {
      const out = new PassThrough();
      let text = "";
      out.on("data", (c: Buffer) => (text += c.toString()));
      const writer = createReportWriter(format, { out, color: false });
      for (const e of fleet()) writer.add(e);
      await writer.finish(summarize(fleet()));
      expect(text.length).toBeGreaterThan(0);
    }
  });

  it("rejects an unknown format", () => {
    expect(() => createReportWriter("yaml" as never, { out: new PassThrough(), color: false })).toThrow(/yaml/);
  });
});

describe("json", () => {
  it("writes one document whose counts match the summary", async () => {
    const evaluations = fleet();
    const doc = JSON.parse(await render(createJsonWriter, evaluations));
    expect(Object.keys(doc).sort()).toEqual(["frameworks", "problems", "results", "summary", "tool"]);
    expect(doc.tool).toEqual({ name: "guardrail", version: "0.1.0-test" });
    expect(doc.results).toHaveLength(evaluations.length);
    expect(doc.summary.evaluations).toBe(evaluations.length);
    expect(doc.summary.byCompliance).toEqual({ COMPLIANT: 2, NON_COMPLIANT: 4, EXEMPT: 1, NOT_APPLICABLE: 1 });
    expect(doc.summary.problems).toBeUndefined();
    expect(doc.summary.tool).toBeUndefined();
    expect(doc.problems).toHaveLength(2);
    const exempt = doc.results.find((r: Evaluation) => r.compliance === "EXEMPT");
    expect(exempt.exemption).toEqual(EXEMPTION);
    const plain = doc.results.find((r: Evaluation) => r.resourceId === "orders-queue");
    expect(Object.keys(plain)).toEqual([
      "policyId",
      "severity",
      "compliance",
      "annotation",
      "resourceType",
      "resourceId",
      "arn",
      "accountId",
      "region",
    ]);
  });

  it("is valid with no evaluations", async () => {
    const doc = JSON.parse(await render(createJsonWriter, []));
    expect(doc.results).toEqual([]);
    expect(doc.summary.evaluations).toBe(0);
  });

  it("streams 50,000 evaluations into valid JSON", async () => {
    const evaluations: Evaluation[] = [];
    for (let i = 0; i < 50_000; i++) {
      evaluations.push(ev("sqs-encrypted", `queue-${i}`, i % 7 === 0 ? "NON_COMPLIANT" : "COMPLIANT"));
    }
    const text = await render(createJsonWriter, evaluations);
    const doc = JSON.parse(text);
    expect(doc.results).toHaveLength(50_000);
    expect(doc.results[49_999].resourceId).toBe("queue-49999");
    expect(doc.summary.byCompliance.NON_COMPLIANT).toBe(
      doc.results.filter((r: Evaluation) => r.compliance === "NON_COMPLIANT").length,
    );
  });

  it("waits for 'drain' instead of writing into a full stream, and finish resolves after the last write", async () => {
    const received: string[] = [];
    let writesWhileFull = 0;
    const out = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _enc, cb) {
        received.push(chunk.toString());
        setImmediate(cb);
      },
    });
    const write = out.write.bind(out) as (chunk: string, cb?: (err?: Error | null) => void) => boolean;
    (out as unknown as { write: typeof write }).write = (chunk, cb) => {
      if (out.writableNeedDrain) writesWhileFull++;
      return write(chunk, cb);
    };
    const writer = createJsonWriter({ out, color: false });
    const evaluations = Array.from({ length: 5000 }, (_, i) => ev("sqs-encrypted", `q-${i}`, "NON_COMPLIANT"));
    for (const e of evaluations) writer.add(e);
    await writer.finish(summarize(evaluations));
    expect(writesWhileFull).toBe(0);
    expect(out.writableLength).toBe(0);
    expect(JSON.parse(received.join("")).results).toHaveLength(5000);
  });

  it("rejects when the output fails instead of hanging", async () => {
    const out = new Writable({
      write(_chunk, _enc, cb) {
        cb(new Error("EPIPE"));
      },
    });
    out.on("error", () => {});
    const writer = createJsonWriter({ out, color: false });
    writer.add(ev("sqs-encrypted", "q", "COMPLIANT"));
    await expect(writer.finish(summarize([]))).rejects.toThrow("EPIPE");
  });
});

// ---------------------------------------------------------------------------------------------------------------

/** RFC 4180 parser, for the test. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (c === '"') {
        quoted = false;
        i++;
      } else {
        field += c;
        i++;
      }
    } else if (c === '"') {
      expect(field).toBe(""); // a quote only opens a field
      quoted = true;
      i++;
    } else if (c === ",") {
      row.push(field);
      field = "";
      i++;
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i += 2;
    } else {
      expect(c).not.toMatch(/[\r\n]/); // bare CR or LF only inside quotes
      field += c;
      i++;
    }
  }
  expect(quoted).toBe(false);
  expect(field).toBe("");
  return rows;
}

describe("csv", () => {
  it("writes a header and one RFC 4180 row per evaluation", async () => {
    const evaluations = fleet();
    const rows = parseCsv(await render(createCsvWriter, evaluations));
    expect(rows[0]?.slice(0, 4)).toEqual(["policy_id", "severity", "compliance", "resource_type"]);
    expect(rows).toHaveLength(evaluations.length + 1);
    for (const r of rows) expect(r).toHaveLength(rows[0]?.length as number);
    const exempt = rows.find((r) => r[2] === "EXEMPT") as string[];
    expect(exempt.slice(-5)).toEqual(["file", "true", "2099-12-31", "alice@example.com", EXEMPTION.justification]);
  });

  it("quotes commas, quotes and line breaks and round-trips them", async () => {
    const annotation = 'policy "a, b" failed\r\nline two\nline three';
    const rows = parseCsv(await render(createCsvWriter, [ev("sqs-encrypted", "q,1", "NON_COMPLIANT", { annotation })]));
    expect(rows[1]?.[4]).toBe("q,1");
    expect(rows[1]?.[9]).toBe(annotation);
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("plain")).toBe("plain");
  });

  it("guards cells that a spreadsheet would run as a formula", async () => {
    const evil = ['=HYPERLINK("http://evil.example","click")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)", "\t=1"];
    const evaluations = evil.map((annotation, i) =>
      ev("sqs-encrypted", `q${i}`, "NON_COMPLIANT", { annotation, resourceName: annotation }),
    );
    const rows = parseCsv(await render(createCsvWriter, evaluations));
    evil.forEach((text, i) => {
      expect(rows[i + 1]?.[9]).toBe(`'${text}`);
      expect(rows[i + 1]?.[5]).toBe(`'${text}`);
    });
    for (const row of rows.slice(1)) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    expect(csvField("arn:aws:s3:::a-b")).toBe("arn:aws:s3:::a-b");
  });

  it("writes the header even with no evaluations", async () => {
    expect(await render(createCsvWriter, [])).toMatch(/^policy_id,.*\r\n$/);
  });
});

// ---------------------------------------------------------------------------------------------------------------

/** The parts of the SARIF 2.1.0 schema this writer emits, with the schema's required fields and enums. */
const SARIF_SUBSET = {
  type: "object",
  required: ["version", "runs", "$schema"],
  properties: {
    $schema: { const: "https://json.schemastore.org/sarif-2.1.0.json" },
    version: { const: "2.1.0" },
    runs: {
      type: "array",
      minItems: 1,
      maxItems: 1,
      items: {
        type: "object",
        required: ["tool", "results"],
        properties: {
          tool: {
            type: "object",
            required: ["driver"],
            properties: {
              driver: {
                type: "object",
                required: ["name", "rules"],
                properties: {
                  name: { const: "guardrail" },
                  rules: {
                    type: "array",
                    items: {
                      type: "object",
                      required: ["id", "shortDescription", "defaultConfiguration", "properties"],
                      properties: {
                        id: { type: "string" },
                        shortDescription: { type: "object", required: ["text"] },
                        defaultConfiguration: {
                          type: "object",
                          properties: { level: { enum: ["none", "note", "warning", "error"] } },
                        },
                        properties: { type: "object", required: ["severity", "frameworks"] },
                      },
                    },
                  },
                },
              },
            },
          },
          invocations: {
            type: "array",
            items: {
              type: "object",
              required: ["executionSuccessful"],
              properties: {
                toolExecutionNotifications: {
                  type: "array",
                  items: { type: "object", required: ["message"] },
                },
              },
            },
          },
          results: {
            type: "array",
            items: {
              type: "object",
              required: ["ruleId", "message", "locations", "partialFingerprints", "level"],
              properties: {
                ruleId: { type: "string" },
                ruleIndex: { type: "integer", minimum: 0 },
                level: { enum: ["none", "note", "warning", "error"] },
                message: { type: "object", required: ["text"], properties: { text: { type: "string", minLength: 1 } } },
                locations: {
                  type: "array",
                  minItems: 1,
                  items: {
                    type: "object",
                    properties: {
                      physicalLocation: {
                        type: "object",
                        required: ["artifactLocation"],
                        properties: { artifactLocation: { type: "object", required: ["uri"] } },
                      },
                      logicalLocations: {
                        type: "array",
                        minItems: 1,
                        items: { type: "object", required: ["fullyQualifiedName", "kind"] },
                      },
                    },
                  },
                },
                partialFingerprints: { type: "object", additionalProperties: { type: "string" } },
                suppressions: {
                  type: "array",
                  items: {
                    type: "object",
                    required: ["kind"],
                    properties: {
                      kind: { enum: ["inSource", "external"] },
                      status: { enum: ["accepted", "underReview", "rejected"] },
                      justification: { type: "string" },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
};

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: {
    physicalLocation?: { artifactLocation: { uri: string } };
    logicalLocations: { fullyQualifiedName: string; kind: string; name: string }[];
  }[];
  partialFingerprints: Record<string, string>;
  suppressions?: { kind: string; justification: string }[];
}

describe("sarif", () => {
  it("is a structurally valid SARIF 2.1.0 log", async () => {
    const log = JSON.parse(await render(createSarifWriter, fleet()));
    const validate = new Ajv({ strict: false }).compile(SARIF_SUBSET);
    expect(validate.errors ?? validate(log)).toBe(true);
  });

  it("maps policies to rules with levels from severity", async () => {
    const log = JSON.parse(await render(createSarifWriter, fleet()));
    const rules = log.runs[0].tool.driver.rules as { id: string; defaultConfiguration: { level: string } }[];
    expect(rules.map((r) => r.id)).toEqual([
      "s3-public-access-blocked",
      "sqs-encrypted",
      "lambda-tracing",
      "sns-tagged",
    ]);
    expect(rules.map((r) => r.defaultConfiguration.level)).toEqual(["error", "error", "note", "note"]);
    expect(SEVERITIES.map(sarifLevel)).toEqual(["error", "error", "warning", "note", "note"]);
    expect(log.runs[0].tool.driver.rules[0].properties.frameworks).toEqual(POLICIES[0]?.frameworks);
    expect(log.runs[0].tool.driver.rules[0].shortDescription.text).toBe(POLICIES[0]?.title);
  });

  it("reports NON_COMPLIANT results and EXEMPT ones as suppressed", async () => {
    const log = JSON.parse(await render(createSarifWriter, fleet()));
    const run = log.runs[0];
    const results = run.results as SarifResult[];
    expect(results).toHaveLength(5); // 4 violations + 1 exempt
    for (const r of results) {
      expect(run.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
      expect(r.locations[0]?.logicalLocations[0]?.kind).toBe("resource");
      expect(r.locations[0]?.physicalLocation).toBeUndefined(); // the input is not one file
    }
    const exempt = results.filter((r) => r.suppressions);
    expect(exempt).toHaveLength(1);
    expect(exempt[0]?.suppressions).toEqual([
      { kind: "external", status: "accepted", justification: EXEMPTION.justification },
    ]);
    const logs = results.find((r) => r.locations[0]?.logicalLocations[0]?.name === "logs-bucket") as SarifResult;
    expect(logs.level).toBe("error");
    expect(logs.message.text).toBe("logs-bucket fails s3-public-access-blocked");
    expect(logs.locations[0]?.logicalLocations[0]?.fullyQualifiedName).toBe(
      "arn:aws:test:us-east-1:111122223333:logs-bucket",
    );
    expect(results.find((r) => r.ruleId === "lambda-tracing")?.level).toBe("note");
    const fingerprints = results.map((r) => r.partialFingerprints[FINGERPRINT_KEY]);
    expect(new Set(fingerprints).size).toBe(results.length);
    expect(run.invocations[0].toolExecutionNotifications).toHaveLength(2);
    expect(run.invocations[0].executionSuccessful).toBe(false);
  });

  it("keeps fingerprints stable across scans", async () => {
    const a = JSON.parse(await render(createSarifWriter, fleet()));
    const b = JSON.parse(await render(createSarifWriter, [...fleet()].reverse()));
    expect(b.runs[0].results.map((r: SarifResult) => r.partialFingerprints)).toEqual(
      a.runs[0].results.map((r: SarifResult) => r.partialFingerprints),
    );
  });

  it("uses the snapshot file as the physical location when exactly one file was scanned", async () => {
    const dir = mkdtempSync(join(tmpdir(), "guardrail-sarif-"));
    const file = join(dir, "snapshot.json");
    writeFileSync(file, "{}");
    const log = JSON.parse(await render(createSarifWriter, fleet(), summarize(fleet(), { inputs: [file] })));
    const uri = log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri as string;
    expect(uri).toMatch(/^file:\/\/.*snapshot\.json$/);
    expect(log.runs[0].artifacts[0].location.uri).toBe(uri);
  });
});

// ---------------------------------------------------------------------------------------------------------------

/** Minimal XML 1.0 well-formedness: balanced tags, quoted attributes, only known entities, no forbidden chars. */
function checkXml(xml: string): void {
  // eslint-disable-next-line no-control-regex
  expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/);
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, "");
  const stack: string[] = [];
  const token = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g;
  let m: RegExpExecArray | null;
  while ((m = token.exec(body))) {
    if (m[6]) throw new Error(`stray < at ${m.index}: ${body.slice(m.index, m.index + 60)}`);
    const textOrAttrs = m[5] ?? m[3] ?? "";
    for (const amp of textOrAttrs.matchAll(/&([^;]*);?/g)) {
      expect(amp[0]).toMatch(/^&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);$/i);
    }
    if (m[5] !== undefined) continue;
    const [, close, name, , selfClose] = m;
    if (close) expect(stack.pop()).toBe(name);
    else if (!selfClose) stack.push(name as string);
  }
  expect(stack).toEqual([]);
}

describe("junit", () => {
  it("writes one suite per policy and one case per evaluated resource", async () => {
    const xml = await render(createJunitWriter, fleet());
    checkXml(xml);
    expect(xml).toMatch(/<testsuites name="guardrail" tests="10" failures="4" errors="1" skipped="2"/);
    expect(xml).toContain('<testsuite name="s3-public-access-blocked" tests="3" failures="1" errors="0" skipped="1"');
    expect(xml).toContain('<testsuite name="sns-tagged" tests="2" failures="1" errors="0" skipped="1"');
    expect(xml).toContain('<testcase classname="AWS::S3::Bucket" name="data-bucket"/>');
    expect(xml).toContain('<failure message="logs-bucket fails s3-public-access-blocked" type="critical">');
    expect(xml).toContain('<skipped message="not applicable"/>');
    expect(xml).toMatch(/<testsuite name="guardrail.inputs" tests="2" failures="0" errors="1"/);
    expect(xml.indexOf('name="s3-public-access-blocked"')).toBeLessThan(xml.indexOf('name="sns-tagged"'));
  });

  it("escapes markup, quotes and characters XML 1.0 forbids", async () => {
    const annotation = "a <b> & \"c\" 'd' \u0001\u001b[31m end\nnext";
    const xml = await render(createJunitWriter, [
      ev("sqs-encrypted", 'q"<&>', "NON_COMPLIANT", { annotation, resourceType: "AWS::SQS::Queue\u0000" }),
    ]);
    checkXml(xml);
    expect(xml).toContain(
      'message="a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos; \\u0001\\u001b[31m end&#10;next" type="high"',
    );
    expect(xml).toContain('name="q&quot;&lt;&amp;&gt;"');
    expect(xml).toContain('classname="AWS::SQS::Queue\\u0000"');
    expect(xml).toContain("a &lt;b&gt; &amp; \"c\" 'd' \\u0001\\u001b[31m end\nnext"); // the failure body
    expect(xmlEscape("\ud800x\udc00 \ud83d\ude00")).toBe("\\ud800x\\udc00 \ud83d\ude00"); // lone surrogates only
  });
});

// ---------------------------------------------------------------------------------------------------------------

const XSS_ID = "<img src=x onerror=alert(1)>";
const XSS_ANNOTATION = '</script><script>alert("pwned")</script><!-- & \'';

/**
 * Every tag of the document with its attribute names. Script and style bodies are set aside; everywhere else a "<"
 * must open a well-formed tag whose attribute values are double-quoted, so user text cannot hide in or fake one.
 */
function htmlTags(html: string): { name: string; attributes: string[] }[] {
  const body = html.replace(/(<(script|style)\b[^>]*>)[^]*?(<\/\2>)/g, "$1$3");
  const tags: { name: string; attributes: string[] }[] = [];
  const tag = /<(\/?)([a-zA-Z][\w-]*)((?:\s+[\w:-]+(?:="[^"<>]*")?)*)\s*\/?>|<!doctype html>/gi;
  let count = 0;
  for (const m of body.matchAll(tag)) {
    count++;
    if (m[0].toLowerCase() === "<!doctype html>" || m[1]) continue;
    tags.push({
      name: (m[2] as string).toLowerCase(),
      attributes: [...(m[3] ?? "").matchAll(/([\w:-]+)(?:="[^"]*")?/g)].map((a) => (a[1] as string).toLowerCase()),
    });
  }
  expect(count).toBe(body.split("<").length - 1);
  return tags;
}

function embeddedData(html: string): Record<string, unknown> & { totals: Record<string, number> } {
  const m = /<script type="application\/json" id="guardrail-data">([^]*?)<\/script>/.exec(html);
  expect(m).not.toBeNull();
  return JSON.parse((m as RegExpExecArray)[1] as string);
}

describe("html", () => {
  const evaluations = [
    ...fleet(),
    ev("sqs-encrypted", XSS_ID, "NON_COMPLIANT", {
      annotation: XSS_ANNOTATION,
      resourceName: XSS_ID,
      accountId: XSS_ID,
    }),
  ];

  it("escapes every user string", async () => {
    const html = await render(createHtmlWriter, evaluations);
    expect(html).not.toContain(XSS_ID);
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<script>alert");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html).toContain("&lt;/script&gt;&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;&lt;!-- &amp; &#39;");
    // Only the report's own two scripts (data and filter) open, and only their two tags close.
    expect(html.match(/<script\b/g)).toHaveLength(2);
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    expect(html).not.toContain("<!--");
    const tags = htmlTags(html);
    for (const forbidden of [
      "img",
      "iframe",
      "link",
      "object",
      "embed",
      "base",
      "a",
      "form",
      "meta http-equiv=refresh",
    ]) {
      expect(tags.some((t) => t.name === forbidden)).toBe(false);
    }
    for (const t of tags) {
      for (const a of t.attributes)
        expect(a).not.toMatch(/^(on\w+|src|srcset|href|xlink:href|action|formaction|style)$/);
    }
  });

  it("embeds the data as JSON with the right totals, user strings intact", async () => {
    const html = await render(createHtmlWriter, evaluations);
    const data = embeddedData(html);
    expect(data.totals).toMatchObject({ resources: 9, evaluations: 9, violations: 5, exempt: 1, critical: 1, high: 2 });
    const rows = (data.violations as { rows: Evaluation[]; total: number; omitted: number }).rows;
    expect(rows).toHaveLength(5);
    expect(rows.map((r) => r.severity)).toEqual(["critical", "high", "high", "low", "info"]);
    expect(rows.find((r) => r.resourceId === XSS_ID)?.annotation).toBe(XSS_ANNOTATION);
  });

  it("fetches nothing: no external references, a CSP that forbids them, and hashes that match the inline code", async () => {
    const html = await render(createHtmlWriter, evaluations);
    expect(html).not.toMatch(/https?:\/\//i);
    const refs = htmlTags(html).flatMap((t) =>
      t.attributes.filter((a) => /^(src|srcset|href|xlink:href|action)$/.test(a)),
    );
    expect(refs).toEqual([]);
    expect(html).not.toMatch(/url\(/i);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1] as string;
    expect(csp).toContain("default-src 'none'");
    const style = /<style>([^]*?)<\/style>/.exec(html)?.[1] as string;
    const script = /<script>([^]*?)<\/script>/.exec(html)?.[1] as string;
    const hash = (s: string) => createHash("sha256").update(s).digest("base64");
    expect(csp).toContain(`style-src 'sha256-${hash(style)}'`);
    expect(csp).toContain(`script-src 'sha256-${hash(script)}'`);
  });

  it("shows the totals, charts, filters, policies and coverage", async () => {
    const html = await render(createHtmlWriter, evaluations);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<div class="n">5</div><div class="l">Violations</div>');
    expect(html.match(/<svg /g)).toHaveLength(3);
    expect(html).toContain('id="violations-q"');
    expect(html).toContain('<option value="critical">critical</option>');
    expect(html).toContain("cis-aws 2.1.4; nist-800-53 AC-3, AC-21");
    expect(html).toContain("<code>fleet/broken.json</code>: Unexpected end of JSON input");
    expect(html).toContain("<code>fleet/a.json</code> <code>/configurationItems/3</code>");
    expect(html).toContain("<code>AWS::EC2::Instance</code>");
    expect(html).toContain("alice@example.com");
    expect(html).toContain("<code>fleet/snapshot-dir</code>");
  });

  it(`keeps at most ${HTML_MAX_VIOLATIONS} violation rows, the most severe, and says how many were left out`, async () => {
    const many: Evaluation[] = [];
    for (let i = 0; i < 6000; i++) many.push(ev("lambda-tracing", `fn-${i}`, "NON_COMPLIANT"));
    many.push(ev("s3-public-access-blocked", "late-critical-bucket", "NON_COMPLIANT"));
    const html = await render(createHtmlWriter, many);
    expect(html.match(/<tr data-sev=/g)).toHaveLength(HTML_MAX_VIOLATIONS);
    expect(html).toContain("Showing the 5,000 most severe of 6,001 violations; 1,001 left out.");
    const data = embeddedData(html) as unknown as {
      violations: { rows: Evaluation[]; total: number; omitted: number };
    };
    expect(data.violations.total).toBe(6001);
    expect(data.violations.omitted).toBe(1001);
    expect(data.violations.rows[0]?.resourceId).toBe("late-critical-bucket");
  });

  it("says so when there are no violations", async () => {
    const html = await render(createHtmlWriter, [ev("sqs-encrypted", "q", "COMPLIANT")]);
    expect(html).toContain("No violations.");
    expect(embeddedData(html).totals.violations).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe("table", () => {
  it("lists violations grouped by policy, most severe first, without colour codes", async () => {
    // Arrival order: low, info, high, critical.
    const text = await render(createTableWriter, fleet());
    expect(text).not.toContain("\u001b");
    const order = ["s3-public-access-blocked", "sqs-encrypted", "lambda-tracing", "sns-tagged"].map((id) =>
      text.indexOf(`${id}  `),
    );
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(text).toMatch(
      /CRITICAL +s3-public-access-blocked +S3 buckets block public access +\(1 violation, 1 exempt\)/,
    );
    expect(text).toContain("✗ AWS::Lambda::Function resize-images (Resize Images)  111122223333 us-east-1");
    expect(text).toContain("      orders-queue fails sqs-encrypted");
    expect(text).toContain("○ AWS::S3::Bucket www-bucket  111122223333 us-east-1 [exempt]");
    expect(text).not.toContain("billing-queue"); // compliant
    expect(text).not.toContain("alerts-topic"); // not applicable
  });

  it("ends with per-policy counts, a summary and the input problems", async () => {
    const text = await render(createTableWriter, fleet());
    expect(text).toMatch(/CRITICAL +s3-public-access-blocked +1 +1 +1 +0\n/);
    expect(text).toContain("Scanned 8 resources (8 evaluations) against 4 policies in 1.2s");
    expect(text).toContain("4 violations (1 critical, 1 high, 0 medium, 1 low, 1 info), 1 exempt");
    expect(text).toContain("Files: 3 read, 1 failed; items: 15 read");
    expect(text).toContain("Not covered by any policy: 7 items (AWS::EC2::Instance 7)");
    expect(text).toContain("error: fleet/broken.json: Unexpected end of JSON input");
    expect(text).toContain("warning: fleet/a.json /configurationItems/3: not a configuration item");
  });

  it("caps the listing per policy", async () => {
    const many = Array.from({ length: 125 }, (_, i) =>
      ev("sqs-encrypted", `q-${String(i).padStart(3, "0")}`, "NON_COMPLIANT"),
    );
    const text = await render(createTableWriter, many);
    expect(text.match(/✗ /g)).toHaveLength(TABLE_RESOURCES_PER_POLICY);
    expect(text).toContain(
      `… and ${125 - TABLE_RESOURCES_PER_POLICY} more (${125 - TABLE_RESOURCES_PER_POLICY} violations)`,
    );
    expect(text).toContain("q-000");
    expect(text).not.toContain("q-124");
  });

  it("uses colour only when asked, and never passes control characters from user data", async () => {
    const hostile = ev("sqs-encrypted", "q\u001b]0;pwned\u0007", "NON_COMPLIANT", { annotation: "bad\u001b[2Jthing" });
    const plain = await render(createTableWriter, [hostile]);
    expect(plain).not.toContain("\u001b");
    expect(plain).toContain("q\\u001b]0;pwned\\u0007");
    const coloured = await render(createTableWriter, [hostile], summarize([hostile]), true);
    expect(coloured).toContain("\u001b[");
    expect(coloured).not.toContain("\u001b[2J");
    expect(coloured).not.toContain("\u001b]0");
  });

  it("says so when there is nothing to report, without hiding that some input could not be read", async () => {
    const text = await render(createTableWriter, [ev("sqs-encrypted", "q", "COMPLIANT")]);
    // The shared summary has a file that failed to read: "No violations." alone would overstate it.
    expect(text).toMatch(/^No violations in what could be read; some input could not be read/);
  });
});
