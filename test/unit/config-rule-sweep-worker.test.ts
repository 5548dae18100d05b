import {
  BatchGetResourceConfigCommand,
  ConfigServiceClient,
  PutEvaluationsCommand,
  type ResourceKey,
} from "@aws-sdk/client-config-service";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-jest";
import type { SQSEvent, SQSRecord } from "aws-lambda";
import { planSweepMessages, batchBodies, type SweepMessage } from "../../lib/config-rule/sweep";
import { handler } from "../../rules/sweep-worker";

/*
 * Shapes: the SQS record and the partial batch response (`batchItemFailures`) are the Lambda Developer Guide's
 * ("Using Lambda with Amazon SQS", "Handling errors for an SQS event source in Lambda"); BatchGetResourceConfig
 * and PutEvaluations are the AWS Config API Reference's; the message bodies are Guardrail's own SweepMessage
 * (lib/config-rule/sweep.ts), as rules/config-rule.ts puts them on the sweep queue.
 */

const config = mockClient(ConfigServiceClient);

function record(messageId: string, body: string): SQSRecord {
  return {
    messageId,
    receiptHandle: `AQEB${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: "1",
      SentTimestamp: "1793610843120",
      SenderId: "AROAEXAMPLE:guardrail-config-rule",
      ApproximateFirstReceiveTimestamp: "1793610843130",
    },
    messageAttributes: {},
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:eu-west-1:111122223333:guardrail-sweep",
    awsRegion: "eu-west-1",
  };
}

const url = (i: number) => `https://sqs.eu-west-1.amazonaws.com/111122223333/q${i}`;
const keys = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({ resourceType: "AWS::SQS::Queue", resourceId: url(from + i) }));

function message(policyId: string, k: ReturnType<typeof keys>, correlationId = "cfg-0123456789abcdef"): SweepMessage {
  const [m] = planSweepMessages(k, {
    correlationId,
    policyId,
    resultToken: "token-of-the-sweep",
    orderingTimestamp: "2026-11-02T09:20:00.000Z",
  });
  return m as SweepMessage;
}

let lines: Record<string, unknown>[] = [];
beforeEach(() => {
  config.reset();
  config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
  config.on(BatchGetResourceConfigCommand).callsFake((input: { resourceKeys: ResourceKey[] }) => ({
    baseConfigurationItems: input.resourceKeys.map((k, i) => ({
      ...k,
      accountId: "111122223333",
      awsRegion: "eu-west-1",
      configurationItemStatus: "OK",
      configurationItemCaptureTime: new Date("2026-11-01T00:00:00.000Z"),
      configuration: i === 0 ? '{"VisibilityTimeout":"30"}' : '{"SqsManagedSseEnabled":"true"}',
      supplementaryConfiguration: { Tags: "{}" },
    })),
  }));
  lines = [];
  const capture = (chunk: unknown) => {
    for (const l of String(chunk).split("\n")) if (l.trim().startsWith("{")) lines.push(JSON.parse(l));
    return true;
  };
  jest.spyOn(process.stdout, "write").mockImplementation(capture);
  jest.spyOn(process.stderr, "write").mockImplementation(capture);
});
afterEach(() => jest.restoreAllMocks());

test("each batch is evaluated and reported with its own token and time; bad messages alone go back to the queue", async () => {
  const good = message("sqs-queue-encrypted", keys(0, 100));
  const event: SQSEvent = {
    Records: [
      record("m-good", JSON.stringify(good)),
      record("m-not-json", "{not json"),
      record("m-unknown-policy", JSON.stringify(message("no-such-policy", keys(100, 2), "cfg-fedcba9876543210"))),
      record("m-too-many-keys", JSON.stringify({ ...good, keys: keys(0, 101) })),
    ],
  };

  const response = await handler(event);

  expect(response).toEqual({
    batchItemFailures: [
      { itemIdentifier: "m-not-json" },
      { itemIdentifier: "m-unknown-policy" },
      { itemIdentifier: "m-too-many-keys" },
    ],
  });
  expect(config).toHaveReceivedCommandTimes(BatchGetResourceConfigCommand, 1);
  expect(config).toHaveReceivedCommandWith(BatchGetResourceConfigCommand, { resourceKeys: good.keys });
  expect(config).toHaveReceivedCommandTimes(PutEvaluationsCommand, 1);
  const input = config.commandCalls(PutEvaluationsCommand)[0]?.args[0].input;
  expect(input?.ResultToken).toBe("token-of-the-sweep");
  expect(input?.Evaluations).toHaveLength(100);
  expect(input?.Evaluations?.[0]).toEqual({
    ComplianceResourceType: "AWS::SQS::Queue",
    ComplianceResourceId: url(0),
    ComplianceType: "NON_COMPLIANT",
    Annotation: "server-side encryption is off (neither SqsManagedSseEnabled nor KmsMasterKeyId is set)",
    OrderingTimestamp: new Date("2026-11-02T09:20:00.000Z"),
  });
  expect(input?.Evaluations?.slice(1).every((e) => e.ComplianceType === "COMPLIANT")).toBe(true);

  const logs = lines.filter((l) => typeof l.message === "string");
  expect(logs.find((l) => l.message === "sweep batch done")).toMatchObject({
    correlation_id: "cfg-0123456789abcdef",
    policyId: "sqs-queue-encrypted",
    part: "1/1",
    messageId: "m-good",
  });
  expect(logs.filter((l) => l.level === "ERROR")).toEqual([
    expect.objectContaining({ messageId: "m-not-json", field: "body" }),
    expect.objectContaining({
      messageId: "m-unknown-policy",
      correlation_id: "cfg-fedcba9876543210",
      field: "ruleParameters.policyId",
      policyId: "no-such-policy",
    }),
    expect.objectContaining({ messageId: "m-too-many-keys", field: "body.keys" }),
  ]);
  // a record's keys do not leak into the next record's lines
  expect(logs.find((l) => l.messageId === "m-not-json")?.correlation_id).toBeUndefined();
});

test("FailedEvaluations fail that batch, which returns to the queue; the other batch completes", async () => {
  config.on(PutEvaluationsCommand).callsFake((input: { Evaluations: { ComplianceResourceId: string }[] }) => ({
    FailedEvaluations: input.Evaluations.filter((e) => e.ComplianceResourceId === url(0)),
  }));
  const response = await handler({
    Records: [
      record("m1", JSON.stringify(message("sqs-queue-encrypted", keys(0, 3)))),
      record("m2", JSON.stringify(message("sqs-queue-encrypted", keys(10, 3)))),
    ],
  });
  expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: "m1" }] });
  expect(config).toHaveReceivedCommandTimes(PutEvaluationsCommand, 2);
});

