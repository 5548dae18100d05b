import { BatchGetResourceConfigCommand, PutEvaluationsCommand, type ResourceKey } from "@aws-sdk/client-config-service";
import type { SQSBatchResponse, SQSRecord } from "aws-lambda";
import fc from "fast-check";
import { resetClients } from "../../lib/aws/clients";
import { planSweepMessages, SWEEP_KEYS_PER_MESSAGE } from "../../lib/config-rule/sweep";
import { handler } from "../../rules/sweep-worker";
import {
  ABSENT,
  AwsRecorder,
  badTime,
  describeValue,
  functionContext,
  hostileJson,
  hostileString,
  LogCapture,
  noRequiredString,
  notA,
  notJsonText,
  setMember,
  settle,
  truncated,
  unknownKey,
} from "../helpers/handler-harness";

/*
 * rules/sweep-worker.ts under generated SQS batches of 1 to 10 records (Lambda Developer Guide, "Using Lambda with
 * Amazon SQS": the event; "Handling errors for an SQS event source in Lambda": the partial batch response). Each
 * body starts as the SweepMessage rules/config-rule.ts puts on the sweep queue (lib/config-rule/sweep.ts
 * planSweepMessages) and gets mutations that keep it valid (unknown keys holding unicode, huge or 2,500-deep
 * values, hostile ids, another spelling of the JSON) and at most one that breaks it; records are sometimes
 * delivered twice (same messageId, as a standard queue may). BatchGetResourceConfig and PutEvaluations: AWS Config
 * API Reference. The contract (lib/config-rule/sweep.ts, the handler): the handler always answers; the records
 * in `batchItemFailures` are exactly the malformed ones; each valid record is reported with its own resultToken
 * and nothing is written for a malformed one; each malformed record has one error line naming its messageId and
 * the field.
 */

const RUNS = 200;
const ACCOUNT = "111122223333";
const REGION = "eu-west-1";
const POLICY = "sqs-queue-encrypted";
const CLOUDTRAIL_POLICIES = ["cloudtrail-no-stop-logging", "iam-root-account-use", "config-no-recorder-tampering"];
const KNOWN_POLICIES = new Set([POLICY, ...CLOUDTRAIL_POLICIES]);

type Json = Record<string, unknown>;

const url = (i: number) => `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/orders-${i}`;

/** A sweep message being built, still parsed. */
interface Draft {
  message: Json;
  /** Replaces the body text. */
  body?: string;
  indent?: number | string;
}

function base(keyCount: number, messageId: string): Draft {
  const keys = Array.from({ length: keyCount }, (_, i) => ({ resourceType: "AWS::SQS::Queue", resourceId: url(i) }));
  const [message] = planSweepMessages(keys, {
    correlationId: `cfg-${messageId.replace(/-/g, "").slice(0, 16)}`,
    policyId: POLICY,
    resultToken: `token-of-${messageId}`,
    orderingTimestamp: "2026-11-02T09:20:00.000Z",
  });
  return { message: structuredClone(message) as unknown as Json };
}

const keysOf = (d: Draft) => d.message.keys as Json[];

type Mutate = (d: Draft) => void;
interface Breaking {
  field: string;
  mutate: Mutate;
}

const otherJsonThanObject = fc
  .jsonValue({ maxDepth: 2 })
  .filter((v) => typeof v !== "object" || v === null || Array.isArray(v));

