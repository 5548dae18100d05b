import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { APIGatewayClient } from "@aws-sdk/client-api-gateway";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import {
  GetQueueAttributesCommand,
  ListQueueTagsCommand,
  SetQueueAttributesCommand,
  SQSClient,
  type GetQueueAttributesCommandInput,
  type SetQueueAttributesCommandInput,
} from "@aws-sdk/client-sqs";
import { mockClient, type AwsStub } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-jest";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { fleetResourceItems } from "../../fleet/generate";
import { resetClients } from "../../lib/aws/clients";
import type { RemediationRequest } from "../../lib/detect/request";
import { toConfigItem } from "../../lib/resources/config-item";
import { addResourceTypes, adapterFor } from "../../lib/resources/registry";
import type { ResourceAdapter, ResourceRef } from "../../lib/resources/adapter";
import { readApproval, ApprovalError } from "../../lib/remediation/worker/approve";
import {
  describedArnProblem,
  recordIdProblems,
  resourceIdentityProblems,
  workerHomeOf,
  type WorkerHome,
} from "../../lib/remediation/worker/identity";
import { S3RecordStore } from "../../lib/remediation/worker/s3-records";
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
 * A remediation request names its resource five ways (type, id, ARN, account, Region); the worker acts on the id
 * and judges, limits and records by the others, so it refuses a request whose five do not name one resource of its
 * own account and Region (lib/remediation/worker/identity.ts). End to end, AWS behind aws-sdk-client-mock with the
 * real live describe: SQS GetQueueAttributes / ListQueueTags / SetQueueAttributes (SQS API Reference), and the
 * SQS-with-SNS-envelope events of test/fixtures/hostile/requests/ (README.md there names their sources).
 */

const HOME: WorkerHome = { accountId: ACCOUNT, region: REGION };
const OTHER = "999999999999";
const FIXTURES = join(__dirname, "../fixtures/hostile/requests");
const NOW = new Date("2026-11-02T09:20:30.000Z");
const BUCKET = "guardrail-audit-111122223333";
const TABLE = "guardrail-remediation-state";
const ORDERS_URL = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/orders`;
const ORDERS_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:orders`;
const VICTIM_URL = `https://sqs.${REGION}.amazonaws.com/${OTHER}/victim`;

// ---------------------------------------------------------------------------------------------------------------
// The pure check

function ref(type: string, id: string, extra: Partial<ResourceRef> = {}): ResourceRef {
  return { type, id, region: REGION, accountId: ACCOUNT, ...extra };
}

describe("workerHomeOf", () => {
  it("reads the account and Region of the function's ARN, qualified or not", () => {
    expect(workerHomeOf(lambdaContext().invokedFunctionArn)).toEqual(HOME);
    expect(workerHomeOf(`arn:aws:lambda:${REGION}:${ACCOUNT}:function:guardrail-prod-remediationWorker:live`)).toEqual(
      HOME,
    );
    expect(workerHomeOf("arn:aws-cn:lambda:cn-north-1:111122223333:function:w")).toEqual({
      accountId: ACCOUNT,
      region: "cn-north-1",
    });
  });

  it("says why when there is no function ARN to read", () => {
    expect(workerHomeOf(undefined)).toMatch(/no Lambda context/);
    expect(workerHomeOf("guardrail-prod-remediationWorker")).toMatch(/not a Lambda function ARN/);
    expect(workerHomeOf(`arn:aws:sqs:${REGION}:${ACCOUNT}:queue`)).toMatch(/not a Lambda function ARN/);
    expect(workerHomeOf(`arn:aws:lambda::${ACCOUNT}:function:w`)).toMatch(/not a Lambda function ARN/);
  });
});

