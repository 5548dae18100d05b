import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * `guardrail remediation plan | undo` as users run them: the built binary in a child process, no AWS account.
 * Builds first when dist/ has no remediation command yet.
 */
const ROOT = join(__dirname, "..");
const BIN = join(ROOT, "bin", "guardrail.js");
const POLICY = "apigateway-domain-tls-1-2";

let dir: string;

beforeAll(() => {
  if (!existsSync(join(ROOT, "dist", "cli", "commands", "remediation.js"))) {
    execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: ROOT, stdio: "inherit" });
  }
  dir = mkdtempSync(join(tmpdir(), "guardrail-cli-remediation-"));
});

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: dir,
    encoding: "utf8",
    env: {
      ...process.env,
      CI: "true",
      NO_COLOR: "1",
      AWS_REGION: "eu-west-1",
      AWS_ACCESS_KEY_ID: "testing",
      AWS_SECRET_ACCESS_KEY: "testing",
      ...env,
    },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A Config item for a regional custom domain as Config records it (CloudFormation property naming). */
function domainItem(securityPolicy: string | undefined): Record<string, unknown> {
  return {
    configurationItemVersion: "1.3",
    configurationItemCaptureTime: "2026-11-02T09:14:03.120Z",
    configurationStateId: 1793610843120,
    awsAccountId: "111122223333",
    configurationItemStatus: "OK",
    resourceType: "AWS::ApiGateway::DomainName",
    resourceId: "partners.api.example.com",
    resourceName: "partners.api.example.com",
    ARN: "arn:aws:apigateway:eu-west-1::/domainnames/partners.api.example.com",
    awsRegion: "eu-west-1",
    availabilityZone: "Not Applicable",
    resourceCreationTime: "2026-03-02T10:39:51.000Z",
    configurationStateMd5Hash: "",
    tags: { team: "partners" },
    relatedEvents: [],
    relationships: [],
    configuration: {
      DomainName: "partners.api.example.com",
      ...(securityPolicy ? { SecurityPolicy: securityPolicy } : {}),
      EndpointConfiguration: { Types: ["REGIONAL"] },
      RegionalDomainName: "d-8kq3zt1w7e.execute-api.eu-west-1.amazonaws.com",
      RegionalHostedZoneId: "ZLY8HYME6SFDD",
      RegionalCertificateArn: "arn:aws:acm:eu-west-1:111122223333:certificate/4f0c2a9e-7b1d-4c55-9e3a-2d8f6b1a0c77",
      Tags: [{ Key: "team", Value: "partners" }],
    },
    supplementaryConfiguration: {},
  };
}

function writeJson(name: string, value: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(value, null, 2));
  return file;
}

const UPDATE_TO_TLS_1_2 = {
  service: "apigateway",
  operation: "UpdateDomainName",
  input: {
    domainName: "partners.api.example.com",
    patchOperations: [{ op: "replace", path: "/securityPolicy", value: "TLS_1_2" }],
  },
};

function noSdkWarning(stderr: string) {
  expect(stderr).not.toContain("NodeVersionSupportWarning");
  expect(stderr).not.toContain("AWS SDK for JavaScript");
}

