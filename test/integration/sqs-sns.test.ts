import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import { SnsSqsNotificationSchema } from "@aws-lambda-powertools/parser/schemas/sns";
import { describeResource } from "../../lib/resources/describe";
import { KIND_REQUEST, MESSAGE_KIND_ATTRIBUTE, parseWorkerMessage } from "../../lib/remediation/worker/message";
import { resourceFromConfigItem } from "../../lib/resources/adapter";
import { toConfigItem } from "../../lib/resources/config-item";
import { adapterFor } from "../../lib/resources/registry";
import type { JsonObject } from "../../lib/util/json";
import { described, fix, ref, verdict } from "./guardrail";
import { MOTO_ACCOUNT, MOTO_REGION, useMoto } from "./moto";

jest.setTimeout(30_000);

const moto = useMoto();
let sqs: SQSClient;
let sns: SNSClient;

beforeAll(() => {
  sqs = new SQSClient(moto.config());
  sns = new SNSClient(moto.config());
});
afterAll(() => {
  sqs?.destroy();
  sns?.destroy();
});

async function createQueue(name: string, attributes: Record<string, string> = {}, tags?: Record<string, string>) {
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({ QueueName: name, Attributes: attributes, ...(tags ? { tags } : {}) }),
  );
  if (!QueueUrl) throw new Error(`CreateQueue ${name}: no QueueUrl`);
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }));
  return { url: QueueUrl, arn: Attributes?.QueueArn as string };
}

describe("SQS queue: describe, judge, fix, describe again (moto)", () => {
  it("describes a queue without SSE as the Config item path does, fixes sqs-queue-encrypted, and verifies", async () => {
    const dlq = await createQueue("orders-dlq");
    const queue = await createQueue(
      "orders",
      {
        SqsManagedSseEnabled: "false",
        VisibilityTimeout: "30",
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 }),
      },
      { team: "orders" },
    );
    const queueRef = ref("AWS::SQS::Queue", queue.url);

    const before = await described(queueRef);
    expect(before.arn).toBe(queue.arn);
    expect(before.name).toBe("orders");
    expect(before.tags).toEqual({ team: "orders" });
    expect(before.document.SqsManagedSseEnabled === undefined || before.document.SqsManagedSseEnabled === false).toBe(
      true,
    );
    expect(before.document.KmsMasterKeyId).toBeUndefined();
    expect(before.document.VisibilityTimeout).toBe(30);
    expect(before.document.RedrivePolicy).toEqual({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 });

    // The same queue as Config records it (invocation naming: the attribute strings, tags in
    // supplementaryConfiguration) gives the same document through the adapter's Config-item path.
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ["All"] }),
    );
    const item = toConfigItem({
      configurationItemVersion: "1.3",
      configurationItemCaptureTime: new Date().toISOString(),
      configurationItemStatus: "OK",
      awsAccountId: MOTO_ACCOUNT,
      awsRegion: MOTO_REGION,
      resourceType: "AWS::SQS::Queue",
      resourceId: queue.url,
      resourceName: "orders",
      ARN: queue.arn,
      configuration: Attributes as JsonObject,
      supplementaryConfiguration: { Tags: { team: "orders" } },
      tags: { team: "orders" },
    });
    const fromConfig = resourceFromConfigItem(adapterFor("AWS::SQS::Queue")!, item);
    expect(before.document).toEqual(fromConfig.document);

    expect(verdict("sqs-queue-encrypted", before)).toBe("NON_COMPLIANT");
    expect(verdict("sqs-queue-dead-letter", before)).toBe("COMPLIANT");

    const report = await fix("sqs-queue-encrypted", before);
    expect(report.done.map((c) => `${c.service}:${c.operation}`)).toEqual(["sqs:SetQueueAttributes"]);

    const after = await described(queueRef);
    expect(after.document.SqsManagedSseEnabled).toBe(true);
    expect(verdict("sqs-queue-encrypted", after)).toBe("COMPLIANT");
    // The fix touched nothing else.
    expect(after.document.RedrivePolicy).toEqual(before.document.RedrivePolicy);
  });

  it("describes a deleted or never-created queue as gone", async () => {
    const { url } = await createQueue("exists");
    const missing = url.replace(/exists$/, "never-created");
    expect(await describeResource(ref("AWS::SQS::Queue", missing))).toBeUndefined();
  });

  it("redrives a message received maxReceiveCount times without delete to the DLQ", async () => {
    const dlq = await createQueue("work-dlq");
    const queue = await createQueue("work", {
      VisibilityTimeout: "0",
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 }),
    });
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: "poison" }));

    let received = 0;
    for (let i = 0; i < 6; i++) {
      const r = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queue.url, MaxNumberOfMessages: 1, WaitTimeSeconds: 0 }),
      );
      received += r.Messages?.length ?? 0;
    }
    expect(received).toBe(2);

    const dead = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: dlq.url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ["ApproximateReceiveCount"],
      }),
    );
    expect(dead.Messages?.map((m) => m.Body)).toEqual(["poison"]);
  });
});

describe("SNS to SQS: the envelope the remediation worker parses (moto)", () => {
  it("delivers a published request as an SNS Notification envelope the worker accepts", async () => {
    const queue = await createQueue("remediation");
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "guardrail-remediation" }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: queue.arn }));

    const request = {
      version: 1,
      correlationId: "cfg-0123456789abcdef",
      policyId: "sqs-queue-encrypted",
      mode: "auto",
      resource: { type: "AWS::SQS::Queue", id: queue.url, region: MOTO_REGION, accountId: MOTO_ACCOUNT },
      evaluation: { compliance: "NON_COMPLIANT", annotation: "server-side encryption is off" },
      cause: { configRuleName: "guardrail-test-sqs-queue-encrypted" },
      detectedAt: new Date().toISOString(),
    };
    const { MessageId } = await sns.send(
      new PublishCommand({
        TopicArn,
        Message: JSON.stringify(request),
        MessageAttributes: { [MESSAGE_KIND_ATTRIBUTE]: { DataType: "String", StringValue: KIND_REQUEST } },
      }),
    );

    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.url, MaxNumberOfMessages: 1 }));
    const body = r.Messages?.[0]?.Body;
    expect(body).toBeDefined();
    const envelope = JSON.parse(body as string) as Record<string, unknown>;
    expect(envelope).toMatchObject({
      Type: "Notification",
      MessageId,
      TopicArn,
      Message: JSON.stringify(request),
      MessageAttributes: { [MESSAGE_KIND_ATTRIBUTE]: { Type: "String", Value: KIND_REQUEST } },
    });
    expect(SnsSqsNotificationSchema.safeParse(envelope).success).toBe(true);

    const parsed = parseWorkerMessage(body as string);
    expect(parsed.kind).toBe("request");
    expect(parsed.snsMessageId).toBe(MessageId);
    if (parsed.kind === "request") expect(parsed.request).toEqual(request);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: r.Messages?.[0]?.ReceiptHandle }));
  });
});