describe("resourceIdentityProblems", () => {
  it.each<[string, ResourceRef, string]>([
    [
      "a queue URL of another account than accountId and the ARN say",
      ref("AWS::SQS::Queue", VICTIM_URL, { arn: ORDERS_ARN }),
      `resource.id: ${VICTIM_URL} is in account ${OTHER}, but resource.accountId says ${ACCOUNT}`,
    ],
    [
      "an ARN of another queue than the id",
      ref("AWS::SQS::Queue", ORDERS_URL, { arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:payments` }),
      `resource.arn: arn:aws:sqs:${REGION}:${ACCOUNT}:payments is not the ARN of resource.id ${ORDERS_URL} (${ORDERS_ARN})`,
    ],
    [
      "a queue URL of another Region",
      ref("AWS::SQS::Queue", `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/orders`),
      "resource.id: https://sqs.us-east-1.amazonaws.com/111122223333/orders is in Region us-east-1, but resource.region says eu-west-1",
    ],
    [
      "a topic ARN (the id) of another account",
      ref("AWS::SNS::Topic", `arn:aws:sns:${REGION}:${OTHER}:alerts`),
      `resource.id: arn:aws:sns:${REGION}:${OTHER}:alerts is in account ${OTHER}, but resource.accountId says ${ACCOUNT}`,
    ],
    [
      "an ARN in another Region than the region",
      ref("AWS::DynamoDB::Table", "orders", { arn: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders` }),
      `resource.arn: arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders is in Region us-east-1, but resource.region says eu-west-1`,
    ],
    [
      "an ARN of another function than the id",
      ref("AWS::Lambda::Function", "orders", { arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:payments` }),
      "resource.arn: arn:aws:lambda:eu-west-1:111122223333:function:payments is not the ARN of resource.id orders",
    ],
    [
      "an ARN of another service than the type's",
      ref("AWS::S3::Bucket", "orders", { arn: ORDERS_ARN }),
      `resource.arn: ${ORDERS_ARN} is a sqs ARN, but a AWS::S3::Bucket is a s3 resource`,
    ],
    [
      "an ARN in another partition than the Region's",
      ref("AWS::S3::Bucket", "orders", { arn: "arn:aws-cn:s3:::orders" }),
      "resource.arn: arn:aws-cn:s3:::orders is in partition aws-cn, but resource.region eu-west-1 is in aws",
    ],
    [
      "an ARN that is not one",
      ref("AWS::S3::Bucket", "orders", { arn: "orders" }),
      'resource.arn: "orders" is not an ARN',
    ],
    [
      "a partial ARN of another account's function as the id",
      ref("AWS::Lambda::Function", `${OTHER}:function:victim`),
      `resource.id: ${OTHER}:function:victim is not how AWS Config names a AWS::Lambda::Function`,
    ],
    [
      "a table ARN of another account as the id",
      ref("AWS::DynamoDB::Table", `arn:aws:dynamodb:${REGION}:${OTHER}:table/victim`),
      "is not how AWS Config names a AWS::DynamoDB::Table",
    ],
    [
      "an access point ARN as a bucket name",
      ref("AWS::S3::Bucket", `arn:aws:s3:${REGION}:${OTHER}:accesspoint/victim`),
      `resource.id: arn:aws:s3:${REGION}:${OTHER}:accesspoint/victim is an ARN, but a AWS::S3::Bucket is named by its name`,
    ],
    [
      "a queue URL for a topic",
      ref("AWS::SNS::Topic", ORDERS_URL, { arn: ORDERS_ARN }),
      `resource.id: ${ORDERS_URL} is not how AWS Config names a AWS::SNS::Topic`,
    ],
    [
      "a topic ARN for a queue",
      ref("AWS::SQS::Queue", `arn:aws:sns:${REGION}:${ACCOUNT}:alerts`),
      "is not how AWS Config names a AWS::SQS::Queue",
    ],
    [
      "a stage ARN of another Region",
      ref("AWS::ApiGateway::Stage", "arn:aws:apigateway:us-east-1::/restapis/p4w7r2k9sd/stages/prod"),
      "resource.id: arn:aws:apigateway:us-east-1::/restapis/p4w7r2k9sd/stages/prod is in Region us-east-1",
    ],
    [
      "a domain ARN of another domain",
      ref("AWS::ApiGateway::DomainName", "a.example.com", {
        arn: `arn:aws:apigateway:${REGION}::/domainnames/b.example.com`,
      }),
      "resource.arn: arn:aws:apigateway:eu-west-1::/domainnames/b.example.com is not the ARN of resource.id a.example.com",
    ],
    [
      "a trail ARN (the id) of another account",
      ref("AWS::CloudTrail::Trail", `arn:aws:cloudtrail:${REGION}:${OTHER}:trail/org-trail`),
      `is in account ${OTHER}, but resource.accountId says ${ACCOUNT}`,
    ],
    [
      "an account that is not the worker's",
      ref("AWS::SQS::Queue", VICTIM_URL, { accountId: OTHER, arn: `arn:aws:sqs:${REGION}:${OTHER}:victim` }),
      `resource.accountId: ${OTHER} is not the account this worker runs in (${ACCOUNT})`,
    ],
    [
      "a Region that is not the worker's",
      ref("AWS::S3::Bucket", "orders", { region: "us-east-1", arn: "arn:aws:s3:::orders" }),
      "resource.region: us-east-1 is not the Region this worker runs in (eu-west-1)",
    ],
    [
      "an account id that is not one",
      ref("AWS::S3::Bucket", "orders", { accountId: "1111-2222-3333" }),
      'resource.accountId: "1111-2222-3333" is not an AWS account id',
    ],
    [
      "a type no adapter knows",
      ref("AWS::Redshift::Cluster", "analytics-cluster"),
      "resource.type: AWS::Redshift::Cluster is not a resource type this worker knows",
    ],
  ])("refuses %s, naming the field", (_what, r, expected) => {
    const problems = resourceIdentityProblems(r, HOME);
    expect(problems.join("\n")).toContain(expected);
  });

  it("accepts the reference of every item of the sample fleet (both Regions, every type), in its own account", () => {
    const { items } = fleetResourceItems({ services: 4, seed: 3 });
    const types = new Set<string>();
    for (const raw of items) {
      const item = toConfigItem(raw);
      const r: ResourceRef = {
        type: item.resourceType,
        id: item.resourceId,
        region: item.region,
        accountId: item.accountId,
        ...(item.arn ? { arn: item.arn } : {}),
      };
      types.add(r.type);
      expect([r.id, resourceIdentityProblems(r, { accountId: r.accountId, region: r.region })]).toEqual([r.id, []]);
      // As the Config compliance change names it: no ARN.
      const { arn: _arn, ...noArn } = r;
      expect(resourceIdentityProblems(noArn, { accountId: r.accountId, region: r.region })).toEqual([]);
    }
    expect(types.size).toBe(10);
  });

  it("accepts the Config item of every policy example", () => {
    const root = join(__dirname, "../../policies");
    let checked = 0;
    for (const dir of readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory())) {
      for (const file of readdirSync(join(root, dir.name)).filter((f) => f.endsWith(".json"))) {
        const policy = JSON.parse(readFileSync(join(root, dir.name, file), "utf8")) as {
          examples?: Record<string, { configurationItem?: Record<string, unknown> }[]>;
        };
        for (const example of Object.values(policy.examples ?? {}).flat()) {
          if (!example.configurationItem) continue;
          const item = toConfigItem(example.configurationItem);
          if (!item.resourceId || !item.region || !item.accountId) continue;
          const r: ResourceRef = {
            type: item.resourceType,
            id: item.resourceId,
            region: item.region,
            accountId: item.accountId,
            ...(item.arn ? { arn: item.arn } : {}),
          };
          expect([file, resourceIdentityProblems(r, { accountId: r.accountId, region: r.region })]).toEqual([file, []]);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(40);
  });

  it("accepts what the CloudTrail side builds: the adapters' references from a record, the describe's ARN", () => {
    const lambda = adapterFor("AWS::Lambda::Function") as ResourceAdapter;
    const sqs = adapterFor("AWS::SQS::Queue") as ResourceAdapter;
    const fromName = ref("AWS::Lambda::Function", "orders");
    const described = {
      ...fromName,
      arn: lambda.arn?.(fromName, { functionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:orders` }),
    };
    expect(resourceIdentityProblems(described, HOME)).toEqual([]);
    const queue = ref("AWS::SQS::Queue", ORDERS_URL);
    expect(sqs.arn?.(queue, {})).toBe(ORDERS_ARN);
    expect(resourceIdentityProblems({ ...queue, arn: ORDERS_ARN }, HOME)).toEqual([]);
    expect(
      resourceIdentityProblems(
        {
          type: "AWS::SQS::Queue",
          id: "https://sqs.cn-north-1.amazonaws.com.cn/111122223333/orders.fifo",
          region: "cn-north-1",
          accountId: ACCOUNT,
          arn: "arn:aws-cn:sqs:cn-north-1:111122223333:orders.fifo",
        },
        { accountId: ACCOUNT, region: "cn-north-1" },
      ),
    ).toEqual([]);
  });

  it("knows a type an extension pack adds once the pack is registered, and checks its ARN by the generic rules", () => {
    const widget = ref("Acme::Widget::Thing", "w-1", { arn: `arn:aws:acme:${REGION}:${ACCOUNT}:widget/w-1` });
    expect(resourceIdentityProblems(widget, HOME)).toEqual([
      "resource.type: Acme::Widget::Thing is not a resource type this worker knows (built in or from an extension pack)",
    ]);
    addResourceTypes({
      adapters: [
        {
          type: "Acme::Widget::Thing",
          service: "acme",
          documentSchema: { type: "object" },
          fromConfigItem: () => ({}),
        },
      ],
    });
    expect(resourceIdentityProblems(widget, HOME)).toEqual([]);
    expect(resourceIdentityProblems({ ...widget, arn: `arn:aws:acme:${REGION}:${OTHER}:widget/w-1` }, HOME)).toEqual([
      `resource.arn: arn:aws:acme:${REGION}:${OTHER}:widget/w-1 is in account ${OTHER}, but resource.accountId says ${ACCOUNT}`,
    ]);
  });

  it("without a worker (the approval command), checks the request against itself only", () => {
    const elsewhere = ref("AWS::SQS::Queue", VICTIM_URL, { accountId: OTHER });
    expect(resourceIdentityProblems(elsewhere)).toEqual([]);
    expect(resourceIdentityProblems(elsewhere, HOME)).not.toEqual([]);
  });
});

