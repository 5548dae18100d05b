import {
  APIGatewayClient,
  CreateDeploymentCommand,
  GetStagesCommand,
  UpdateDomainNameCommand,
  UpdateRestApiCommand,
} from "@aws-sdk/client-api-gateway";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { PublishCommand, SNSClient, type PublishCommandInput } from "@aws-sdk/client-sns";
import { ChangeMessageVisibilityCommand, SQSClient } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-jest";
import type { SQSBatchResponse, SQSRecord } from "aws-lambda";
import { resetClients } from "../../lib/aws/clients";
import type { RemediationRequest } from "../../lib/detect/request";
import { toConfigItem } from "../../lib/resources/config-item";
import { resourceFromConfigItem, type Resource } from "../../lib/resources/adapter";
import { adapterFor } from "../../lib/resources/registry";
import { UnsupportedDescribeError } from "../../lib/resources/describe";
import { describeResource } from "../../lib/remediation/worker/deps";
import { approveRemediation, ApprovalError } from "../../lib/remediation/worker/approve";
import { configureWorker, handler } from "../../remediations/worker";
import {
  ACCOUNT,
  FakeBucket,
  FakeTable,
  lambdaContext,
  REGION,
  snsEnvelope,
  sqsRecord,
  TOPIC_ARN,
} from "./worker-fakes";

/*
 * The remediation worker end to end, AWS behind aws-sdk-client-mock: SQS batches whose bodies are real SNS
 * envelopes (SNS Developer Guide, "Amazon SNS message and JSON formats"), the live describe mocked
 * (lib/remediation/worker/deps.ts), DynamoDB as a fake table that honours conditional writes (Powertools
 * idempotency, rate limit, circuit breaker), S3 as a map. UpdateDomainName and the other remediation calls: each
 * service's API Reference (API Gateway PatchOperation and UpdateDomainName, SQS SetQueueAttributes, ...).
 */

jest.mock("../../lib/remediation/worker/deps", () => ({ describeResource: jest.fn() }));
const describeMock = describeResource as jest.MockedFunction<typeof describeResource>;

const apigw = mockClient(APIGatewayClient);
const ddb = mockClient(DynamoDBClient);
const s3 = mockClient(S3Client);
const sns = mockClient(SNSClient);
const events = mockClient(EventBridgeClient);
const sqs = mockClient(SQSClient);

const NOW = new Date("2026-11-02T09:20:30.000Z");
const BUCKET = "guardrail-audit-111122223333";
const TABLE = "guardrail-remediation-state";
/** What the approval message asks the approver to run: this deployment's bucket, topic and Region, spelled out. */
const APPROVE = (recordId: string) =>
  `guardrail remediation approve ${recordId} --bucket ${BUCKET} --topic-arn ${TOPIC_ARN} --region ${REGION}`;
const DOMAIN = "orders.api.example.com";
const DOMAIN_ARN = `arn:aws:apigateway:${REGION}::/domainnames/${DOMAIN}`;
const PRINCIPAL = `arn:aws:sts::${ACCOUNT}:assumed-role/orders-deployer/ci-7781`;
const RECORD_KEY = new RegExp(
  `^records/account=${ACCOUNT}/region=${REGION}/date=2026-11-02/2026-11-02_${ACCOUNT}_${REGION}_[0-9a-f]{16}\\.json$`,
);

let table: FakeTable;
let bucket: FakeBucket;
let lines: Record<string, unknown>[];

const ENV = {
  AWS_REGION: REGION,
  AUDIT_BUCKET: BUCKET,
  REMEDIATION_TOPIC_ARN: TOPIC_ARN,
  IDEMPOTENCY_TABLE: TABLE,
  GUARDRAIL_VERIFY_DELAYS_SECONDS: "0",
  POWERTOOLS_METRICS_NAMESPACE: "GuardrailTest",
};
const saved: Record<string, string | undefined> = {};

function setEnv(extra: Record<string, string> = {}) {
  for (const [k, v] of Object.entries({ ...ENV, ...extra })) {
    if (!(k in saved)) saved[k] = process.env[k];
    process.env[k] = v;
  }
  configureWorker({ now: () => NOW });
}

beforeEach(() => {
  for (const m of [apigw, ddb, s3, sns, events, sqs]) m.reset();
  describeMock.mockReset();
  table = new FakeTable(TABLE);
  table.install(ddb);
  bucket = new FakeBucket();
  bucket.install(s3);
  sns.on(PublishCommand).resolves({ MessageId: "5a4d3c2b-sns" });
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: "ev-1" }] });
  sqs.on(ChangeMessageVisibilityCommand).resolves({});
  for (const k of Object.keys(saved)) delete process.env[k];
  setEnv();
  lines = [];
  const capture = (chunk: unknown) => {
    for (const l of String(chunk).split("\n")) if (l.trim().startsWith("{")) lines.push(JSON.parse(l));
    return true;
  };
  jest.spyOn(process.stdout, "write").mockImplementation(capture);
  jest.spyOn(process.stderr, "write").mockImplementation(capture);
});
afterEach(() => jest.restoreAllMocks());
afterAll(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetClients();
});

