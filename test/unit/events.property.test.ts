import { GetDomainNameCommand } from "@aws-sdk/client-api-gateway";
import { PublishCommand } from "@aws-sdk/client-sns";
import fc from "fast-check";
import { resetClients } from "../../lib/aws/clients";
import { SERVICES } from "../../lib/aws/services";
import { correlationIdOf, DetectInputError } from "../../lib/detect/event";
import { HandlerPack } from "../../lib/lambda/handler-pack";
import { requestSchema } from "../../lib/remediation/worker/message";
import { handler } from "../../events/cloudtrail";
import {
  ABSENT,
  AwsRecorder,
  describeValue,
  functionContext,
  hostileJson,
  hostileString,
  LogCapture,
  nested,
  noRequiredString,
  notA,
  setMember,
  settle,
  unknownKey,
} from "../helpers/handler-harness";
import { recorded } from "../helpers/recorded";

/*
 * events/cloudtrail.ts (an EventBridge target, invoked asynchronously: one event per invocation, no SQS) under
 * generated events. They start from real ones:
 *  - "AWS API Call via CloudTrail": the envelope of EventBridge User Guide, "AWS service events delivered via AWS
 *    CloudTrail", around the recorded CloudTrail record test/fixtures/aws-recorded/
 *    eventbridge-cloudtrail-apigateway-create-stage.json (as it is), or around a record of the same shape for
 *    another call: the UpdateDomainName and StopLogging of events.test.ts, and every call a policy's `triggers`
 *    name, with request parameters the adapters read, holding plausible or hostile values;
 *  - "Config Rules Compliance Change": `detail` as AWS Config Developer Guide, "Example Compliance Change
 *    Notification" (the event of events.test.ts).
 * Describes answer GetDomainName (API Gateway API Reference) or each service's "not found" error; Publish: SNS API
 * Reference. Each event gets mutations that keep it valid (unknown keys holding unicode, huge or 2,500-deep
 * values, hostile parameters, identities, names, Regions) and at most one that breaks the envelope or detail
 * schema (lib/detect/event.ts). The contract (the handler's comment): a valid event resolves, publishing one
 * message per alert and request it counts, under its correlation id, each request one the remediation worker
 * accepts (lib/remediation/worker/message.ts requestSchema); a malformed one fails the invocation
 * (Lambda retries it, then its on-failure destination keeps it) with a DetectInputError naming the field, logged
 * once with the invocation's ids, and nothing is published.
 */

const RUNS = 250;
const ACCOUNT = "012345678901";
const REGION = "us-east-1";
const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:guardrail-remediation`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/guardrail-remediation`;
const DOMAIN = "partners.api.example.com";
const RECORDED = recorded<Json>("eventbridge-cloudtrail-apigateway-create-stage.json");
const CLOUDTRAIL = "AWS API Call via CloudTrail";
const COMPLIANCE = "Config Rules Compliance Change";

type Json = Record<string, unknown>;

/** Every call a policy's triggers name (resource policies) or judges (CloudTrail policies: their examples' calls). */
const TRIGGERS: { eventSource: string; eventName: string }[] = HandlerPack.load().pack.policies.flatMap((p) =>
  (p.policy.triggers ?? []).flatMap((t) =>
    t.eventNames.map((eventName) => ({ eventSource: t.eventSource, eventName })),
  ),
);

/** Request and response parameters the adapters read a resource from (lib/resources/types/*.ts fromCloudTrail). */
const PARAMETER_KEYS = [
  "restApiId",
  "stageName",
  "domainName",
  "queueUrl",
  "topicArn",
  "tableName",
  "name",
  "functionName",
  "bucketName",
  "resourceArn",
  "resource",
  "key",
];

const plausible = (key: string): string[] => {
  switch (key) {
    case "queueUrl":
      return [`https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/orders`];
    case "topicArn":
      return [`arn:aws:sns:${REGION}:${ACCOUNT}:orders`];
    case "resourceArn":
    case "resource":
      return [
        `arn:aws:apigateway:${REGION}::/restapis/abcdef74gh/stages/prod`,
        `arn:aws:lambda:${REGION}:${ACCOUNT}:function:orders`,
        `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/orders`,
      ];
    case "name":
      return [`arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/management-events`, "orders"];
    default:
      return ["orders", "abcdef74gh", "prod"];
  }
};

