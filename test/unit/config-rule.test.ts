import {
  BatchGetResourceConfigCommand,
  GetComplianceDetailsByConfigRuleCommand,
  type ComplianceType,
  ConfigServiceClient,
  ConfigServiceServiceException,
  GetResourceConfigHistoryCommand,
  ListDiscoveredResourcesCommand,
  PutEvaluationsCommand,
  type BaseConfigurationItem,
  type ResourceType,
  type ConfigurationItem,
} from "@aws-sdk/client-config-service";
import { SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-jest";
import { FailedEvaluationsError } from "../../lib/aws/config";
import type { Evaluation } from "../../lib/engine/evaluate";
import { correlationIdFor, parseRuleEvent, HandlerInputError, UnknownPolicyError } from "../../lib/config-rule/event";
import { toConfigEvaluation } from "../../lib/config-rule/evaluation";
import { parseSweepMessage, type SweepMessage } from "../../lib/config-rule/sweep";
import { handler } from "../../rules/config-rule";
import { recorded } from "../helpers/recorded";

/*
 * Event shapes and their sources:
 *  - the rule invocation envelope (invokingEvent and ruleParameters as JSON text, resultToken, eventLeftScope,
 *    configRule*): AWS Config Developer Guide, "Example events for AWS Config rules", and the recorded invocation
 *    test/fixtures/aws-recorded/config-rule-invocation-change.json (used as it is below);
 *  - ConfigurationItemChangeNotification items in the invocation naming: the recorded SQS item of
 *    eventbridge-config-item-change-sqs-queue.json (same naming as rule invocations) and the
 *    recorded AWS::ApiGateway::Stage configuration of config-select-resource-config-apigateway-stage.json;
 *  - the API naming (arn, accountId, configurationItemMD5Hash, configuration as JSON text): AWS Config API
 *    Reference, ConfigurationItem, and the conversion in AWS Config Developer Guide, "Example AWS Lambda Functions
 *    for AWS Config Rules (Node.js)";
 *  - OversizedConfigurationItemChangeNotification (configurationItemSummary) and ScheduledNotification: the same
 *    "Example events for AWS Config rules"; GetResourceConfigHistory, BatchGetResourceConfig,
 *    ListDiscoveredResources and PutEvaluations requests and answers: AWS Config API Reference, under each name.
 */

const config = mockClient(ConfigServiceClient);
const sqs = mockClient(SQSClient);

type Json = Record<string, unknown>;

// ---- real shapes -------------------------------------------------------------------------------------------

/** The recorded SQS queue item (invocation naming): no SSE attributes, so sqs-queue-encrypted fails. */
function sqsItem(): Json {
  const event = recorded<{ detail: { configurationItem: Json } }>("eventbridge-config-item-change-sqs-queue.json");
  return structuredClone(event.detail.configurationItem);
}
const SQS_URL = "https://sqs.us-east-1.amazonaws.com/644160558196/config-changes";

/**
 * The same item in the API naming (AWS Config API Reference, ConfigurationItem), as GetResourceConfigHistory or
 * BatchGet would give it.
 */
function apiNaming(item: Json): Json {
  const {
    ARN,
    awsAccountId,
    configurationStateMd5Hash,
    configurationItemVersion,
    configuration,
    supplementaryConfiguration,
    relationships,
    ...rest
  } = item;
  return {
    ...rest,
    version: configurationItemVersion,
    accountId: awsAccountId,
    arn: ARN,
    configurationItemMD5Hash: configurationStateMd5Hash,
    configuration: JSON.stringify(configuration),
    supplementaryConfiguration: Object.fromEntries(
      Object.entries((supplementaryConfiguration ?? {}) as Json).map(([k, v]) => [k, JSON.stringify(v)]),
    ),
    relationships: ((relationships ?? []) as Json[]).map(({ name, ...r }) => ({ ...r, relationshipName: name })),
  };
}

/** An API-naming item as the SDK hands it back (timestamps as Dates). */
function sdkItem(item: Json): ConfigurationItem & BaseConfigurationItem {
  const out: Json = { ...item };
  for (const k of ["configurationItemCaptureTime", "resourceCreationTime"]) {
    if (typeof out[k] === "string") out[k] = new Date(out[k] as string);
  }
  return out as ConfigurationItem;
}

/** The recorded dev stage (tracingEnabled false) as a change notification's item. */
function stageItem(): Json {
  const select = recorded<{ data: { Results: string[] } }>("config-select-resource-config-apigateway-stage.json");
  const dev = JSON.parse(select.data.Results[0] as string) as Json;
  return {
    configurationItemVersion: "1.3",
    configurationItemCaptureTime: "2020-12-24T19:01:20.512Z",
    configurationStateId: 1608836480512,
    awsAccountId: "111122223333",
    configurationItemStatus: "OK",
    resourceType: "AWS::ApiGateway::Stage",
    resourceId: dev.resourceId,
    resourceName: "dev",
    ARN: dev.resourceId,
    awsRegion: "us-east-2",
    availabilityZone: "Not Applicable",
    configuration: dev.configuration,
    supplementaryConfiguration: dev.supplementaryConfiguration,
    tags: {},
    relationships: [],
  };
}

const TOKEN = "eyJlbmNyeXB0ZWREYXRhIjpbMSwyLDNdfQ==";
const NOTIFIED = "2026-11-02T09:20:00.000Z";

function ruleEvent(invoking: Json, policyId: string | undefined, extra: Json = {}): Json {
  return {
    version: "1.0",
    invokingEvent: JSON.stringify(invoking),
    ruleParameters: JSON.stringify(policyId === undefined ? {} : { policyId }),
    resultToken: TOKEN,
    eventLeftScope: false,
    executionRoleArn: "arn:aws:iam::111122223333:role/config-role",
    configRuleArn: "arn:aws:config:us-east-1:111122223333:config-rule/config-rule-abc123",
    configRuleName: `guardrail-${policyId ?? "none"}`,
    configRuleId: "config-rule-abc123",
    accountId: "111122223333",
    ...extra,
  };
}

const change = (item: Json) => ({
  configurationItemDiff: null,
  configurationItem: item,
  notificationCreationTime: NOTIFIED,
  messageType: "ConfigurationItemChangeNotification",
  recordVersion: "1.3",
});

const scheduled = {
  awsAccountId: "111122223333",
  notificationCreationTime: NOTIFIED,
  messageType: "ScheduledNotification",
  recordVersion: "1.0",
};

/** The Evaluations of every PutEvaluations call, in order. */
function sentEvaluations() {
  return config.commandCalls(PutEvaluationsCommand).map((c) => c.args[0].input.Evaluations ?? []);
}

// ---- log and metric lines ----------------------------------------------------------------------------------

let lines: Json[] = [];
beforeEach(() => {
  config.reset();
  sqs.reset();
  config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
  lines = [];
  const capture = (chunk: unknown) => {
    for (const l of String(chunk).split("\n")) if (l.trim().startsWith("{")) lines.push(JSON.parse(l) as Json);
    return true;
  };
  jest.spyOn(process.stdout, "write").mockImplementation(capture);
  jest.spyOn(process.stderr, "write").mockImplementation(capture);
  delete process.env.SWEEP_QUEUE_URL;
  delete process.env.SWEEP_INLINE_MAX_KEYS;
});
afterEach(() => jest.restoreAllMocks());

const logLines = () => lines.filter((l) => typeof l.message === "string");
const metricLines = () => lines.filter((l) => l._aws !== undefined);

// ---- the pure part -----------------------------------------------------------------------------------------

describe("parseRuleEvent", () => {
  test("reads the recorded invocation (fixture config-rule-invocation-change.json) once it names a policy", () => {
    const event = recorded("config-rule-invocation-change.json");
    const inv = parseRuleEvent({ ...event, ruleParameters: '{"policyId":"sqs-queue-encrypted"}' });
    expect(inv).toMatchObject({
      policyId: "sqs-queue-encrypted",
      eventLeftScope: false,
      configRuleName: "custodian-ec2-compliance",
      configRuleId: "config-rule-ib96us",
      accountId: "644160558196",
      message: {
        messageType: "ConfigurationItemChangeNotification",
        notificationCreationTime: "2016-08-27T12:04:09.078Z",
        item: {
          resourceType: "AWS::EC2::Instance",
          resourceId: "i-094bc87c84d56c589",
          captureTime: "2016-08-24T00:13:58.422Z",
        },
      },
    });
  });

  test("malformed input is a HandlerInputError naming the field", () => {
    const bad = (event: unknown, field: string, text: RegExp) => {
      const err = (() => {
        try {
          parseRuleEvent(event);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(err).toBeInstanceOf(HandlerInputError);
      expect((err as HandlerInputError).field).toBe(field);
      expect((err as Error).message).toMatch(text);
    };
    const ok = ruleEvent(change(sqsItem()), "sqs-queue-encrypted");
    bad(
      { ...ok, invokingEvent: '{"messageType":"ConfigurationItemChangeNotification","configurationItem":' },
      "invokingEvent",
      /^invokingEvent: not valid JSON/,
    );
    bad(
      { ...ok, invokingEvent: { messageType: "ScheduledNotification" } },
      "invokingEvent",
      /^invokingEvent: must be the invoking event as JSON text \(is object\)$/,
    );
    bad(
      { ...ok, invokingEvent: JSON.stringify({ configurationItem: sqsItem() }) },
      "invokingEvent.messageType",
      /must be one of .* \(is undefined\)$/,
    );
    bad(
      { ...ok, invokingEvent: JSON.stringify({ messageType: "ConfigurationSnapshotDeliveryCompleted" }) },
      "invokingEvent.messageType",
      /^invokingEvent.messageType: must be one of ConfigurationItemChangeNotification, OversizedConfigurationItemChangeNotification, ScheduledNotification \(is "ConfigurationSnapshotDeliveryCompleted"\)$/,
    );
    const { resourceId: _gone, ...noId } = sqsItem();
    bad(
      { ...ok, invokingEvent: JSON.stringify(change(noId)) },
      "invokingEvent.configurationItem.resourceId",
      /^invokingEvent.configurationItem.resourceId: missing$/,
    );
    // Hostile items: what Config always sends in a change notification is required, and of its type.
    bad(
      { ...ok, invokingEvent: JSON.stringify(change({ ...sqsItem(), resourceId: 42 })) },
      "invokingEvent.configurationItem.resourceId",
      /: must be a string \(is number\)$/,
    );
    const { configurationItemStatus: _status, ...noStatus } = sqsItem() as Record<string, unknown>;
    bad(
      { ...ok, invokingEvent: JSON.stringify(change(noStatus)) },
      "invokingEvent.configurationItem.configurationItemStatus",
      /: missing$/,
    );
    bad(
      { ...ok, invokingEvent: JSON.stringify(change({ ...sqsItem(), configurationItemStatus: "Fine" })) },
      "invokingEvent.configurationItem.configurationItemStatus",
      /: must be one of OK, ResourceDiscovered, ResourceNotRecorded, ResourceDeleted, ResourceDeletedNotRecorded \(is "Fine"\)$/,
    );
    const { configurationItemCaptureTime: _time, ...noTime } = sqsItem() as Record<string, unknown>;
    bad(
      { ...ok, invokingEvent: JSON.stringify(change(noTime)) },
      "invokingEvent.configurationItem.configurationItemCaptureTime",
      /: missing$/,
    );
    bad(
      {
        ...ok,
        invokingEvent: JSON.stringify({
          messageType: "OversizedConfigurationItemChangeNotification",
          configurationItemSummary: { resourceType: "AWS::SQS::Queue", resourceId: SQS_URL },
        }),
      },
      "invokingEvent.configurationItemSummary.configurationItemCaptureTime",
      /: missing$/,
    );
    bad(
      { ...ok, invokingEvent: JSON.stringify({ ...scheduled, notificationCreationTime: "yesterday" }) },
      "invokingEvent.notificationCreationTime",
      /not an ISO 8601 timestamp \(is "yesterday"\)/,
    );
    bad({ ...ok, resultToken: undefined }, "resultToken", /^resultToken: missing: the token PutEvaluations needs$/);
    bad({ ...ok, ruleParameters: "{policyId:x}" }, "ruleParameters", /^ruleParameters: not valid JSON/);
    bad(
      { ...ok, ruleParameters: undefined },
      "ruleParameters.policyId",
      /InputParameters must be \{"policyId": "<id>"\}/,
    );
    bad({ ...ok, eventLeftScope: "false" }, "eventLeftScope", /must be a boolean \(is string\)/);
    bad({ ...ok, ruleParameters: "[1]" }, "ruleParameters", /must be an object \(is array\)/);
    bad(
      { ...ok, invokingEvent: JSON.stringify({ messageType: "ConfigurationItemChangeNotification" }) },
      "invokingEvent.configurationItem",
      /must be an object \(is undefined\)/,
    );
    bad("not an event", "event", /must be an object \(is string\)/);
  });

  test("the correlation id is a hash of the result token, stable across retries of the same invocation", () => {
    const id = correlationIdFor({ resultToken: TOKEN });
    expect(id).toMatch(/^cfg-[0-9a-f]{16}$/);
    expect(correlationIdFor({ resultToken: TOKEN, other: 1 })).toBe(id);
    expect(correlationIdFor({ resultToken: "other" })).not.toBe(id);
    expect(correlationIdFor("garbage")).toBe("cfg-no-result-token");
  });
});

describe("toConfigEvaluation", () => {
  const base: Evaluation = {
    policyId: "sqs-queue-encrypted",
    severity: "medium",
    compliance: "COMPLIANT",
    annotation: undefined,
    resourceType: "AWS::SQS::Queue",
    resourceId: SQS_URL,
    accountId: "111122223333",
    region: "us-east-1",
  };
  const at = new Date(NOTIFIED);

  test("COMPLIANT without an annotation has none (absent, not empty)", () => {
    const e = toConfigEvaluation({ ...base, annotation: "" }, at);
    expect(e).toEqual({
      ComplianceResourceType: "AWS::SQS::Queue",
      ComplianceResourceId: SQS_URL,
      ComplianceType: "COMPLIANT",
      OrderingTimestamp: at,
    });
    expect("Annotation" in e).toBe(false);
  });

  test("EXEMPT is NOT_APPLICABLE with the exemption in the annotation; annotations stay within 256", () => {
    const exempt = toConfigEvaluation(
      {
        ...base,
        compliance: "EXEMPT",
        annotation: "exempt (file by platform-team until 2027-01-31): server-side encryption is off",
      },
      at,
    );
    expect(exempt.ComplianceType).toBe("NOT_APPLICABLE");
    expect(exempt.Annotation).toBe("exempt (file by platform-team until 2027-01-31): server-side encryption is off");
    const long = toConfigEvaluation({ ...base, compliance: "NON_COMPLIANT", annotation: "x".repeat(400) }, at);
    expect(long.Annotation).toHaveLength(256);
    expect(long.Annotation?.endsWith(" [truncated]")).toBe(true);
  });
});

// ---- the handler -------------------------------------------------------------------------------------------

describe("rules/config-rule handler: change notifications", () => {
  test("the recorded EC2 invocation: the pack does not judge EC2, so the named policy answers NOT_APPLICABLE", async () => {
    const event = recorded("config-rule-invocation-change.json");
    const outcome = await handler({ ...event, ruleParameters: '{"policyId":"sqs-queue-encrypted"}' });
    expect(outcome.counts).toEqual({ NOT_APPLICABLE: 1 });
    expect(config).toHaveReceivedCommandTimes(PutEvaluationsCommand, 1);
    expect(config).toHaveReceivedCommandWith(PutEvaluationsCommand, {
      ResultToken: event.resultToken as string,
      Evaluations: [
        {
          ComplianceResourceType: "AWS::EC2::Instance",
          ComplianceResourceId: "i-094bc87c84d56c589",
          ComplianceType: "NOT_APPLICABLE",
          Annotation: "policy sqs-queue-encrypted does not judge AWS::EC2::Instance",
          OrderingTimestamp: new Date("2016-08-24T00:13:58.422Z"),
        },
      ],
    });
  });

  test("the recorded SQS item, in both namings: NON_COMPLIANT with an annotation, stamped with its capture time", async () => {
    const expected = [
      {
        ComplianceResourceType: "AWS::SQS::Queue",
        ComplianceResourceId: SQS_URL,
        ComplianceType: "NON_COMPLIANT",
        Annotation: "server-side encryption is off (neither SqsManagedSseEnabled nor KmsMasterKeyId is set)",
        OrderingTimestamp: new Date("2020-10-06T22:39:22.579Z"),
      },
    ];
    for (const item of [sqsItem(), apiNaming(sqsItem())]) {
      config.resetHistory();
      await handler(ruleEvent(change(item), "sqs-queue-encrypted"));
      expect(config).toHaveReceivedCommandTimes(PutEvaluationsCommand, 1);
      expect(config).toHaveReceivedCommandWith(PutEvaluationsCommand, { ResultToken: TOKEN, Evaluations: expected });
    }
  });

  test("a recorded API Gateway stage without X-Ray tracing: NON_COMPLIANT naming tracingEnabled", async () => {
    await handler(ruleEvent(change(stageItem()), "apigateway-stage-xray-tracing"));
    expect(sentEvaluations()).toEqual([
      [
        {
          ComplianceResourceType: "AWS::ApiGateway::Stage",
          ComplianceResourceId: "arn:aws:apigateway:us-east-2::/restapis/3qcpw4j8pi/stages/dev",
          ComplianceType: "NON_COMPLIANT",
          Annotation: "tracingEnabled: X-Ray active tracing must be on (is false)",
          OrderingTimestamp: new Date("2020-12-24T19:01:20.512Z"),
        },
      ],
    ]);
  });

  test.each(["ResourceDeleted", "ResourceDeletedNotRecorded", "ResourceNotRecorded"])(
    "a %s item is NOT_APPLICABLE",
    async (status) => {
      const item = { ...sqsItem(), configurationItemStatus: status, configuration: null };
      await handler(ruleEvent(change(item), "sqs-queue-encrypted"));
      expect(sentEvaluations()).toEqual([
        [
          {
            ComplianceResourceType: "AWS::SQS::Queue",
            ComplianceResourceId: SQS_URL,
            ComplianceType: "NOT_APPLICABLE",
            Annotation:
              status === "ResourceNotRecorded"
                ? "Config does not record this resource type"
                : "the resource was deleted",
            OrderingTimestamp: new Date("2020-10-06T22:39:22.579Z"),
          },
        ],
      ]);
    },
  );

  test("eventLeftScope: NOT_APPLICABLE even for a violating item", async () => {
    await handler(ruleEvent(change(sqsItem()), "sqs-queue-encrypted", { eventLeftScope: true }));
    expect(sentEvaluations()).toEqual([
      [
        {
          ComplianceResourceType: "AWS::SQS::Queue",
          ComplianceResourceId: SQS_URL,
          ComplianceType: "NOT_APPLICABLE",
          Annotation: "the resource left the rule's scope",
          OrderingTimestamp: new Date("2020-10-06T22:39:22.579Z"),
        },
      ],
    ]);
  });

  test("every log line carries the correlation id; EMF counts evaluations per policy and compliance", async () => {
    await handler(ruleEvent(change(sqsItem()), "sqs-queue-encrypted"));
    const id = correlationIdFor({ resultToken: TOKEN });
    expect(logLines().length).toBeGreaterThanOrEqual(2);
    for (const l of logLines()) expect(l).toMatchObject({ correlation_id: id, service: "guardrail-config-rule" });
    expect(logLines().at(-1)).toMatchObject({
      message: "config rule invocation done",
      policyId: "sqs-queue-encrypted",
    });
    expect(metricLines()).toEqual([
      expect.objectContaining({ Evaluations: 1, policyId: "sqs-queue-encrypted", compliance: "NON_COMPLIANT" }),
    ]);
    expect(JSON.stringify(lines)).not.toContain(TOKEN);
  });
});

describe("rules/config-rule handler: oversized notifications", () => {
  test("fetch the item with GetResourceConfigHistory (limit 1, laterTime = capture time) and judge the API-naming answer", async () => {
    const item = sqsItem();
    config.on(GetResourceConfigHistoryCommand).resolves({ configurationItems: [sdkItem(apiNaming(item))] });
    const oversized = {
      configurationItemSummary: {
        changeType: "UPDATE",
        configurationItemVersion: "1.3",
        configurationItemCaptureTime: item.configurationItemCaptureTime,
        configurationStateId: item.configurationStateId,
        awsAccountId: item.awsAccountId,
        configurationItemStatus: "OK",
        resourceType: "AWS::SQS::Queue",
        resourceId: SQS_URL,
        resourceName: "config-changes",
        ARN: item.ARN,
        awsRegion: "us-east-1",
        availabilityZone: "Not Applicable",
        configurationStateMd5Hash: "",
        resourceCreationTime: item.resourceCreationTime,
      },
      s3DeliverySummary: {
        s3BucketLocation:
          "config-bucket/AWSLogs/111122223333/Config/us-east-1/2020/10/6/OversizedChangeNotification/x.json.gz",
      },
      notificationCreationTime: NOTIFIED,
      messageType: "OversizedConfigurationItemChangeNotification",
      recordVersion: "1.0",
    };
    await handler(ruleEvent(oversized, "sqs-queue-encrypted"));
    expect(config).toHaveReceivedCommandTimes(GetResourceConfigHistoryCommand, 1);
    expect(config).toHaveReceivedCommandWith(GetResourceConfigHistoryCommand, {
      resourceType: "AWS::SQS::Queue",
      resourceId: SQS_URL,
      laterTime: new Date("2020-10-06T22:39:22.579Z"),
      limit: 1,
    });
    expect(sentEvaluations()).toEqual([
      [
        expect.objectContaining({
          ComplianceResourceId: SQS_URL,
          ComplianceType: "NON_COMPLIANT",
          Annotation: expect.stringMatching(/^server-side encryption is off/),
          OrderingTimestamp: new Date("2020-10-06T22:39:22.579Z"),
        }),
      ],
    ]);
  });
});

describe("rules/config-rule handler: scheduled sweeps", () => {
  const urls = Array.from(
    { length: 250 },
    (_, i) => `https://sqs.eu-west-1.amazonaws.com/111122223333/q${String(i).padStart(3, "0")}`,
  );

  function listPages() {
    config
      .on(ListDiscoveredResourcesCommand)
      .resolvesOnce({
        resourceIdentifiers: urls.slice(0, 100).map((resourceId) => ({ resourceType: "AWS::SQS::Queue", resourceId })),
        nextToken: "p2",
      })
      .resolvesOnce({
        resourceIdentifiers: urls
          .slice(100, 200)
          .map((resourceId) => ({ resourceType: "AWS::SQS::Queue", resourceId })),
        nextToken: "p3",
      })
      .resolvesOnce({
        resourceIdentifiers: urls.slice(200).map((resourceId) => ({ resourceType: "AWS::SQS::Queue", resourceId })),
      });
  }

  /**
   * BatchGetResourceConfig in API naming (no tags: AWS Config API Reference, BatchGetResourceConfig), encrypted
   * queues.
   */
  const batchItem = (
    resourceId: string,
    configuration = '{"SqsManagedSseEnabled":"true"}',
    supplementaryConfiguration: Record<string, string> = { Tags: "{}" },
  ): BaseConfigurationItem => ({
    version: "1.3",
    accountId: "111122223333",
    configurationItemCaptureTime: new Date("2026-11-01T00:00:00.000Z"),
    configurationItemStatus: "OK",
    configurationStateId: "1793610843120",
    arn: `arn:aws:sqs:eu-west-1:111122223333:${resourceId.slice(resourceId.lastIndexOf("/") + 1)}`,
    resourceType: "AWS::SQS::Queue",
    resourceId,
    awsRegion: "eu-west-1",
    configuration,
    supplementaryConfiguration,
  });

  test("250 resources: 3 BatchGetResourceConfig calls of ≤100 keys (an unprocessed key asked again), 3 PutEvaluations", async () => {
    listPages();
    let held = false;
    config.on(BatchGetResourceConfigCommand).callsFake((input: { resourceKeys: { resourceId: string }[] }) => {
      const keys = input.resourceKeys;
      if (!held && keys.length === 100) {
        held = true;
        return {
          baseConfigurationItems: keys.slice(1).map((k) => batchItem(k.resourceId)),
          unprocessedResourceKeys: [keys[0]],
        };
      }
      return { baseConfigurationItems: keys.map((k) => batchItem(k.resourceId)) };
    });

    const outcome = await handler(ruleEvent(scheduled, "sqs-queue-encrypted"));

    expect(config.commandCalls(ListDiscoveredResourcesCommand).map((c) => c.args[0].input)).toEqual([
      { resourceType: "AWS::SQS::Queue", limit: 100 },
      { resourceType: "AWS::SQS::Queue", limit: 100, nextToken: "p2" },
      { resourceType: "AWS::SQS::Queue", limit: 100, nextToken: "p3" },
    ]);
    const batchCalls = config
      .commandCalls(BatchGetResourceConfigCommand)
      .map((c) => c.args[0].input.resourceKeys ?? []);
    // three chunks of the sweep (100, 100, 50), plus the first chunk's unprocessed key asked again
    expect(batchCalls.map((k) => k.length)).toEqual([100, 1, 100, 50]);
    expect(batchCalls[1]).toEqual([{ resourceType: "AWS::SQS::Queue", resourceId: urls[0] }]);
    expect(batchCalls[0]).toEqual(
      urls.slice(0, 100).map((resourceId) => ({ resourceType: "AWS::SQS::Queue", resourceId })),
    );

    const sent = sentEvaluations();
    expect(sent.map((s) => s.length)).toEqual([100, 100, 50]);
    expect(new Set(sent.flat().map((e) => e.ComplianceResourceId))).toEqual(new Set(urls));
    for (const e of sent.flat()) {
      expect(e).toEqual({
        ComplianceResourceType: "AWS::SQS::Queue",
        ComplianceResourceId: e.ComplianceResourceId,
        ComplianceType: "COMPLIANT",
        OrderingTimestamp: new Date(NOTIFIED),
      });
    }
    expect(config).toHaveReceivedCommandWith(PutEvaluationsCommand, { ResultToken: TOKEN });
    expect(outcome).toMatchObject({ counts: { COMPLIANT: 250 }, sent: 250, missing: 0 });
  });

  test("a sweep records only the verdicts Config does not already hold (the bill stays with what changed)", async () => {
    listPages();
    config.on(BatchGetResourceConfigCommand).callsFake((input: { resourceKeys: { resourceId: string }[] }) => ({
      baseConfigurationItems: input.resourceKeys.map((k) => batchItem(k.resourceId)),
    }));
    // Config holds COMPLIANT for the first 100 queues, NON_COMPLIANT for the next 100, nothing for the last 50.
    const result = (resourceId: string, ComplianceType: ComplianceType) => ({
      EvaluationResultIdentifier: {
        EvaluationResultQualifier: { ConfigRuleName: "guardrail-sqs-queue-encrypted", ResourceType: "AWS::SQS::Queue", ResourceId: resourceId, EvaluationMode: "DETECTIVE" as const }, // prettier-ignore
        OrderingTimestamp: new Date("2026-11-01T00:00:00Z"),
      },
      ComplianceType,
      ResultRecordedTime: new Date("2026-11-01T00:00:05Z"),
      ConfigRuleInvokedTime: new Date("2026-11-01T00:00:04Z"),
    });
    config
      .on(GetComplianceDetailsByConfigRuleCommand)
      .resolves({ EvaluationResults: urls.slice(0, 100).map((u) => result(u, "COMPLIANT")), NextToken: "c2" })
      .on(GetComplianceDetailsByConfigRuleCommand, { NextToken: "c2" })
      .resolves({ EvaluationResults: urls.slice(100, 200).map((u) => result(u, "NON_COMPLIANT")) });

    const outcome = await handler(ruleEvent(scheduled, "sqs-queue-encrypted"));

    expect(config.commandCalls(GetComplianceDetailsByConfigRuleCommand).map((c) => c.args[0].input)).toEqual([
      { ConfigRuleName: "guardrail-sqs-queue-encrypted", ComplianceTypes: ["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"], Limit: 100 }, // prettier-ignore
      { ConfigRuleName: "guardrail-sqs-queue-encrypted", ComplianceTypes: ["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"], Limit: 100, NextToken: "c2" }, // prettier-ignore
    ]);
    const sent = sentEvaluations().flat();
    expect(sent.map((e) => e.ComplianceResourceId)).toEqual(urls.slice(100));
    expect(sent.every((e) => e.ComplianceType === "COMPLIANT")).toBe(true);
    // Every resource is still judged and counted; only the record is spared.
    expect(outcome).toMatchObject({ counts: { COMPLIANT: 250 }, sent: 150, unchanged: 100, missing: 0 });
  });

  test("when the recorded verdicts cannot be read, every verdict is sent and the reason logged", async () => {
    listPages();
    config.on(BatchGetResourceConfigCommand).callsFake((input: { resourceKeys: { resourceId: string }[] }) => ({
      baseConfigurationItems: input.resourceKeys.map((k) => batchItem(k.resourceId)),
    }));
    config.on(GetComplianceDetailsByConfigRuleCommand).rejects(
      Object.assign(new Error("User is not authorized to perform: config:GetComplianceDetailsByConfigRule"), { name: "AccessDeniedException" }), // prettier-ignore
    );
    const outcome = await handler(ruleEvent(scheduled, "sqs-queue-encrypted"));
    expect(outcome).toMatchObject({ sent: 250, unchanged: 0 });
    expect(lines.some((l) => String(l.message).startsWith("sweep: the rule's recorded verdicts could not be read"))).toBe(true); // prettier-ignore
  });

  test("a swept violation without tags is read again with its tags, so a guardrail:exempt tag is honoured", async () => {
    const [q1, q2] = urls as [string, string];
    config
      .on(ListDiscoveredResourcesCommand)
      .resolves({ resourceIdentifiers: [{ resourceId: q1 }, { resourceId: q2 }] });
    config.on(BatchGetResourceConfigCommand).resolves({
      baseConfigurationItems: [
        batchItem(q1, '{"VisibilityTimeout":"30"}', {}),
        batchItem(q2, '{"VisibilityTimeout":"30"}', {}),
      ],
    });
    config
      .on(GetResourceConfigHistoryCommand, { resourceId: q1 })
      .resolves({
        configurationItems: [
          {
            ...batchItem(q1, '{"VisibilityTimeout":"30"}', {}),
            tags: { "guardrail:exempt": "sqs-queue-encrypted@2099-12-31" },
          },
        ],
      })
      .on(GetResourceConfigHistoryCommand, { resourceId: q2 })
      .resolves({
        configurationItems: [{ ...batchItem(q2, '{"VisibilityTimeout":"30"}', {}), tags: { team: "orders" } }],
      });

    const outcome = await handler(ruleEvent(scheduled, "sqs-queue-encrypted"));
    expect(config).toHaveReceivedCommandTimes(GetResourceConfigHistoryCommand, 2);
    expect(sentEvaluations()).toEqual([
      [
        expect.objectContaining({
          ComplianceResourceId: q1,
          ComplianceType: "NOT_APPLICABLE",
          Annotation: expect.stringMatching(/^exempt \(tag until 2099-12-31\): server-side encryption is off/),
        }),
        expect.objectContaining({ ComplianceResourceId: q2, ComplianceType: "NON_COMPLIANT" }),
      ],
    ]);
    expect(outcome.counts).toEqual({ EXEMPT: 1, NON_COMPLIANT: 1 });
  });

  test("a swept REST API is judged on its full item: BatchGetResourceConfig has no relationships, its custom domains", async () => {
    // A REST API mapped to a custom domain, its default endpoint still on. BatchGetResourceConfig's
    // BaseConfigurationItem has no relationships (Config API Reference), so the custom domain is invisible there.
    const api = {
      version: "1.3",
      accountId: "111122223333",
      configurationItemCaptureTime: new Date("2026-11-01T00:00:00.000Z"),
      configurationItemStatus: "OK",
      configurationStateId: "1793610843120",
      arn: "arn:aws:apigateway:eu-west-1::/restapis/a1b2c3d4e5",
      resourceType: "AWS::ApiGateway::RestApi",
      resourceId: "a1b2c3d4e5",
      resourceName: "orders-api",
      awsRegion: "eu-west-1",
      configuration: '{"id":"a1b2c3d4e5","name":"orders-api","disableExecuteApiEndpoint":false}',
      supplementaryConfiguration: {},
    } satisfies BaseConfigurationItem;
    config.on(ListDiscoveredResourcesCommand).resolves({ resourceIdentifiers: [{ resourceId: "a1b2c3d4e5" }] });
    config.on(BatchGetResourceConfigCommand).resolves({ baseConfigurationItems: [api] });
    config.on(GetResourceConfigHistoryCommand, { resourceId: "a1b2c3d4e5" }).resolves({
      configurationItems: [
        {
          ...api,
          tags: {},
          relationships: [
            {
              // Not in the SDK's ResourceType enum (3.1124.0); the relationship shape is INFERRED (decision 14).
              resourceType: "AWS::ApiGateway::DomainName" as ResourceType,
              resourceId: "orders.api.example.com",
              resourceName: "orders.api.example.com",
              relationshipName: "Is associated with DomainName",
            },
          ],
        },
      ],
    });

    const outcome = await handler(ruleEvent(scheduled, "apigateway-restapi-default-endpoint-disabled"));
    expect(config).toHaveReceivedCommandWith(GetResourceConfigHistoryCommand, {
      resourceType: "AWS::ApiGateway::RestApi",
      resourceId: "a1b2c3d4e5",
    });
    expect(sentEvaluations()).toEqual([
      [expect.objectContaining({ ComplianceResourceId: "a1b2c3d4e5", ComplianceType: "NON_COMPLIANT" })],
    ]);
    expect(outcome.counts).toEqual({ NON_COMPLIANT: 1 });
  });

  test("over SWEEP_INLINE_MAX_KEYS the keys go to the sweep queue, 100 a message, with the token and policy id", async () => {
    process.env.SWEEP_INLINE_MAX_KEYS = "200";
    process.env.SWEEP_QUEUE_URL = "https://sqs.eu-west-1.amazonaws.com/111122223333/guardrail-sweep";
    listPages();
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });

    const outcome = await handler(ruleEvent(scheduled, "sqs-queue-encrypted"));

    expect(config).toHaveReceivedCommandTimes(BatchGetResourceConfigCommand, 0);
    expect(config).toHaveReceivedCommandTimes(PutEvaluationsCommand, 0);
    expect(sqs).toHaveReceivedCommandTimes(SendMessageBatchCommand, 1);
    const input = sqs.commandCalls(SendMessageBatchCommand)[0]?.args[0].input;
    expect(input?.QueueUrl).toBe("https://sqs.eu-west-1.amazonaws.com/111122223333/guardrail-sweep");
    const messages: SweepMessage[] = (input?.Entries ?? []).map((e) => parseSweepMessage(e.MessageBody ?? ""));
    expect(messages.map((m) => m.keys.length)).toEqual([100, 100, 50]);
    expect(messages.flatMap((m) => m.keys.map((k) => k.resourceId))).toEqual(urls);
    for (const [i, m] of messages.entries()) {
      expect(m).toMatchObject({
        version: 1,
        policyId: "sqs-queue-encrypted",
        resultToken: TOKEN,
        orderingTimestamp: NOTIFIED,
        correlationId: correlationIdFor({ resultToken: TOKEN }),
        part: i + 1,
        parts: 3,
      });
    }
    expect(outcome.fannedOut).toEqual({ messages: 3, keys: 250 });
    expect(metricLines()).toEqual([
      expect.objectContaining({ SweepBatchesQueued: 3, policyId: "sqs-queue-encrypted" }),
    ]);
  });

  test("over the limit without a sweep queue: the invocation fails and says why", async () => {
    process.env.SWEEP_INLINE_MAX_KEYS = "200";
    listPages();
    await expect(handler(ruleEvent(scheduled, "sqs-queue-encrypted"))).rejects.toThrow(
      "sweep of 250 resources exceeds SWEEP_INLINE_MAX_KEYS=200 and SWEEP_QUEUE_URL is not set",
    );
  });
});

describe("rules/config-rule handler: failures", () => {
  test("throttled PutEvaluations is retried and the invocation succeeds", async () => {
    const throttled = new ConfigServiceServiceException({
      name: "ThrottlingException",
      $fault: "client",
      message: "Rate exceeded",
      $metadata: {},
    });
    config.on(PutEvaluationsCommand).rejectsOnce(throttled).resolves({ FailedEvaluations: [] });
    await expect(handler(ruleEvent(change(sqsItem()), "sqs-queue-encrypted"))).resolves.toMatchObject({ sent: 1 });
    const calls = config.commandCalls(PutEvaluationsCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(2);
    expect(calls[1]).toEqual(calls[0]);
    expect(logLines().some((l) => l.message === "PutEvaluations throttled; retrying" && l.level === "WARN")).toBe(true);
  });

  test("FailedEvaluations: the invocation fails loudly (Config retries it)", async () => {
    config
      .on(PutEvaluationsCommand)
      .callsFake((input: { Evaluations: unknown[] }) => ({ FailedEvaluations: input.Evaluations }));
    await expect(handler(ruleEvent(change(sqsItem()), "sqs-queue-encrypted"))).rejects.toBeInstanceOf(
      FailedEvaluationsError,
    );
    expect(logLines().at(-1)).toMatchObject({
      level: "ERROR",
      message: "invocation failed",
      correlation_id: correlationIdFor({ resultToken: TOKEN }),
    });
  });

  test("a malformed invokingEvent fails before any AWS call, naming the field", async () => {
    const event = ruleEvent(change(sqsItem()), "sqs-queue-encrypted", { invokingEvent: "{not json" });
    await expect(handler(event)).rejects.toThrow(/^invokingEvent: not valid JSON/);
    expect(config.calls()).toHaveLength(0);
    expect(logLines().at(-1)).toMatchObject({
      level: "ERROR",
      field: "invokingEvent",
      correlation_id: correlationIdFor(event),
    });
  });

  test("an unknown policy id fails, naming it", async () => {
    const err = await handler(ruleEvent(change(sqsItem()), "sqs-queue-encrpyted")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnknownPolicyError);
    expect((err as Error).message).toBe(
      'ruleParameters.policyId: unknown policy id "sqs-queue-encrpyted" (not in the bundled policy pack)',
    );
    expect(config.calls()).toHaveLength(0);
    expect(logLines().at(-1)).toMatchObject({
      level: "ERROR",
      field: "ruleParameters.policyId",
      policyId: "sqs-queue-encrpyted",
    });
  });

  test("a CloudTrail-subject policy cannot back a Config rule", async () => {
    await expect(handler(ruleEvent(change(sqsItem()), "cloudtrail-no-stop-logging"))).rejects.toThrow(
      /ruleParameters.policyId: policy "cloudtrail-no-stop-logging" judges CloudTrail records/,
    );
  });
});