// ---------------------------------------------------------------------------------------------------------------
// Builders

function domain(securityPolicy: string, tags: Record<string, string> = {}, name = DOMAIN): Resource {
  const adapter = adapterFor("AWS::ApiGateway::DomainName");
  if (!adapter) throw new Error("no DomainName adapter");
  return resourceFromConfigItem(
    adapter,
    toConfigItem({
      configurationItemStatus: "OK",
      configurationItemCaptureTime: "2026-11-02T09:20:29.000Z",
      awsAccountId: ACCOUNT,
      awsRegion: REGION,
      resourceType: "AWS::ApiGateway::DomainName",
      resourceId: name,
      resourceName: name,
      ARN: `arn:aws:apigateway:${REGION}::/domainnames/${name}`,
      tags,
      configuration: {
        DomainName: name,
        SecurityPolicy: securityPolicy,
        EndpointConfiguration: { Types: ["REGIONAL"] },
        RegionalDomainName: "d-8kq3zt1w7e.execute-api.eu-west-1.amazonaws.com",
      },
    }),
  );
}

function restApi(securityPolicy: string): Resource {
  const adapter = adapterFor("AWS::ApiGateway::RestApi");
  if (!adapter) throw new Error("no RestApi adapter");
  return resourceFromConfigItem(
    adapter,
    toConfigItem({
      configurationItemStatus: "OK",
      configurationItemCaptureTime: "2026-11-02T09:20:29.000Z",
      awsAccountId: ACCOUNT,
      awsRegion: REGION,
      resourceType: "AWS::ApiGateway::RestApi",
      resourceId: "p4w7r2k9sd",
      resourceName: "partners-api",
      ARN: `arn:aws:apigateway:${REGION}::/restapis/p4w7r2k9sd`,
      tags: {},
      configuration: {
        id: "p4w7r2k9sd",
        name: "partners-api",
        endpointConfiguration: { types: ["REGIONAL"] },
        disableExecuteApiEndpoint: false,
        securityPolicy,
      },
    }),
  );
}

function request(mode: RemediationRequest["mode"], name = DOMAIN, extra: Partial<RemediationRequest> = {}) {
  const r: RemediationRequest = {
    version: 1,
    correlationId: `9b2f6c1e-5d7a-4c1b-8e3f-${name.length.toString().padStart(2, "0")}a6d4b8c0e11`,
    policyId: "apigateway-domain-tls-1-2",
    mode,
    resource: {
      type: "AWS::ApiGateway::DomainName",
      id: name,
      region: REGION,
      accountId: ACCOUNT,
      arn: `arn:aws:apigateway:${REGION}::/domainnames/${name}`,
    },
    evaluation: { compliance: "NON_COMPLIANT", annotation: "securityPolicy must be TLS_1_2 or an enhanced policy" },
    cause: {
      eventName: "UpdateDomainName",
      eventTime: "2026-11-02T09:19:58Z",
      principal: PRINCIPAL,
      sourceIPAddress: "203.0.113.7",
      console: false,
    },
    detectedAt: "2026-11-02T09:20:00.512Z",
    ...extra,
  };
  return r;
}

async function run(...records: SQSRecord[]): Promise<SQSBatchResponse> {
  return handler({ Records: records }, lambdaContext());
}

const failed = (r: SQSBatchResponse) => r.batchItemFailures.map((f) => f.itemIdentifier);

function recordKeys(): string[] {
  return [...bucket.objects.keys()].sort();
}

function records(): Record<string, unknown>[] {
  return recordKeys().map((k) => bucket.json(k));
}

function published(): { input: PublishCommandInput; json: Record<string, unknown>; email?: string }[] {
  return sns.commandCalls(PublishCommand).map((c) => {
    const input = c.args[0].input;
    const body = JSON.parse(String(input.Message)) as Record<string, unknown>;
    if (input.MessageStructure === "json") {
      return { input, json: JSON.parse(String(body.default)), email: String(body.email) };
    }
    return { input, json: body };
  });
}

function putEvents(): PutEventsRequestEntry[] {
  return events.commandCalls(PutEventsCommand).flatMap((c) => c.args[0].input.Entries ?? []);
}

const UPDATE_TO_TLS_1_2 = {
  domainName: DOMAIN,
  patchOperations: [{ op: "replace", path: "/securityPolicy", value: "TLS_1_2" }],
};

// ---------------------------------------------------------------------------------------------------------------

