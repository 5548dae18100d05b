import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { PublishCommand } from "@aws-sdk/client-sns";
import {
  GetQueueAttributesCommand,
  ListQueueTagsCommand,
  SetQueueAttributesCommand,
  type GetQueueAttributesCommandInput,
  type SetQueueAttributesCommandInput,
} from "@aws-sdk/client-sqs";
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import fc from "fast-check";
import { resetClients } from "../../lib/aws/clients";
import { ALERT_TYPE } from "../../lib/detect/request";
import { BREAKER_ALERT_TYPE, OUTCOME_TYPE, RELEASE_TYPE } from "../../lib/remediation/worker/message";
import { configureWorker, handler } from "../../remediations/worker";
import {
  ABSENT,
  AwsRecorder,
  KNOWN_OPERATIONS,
  OWN_WRITES,
  WRITE_OPERATIONS,
  badTime,
  describeValue,
  functionContext,
  hostileJson,
  hostileString,
  LogCapture,
  noRequiredString,
  notA,
  notJsonText,
  notStringNorNull,
  setMember,
  settle,
  truncated,
  unknownKey,
} from "../helpers/handler-harness";
import { FakeBucket, FakeTable, snsEnvelope } from "./worker-fakes";

/*
 * remediations/worker.ts under generated SQS batches of 1 to 10 records (Lambda Developer Guide, "Using Lambda with
 * Amazon SQS" and "Handling errors for an SQS event source in Lambda"). Each body is the SNS notification a queue
 * subscribed without raw delivery receives (SNS Developer Guide, "Amazon SNS message and JSON formats";
 * worker-fakes.ts snsEnvelope, with the message attributes the detector publishes) around a version 1
 * remediation request for a queue of the worker's account (lib/remediation/worker/message.ts requestSchema), one of
 * Guardrail's own notifications (ignored), or an approval release; or one of the recorded hostile requests of
 * test/fixtures/hostile/requests/ (their README names their sources). Each body gets mutations that keep it valid
 * (unknown keys holding unicode, huge or 2,500-deep values, hostile annotations, principals, subjects, another
 * spelling of the JSON) and at most one that makes it one the worker must refuse: not JSON, not an SNS envelope,
 * a Message that is no request, a request naming no one resource of the worker's account and Region, a release of
 * a record that is not there or not this worker's, a policy the pack lacks. Records are sometimes delivered twice
 * (same messageId). AWS: SQS GetQueueAttributes / ListQueueTags / SetQueueAttributes (SQS API Reference) answered
 * from a map of unencrypted queues, DynamoDB and S3 as worker-fakes.ts fakes, SNS Publish and EventBridge PutEvents.
 * The contract (the handler's comment): the handler always answers; `batchItemFailures` holds exactly the refused
 * records; a refused record sends no write and its request appears in no write; each refused record has one error
 * line naming its messageId and what is wrong.
 */

const RUNS = 150;
const ACCOUNT = "111122223333";
const OTHER = "999999999999";
const REGION = "eu-west-1";
const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:guardrail-remediation`;
const NOW = new Date("2026-11-02T09:20:30.000Z");
const BUCKET = "guardrail-audit-111122223333";
const TABLE = "guardrail-remediation-state";
const POLICY = "sqs-queue-encrypted";
const QUEUES = ["orders", "payments", "invoices"];
const ENV = {
  AWS_REGION: REGION,
  AUDIT_BUCKET: BUCKET,
  REMEDIATION_TOPIC_ARN: TOPIC_ARN,
  IDEMPOTENCY_TABLE: TABLE,
  GUARDRAIL_VERIFY_DELAYS_SECONDS: "0",
  POWERTOOLS_METRICS_NAMESPACE: "GuardrailTest",
};

type Json = Record<string, unknown>;

const HOSTILE_DIR = join(__dirname, "../fixtures/hostile/requests");
/** The field each hostile request's refusal names (the README's table). */
const HOSTILE_FIELDS: Record<string, string> = {
  "sqs-id-names-another-account": "resource.id",
  "sqs-arn-names-another-queue": "resource.arn",
  "sns-id-in-another-account": "resource.id",
  "dynamodb-arn-in-another-region": "resource.arn",
  "lambda-id-is-partial-arn": "resource.id",
  "s3-id-is-access-point-arn": "resource.id",
  "sns-type-with-queue-url": "resource.id",
  "worker-account-differs": "resource.accountId",
  "worker-region-differs": "resource.region",
  "unknown-type": "resource.type",
};
const HOSTILE = readdirSync(HOSTILE_DIR)
  .filter((f) => f.endsWith(".json"))
  .map((f) => {
    const name = f.replace(/\.json$/, "");
    const [record] = (JSON.parse(readFileSync(join(HOSTILE_DIR, f), "utf8")) as SQSEvent).Records;
    const message = JSON.parse((JSON.parse(String(record?.body)) as { Message: string }).Message) as Json;
    return { name, body: String(record?.body), field: HOSTILE_FIELDS[name], correlationId: message.correlationId };
  });

const queueUrl = (name: string, account = ACCOUNT) => `https://sqs.${REGION}.amazonaws.com/${account}/${name}`;
const queueArn = (name: string, account = ACCOUNT) => `arn:aws:sqs:${REGION}:${account}:${name}`;

