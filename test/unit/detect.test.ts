import {
  detectCloudTrail,
  detectComplianceChange,
  judgeResources,
  policiesTriggeredBy,
  policyForRule,
  resourcesChangedBy,
  type DetectOptions,
} from "../../lib/detect/detect";
import { DetectInputError, parseDetectEvent, type ComplianceChangeEvent } from "../../lib/detect/event";
import { ALERT_TYPE, alertMessage, requestMessage, type RemediationRequest } from "../../lib/detect/request";
import { loadPack } from "../../lib/pack";
import { resourceFromConfigItem } from "../../lib/resources/adapter";
import { toConfigItem } from "../../lib/resources/config-item";
import { resourceAdapters } from "../../lib/resources/registry";
import { adapter as domainNameAdapter } from "../../lib/resources/types/aws-apigateway-domainname";
import { adapter as stageAdapter } from "../../lib/resources/types/aws-apigateway-stage";
import type { JsonObject } from "../../lib/util/json";
import { recorded } from "../helpers/recorded";

/*
 * Records: the recorded CloudTrail record of an API Gateway CreateStage
 * (test/fixtures/aws-recorded/eventbridge-cloudtrail-apigateway-create-stage.json, the `detail` of an EventBridge
 * "AWS API Call via CloudTrail" event) is used as it is. The other records are BUILT BY COPYING THAT RECORDED
 * RECORD'S SHAPE (same userIdentity, eventVersion, eventType, readOnly, recipientAccountId, ...) and replacing
 * eventSource, eventName, requestParameters and responseElements with the call's own (parameter names from the API
 * models; where a service puts a parameter in CloudTrail is INFERRED for those, see lib/cloudtrail/record.ts). The
 * Config Rules Compliance Change event's `detail` has the fields of AWS Config Developer Guide, "Example Compliance
 * Change Notification".
 */

const RECORDED = recorded<JsonObject>("eventbridge-cloudtrail-apigateway-create-stage.json");
const ACCOUNT = "012345678901"; // the recorded record's account
const REGION = "us-east-1";

function shapedLike(
  eventSource: string,
  eventName: string,
  requestParameters: JsonObject | null,
  responseElements: JsonObject | null = null,
  extra: JsonObject = {},
): JsonObject {
  return {
    ...structuredClone(RECORDED),
    eventSource,
    eventName,
    requestParameters,
    responseElements,
    eventID: `${eventName.toLowerCase().slice(0, 8).padEnd(8, "0")}-1111-4222-8333-444455556666`,
    ...extra,
  };
}

const adapters = [...resourceAdapters().values()];
const pack = loadPack({ now: "2026-11-03T12:00:00.000Z" });
const NOW = new Date("2026-11-03T12:00:05.000Z");
const opts: DetectOptions = {
  engine: pack.engine,
  adapters,
  remediationRoleArn: `arn:aws:iam::${ACCOUNT}:role/guardrail-remediation`,
  now: NOW,
};

const changed = (record: JsonObject) => resourcesChangedBy(record, adapters);