describe("auto mode", () => {
  it("fixes a custom domain at TLS_1_0 with the exact UpdateDomainName call, verifies, records and publishes", async () => {
    describeMock.mockResolvedValueOnce(domain("TLS_1_0")).mockResolvedValueOnce(domain("TLS_1_2"));
    apigw.on(UpdateDomainNameCommand).resolves({ domainName: DOMAIN, securityPolicy: "TLS_1_2" });
    const req = request("auto");

    const out = await run(sqsRecord("m-1", snsEnvelope(req, "sns-1")));

    expect(out).toEqual({ batchItemFailures: [] });
    expect(apigw).toHaveReceivedCommandTimes(UpdateDomainNameCommand, 1);
    expect(apigw).toHaveReceivedCommandWith(UpdateDomainNameCommand, UPDATE_TO_TLS_1_2);
    expect(describeMock).toHaveBeenCalledTimes(2);
    expect(describeMock).toHaveBeenCalledWith(req.resource);

    // The record: key partitioned by account, region and date; the whole story in the body.
    const keys = recordKeys();
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(RECORD_KEY);
    const record = bucket.json(keys[0] as string);
    const recordId = String(record.recordId);
    expect(keys[0]).toBe(`records/account=${ACCOUNT}/region=${REGION}/date=2026-11-02/${recordId}.json`);
    expect(record).toMatchObject({
      recordVersion: 1,
      correlationId: req.correlationId,
      request: req,
      policy: { id: "apigateway-domain-tls-1-2", action: "apigateway-domain-security-policy", mode: "auto" },
      before: { type: "AWS::ApiGateway::DomainName", id: DOMAIN, document: { securityPolicy: "TLS_1_0" } },
      evaluation: { compliance: "NON_COMPLIANT" },
      plan: [{ service: "apigateway", operation: "UpdateDomainName", input: UPDATE_TO_TLS_1_2 }],
      results: [{ status: "done", output: { domainName: DOMAIN, securityPolicy: "TLS_1_2" } }],
      after: { document: { securityPolicy: "TLS_1_2" } },
      verification: { compliance: "COMPLIANT", attempts: 1 },
      outcome: "fixed",
      status: "succeeded",
      principal: PRINCIPAL,
      cause: req.cause,
      delivery: { messageId: "m-1", receiveCount: 1 },
      timings: {
        detectedAt: req.detectedAt,
        changedAt: "2026-11-02T09:19:58Z",
        startedAt: NOW.toISOString(),
        finishedAt: NOW.toISOString(),
        changeToVerifiedFixMs: 32_000,
      },
    });

    // The outcome on SNS: JSON for machines, text for email, attributes for filter policies.
    const [pub, ...more] = published();
    expect(more).toHaveLength(0);
    expect(pub?.input).toMatchObject({
      TopicArn: TOPIC_ARN,
      MessageStructure: "json",
      Subject: `[Guardrail] fixed: apigateway-domain-tls-1-2 on ${DOMAIN}`,
      MessageAttributes: {
        guardrail_message: { DataType: "String", StringValue: "remediation-outcome" },
        status: { DataType: "String", StringValue: "succeeded" },
        policyId: { DataType: "String", StringValue: "apigateway-domain-tls-1-2" },
      },
    });
    expect(pub?.json).toMatchObject({
      type: "guardrail.remediation.outcome",
      recordId,
      recordUri: `s3://${BUCKET}/${keys[0]}`,
      correlationId: req.correlationId,
      outcome: "fixed",
      principal: PRINCIPAL,
      calls: ["apigateway:UpdateDomainName"],
      resource: { arn: DOMAIN_ARN },
    });
    expect(pub?.email).toContain("Guardrail remediation: fixed (succeeded)");
    expect(pub?.email).toContain(`Changed by:  ${PRINCIPAL}`);

    // The same outcome on the default EventBridge bus.
    const entries = putEvents();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ Source: "guardrail", DetailType: "Guardrail Remediation Outcome" });
    expect(entries[0]?.EventBusName).toBeUndefined();
    expect(entries[0]?.Resources).toEqual([DOMAIN_ARN]);
    expect(JSON.parse(String(entries[0]?.Detail))).toMatchObject({ correlationId: req.correlationId, recordId });

    // One correlation id on every line the record logged; metrics in EMF.
    const recordLines = lines.filter((l) => l.messageId === "m-1");
    expect(recordLines.length).toBeGreaterThan(0);
    for (const l of recordLines) expect(l.correlation_id).toBe(req.correlationId);
    expect(lines.some((l) => l.message === "remediation request handled" && l.outcome === "fixed")).toBe(true);
    const emf = lines.find((l) => "_aws" in l && "RemediationsSucceeded" in l);
    expect(emf).toMatchObject({ RemediationsSucceeded: 1, TimeToVerifiedFix: 32_000 });
  });

  it("fixes once when the same message is delivered twice, even if the second describe still reads the old state", async () => {
    describeMock
      .mockResolvedValueOnce(domain("TLS_1_0")) // first delivery
      .mockResolvedValueOnce(domain("TLS_1_2")) // its verification
      .mockResolvedValueOnce(domain("TLS_1_0")); // second delivery: a stale read of the same state
    apigw.on(UpdateDomainNameCommand).resolves({ domainName: DOMAIN, securityPolicy: "TLS_1_2" });
    const body = snsEnvelope(request("auto"), "sns-1");

    const out = await run(sqsRecord("m-1", body), sqsRecord("m-2", body));

    expect(failed(out)).toEqual([]);
    expect(apigw).toHaveReceivedCommandTimes(UpdateDomainNameCommand, 1);
    expect(recordKeys()).toHaveLength(1);
    expect(published()).toHaveLength(1);
    const dup = lines.find((l) => l.messageId === "m-2" && l.message === "duplicate request: handled before");
    expect(dup).toMatchObject({ duplicate: true, outcome: "fixed", recordId: records()[0]?.recordId });
  });

  it("fixes again when the violation is put back after the fix, though the document is byte for byte the old one", async () => {
    describeMock
      .mockResolvedValueOnce(domain("TLS_1_0")) // someone moves the domain to TLS 1.0
      .mockResolvedValueOnce(domain("TLS_1_2")) // the fix is verified
      .mockResolvedValueOnce(domain("TLS_1_0")) // ten minutes later, someone does it again
      .mockResolvedValueOnce(domain("TLS_1_2"));
    apigw.on(UpdateDomainNameCommand).resolves({ domainName: DOMAIN, securityPolicy: "TLS_1_2" });
    const first = request("auto");
    await run(sqsRecord("m-1", snsEnvelope(first, "sns-1")));
    configureWorker({ now: () => new Date("2026-11-02T09:31:00.000Z") });
    const again = request("auto", DOMAIN, {
      correlationId: "0c4d2f7e-8a1b-4e6d-9f3a-5b7c9d1e2f30",
      cause: { ...first.cause, eventTime: "2026-11-02T09:29:58Z" } as RemediationRequest["cause"],
      detectedAt: "2026-11-02T09:30:00.218Z",
    });
    const out = await run(sqsRecord("m-2", snsEnvelope(again, "sns-2")));

    expect(failed(out)).toEqual([]);
    expect(apigw).toHaveReceivedCommandTimes(UpdateDomainNameCommand, 2);
    expect(records().map((r) => r.outcome)).toEqual(["fixed", "fixed"]);
  });

  it("after a fix, a later duplicate reads the fixed state and records already-compliant, changing nothing", async () => {
    describeMock
      .mockResolvedValueOnce(domain("TLS_1_0"))
      .mockResolvedValueOnce(domain("TLS_1_2"))
      .mockResolvedValueOnce(domain("TLS_1_2"));
    apigw.on(UpdateDomainNameCommand).resolves({});
    const body = snsEnvelope(request("auto"), "sns-1");
    await run(sqsRecord("m-1", body));
    await run(sqsRecord("m-2", body));
    expect(apigw).toHaveReceivedCommandTimes(UpdateDomainNameCommand, 1);
    expect(records().map((r) => r.outcome)).toEqual(expect.arrayContaining(["fixed", "already-compliant"]));
  });

  it("skips a resource that is compliant now: no change, a record and an outcome", async () => {
    describeMock.mockResolvedValueOnce(domain("TLS_1_2"));
    const out = await run(sqsRecord("m-1", snsEnvelope(request("auto"), "sns-1")));
    expect(failed(out)).toEqual([]);
    expect(apigw).not.toHaveReceivedAnyCommand();
    const [record] = records();
    expect(record).toMatchObject({ outcome: "already-compliant", status: "skipped", plan: [], results: [] });
    expect(published()[0]?.json).toMatchObject({ outcome: "already-compliant", status: "skipped" });
    expect(putEvents()).toHaveLength(1);
  });

  it("skips a resource exempt now, and one that no longer exists", async () => {
    describeMock
      .mockResolvedValueOnce(domain("TLS_1_0", { "guardrail:exempt": "apigateway-domain-tls-1-2@2027-01-31" }))
      .mockResolvedValueOnce(undefined);
    const out = await run(
      sqsRecord("m-1", snsEnvelope(request("auto"), "sns-1")),
      sqsRecord("m-2", snsEnvelope(request("auto", "gone.api.example.com"), "sns-2")),
    );
    expect(failed(out)).toEqual([]);
    expect(apigw).not.toHaveReceivedAnyCommand();
    const outcomes = records().map((r) => [(r.request as RemediationRequest).resource.id, r.outcome, r.before]);
    expect(outcomes).toEqual(
      expect.arrayContaining([
        [DOMAIN, "exempt", expect.objectContaining({ id: DOMAIN })],
        ["gone.api.example.com", "resource-gone", null],
      ]),
    );
  });

  it("reports a fix that did not take as a failure, not a success", async () => {
    setEnv({ GUARDRAIL_VERIFY_DELAYS_SECONDS: "0,0" });
    describeMock.mockResolvedValue(domain("TLS_1_0"));
    apigw.on(UpdateDomainNameCommand).resolves({ domainName: DOMAIN });

    const out = await run(sqsRecord("m-1", snsEnvelope(request("auto"), "sns-1")));

    // Not retried: the same calls would not take either; the failure is recorded, published and counted.
    expect(failed(out)).toEqual([]);
    expect(apigw).toHaveReceivedCommandTimes(UpdateDomainNameCommand, 1);
    const [record] = records();
    expect(record).toMatchObject({
      outcome: "fix-did-not-take",
      status: "failed",
      results: [{ status: "done" }],
      verification: { compliance: "NON_COMPLIANT", attempts: 2 },
      after: { document: { securityPolicy: "TLS_1_0" } },
    });
    expect(String(record?.reason)).toMatch(/still violates apigateway-domain-tls-1-2/);
    expect(published()[0]?.input.MessageAttributes?.status?.StringValue).toBe("failed");
    expect(table.ids("guardrail#failures#111122223333#")).toHaveLength(1);
    expect(lines.find((l) => "_aws" in l && "RemediationsFailed" in l)).toMatchObject({ RemediationsFailed: 1 });
  });
});