function request(queue: string, correlationId: string, mode: string): Json {
  return {
    version: 1,
    correlationId,
    policyId: POLICY,
    mode,
    resource: {
      type: "AWS::SQS::Queue",
      id: queueUrl(queue),
      region: REGION,
      accountId: ACCOUNT,
      arn: queueArn(queue),
    },
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

/** A body being built: the SNS envelope and its Message, still parsed. */
interface Draft {
  kind: "request" | "ignored" | "release";
  envelope: Json;
  message: Json;
  /** Replaces the Message text. */
  messageText?: string;
  /** Replaces the whole body. */
  body?: string;
  indent?: number | string;
}

/** Where the Message text goes, unless a mutation put something else there. */
const MESSAGE = Symbol("message");

function draft(kind: Draft["kind"], message: Json, snsMessageId: string): Draft {
  const envelope = JSON.parse(snsEnvelope("", snsMessageId)) as Json;
  envelope.Message = MESSAGE;
  envelope.Subject = `Guardrail ${String(message.mode ?? "alert")}: ${POLICY}`;
  envelope.MessageAttributes = {
    correlationId: { Type: "String", Value: String(message.correlationId) },
    guardrail_message: { Type: "String", Value: "remediation-request" },
  };
  return { kind, envelope, message };
}

function bodyOf(d: Draft): string {
  if (d.body !== undefined) return d.body;
  const envelope = { ...d.envelope };
  if (envelope.Message === MESSAGE) envelope.Message = d.messageText ?? JSON.stringify(d.message);
  for (const [k, v] of Object.entries(envelope)) if (v === ABSENT) delete envelope[k];
  return JSON.stringify(envelope, null, d.indent);
}

// ---- mutations -------------------------------------------------------------------------------------------------

type Mutate = (d: Draft) => void;
interface Refusal {
  /** Words the error must contain (the field). */
  names: string;
  mutate: Mutate;
  /** The policy id a "not in the pack" refusal names. */
  policyId?: string;
}

const res = (d: Draft) => d.message.resource as Json;
const ev = (d: Draft) => d.message.evaluation as Json;
const otherJsonThanObject = fc
  .jsonValue({ maxDepth: 2 })
  .filter((v) => typeof v !== "object" || v === null || Array.isArray(v));

function refusalFor(kind: Draft["kind"], sample: Draft): fc.Arbitrary<Refusal> {
  const env = (names: string, key: string, values: fc.Arbitrary<unknown>) =>
    values.map<Refusal>((v) => ({
      names: `body is not an SNS notification envelope: ${names}`,
      mutate: (d) => setMember(d.envelope, key, v),
    }));
  const envelopeRefusals: fc.Arbitrary<Refusal>[] = [
    fc
      .oneof(notJsonText, truncated(bodyOf(sample)))
      .map((body) => ({ names: "body is not JSON", mutate: (d: Draft) => void (d.body = body) })),
    otherJsonThanObject.map((v) => ({
      names: "body is not an SNS notification envelope: (message)",
      mutate: (d: Draft) => void (d.body = JSON.stringify(v)),
    })),
    fc
      .constantFrom("TopicArn", "MessageId", "Message")
      .chain((key) => env(`${key}: `, key, fc.oneof(fc.constant<unknown>(ABSENT), notA("string")))),
    env(
      "Type: ",
      "Type",
      fc.oneof(
        fc.constant<unknown>(ABSENT),
        notA("string"),
        fc.constantFrom("SubscriptionConfirmation", "notification"),
      ),
    ),
    env(
      "Timestamp: ",
      "Timestamp",
      fc.oneof(fc.constant<unknown>(ABSENT), notA("string"), badTime, fc.constant("2026-11-02T09:20:01+01:00")),
    ),
    env("Subject: ", "Subject", notStringNorNull),
    env("SigningCertURL: ", "SigningCertURL", fc.oneof(notA("string"), fc.constantFrom("not a url", ""))),
    env("MessageAttributes", "MessageAttributes", fc.constantFrom([], "x", { a: "String" }, { a: { Type: "String" } })),
    fc
      .oneof(notJsonText, truncated(JSON.stringify(sample.message)))
      .map((text) => ({ names: "is not JSON", mutate: (d: Draft) => void (d.messageText = text) })),
  ];
  if (kind === "ignored") return fc.oneof(...envelopeRefusals);
  const msg = (names: string, at: (d: Draft) => Json, key: string, values: fc.Arbitrary<unknown>) =>
    values.map<Refusal>((v) => ({ names, mutate: (d) => setMember(at(d), key, v) }));
  const top = (d: Draft) => d.message;
  if (kind === "release") {
    return fc.oneof(
      ...envelopeRefusals,
      msg(
        "is invalid: approvalRecordId: ",
        top,
        "approvalRecordId",
        fc.oneof(noRequiredString, hostileString, fc.constant("2026-11-02_1111_eu-west-1_0123")),
      ),
      fc
        .constantFrom("approvedBy", "correlationId")
        .chain((key) => msg(`is invalid: ${key}: `, top, key, noRequiredString)),
      msg("is invalid: approvedAt: ", top, "approvedAt", fc.oneof(noRequiredString, badTime)),
      msg(
        "is invalid: version: ",
        top,
        "version",
        fc.oneof(fc.constant<unknown>(ABSENT), notA("number"), fc.constant(2)),
      ),
      // Not this worker's record: refused unread.
      fc
        .constantFrom(
          `2026-11-02_${OTHER}_${REGION}_0123456789abcdef`,
          `2026-11-02_${ACCOUNT}_us-east-1_0123456789abcdef`,
        )
        .map((id) => ({
          names: `approvalRecordId: ${id} is a record of`,
          mutate: (d: Draft) => void (d.message.approvalRecordId = id),
        })),
    );
  }
  return fc.oneof(
    ...envelopeRefusals,
    otherJsonThanObject.map((v) => ({
      names: "is invalid: (message): ",
      mutate: (d: Draft) => void (d.messageText = JSON.stringify(v)),
    })),
    msg(
      "is invalid: version: ",
      top,
      "version",
      fc.oneof(fc.constant<unknown>(ABSENT), notA("number"), fc.constant(2)),
    ),
    fc
      .constantFrom("correlationId", "policyId")
      .chain((key) => msg(`is invalid: ${key}: `, top, key, noRequiredString)),
    msg("is invalid: mode: ", top, "mode", fc.oneof(noRequiredString, fc.constantFrom("Auto", "fix", "dry-run"))),
    msg("is invalid: detectedAt: ", top, "detectedAt", fc.oneof(noRequiredString, badTime)),
    msg("is invalid: resource: ", top, "resource", fc.oneof(fc.constant<unknown>(ABSENT), notA("object"))),
    fc
      .constantFrom("type", "id", "region", "accountId")
      .chain((key) => msg(`is invalid: resource.${key}: `, res, key, noRequiredString)),
    msg("is invalid: resource.arn: ", res, "arn", notA("string")),
    msg("is invalid: evaluation", top, "evaluation", fc.oneof(fc.constant<unknown>(ABSENT), notA("object"))),
    msg("is invalid: evaluation.compliance: ", ev, "compliance", noRequiredString),
    msg("is invalid: evaluation.annotation: ", ev, "annotation", notStringNorNull),
    msg("is invalid: cause", top, "cause", fc.oneof(fc.constant<unknown>(ABSENT), notA("object"), fc.constant({}))),
    // Requests that agree with themselves but are not for this worker's account, Region or types.
    msg("resource.accountId", res, "accountId", fc.constant(OTHER)),
    msg("resource.region", res, "region", fc.constant("us-east-1")),
    msg("resource.type: ", res, "type", fc.constantFrom("AWS::Redshift::Cluster", "AWS::SQS::QueuePolicy")),
    fc.constantFrom(...HOSTILE).map((h) => ({ names: `${h.field}: `, mutate: (d: Draft) => void (d.body = h.body) })),
    hostileString
      .filter((s) => s !== POLICY && s.trim() !== "")
      .map((policyId) => ({
        names: "unknown policy id",
        policyId,
        mutate: (d: Draft) => void (d.message.policyId = policyId),
      })),
  );
}

function harmlessFor(kind: Draft["kind"]): fc.Arbitrary<Mutate> {
  const common: fc.Arbitrary<Mutate>[] = [
    fc.tuple(unknownKey, hostileJson).map(
      ([k, v]) =>
        (d) =>
          void (d.envelope[k] = v),
    ),
    fc.tuple(unknownKey, hostileJson).map(
      ([k, v]) =>
        (d) =>
          void (d.message[k] = v),
    ),
    fc.oneof(hostileString, fc.constant(null)).map((v) => (d) => void (d.envelope.Subject = v)),
    hostileString.map((v) => (d) => void (d.envelope.Signature = v)),
    fc.constant((d: Draft) => void delete d.envelope.MessageAttributes),
    fc.constantFrom(2, "\t").map((indent) => (d) => void (d.indent = indent)),
  ];
  if (kind !== "request") return fc.oneof(...common);
  return fc.oneof(
    ...common,
    fc.tuple(unknownKey, hostileJson).map(
      ([k, v]) =>
        (d: Draft) =>
          void (res(d)[k] = v),
    ),
    fc.oneof(hostileString, fc.constant(null)).map((v) => (d: Draft) => void (ev(d).annotation = v)),
    fc
      .constantFrom("principal", "sourceIPAddress")
      .chain((k) =>
        fc.oneof(hostileString, fc.constant(null)).map((v) => (d: Draft) => void ((d.message.cause as Json)[k] = v)),
      ),
    fc.constant((d: Draft) => void (d.message.cause = { configRuleName: "guardrail-sqs-queue-encrypted-prod" })),
    fc.constant((d: Draft) => void delete res(d).arn),
  );
}

interface Spec {
  messageId: string;
  body: string;
  receiveCount: string;
  /** Words a refused record's error line names; absent for one the worker must handle. */
  names?: string;
  policyId?: string;
  /** The correlation id a refused request had, which no write may carry. */
  marker?: string;
}

const kinds = fc.constantFrom<Draft["kind"]>("request", "request", "ignored", "release");

function base(kind: Draft["kind"], correlationId: string, queue: string, mode: string, snsMessageId: string): Draft {
  switch (kind) {
    case "request":
      return draft(kind, request(queue, correlationId, mode), snsMessageId);
    case "ignored":
      return draft(kind, { type: OUTCOME_TYPE, correlationId }, snsMessageId);
    case "release":
      return draft(
        kind,
        {
          type: RELEASE_TYPE,
          version: 1,
          approvalRecordId: `2026-11-02_${ACCOUNT}_${REGION}_0123456789abcdef`,
          approvedBy: `arn:aws:iam::${ACCOUNT}:user/alice`,
          approvedAt: "2026-11-02T10:00:00.000Z",
          correlationId,
        },
        snsMessageId,
      );
  }
}

const spec = (messageId: string, correlationId: string): fc.Arbitrary<Spec> =>
  fc
    .record({
      kind: kinds,
      // Unique in the batch, as the refused records' markers must be (drawn with the message ids).
      correlationId: fc.constant(correlationId),
      snsMessageId: fc.uuid(),
      queue: fc.constantFrom(...QUEUES),
      mode: fc.constantFrom("auto", "auto", "approve", "notify"),
      ignoredType: fc.constantFrom(OUTCOME_TYPE, BREAKER_ALERT_TYPE, ALERT_TYPE),
      receiveCount: fc.constantFrom("1", "2", "", "abc"),
    })
    .chain((r) => {
      const sample = base(r.kind, r.correlationId, r.queue, r.mode, r.snsMessageId);
      // A release of this worker's record that is not there is refused too: every release here is refused.
      const refusal = refusalFor(r.kind, sample);
      return fc.record({
        r: fc.constant(r),
        harmless: fc.array(harmlessFor(r.kind), { maxLength: 3 }),
        refusal:
          r.kind === "release"
            ? fc.oneof(refusal, fc.constant(undefined))
            : fc.option(refusal, { freq: 2, nil: undefined }),
      });
    })
    .map(({ r, harmless, refusal }) => {
      const d = base(r.kind, r.correlationId, r.queue, r.mode, r.snsMessageId);
      if (r.kind === "ignored") d.message.type = r.ignoredType;
      for (const m of harmless) m(d);
      refusal?.mutate(d);
      // An unrefused release names this worker's record, which the bucket does not hold.
      const names = refusal?.names ?? (r.kind === "release" ? "approval release: no record" : undefined);
      return {
        messageId,
        body: bodyOf(d),
        receiveCount: r.receiveCount,
        ...(names ? { names, marker: r.correlationId } : {}),
        ...(refusal?.policyId ? { policyId: refusal.policyId } : {}),
      };
    });

/** 1 to 10 records, some delivered twice. */
const batches: fc.Arbitrary<Spec[]> = fc
  .integer({ min: 1, max: 10 })
  .chain((n) => fc.uniqueArray(fc.uuid(), { minLength: 2 * n, maxLength: 2 * n }))
  .chain((ids) => {
    const n = ids.length / 2;
    return fc.tuple(...ids.slice(0, n).map((m, i) => spec(m, ids[n + i] as string)));
  })
  .chain((specs) =>
    fc.array(fc.integer({ min: 0, max: specs.length - 1 }), { maxLength: 10 - specs.length }).chain((again) =>
      fc.shuffledSubarray([...specs, ...again.map((i) => specs[i] as Spec)], {
        minLength: specs.length + again.length,
      }),
    ),
  )
  .map((specs) => Object.assign(specs, { [fc.toStringMethod]: () => describeValue(specs) }));

function sqsRecord(s: Spec): SQSRecord {
  return {
    messageId: s.messageId,
    receiptHandle: `AQEB${s.messageId}`,
    body: s.body,
    attributes: {
      ApproximateReceiveCount: s.receiveCount,
      SentTimestamp: "1793610843120",
      SenderId: "AIDAISMY7JYY5F7RTT6AO",
      ApproximateFirstReceiveTimestamp: "1793610843130",
    },
    messageAttributes: {},
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: queueArn("guardrail-remediation"),
    awsRegion: REGION,
  };
}

// ---- AWS and logs ----------------------------------------------------------------------------------------------

const aws = new AwsRecorder();
const logs = new LogCapture();
const table = new FakeTable(TABLE);
const bucket = new FakeBucket();
/** Queues by URL, as GetQueueAttributes answers and SetQueueAttributes changes them: every queue unencrypted. */
const queues = new Map<string, Record<string, string>>();
let requestNumber = 0;

function queueAttributes(url: string): Record<string, string> {
  const name = url.split("/").pop() ?? "";
  let q = queues.get(url);
  if (!q) {
    q = { QueueArn: queueArn(name), VisibilityTimeout: "30", SqsManagedSseEnabled: "false" };
    queues.set(url, q);
  }
  return q;
}

/** Once: the fakes keep their answers; each batch starts from empty ones (resetHistory keeps the behaviours). */
function answerAws(): void {
  const sqs = aws.stub("sqs");
  sqs.on(GetQueueAttributesCommand).callsFake((input: GetQueueAttributesCommandInput) => ({
    Attributes: { ...queueAttributes(String(input.QueueUrl)) },
  }));
  sqs.on(ListQueueTagsCommand).resolves({ Tags: {} });
  sqs.on(SetQueueAttributesCommand).callsFake((input: SetQueueAttributesCommandInput) => {
    Object.assign(queueAttributes(String(input.QueueUrl)), input.Attributes);
    return {};
  });
  table.install(aws.stub("dynamodb"));
  bucket.install(aws.stub("s3"));
  aws.stub("sns").on(PublishCommand).resolves({ MessageId: "5a4d3c2b-sns" });
  aws
    .stub("events")
    .on(PutEventsCommand)
    .resolves({ FailedEntryCount: 0, Entries: [{ EventId: "ev-1" }] });
}

const saved: Record<string, string | undefined> = {};
beforeAll(() => {
  for (const [k, v] of Object.entries(ENV)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  configureWorker({ now: () => NOW });
  answerAws();
});
beforeEach(() => logs.install());
afterEach(() => jest.restoreAllMocks());
afterAll(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  configureWorker();
  aws.reset();
  resetClients();
});

const sorted = (xs: readonly string[]) => [...xs].sort();
const text = (v: unknown) => (typeof v === "string" ? v : String((v as Json | undefined)?.message));

test("the writes looked for are operations the service modules declare, the fixes among them", () => {
  expect(OWN_WRITES.filter((op) => !KNOWN_OPERATIONS.has(op))).toEqual([]);
  expect(WRITE_OPERATIONS.has("SetQueueAttributes")).toBe(true);
  expect(WRITE_OPERATIONS.has("GetQueueAttributes")).toBe(false);
});

test(`remediation worker: batchItemFailures are exactly the refused records, each named in its error line, none written (${RUNS} batches)`, async () => {
  const seen = { fixes: 0, handled: 0, refused: 0, onlyRefused: 0 };
  await fc.assert(
    fc.asyncProperty(batches, async (specs) => {
      aws.resetHistory();
      table.items.clear();
      bucket.objects.clear();
      queues.clear();
      logs.clear();
      const context = functionContext("guardrail-dev-remediationWorker", REGION, ACCOUNT, `req-${++requestNumber}`);

      const result = await settle(
        "remediations/worker.ts handler",
        handler({ Records: specs.map(sqsRecord) }, context),
      );

      if (!result.ok) throw new Error(`the handler threw instead of answering: ${String(result.error)}`);
      const response: SQSBatchResponse = result.value;
      const refused = specs.filter((s) => s.names !== undefined);
      expect(sorted(response.batchItemFailures.map((f) => f.itemIdentifier))).toEqual(
        sorted(refused.map((s) => s.messageId)),
      );

      seen.handled += specs.length - refused.length;
      seen.refused += refused.length;
      if (refused.length === specs.length) seen.onlyRefused++;

      // Nothing written for a refused record: no write at all when all are, and its request in none.
      const writes = aws.writes();
      seen.fixes += writes.filter((w) => w.operation === "SetQueueAttributes").length;
      if (refused.length === specs.length) expect(writes).toEqual([]);
      const written = writes.map((w) => JSON.stringify(w.input));
      for (const s of refused) {
        if (s.marker) expect(written.filter((w) => w.includes(s.marker as string))).toEqual([]);
      }

      // One error line per refused record, naming its messageId and what is wrong; none for the others.
      const errors = logs.logs("ERROR");
      expect(errors).toHaveLength(refused.length);
      for (const s of refused) {
        const mine = errors.filter((l) => l.messageId === s.messageId);
        expect(mine).toHaveLength(refused.filter((r) => r.messageId === s.messageId).length);
        for (const line of mine) {
          expect(text(line.error)).toContain(s.names);
          if (s.policyId !== undefined) expect(line.policyId).toBe(s.policyId);
        }
      }
    }),
    { numRuns: RUNS },
  );
  // Fixes were made, records handled and refused, batches refused whole.
  expect(Object.values(seen).every((n) => n > 0)).toBe(true);
});
