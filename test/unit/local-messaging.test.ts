import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { SnsSqsNotificationSchema } from "@aws-lambda-powertools/parser/schemas/sns";
import { SqsRecordSchema } from "@aws-lambda-powertools/parser/schemas/sqs";
import type { SQSEvent, SQSRecord } from "aws-lambda";
import { VirtualClock } from "../../lib/local/clock";
import { LocalTopic } from "../../lib/local/messaging/sns";
import { LocalQueue, pollOnce, ReceiptHandleIsInvalid } from "../../lib/local/messaging/sqs";

/*
 * Shapes checked against Powertools' parser schemas for the real payloads (SqsRecordSchema: the Lambda SQS event
 * record; SnsSqsNotificationSchema: the SNS envelope in an SQS body), and semantics as the SQS Developer Guide
 * (visibility timeout, ApproximateReceiveCount, redrive policy) and the Lambda Developer Guide ("Handling errors
 * for an SQS event source": ReportBatchItemFailures, invalid responses fail the whole batch) describe them.
 */

const ACCOUNT = "111122223333";
const REGION = "us-east-1";

function setup(opts: { deliverTwice?: boolean; maxReceiveCount?: number } = {}) {
  const clock = new VirtualClock(new Date("2026-11-03T12:00:00Z"));
  const dlq = new LocalQueue({ name: "dlq", accountId: ACCOUNT, region: REGION, visibilityTimeoutSeconds: 30 }, clock);
  const queue = new LocalQueue(
    {
      name: "work",
      accountId: ACCOUNT,
      region: REGION,
      visibilityTimeoutSeconds: 60,
      redrive: { deadLetter: dlq, maxReceiveCount: opts.maxReceiveCount ?? 3 },
      deliverTwice: opts.deliverTwice,
    },
    clock,
  );
  const topic = new LocalTopic("guardrail", ACCOUNT, REGION, clock);
  topic.subscribe(queue);
  return { clock, queue, dlq, topic };
}

describe("local SNS → SQS", () => {
  test("the SQS body is SNS's notification envelope, message attributes included", () => {
    const { queue, topic } = setup();
    const { MessageId } = topic.publish({
      TopicArn: topic.arn,
      Subject: "hello",
      Message: JSON.stringify({ a: 1 }),
      MessageAttributes: { guardrail_message: { DataType: "String", StringValue: "remediation-request" } },
    });
    const [record] = queue.receive();
    expect(SqsRecordSchema.parse(record)).toBeTruthy();
    const envelope = SnsSqsNotificationSchema.parse(JSON.parse((record as SQSRecord).body));
    expect(envelope).toMatchObject({
      Type: "Notification",
      MessageId,
      TopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:guardrail`,
      Subject: "hello",
      Message: '{"a":1}',
      MessageAttributes: { guardrail_message: { Type: "String", Value: "remediation-request" } },
    });
    expect(envelope.Signature).toMatch(/^[A-Za-z0-9+/=]+$/);
    expect(envelope.UnsubscribeURL).toContain(`SubscriptionArn=${topic.arn}:`);
    expect(record?.eventSourceARN).toBe(`arn:aws:sqs:${REGION}:${ACCOUNT}:work`);
    expect(record?.attributes.ApproximateReceiveCount).toBe("1");
  });

  test("MessageStructure json delivers the sqs key, else default; a filter policy drops what it does not match", () => {
    const { clock, queue, topic } = setup();
    const filtered = new LocalQueue(
      { name: "f", accountId: ACCOUNT, region: REGION, visibilityTimeoutSeconds: 30 },
      clock,
    );
    topic.subscribe(filtered, { filterPolicy: { guardrail_message: ["remediation-request"] } });
    topic.publish({
      TopicArn: topic.arn,
      MessageStructure: "json",
      Message: JSON.stringify({ default: "d", email: "e" }),
    });
    topic.publish({
      TopicArn: topic.arn,
      MessageStructure: "json",
      Message: JSON.stringify({ default: "d", sqs: "s" }),
    });
    const bodies = queue.receive().map((r) => JSON.parse(r.body).Message);
    expect(bodies).toEqual(["d", "s"]);
    expect(filtered.depth().total).toBe(0);
    expect(() => topic.publish({ TopicArn: topic.arn, MessageStructure: "json", Message: "{}" })).toThrow(
      /No default entry/,
    );
  });
});

describe("local SQS", () => {
  test("visibility timeout, receive count, and redrive to the DLQ after maxReceiveCount", () => {
    const { clock, queue, dlq } = setup({ maxReceiveCount: 3 });
    queue.send("poison");
    for (let i = 1; i <= 3; i++) {
      const [r] = queue.receive();
      expect(r?.attributes.ApproximateReceiveCount).toBe(String(i));
      expect(queue.receive()).toEqual([]); // invisible while in flight
      clock.advance(60_000);
    }
    expect(queue.receive()).toEqual([]);
    expect(queue.depth().total).toBe(0);
    expect(dlq.peek()).toEqual([expect.objectContaining({ body: "poison" })]);
    expect(queue.stats.deadLettered).toBe(1);
  });

  test("only the latest receipt handle deletes; ChangeMessageVisibility defers", () => {
    const { clock, queue } = setup();
    queue.send("m");
    const first = queue.receive()[0] as SQSRecord;
    clock.advance(60_000);
    const second = queue.receive()[0] as SQSRecord;
    expect(() => queue.delete(first.receiptHandle)).toThrow(ReceiptHandleIsInvalid);
    queue.changeVisibility(second.receiptHandle, 300);
    clock.advance(299_000);
    expect(queue.receive()).toEqual([]);
    clock.advance(1_000);
    expect(queue.receive()).toHaveLength(1);
  });

  test("partial batch response (Powertools BatchProcessor): only failed records come back", async () => {
    const { clock, queue } = setup();
    for (const body of ["ok-1", "bad", "ok-2"]) queue.send(body);
    const processor = new BatchProcessor(EventType.SQS);
    const handler = (event: SQSEvent) =>
      processPartialResponse(
        event,
        async (r: SQSRecord) => {
          if (r.body === "bad") throw new Error("bad record");
        },
        processor,
      );
    const result = await pollOnce(queue, handler);
    expect(result).toMatchObject({ records: 3, deleted: 2, failed: 1, batchFailed: false });
    clock.advance(60_000);
    expect(queue.receive().map((r) => r.body)).toEqual(["bad"]);
  });

  test("a thrown error or an unknown itemIdentifier fails the whole batch", async () => {
    const { clock, queue } = setup();
    queue.send("a");
    queue.send("b");
    expect(await pollOnce(queue, async () => Promise.reject(new Error("boom")))).toMatchObject({
      batchFailed: true,
      deleted: 0,
    });
    clock.advance(60_000);
    expect(
      await pollOnce(queue, async () => ({ batchItemFailures: [{ itemIdentifier: "not-in-batch" }] })),
    ).toMatchObject({ batchFailed: true, deleted: 0 });
    clock.advance(60_000);
    expect(await pollOnce(queue, async () => ({ batchItemFailures: [] }))).toMatchObject({ deleted: 2 });
    expect(queue.depth().total).toBe(0);
  });

  test("at-least-once: deliverTwice stores each message twice under one MessageId", () => {
    const { queue } = setup({ deliverTwice: true });
    queue.send("x");
    const records = queue.receive();
    expect(records).toHaveLength(2);
    expect(records[0]?.messageId).toBe(records[1]?.messageId);
    expect(records[0]?.receiptHandle).not.toBe(records[1]?.receiptHandle);
  });
});