describe("approve and notify modes", () => {
  it("approve: changes nothing, records the plan and publishes the command that releases it; the release fixes", async () => {
    describeMock.mockResolvedValueOnce(domain("TLS_1_0"));
    const req = request("approve");
    await run(sqsRecord("m-1", snsEnvelope(req, "sns-1")));

    expect(apigw).not.toHaveReceivedAnyCommand();
    expect(table.ids("guardrail#rate#")).toEqual([]);
    const [approval] = records();
    const recordId = String(approval?.recordId);
    expect(approval).toMatchObject({
      outcome: "awaiting-approval",
      status: "awaiting-approval",
      plan: [{ operation: "UpdateDomainName", input: UPDATE_TO_TLS_1_2 }],
      results: [],
      approval: { command: APPROVE(recordId), expiresAt: "2026-11-09T09:20:30.000Z" },
    });
    const [pub] = published();
    expect(pub?.json).toMatchObject({
      outcome: "awaiting-approval",
      approvalCommand: APPROVE(recordId),
    });
    expect(pub?.email).toContain(`  ${APPROVE(recordId)}`);
    expect(pub?.email).toContain(`apigateway:UpdateDomainName ${JSON.stringify(UPDATE_TO_TLS_1_2)}`);

    // The approver runs the command: the release goes to the topic the queue is subscribed to.
    sns.resetHistory();
    const approved = await approveRemediation(recordId, {
      approvedBy: "arn:aws:iam::111122223333:user/alice",
      now: new Date("2026-11-02T10:00:00.000Z"),
      env: { AUDIT_BUCKET: BUCKET, REMEDIATION_TOPIC_ARN: TOPIC_ARN },
    });
    expect(approved.plan).toEqual(approval?.plan);
    const [release] = published();
    expect(release?.input).toMatchObject({
      TopicArn: TOPIC_ARN,
      MessageAttributes: { guardrail_message: { DataType: "String", StringValue: "remediation-request" } },
    });
    expect(release?.json).toEqual({
      type: "guardrail.remediation.approval-release",
      version: 1,
      approvalRecordId: recordId,
      approvedBy: "arn:aws:iam::111122223333:user/alice",
      approvedAt: "2026-11-02T10:00:00.000Z",
      correlationId: req.correlationId,
    });

    // The worker takes the release: describe again, same plan, fix, verify.
    describeMock.mockResolvedValueOnce(domain("TLS_1_0")).mockResolvedValueOnce(domain("TLS_1_2"));
    apigw.on(UpdateDomainNameCommand).resolves({ domainName: DOMAIN, securityPolicy: "TLS_1_2" });
    const out = await run(sqsRecord("m-2", snsEnvelope(release?.json, "sns-2")));
    expect(failed(out)).toEqual([]);
    expect(apigw).toHaveReceivedCommandWith(UpdateDomainNameCommand, UPDATE_TO_TLS_1_2);
    const fixed = records().find((r) => r.outcome === "fixed");
    expect(fixed).toMatchObject({
      correlationId: req.correlationId,
      request: req,
      release: { approvalRecordId: recordId, approvedBy: "arn:aws:iam::111122223333:user/alice" },
    });
    expect(lines.filter((l) => l.messageId === "m-2").every((l) => l.correlation_id === req.correlationId)).toBe(true);
  });

  it("approve: a release after the approval expired is refused", async () => {
    describeMock.mockResolvedValueOnce(domain("TLS_1_0"));
    await run(sqsRecord("m-1", snsEnvelope(request("approve"), "sns-1")));
    const recordId = String(records()[0]?.recordId);
    await expect(
      approveRemediation(recordId, {
        approvedBy: "alice",
        now: new Date("2026-11-10T00:00:00.000Z"),
        env: { AUDIT_BUCKET: BUCKET, REMEDIATION_TOPIC_ARN: TOPIC_ARN },
      }),
    ).rejects.toThrow(ApprovalError);
    await expect(
      approveRemediation("2026-11-02_111122223333_eu-west-1_0000000000000000", {
        approvedBy: "alice",
        env: { AUDIT_BUCKET: BUCKET, REMEDIATION_TOPIC_ARN: TOPIC_ARN },
      }),
    ).rejects.toThrow(/no remediation record/);
  });

  it("notify: publishes only, with the calls a fix would make", async () => {
    describeMock.mockResolvedValueOnce(domain("TLS_1_0"));
    const out = await run(sqsRecord("m-1", snsEnvelope(request("notify"), "sns-1")));
    expect(failed(out)).toEqual([]);
    expect(apigw).not.toHaveReceivedAnyCommand();
    expect(table.ids("guardrail#")).toEqual([]);
    const [record] = records();
    expect(record).toMatchObject({ outcome: "notified", status: "notified", results: [], after: null });
    expect(record?.approval).toBeUndefined();
    expect(published()).toHaveLength(1);
    expect(published()[0]?.email).toContain("Calls it would make:");
    expect(putEvents()).toHaveLength(1);
  });
});

