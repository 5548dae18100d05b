import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import {
  BatchGetResourceConfigCommand,
  ConfigServiceClient,
  GetComplianceDetailsByConfigRuleCommand,
  ListDiscoveredResourcesCommand,
  PutEvaluationsCommand,
  type BaseConfigurationItem,
} from "@aws-sdk/client-config-service";
import {
  BatchImportFindingsCommand,
  SecurityHubClient,
  type AwsSecurityFinding,
  type BatchImportFindingsCommandInput,
} from "@aws-sdk/client-securityhub";
import Ajv2020 from "ajv/dist/2020";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-jest";
import { resetClients } from "../../lib/aws/clients";
import { importFindings } from "../../lib/aws/securityhub";
import type { AnyEvaluation as Evaluation } from "../../lib/engine/evaluate";
import { createReportWriter } from "../../lib/report";
import {
  ASFF_SCHEMA_VERSION,
  asffFinding,
  asffFindingId,
  asffResourceType,
  asffTemplateProblem,
  createAsffWriter,
} from "../../lib/report/asff";
import { createOcsfWriter, OCSF_CLASS_UID } from "../../lib/report/ocsf";
import type { PolicyInfo, ScanSummary } from "../../lib/report/types";
import { handler } from "../../rules/config-rule";
import { scanCommand } from "../../cli/commands/scan";
import { UsageError } from "../../cli/exit";

/*
 * Findings for Security Hub (ASFF) and Security Lake (OCSF), and the deployed pipeline's BatchImportFindings.
 * Sources: Security Hub User Guide, "Required top-level ASFF attributes", "Optional top-level ASFF attributes",
 * "Types taxonomy for ASFF", "BatchImportFindings for finding providers"; API Reference, AwsSecurityFinding,
 * BatchImportFindings (≤100 findings a request, FailedFindings) and ResourceDetails (the resource type names);
 * OCSF 1.1.0 Compliance Finding (test/fixtures/ocsf/README.md). Config rule events: as in config-rule.test.ts.
 */

const ACCOUNT = "111122223333";
const REGION = "eu-west-1";
const AT = new Date("2026-11-02T09:20:00.000Z");

const POLICIES: PolicyInfo[] = [
  {
    id: "s3-bucket-public-access-blocked",
    title: "S3 buckets block public access",
    severity: "critical",
    subject: ["AWS::S3::Bucket"],
    frameworks: {
      "aws-foundational-security-best-practices": ["S3.8"],
      "cis-aws-foundations-benchmark-3.0.0": ["2.1.4"],
    },
    file: "policies/s3/s3-bucket-public-access-blocked.json",
  },
  {
    id: "sqs-queue-encrypted",
    title: "SQS queues are encrypted at rest",
    severity: "medium",
    subject: ["AWS::SQS::Queue"],
    file: "policies/sqs/sqs-queue-encrypted.json",
  },
];

function ev(policyId: string, name: string, compliance: Evaluation["compliance"], extra: Partial<Evaluation> = {}) {
  const policy = POLICIES.find((p) => p.id === policyId) as PolicyInfo;
  const type = policy.subject[0] as string;
  const s3 = type === "AWS::S3::Bucket";
  const e: Evaluation = {
    policyId,
    severity: policy.severity,
    compliance,
    annotation: compliance === "COMPLIANT" ? undefined : `${name}: fails ${policyId}`,
    resourceType: type,
    resourceId: s3 ? name : `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name}`,
    resourceName: name,
    arn: s3 ? `arn:aws:s3:::${name}` : `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`,
    accountId: ACCOUNT,
    region: REGION,
    ...extra,
  };
  return e;
}