describe("fromCloudTrail: which resources a record changed", () => {
  it("the recorded CreateStage names its stage by ARN, as Config does", () => {
    expect(changed(RECORDED)).toEqual([
      {
        type: "AWS::ApiGateway::Stage",
        id: "arn:aws:apigateway:us-east-1::/restapis/abcdef74gh/stages/latest",
        region: REGION,
        accountId: ACCOUNT,
        arn: "arn:aws:apigateway:us-east-1::/restapis/abcdef74gh/stages/latest",
      },
    ]);
    expect(stageAdapter.fromCloudTrail?.(RECORDED)).toHaveLength(1);
  });

  it("UpdateStage and CreateDeployment with a stage name the stage; WAF association names it by ARN", () => {
    const stageArn = "arn:aws:apigateway:us-east-1::/restapis/abcdef74gh/stages/prod";
    const update = shapedLike("apigateway.amazonaws.com", "UpdateStage", {
      restApiId: "abcdef74gh",
      stageName: "prod",
      updateStageInput: { patchOperations: [{ op: "replace", path: "/tracingEnabled", value: "false" }] },
      template: false,
    });
    const deploy = shapedLike("apigateway.amazonaws.com", "CreateDeployment", {
      restApiId: "abcdef74gh",
      createDeploymentInput: { stageName: "prod" },
      template: false,
    });
    const waf = shapedLike("wafv2.amazonaws.com", "AssociateWebACL", {
      webACLArn: `arn:aws:wafv2:us-east-1:${ACCOUNT}:regional/webacl/orders/1f2e3d4c`,
      resourceArn: stageArn,
    });
    for (const r of [update, deploy, waf]) expect(changed(r).map((x) => x.id)).toEqual([stageArn]);
    const noStage = shapedLike("apigateway.amazonaws.com", "CreateDeployment", { restApiId: "abcdef74gh" });
    expect(changed(noStage)).toEqual([]);
  });

  it("UpdateDomainName names the domain", () => {
    const record = shapedLike("apigateway.amazonaws.com", "UpdateDomainName", {
      domainName: "partners.api.example.com",
      updateDomainNameInput: { patchOperations: [{ op: "replace", path: "/securityPolicy", value: "TLS_1_0" }] },
      template: false,
    });
    expect(domainNameAdapter.fromCloudTrail?.(record)).toEqual([
      {
        type: "AWS::ApiGateway::DomainName",
        id: "partners.api.example.com",
        region: REGION,
        accountId: ACCOUNT,
        arn: "arn:aws:apigateway:us-east-1::/domainnames/partners.api.example.com",
      },
    ]);
    const create = shapedLike("apigateway.amazonaws.com", "CreateDomainName", {
      createDomainNameInput: { domainName: "new.api.example.com", securityPolicy: "TLS_1_2" },
    });
    expect(changed(create).map((r) => r.id)).toEqual(["new.api.example.com"]);
  });

  it("REST API calls name the API: CreateRestApi by its answer, UpdateRestApi by restApiId", () => {
    const create = shapedLike(
      "apigateway.amazonaws.com",
      "CreateRestApi",
      { createRestApiInput: { name: "orders" } },
      { id: "k7x2p9q4zt", name: "orders" },
    );
    const update = shapedLike("apigateway.amazonaws.com", "UpdateRestApi", {
      restApiId: "k7x2p9q4zt",
      updateRestApiInput: {},
    });
    for (const r of [create, update]) {
      expect(changed(r)).toEqual([
        {
          type: "AWS::ApiGateway::RestApi",
          id: "k7x2p9q4zt",
          region: REGION,
          accountId: ACCOUNT,
          arn: "arn:aws:apigateway:us-east-1::/restapis/k7x2p9q4zt",
        },
      ]);
    }
  });

  it("PutIntegration names the method by its ARN", () => {
    const record = shapedLike("apigateway.amazonaws.com", "PutIntegration", {
      restApiId: "k7x2p9q4zt",
      resourceId: "3f9ab1",
      httpMethod: "GET",
      putIntegrationInput: { type: "HTTP_PROXY", uri: "http://orders.internal.example.com/" },
    });
    expect(changed(record).map((r) => r.id)).toEqual([
      "arn:aws:apigateway:us-east-1::/restapis/k7x2p9q4zt/resources/3f9ab1/methods/GET",
    ]);
  });

  it("SetQueueAttributes names the queue by Config's URL form, whatever form the caller used", () => {
    const expected = {
      type: "AWS::SQS::Queue",
      id: `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/orders`,
      region: REGION,
      accountId: ACCOUNT,
      arn: `arn:aws:sqs:us-east-1:${ACCOUNT}:orders`,
    };
    for (const url of [
      `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/orders`,
      `https://queue.amazonaws.com/${ACCOUNT}/orders`,
      `https://us-east-1.queue.amazonaws.com/${ACCOUNT}/orders`,
    ]) {
      const record = shapedLike("sqs.amazonaws.com", "SetQueueAttributes", {
        queueUrl: url,
        attributes: { SqsManagedSseEnabled: "false" },
      });
      expect(changed(record)).toEqual([expected]);
    }
    const create = shapedLike(
      "sqs.amazonaws.com",
      "CreateQueue",
      { queueName: "orders" },
      { queueUrl: `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/orders` },
    );
    expect(changed(create)).toEqual([expected]);
  });

  it("PutBucketPolicy names the bucket", () => {
    const record = shapedLike("s3.amazonaws.com", "PutBucketPolicy", {
      bucketName: "acme-orders-archive",
      Host: "acme-orders-archive.s3.amazonaws.com",
      bucketPolicy: { Version: "2012-10-17", Statement: [] },
      policy: "",
    });
    expect(changed(record)).toEqual([
      {
        type: "AWS::S3::Bucket",
        id: "acme-orders-archive",
        region: REGION,
        accountId: ACCOUNT,
        arn: "arn:aws:s3:::acme-orders-archive",
      },
    ]);
  });

  it("UpdateFunctionConfiguration20150331v2 names the unqualified function, by name or ARN", () => {
    const expected = {
      type: "AWS::Lambda::Function",
      id: "orders-api",
      region: REGION,
      accountId: ACCOUNT,
      arn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:orders-api`,
    };
    for (const functionName of [
      "orders-api",
      `arn:aws:lambda:us-east-1:${ACCOUNT}:function:orders-api`,
      `${ACCOUNT}:function:orders-api`,
    ]) {
      const record = shapedLike(
        "lambda.amazonaws.com",
        "UpdateFunctionConfiguration20150331v2",
        { functionName, tracingConfig: { mode: "PassThrough" } },
        { functionName: "orders-api", functionArn: expected.arn, tracingConfig: { mode: "PassThrough" } },
      );
      expect(changed(record)).toEqual([expected]);
    }
    const permission = shapedLike("lambda.amazonaws.com", "AddPermission20150331v2", {
      functionName: "orders-api:live",
      statementId: "s3",
      principal: "*",
    });
    expect(changed(permission).map((r) => r.id)).toEqual(["orders-api"]);
  });

  it("SNS, DynamoDB and CloudTrail calls name their topic, table and trail (ARN Region and account win)", () => {
    const topicArn = `arn:aws:sns:eu-west-1:${ACCOUNT}:orders-events`;
    const topic = shapedLike("sns.amazonaws.com", "SetTopicAttributes", {
      topicArn,
      attributeName: "KmsMasterKeyId",
      attributeValue: "",
    });
    expect(changed(topic)).toEqual([
      { type: "AWS::SNS::Topic", id: topicArn, region: "eu-west-1", accountId: ACCOUNT, arn: topicArn },
    ]);
    const table = shapedLike("dynamodb.amazonaws.com", "UpdateContinuousBackups", {
      tableName: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders`,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: false },
    });
    expect(changed(table).map((r) => [r.type, r.id])).toEqual([["AWS::DynamoDB::Table", "orders"]]);
    const trail = shapedLike("cloudtrail.amazonaws.com", "StopLogging", {
      name: `arn:aws:cloudtrail:eu-central-1:${ACCOUNT}:trail/management-events`,
    });
    expect(changed(trail)).toEqual([
      {
        type: "AWS::CloudTrail::Trail",
        id: "management-events",
        region: "eu-central-1",
        accountId: ACCOUNT,
        arn: `arn:aws:cloudtrail:eu-central-1:${ACCOUNT}:trail/management-events`,
      },
    ]);
  });

  it("names each resource once, in the adapters' order, whoever names it and however often", () => {
    // Two adapters of the same type over the recorded CreateStage: the stage adapter's ref, then a second one
    // (named twice by the extra adapter), then the stage again: kept once each.
    const [stage] = changed(RECORDED);
    if (!stage) throw new Error("the recorded CreateStage names its stage");
    const other = { ...stage, id: `${stage.id}-other` };
    const extra = { ...stageAdapter, fromCloudTrail: () => [other, stage, other] };
    expect(resourcesChangedBy(RECORDED, [stageAdapter, extra, stageAdapter])).toEqual([stage, other]);
    // A ref of another type than its adapter's is not the adapter's to name.
    const stray = { ...stageAdapter, fromCloudTrail: () => [{ ...stage, type: "AWS::SQS::Queue" }] };
    expect(resourcesChangedBy(RECORDED, [stray])).toEqual([]);
  });

  it("names nothing for calls no adapter knows, or without the parameter it needs", () => {
    expect(changed(shapedLike("ec2.amazonaws.com", "RunInstances", { instanceType: "t3.micro" }))).toEqual([]);
    expect(changed(shapedLike("sqs.amazonaws.com", "SetQueueAttributes", null))).toEqual([]);
    expect(changed(shapedLike("s3.amazonaws.com", "GetBucketPolicy", { bucketName: "acme-orders-archive" }))).toEqual(
      [],
    );
  });
});