describe("a later API of a service keeps its ARNs", () => {
  test("an HTTP API custom domain is named by an apigateway ARN, not apigatewayv2", () => {
    const domain = {
      type: "AWS::ApiGatewayV2::DomainName",
      id: "partners.api.example.com",
      region: REGION,
      accountId: ACCOUNT,
      arn: `arn:aws:apigateway:${REGION}::/domainnames/partners.api.example.com`,
    };
    expect(resourceIdentityProblems(domain, HOME)).toEqual([]);
    expect(
      resourceIdentityProblems({ ...domain, arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:x` }, HOME),
    ).toEqual([
      expect.stringContaining("is a lambda ARN, but a AWS::ApiGatewayV2::DomainName is a apigateway resource"),
      expect.stringContaining("is not the ARN of resource.id partners.api.example.com"),
    ]);
  });
});

describe("recordIdProblems", () => {
  it("refuses a release of another account's or Region's record", () => {
    expect(recordIdProblems(`2026-11-02_${ACCOUNT}_${REGION}_0123456789abcdef`, HOME)).toEqual([]);
    expect(recordIdProblems(`2026-11-02_${OTHER}_${REGION}_0123456789abcdef`, HOME)).toEqual([
      `approvalRecordId: 2026-11-02_${OTHER}_${REGION}_0123456789abcdef is a record of account ${OTHER}, not of this worker's (${ACCOUNT})`,
    ]);
    expect(recordIdProblems(`2026-11-02_${ACCOUNT}_us-east-1_0123456789abcdef`, HOME).join()).toContain(
      "a record of Region us-east-1",
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The worker, end to end

const sqs = mockClient(SQSClient);
const ddb = mockClient(DynamoDBClient);
const s3 = mockClient(S3Client);
const sns = mockClient(SNSClient);
const events = mockClient(EventBridgeClient);
const lambda = mockClient(LambdaClient);
const apigw = mockClient(APIGatewayClient);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const EVERY_CLIENT: AwsStub<any, any, any>[] = [sqs, ddb, s3, sns, events, lambda, apigw];

const ENV = {
  AWS_REGION: REGION,
  AUDIT_BUCKET: BUCKET,
  REMEDIATION_TOPIC_ARN: TOPIC_ARN,
  IDEMPOTENCY_TABLE: TABLE,
  GUARDRAIL_VERIFY_DELAYS_SECONDS: "0",
  POWERTOOLS_METRICS_NAMESPACE: "GuardrailTest",
};
const saved: Record<string, string | undefined> = {};

/** Queues by URL, as GetQueueAttributes answers and SetQueueAttributes changes them: every queue unencrypted. */
let queues: Map<string, Record<string, string>>;
let table: FakeTable;
let bucket: FakeBucket;
let lines: Record<string, unknown>[];

function queueAttributes(url: string): Record<string, string> {
  const [, region, account, name] = /^https:\/\/sqs\.([^.]+)\.amazonaws\.com\/(\d{12})\/(.+)$/.exec(url) ?? [];
  let q = queues.get(url);
  if (!q) {
    q = {
      QueueArn: `arn:aws:sqs:${region}:${account}:${name}`,
      VisibilityTimeout: "30",
      SqsManagedSseEnabled: "false",
    };
    queues.set(url, q);
  }
  return q;
}

beforeEach(() => {
  for (const m of EVERY_CLIENT) m.reset();
  queues = new Map();
  sqs.on(GetQueueAttributesCommand).callsFake((input: GetQueueAttributesCommandInput) => ({
    Attributes: { ...queueAttributes(String(input.QueueUrl)) },
  }));
  sqs.on(ListQueueTagsCommand).resolves({ Tags: {} });
  sqs.on(SetQueueAttributesCommand).callsFake((input: SetQueueAttributesCommandInput) => {
    Object.assign(queueAttributes(String(input.QueueUrl)), input.Attributes);
    return {};
  });
  table = new FakeTable(TABLE);
  table.install(ddb);
  bucket = new FakeBucket();
  bucket.install(s3);
  sns.on(PublishCommand).resolves({ MessageId: "5a4d3c2b-sns" });
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: "ev-1" }] });
  for (const [k, v] of Object.entries(ENV)) {
    if (!(k in saved)) saved[k] = process.env[k];
    process.env[k] = v;
  }
  configureWorker({ now: () => NOW });
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

function fixture(name: string): SQSEvent {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), "utf8")) as SQSEvent;
}

const failed = (r: SQSBatchResponse) => r.batchItemFailures.map((f) => f.itemIdentifier);

function ordersRequest(mode: RemediationRequest["mode"] = "auto"): RemediationRequest {
  return {
    version: 1,
    correlationId: "3f6a0c2e-8d4b-4e71-9a5c-6b2d1e0f7a38",
    policyId: "sqs-queue-encrypted",
    mode,
    resource: { type: "AWS::SQS::Queue", id: ORDERS_URL, region: REGION, accountId: ACCOUNT, arn: ORDERS_ARN },
    evaluation: { compliance: "NON_COMPLIANT", annotation: "server-side encryption is off" },
    cause: {
      eventName: "SetQueueAttributes",
      eventTime: "2026-11-02T09:19:58Z",
      principal: `arn:aws:sts::${ACCOUNT}:assumed-role/orders-deployer/ci-7781`,
      sourceIPAddress: "203.0.113.7",
      console: false,
    },
    detectedAt: "2026-11-02T09:20:00.512Z",
  };
}

function expectNoAwsCall(): void {
  for (const m of EVERY_CLIENT) expect(m.calls().map((c) => c.args[0].constructor.name)).toEqual([]);
}

const HOSTILE: [file: string, field: string][] = [
  ["sqs-id-names-another-account", `resource.id: ${VICTIM_URL} is in account ${OTHER}`],
  ["sqs-arn-names-another-queue", "resource.arn: arn:aws:sqs:eu-west-1:111122223333:payments is not the ARN of"],
  ["sns-id-in-another-account", `resource.id: arn:aws:sns:eu-west-1:${OTHER}:victim-alerts is in account ${OTHER}`],
  ["dynamodb-arn-in-another-region", "resource.arn: arn:aws:dynamodb:us-east-1:111122223333:table/orders is in Region"],
  ["lambda-id-is-partial-arn", `resource.id: ${OTHER}:function:victim is not how AWS Config names`],
  ["s3-id-is-access-point-arn", "resource.id: arn:aws:s3:eu-west-1:999999999999:accesspoint/victim is an ARN"],
  ["sns-type-with-queue-url", `resource.id: ${ORDERS_URL} is not how AWS Config names a AWS::SNS::Topic`],
  ["worker-account-differs", `resource.accountId: ${OTHER} is not the account this worker runs in`],
  ["worker-region-differs", "resource.region: us-east-1 is not the Region this worker runs in"],
  ["unknown-type", "resource.type: AWS::Redshift::Cluster is not a resource type this worker knows"],
];

describe("the worker refuses a request that names no one resource of its account and Region", () => {
  it("lists every fixture of test/fixtures/hostile/requests/", () => {
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith(".json"));
    expect(files.map((f) => f.replace(/\.json$/, "")).sort()).toEqual(HOSTILE.map(([f]) => f).sort());
  });

  it.each(HOSTILE)("%s: the record fails, naming the field, before any AWS call", async (file, reason) => {
    const event = fixture(file);
    const messageId = event.Records[0]?.messageId;

    const out = await handler(event, lambdaContext());

    expect(failed(out)).toEqual([messageId]);
    expectNoAwsCall(); // no describe, no fix, no idempotency or rate-limit item, no record, no outcome
    expect(bucket.objects.size).toBe(0);
    const refused = lines.filter((l) => l.messageId === messageId && l.level === "ERROR");
    expect(refused.map((l) => l.message)).toEqual([
      "refused message: it goes back to the queue and, after maxReceiveCount, to the DLQ",
    ]);
    expect(String(refused[0]?.error)).toContain(reason);
    expect(String(refused[0]?.error)).toMatch(
      /^remediation request [0-9a-f-]+ names no one resource this worker may fix: /,
    );
    expect(lines.find((l) => "_aws" in l && "MalformedMessages" in l)).toMatchObject({ MalformedMessages: 1 });
  });

  it("the problem's victim: the queue of another account is not changed, and the request that agrees is fixed", async () => {
    const victim = fixture("sqs-id-names-another-account");
    const good = sqsRecord("m-good", snsEnvelope(ordersRequest(), "sns-good"));

    const out = await handler({ Records: [...victim.Records, good] }, lambdaContext());

    expect(sqs).not.toHaveReceivedCommandWith(SetQueueAttributesCommand, { QueueUrl: VICTIM_URL });
    expect(failed(out)).toEqual([victim.Records[0]?.messageId]);
    expect(sqs).toHaveReceivedCommandTimes(SetQueueAttributesCommand, 1);
    expect(sqs).toHaveReceivedCommandWith(SetQueueAttributesCommand, {
      QueueUrl: ORDERS_URL,
      Attributes: { SqsManagedSseEnabled: "true" },
    });
    for (const call of sqs.calls()) expect(JSON.stringify(call.args[0].input)).not.toContain(OTHER);
    const records = [...bucket.objects.keys()].map((k) => bucket.json(k));
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      outcome: "fixed",
      before: { id: ORDERS_URL, arn: ORDERS_ARN, accountId: ACCOUNT },
      request: { resource: { id: ORDERS_URL } },
    });
  });

  it("fails every request when the worker cannot tell its account (no Lambda context), changing nothing", async () => {
    const out = await handler({ Records: [sqsRecord("m-1", snsEnvelope(ordersRequest(), "sns-1"))] });
    expect(failed(out)).toEqual(["m-1"]);
    expectNoAwsCall();
    expect(lines.find((l) => l.messageId === "m-1" && l.level === "ERROR")).toMatchObject({
      message: "the worker cannot tell its account and Region: the message goes back to the queue",
      reason: expect.stringContaining("no Lambda context"),
    });
  });
});

