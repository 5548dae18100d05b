import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  CreateBucketCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutBucketVersioningCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { CreateTopicCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from "@aws-sdk/client-sqs";
import type { Context, SQSEvent } from "aws-lambda";
import type { JsonObject } from "../../lib/util/json";
import { recorded } from "../helpers/recorded";
import { MOTO_ACCOUNT, MOTO_REGION, useMoto } from "./moto";

/*
 * The deployed pipeline, end to end, on moto server: a person suspends a bucket's versioning; the CloudTrail
 * handler (events/cloudtrail.ts) gets the EventBridge event, describes the bucket live and publishes a remediation
 * request to the SNS topic; the topic delivers it to the remediation queue (the subscription and filter policy of
 * serverless.yml); the worker (remediations/worker.ts) takes the SQS batch. s3-bucket-versioning's mode is
 * `approve`, so the worker records an approval request and fixes nothing; `guardrail remediation approve` (what
 * lib/remediation/worker/approve.ts runs) releases it through the same topic, and the worker then fixes and verifies.
 *
 * The CloudTrail record is BUILT BY COPYING the recorded "AWS API Call via CloudTrail" record's shape
 * (test/fixtures/aws-recorded/eventbridge-cloudtrail-apigateway-create-stage.json) with S3's own
 * PutBucketVersioning parameters (CloudTrail User Guide, "Amazon S3 bucket-level actions tracked by CloudTrail
 * logging": bucketName, VersioningConfiguration). The EventBridge envelope is the one EventBridge wraps every
 * event in (EventBridge User Guide, "Amazon EventBridge events": version, id, detail-type, source, account, time,
 * region, resources, detail).
 */

jest.setTimeout(60_000);

const moto = useMoto();
const BUCKET = "guardrail-pipeline-orders";
const AUDIT = "guardrail-pipeline-audit";
const TABLE = "guardrail-pipeline-idempotency";
const PERSON = `arn:aws:sts::${MOTO_ACCOUNT}:assumed-role/platform-admin/alice`;

let sqs: SQSClient;
let queueUrl: string;
let queueArn: string;

/** Moto's resources as serverless.yml creates them, and the environment serverless.yml gives the functions. */
beforeAll(async () => {
  const cfg = moto.config();
  const s3 = new S3Client(cfg);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: "Suspended" } }));
  await s3.send(new CreateBucketCommand({ Bucket: AUDIT }));
  const ddb = new DynamoDBClient(cfg);
  await ddb.send(
    new CreateTableCommand({
      TableName: TABLE,
      AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  sqs = new SQSClient(cfg);
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: "guardrail-remediation" }))).QueueUrl as string;
  const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }));
  queueArn = attrs.Attributes?.QueueArn as string;
  const sns = new SNSClient(cfg);
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "guardrail-topic" }));
  await sns.send(
    new SubscribeCommand({
      TopicArn,
      Protocol: "sqs",
      Endpoint: queueArn,
      Attributes: {
        RawMessageDelivery: "false",
        FilterPolicyScope: "MessageAttributes",
        FilterPolicy: JSON.stringify({ guardrail_message: ["remediation-request"] }),
      },
    }),
  );
  Object.assign(process.env, {
    REMEDIATION_TOPIC_ARN: TopicArn,
    AUDIT_BUCKET: AUDIT,
    IDEMPOTENCY_TABLE: TABLE,
    GUARDRAIL_REMEDIATION_ROLE_ARN: `arn:aws:iam::${MOTO_ACCOUNT}:role/guardrail-remediation`,
    GUARDRAIL_VERIFY_DELAYS_SECONDS: "0",
    POWERTOOLS_LOG_LEVEL: "SILENT",
    POWERTOOLS_METRICS_DISABLED: "true",
    POWERTOOLS_TRACE_ENABLED: "false",
  });
  s3.destroy();
  ddb.destroy();
  sns.destroy();
});

/** The EventBridge event of `alice` suspending the bucket's versioning. */
function suspendVersioningEvent(): JsonObject {
  const record = {
    ...recorded<JsonObject>("eventbridge-cloudtrail-apigateway-create-stage.json"),
    userIdentity: {
      type: "AssumedRole",
      principalId: "AROAEXAMPLEPLATFORM:alice",
      arn: PERSON,
      accountId: MOTO_ACCOUNT,
      sessionContext: {
        sessionIssuer: {
          type: "Role",
          principalId: "AROAEXAMPLEPLATFORM",
          arn: `arn:aws:iam::${MOTO_ACCOUNT}:role/platform-admin`,
          accountId: MOTO_ACCOUNT,
          userName: "platform-admin",
        },
        attributes: { creationDate: "2026-11-22T08:00:00Z", mfaAuthenticated: "true" },
      },
    },
    eventTime: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    eventSource: "s3.amazonaws.com",
    eventName: "PutBucketVersioning",
    awsRegion: MOTO_REGION,
    sourceIPAddress: "203.0.113.10",
    userAgent: "[aws-cli/2.15.0]",
    requestParameters: {
      bucketName: BUCKET,
      Host: `${BUCKET}.s3.${MOTO_REGION}.amazonaws.com`,
      versioning: "",
      VersioningConfiguration: { Status: "Suspended", xmlns: "http://s3.amazonaws.com/doc/2006-03-01/" },
    },
    responseElements: null,
    eventID: "6f1c1c52-7b1a-4d4e-9a3c-2f8b3e0c9d11",
    recipientAccountId: MOTO_ACCOUNT,
    resources: [{ type: "AWS::S3::Bucket", ARN: `arn:aws:s3:::${BUCKET}` }],
  };
  return {
    version: "0",
    id: "0d5ea8a6-1d8a-4c1e-8f0a-6c2e1b1f7a01",
    "detail-type": "AWS API Call via CloudTrail",
    source: "aws.s3",
    account: MOTO_ACCOUNT,
    time: record.eventTime,
    region: MOTO_REGION,
    resources: [],
    detail: record,
  };
}