function summary(): ScanSummary {
  return {
    tool: { name: "guardrail", version: "0.0.0-test" },
    startedAt: AT.toISOString(),
    durationMs: 5,
    inputs: ["snapshot.json"],
    policies: POLICIES,
    files: { read: 1, failed: 0 },
    items: { read: 4, evaluated: 4, deleted: 0, notCovered: {} },
    evaluations: 5,
    byCompliance: { COMPLIANT: 1, NON_COMPLIANT: 2, EXEMPT: 1, NOT_APPLICABLE: 1 },
    violationsBySeverity: { critical: 1, high: 0, medium: 1, low: 0, info: 0 },
    byPolicy: {},
    violationsByAccount: { [ACCOUNT]: 2 },
    expiredExemptions: 0,
    problems: [],
  };
}

const FLEET: Evaluation[] = [
  ev("sqs-queue-encrypted", "orders", "NON_COMPLIANT"),
  ev("s3-bucket-public-access-blocked", "acme-logs", "NON_COMPLIANT"),
  ev("sqs-queue-encrypted", "billing", "COMPLIANT"),
  ev("sqs-queue-encrypted", "legacy", "EXEMPT", {
    annotation: "exempt (file by platform-team until 2027-01-01): not encrypted",
    exemption: {
      source: "file",
      active: true,
      owner: "platform-team",
      expires: "2027-01-01",
      justification: "migrating",
    },
  }),
  ev("sqs-queue-encrypted", "gone", "NOT_APPLICABLE"),
];

async function render(make: typeof createAsffWriter, evaluations: Evaluation[]): Promise<unknown[]> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (c: Buffer) => chunks.push(c));
  const writer = make({ out, color: false, now: () => AT });
  for (const e of evaluations) writer.add(e);
  await writer.finish(summary());
  return JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown[];
}

/**
 * What the API Reference states of each AwsSecurityFinding member it constrains, checked on a finding: the
 * required attributes, lengths, patterns and enums. (Its type is checked by the compiler: `asffFinding` returns the
 * SDK's AwsSecurityFinding.)
 */
function asffProblems(f: AwsSecurityFinding): string[] {
  const problems: string[] = [];
  const required = [
    "AwsAccountId",
    "CreatedAt",
    "Description",
    "GeneratorId",
    "Id",
    "ProductArn",
    "Resources",
    "SchemaVersion",
    "Title",
    "UpdatedAt",
  ] as const;
  for (const k of required) if (f[k] === undefined || f[k] === "") problems.push(`${k} missing`);
  if (!/^\d{12}$/.test(String(f.AwsAccountId))) problems.push("AwsAccountId is not 12 digits");
  const iso = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:?\d\d)$/;
  for (const k of ["CreatedAt", "UpdatedAt"] as const) if (!iso.test(String(f[k]))) problems.push(`${k} format`);
  if ((f.Title ?? "").length > 256) problems.push("Title over 256");
  if ((f.Description ?? "").length > 1024) problems.push("Description over 1024");
  if ((f.Id ?? "").length > 512) problems.push("Id over 512");
  if (!/^arn:aws(-cn|-us-gov)?:securityhub:[a-z0-9-]+:\d{12}:product\/\d{12}\/default$/.test(String(f.ProductArn)))
    problems.push(`ProductArn ${f.ProductArn}`);
  if ((f.Types ?? []).length > 50) problems.push("more than 50 Types");
  for (const t of f.Types ?? []) {
    if (t.split("/").length > 3 || !t.startsWith("Software and Configuration Checks")) problems.push(`Type ${t}`);
  }
  if (!["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"].includes(String(f.Severity?.Label)))
    problems.push("Severity.Label");
  if (!["PASSED", "WARNING", "FAILED", "NOT_AVAILABLE"].includes(String(f.Compliance?.Status)))
    problems.push("Compliance.Status");
  if ((f.Compliance?.RelatedRequirements ?? []).length > 32) problems.push("more than 32 RelatedRequirements");
  if (!["NEW", "NOTIFIED", "RESOLVED", "SUPPRESSED"].includes(String(f.Workflow?.Status))) problems.push("Workflow");
  if (!["ACTIVE", "ARCHIVED"].includes(String(f.RecordState))) problems.push("RecordState");
  if ((f.Resources ?? []).length < 1 || (f.Resources ?? []).length > 32) problems.push("Resources: 1 to 32");
  for (const r of f.Resources ?? []) if (!r.Type || !r.Id) problems.push("Resources[].Type and Id required");
  return problems;
}