describe("approval releases re-read a stored request: the same check applies", () => {
  /** An approval request for `orders`, written by the worker; then its stored request is made to name the victim. */
  async function tamperedApproval(): Promise<string> {
    await handler(
      { Records: [sqsRecord("m-approve", snsEnvelope(ordersRequest("approve"), "sns-a"))] },
      lambdaContext(),
    );
    const [key] = [...bucket.objects.keys()];
    const record = bucket.json(String(key));
    expect(record).toMatchObject({ outcome: "awaiting-approval" });
    const request = record.request as RemediationRequest;
    bucket.objects.set(
      String(key),
      JSON.stringify({ ...record, request: { ...request, resource: { ...request.resource, id: VICTIM_URL } } }),
    );
    for (const m of EVERY_CLIENT) m.resetHistory();
    return String(record.recordId);
  }

  function release(recordId: string, messageId: string) {
    return sqsRecord(
      messageId,
      snsEnvelope(
        {
          type: "guardrail.remediation.approval-release",
          version: 1,
          approvalRecordId: recordId,
          approvedBy: `arn:aws:iam::${ACCOUNT}:user/alice`,
          approvedAt: "2026-11-02T10:00:00.000Z",
          correlationId: "3f6a0c2e-8d4b-4e71-9a5c-6b2d1e0f7a38",
        },
        `sns-${messageId}`,
      ),
    );
  }

  it("the worker reads the record and refuses its request before describing or fixing anything", async () => {
    const recordId = await tamperedApproval();

    const out = await handler({ Records: [release(recordId, "m-release")] }, lambdaContext());

    expect(failed(out)).toEqual(["m-release"]);
    expect(s3).toHaveReceivedCommandTimes(GetObjectCommand, 1);
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
    for (const m of [sqs, ddb, sns, events]) expect(m.calls()).toHaveLength(0);
    const error = String(lines.find((l) => l.messageId === "m-release" && l.level === "ERROR")?.error);
    expect(error).toContain(`approval release: record ${recordId} names no one resource this worker may fix`);
    expect(error).toContain(`resource.id: ${VICTIM_URL} is in account ${OTHER}`);
  });

  it("the approval command refuses to release it, naming the field", async () => {
    const recordId = await tamperedApproval();
    const read = readApproval(recordId, { records: new S3RecordStore(BUCKET), now: NOW });
    await expect(read).rejects.toThrow(ApprovalError);
    await expect(readApproval(recordId, { records: new S3RecordStore(BUCKET), now: NOW })).rejects.toThrow(
      `record ${recordId} cannot be released: resource.id: ${VICTIM_URL} is in account ${OTHER}`,
    );
  });

  it("a release of another account's record is refused without reading it", async () => {
    const out = await handler(
      { Records: [release(`2026-11-02_${OTHER}_${REGION}_0123456789abcdef`, "m-other")] },
      lambdaContext(),
    );
    expect(failed(out)).toEqual(["m-other"]);
    expectNoAwsCall();
    expect(String(lines.find((l) => l.messageId === "m-other" && l.level === "ERROR")?.error)).toContain(
      `is a record of account ${OTHER}, not of this worker's (${ACCOUNT})`,
    );
  });
});