function breaking(keyCount: number): fc.Arbitrary<Breaking> {
  const member = (field: string, key: string, values: fc.Arbitrary<unknown>) =>
    values.map<Breaking>((v) => ({ field, mutate: (d) => setMember(d.message, key, v) }));
  const index = fc.integer({ min: 0, max: keyCount - 1 });
  return fc.oneof(
    fc
      .oneof(
        notJsonText,
        truncated(JSON.stringify(base(keyCount, "m").message)),
        otherJsonThanObject.map((v) => JSON.stringify(v)),
      )
      .map((body) => ({ field: "body", mutate: (d: Draft) => void (d.body = body) })),
    member(
      "body.version",
      "version",
      fc.oneof(
        fc.constant<unknown>(ABSENT),
        notA("number"),
        fc.integer().filter((n) => n !== 1),
        fc.constant(1.5),
      ),
    ),
    member(
      "body.keys",
      "keys",
      fc.oneof(
        fc.constant<unknown>(ABSENT),
        notA("object").filter((v) => !Array.isArray(v)),
        fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
        fc.constant([]),
        fc.constant(
          Array.from({ length: SWEEP_KEYS_PER_MESSAGE + 1 }, (_, i) => ({
            resourceType: "AWS::SQS::Queue",
            resourceId: url(i),
          })),
        ),
      ),
    ),
    fc.tuple(index, notA("object")).map(([i, v]) => ({
      field: `body.keys.${i}`,
      mutate: (d: Draft) => void (keysOf(d)[i] = v as Json),
    })),
    fc.tuple(index, fc.constantFrom("resourceType", "resourceId"), noRequiredString).map(([i, key, v]) => ({
      field: `body.keys.${i}.${key}`,
      mutate: (d: Draft) => setMember(keysOf(d)[i] as Json, key, v),
    })),
    fc
      .constantFrom("correlationId", "policyId", "resultToken")
      .chain((key) => member(`body.${key}`, key, noRequiredString)),
    member("body.orderingTimestamp", "orderingTimestamp", fc.oneof(noRequiredString, badTime)),
    fc
      .constantFrom("part", "parts")
      .chain((key) =>
        member(
          `body.${key}`,
          key,
          fc.oneof(fc.constant<unknown>(ABSENT), fc.constantFrom(0, -1, 1.5, "1", null), notA("number")),
        ),
      ),
    // The pack has no such policy, or no Config rule can run it: UnknownPolicyError / HandlerInputError.
    member(
      "ruleParameters.policyId",
      "policyId",
      fc.oneof(
        fc.constantFrom(...CLOUDTRAIL_POLICIES),
        hostileString.filter((s) => !KNOWN_POLICIES.has(s)),
      ),
    ),
  );
}

function harmless(keyCount: number): fc.Arbitrary<Mutate> {
  const index = fc.integer({ min: 0, max: keyCount - 1 });
  return fc.oneof(
    fc.tuple(unknownKey, hostileJson).map(
      ([k, v]) =>
        (d: Draft) =>
          void (d.message[k] = v),
    ),
    fc.tuple(index, unknownKey, hostileJson).map(
      ([i, k, v]) =>
        (d: Draft) =>
          void ((keysOf(d)[i] as Json)[k] = v),
    ),
    fc.tuple(index, hostileString).map(
      ([i, v]) =>
        (d: Draft) =>
          void ((keysOf(d)[i] as Json).resourceId = v),
    ),
    hostileString.map((v) => (d: Draft) => void (d.message.correlationId = v)),
    fc.integer({ min: 1 }).map((n) => (d: Draft) => void (d.message.parts = n)),
    fc
      .constantFrom("2026-11-02T09:20:00Z", "2026-11-02", "2026-11-02T10:20:00+01:00")
      .map((t) => (d: Draft) => void (d.message.orderingTimestamp = t)),
    fc.constantFrom(2, "\t").map((indent) => (d: Draft) => void (d.indent = indent)),
  );
}

interface Spec {
  messageId: string;
  body: string;
  /** The field a malformed body's error names; absent for a valid one. */
  field?: string;
  /** A valid body's resultToken, which its PutEvaluations call must carry. */
  token?: string;
  /** The body's correlation id, when it has one to carry on its log lines. */
  correlationId?: unknown;
}

const spec = (messageId: string): fc.Arbitrary<Spec> =>
  fc
    .oneof(
      { arbitrary: fc.integer({ min: 1, max: 5 }), weight: 9 },
      { arbitrary: fc.constant(SWEEP_KEYS_PER_MESSAGE), weight: 1 },
    )
    .chain((keyCount) =>
      fc.record({
        keyCount: fc.constant(keyCount),
        harmless: fc.array(harmless(keyCount), { maxLength: 3 }),
        breaking: fc.option(breaking(keyCount), { freq: 2 }),
      }),
    )
    .map(({ keyCount, harmless: mutations, breaking: b }) => {
      const d = base(keyCount, messageId);
      for (const m of mutations) m(d);
      b?.mutate(d);
      const body = d.body ?? JSON.stringify(d.message, null, d.indent);
      return {
        messageId,
        body,
        ...(b ? { field: b.field } : { token: d.message.resultToken as string }),
        correlationId: d.message.correlationId,
      };
    });

/** 1 to 10 records, some delivered twice. */
const batches: fc.Arbitrary<Spec[]> = fc
  .uniqueArray(fc.uuid(), { minLength: 1, maxLength: 10 })
  .chain((ids) => fc.tuple(...ids.map(spec)))
  .chain((specs) =>
    fc.array(fc.integer({ min: 0, max: specs.length - 1 }), { maxLength: 10 - specs.length }).chain((again) =>
      fc.shuffledSubarray([...specs, ...again.map((i) => specs[i] as Spec)], {
        minLength: specs.length + again.length,
      }),
    ),
  )
  .map((specs) => Object.assign(specs, { [fc.toStringMethod]: () => describeValue(specs) }));