describe("detectCloudTrail", () => {
  it("the recorded CreateStage: re-judge its stage with the stage policies CreateStage triggers", () => {
    const d = detectCloudTrail(RECORDED, opts);
    expect(d.ignored).toBeUndefined();
    expect(d.correlationId).toBe("62a841f9-7601-4345-9181-dd5f31ec75ab");
    expect(d.cause).toEqual({
      eventName: "CreateStage",
      eventTime: "2022-07-11T19:37:49Z",
      principal: "arn:aws:sts::012345678901:assumed-role/c7nbot/HarishAchappa",
      sourceIPAddress: "AWS Internal",
      console: true, // sessionCredentialFromConsole "true"
    });
    expect(d.policies.map((p) => p.policy.id)).toEqual([
      "apigateway-stage-access-logging",
      "apigateway-stage-cache-encrypted",
      "apigateway-stage-data-trace-off",
      "apigateway-stage-execution-logging",
      "apigateway-stage-waf",
      "apigateway-stage-xray-tracing",
      // HTTP API stages' policies trigger on the same event name; the REST record names no v2 stage (no apiId).
      "apigatewayv2-stage-access-logging",
      "apigatewayv2-stage-throttling",
    ]);
    expect(d.resources.map((r) => r.id)).toEqual(["arn:aws:apigateway:us-east-1::/restapis/abcdef74gh/stages/latest"]);
    // "latest" is not a production stage: the console rule does not apply, nothing to alert.
    expect(d.alerts).toEqual([]);
  });

  it("ignores the remediation role's own calls entirely", () => {
    const own = shapedLike("apigateway.amazonaws.com", "UpdateStage", { restApiId: "abcdef74gh", stageName: "prod" });
    const identity = own.userIdentity as { sessionContext: { sessionIssuer: { arn: string } } };
    identity.sessionContext.sessionIssuer.arn = `arn:aws:iam::${ACCOUNT}:role/guardrail-remediation`;
    const d = detectCloudTrail(own, opts);
    expect(d).toMatchObject({
      ignored: "remediation-role",
      recordEvaluations: [],
      alerts: [],
      policies: [],
      resources: [],
    });
    // Without the setting, the same call is judged.
    expect(detectCloudTrail(own, { ...opts, remediationRoleArn: undefined }).resources).toHaveLength(1);
  });

  it("ignores failed calls", () => {
    const failed = shapedLike("cloudtrail.amazonaws.com", "StopLogging", { name: "management-events" }, null, {
      errorCode: "AccessDenied",
      errorMessage: "not authorized",
    });
    expect(detectCloudTrail(failed, opts)).toMatchObject({ ignored: "failed-call", alerts: [], resources: [] });
  });

  it("StopLogging is an alert at once, naming the call, the principal and the trail", () => {
    const stop = shapedLike(
      "cloudtrail.amazonaws.com",
      "StopLogging",
      { name: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/management-events` },
      null,
      {
        sessionCredentialFromConsole: undefined,
        sourceIPAddress: "198.51.100.24",
      },
    );
    const d = detectCloudTrail(stop, opts);
    expect(d.resources).toEqual([]); // no trail policy is triggered by StopLogging
    expect(d.alerts).toEqual([
      {
        type: ALERT_TYPE,
        version: 1,
        correlationId: stop.eventID,
        policyId: "cloudtrail-no-stop-logging",
        title: "Nobody stops or deletes a CloudTrail trail",
        severity: "critical",
        evaluation: {
          compliance: "NON_COMPLIANT",
          annotation:
            'StopLogging by arn:aws:sts::012345678901:assumed-role/c7nbot/HarishAchappa: eventName: stops or deletes a trail, so API activity is no longer recorded (is "StopLogging")',
        },
        call: {
          eventSource: "cloudtrail.amazonaws.com",
          eventName: "StopLogging",
          eventID: stop.eventID,
          awsRegion: REGION,
          accountId: ACCOUNT,
        },
        cause: {
          eventName: "StopLogging",
          eventTime: "2022-07-11T19:37:49Z",
          principal: "arn:aws:sts::012345678901:assumed-role/c7nbot/HarishAchappa",
          sourceIPAddress: "198.51.100.24",
          console: false,
        },
        resources: [
          {
            type: "AWS::CloudTrail::Trail",
            id: "management-events",
            region: REGION,
            accountId: ACCOUNT,
            arn: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/management-events`,
          },
        ],
        detectedAt: "2026-11-03T12:00:05.000Z",
      },
    ]);
  });

  it("judges the described resources with the triggered policies only; each violation is a request", () => {
    const update = shapedLike("apigateway.amazonaws.com", "UpdateStage", {
      restApiId: "abcdef74gh",
      stageName: "latest",
    });
    const d = detectCloudTrail(update, opts);
    const stageArn = "arn:aws:apigateway:us-east-1::/restapis/abcdef74gh/stages/latest";
    // The stage as described now: the recorded CreateStage's answer (no logging, no tracing, no WAF, no access log).
    const resource = resourceFromConfigItem(
      stageAdapter,
      toConfigItem({
        resourceType: stageAdapter.type,
        resourceId: stageArn,
        awsAccountId: ACCOUNT,
        awsRegion: REGION,
        configuration: {
          stageName: "latest",
          deploymentId: "r2pi2v",
          cacheClusterEnabled: false,
          tracingEnabled: false,
          methodSettings: {},
        },
      }),
    );
    const { evaluations, requests } = judgeResources(d, [resource], opts);
    expect(evaluations.map((e) => [e.policyId, e.compliance])).toEqual([
      ["apigateway-stage-access-logging", "NON_COMPLIANT"],
      ["apigateway-stage-cache-encrypted", "COMPLIANT"],
      ["apigateway-stage-data-trace-off", "COMPLIANT"],
      ["apigateway-stage-execution-logging", "NON_COMPLIANT"],
      ["apigateway-stage-waf", "NON_COMPLIANT"],
      ["apigateway-stage-xray-tracing", "NON_COMPLIANT"],
    ]);
    expect(requests.map((r) => [r.policyId, r.mode])).toEqual([
      ["apigateway-stage-access-logging", "notify"],
      ["apigateway-stage-execution-logging", "auto"],
      ["apigateway-stage-waf", "notify"],
      ["apigateway-stage-xray-tracing", "auto"],
    ]);
    const xray = requests[3] as RemediationRequest;
    expect(xray).toEqual({
      version: 1,
      correlationId: update.eventID,
      policyId: "apigateway-stage-xray-tracing",
      mode: "auto",
      resource: { type: "AWS::ApiGateway::Stage", id: stageArn, region: REGION, accountId: ACCOUNT },
      evaluation: { compliance: "NON_COMPLIANT", annotation: xray.evaluation.annotation },
      cause: d.cause,
      detectedAt: "2026-11-03T12:00:05.000Z",
    });
    expect(xray.evaluation.annotation).toContain("tracingEnabled");
    expect(JSON.parse(JSON.stringify(xray))).toEqual(xray); // JSON-serialisable as it is
  });

  it("knows which resource policies a call triggers", () => {
    const ids = (source: string, name: string) =>
      policiesTriggeredBy(pack.engine, source, name).map((p) => p.policy.id);
    expect(ids("apigateway.amazonaws.com", "UpdateDomainName")).toEqual([
      "apigateway-domain-tls-1-2",
      "apigatewayv2-domain-tls-1-2",
    ]);
    expect(ids("lambda.amazonaws.com", "UpdateFunctionConfiguration20150331v2")).toEqual([
      "lambda-function-supported-runtime",
      "lambda-function-xray-tracing",
    ]);
    expect(ids("cloudtrail.amazonaws.com", "StopLogging")).toEqual([]); // CloudTrail-subject policies alert instead
  });
});

