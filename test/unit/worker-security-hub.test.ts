import { APIGatewayClient, UpdateDomainNameCommand } from "@aws-sdk/client-api-gateway";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { S3Client } from "@aws-sdk/client-s3";
import {
  BatchImportFindingsCommand,
  SecurityHubClient,
  type BatchImportFindingsCommandInput,
} from "@aws-sdk/client-securityhub";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { ChangeMessageVisibilityCommand, SQSClient } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-jest";
import { resetClients } from "../../lib/aws/clients";
import type { RemediationRequest } from "../../lib/detect/request";
import { asffFindingId } from "../../lib/report/asff";
import { resourceFromConfigItem, type Resource } from "../../lib/resources/adapter";
import { toConfigItem } from "../../lib/resources/config-item";
import { adapterFor } from "../../lib/resources/registry";
import { describeResource } from "../../lib/remediation/worker/deps";
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
 * The remediation worker with the securityHub option: a fix verified compliant updates the policy's Security Hub
 * finding for the resource to PASSED and ARCHIVED (BatchImportFindings, as its provider: Security Hub User Guide,
 * "BatchImportFindings for finding providers"), the same finding Id the Config rule imports. The harness is
 * worker.test.ts's: SNS-in-SQS records, the live describe mocked, DynamoDB and S3 fakes; the custom domain item
 * follows AWS Config's ConfigurationItem and API Gateway's DomainName (API Gateway API Reference).
 */

jest.mock("../../lib/remediation/worker/deps", () => ({ describeResource: jest.fn() }));
const describeMock = describeResource as jest.MockedFunction<typeof describeResource>;

const apigw = mockClient(APIGatewayClient);
const ddb = mockClient(DynamoDBClient);
const s3 = mockClient(S3Client);
const sns = mockClient(SNSClient);
const events = mockClient(EventBridgeClient);
const sqs = mockClient(SQSClient);
const hub = mockClient(SecurityHubClient);

const NOW = new Date("2026-11-02T09:20:30.000Z");
const DOMAIN = "orders.api.example.com";
const ENV: Record<string, string> = {
  AWS_REGION: REGION,
  AUDIT_BUCKET: "guardrail-audit-111122223333",
  REMEDIATION_TOPIC_ARN: TOPIC_ARN,
  IDEMPOTENCY_TABLE: "guardrail-remediation-state",
  GUARDRAIL_VERIFY_DELAYS_SECONDS: "0",
  POWERTOOLS_METRICS_NAMESPACE: "GuardrailTest",
};
const saved: Record<string, string | undefined> = {};

function setEnv(extra: Record<string, string>) {
  for (const [k, v] of Object.entries({ ...ENV, ...extra })) {
    if (!(k in saved)) saved[k] = process.env[k];
    process.env[k] = v;
  }
  configureWorker({ now: () => NOW });
}

function domain(securityPolicy: string): Resource {
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
      resourceId: DOMAIN,
      resourceName: DOMAIN,
      ARN: `arn:aws:apigateway:${REGION}::/domainnames/${DOMAIN}`,
      tags: {},
      configuration: {
        DomainName: DOMAIN,
        SecurityPolicy: securityPolicy,
        EndpointConfiguration: { Types: ["REGIONAL"] },
        RegionalDomainName: "d-8kq3zt1w7e.execute-api.eu-west-1.amazonaws.com",
      },
    }),
  );
}

const request: RemediationRequest = {
  version: 1,
  correlationId: "9b2f6c1e-5d7a-4c1b-8e3f-22a6d4b8c0e11",
  policyId: "apigateway-domain-tls-1-2",
  mode: "auto",
  resource: {
    type: "AWS::ApiGateway::DomainName",
    id: DOMAIN,
    region: REGION,
    accountId: ACCOUNT,
    arn: `arn:aws:apigateway:${REGION}::/domainnames/${DOMAIN}`,
  },
  evaluation: { compliance: "NON_COMPLIANT", annotation: "securityPolicy must be TLS_1_2 or an enhanced policy" },
  cause: {
    eventName: "UpdateDomainName",
    eventTime: "2026-11-02T09:19:58Z",
    principal: `arn:aws:sts::${ACCOUNT}:assumed-role/orders-deployer/ci-7781`,
    sourceIPAddress: "203.0.113.7",
    console: false,
  },
  detectedAt: "2026-11-02T09:20:00.512Z",
};

