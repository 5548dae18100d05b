import {
  BatchGetResourceConfigCommand,
  GetResourceConfigHistoryCommand,
  ListDiscoveredResourcesCommand,
  PutEvaluationsCommand,
  type ResourceKey,
} from "@aws-sdk/client-config-service";
import fc from "fast-check";
import { resetClients } from "../../lib/aws/clients";
import { correlationIdFor, HandlerInputError } from "../../lib/config-rule/event";
import { handler } from "../../rules/config-rule";
import {
  ABSENT,
  AwsRecorder,
  badTime,
  describeValue,
  functionContext,
  hostileJson,
  hostileString,
  LogCapture,
  notA,
  notJsonText,
  noRequiredString,
  notStringNorNull,
  setMember,
  settle,
  truncated,
  unknownKey,
} from "../helpers/handler-harness";
import { recorded } from "../helpers/recorded";

/*
 * rules/config-rule.ts under generated invocation events. The events start from real ones and are mutated:
 *  - the envelope (resultToken, eventLeftScope, ruleParameters, configRule*) and the ConfigurationItemChangeNotification
 *    of test/fixtures/aws-recorded/config-rule-invocation-change.json (recorded: an EC2 instance), and the same
 *    envelope around the recorded SQS queue item of eventbridge-config-item-change-sqs-queue.json;
 *  - OversizedConfigurationItemChangeNotification (configurationItemSummary, s3DeliverySummary) and
 *    ScheduledNotification as AWS Config Developer Guide, "Example events for AWS Config rules" and "Example
 *    Oversized Configuration Item Change Notification" show them;
 *  - GetResourceConfigHistory, ListDiscoveredResources, BatchGetResourceConfig and PutEvaluations answers: AWS Config
 *    API Reference, under each name.
 * Each event gets any number of mutations that keep it valid (unknown keys holding unicode, huge or 2,500-deep
 * values, another spelling of the JSON text, hostile names and tokens) and at most one that breaks it, so the test
 * knows what the handler must do: the contract (lib/config-rule/event.ts, lib/lambda/telemetry.ts) is that a valid
 * event is judged and reported with one PutEvaluations call, and a malformed one fails the invocation (Config
 * retries it) with a HandlerInputError naming the field, logged once with that field and the invocation's
 * correlation id, and nothing written.
 */

const RUNS = 250;
const ACCOUNT = "644160558196";
const REGION = "us-east-1";
const POLICY = "sqs-queue-encrypted";
const CHANGE = "ConfigurationItemChangeNotification";
const OVERSIZED = "OversizedConfigurationItemChangeNotification";
const SCHEDULED = "ScheduledNotification";
const STATUSES = ["OK", "ResourceDiscovered", "ResourceNotRecorded", "ResourceDeleted", "ResourceDeletedNotRecorded"];
/** Policies that judge CloudTrail records: no Config rule can run them. */
const CLOUDTRAIL_POLICIES = ["cloudtrail-no-stop-logging", "iam-root-account-use", "config-no-recorder-tampering"];
const KNOWN_POLICIES = new Set([POLICY, ...CLOUDTRAIL_POLICIES]);

type Json = Record<string, unknown>;

const INVOCATION = recorded<Json>("config-rule-invocation-change.json");
const SQS_ITEM = recorded<{ detail: { configurationItem: Json } }>("eventbridge-config-item-change-sqs-queue.json")
  .detail.configurationItem;
const SQS_URL = SQS_ITEM.resourceId as string;

type Kind = "change-sqs" | "change-ec2" | "oversized" | "scheduled";

/** An invocation being built: the envelope, and the two members Config sends as JSON text, still parsed. */
interface Draft {
  kind: Kind;
  top: Json;
  invoking: Json;
  params: Json;
  /** Replaces the invokingEvent text (any value). */
  invokingValue?: unknown;
  /** Replaces the ruleParameters text (any value; the parsed object itself is accepted too). */
  paramsValue?: unknown;
  indent?: number | string;
  /** Replaces the whole event. */
  whole?: unknown;
}