test("sweep messages are grouped into SendMessageBatch calls of at most 10 entries and 256 KiB", () => {
  const bodies = Array.from({ length: 25 }, () => "x".repeat(1000));
  expect(batchBodies(bodies).map((b) => b.length)).toEqual([10, 10, 5]);
  const big = Array.from({ length: 4 }, () => "y".repeat(100 * 1024));
  expect(batchBodies(big).map((b) => b.length)).toEqual([2, 2]);
});

test("a batch sends only the verdicts that differ from what Config holds; a bad recorded value is refused", async () => {
  // q0 is NON_COMPLIANT and Config holds NON_COMPLIANT: not sent again. q1 is COMPLIANT, Config holds
  // NON_COMPLIANT: sent. q2 is COMPLIANT and Config holds nothing: sent.
  const held = keys(0, 3).map((k, i) => (i === 2 ? k : { ...k, recorded: "NON_COMPLIANT" as const }));
  const bad = { ...message("sqs-queue-encrypted", keys(0, 1)), keys: [{ ...keys(0, 1)[0], recorded: "MAYBE" }] };
  const response = await handler({
    Records: [
      record("m-held", JSON.stringify(message("sqs-queue-encrypted", held))),
      record("m-bad-recorded", JSON.stringify(bad)),
    ],
  });
  expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: "m-bad-recorded" }] });
  const sent = config.commandCalls(PutEvaluationsCommand).flatMap((c) => c.args[0].input.Evaluations ?? []);
  expect(sent.map((e) => [e.ComplianceResourceId, e.ComplianceType])).toEqual([
    [url(1), "COMPLIANT"],
    [url(2), "COMPLIANT"],
  ]);
  expect(lines.find((l) => l.messageId === "m-bad-recorded" && l.level === "ERROR")).toMatchObject({
    field: "body.keys.0.recorded",
  });
});