/** The parts of the Lambda context the handlers read (the idempotency layer asks for the time left). */
function lambdaContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:${MOTO_REGION}:${MOTO_ACCOUNT}:function:${functionName}`,
    memoryLimitInMB: "512",
    awsRequestId: "c6af9ac6-7b61-11e6-9a41-93e812345678",
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "2026/11/22/[$LATEST]abcdef0123456789",
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** What the queue holds now, as the SQS event Lambda's event source mapping would hand the worker. */
async function receiveBatch(): Promise<{ event: SQSEvent; messages: Message[] }> {
  const r = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      MessageSystemAttributeNames: ["All"],
      WaitTimeSeconds: 1,
    }),
  );
  const messages = r.Messages ?? [];
  const event: SQSEvent = {
    Records: messages.map((m) => ({
      messageId: m.MessageId as string,
      receiptHandle: m.ReceiptHandle as string,
      body: m.Body as string,
      attributes: {
        ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? "1",
        SentTimestamp: m.Attributes?.SentTimestamp ?? String(Date.now()),
        SenderId: m.Attributes?.SenderId ?? MOTO_ACCOUNT,
        ApproximateFirstReceiveTimestamp: m.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: m.MD5OfBody as string,
      eventSource: "aws:sqs",
      eventSourceARN: queueArn,
      awsRegion: MOTO_REGION,
    })),
  };
  return { event, messages };
}

/** Lambda deletes the messages a batch did not report as failed. */
async function deleteProcessed(messages: Message[], failed: { itemIdentifier: string }[]): Promise<void> {
  const failedIds = new Set(failed.map((f) => f.itemIdentifier));
  for (const m of messages) {
    if (!failedIds.has(m.MessageId as string)) {
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
    }
  }
}

async function versioningStatus(): Promise<string | undefined> {
  const s3 = new S3Client(moto.config());
  const out = await s3.send(new GetBucketVersioningCommand({ Bucket: BUCKET }));
  s3.destroy();
  return out.Status;
}

async function records(): Promise<Record<string, unknown>[]> {
  const s3 = new S3Client(moto.config());
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: AUDIT, Prefix: "records/" }));
  const out: Record<string, unknown>[] = [];
  for (const o of listed.Contents ?? []) {
    const got = await s3.send(new GetObjectCommand({ Bucket: AUDIT, Key: o.Key }));
    out.push(JSON.parse(await (got.Body?.transformToString() ?? Promise.resolve("{}"))) as Record<string, unknown>);
  }
  s3.destroy();
  return out;
}

describe("CloudTrail event → detection → SNS → SQS → worker → approval → fix (moto)", () => {
  it("asks for approval, fixes nothing until approved, then fixes, verifies and records who approved", async () => {
    // The handlers read their environment when first used; load them after beforeAll set it.
    const events = await import("../../events/cloudtrail");
    const worker = await import("../../remediations/worker");
    const approve = await import("../../lib/remediation/worker/approve");

    const detected = await events.handler(suspendVersioningEvent(), lambdaContext("guardrail-events"));
    expect(detected).toMatchObject({ correlationId: "6f1c1c52-7b1a-4d4e-9a3c-2f8b3e0c9d11", requests: 1 });

    const first = await receiveBatch();
    expect(first.messages).toHaveLength(1); // outcomes and alerts on the topic are filtered out of the queue
    const firstResult = await worker.handler(first.event, lambdaContext("guardrail-worker"));
    expect(firstResult.batchItemFailures).toEqual([]);
    await deleteProcessed(first.messages, firstResult.batchItemFailures);
    expect(await versioningStatus()).toBe("Suspended");

    const [waiting] = await records();
    expect(waiting).toMatchObject({
      outcome: "awaiting-approval",
      correlationId: "6f1c1c52-7b1a-4d4e-9a3c-2f8b3e0c9d11",
      policy: { id: "s3-bucket-versioning" },
    });
    expect(JSON.stringify(waiting)).toContain(PERSON); // the principal whose change caused it

    const released = await approve.approveRemediation(waiting?.recordId as string, { approvedBy: "bob@example.com" });
    expect(released.plan).toEqual([
      expect.objectContaining({
        service: "s3",
        operation: "PutBucketVersioning",
        input: expect.objectContaining({ Bucket: BUCKET, VersioningConfiguration: { Status: "Enabled" } }),
      }),
    ]);
    expect(await versioningStatus()).toBe("Suspended"); // approving only publishes the release

    const second = await receiveBatch();
    expect(second.messages).toHaveLength(1);
    const secondResult = await worker.handler(second.event, lambdaContext("guardrail-worker"));
    expect(secondResult.batchItemFailures).toEqual([]);
    await deleteProcessed(second.messages, secondResult.batchItemFailures);
    expect(await versioningStatus()).toBe("Enabled");

    const fixed = (await records()).find((r) => r.outcome !== "awaiting-approval");
    expect(fixed).toMatchObject({
      outcome: "fixed",
      correlationId: "6f1c1c52-7b1a-4d4e-9a3c-2f8b3e0c9d11",
      release: expect.objectContaining({ approvedBy: "bob@example.com" }),
    });
  });
});