describe("resources without a live describe", () => {
  it("a CloudTrail trail found by the Config rule is told about, not retried into the dead-letter queue", async () => {
    describeMock.mockRejectedValueOnce(new UnsupportedDescribeError("AWS::CloudTrail::Trail"));
    const trail = "arn:aws:cloudtrail:eu-west-1:111122223333:trail/org-trail";
    const req = request("notify", DOMAIN, {
      policyId: "cloudtrail-trail-multi-region",
      resource: { type: "AWS::CloudTrail::Trail", id: "org-trail", region: REGION, accountId: ACCOUNT, arn: trail },
      evaluation: { compliance: "NON_COMPLIANT", annotation: "the trail logs one Region only" },
      cause: { configRuleName: "guardrail-dev-cloudtrail-trail-multi-region" },
    });
    const out = await run(sqsRecord("m-1", snsEnvelope(req, "sns-1")));
    expect(failed(out)).toEqual([]);
    const [record] = records();
    expect(record).toMatchObject({ outcome: "notified", status: "notified", results: [] });
    expect(String(record?.reason)).toContain("no live describe for AWS::CloudTrail::Trail");
    expect(String(record?.reason)).toContain("the trail logs one Region only");
    expect(published()).toHaveLength(1);
  });
});

describe("account settings", () => {
  it("caps the request's mode with the account's: at notify, an auto request only tells", async () => {
    setEnv({ GUARDRAIL_REMEDIATION_MODE: "notify" });
    describeMock.mockResolvedValueOnce(domain("TLS_1_0"));
    await run(sqsRecord("m-1", snsEnvelope(request("auto"), "sns-1")));
    expect(apigw).not.toHaveReceivedAnyCommand();
    expect(records()[0]).toMatchObject({ outcome: "notified", policy: { mode: "notify", requestedMode: "auto" } });
  });

  it("copies every record to the central audit bucket; a failed copy does not fail the request", async () => {
    setEnv({ GUARDRAIL_CENTRAL_AUDIT_BUCKET: "org-audit-records" });
    describeMock.mockResolvedValue(domain("TLS_1_2"));
    await run(sqsRecord("m-1", snsEnvelope(request("auto"), "sns-1")));
    const puts = s3.commandCalls(PutObjectCommand).map((c) => [c.args[0].input.Bucket, c.args[0].input.Key]);
    expect(puts).toHaveLength(2);
    expect(puts[0]?.[0]).toBe(BUCKET);
    expect(puts[1]).toEqual(["org-audit-records", puts[0]?.[1]]);

    s3.on(PutObjectCommand, { Bucket: "org-audit-records" }).rejects(
      Object.assign(new Error("Access Denied"), { name: "AccessDenied" }),
    );
    const out = await run(sqsRecord("m-2", snsEnvelope(request("auto", "b.api.example.com"), "sns-2")));
    expect(failed(out)).toEqual([]);
    expect(
      lines.find((l) => l.message === "remediation record could not be copied to the central audit bucket"),
    ).toMatchObject({ messageId: "m-2", error: expect.stringContaining("s3://org-audit-records/records/") });
  });
});

