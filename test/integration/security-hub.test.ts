import { PassThrough } from "node:stream";
import {
  GetFindingsCommand,
  SecurityHubClient,
  type AwsSecurityFinding,
  type GetFindingsCommandOutput,
} from "@aws-sdk/client-securityhub";
import { importFindings } from "../../lib/aws/securityhub";
import type { AnyEvaluation as Evaluation } from "../../lib/engine/evaluate";
import { asffFinding, createAsffWriter } from "../../lib/report/asff";
import type { PolicyInfo, ScanSummary } from "../../lib/report/types";
import { MOTO_ACCOUNT, MOTO_REGION, useMoto } from "./moto";

/*
 * `scan --format asff` output and the pipeline's imports, sent to moto's BatchImportFindings and read back with
 * GetFindings. What this covers: every finding goes through the SDK's AwsSecurityFinding serializer and back, so a
 * member the API does not define would not come back; requests of at most 100; a second import of the same Id
 * updates the finding (moto replaces its fields). What it does not: moto checks no ASFF constraint beyond a
 * non-empty Resources, and it does not implement Security Hub's rules for provider updates (Workflow kept after
 * creation: "BatchImportFindings for finding providers"), nor BatchUpdateFindings.
 */

jest.setTimeout(60_000);

const moto = useMoto();
let client: SecurityHubClient;
beforeAll(() => {
  client = new SecurityHubClient(moto.config());
});
afterAll(() => client?.destroy());

const POLICY: PolicyInfo = {
  id: "sqs-queue-encrypted",
  title: "SQS queues are encrypted at rest",
  severity: "medium",
  subject: ["AWS::SQS::Queue"],
  frameworks: { "aws-foundational-security-best-practices": ["SQS.1"] },
  file: "policies/sqs/sqs-queue-encrypted.json",
};

const queue = (i: number, compliance: Evaluation["compliance"] = "NON_COMPLIANT"): Evaluation => ({
  policyId: POLICY.id,
  severity: POLICY.severity,
  compliance,
  annotation:
    compliance === "NON_COMPLIANT" ? "no server-side encryption (SqsManagedSseEnabled false, no KMS key)" : undefined,
  resourceType: "AWS::SQS::Queue",
  resourceId: `https://sqs.${MOTO_REGION}.amazonaws.com/${MOTO_ACCOUNT}/orders-${i}`,
  resourceName: `orders-${i}`,
  arn: `arn:aws:sqs:${MOTO_REGION}:${MOTO_ACCOUNT}:orders-${i}`,
  accountId: MOTO_ACCOUNT,
  region: MOTO_REGION,
});

const log = { warn: jest.fn(), error: jest.fn() };

async function allFindings(): Promise<AwsSecurityFinding[]> {
  const out: AwsSecurityFinding[] = [];
  let token: string | undefined;
  do {
    const page: GetFindingsCommandOutput = await client.send(
      new GetFindingsCommand({ MaxResults: 100, ...(token ? { NextToken: token } : {}) }),
    );
    out.push(...(page.Findings ?? []));
    token = page.NextToken;
  } while (token);
  return out;
}

test("scan --format asff output imports as it is, 150 findings in two requests, and reads back unchanged", async () => {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (c: Buffer) => chunks.push(c));
  const writer = createAsffWriter({ out, color: false, now: () => new Date("2026-11-02T09:20:00.000Z") });
  for (let i = 0; i < 150; i++) writer.add(queue(i));
  const summary = { policies: [POLICY] } as unknown as ScanSummary;
  await writer.finish(summary);
  const findings = JSON.parse(Buffer.concat(chunks).toString("utf8")) as AwsSecurityFinding[];

  const result = await importFindings(findings, { log });
  expect(result).toEqual({ calls: 2, imported: 150, failed: [] });

  const stored = await allFindings();
  const byId = new Map(stored.map((f) => [f.Id, f]));
  expect(byId.size).toBe(150);
  for (const f of findings) expect(byId.get(f.Id)).toEqual(f);
});

test("the pipeline's update: the same Id imported again as PASSED and ARCHIVED replaces the finding's state", async () => {
  const failed = asffFinding(queue(1000), POLICY, "2026-11-02T09:20:00.000Z");
  await importFindings([failed], { log });
  const passed = asffFinding(queue(1000, "COMPLIANT"), POLICY, "2026-11-02T09:25:00.000Z");
  expect(passed.Id).toBe(failed.Id);
  const result = await importFindings([passed], { log });
  expect(result.failed).toEqual([]);

  const stored = (await allFindings()).filter((f) => f.Id === failed.Id);
  expect(stored).toHaveLength(1);
  expect(stored[0]).toMatchObject({
    Compliance: { Status: "PASSED" },
    RecordState: "ARCHIVED",
    UpdatedAt: "2026-11-02T09:25:00.000Z",
  });
  expect(log.error).not.toHaveBeenCalled();
});