describe("Config Rules Compliance Change", () => {
  const QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/111122223333/orders";
  function complianceEvent(
    complianceType: string,
    configRuleName = "guardrail-sqs-queue-encrypted-prod",
  ): ComplianceChangeEvent {
    const parsed = parseDetectEvent({
      version: "0",
      id: "3f1c9a2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b",
      "detail-type": "Config Rules Compliance Change",
      source: "aws.config",
      account: "111122223333",
      time: "2026-11-03T12:00:00Z",
      region: "us-east-1",
      resources: [],
      detail: {
        resourceId: QUEUE_URL,
        awsRegion: "us-east-1",
        awsAccountId: "111122223333",
        configRuleName,
        recordVersion: "1.0",
        configRuleARN: "arn:aws:config:us-east-1:111122223333:config-rule/config-rule-abc123",
        messageType: "ComplianceChangeNotification",
        notificationCreationTime: "2026-11-03T11:59:58.120Z",
        resourceType: "AWS::SQS::Queue",
        newEvaluationResult: {
          evaluationResultIdentifier: {
            evaluationResultQualifier: { configRuleName, resourceType: "AWS::SQS::Queue", resourceId: QUEUE_URL },
            orderingTimestamp: "2026-11-03T11:59:40.000Z",
          },
          complianceType,
          resultRecordedTime: "2026-11-03T11:59:57.900Z",
          configRuleInvokedTime: "2026-11-03T11:59:57.100Z",
          annotation: "SqsManagedSseEnabled: must be true (or KmsMasterKeyId set)",
          resultToken: null,
        },
        oldEvaluationResult: { complianceType: "COMPLIANT" },
      },
    });
    if (parsed.kind !== "config-compliance") throw new Error("not parsed as a compliance change");
    return parsed;
  }

  it("NON_COMPLIANT becomes a request, correlated by the event id", () => {
    const d = detectComplianceChange(complianceEvent("NON_COMPLIANT"), opts);
    expect(d.request).toEqual({
      version: 1,
      correlationId: "3f1c9a2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b",
      policyId: "sqs-queue-encrypted",
      mode: "auto",
      resource: { type: "AWS::SQS::Queue", id: QUEUE_URL, region: "us-east-1", accountId: "111122223333" },
      evaluation: {
        compliance: "NON_COMPLIANT",
        annotation: "SqsManagedSseEnabled: must be true (or KmsMasterKeyId set)",
      },
      cause: { configRuleName: "guardrail-sqs-queue-encrypted-prod" },
      detectedAt: "2026-11-03T12:00:05.000Z",
    });
  });

  it("anything else, and rules that are not Guardrail's, are ignored", () => {
    expect(detectComplianceChange(complianceEvent("COMPLIANT"), opts)).toMatchObject({
      ignored: "not-non-compliant",
      policyId: "sqs-queue-encrypted",
    });
    expect(detectComplianceChange(complianceEvent("NON_COMPLIANT", "securityhub-sqs-encrypted-x1"), opts)).toEqual({
      correlationId: "3f1c9a2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b",
      configRuleName: "securityhub-sqs-encrypted-x1",
      ignored: "not-a-guardrail-rule",
    });
  });

  it("finds the policy by rule name: the id as a whole hyphen-bounded run, the longest that fits", () => {
    const id = (name: string) => policyForRule(name, pack.policies)?.policy.id;
    expect(id("sqs-queue-encrypted")).toBe("sqs-queue-encrypted");
    expect(id("guardrail-sqs-queue-encrypted-prod")).toBe("sqs-queue-encrypted"); // deploy/config-rules.js naming
    expect(id("guardrail-apigateway-restapi-tls-1-2-dev")).toBe("apigateway-restapi-tls-1-2");
    expect(id("guardrail-dev-apigateway-restapi-tls-1-2")).toBe("apigateway-restapi-tls-1-2");
    expect(id("xsqs-queue-encrypted")).toBeUndefined();
    expect(id("guardrail-sqs-queue-encryptedx-prod")).toBeUndefined();
  });
});

