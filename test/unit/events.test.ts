import { APIGatewayClient, GetDomainNameCommand, NotFoundException } from "@aws-sdk/client-api-gateway";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-jest";
import { handler } from "../../events/cloudtrail";
import { DetectInputError } from "../../lib/detect/event";
import type { JsonObject } from "../../lib/util/json";
import { recorded } from "../helpers/recorded";

/*
 * The EventBridge-target handler end to end, AWS mocked with aws-sdk-client-mock (exact commands and inputs).
 * Events: EventBridge envelopes (EventBridge User Guide, "AWS service events delivered via AWS CloudTrail") around
 * CloudTrail records. The CloudTrail records are BUILT BY COPYING THE SHAPE OF THE RECORDED RECORD
 * test/fixtures/aws-recorded/eventbridge-cloudtrail-apigateway-create-stage.json
 * (same userIdentity, eventVersion, eventType, ...), with the call's own eventSource, eventName and parameters;
 * UpdateDomainName's requestParameters layout (`domainName` at the top, the patch under `updateDomainNameInput`)
 * is INFERRED from the recorded CreateStage's. The Config Rules Compliance Change event's `detail` has the fields
 * of AWS Config Developer Guide, "Example Compliance Change Notification".
 */

const apigw = mockClient(APIGatewayClient);
const sns = mockClient(SNSClient);

const ACCOUNT = "012345678901";
const REGION = "us-east-1";
const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:guardrail-remediation`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/guardrail-remediation`;
const NOW = "2026-11-03T12:00:05.000Z";
const DOMAIN = "partners.api.example.com";
const RECORDED = recorded<JsonObject>("eventbridge-cloudtrail-apigateway-create-stage.json");

function record(
  eventSource: string,
  eventName: string,
  requestParameters: JsonObject,
  extra: JsonObject = {},
): JsonObject {
  const { sessionCredentialFromConsole: _console, ...shape } = structuredClone(RECORDED);
  return {
    ...shape,
    eventTime: "2026-11-03T11:59:58Z",
    eventSource,
    eventName,
    sourceIPAddress: "203.0.113.41",
    userAgent: "aws-sdk-js/3.700.0 ua/2.1 os/linux lang/js md/nodejs#20.18.0",
    requestParameters,
    responseElements: null,
    eventID: "5a1e0b7c-3d2f-4e6a-9b8c-7d6e5f4a3b2c",
    ...extra,
  };
}

function eventBridge(detail: JsonObject, source = "aws.apigateway"): JsonObject {
  return {
    version: "0",
    id: "0d6c7a9e-1f2b-4c3d-8e4f-5a6b7c8d9e0f",
    "detail-type": "AWS API Call via CloudTrail",
    source,
    account: ACCOUNT,
    time: "2026-11-03T11:59:59Z",
    region: REGION,
    resources: [],
    detail,
  };
}

const updateDomainName = (extra: JsonObject = {}) =>
  record(
    "apigateway.amazonaws.com",
    "UpdateDomainName",
    {
      domainName: DOMAIN,
      updateDomainNameInput: { patchOperations: [{ op: "replace", path: "/securityPolicy", value: "TLS_1_0" }] },
      template: false,
    },
    extra,
  );

/** GetDomainName's answer after the call: the legacy TLS 1.0 policy. */
const domainAfterCall = {
  domainName: DOMAIN,
  domainNameArn: `arn:aws:apigateway:${REGION}::/domainnames/${DOMAIN}`,
  regionalDomainName: "d-8kq3zt1w7e.execute-api.us-east-1.amazonaws.com",
  regionalHostedZoneId: "Z1UJRXOUMOOFQ8",
  regionalCertificateArn: `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/4f0c2a9e-7b1d-4c55-9e3a-2d8f6b1a0c77`,
  endpointConfiguration: { types: ["REGIONAL" as const] },
  domainNameStatus: "AVAILABLE" as const,
  securityPolicy: "TLS_1_0" as const,
  tags: { team: "partners" },
  $metadata: {},
};

const attributes = (kind: string, correlationId: string, policyId: string) => ({
  correlationId: { DataType: "String", StringValue: correlationId },
  kind: { DataType: "String", StringValue: kind },
  guardrail_message: { DataType: "String", StringValue: kind },
  policyId: { DataType: "String", StringValue: policyId },
});