/** An event being built (each from a fresh copy: fast-check may hand the same generated value out again). */
interface Draft {
  kind: "create-stage" | "update-domain" | "stop-logging" | "triggered" | "compliance";
  event: Json;
  /** Replaces the whole event. */
  whole?: unknown;
}

function envelope(detailType: string, source: string, detail: Json): Json {
  return {
    version: "0",
    id: "0d6c7a9e-1f2b-4c3d-8e4f-5a6b7c8d9e0f",
    "detail-type": detailType,
    source,
    account: ACCOUNT,
    time: "2026-11-03T11:59:59Z",
    region: REGION,
    resources: [],
    detail,
  };
}

/** A record of the recorded record's shape for another call (as events.test.ts builds them). */
function record(
  eventSource: string,
  eventName: string,
  requestParameters: unknown,
  responseElements: unknown = null,
): Json {
  return {
    ...structuredClone(RECORDED),
    eventTime: "2026-11-03T11:59:58Z",
    eventSource,
    eventName,
    sourceIPAddress: "203.0.113.41",
    userAgent: "aws-sdk-js/3.700.0 ua/2.1 os/linux lang/js md/nodejs#20.18.0",
    requestParameters,
    responseElements,
    eventID: "5a1e0b7c-3d2f-4e6a-9b8c-7d6e5f4a3b2c",
  };
}

const sourceOf = (eventSource: string) => `aws.${eventSource.replace(/\.amazonaws\.com$/, "")}`;

const parameters: fc.Arbitrary<Json> = fc.dictionary(
  fc.constantFrom(...PARAMETER_KEYS),
  fc.oneof(
    fc.constantFrom(...PARAMETER_KEYS).chain((k) => fc.constantFrom(...plausible(k))),
    hostileJson,
  ),
  { maxKeys: 4 },
);

const createStage = (): Draft => ({
  kind: "create-stage",
  event: envelope(CLOUDTRAIL, "aws.apigateway", structuredClone(RECORDED)),
});

const updateDomain = (): Draft => ({
  kind: "update-domain",
  event: envelope(
    CLOUDTRAIL,
    "aws.apigateway",
    record("apigateway.amazonaws.com", "UpdateDomainName", {
      domainName: DOMAIN,
      updateDomainNameInput: { patchOperations: [{ op: "replace", path: "/securityPolicy", value: "TLS_1_0" }] },
      template: false,
    }),
  ),
});

const stopLogging = (): Draft => ({
  kind: "stop-logging",
  event: envelope(
    CLOUDTRAIL,
    "aws.cloudtrail",
    record("cloudtrail.amazonaws.com", "StopLogging", {
      name: `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/management-events`,
    }),
  ),
});

const triggered = (eventSource: string, eventName: string, req: Json, resp: Json | null): Draft => ({
  kind: "triggered",
  // Copies of the members mutations set; the (possibly 2,500-deep) values themselves are never changed.
  event: envelope(CLOUDTRAIL, sourceOf(eventSource), record(eventSource, eventName, { ...req }, resp && { ...resp })),
});

