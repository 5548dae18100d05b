import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * `guardrail scan` with inline suppressions and baselines, as users run it (the built binary in a child process):
 * adopt on an estate with violations, then fail only on new ones; exit codes and messages.
 */
const ROOT = join(__dirname, "..");
const BIN = join(ROOT, "bin", "guardrail.js");

beforeAll(() => {
  if (!existsSync(join(ROOT, "dist", "cli", "main.js"))) {
    execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: ROOT, stdio: "inherit" });
  }
});

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, CI: "true", NO_COLOR: "1" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const TEMPLATE = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Metadata:
      guardrail:
        suppress:
          - policy: sqs-queue-encrypted
            justification: Legacy consumer cannot read SSE queues until it is replaced
    Properties:
      QueueName: jobs
      SqsManagedSseEnabled: false
`;

describe("scan --create-baseline / --baseline", () => {
  const dir = mkdtempSync(join(tmpdir(), "guardrail-cli-baseline-"));
  mkdirSync(join(dir, "infra"));
  writeFileSync(join(dir, "infra", "app.yaml"), TEMPLATE);

  test("adopt, then only a new violation fails; the suppression is EXEMPT in SARIF, in source", () => {
    const created = run(["scan", "--template", "infra", "--create-baseline", "guardrail.baseline.json"], dir);
    expect(created.code).toBe(1); // the violations are still findings on the run that records them
    expect(created.stderr).toMatch(/baseline of 2 violations written to guardrail\.baseline\.json/);
    const baseline = JSON.parse(readFileSync(join(dir, "guardrail.baseline.json"), "utf8")) as {
      violations: unknown[];
    };
    expect(baseline.violations).toContainEqual({
      policy: "sqs-queue-tls-only",
      file: "infra/app.yaml",
      logicalId: "Queue",
    });

    const clean = run(["scan", "--template", "infra", "--baseline", "guardrail.baseline.json"], dir);
    expect(clean.stderr).toBe("");
    expect(clean.code).toBe(0);

    // From another folder, with SARIF: the baseline's file names are relative to the baseline.
    const sarif = run(
      [
        "scan",
        "--template",
        join(dir, "infra"),
        "--baseline",
        join(dir, "guardrail.baseline.json"),
        "--format",
        "sarif",
      ],
      tmpdir(),
    );
    expect(sarif.code).toBe(0);
    const results = (
      JSON.parse(sarif.stdout) as {
        runs: { results: { ruleId: string; suppressions?: { kind: string }[] }[] }[];
      }
    ).runs[0]?.results;
    expect(results?.find((r) => r.ruleId === "sqs-queue-encrypted")?.suppressions?.[0]?.kind).toBe("inSource");
    expect(results?.find((r) => r.ruleId === "sqs-queue-tls-only")?.suppressions?.[0]?.kind).toBe("external");

    writeFileSync(
      join(dir, "infra", "app.yaml"),
      TEMPLATE + "  Other:\n    Type: AWS::SQS::Queue\n    Properties:\n      SqsManagedSseEnabled: true\n",
    );
    const grown = run(["scan", "--template", "infra", "--baseline", "guardrail.baseline.json"], dir);
    expect(grown.code).toBe(1);
    expect(grown.stdout).toMatch(/Other/);
  });

  test("a malformed baseline is a usage error naming file and pointer; a missing one too", () => {
    writeFileSync(join(dir, "bad.json"), '{"version": 1, "violations": [{"policy": "x"}]}');
    const bad = run(["scan", "--template", "infra", "--baseline", "bad.json"], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.json:1:\d+ +\/violations\/0 /);
    expect(bad.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const missing = run(["scan", "--template", "infra", "--baseline", "nope.json"], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/baseline: nope\.json: no such file/);
    const nowhere = run(["scan", "--template", "infra", "--create-baseline", "no/such/dir/b.json"], dir);
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toMatch(/--create-baseline no\/such\/dir\/b\.json: no such folder/);
  });

  test("a malformed suppression exits 3 naming file:line:col and the pointer", () => {
    const f = join(dir, "bad.yaml");
    writeFileSync(
      f,
      TEMPLATE.replace(
        "justification: Legacy consumer cannot read SSE queues until it is replaced",
        "justification: tbd",
      ),
    );
    const r = run(["scan", "--template", "bad.yaml", "--format", "json"], dir);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /error: bad\.yaml:9:28 \/Resources\/Queue\/Metadata\/guardrail\/suppress\/0\/justification: justification is required/,
    );
  });

  test("--help shows both options with examples", () => {
    const r = run(["scan", "--help"], dir);
    expect(r.stdout).toMatch(/--baseline <file>/);
    expect(r.stdout).toMatch(/--create-baseline <file>/);
    expect(r.stdout).toContain("$ guardrail scan --template infra/ --baseline guardrail.baseline.json");
  });
});