const imported = () =>
  hub
    .commandCalls(BatchImportFindingsCommand)
    .flatMap((c) => (c.args[0].input as BatchImportFindingsCommandInput).Findings ?? []);

beforeEach(() => {
  for (const m of [apigw, ddb, s3, sns, events, sqs, hub]) m.reset();
  describeMock.mockReset();
  new FakeTable(ENV.IDEMPOTENCY_TABLE as string).install(ddb);
  new FakeBucket().install(s3);
  sns.on(PublishCommand).resolves({ MessageId: "5a4d3c2b-sns" });
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: "ev-1" }] });
  sqs.on(ChangeMessageVisibilityCommand).resolves({});
  hub.on(BatchImportFindingsCommand).resolves({ FailedCount: 0, SuccessCount: 1, FailedFindings: [] });
  apigw.on(UpdateDomainNameCommand).resolves({ domainName: DOMAIN, securityPolicy: "TLS_1_2" });
  jest.spyOn(process.stdout, "write").mockImplementation(() => true);
  jest.spyOn(process.stderr, "write").mockImplementation(() => true);
});
afterEach(() => jest.restoreAllMocks());
afterAll(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  configureWorker();
  resetClients();
});

test("a verified fix resolves the finding: one import, PASSED and ARCHIVED, the Config rule's finding Id", async () => {
  setEnv({ GUARDRAIL_SECURITY_HUB: "true" });
  describeMock.mockResolvedValueOnce(domain("TLS_1_0")).mockResolvedValueOnce(domain("TLS_1_2"));

  const out = await handler({ Records: [sqsRecord("m-1", snsEnvelope(request, "sns-1"))] }, lambdaContext());

  expect(out).toEqual({ batchItemFailures: [] });
  const findings = imported();
  expect(findings).toHaveLength(1);
  expect(findings[0]).toMatchObject({
    Id: asffFindingId({
      policyId: "apigateway-domain-tls-1-2",
      severity: "medium",
      compliance: "COMPLIANT",
      resourceType: "AWS::ApiGateway::DomainName",
      resourceId: DOMAIN,
      accountId: ACCOUNT,
      region: REGION,
    }),
    ProductArn: `arn:aws:securityhub:${REGION}:${ACCOUNT}:product/${ACCOUNT}/default`,
    GeneratorId: "apigateway-domain-tls-1-2",
    AwsAccountId: ACCOUNT,
    UpdatedAt: NOW.toISOString(),
    Compliance: { Status: "PASSED" },
    RecordState: "ARCHIVED",
    Workflow: { Status: "RESOLVED" },
    Resources: [{ Type: "Other", Id: `arn:aws:apigateway:${REGION}::/domainnames/${DOMAIN}`, Region: REGION }],
  });
});

test("a fix that did not take leaves the finding alone", async () => {
  setEnv({ GUARDRAIL_SECURITY_HUB: "true" });
  describeMock.mockResolvedValue(domain("TLS_1_0"));
  await handler({ Records: [sqsRecord("m-2", snsEnvelope(request, "sns-2"))] }, lambdaContext());
  expect(imported()).toEqual([]);
});

test("Security Hub failing does not fail a verified fix (no retry of the message, no second fix)", async () => {
  setEnv({ GUARDRAIL_SECURITY_HUB: "true" });
  hub.on(BatchImportFindingsCommand).rejects(Object.assign(new Error("denied"), { name: "AccessDeniedException" }));
  describeMock.mockResolvedValueOnce(domain("TLS_1_0")).mockResolvedValueOnce(domain("TLS_1_2"));
  const out = await handler({ Records: [sqsRecord("m-3", snsEnvelope(request, "sns-3"))] }, lambdaContext());
  expect(out).toEqual({ batchItemFailures: [] });
  expect(apigw).toHaveReceivedCommandTimes(UpdateDomainNameCommand, 1);
});

test("off: no Security Hub call", async () => {
  setEnv({ GUARDRAIL_SECURITY_HUB: "false" });
  describeMock.mockResolvedValueOnce(domain("TLS_1_0")).mockResolvedValueOnce(domain("TLS_1_2"));
  await handler({ Records: [sqsRecord("m-4", snsEnvelope(request, "sns-4"))] }, lambdaContext());
  expect(hub.commandCalls(BatchImportFindingsCommand)).toHaveLength(0);
});