describe("guardrail remediation plan", () => {
  test("a domain at TLS_1_0: exactly one UpdateDomainName to TLS_1_2, exit 0, no AWS access", () => {
    const item = writeJson("domain-tls10.json", domainItem("TLS_1_0"));
    const r = run(["remediation", "plan", POLICY, "--item", item], {
      // Any AWS call would fail here: plan must make none.
      GUARDRAIL_AWS_ENDPOINT: "http://127.0.0.1:9",
      GUARDRAIL_AWS_MAX_ATTEMPTS: "1",
    });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(out.compliance).toBe("NON_COMPLIANT");
    expect(out.action).toBe("apigateway-domain-security-policy");
    expect(out.calls).toEqual([UPDATE_TO_TLS_1_2]);
  });

  test("the same item inside a Config rule invoking event's configurationItem", () => {
    const item = writeJson("event.json", { configurationItem: domainItem("TLS_1_0"), messageType: "x" });
    const r = run(["remediation", "plan", POLICY, "--item", item]);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { calls: unknown[] }).calls).toEqual([UPDATE_TO_TLS_1_2]);
  });

  test("a compliant domain: nothing to do, exit 0", () => {
    const item = writeJson("domain-tls12.json", domainItem("TLS_1_2"));
    const r = run(["remediation", "plan", POLICY, "--item", item]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(out.compliance).toBe("COMPLIANT");
    expect(out.calls).toEqual([]);
    expect(out.note).toMatch(/nothing to do/);
  });

  test("an unknown policy id: exit 2, named on stderr", () => {
    const item = writeJson("domain-any.json", domainItem("TLS_1_0"));
    const r = run(["remediation", "plan", "apigateway-domain-tls-9-9", "--item", item]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("apigateway-domain-tls-9-9");
  });

  test("an unreadable item file: exit 3", () => {
    const r = run(["remediation", "plan", POLICY, "--item", join(dir, "missing.json")]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("missing.json");
  });

  test("--help teaches by example and lists the exit codes", () => {
    for (const sub of ["plan", "approve", "undo"]) {
      const r = run(["remediation", sub, "--help"]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`$ guardrail remediation ${sub}`);
      expect(r.stdout).toContain("Exit codes");
    }
  });
});

describe("guardrail remediation undo", () => {
  /** A record as lib/remediation/worker/record.ts writes it for a fixed domain. */
  function record(): Record<string, unknown> {
    const resource = (securityPolicy: string, capturedAt: string) => ({
      type: "AWS::ApiGateway::DomainName",
      id: "partners.api.example.com",
      name: "partners.api.example.com",
      arn: "arn:aws:apigateway:eu-west-1::/domainnames/partners.api.example.com",
      accountId: "111122223333",
      region: "eu-west-1",
      tags: { team: "partners" },
      capturedAt,
      deleted: false,
      document: {
        domainName: "partners.api.example.com",
        securityPolicy,
        endpointConfiguration: { types: ["REGIONAL"] },
        tags: { team: "partners" },
      },
    });
    return {
      recordVersion: 1,
      recordId: "2026-11-02_111122223333_eu-west-1_9f2c4e1a7b3d5e60",
      correlationId: "7c1e2f3a-0b4d-4e5f-8a9b-0c1d2e3f4a5b",
      request: {
        policyId: POLICY,
        resource: { type: "AWS::ApiGateway::DomainName", id: "partners.api.example.com", region: "eu-west-1" },
      },
      policy: {
        id: POLICY,
        title: "API Gateway custom domains require TLS 1.2 or later",
        severity: "medium",
        action: "apigateway-domain-security-policy",
        mode: "auto",
        requestedMode: "auto",
        params: { patchOperations: [{ op: "replace", path: "/securityPolicy", value: "TLS_1_2" }] },
      },
      before: resource("TLS_1_0", "2026-11-02T09:14:05.000Z"),
      evaluation: { compliance: "NON_COMPLIANT", annotation: 'securityPolicy: must be TLS_1_2 (is "TLS_1_0")' },
      plan: [UPDATE_TO_TLS_1_2],
      results: [{ call: UPDATE_TO_TLS_1_2, status: "done", requestId: "req-1", output: {}, durationMs: 120 }],
      after: resource("TLS_1_2", "2026-11-02T09:14:09.000Z"),
      verification: { compliance: "COMPLIANT", attempts: 1, verifiedAt: "2026-11-02T09:14:09.000Z" },
      outcome: "fixed",
      status: "succeeded",
      reason: "fixed and verified",
      principal: "arn:aws:sts::111122223333:assumed-role/deployer/alice",
      cause: { eventName: "UpdateDomainName" },
      delivery: { messageId: "m-1", receiveCount: 1 },
      timings: {
        detectedAt: "2026-11-02T09:14:04.000Z",
        changedAt: "2026-11-02T09:14:03.000Z",
        startedAt: "2026-11-02T09:14:05.000Z",
        finishedAt: "2026-11-02T09:14:09.000Z",
        changeToVerifiedFixMs: 6000,
      },
    };
  }

  test("--dry-run --force on a local record prints the restore call back to TLS_1_0, sends nothing", () => {
    const file = writeJson("record.json", record());
    const r = run(["remediation", "undo", file, "--dry-run", "--force"], {
      GUARDRAIL_AWS_ENDPOINT: "http://127.0.0.1:9",
      GUARDRAIL_AWS_MAX_ATTEMPTS: "1",
    });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      calls: unknown[];
      dryRun: boolean;
      ok: boolean;
      results: { status: string }[];
    };
    expect(out.dryRun).toBe(true);
    expect(out.ok).toBe(true);
    expect(out.calls).toEqual([
      {
        service: "apigateway",
        operation: "UpdateDomainName",
        input: {
          domainName: "partners.api.example.com",
          patchOperations: [{ op: "replace", path: "/securityPolicy", value: "TLS_1_0" }],
        },
      },
    ]);
    expect(out.results.map((x) => x.status)).toEqual(["planned"]);
  });

  test("--dry-run without --force checks the live resource first: unreachable AWS is exit 3 and nothing planned", () => {
    const file = writeJson("record-live.json", record());
    const r = run(["remediation", "undo", file, "--dry-run"], {
      GUARDRAIL_AWS_ENDPOINT: "http://127.0.0.1:9",
      GUARDRAIL_AWS_MAX_ATTEMPTS: "1",
    });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/cannot describe AWS::ApiGateway::DomainName partners\.api\.example\.com/);
    expect(r.stderr).toContain("--force");
    // An SDK client was built here: on Node 20 its NodeVersionSupportWarning must not reach stderr.
    noSdkWarning(r.stderr);
  });

  test("a file that is not a record: exit 3", () => {
    const file = writeJson("not-a-record.json", { hello: "world" });
    const r = run(["remediation", "undo", file, "--dry-run", "--force"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("not a remediation record");
  });

  test("record.json round-trips the shape the worker writes (sanity of the fixture)", () => {
    const file = writeJson("record-shape.json", record());
    const parsed = JSON.parse(readFileSync(file, "utf8")) as { recordId: string };
    expect(parsed.recordId).toMatch(/^\d{4}-\d{2}-\d{2}_\d{12}_[a-z0-9-]+_[0-9a-f]{16}$/);
  });
});

describe("the SDK's NodeVersionSupportWarning", () => {
  test("is dropped by cli/aws-warnings, other warnings still print", () => {
    const script = `
      require(${JSON.stringify(join(ROOT, "dist", "cli", "aws-warnings.js"))});
      const { SQSClient } = require("@aws-sdk/client-sqs");
      new SQSClient({ region: "eu-west-1" });
      process.emitWarning("NodeVersionSupportWarning: The AWS SDK for JavaScript (v3) will require node >=22.");
      process.emitWarning("something else", "OtherWarning");
    `;
    const r = spawnSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" });
    expect(r.status).toBe(0);
    noSdkWarning(r.stderr);
    expect(r.stderr).toContain("OtherWarning: something else");
  });
});
