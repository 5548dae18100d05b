import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * `guardrail scan` as a CI step (the built CLI in a child process): findings fail the run by default, --fail-on
 * narrows, --soft-fail opts out; --template takes several files; filters; --quiet; guardrail.config.json.
 * Templates are CloudFormation (AWS CloudFormation User Guide, "Template anatomy"; AWS::ApiGateway::DomainName
 * SecurityPolicy and AWS::SQS::Queue SqsManagedSseEnabled from the resource type references).
 */

const ROOT = join(__dirname, "..");
const BIN = join(ROOT, "bin", "guardrail.js");
const tmp = mkdtempSync(join(tmpdir(), "guardrail-ci-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

beforeAll(() => {
  if (!existsSync(join(ROOT, "dist", "cli", "main.js"))) {
    execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: ROOT, stdio: "inherit" });
  }
});

function cli(args: string[], cwd = tmp) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, CI: "true", NO_COLOR: "1" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A medium violation (TLS 1.0 domain) and two types no policy covers. */
const DOMAIN = [
  "Resources:",
  "  Domain:",
  "    Type: AWS::ApiGateway::DomainName",
  "    Properties:",
  "      DomainName: api.example.com",
  "      SecurityPolicy: TLS_1_0",
  "  Alarm:",
  "    Type: AWS::CloudWatch::Alarm",
  "    Properties:",
  "      MetricName: Errors",
  "  Board:",
  "    Type: AWS::CloudWatch::Dashboard",
  "    Properties:",
  '      DashboardBody: "{}"',
  "",
].join("\n");
/** A queue with SSE turned off: sqs-queue-encrypted (medium) among others. */
const QUEUE = [
  "Resources:",
  "  Queue:",
  "    Type: AWS::SQS::Queue",
  "    Properties:",
  "      QueueName: jobs",
  "      SqsManagedSseEnabled: false",
  "",
].join("\n");

const project = join(tmp, "project");
const domain = join(project, "infra", "domain.yaml");
const queue = join(project, "infra", "queue.yaml");
beforeAll(() => {
  mkdirSync(join(project, "infra"), { recursive: true });
  writeFileSync(domain, DOMAIN);
  writeFileSync(queue, QUEUE);
});

type Report = { results: { policyId: string; compliance: string }[]; summary: { files: { read: number } } };
const violations = (stdout: string) =>
  (JSON.parse(stdout) as Report).results.filter((r) => r.compliance === "NON_COMPLIANT").map((r) => r.policyId);