describe("parseDetectEvent", () => {
  const envelope = {
    version: "0",
    id: "ev-1",
    source: "aws.apigateway",
    account: ACCOUNT,
    time: "2022-07-11T19:37:49Z",
    region: REGION,
    resources: [],
  };

  it("takes the EventBridge envelope around a CloudTrail record, keeping every field of the record", () => {
    const parsed = parseDetectEvent({ ...envelope, "detail-type": "AWS API Call via CloudTrail", detail: RECORDED });
    expect(parsed).toEqual({
      kind: "cloudtrail",
      id: "ev-1",
      detailType: "AWS API Call via CloudTrail",
      record: RECORDED,
    });
  });

  it("names what is wrong with a malformed event", () => {
    const bad: [unknown, string][] = [
      ["not an event", "not an EventBridge event: (event): Invalid input: expected object, received string"],
      [{ ...envelope, "detail-type": "AWS API Call via CloudTrail" }, "not an EventBridge event"],
      [
        { ...envelope, "detail-type": "AWS API Call via CloudTrail", detail: { ...RECORDED, eventID: undefined } },
        "EventBridge event ev-1 (AWS API Call via CloudTrail): detail.eventID: Invalid input: expected string, received undefined",
      ],
      [
        {
          ...envelope,
          "detail-type": "Config Rules Compliance Change",
          detail: { messageType: "ComplianceChangeNotification" },
        },
        "EventBridge event ev-1 (Config Rules Compliance Change): detail.configRuleName",
      ],
      [
        { ...envelope, "detail-type": "EC2 Instance State-change Notification", detail: {} },
        'EventBridge event ev-1: unsupported detail-type "EC2 Instance State-change Notification"',
      ],
      // Hostile envelopes and records: an empty region or source, an eventTime that is not a time.
      [
        { ...envelope, region: "", "detail-type": "AWS API Call via CloudTrail", detail: RECORDED },
        "EventBridge event ev-1: region: must not be empty",
      ],
      [
        { ...envelope, source: "", "detail-type": "AWS API Call via CloudTrail", detail: RECORDED },
        "EventBridge event ev-1: source: must not be empty",
      ],
      [
        {
          ...envelope,
          "detail-type": "AWS API Call via CloudTrail",
          detail: { ...RECORDED, eventTime: "yesterday, around noon" },
        },
        "EventBridge event ev-1 (AWS API Call via CloudTrail): detail.eventTime: Invalid ISO datetime",
      ],
    ];
    for (const [event, message] of bad) {
      expect(() => parseDetectEvent(event)).toThrow(DetectInputError);
      expect(() => parseDetectEvent(event)).toThrow(message);
    }
  });
});