describe("describedArnProblem", () => {
  // An RDS cluster is named by Config's resource id, which does not spell its ARN: only the describe can tell which
  // cluster the id names (RDS API Reference, DescribeDBClusters: Filters db-cluster-resource-id).
  const ref = {
    type: "AWS::RDS::DBCluster",
    id: "cluster-8TWNYJ67KQ2M4XH9D3PZ5VB1RC",
    region: "eu-west-1",
    accountId: "111122223333",
    arn: "arn:aws:rds:eu-west-1:111122223333:cluster:orders",
  };

  it("accepts the request whose ARN is the described cluster's", () => {
    expect(resourceIdentityProblems(ref, { accountId: "111122223333", region: "eu-west-1" })).toEqual([]);
    expect(describedArnProblem(ref, { dbClusterArn: ref.arn, dbClusterIdentifier: "orders" })).toBeUndefined();
  });

  it("refuses one whose id names another cluster than its ARN, naming both", () => {
    const other = "arn:aws:rds:eu-west-1:111122223333:cluster:payments";
    expect(describedArnProblem(ref, { dbClusterArn: other, dbClusterIdentifier: "payments" })).toBe(
      `resource.arn: ${ref.arn} is not the ARN of resource.id ${ref.id} (described: ${other})`,
    );
  });
});