describe("--format asff", () => {
  test("a JSON array of ASFF findings, one per violation, exemption included; compliant and N/A left out", async () => {
    const findings = (await render(createAsffWriter, FLEET)) as AwsSecurityFinding[];
    expect(findings.map((f) => [f.GeneratorId, f.Resources?.[0]?.Id, f.Compliance?.Status, f.RecordState])).toEqual([
      ["s3-bucket-public-access-blocked", "arn:aws:s3:::acme-logs", "FAILED", "ACTIVE"],
      ["sqs-queue-encrypted", `arn:aws:sqs:${REGION}:${ACCOUNT}:legacy`, "FAILED", "ARCHIVED"],
      ["sqs-queue-encrypted", `arn:aws:sqs:${REGION}:${ACCOUNT}:orders`, "FAILED", "ACTIVE"],
    ]);
    for (const f of findings) expect([f.Id, asffProblems(f)]).toEqual([f.Id, []]);
  });

  test("every field of a finding, as the ASFF reference describes it", async () => {
    const [s3] = (await render(createAsffWriter, [FLEET[1] as Evaluation])) as AwsSecurityFinding[];
    expect(s3).toEqual({
      SchemaVersion: "2018-10-08",
      Id: asffFindingId(FLEET[1] as Evaluation),
      ProductArn: `arn:aws:securityhub:${REGION}:${ACCOUNT}:product/${ACCOUNT}/default`,
      ProductName: "Guardrail",
      CompanyName: "Guardrail",
      GeneratorId: "s3-bucket-public-access-blocked",
      AwsAccountId: ACCOUNT,
      Types: [
        "Software and Configuration Checks/AWS Security Best Practices",
        "Software and Configuration Checks/Industry and Regulatory Standards/AWS Foundational Security Best Practices",
        "Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark",
      ],
      CreatedAt: AT.toISOString(),
      UpdatedAt: AT.toISOString(),
      Severity: { Label: "CRITICAL", Original: "critical" },
      Title: "S3 buckets block public access",
      Description: "AWS::S3::Bucket acme-logs: acme-logs: fails s3-bucket-public-access-blocked.",
      Remediation: {
        Recommendation: {
          Text: "Change the resource so that it satisfies policy s3-bucket-public-access-blocked; see guardrail explain s3-bucket-public-access-blocked.",
        },
      },
      ProductFields: {
        "guardrail/PolicyId": "s3-bucket-public-access-blocked",
        "guardrail/Compliance": "NON_COMPLIANT",
        "guardrail/ResourceType": "AWS::S3::Bucket",
      },
      Resources: [{ Type: "AwsS3Bucket", Id: "arn:aws:s3:::acme-logs", Partition: "aws", Region: REGION }],
      Compliance: {
        Status: "FAILED",
        RelatedRequirements: [
          "aws-foundational-security-best-practices S3.8",
          "cis-aws-foundations-benchmark-3.0.0 2.1.4",
        ],
      },
      Workflow: { Status: "NEW" },
      RecordState: "ACTIVE",
      FindingProviderFields: {
        Severity: { Label: "CRITICAL", Original: "critical" },
        Types: [
          "Software and Configuration Checks/AWS Security Best Practices",
          "Software and Configuration Checks/Industry and Regulatory Standards/AWS Foundational Security Best Practices",
          "Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark",
        ],
      },
    });
  });

  test("an exemption is SUPPRESSED and archived, never PASSED, and says who, until when and why", async () => {
    const [legacy] = (await render(createAsffWriter, [FLEET[3] as Evaluation])) as AwsSecurityFinding[];
    expect(legacy?.Workflow).toEqual({ Status: "SUPPRESSED" });
    expect(legacy?.Compliance?.Status).toBe("FAILED");
    expect(legacy?.Description).toContain("Exempt (file, owner platform-team, until 2027-01-01): migrating.");
  });

  test("the Id is stable: the same policy and resource give the same finding, another resource another", () => {
    const a = asffFinding(FLEET[0] as Evaluation, POLICIES[1] as PolicyInfo, AT.toISOString());
    const b = asffFinding(
      { ...(FLEET[0] as Evaluation), annotation: "another reason" },
      POLICIES[1] as PolicyInfo,
      "2027-01-01T00:00:00.000Z",
    );
    expect(a.Id).toBe(b.Id);
    expect(asffFindingId(FLEET[2] as Evaluation)).not.toBe(a.Id);
    expect(asffFindingId({ ...(FLEET[0] as Evaluation), region: "us-east-1" })).not.toBe(a.Id);
  });

  test("resource types: ASFF names where Security Hub has one, else Other; partitions from the ARN", () => {
    expect(asffResourceType("AWS::SQS::Queue")).toBe("AwsSqsQueue");
    expect(asffResourceType("AWS::DynamoDB::Table")).toBe("AwsDynamoDbTable");
    expect(asffResourceType("AWS::ElasticLoadBalancingV2::LoadBalancer")).toBe("AwsElbv2LoadBalancer");
    expect(asffResourceType("AWS::StepFunctions::StateMachine")).toBe("AwsStepFunctionStateMachine");
    expect(asffResourceType("AWS::Logs::LogGroup")).toBe("Other");
    expect(asffResourceType("constructor")).toBe("Other");
    const cn = asffFinding(
      { ...(FLEET[0] as Evaluation), region: "cn-north-1", arn: `arn:aws-cn:sqs:cn-north-1:${ACCOUNT}:orders` },
      POLICIES[1] as PolicyInfo,
      AT.toISOString(),
    );
    expect(cn.ProductArn).toBe(`arn:aws-cn:securityhub:cn-north-1:${ACCOUNT}:product/${ACCOUNT}/default`);
    expect(cn.Resources?.[0]?.Partition).toBe("aws-cn");
  });

  test("long annotations and titles are cut to the ASFF limits", () => {
    const f = asffFinding(
      { ...(FLEET[0] as Evaluation), annotation: "x".repeat(5000) },
      { ...(POLICIES[1] as PolicyInfo), title: "t".repeat(400) },
      AT.toISOString(),
    );
    expect(asffProblems(f)).toEqual([]);
    expect(f.Title).toHaveLength(256);
    expect(f.Description).toHaveLength(1024);
  });

  test("a template scan needs the account and Region its findings belong to", () => {
    expect(asffTemplateProblem({})).toMatch(/--parameter AWS::AccountId=123456789012 --parameter AWS::Region=/);
    expect(asffTemplateProblem({ "AWS::AccountId": "12", "AWS::Region": REGION })).toBeDefined();
    expect(asffTemplateProblem({ "AWS::AccountId": ACCOUNT, "AWS::Region": REGION })).toBeUndefined();
  });

  test("scan --template --format asff without the account and Region: a usage error before anything is read", async () => {
    const run = scanCommand({ template: ["stack.yaml"], format: "asff" } as Parameters<typeof scanCommand>[0]);
    await expect(run).rejects.toThrow(UsageError);
    await expect(
      scanCommand({ template: ["stack.yaml"], format: "asff" } as Parameters<typeof scanCommand>[0]),
    ).rejects.toThrow(/AWS::AccountId=123456789012 --parameter AWS::Region=/);
  });

  test("guardrail scan --snapshot --format asff end to end: the pack's findings for a Config snapshot", async () => {
    // A configuration snapshot as Config delivers it (AWS Config Developer Guide, "Configuration snapshot").
    const dir = mkdtempSync(join(tmpdir(), "guardrail-asff-"));
    const item = (name: string, configuration: Record<string, string>) => ({
      configurationItemVersion: "1.3",
      configurationItemCaptureTime: "2026-11-20T08:00:00.000Z",
      configurationStateId: 1795075200000,
      awsAccountId: ACCOUNT,
      configurationItemStatus: "OK",
      resourceType: "AWS::SQS::Queue",
      resourceId: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name}`,
      resourceName: name,
      ARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`,
      awsRegion: REGION,
      availabilityZone: "Not Applicable",
      configuration: { QueueArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`, ...configuration },
      supplementaryConfiguration: { Tags: {} },
      tags: {},
      relationships: [],
      relatedEvents: [],
    });
    const snapshot = join(dir, "snapshot.json");
    writeFileSync(
      snapshot,
      JSON.stringify({
        fileVersion: "1.0",
        configSnapshotId: "0b7c3f2e-5d5e-4c1a-9a4e-2f1d6c8b9e10",
        configurationItems: [item("orders", { SqsManagedSseEnabled: "true" }), item("plain", {})],
      }),
    );
    const out = join(dir, "findings.asff.json");
    jest.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      const code = await scanCommand({ snapshot: [snapshot], format: "asff", out, workers: 1 } as Parameters<
        typeof scanCommand
      >[0]);
      expect(code).toBe(1); // findings fail the scan by default
    } finally {
      jest.restoreAllMocks();
    }
    const findings = JSON.parse(readFileSync(out, "utf8")) as AwsSecurityFinding[];
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) {
      expect([f.GeneratorId, asffProblems(f)]).toEqual([f.GeneratorId, []]);
      expect(f.Resources?.[0]).toMatchObject({ Type: "AwsSqsQueue", Partition: "aws", Region: REGION });
    }
    const encrypted = findings.find((f) => f.GeneratorId === "sqs-queue-encrypted");
    expect(encrypted?.Title).not.toBe("sqs-queue-encrypted"); // the policy's title, from the pack
    expect(encrypted?.Compliance?.Status).toBe("FAILED");
    expect(encrypted?.Resources?.[0]?.Id).toBe(`arn:aws:sqs:${REGION}:${ACCOUNT}:plain`);
  });

  test("registered: createReportWriter('asff') and ('ocsf') write their formats", async () => {
    for (const format of ["asff", "ocsf"] as const) {
      const out = new PassThrough();
      let text = "";
      out.on("data", (c: Buffer) => (text += c.toString()));
      const writer = createReportWriter(format, { out, color: false });
      for (const e of FLEET) writer.add(e);
      await writer.finish(summary());
      expect((JSON.parse(text) as unknown[]).length).toBe(3);
    }
  });
});

describe("--format ocsf", () => {
  const schema = JSON.parse(
    readFileSync(join(__dirname, "..", "fixtures", "ocsf", "compliance_finding-1.1.0.schema.json"), "utf8"),
  ) as object;
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);

  test("OCSF 1.1.0 Compliance Findings that pass the class's schema", async () => {
    const findings = (await render(createOcsfWriter, FLEET)) as Record<string, unknown>[];
    expect(findings).toHaveLength(3);
    for (const f of findings) expect([validate(f), validate.errors ?? null]).toEqual([true, null]);
    expect(findings[0]).toMatchObject({
      class_uid: OCSF_CLASS_UID,
      category_uid: 2,
      activity_id: 1,
      type_uid: 200301,
      time: AT.getTime(),
      severity_id: 5,
      status_id: 1,
      metadata: { version: "1.1.0", product: { name: "Guardrail", vendor_name: "Guardrail" } },
      finding_info: { uid: asffFindingId(FLEET[1] as Evaluation), title: "S3 buckets block public access" },
      compliance: {
        control: "s3-bucket-public-access-blocked",
        standards: ["aws-foundational-security-best-practices", "cis-aws-foundations-benchmark-3.0.0"],
        requirements: ["aws-foundational-security-best-practices S3.8", "cis-aws-foundations-benchmark-3.0.0 2.1.4"],
        status_id: 3,
        status: "Fail",
      },
      resource: { uid: "arn:aws:s3:::acme-logs", type: "AWS::S3::Bucket", region: REGION },
      cloud: { provider: "AWS", region: REGION, account: { uid: ACCOUNT, type_id: 10 } },
    });
    // The exemption: suppressed, still failing the control.
    expect(findings[1]).toMatchObject({ status_id: 3, compliance: { status_id: 3, standards: ["guardrail"] } });
  });

  test("the fixture schema catches a finding that lacks what the class requires", () => {
    expect(validate({ class_uid: 2003 })).toBe(false);
    expect(validate({ ...{ class_uid: 2003 }, compliance: {} })).toBe(false);
  });
});

// ---- BatchImportFindings ----------------------------------------------------------------------------------

const hub = mockClient(SecurityHubClient);
const config = mockClient(ConfigServiceClient);

function log() {
  const lines: { level: string; message: string; extra: Record<string, unknown> }[] = [];
  return {
    lines,
    warn: (message: string, extra: Record<string, unknown> = {}) => lines.push({ level: "warn", message, extra }),
    error: (message: string, extra: Record<string, unknown> = {}) => lines.push({ level: "error", message, extra }),
  };
}

const queueFindings = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    asffFinding(ev("sqs-queue-encrypted", `q${i}`, "NON_COMPLIANT"), POLICIES[1] as PolicyInfo, AT.toISOString()),
  );

const batches = () =>
  hub
    .commandCalls(BatchImportFindingsCommand)
    .map((c) => (c.args[0].input as BatchImportFindingsCommandInput).Findings);

describe("importFindings", () => {
  beforeEach(() => hub.reset());
  afterAll(() => resetClients());

  test("101 findings: two requests, 100 then 1, in order", async () => {
    hub.on(BatchImportFindingsCommand).callsFake((input: BatchImportFindingsCommandInput) => ({
      FailedCount: 0,
      SuccessCount: input.Findings?.length,
      FailedFindings: [],
    }));
    const findings = queueFindings(101);
    const l = log();
    const r = await importFindings(findings, { log: l });
    expect(batches()).toEqual([findings.slice(0, 100), findings.slice(100)]);
    expect(r).toEqual({ calls: 2, imported: 101, failed: [] });
    expect(l.lines).toEqual([]);
  });

  test("FailedFindings are sent once more; what is still refused is logged by Id and returned, not thrown", async () => {
    const findings = queueFindings(3);
    const [a, , c] = findings.map((f) => f.Id as string);
    hub
      .on(BatchImportFindingsCommand)
      .resolvesOnce({
        FailedCount: 2,
        SuccessCount: 1,
        FailedFindings: [
          { Id: a, ErrorCode: "LimitExceeded", ErrorMessage: "slow down" },
          { Id: c, ErrorCode: "InvalidInput", ErrorMessage: "bad field" },
        ],
      })
      .resolvesOnce({
        FailedCount: 1,
        SuccessCount: 1,
        FailedFindings: [{ Id: c, ErrorCode: "InvalidInput", ErrorMessage: "bad field" }],
      });
    const l = log();
    const r = await importFindings(findings, { log: l });
    expect(batches()).toEqual([findings, [findings[0], findings[2]]]);
    expect(r).toEqual({
      calls: 2,
      imported: 2,
      failed: [{ Id: c, ErrorCode: "InvalidInput", ErrorMessage: "bad field" }],
    });
    expect(l.lines.map((x) => x.level)).toEqual(["warn", "error"]);
    expect(l.lines[1]?.extra).toEqual({ count: 1, byError: { InvalidInput: { message: "bad field", ids: [c] } } });
  });

  test("a request that fails as a whole (Security Hub not enabled) counts every finding failed, and does not throw", async () => {
    const denied = Object.assign(new Error("Account 111122223333 is not subscribed to AWS Security Hub"), {
      name: "InvalidAccessException",
    });
    hub.on(BatchImportFindingsCommand).rejects(denied);
    const l = log();
    const r = await importFindings(queueFindings(2), { log: l });
    expect(r.calls).toBe(2);
    expect(r.imported).toBe(0);
    expect(r.failed.map((f) => f.ErrorCode)).toEqual(["InvalidAccessException", "InvalidAccessException"]);
    expect(l.lines.at(-1)?.message).toBe("Security Hub did not import findings");
  });
});

// ---- the Config rule with the securityHub option ----------------------------------------------------------

describe("rules/config-rule with GUARDRAIL_SECURITY_HUB=true", () => {
  const TOKEN = "eyJlbmNyeXB0ZWREYXRhIjpbMSwyLDNdfQ==";
  const NOTIFIED = AT.toISOString();
  const urls = Array.from({ length: 101 }, (_, i) => `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/q${i}`);

  /** BatchGetResourceConfig's items (API naming; AWS Config API Reference, BatchGetResourceConfig): odd queues unencrypted. */
  const item = (resourceId: string, i: number): BaseConfigurationItem => ({
    version: "1.3",
    accountId: ACCOUNT,
    configurationItemCaptureTime: new Date("2026-11-01T00:00:00.000Z"),
    configurationItemStatus: "OK",
    configurationStateId: "1793610843120",
    arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:q${i}`,
    resourceType: "AWS::SQS::Queue",
    resourceId,
    resourceName: `q${i}`,
    awsRegion: REGION,
    configuration: i % 2 === 0 ? '{"SqsManagedSseEnabled":"true"}' : '{"SqsManagedSseEnabled":"false"}',
    supplementaryConfiguration: { Tags: "{}" },
  });

  const ruleEvent = () => ({
    version: "1.0",
    invokingEvent: JSON.stringify({
      awsAccountId: ACCOUNT,
      notificationCreationTime: NOTIFIED,
      messageType: "ScheduledNotification",
      recordVersion: "1.0",
    }),
    ruleParameters: JSON.stringify({ policyId: "sqs-queue-encrypted" }),
    resultToken: TOKEN,
    eventLeftScope: false,
    executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/config-role`,
    configRuleArn: `arn:aws:config:${REGION}:${ACCOUNT}:config-rule/config-rule-abc123`,
    configRuleName: "guardrail-sqs-queue-encrypted",
    configRuleId: "config-rule-abc123",
    accountId: ACCOUNT,
  });

  const saved = { hub: process.env.GUARDRAIL_SECURITY_HUB, region: process.env.AWS_REGION };
  beforeEach(() => {
    hub.reset();
    config.reset();
    process.env.AWS_REGION = REGION;
    config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
    config.on(GetComplianceDetailsByConfigRuleCommand).resolves({ EvaluationResults: [] });
    config
      .on(ListDiscoveredResourcesCommand)
      .resolvesOnce({
        resourceIdentifiers: urls.slice(0, 100).map((resourceId) => ({ resourceType: "AWS::SQS::Queue", resourceId })),
        nextToken: "p2",
      })
      .resolvesOnce({
        resourceIdentifiers: urls.slice(100).map((resourceId) => ({ resourceType: "AWS::SQS::Queue", resourceId })),
      });
    config.on(BatchGetResourceConfigCommand).callsFake((input: { resourceKeys: { resourceId: string }[] }) => ({
      baseConfigurationItems: input.resourceKeys.map((k) => item(k.resourceId, urls.indexOf(k.resourceId))),
    }));
    hub.on(BatchImportFindingsCommand).callsFake((input: BatchImportFindingsCommandInput) => ({
      FailedCount: 0,
      SuccessCount: input.Findings?.length,
      FailedFindings: [],
    }));
    jest.spyOn(process.stdout, "write").mockImplementation(() => true);
    jest.spyOn(process.stderr, "write").mockImplementation(() => true);
  });
  afterEach(() => {
    jest.restoreAllMocks();
    for (const [k, v] of [
      ["GUARDRAIL_SECURITY_HUB", saved.hub],
      ["AWS_REGION", saved.region],
    ] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
  afterAll(() => resetClients());

  test("a sweep of 101 queues imports 101 findings in two requests (100 + 1): FAILED for the unencrypted, PASSED for the rest", async () => {
    process.env.GUARDRAIL_SECURITY_HUB = "true";
    const outcome = await handler(ruleEvent());
    const sent = batches();
    expect(sent.map((b) => b?.length)).toEqual([100, 1]);
    const all = sent.flat() as AwsSecurityFinding[];
    expect(all.map((f) => f.Resources?.[0]?.Id)).toEqual(urls.map((_, i) => `arn:aws:sqs:${REGION}:${ACCOUNT}:q${i}`));
    expect(all.map((f) => [f.Compliance?.Status, f.RecordState])).toEqual(
      urls.map((_, i) => (i % 2 === 0 ? ["PASSED", "ARCHIVED"] : ["FAILED", "ACTIVE"])),
    );
    for (const f of all) {
      expect(asffProblems(f)).toEqual([]);
      expect(f).toMatchObject({
        ProductArn: `arn:aws:securityhub:${REGION}:${ACCOUNT}:product/${ACCOUNT}/default`,
        GeneratorId: "sqs-queue-encrypted",
        AwsAccountId: ACCOUNT,
        CreatedAt: NOTIFIED,
        UpdatedAt: NOTIFIED,
      });
    }
    // The finding Id is the one `scan --format asff` gives the same queue.
    expect(all[1]?.Id).toBe(
      asffFindingId({
        ...ev("sqs-queue-encrypted", "q1", "NON_COMPLIANT"),
        resourceId: urls[1] as string,
      }),
    );
    expect(outcome).toMatchObject({ sent: 101, securityHub: { imported: 101, failed: 0 } });
    expect(ASFF_SCHEMA_VERSION).toBe(all[0]?.SchemaVersion);
  });

  test("off by default: no Security Hub call", async () => {
    delete process.env.GUARDRAIL_SECURITY_HUB;
    const outcome = await handler(ruleEvent());
    expect(hub.commandCalls(BatchImportFindingsCommand)).toHaveLength(0);
    expect(outcome).not.toHaveProperty("securityHub");
    expect(outcome).toMatchObject({ sent: 101 });
  });

  test("Security Hub refusing the findings does not fail the rule: Config has its verdicts, the failures are counted", async () => {
    process.env.GUARDRAIL_SECURITY_HUB = "true";
    hub.on(BatchImportFindingsCommand).rejects(Object.assign(new Error("denied"), { name: "AccessDeniedException" }));
    const outcome = await handler(ruleEvent());
    expect(config.commandCalls(PutEvaluationsCommand).length).toBe(2);
    expect(outcome).toMatchObject({ sent: 101, securityHub: { imported: 0, failed: 101 } });
  });
});

// ---- IAM ---------------------------------------------------------------------------------------------------

describe("deploy/iam.js: the securityHub option", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const iam = require("../../deploy/iam.js") as {
    statements(stage: string, fn: string, centralAuditBucket: string, securityHub?: boolean): Record<string, unknown>[];
  };
  const grants = (fn: string, on: boolean) =>
    iam
      .statements("prod", fn, "", on)
      .filter((s) => JSON.stringify(s.Action).includes("securityhub:"))
      .map((s) => ({ Action: s.Action, Resource: s.Resource }));

  test("on: BatchImportFindings on the account's own default product ARN, for the rule, the sweeps and the worker only", () => {
    const own = {
      Action: ["securityhub:BatchImportFindings"],
      Resource: [
        {
          "Fn::Sub":
            "arn:${AWS::Partition}:securityhub:${AWS::Region}:${AWS::AccountId}:product/${AWS::AccountId}/default",
        },
      ],
    };
    for (const fn of ["configRule", "sweepWorker", "remediationWorker"])
      expect([fn, grants(fn, true)]).toEqual([fn, [own]]);
    expect(grants("cloudTrailEvents", true)).toEqual([]);
  });

  test("off (the default): no role may call Security Hub", () => {
    for (const fn of ["configRule", "sweepWorker", "cloudTrailEvents", "remediationWorker"]) {
      expect([fn, grants(fn, false)]).toEqual([fn, []]);
      expect([fn, iam.statements("prod", fn, "").some((s) => JSON.stringify(s).includes("securityhub"))]).toEqual([
        fn,
        false,
      ]);
    }
  });
});