let lines: JsonObject[] = [];
beforeEach(() => {
  apigw.reset();
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: "m-1" });
  process.env.REMEDIATION_TOPIC_ARN = TOPIC;
  process.env.GUARDRAIL_REMEDIATION_ROLE_ARN = ROLE;
  // Only the clock is fake: the SDK mocks still resolve through real timers and microtasks.
  jest.useFakeTimers({
    now: new Date(NOW),
    doNotFake: [
      "hrtime", "nextTick", "performance", "queueMicrotask", "requestAnimationFrame", "cancelAnimationFrame",
      "requestIdleCallback", "cancelIdleCallback", "setImmediate", "clearImmediate", "setInterval", "clearInterval",
      "setTimeout", "clearTimeout",
    ], // prettier-ignore
  });
  lines = [];
  const capture = (chunk: unknown) => {
    for (const l of String(chunk).split("\n")) if (l.trim().startsWith("{")) lines.push(JSON.parse(l) as JsonObject);
    return true;
  };
  jest.spyOn(process.stdout, "write").mockImplementation(capture);
  jest.spyOn(process.stderr, "write").mockImplementation(capture);
});
afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
});

const logLines = () => lines.filter((l) => typeof l.message === "string");

describe("events/cloudtrail handler", () => {
  it("UpdateDomainName to TLS_1_0: GetDomainName, NON_COMPLIANT, one Publish carrying the exact request", async () => {
    apigw.on(GetDomainNameCommand).resolves(domainAfterCall);
    const outcome = await handler(eventBridge(updateDomainName()));

    expect(apigw).toHaveReceivedCommandTimes(GetDomainNameCommand, 1);
    expect(apigw).toHaveReceivedCommandWith(GetDomainNameCommand, { domainName: DOMAIN });
    const request = {
      version: 1,
      correlationId: "5a1e0b7c-3d2f-4e6a-9b8c-7d6e5f4a3b2c",
      policyId: "apigateway-domain-tls-1-2",
      mode: "approve",
      resource: {
        type: "AWS::ApiGateway::DomainName",
        id: DOMAIN,
        region: REGION,
        accountId: ACCOUNT,
        arn: `arn:aws:apigateway:${REGION}::/domainnames/${DOMAIN}`,
      },
      evaluation: {
        compliance: "NON_COMPLIANT",
        annotation:
          'securityPolicy: must be TLS_1_2 or an enhanced SecurityPolicy_TLS12_*/SecurityPolicy_TLS13_* policy; TLS_1_0 still accepts TLS 1.0 and 1.1 (is "TLS_1_0")',
      },
      cause: {
        eventName: "UpdateDomainName",
        eventTime: "2026-11-03T11:59:58Z",
        principal: "arn:aws:sts::012345678901:assumed-role/c7nbot/HarishAchappa",
        sourceIPAddress: "203.0.113.41",
        console: false,
      },
      detectedAt: NOW,
    };
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input).toEqual({
      TopicArn: TOPIC,
      Subject: `Guardrail approve: apigateway-domain-tls-1-2 on ${DOMAIN}`,
      Message: JSON.stringify(request),
      MessageAttributes: attributes("remediation-request", request.correlationId, "apigateway-domain-tls-1-2"),
    });
    expect(outcome).toEqual({ correlationId: request.correlationId, described: 1, gone: 0, alerts: 0, requests: 1 });
    // Every log line of the invocation carries the correlation id.
    expect(logLines().length).toBeGreaterThan(0);
    for (const l of logLines()) expect(l.correlation_id).toBe(request.correlationId);
  });

  it("the same call from the console also alerts (production API Gateway changes go through the pipeline)", async () => {
    apigw.on(GetDomainNameCommand).resolves(domainAfterCall);
    const outcome = await handler(eventBridge(updateDomainName({ sessionCredentialFromConsole: "true" })));
    const published = sns.commandCalls(PublishCommand).map((c) => c.args[0].input.MessageAttributes?.kind?.StringValue);
    expect(published).toEqual(["alert", "remediation-request"]);
    expect(outcome).toMatchObject({ alerts: 1, requests: 1 });
  });

  it("a StopLogging call is an alert at once", async () => {
    const stop = record("cloudtrail.amazonaws.com", "StopLogging", {
      name: `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/management-events`,
    });
    const outcome = await handler(eventBridge(stop, "aws.cloudtrail"));

    expect(apigw.calls()).toHaveLength(0);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input?.Subject).toBe("Guardrail alert (critical): Nobody stops or deletes a CloudTrail trail");
    expect(input?.MessageAttributes).toEqual(attributes("alert", stop.eventID as string, "cloudtrail-no-stop-logging"));
    expect(JSON.parse(input?.Message ?? "")).toMatchObject({
      type: "guardrail.detection.alert",
      policyId: "cloudtrail-no-stop-logging",
      severity: "critical",
      evaluation: { compliance: "NON_COMPLIANT" },
      call: { eventSource: "cloudtrail.amazonaws.com", eventName: "StopLogging", eventID: stop.eventID },
      cause: { principal: "arn:aws:sts::012345678901:assumed-role/c7nbot/HarishAchappa", console: false },
      resources: [{ type: "AWS::CloudTrail::Trail", id: "management-events" }],
      detectedAt: NOW,
    });
    expect(outcome).toMatchObject({ alerts: 1, requests: 0 });
  });

  it("the remediation role's own call: nothing described, nothing published", async () => {
    const own = updateDomainName();
    (own.userIdentity as { sessionContext: { sessionIssuer: { arn: string } } }).sessionContext.sessionIssuer.arn =
      ROLE;
    const outcome = await handler(eventBridge(own));
    expect(apigw.calls()).toHaveLength(0);
    expect(sns.calls()).toHaveLength(0);
    expect(outcome).toMatchObject({ ignored: "remediation-role", described: 0, alerts: 0, requests: 0 });
    expect(logLines().map((l) => l.message)).toContain("event ignored: remediation-role");
  });

  it("a domain deleted since the call: nothing to judge, nothing published", async () => {
    apigw
      .on(GetDomainNameCommand)
      .rejects(new NotFoundException({ message: "Invalid domain name identifier specified", $metadata: {} }));
    const outcome = await handler(eventBridge(updateDomainName()));
    expect(sns.calls()).toHaveLength(0);
    expect(outcome).toMatchObject({ described: 0, gone: 1, requests: 0 });
    expect(logLines().map((l) => l.message)).toContain("resource no longer exists; nothing to judge");
  });

  it("a Config Rules Compliance Change to NON_COMPLIANT becomes a request", async () => {
    const queueUrl = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/orders`;
    const event = {
      version: "0",
      id: "3f1c9a2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b",
      "detail-type": "Config Rules Compliance Change",
      source: "aws.config",
      account: ACCOUNT,
      time: "2026-11-03T12:00:00Z",
      region: REGION,
      resources: [],
      detail: {
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
      },
    };
    const outcome = await handler(event);
    const request = {
      version: 1,
      correlationId: "3f1c9a2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b",
      policyId: "sqs-queue-encrypted",
      mode: "auto",
      resource: { type: "AWS::SQS::Queue", id: queueUrl, region: REGION, accountId: ACCOUNT },
      evaluation: { compliance: "NON_COMPLIANT", annotation: "SSE disabled" },
      cause: { configRuleName: "guardrail-sqs-queue-encrypted-prod" },
      detectedAt: NOW,
    };
    expect(sns.commandCalls(PublishCommand).map((c) => c.args[0].input)).toEqual([
      {
        TopicArn: TOPIC,
        Subject: `Guardrail auto: sqs-queue-encrypted on ${queueUrl}`,
        Message: JSON.stringify(request),
        MessageAttributes: attributes("remediation-request", request.correlationId, "sqs-queue-encrypted"),
      },
    ]);
    expect(outcome).toMatchObject({ correlationId: request.correlationId, requests: 1 });
  });

  it("a malformed event throws with a clear message, logged, and publishes nothing", async () => {
    const broken = eventBridge({ ...updateDomainName(), eventName: 42 });
    await expect(handler(broken)).rejects.toThrow(DetectInputError);
    await expect(handler(broken)).rejects.toThrow(
      "EventBridge event 0d6c7a9e-1f2b-4c3d-8e4f-5a6b7c8d9e0f (AWS API Call via CloudTrail): detail.eventName: Invalid input: expected string, received number",
    );
    expect(sns.calls()).toHaveLength(0);
    const failed = logLines().find((l) => l.message === "invocation failed");
    expect(failed).toMatchObject({ level: "ERROR", correlation_id: "5a1e0b7c-3d2f-4e6a-9b8c-7d6e5f4a3b2c" });
  });

  it("refuses to run without REMEDIATION_TOPIC_ARN", async () => {
    delete process.env.REMEDIATION_TOPIC_ARN;
    await expect(handler(eventBridge(updateDomainName()))).rejects.toThrow("REMEDIATION_TOPIC_ARN is not set");
    expect(apigw.calls()).toHaveLength(0);
  });
});