describe("scan exit codes for CI", () => {
  test("any violation fails by default; --fail-on narrows; --soft-fail opts out; unreadable input stays 3", () => {
    expect(cli(["scan", "--template", domain]).code).toBe(1);
    expect(cli(["scan", "--template", domain, "--fail-on", "high"]).code).toBe(0);
    expect(cli(["scan", "--template", domain, "--fail-on", "medium"]).code).toBe(1);
    expect(cli(["scan", "--template", domain, "--soft-fail"]).code).toBe(0);
    const bad = join(tmp, "bad.yaml");
    writeFileSync(bad, "Resources:\n  A: [\n");
    expect(cli(["scan", "--template", bad, "--soft-fail"]).code).toBe(3);
    expect(cli(["scan", "--template", join(tmp, "no-such-folder"), "--soft-fail"]).code).toBe(3);
  });

  test("--template takes several files after one flag, still repeats, and stops at the next option", () => {
    const both = cli(["scan", "--template", domain, queue, "--format", "json", "--soft-fail"]);
    expect(both.code).toBe(0);
    expect((JSON.parse(both.stdout) as Report).summary.files.read).toBe(2);
    expect(violations(both.stdout)).toEqual(expect.arrayContaining(["apigateway-domain-tls-1-2", "sqs-queue-encrypted"])); // prettier-ignore
    const repeated = cli(["scan", "--template", domain, "--template", queue, "--format", "json", "--soft-fail"]);
    expect(violations(repeated.stdout).sort()).toEqual(violations(both.stdout).sort());
  });

  test("filters narrow the policies; a filter that selects nothing is a usage error naming it", () => {
    const sqs = cli(["scan", "--template", domain, queue, "--format", "json", "--type", "AWS::SQS::*"]);
    expect(sqs.code).toBe(1);
    expect(new Set(violations(sqs.stdout).map((id) => id.split("-")[0]))).toEqual(new Set(["sqs"]));
    const skipped = cli(["scan", "--template", queue, "--format", "json", "--policy", "sqs-*", "--skip-policy", "sqs-queue-encrypted"]); // prettier-ignore
    expect(violations(skipped.stdout)).not.toContain("sqs-queue-encrypted");
    expect(violations(skipped.stdout).length).toBeGreaterThan(0);
    // Only low severity left: the medium TLS violation is not judged, so the run is green.
    const low = cli(["scan", "--template", domain, "--severity", "low"]);
    expect(low.code).toBe(0);
    const none = cli(["scan", "--template", domain, "--severity", "critical", "--type", "AWS::SQS::Queue"]);
    expect([none.code, none.stderr]).toEqual([2, expect.stringMatching(/^guardrail: no policy is left after --severity critical --type AWS::SQS::Queue \(of \d+ in the pack\)\n$/)]); // prettier-ignore
    const fw = cli(["scan", "--template", domain, "--framework", "pci-dss-4.0"]);
    expect([fw.code, fw.stderr]).toEqual([2, expect.stringContaining('--framework "pci-dss-4.0" is not a framework id; known: aws-foundational-security-best-practices')]); // prettier-ignore
    expect(cli(["scan", "--template", domain, "--severity", "urgent"]).code).toBe(2);
  });

  test("scan threads judge with the same selection as the main thread", () => {
    const fleet = join(tmp, "fleet");
    expect(cli(["fleet", "generate", "--services", "2", "--seed", "5", "--out", fleet]).code).toBe(0);
    const r = cli(["scan", "--snapshot", join(fleet, "AWSLogs"), "--workers", "2", "--policy", "s3-*", "--format", "json", "--soft-fail"]); // prettier-ignore
    expect(r.code).toBe(0);
    const ids = new Set((JSON.parse(r.stdout) as Report).results.map((e) => e.policyId));
    expect(ids.size).toBeGreaterThan(0);
    expect([...ids].every((id) => id.startsWith("s3-"))).toBe(true);
  });

  test("warnings: one line for every uncovered type, with counts; --quiet leaves only the report and errors", () => {
    const out = join(tmp, "report.json");
    const loud = cli(["scan", "--template", domain, "--format", "json", "--out", out, "--soft-fail"]);
    const warnings = loud.stderr.split("\n").filter((l) => l.startsWith("warning:"));
    expect(warnings).toEqual([
      `warning: ${domain} /Resources/Alarm: no policy covers 2 resource types; 2 items not evaluated (AWS::CloudWatch::Alarm 1, AWS::CloudWatch::Dashboard 1), the first AWS::CloudWatch::Alarm here`,
    ]);
    expect(loud.stderr).toContain(`report written to ${out}`);
    const quiet = cli(["scan", "--template", domain, "--format", "json", "--out", out, "--soft-fail", "--quiet"]);
    expect({ code: quiet.code, stdout: quiet.stdout, stderr: quiet.stderr }).toEqual({ code: 0, stdout: "", stderr: "" }); // prettier-ignore
    const table = cli(["scan", "--template", domain, "--quiet"]);
    expect(table.code).toBe(1);
    expect(table.stdout).toContain("apigateway-domain-tls-1-2");
    expect(table.stdout).not.toContain("warning:");
    expect(table.stderr).toBe("");
    // The idle policies are named, the first few of them.
    expect(table.stdout).toMatch(/^\d+ policies had nothing to evaluate: [a-z0-9-]+, [a-z0-9-]+, [a-z0-9-]+, [a-z0-9-]+, [a-z0-9-]+ and \d+ more$/m); // prettier-ignore
  });
});