describe("bad input and failures", () => {
  it("fails only the malformed bodies of a batch; Guardrail's own notifications are ignored", async () => {
    describeMock.mockResolvedValueOnce(domain("TLS_1_0")).mockResolvedValueOnce(domain("TLS_1_2"));
    apigw.on(UpdateDomainNameCommand).resolves({});
    const { policyId: _policyId, ...noPolicy } = request("auto");

    const out = await run(
      sqsRecord("m-bad-json", "this is not an SNS envelope"),
      sqsRecord("m-good", snsEnvelope(request("auto"), "sns-1")),
      sqsRecord("m-raw", JSON.stringify(request("auto"))), // raw delivery: not an envelope
      sqsRecord("m-no-policy", snsEnvelope(noPolicy, "sns-3")),
      sqsRecord("m-text", snsEnvelope("plain text message", "sns-4")),
      sqsRecord("m-outcome", snsEnvelope({ type: "guardrail.remediation.outcome", version: 1 }, "sns-5")),
      sqsRecord("m-unknown", snsEnvelope({ ...request("auto"), policyId: "apigateway-domain-tls-9" }, "sns-6")),
    );

    expect(failed(out)).toEqual(["m-bad-json", "m-raw", "m-no-policy", "m-text", "m-unknown"]);
    expect(apigw).toHaveReceivedCommandTimes(UpdateDomainNameCommand, 1);
    expect(records().map((r) => r.outcome)).toEqual(["fixed"]);
    const errors = lines.filter((l) => l.level === "ERROR" && String(l.message).startsWith("malformed message"));
    expect(errors.map((l) => l.messageId)).toEqual(["m-bad-json", "m-raw", "m-no-policy", "m-text"]);
    expect(String(errors[2]?.error)).toContain("policyId");
    expect(lines.find((l) => l.messageId === "m-outcome")?.message).toMatch(/ignored/);
    expect(lines.find((l) => l.messageId === "m-unknown" && l.level === "ERROR")).toMatchObject({
      message: "remediation request failed: it goes back to the queue",
      policyId: "apigateway-domain-tls-9",
    });
  });

  it("an AWS error in the middle of a fix fails the item; the record says what was applied", async () => {
    describeMock.mockResolvedValueOnce(restApi("TLS_1_0"));
    apigw.on(GetStagesCommand).resolves({ item: [{ stageName: "prod" }, { stageName: "staging" }] });
    apigw.on(UpdateRestApiCommand).resolves({ id: "p4w7r2k9sd", securityPolicy: "TLS_1_2" });
    apigw.on(CreateDeploymentCommand).rejects(
      Object.assign(new Error("Service Unavailable"), {
        name: "ServiceUnavailableException",
        $fault: "server",
        $metadata: { httpStatusCode: 503, requestId: "req-503" },
      }),
    );
    const req: RemediationRequest = {
      ...request("auto"),
      policyId: "apigateway-restapi-tls-1-2",
      resource: {
        type: "AWS::ApiGateway::RestApi",
        id: "p4w7r2k9sd",
        region: REGION,
        accountId: ACCOUNT,
        arn: `arn:aws:apigateway:${REGION}::/restapis/p4w7r2k9sd`,
      },
    };

    const out = await run(sqsRecord("m-1", snsEnvelope(req, "sns-1")));

    expect(failed(out)).toEqual(["m-1"]);
    expect(apigw).toHaveReceivedCommandWith(GetStagesCommand, { restApiId: "p4w7r2k9sd" });
    const [record] = records();
    expect(record).toMatchObject({
      outcome: "partially-applied",
      status: "failed",
      plan: [
        { operation: "UpdateRestApi" },
        { operation: "CreateDeployment", input: { restApiId: "p4w7r2k9sd", stageName: "prod" } },
        { operation: "CreateDeployment", input: { stageName: "staging" } },
      ],
      results: [
        { status: "done" },
        { status: "failed", error: { name: "ServiceUnavailableException", httpStatusCode: 503 } },
        { status: "not-run" },
      ],
      after: null,
      verification: null,
    });
    expect(String(record?.reason)).toContain("1 of 3 calls applied");
    expect(published()[0]?.json).toMatchObject({ outcome: "partially-applied", status: "failed" });
    // The idempotency record was released, so the next delivery tries again.
    expect(table.ids("guardrail-remediation#")).toEqual([]);
    expect(lines.some((l) => l.message === "remediation attempt failed: the message goes back to the queue")).toBe(
      true,
    );
  });
});