function base(kind: Kind): Draft {
  const { invokingEvent, ruleParameters: _params, ...top } = structuredClone(INVOCATION);
  const params = { policyId: POLICY };
  const notified = "2026-11-02T09:20:00.000Z";
  switch (kind) {
    case "change-ec2":
      return { kind, top, invoking: JSON.parse(invokingEvent as string) as Json, params };
    case "change-sqs":
      return {
        kind,
        top,
        params,
        invoking: {
          configurationItemDiff: null,
          configurationItem: structuredClone(SQS_ITEM),
          notificationCreationTime: notified,
          messageType: CHANGE,
          recordVersion: "1.3",
        },
      };
    case "oversized":
      return {
        kind,
        top,
        params,
        invoking: {
          configurationItemSummary: {
            changeType: "UPDATE",
            configurationItemVersion: "1.3",
            configurationItemCaptureTime: "2026-11-02T09:19:58.120Z",
            configurationStateId: 1793610598120,
            awsAccountId: ACCOUNT,
            configurationItemStatus: "OK",
            resourceType: "AWS::SQS::Queue",
            resourceId: SQS_URL,
            resourceName: "config-changes",
            ARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:config-changes`,
            awsRegion: REGION,
            availabilityZone: "Not Applicable",
            configurationStateMd5Hash: "8f1ee69b287895a0f8bc5753eca68e96",
            resourceCreationTime: "2020-10-06T22:27:29.000Z",
          },
          s3DeliverySummary: {
            s3BucketLocation: `config-bucket-${ACCOUNT}/AWSLogs/${ACCOUNT}/Config/${REGION}/2026/11/2/OversizedChangeNotification/AWS::SQS::Queue/config-changes.json.gz`,
            errorCode: null,
            errorMessage: null,
          },
          notificationCreationTime: notified,
          messageType: OVERSIZED,
          recordVersion: "1.0",
        },
      };
    case "scheduled":
      return {
        kind,
        top,
        params,
        invoking: {
          awsAccountId: ACCOUNT,
          notificationCreationTime: notified,
          messageType: SCHEDULED,
          recordVersion: "1.0",
        },
      };
  }
}

function build(d: Draft): unknown {
  if ("whole" in d) return d.whole;
  const event: Json = { ...d.top };
  setMember(
    event,
    "invokingEvent",
    "invokingValue" in d ? d.invokingValue : JSON.stringify(d.invoking, null, d.indent),
  );
  setMember(event, "ruleParameters", "paramsValue" in d ? d.paramsValue : JSON.stringify(d.params));
  for (const [k, v] of Object.entries(event)) if (v === ABSENT) delete event[k];
  return event;
}

// ---- mutations -------------------------------------------------------------------------------------------------

type Mutate = (d: Draft) => void;
interface Breaking {
  field: string;
  mutate: Mutate;
}

const ci = (d: Draft) => d.invoking.configurationItem as Json;
const summary = (d: Draft) => d.invoking.configurationItemSummary as Json;

const otherJsonThanObject = fc
  .jsonValue({ maxDepth: 2 })
  .filter((v) => typeof v !== "object" || v === null || Array.isArray(v));

const breakWith = (field: string, values: fc.Arbitrary<unknown>, at: (d: Draft) => Json, key: string) =>
  values.map<Breaking>((v) => ({ field, mutate: (d) => setMember(at(d), key, v) }));

function breakingFor(kind: Kind): fc.Arbitrary<Breaking> {
  const top = (d: Draft) => d.top;
  const invoking = (d: Draft) => d.invoking;
  const params = (d: Draft) => d.params;
  const common: fc.Arbitrary<Breaking>[] = [
    notA("object").map((v) => ({ field: "event", mutate: (d) => void (d.whole = v) })),
    fc
      .oneof(fc.constant<unknown>(ABSENT), notA("string"))
      .map((v) => ({ field: "invokingEvent", mutate: (d) => void (d.invokingValue = v) })),
    fc
      .oneof(
        notJsonText,
        truncated(JSON.stringify(base(kind).invoking)),
        otherJsonThanObject.map((v) => JSON.stringify(v)),
      )
      .map((v) => ({ field: "invokingEvent", mutate: (d) => void (d.invokingValue = v) })),
    breakWith("resultToken", noRequiredString, top, "resultToken"),
    breakWith(
      "eventLeftScope",
      notA("boolean").filter((v) => v !== null),
      top,
      "eventLeftScope",
    ),
    fc
      .oneof(
        notJsonText,
        otherJsonThanObject.map((v) => JSON.stringify(v)),
        notA("object").filter((v) => v !== null && typeof v !== "string"),
      )
      .map((v) => ({ field: "ruleParameters", mutate: (d) => void (d.paramsValue = v) })),
    breakWith(
      "ruleParameters.policyId",
      fc.oneof(
        noRequiredString,
        fc.constantFrom(...CLOUDTRAIL_POLICIES),
        hostileString.filter((s) => !KNOWN_POLICIES.has(s)),
      ),
      params,
      "policyId",
    ),
    fc
      .constantFrom("configRuleName", "configRuleId", "accountId")
      .chain((key) => breakWith(key, notStringNorNull, top, key)),
    breakWith(
      "invokingEvent.messageType",
      fc.oneof(
        fc.constant<unknown>(ABSENT),
        notA("string"),
        hostileString.filter((s) => ![CHANGE, OVERSIZED, SCHEDULED].includes(s)),
        fc.constantFrom("ConfigurationSnapshotDeliveryCompleted", "configurationitemchangenotification"),
      ),
      invoking,
      "messageType",
    ),
  ];
  const at = "invokingEvent.configurationItem";
  const change: fc.Arbitrary<Breaking>[] = [
    breakWith(at, fc.oneof(fc.constant<unknown>(ABSENT), notA("object")), invoking, "configurationItem"),
    fc.constantFrom("resourceType", "resourceId").chain((key) => breakWith(`${at}.${key}`, noRequiredString, ci, key)),
    breakWith(
      `${at}.configurationItemStatus`,
      fc.oneof(
        noRequiredString,
        hostileString.filter((s) => !STATUSES.includes(s)),
      ),
      ci,
      "configurationItemStatus",
    ),
    breakWith(
      `${at}.configurationItemCaptureTime`,
      fc.oneof(noRequiredString, badTime),
      ci,
      "configurationItemCaptureTime",
    ),
    // Neither an object, nor JSON text of one, nor absent (lib/resources/config-item.ts parseJsonValue).
    breakWith(
      `${at}.configuration`,
      fc.oneof(
        fc.integer(),
        fc.boolean(),
        fc.array(fc.integer(), { maxLength: 3 }),
        fc.constantFrom("", "[1,2]", "{not json", "text", "42", '"[1]"', `{"truncated":`),
      ),
      ci,
      "configuration",
    ),
    fc.constantFrom("{not json", "[1,", '{"Tags":').map((v) => ({
      field: `${at}.supplementaryConfiguration.Tags`,
      mutate: (d: Draft) => void (ci(d).supplementaryConfiguration = { Tags: v }),
    })),
    breakWith(
      "invokingEvent.notificationCreationTime",
      fc.oneof(badTime, notStringNorNull),
      invoking,
      "notificationCreationTime",
    ),
  ];
  const sat = "invokingEvent.configurationItemSummary";
  const oversized: fc.Arbitrary<Breaking>[] = [
    breakWith(sat, fc.oneof(fc.constant<unknown>(ABSENT), notA("object")), invoking, "configurationItemSummary"),
    fc
      .constantFrom("resourceType", "resourceId")
      .chain((key) => breakWith(`${sat}.${key}`, noRequiredString, summary, key)),
    breakWith(
      `${sat}.configurationItemCaptureTime`,
      fc.oneof(noRequiredString, badTime),
      summary,
      "configurationItemCaptureTime",
    ),
    breakWith(
      `${sat}.configurationItemStatus`,
      fc.oneof(
        notStringNorNull,
        hostileString.filter((s) => !STATUSES.includes(s)),
        fc.constant(""),
      ),
      summary,
      "configurationItemStatus",
    ),
    breakWith(
      "invokingEvent.notificationCreationTime",
      fc.oneof(badTime, notStringNorNull),
      invoking,
      "notificationCreationTime",
    ),
  ];
  const scheduled: fc.Arbitrary<Breaking>[] = [
    breakWith(
      "invokingEvent.notificationCreationTime",
      fc.oneof(noRequiredString, badTime),
      invoking,
      "notificationCreationTime",
    ),
    breakWith("invokingEvent.awsAccountId", notStringNorNull, invoking, "awsAccountId"),
  ];
  const own = kind === "scheduled" ? scheduled : kind === "oversized" ? oversized : change;
  return fc.oneof(...common, ...own);
}

/** Mutations the parser must take in its stride. */
function harmlessFor(kind: Kind): fc.Arbitrary<Mutate> {
  const common: fc.Arbitrary<Mutate>[] = [
    fc.tuple(unknownKey, hostileJson).map(
      ([k, v]) =>
        (d) =>
          void (d.top[k] = v),
    ),
    fc.tuple(unknownKey, hostileJson).map(
      ([k, v]) =>
        (d) =>
          void (d.invoking[k] = v),
    ),
    fc.tuple(unknownKey, hostileJson).map(
      ([k, v]) =>
        (d) =>
          void (d.params[k] = v),
    ),
    fc.constantFrom(true, false, null, ABSENT).map((v) => (d) => setMember(d.top, "eventLeftScope", v)),
    fc
      .constantFrom("configRuleName", "configRuleId", "accountId")
      .chain((k) => fc.oneof(hostileString, fc.constant(null)).map((v) => (d: Draft) => void (d.top[k] = v))),
    hostileString.map((v) => (d) => void (d.top.resultToken = v)),
    // Test tools send the parameters as an object, and absent-but-null members are absent.
    fc.constant((d: Draft) => void (d.paramsValue = d.params)),
    fc.constantFrom(2, "\t", " \n ").map((indent) => (d) => void (d.indent = indent)),
  ];
  const change: fc.Arbitrary<Mutate>[] = [
    fc.tuple(unknownKey, hostileJson).map(
      ([k, v]) =>
        (d) =>
          void (ci(d)[k] = v),
    ),
    fc.tuple(unknownKey, hostileJson).map(([k, v]) => (d) => {
      const c = ci(d);
      if (c.configuration && typeof c.configuration === "object") (c.configuration as Json)[k] = v;
    }),
    fc.oneof(hostileString, fc.constant(null)).map((v) => (d) => void (ci(d).resourceName = v)),
    hostileString.map((v) => (d) => void (ci(d).resourceId = v)),
    fc.dictionary(hostileString, hostileString, { maxKeys: 3 }).map((tags) => (d) => void (ci(d).tags = tags)),
    hostileJson.map((v) => (d) => void (ci(d).relationships = v)),
    fc.constantFrom(...STATUSES).map((s) => (d) => void (ci(d).configurationItemStatus = s)),
    fc.constant((d: Draft) => void delete d.invoking.notificationCreationTime),
    hostileJson.map((v) => (d) => void (d.invoking.configurationItemDiff = v)),
    fc.constant((d: Draft) => void (ci(d).configuration = "null")),
  ];
  const oversized: fc.Arbitrary<Mutate>[] = [
    fc.tuple(unknownKey, hostileJson).map(
      ([k, v]) =>
        (d) =>
          void (summary(d)[k] = v),
    ),
    fc.constantFrom(...STATUSES, ABSENT, null).map((s) => (d) => setMember(summary(d), "configurationItemStatus", s)),
    hostileString.map((v) => (d) => void (summary(d).resourceId = v)),
    fc.constant((d: Draft) => void delete d.invoking.notificationCreationTime),
  ];
  const scheduled: fc.Arbitrary<Mutate>[] = [fc.constant((d: Draft) => void delete d.invoking.awsAccountId)];
  const own = kind === "scheduled" ? scheduled : kind === "oversized" ? oversized : change;
  return fc.oneof(...common, ...own);
}

interface Case {
  kind: Kind;
  event: unknown;
  field?: string;
}

const cases: fc.Arbitrary<Case> = fc
  .constantFrom<Kind>("change-sqs", "change-ec2", "oversized", "scheduled")
  .chain((kind) =>
    fc.record({
      kind: fc.constant(kind),
      harmless: fc.array(harmlessFor(kind), { maxLength: 4 }),
      breaking: fc.option(breakingFor(kind), { freq: 2 }),
    }),
  )
  .map(({ kind, harmless, breaking }) => {
    const d = base(kind);
    for (const m of harmless) m(d);
    breaking?.mutate(d);
    const event = build(d);
    // fast-check prints a counterexample through this (its own printer recurses into 2,500-deep values).
    const show = () => `${kind} ${breaking?.field ?? "valid"}: ${describeValue(event)}`;
    return { kind, event, ...(breaking ? { field: breaking.field } : {}), [fc.toStringMethod]: show };
  });

// ---- AWS and logs ----------------------------------------------------------------------------------------------

const aws = new AwsRecorder();
const logs = new LogCapture();
let requestNumber = 0;

function answerConfig(): void {
  const config = aws.stub("config");
  config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
  config.on(GetResourceConfigHistoryCommand).resolves({ configurationItems: [] });
  config.on(ListDiscoveredResourcesCommand).resolves({
    resourceIdentifiers: [0, 1].map((i) => ({ resourceType: "AWS::SQS::Queue", resourceId: `${SQS_URL}-${i}` })),
  });
  config.on(BatchGetResourceConfigCommand).callsFake((input: { resourceKeys: ResourceKey[] }) => ({
    baseConfigurationItems: input.resourceKeys.map((k) => ({
      ...k,
      accountId: ACCOUNT,
      awsRegion: REGION,
      configurationItemStatus: "OK",
      configurationItemCaptureTime: new Date("2026-11-01T00:00:00.000Z"),
      configuration: '{"SqsManagedSseEnabled":"true"}',
      supplementaryConfiguration: { Tags: "{}" },
    })),
  }));
}

beforeAll(() => answerConfig());
beforeEach(() => {
  delete process.env.SWEEP_QUEUE_URL;
  delete process.env.SWEEP_INLINE_MAX_KEYS;
  logs.install();
});
afterEach(() => jest.restoreAllMocks());
afterAll(() => {
  aws.reset();
  resetClients();
});

test(`config rule: a valid invocation is judged and reported; a malformed one fails naming its field, writing nothing (${RUNS} events)`, async () => {
  const seen = { valid: 0, malformed: 0 };
  await fc.assert(
    fc.asyncProperty(cases, async ({ kind, event, field }) => {
      aws.resetHistory();
      logs.clear();
      const requestId = `req-${++requestNumber}`;
      const context = functionContext("guardrail-dev-configRule", REGION, ACCOUNT, requestId);

      const result = await settle("rules/config-rule.ts handler", handler(event, context));
      const why = `${kind} ${field ?? "valid"}: ${describeValue(event)}`;

      if (field === undefined) {
        if (!result.ok) throw new Error(`valid event refused: ${String(result.error)}\n${why}`);
        expect(result.value).toMatchObject({ policyId: POLICY });
        const writes = aws.writes();
        expect(writes.map((w) => w.operation)).toEqual(["PutEvaluations"]);
        expect(writes[0]?.input.ResultToken).toBe((event as Json).resultToken);
        expect(writes[0]?.input.Evaluations).toHaveLength(kind === "scheduled" ? 2 : 1);
        expect(logs.logs("ERROR")).toEqual([]);
        seen.valid++;
        return;
      }

      if (result.ok) throw new Error(`malformed event accepted (expected ${field}): ${why}`);
      const error = result.error;
      if (!(error instanceof HandlerInputError)) throw new Error(`crash, not an input error: ${String(error)}\n${why}`);
      expect([error.field, why]).toEqual([field, why]);
      expect(error.message.startsWith(`${field}: `)).toBe(true);
      expect(aws.writes()).toEqual([]);
      // One line, naming the field and the invocation (its correlation id and Lambda request id).
      const errors = logs.logs("ERROR");
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({
        message: "invocation failed",
        field,
        correlation_id: correlationIdFor(event),
        function_request_id: requestId,
      });
      seen.malformed++;
    }),
    { numRuns: RUNS },
  );
  // Both sides of the contract were tried.
  expect(seen.valid).toBeGreaterThan(0);
  expect(seen.malformed).toBeGreaterThan(0);
});