/** Counterexamples the property found once, tried on every run. */
const FOUND: [Spec[]][] = [
  // Every record malformed: Powertools threw FullBatchFailureError, failing the invocation, instead of answering.
  [[{ messageId: "9220f02c-37c3-6513-b56f-a2b89f26544e", body: "false", field: "body" }]],
];

function sqsRecord(s: Spec): SQSRecord {
  return {
    messageId: s.messageId,
    receiptHandle: `AQEB${s.messageId}`,
    body: s.body,
    attributes: {
      ApproximateReceiveCount: "1",
      SentTimestamp: "1793610843120",
      SenderId: "AROAEXAMPLE:guardrail-config-rule",
      ApproximateFirstReceiveTimestamp: "1793610843130",
    },
    messageAttributes: {},
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:guardrail-sweep`,
    awsRegion: REGION,
  };
}

// ---- AWS and logs ----------------------------------------------------------------------------------------------

const aws = new AwsRecorder();
const logs = new LogCapture();
let requestNumber = 0;

function answerConfig(): void {
  const config = aws.stub("config");
  config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
  config.on(BatchGetResourceConfigCommand).callsFake((input: { resourceKeys: ResourceKey[] }) => ({
    baseConfigurationItems: input.resourceKeys.map((k, i) => ({
      ...k,
      accountId: ACCOUNT,
      awsRegion: REGION,
      configurationItemStatus: "OK",
      configurationItemCaptureTime: new Date("2026-11-01T00:00:00.000Z"),
      configuration: i % 2 === 0 ? '{"SqsManagedSseEnabled":"true"}' : '{"KmsMasterKeyId":"alias/aws/sqs"}',
      supplementaryConfiguration: { Tags: "{}" },
    })),
  }));
}

beforeAll(() => answerConfig());
beforeEach(() => logs.install());
afterEach(() => jest.restoreAllMocks());
afterAll(() => {
  aws.reset();
  resetClients();
});

const sorted = (xs: readonly string[]) => [...xs].sort();

test(`sweep worker: batchItemFailures are exactly the malformed records, each named in its error line, none written (${RUNS} batches)`, async () => {
  const seen = { valid: 0, malformed: 0, mixed: 0 };
  await fc.assert(
    fc.asyncProperty(batches, async (specs) => {
      aws.resetHistory();
      logs.clear();
      const context = functionContext("guardrail-dev-sweepWorker", REGION, ACCOUNT, `req-${++requestNumber}`);

      const result = await settle("rules/sweep-worker.ts handler", handler({ Records: specs.map(sqsRecord) }, context));

      if (!result.ok) throw new Error(`the handler threw instead of answering: ${String(result.error)}`);
      const response: SQSBatchResponse = result.value;
      const malformed = specs.filter((s) => s.field !== undefined);
      const valid = specs.filter((s) => s.field === undefined);
      expect(sorted(response.batchItemFailures.map((f) => f.itemIdentifier))).toEqual(
        sorted(malformed.map((s) => s.messageId)),
      );
      seen.valid += valid.length;
      seen.malformed += malformed.length;
      if (valid.length > 0 && malformed.length > 0) seen.mixed++;

      // One PutEvaluations per valid record, with its token; nothing else written.
      const writes = aws.writes();
      expect(writes.every((w) => w.operation === "PutEvaluations")).toBe(true);
      expect(sorted(writes.map((w) => String(w.input.ResultToken)))).toEqual(
        sorted(valid.map((s) => s.token as string)),
      );
      if (valid.length === 0) expect(writes).toEqual([]);

      // One error line per malformed record, naming its messageId and the field; none for a valid one.
      const errors = logs.logs("ERROR");
      expect(errors).toHaveLength(malformed.length);
      for (const s of malformed) {
        const mine = errors.filter((l) => l.messageId === s.messageId);
        expect(mine).toHaveLength(malformed.filter((m) => m.messageId === s.messageId).length);
        for (const line of mine) {
          expect(line).toMatchObject({
            message: "sweep batch failed; the message goes back to the queue",
            field: s.field,
          });
          expect(String((line.error as Json | undefined)?.message)).toContain(`${s.field}: `);
          // A record's correlation id is its own, never the one before it.
          if (line.correlation_id !== undefined) expect(line.correlation_id).toBe(s.correlationId);
        }
      }
    }),
    { numRuns: RUNS, examples: FOUND },
  );
  // Valid and malformed records were tried, together in batches too.
  expect(Object.values(seen).every((n) => n > 0)).toBe(true);
});