describe("topic messages", () => {
  it("carry the correlation id and kind as attributes, and a short ASCII subject", () => {
    const request: RemediationRequest = {
      version: 1,
      correlationId: "c-1",
      policyId: "sqs-queue-encrypted",
      mode: "auto",
      resource: {
        type: "AWS::SQS::Queue",
        id: `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/${"q".repeat(80)}`,
        region: REGION,
        accountId: ACCOUNT,
      },
      evaluation: { compliance: "NON_COMPLIANT" },
      cause: { configRuleName: "sqs-queue-encrypted" },
      detectedAt: "2026-11-03T12:00:05.000Z",
    };
    const m = requestMessage(request);
    expect(m.body).toBe(JSON.stringify(request));
    expect(m.attributes).toEqual({
      correlationId: "c-1",
      kind: "remediation-request",
      guardrail_message: "remediation-request",
      policyId: "sqs-queue-encrypted",
    });
    expect(m.subject.length).toBeLessThanOrEqual(100);
    expect(m.subject).toMatch(/^Guardrail auto: sqs-queue-encrypted on https:.*\.\.\.$/);

    const stop = shapedLike("cloudtrail.amazonaws.com", "StopLogging", { name: "management-events" });
    const [alert] = detectCloudTrail(stop, opts).alerts;
    if (!alert) throw new Error("no alert");
    const a = alertMessage(alert);
    expect(a.attributes.kind).toBe("alert");
    expect(a.subject).toBe("Guardrail alert (critical): Nobody stops or deletes a CloudTrail trail");
  });
});