function complianceChange(): Draft {
  const queueUrl = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/orders`;
  return {
    kind: "compliance",
    event: {
      ...envelope(COMPLIANCE, "aws.config", {
        resourceId: queueUrl,
        awsRegion: REGION,
        awsAccountId: ACCOUNT,
        configRuleName: "guardrail-sqs-queue-encrypted-prod",
        recordVersion: "1.0",
        configRuleARN: `arn:aws:config:${REGION}:${ACCOUNT}:config-rule/config-rule-abc123`,
        messageType: "ComplianceChangeNotification",
        notificationCreationTime: "2026-11-03T11:59:58.120Z",
        resourceType: "AWS::SQS::Queue",
        newEvaluationResult: {
          evaluationResultIdentifier: {
            evaluationResultQualifier: {
              configRuleName: "guardrail-sqs-queue-encrypted-prod",
              resourceType: "AWS::SQS::Queue",
              resourceId: queueUrl,
            },
            orderingTimestamp: "2026-11-03T11:59:40.000Z",
          },
          complianceType: "NON_COMPLIANT",
          resultRecordedTime: "2026-11-03T11:59:57.900Z",
          configRuleInvokedTime: "2026-11-03T11:59:57.100Z",
          annotation: "SSE disabled",
          resultToken: null,
        },
        oldEvaluationResult: { complianceType: "COMPLIANT" },
      }),
      id: "3f1c9a2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b",
    },
  };
}

const bases: fc.Arbitrary<() => Draft> = fc.oneof(
  fc.constantFrom(createStage, updateDomain, stopLogging, complianceChange),
  fc.tuple(fc.constantFrom(...TRIGGERS), parameters, fc.option(parameters)).map(
    ([t, req, resp]) =>
      () =>
        triggered(t.eventSource, t.eventName, req, resp),
  ),
);

// ---- mutations -------------------------------------------------------------------------------------------------

type Mutate = (d: Draft) => void;
interface Breaking {
  /** What the error message names: the field (`detail.eventTime: `), or the envelope check's words. */
  names: string;
  /** Whether the message names the event by its id too (everything past the envelope schema). */
  namesEvent: boolean;
  mutate: Mutate;
}

const detail = (d: Draft) => d.event.detail as Json;
const result = (d: Draft) => detail(d).newEvaluationResult as Json;
/** Datetimes with an offset: the CloudTrail eventTime may have one, the envelope's `time` (UTC) may not. */
const offsetTime = fc.constantFrom("2026-11-03T11:59:58+01:00", "2026-11-03T11:59:58.123-05:30");
const notDateTime = fc.oneof(
  fc.constantFrom("2026-11-03", "2026-11-03 11:59:58", "yesterday", "2026-13-45T99:99:99Z", "", "11:59:58Z"),
  hostileString,
);

function breakingFor(kind: Draft["kind"]): fc.Arbitrary<Breaking> {
  const member = (names: string, at: (d: Draft) => Json, key: string, values: fc.Arbitrary<unknown>) =>
    values.map<Breaking>((v) => ({ names, namesEvent: at !== top, mutate: (d) => setMember(at(d), key, v) }));
  const named = (b: fc.Arbitrary<Breaking>) => b.map((x) => ({ ...x, namesEvent: true }));
  const top = (d: Draft) => d.event;
  const envelopeBreaks: fc.Arbitrary<Breaking>[] = [
    notA("object").map((v) => ({ names: "(event): ", namesEvent: false, mutate: (d) => void (d.whole = v) })),
    fc
      .constantFrom("version", "id", "source", "account", "region", "detail-type")
      .chain((key) => member(`${key}: `, top, key, fc.oneof(fc.constant<unknown>(ABSENT), notA("string")))),
    member("time: ", top, "time", fc.oneof(fc.constant<unknown>(ABSENT), notA("string"), notDateTime, offsetTime)),
    member(
      "resources: ",
      top,
      "resources",
      fc.oneof(
        fc.constant<unknown>(ABSENT),
        notA("object").filter((v) => !Array.isArray(v)),
        fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }),
      ),
    ),
    notA("string").map((v) => ({
      names: "resources.0: ",
      namesEvent: false,
      mutate: (d) => void (d.event.resources = [v]),
    })),
    member("replay-name: ", top, "replay-name", notA("string")),
    fc
      .constantFrom("id", "source", "region")
      .chain((key) => named(member(`${key}: must not be empty`, top, key, fc.constant("")))),
    named(
      member(
        "unsupported detail-type",
        top,
        "detail-type",
        fc
          .oneof(
            fc.constantFrom("Config Configuration Item Change", "Scheduled Event", "AWS API Call via CloudTrail "),
            hostileString,
          )
          .filter((s) => s !== CLOUDTRAIL && s !== COMPLIANCE && !s.endsWith(" via CloudTrail")),
      ),
    ),
  ];
  if (kind === "compliance") {
    return fc.oneof(
      ...envelopeBreaks,
      member("detail: ", top, "detail", fc.constant<unknown>(ABSENT)),
      named(member("detail: ", top, "detail", notA("object"))),
      member(
        "detail.messageType: ",
        detail,
        "messageType",
        fc.oneof(fc.constant<unknown>(ABSENT), notA("string"), hostileString),
      ),
      fc
        .constantFrom("configRuleName", "resourceType", "resourceId", "awsRegion", "awsAccountId")
        .chain((key) => member(`detail.${key}: `, detail, key, noRequiredString)),
      member(
        "detail.newEvaluationResult: ",
        detail,
        "newEvaluationResult",
        fc.oneof(fc.constant<unknown>(ABSENT), notA("object")),
      ),
      member("detail.newEvaluationResult.complianceType: ", result, "complianceType", noRequiredString),
      member(
        "detail.newEvaluationResult.annotation: ",
        result,
        "annotation",
        notA("string").filter((v) => v !== null),
      ),
    );
  }
  return fc.oneof(
    ...envelopeBreaks,
    member("detail: ", top, "detail", fc.constant<unknown>(ABSENT)),
    named(member("detail: ", top, "detail", notA("object"))),
    fc
      .constantFrom("eventID", "eventName", "eventSource", "awsRegion")
      .chain((key) => member(`detail.${key}: `, detail, key, noRequiredString)),
    member(
      "detail.eventTime: ",
      detail,
      "eventTime",
      fc.oneof(fc.constant<unknown>(ABSENT), notA("string"), notDateTime),
    ),
    member("detail.userIdentity: ", detail, "userIdentity", notA("object")),
    fc
      .constantFrom("errorCode", "recipientAccountId")
      .chain((key) => member(`detail.${key}: `, detail, key, notA("string"))),
  );
}

function harmlessFor(kind: Draft["kind"]): fc.Arbitrary<Mutate> {
  const common: fc.Arbitrary<Mutate>[] = [
    fc.tuple(unknownKey, hostileJson).map(
      ([k, v]) =>
        (d) =>
          void (d.event[k] = v),
    ),
    fc.tuple(unknownKey, hostileJson).map(
      ([k, v]) =>
        (d) =>
          void (detail(d)[k] = v),
    ),
    fc.array(hostileString, { maxLength: 3 }).map((r) => (d) => void (d.event.resources = r)),
    hostileString.map((v) => (d) => void (d.event["replay-name"] = v)),
    hostileString.map((v) => (d) => void (d.event.id = v)),
    hostileString.map((v) => (d) => void (d.event.account = v)),
    fc.constantFrom("2026-11-03T11:59:59.123Z", "1970-01-01T00:00:00Z").map((t) => (d) => void (d.event.time = t)),
  ];
  if (kind === "compliance") {
    return fc.oneof(
      ...common,
      fc.tuple(unknownKey, hostileJson).map(
        ([k, v]) =>
          (d: Draft) =>
            void (result(d)[k] = v),
      ),
      fc
        .constantFrom("configRuleName", "resourceType", "resourceId", "awsRegion", "awsAccountId")
        .chain((k) => hostileString.map((v) => (d: Draft) => void (detail(d)[k] = v))),
      fc
        .oneof(fc.constantFrom("COMPLIANT", "NOT_APPLICABLE", "INSUFFICIENT_DATA"), hostileString)
        .map((v) => (d: Draft) => void (result(d).complianceType = v)),
      fc.oneof(hostileString, fc.constant(null)).map((v) => (d: Draft) => void (result(d).annotation = v)),
    );
  }
  return fc.oneof(
    ...common,
    fc
      .constantFrom(
        "requestParameters",
        "responseElements",
        "sourceIPAddress",
        "userAgent",
        "sessionCredentialFromConsole",
        "eventType",
        "readOnly",
        "additionalEventData",
      )
      .chain((k) => hostileJson.map((v) => (d: Draft) => void (detail(d)[k] = v))),
    fc.tuple(fc.constantFrom(...PARAMETER_KEYS), hostileJson).map(([k, v]) => (d: Draft) => {
      const rp = detail(d).requestParameters;
      if (rp && typeof rp === "object" && !Array.isArray(rp)) (rp as Json)[k] = v;
    }),
    fc
      .dictionary(
        fc.constantFrom("type", "arn", "accountId", "principalId", "userName", "sessionContext", "invokedBy"),
        hostileJson,
        { maxKeys: 4 },
      )
      .map((v) => (d: Draft) => void (detail(d).userIdentity = v)),
    fc.constant((d: Draft) => void delete detail(d).userIdentity),
    // The remediation role's own call, and a failed call: both ignored.
    fc.constant((d: Draft) => {
      detail(d).userIdentity = { type: "AssumedRole", sessionContext: { sessionIssuer: { arn: ROLE } } };
    }),
    fc.oneof(hostileString, fc.constant("AccessDenied")).map((v) => (d: Draft) => void (detail(d).errorCode = v)),
    fc
      .constantFrom("eventID", "eventName", "eventSource", "awsRegion", "recipientAccountId")
      .chain((k) => hostileString.map((v) => (d: Draft) => void (detail(d)[k] = v))),
    offsetTime.map((t) => (d: Draft) => void (detail(d).eventTime = t)),
  );
}

interface Case {
  kind: Draft["kind"];
  event: unknown;
  names?: string;
  namesEvent?: boolean;
  [fc.toStringMethod]: () => string;
}

/** The event a draft becomes once mutated, with what the handler must do with it. */
function finish(d: Draft, harmless: readonly Mutate[], breaking: Breaking | undefined): Case {
  for (const m of harmless) m(d);
  breaking?.mutate(d);
  const event = "whole" in d ? d.whole : d.event;
  const show = () => `${d.kind} ${breaking?.names ?? "valid"}: ${describeValue(event)}`;
  const expected = breaking ? { names: breaking.names, namesEvent: breaking.namesEvent } : {};
  return { kind: d.kind, event, ...expected, [fc.toStringMethod]: show };
}

const cases: fc.Arbitrary<Case> = bases
  .chain((fresh) =>
    fc.record({
      fresh: fc.constant(fresh),
      harmless: fc.array(harmlessFor(fresh().kind), { maxLength: 4 }),
      breaking: fc.option(breakingFor(fresh().kind), { freq: 2, nil: undefined }),
    }),
  )
  .map(({ fresh, harmless, breaking }) => finish(fresh(), harmless, breaking));

/** Counterexamples the property found once, tried on every run. */
const FOUND: [Case][] = [
  // A principal that is no text: the request carried it, and the worker refuses such a request.
  [finish(updateDomain(), [(d) => void (detail(d).userIdentity = { type: "AssumedRole", arn: { a: 1 } })], undefined)],
  // 2,500 levels deep, as every log line of the invocation carried it: the logger overflowed the stack.
  [finish(stopLogging(), [(d) => void (detail(d).userIdentity = { invokedBy: nested(2500, "array") })], undefined)],
  // A Config compliance change without an id: the request it published had no correlation id.
  [
    finish(complianceChange(), [], {
      names: "id: must not be empty",
      namesEvent: true,
      mutate: (d) => void (d.event.id = ""),
    }),
  ],
  // Names that are no ARN path segment: the stage and method describes could not read the ids built from them.
  [
    finish(
      triggered(
        "apigateway.amazonaws.com",
        "PutIntegration",
        { restApiId: "orders", resourceId: "a/b", httpMethod: "GET" },
        null,
      ),
      [],
      undefined,
    ),
  ],
  ...["arn:aws:dynamodb:us-east-1:012345678901:table/orders", "prod%zz"].map((stageName): [Case] => [
    finish(
      triggered("apigateway.amazonaws.com", "UpdateStage", { restApiId: "orders", stageName }, null),
      [],
      undefined,
    ),
  ]),
];

// ---- AWS and logs ----------------------------------------------------------------------------------------------

const aws = new AwsRecorder();
const logs = new LogCapture();
let requestNumber = 0;

/** Every describe finds nothing (each service's own "not found" error), but the domain of UpdateDomainName. */
function answerAws(): void {
  for (const { service } of SERVICES) {
    const name = service.notFound[0];
    if (!name) continue;
    aws
      .stub(service.name)
      .onAnyCommand()
      .rejects(Object.assign(new Error("not found"), { name, $fault: "client", $metadata: { httpStatusCode: 404 } }));
  }
  aws
    .stub("apigateway")
    .on(GetDomainNameCommand)
    .resolves({
      domainName: DOMAIN,
      domainNameArn: `arn:aws:apigateway:${REGION}::/domainnames/${DOMAIN}`,
      regionalDomainName: "d-8kq3zt1w7e.execute-api.us-east-1.amazonaws.com",
      regionalHostedZoneId: "Z1UJRXOUMOOFQ8",
      endpointConfiguration: { types: ["REGIONAL"] },
      domainNameStatus: "AVAILABLE",
      securityPolicy: "TLS_1_0",
      tags: { team: "partners" },
    });
  aws.stub("sns").on(PublishCommand).resolves({ MessageId: "m-1" });
}

beforeAll(() => answerAws());
beforeEach(() => {
  process.env.REMEDIATION_TOPIC_ARN = TOPIC;
  process.env.GUARDRAIL_REMEDIATION_ROLE_ARN = ROLE;
  logs.install();
});
afterEach(() => jest.restoreAllMocks());
afterAll(() => {
  aws.reset();
  resetClients();
});

test(`detector: a valid event is judged and published under its id; a malformed one fails naming its field, publishing nothing (${RUNS} events)`, async () => {
  const seen = { published: 0, malformed: 0 };
  await fc.assert(
    fc.asyncProperty(cases, async ({ kind, event, names, namesEvent }) => {
      aws.resetHistory();
      logs.clear();
      const requestId = `req-${++requestNumber}`;
      const context = functionContext("guardrail-dev-events", REGION, ACCOUNT, requestId);

      const outcome = await settle("events/cloudtrail.ts handler", handler(event, context));

      if (names === undefined) {
        if (!outcome.ok) throw new Error(`valid ${kind} event refused: ${String(outcome.error)}`);
        const o = outcome.value;
        const e = event as Json;
        expect(o.correlationId).toBe(kind === "compliance" ? e.id : (e.detail as Json).eventID);
        const writes = aws.writes();
        expect(writes.every((w) => w.operation === "Publish" && w.input.TopicArn === TOPIC)).toBe(true);
        expect(writes).toHaveLength(o.alerts + o.requests);
        for (const w of writes) {
          const attributes = w.input.MessageAttributes as Record<string, { StringValue: string }>;
          expect(attributes.correlationId?.StringValue).toBe(o.correlationId);
          // Every request published is one the remediation worker accepts.
          if (attributes.kind?.StringValue === "remediation-request") {
            const parsed = requestSchema.safeParse(JSON.parse(String(w.input.Message)));
            expect(parsed.error?.issues ?? []).toEqual([]);
          }
        }
        expect(logs.logs("ERROR")).toEqual([]);
        seen.published += writes.length;
        return;
      }

      if (outcome.ok) throw new Error(`malformed ${kind} event accepted (expected ${names})`);
      const error = outcome.error;
      if (!(error instanceof DetectInputError)) throw new Error(`crash, not an input error: ${String(error)}`);
      expect(error.message).toContain(names);
      // Past the envelope schema, the message names the event too (by its id, when it has one).
      if (namesEvent) {
        const id = String((event as Json).id);
        expect(error.message).toContain(id === "" ? "EventBridge event:" : `EventBridge event ${id}`);
      }
      expect(aws.writes()).toEqual([]);
      const errors = logs.logs("ERROR");
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ message: "invocation failed", function_request_id: requestId });
      expect(errors[0]?.correlation_id).toBe(correlationIdOf(event));
      expect(String((errors[0]?.error as Json | undefined)?.message)).toContain(names);
      seen.malformed++;
    }),
    { numRuns: RUNS, examples: FOUND },
  );
  // Both sides of the contract were tried: valid events that published, malformed ones.
  expect(seen.published).toBeGreaterThan(0);
  expect(seen.malformed).toBeGreaterThan(0);
});
