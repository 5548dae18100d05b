import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * The CLI as users run it: the built binary in a child process. `npm test` builds first; running jest alone
 * builds here when dist/ is missing.
 */
const ROOT = join(__dirname, "..");
const BIN = join(ROOT, "bin", "guardrail.js");

beforeAll(() => {
  if (!existsSync(join(ROOT, "dist", "cli", "main.js"))) {
    execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: ROOT, stdio: "inherit" });
  }
});

function run(args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, CI: "true", NO_COLOR: "1" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("guardrail CLI", () => {
  test("--help teaches by example and documents exit codes", () => {
    const r = run(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("guardrail demo");
    expect(r.stdout).toContain("Exit codes");
    const scan = run(["scan", "--help"]);
    expect(scan.stdout).toContain("$ guardrail scan --snapshot");
  });

  test("validate passes on the built-in pack", () => {
    const r = run(["validate"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+ policies valid\n$/);
  });

  test("validate: a broken policy gives file:line:col  /pointer  message and exit 2", () => {
    const dir = mkdtempSync(join(tmpdir(), "guardrail-cli-"));
    const policy = JSON.parse(readFileSync(join(ROOT, "policies/sqs/sqs-queue-encrypted.json"), "utf8")) as Record<
      string,
      unknown
    >;
    policy.compliant = { properties: { SqsManagedSseEnable: { const: true } } };
    writeFileSync(join(dir, "sqs-queue-encrypted.json"), JSON.stringify(policy, null, 2));
    const r = run(["validate", dir], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^sqs-queue-encrypted\.json:\d+:\d+ {2}\/compliant\/properties\/SqsManagedSseEnable {2}property "SqsManagedSseEnable" is not in the AWS::SQS::Queue document \(did you mean SqsManagedSseEnabled\?\)$/m,
    );
  });

  test("validate --exemptions: unknown policy ids and impossible dates are located problems", () => {
    const dir = mkdtempSync(join(tmpdir(), "guardrail-exemptions-"));
    const file = join(dir, "exemptions.json");
    writeFileSync(
      file,
      JSON.stringify(
        {
          exemptions: [
            {
              policy: "sqs-queue-encrypte",
              resource: "arn:aws:sqs:*:111122223333:legacy-*",
              owner: "payments-team@example.com",
              justification: "Vendor consumer cannot read SSE queues yet",
              expires: "2027-02-30",
            },
          ],
        },
        null,
        2,
      ),
    );
    const r = run(["validate", "--exemptions", file], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:8:18  /exemptions/0/expires  "2027-02-30" is not a date`);
    expect(r.stderr).toContain(`${file}:4:17  /exemptions/0/policy  no policy "sqs-queue-encrypte" in the pack`);
  });

  test("demo: the README's first command generates, scans and agrees with the ground truth", () => {
    const dir = mkdtempSync(join(tmpdir(), "guardrail-demo-"));
    const r = run(["demo", "--state", join(dir, "state"), "--json"], dir);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      groundTruth: { planted: number; missed: number; unexpected: number };
      reports: { html: string };
    };
    expect(out.groundTruth.planted).toBeGreaterThan(0);
    expect(out.groundTruth).toMatchObject({ missed: 0, unexpected: 0 });
    expect(readFileSync(out.reports.html, "utf8")).toMatch(/^<!doctype html>/i);
  });

  test("test runs every example and closes with N passed, N failed", () => {
    const r = run(["test"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+ passed, 0 failed$/m);
  });

  test("explain prints a policy in words; an unknown id exits 2", () => {
    const r = run(["explain", "sqs-queue-encrypted"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("SQS queues are encrypted at rest");
    expect(r.stdout).toContain("AWS Foundational Security Best Practices 1.0.0: SQS.1");
    expect(run(["explain", "nope"]).code).toBe(2);
  });

  test("fleet generate + scan: JSON report, --fail-on exit code, SARIF", () => {
    const dir = mkdtempSync(join(tmpdir(), "guardrail-fleet-"));
    const gen = run(["fleet", "generate", "--services", "4", "--seed", "3", "--out", join(dir, "fleet")]);
    expect(gen.code).toBe(0);
    const out = join(dir, "report.json");
    const scan = run(["scan", "--snapshot", join(dir, "fleet", "AWSLogs"), "--format", "json", "--out", out, "--soft-fail"]); // prettier-ignore
    expect(scan.code).toBe(0);
    const report = JSON.parse(readFileSync(out, "utf8")) as { results: { compliance: string; annotation?: string }[] };
    const violations = report.results.filter((r) => r.compliance === "NON_COMPLIANT");
    expect(violations.length).toBeGreaterThan(0);
    expect(violations.every((v) => (v.annotation ?? "").length > 0 && (v.annotation ?? "").length <= 256)).toBe(true);
    const failing = run([
      "scan",
      "--snapshot",
      join(dir, "fleet", "AWSLogs"),
      "--format",
      "sarif",
      "--fail-on",
      "info",
    ]);
    expect(failing.code).toBe(1);
    expect((JSON.parse(failing.stdout) as { version: string }).version).toBe("2.1.0");
  });

  test("a scan on worker threads reports exactly what a single-threaded scan reports, in the same order", () => {
    const dir = mkdtempSync(join(tmpdir(), "guardrail-workers-"));
    expect(run(["fleet", "generate", "--services", "9", "--seed", "11", "--out", join(dir, "fleet")]).code).toBe(0);
    const snapshots = join(dir, "fleet", "AWSLogs");
    const results = (workers: string, format: string) => {
      const out = join(dir, `${workers}.${format}`);
      const r = run(["scan", "--snapshot", snapshots, "--format", format, "--out", out, "--workers", workers]);
      expect(r.code).toBe(1); // the fleet has violations
      return readFileSync(out, "utf8");
    };
    const one = JSON.parse(results("1", "json")) as { results: unknown[]; summary: { byPolicy: unknown } };
    const two = JSON.parse(results("2", "json")) as typeof one;
    expect(two.results.length).toBeGreaterThan(100);
    expect(two.results).toEqual(one.results);
    // ... and both agree with the fleet's ground truth, through gzip, the directory walk and the report.
    const truth = JSON.parse(readFileSync(join(dir, "fleet", "ground-truth.json"), "utf8")) as {
      expected: { policyId: string; resourceId: string; compliance: string }[];
    };
    const key = (e: { policyId: string; resourceId: string; compliance: string }) =>
      `${e.policyId} ${e.resourceId} ${e.compliance}`;
    const found = (two.results as { policyId: string; resourceId: string; compliance: string }[])
      .filter((e) => e.compliance === "NON_COMPLIANT" || e.compliance === "EXEMPT")
      .map(key)
      .sort();
    expect(found).toEqual(truth.expected.map(key).sort());
    expect(two.summary.byPolicy).toEqual(one.summary.byPolicy);
    expect(results("2", "csv")).toBe(results("1", "csv"));
    const sarif = (w: string) =>
      (JSON.parse(results(w, "sarif")) as { runs: { results: unknown[] }[] }).runs[0]?.results;
    expect(sarif("2")).toEqual(sarif("1"));
  });

  test("scan of a corrupt file exits 3 and names the file", () => {
    const dir = mkdtempSync(join(tmpdir(), "guardrail-corrupt-"));
    writeFileSync(join(dir, "x.json.gz"), Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01]));
    const r = run(["scan", "--snapshot", dir, "--format", "json"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("x.json.gz: not a valid gzip file");
  });

  test("an unwritable --out is a usage error before any work, not a crash", () => {
    const r = run(["scan", "--snapshot", ".", "--format", "json", "--out", "/nonexistent-dir/report.json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("guardrail: cannot write /nonexistent-dir/report.json: ENOENT\n");
  });

  test("a path error is one line in words, naming the path: never a stack trace", () => {
    const dir = mkdtempSync(join(tmpdir(), "guardrail-paths-"));
    writeFileSync(join(dir, "a-file"), "");
    const out = run(["fleet", "generate", "--services", "1", "--out", join(dir, "a-file", "fleet")]);
    expect({ code: out.code, stderr: out.stderr }).toEqual({
      code: 2,
      stderr: `guardrail: ${join(dir, "a-file", "fleet")}: a part of the path is a file, not a folder (ENOTDIR)\n`,
    });
    const missing = run(["scan", "--template", join(dir, "missing.yaml")]);
    expect(missing.code).toBe(3);
    expect(missing.stdout).toContain(`${join(dir, "missing.yaml")}: cannot read: no such file or folder (ENOENT)`);
    expect(missing.stdout + missing.stderr + out.stderr).not.toMatch(/\n\s+at /);
  });

  test("--policy limits the scan; an unknown id is a usage error", () => {
    const unknown = run(["scan", "--snapshot", ".", "--policy", "sqs-nope"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown policy id: sqs-nope");
  });

  test("usage errors exit 2 with a hint", () => {
    const r = run(["scan"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--snapshot");
    expect(run(["scan", "--snapshot", ".", "--format", "xml"]).code).toBe(2);
  });

  test("a folder that holds nothing to scan is not a green run", () => {
    const empty = mkdtempSync(join(tmpdir(), "guardrail-empty-"));
    const snap = run(["scan", "--snapshot", empty, "--format", "json"]);
    expect(snap.code).toBe(3);
    expect(snap.stderr).toContain(`guardrail: nothing was read: no Config snapshot or item file (.json, .json.gz) under ${empty}`); // prettier-ignore
    const tpl = run(["scan", "--template", empty]);
    expect(tpl.code).toBe(3);
    expect(tpl.stderr).toContain(
      `guardrail: nothing was read: no CloudFormation or Serverless template under ${empty}`,
    );
  });

  test("live and aggregator scans: usage errors before any AWS call", () => {
    const both = run(["scan", "--live", "--aggregator", "org", "--region", "eu-west-1"]);
    expect([both.code, both.stderr.trim()]).toEqual([2, "guardrail: --live and --aggregator are separate scans (one report each); run them one at a time"]); // prettier-ignore
    const region = run(["scan", "--live", "--region", "Europe"]);
    expect([region.code, region.stderr.trim()]).toEqual([2, 'guardrail: --region "Europe" is not an AWS Region name (e.g. eu-west-1)']); // prettier-ignore
    const stray = run(["scan", "--snapshot", ".", "--region", "eu-west-1"]);
    expect([stray.code, stray.stderr.trim()]).toEqual([2, "guardrail: --region applies to --live scans"]);
    const name = run(["scan", "--aggregator", "org/../x"]);
    expect(name.code).toBe(2);
    expect(name.stderr).toContain("is not a configuration aggregator name");
  });
});