describe("guardrail.config.json", () => {
  const config = join(project, "guardrail.config.json");
  afterEach(() => rmSync(config, { force: true }));

  test("scan settings apply from any folder below it; options on the command line win", () => {
    writeFileSync(config, JSON.stringify({ scan: { softFail: true, format: "json", policy: ["apigateway-*"] } }));
    const r = cli(["scan", "--template", "domain.yaml"], join(project, "infra"));
    expect(r.code).toBe(0);
    expect(violations(r.stdout)).toEqual(["apigateway-domain-tls-1-2"]);
    expect(cli(["scan", "--template", "domain.yaml", "--no-soft-fail"], join(project, "infra")).code).toBe(1);
    const csv = cli(["scan", "--template", "queue.yaml", "--format", "csv", "--policy", "sqs-queue-encrypted"], join(project, "infra")); // prettier-ignore
    expect(csv.stdout.split("\n")[0]).toMatch(/^policy_id,/);
    expect(csv.stdout).toContain("sqs-queue-encrypted");
    writeFileSync(config, JSON.stringify({ scan: { failOn: "high", parameters: { Stage: "prod" } } }));
    expect(cli(["scan", "--template", "domain.yaml"], join(project, "infra")).code).toBe(0);
    expect(cli(["scan", "--template", "domain.yaml", "--fail-on", "medium"], join(project, "infra")).code).toBe(1);
  });

  test("a bad config file is a usage error naming its place, for scan and for validate", () => {
    writeFileSync(config, '{\n  "scan": {\n    "failOn": "urgent"\n  }\n}\n');
    const scan = cli(["scan", "--template", "domain.yaml"], join(project, "infra"));
    expect([scan.code, scan.stderr]).toEqual([2, `guardrail: ${config}:3:15  /scan/failOn  must be one of: critical, high, medium, low, info\n`]); // prettier-ignore
    const validate = cli(["validate"], join(project, "infra"));
    expect([validate.code, validate.stderr]).toEqual([2, scan.stderr]);
    // Valid against the schema, but a filter names no policy: validate says so before CI runs.
    writeFileSync(config, '{\n  "scan": { "skipPolicy": ["s3-bucket-tls-onyl"] }\n}\n');
    const typo = cli(["validate"], join(project, "infra"));
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain(`${config}:2:11  /scan  unknown policy id: s3-bucket-tls-onyl (--skip-policy; see \`guardrail explain\`)`); // prettier-ignore
  });
});

describe("explain lists the pack, filtered", () => {
  test("--format json: id, title, severity, types, framework controls; the filters of scan", () => {
    const r = cli(["explain", "--severity", "high+", "--type", "AWS::S3::*", "--format", "json"]);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as { id: string; severity: string; types: string[]; frameworks: object }[];
    expect(list.length).toBeGreaterThan(0);
    for (const p of list) {
      expect(["critical", "high"]).toContain(p.severity);
      expect(p.types.some((t) => t.startsWith("AWS::S3::"))).toBe(true);
    }
    const sqs = cli(["explain", "--policy", "sqs-queue-encrypted"]);
    expect(sqs.stdout).toMatch(
      /^medium +sqs-queue-encrypted +SQS queues are encrypted at rest\n +AWS::SQS::Queue · aws-foundational-security-best-practices SQS\.1\n/m,
    );
    expect(sqs.stdout).toMatch(/^1 policy \(filtered\); /m);
    expect(cli(["explain", "--framework", "nope"]).code).toBe(2);
  });

  test("test runs only the selected policies' examples", () => {
    const all = Number(/^(\d+) passed/m.exec(cli(["test"], ROOT).stdout)?.[1]);
    const s3 = cli(["test", "--policy", "s3-*"], ROOT);
    expect(s3.code).toBe(0);
    const n = Number(/^(\d+) passed, 0 failed$/m.exec(s3.stdout)?.[1]);
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(all);
  });
});