describe("per-account brakes", () => {
  it("opens the circuit breaker after N failed fixes: no further fixes, one alert", async () => {
    setEnv({ GUARDRAIL_BREAKER_FAILURES: "2" });
    describeMock.mockImplementation(async (ref) => domain("TLS_1_0", {}, ref.id));
    apigw.on(UpdateDomainNameCommand).rejects(
      Object.assign(new Error("User is not authorized to perform apigateway:PATCH"), {
        name: "AccessDeniedException",
        $fault: "client",
        $metadata: { httpStatusCode: 403 },
      }),
    );
    const names = ["a", "b", "c", "d", "e"].map((n) => `${n}.api.example.com`);
    const rec = (n: string) => sqsRecord(`m-${n[0]}`, snsEnvelope(request("auto", n), `sns-${n[0]}`));

    const first = await run(rec(names[0] as string), rec(names[1] as string), rec(names[2] as string));
    const second = await run(rec(names[3] as string), rec(names[4] as string));

    expect(failed(first)).toEqual(["m-a", "m-b"]);
    expect(failed(second)).toEqual([]);
    expect(apigw).toHaveReceivedCommandTimes(UpdateDomainNameCommand, 2);
    const alerts = published().filter((p) => p.json.type === "guardrail.remediation.circuit-breaker-open");
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.json).toMatchObject({ accountId: ACCOUNT, failures: 2, openUntil: "2026-11-02T10:20:30.000Z" });
    expect(alerts[0]?.input.MessageAttributes?.guardrail_message?.StringValue).toBe("circuit-breaker-open");
    expect(putEvents().filter((e) => e.DetailType === "Guardrail Circuit Breaker Open")).toHaveLength(1);
    const byDomain = Object.fromEntries(
      records().map((r) => [(r.request as RemediationRequest).resource.id, r.outcome]),
    );
    expect(byDomain).toEqual({
      [names[0] as string]: "fix-failed",
      [names[1] as string]: "fix-failed",
      [names[2] as string]: "circuit-open",
      [names[3] as string]: "circuit-open",
      [names[4] as string]: "circuit-open",
    });
    const open = records().find((r) => r.outcome === "circuit-open");
    expect(open?.approval).toMatchObject({ command: APPROVE(String(open?.recordId)) });
    // One EMF document per invocation; the breaker was open in both.
    expect(lines.filter((l) => "_aws" in l && "CircuitBreakerOpen" in l)).toHaveLength(2);
  });

  it("defers fixes over the per-minute rate limit to the next minute", async () => {
    setEnv({ GUARDRAIL_FIXES_PER_MINUTE: "1" });
    describeMock.mockImplementation(async (ref) => domain("TLS_1_0", {}, ref.id));
    apigw.on(UpdateDomainNameCommand).resolves({});

    const out = await run(
      sqsRecord("m-1", snsEnvelope(request("auto", "a.api.example.com"), "sns-1")),
      sqsRecord("m-2", snsEnvelope(request("auto", "b.api.example.com"), "sns-2")),
    );

    expect(failed(out)).toEqual(["m-2"]);
    expect(apigw).toHaveReceivedCommandTimes(UpdateDomainNameCommand, 1);
    expect(apigw).toHaveReceivedCommandWith(UpdateDomainNameCommand, { domainName: "a.api.example.com" });
    // Due again when the next minute starts (09:20:30 → 31 s), not after the queue's visibility timeout.
    expect(sqs).toHaveReceivedCommandWith(ChangeMessageVisibilityCommand, {
      QueueUrl: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/guardrail-remediation`,
      ReceiptHandle: "AQEBm-2",
      VisibilityTimeout: 31,
    });
    // A deferral is not an end: no record, no outcome, and the idempotency key is free for the next delivery.
    expect(records().map((r) => (r.request as RemediationRequest).resource.id)).toEqual(["a.api.example.com"]);
    expect(table.ids("guardrail-remediation#")).toHaveLength(1);
    expect(lines.find((l) => l.messageId === "m-2" && l.message === "remediation request deferred")).toMatchObject({
      delaySeconds: 31,
    });
  });

  it("leaves a CloudFormation stack's resource alone during the grace period, then fixes it", async () => {
    const tags = { "aws:cloudformation:stack-name": "orders-api-prod" };
    describeMock.mockResolvedValue(domain("TLS_1_0", tags));
    apigw.on(UpdateDomainNameCommand).resolves({});
    const body = snsEnvelope(request("auto"), "sns-1");

    const early = await run(sqsRecord("m-1", body));
    expect(failed(early)).toEqual(["m-1"]);
    expect(apigw).not.toHaveReceivedAnyCommand();
    expect(records()).toEqual([]);
    // Detected 09:20:00.512, now 09:20:30: due again when 10 minutes have passed since detection.
    expect(sqs).toHaveReceivedCommandWith(ChangeMessageVisibilityCommand, { VisibilityTimeout: 571 });

    configureWorker({ now: () => new Date("2026-11-02T09:30:31.000Z") });
    describeMock.mockReset();
    describeMock.mockResolvedValueOnce(domain("TLS_1_0", tags)).mockResolvedValueOnce(domain("TLS_1_2", tags));
    const later = await run(sqsRecord("m-1", body, 2));
    expect(failed(later)).toEqual([]);
    expect(apigw).toHaveReceivedCommandTimes(UpdateDomainNameCommand, 1);
    expect(records()[0]).toMatchObject({ outcome: "fixed", stack: { name: "orders-api-prod" } });
  });
});
