import { readdirSync } from "node:fs";
import { basename, join } from "node:path";
import {
  APIGatewayClient,
  CreateDeploymentCommand,
  UpdateDomainNameCommand,
  UpdateRestApiCommand,
  UpdateStageCommand,
} from "@aws-sdk/client-api-gateway";
import { DynamoDBClient, UpdateContinuousBackupsCommand } from "@aws-sdk/client-dynamodb";
import { LambdaClient, UpdateFunctionConfigurationCommand } from "@aws-sdk/client-lambda";
import {
  DeleteBucketPolicyCommand,
  DeletePublicAccessBlockCommand,
  PutBucketEncryptionCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { SetTopicAttributesCommand, SNSClient } from "@aws-sdk/client-sns";
import { SetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-jest";
import { resetClients } from "../../lib/aws/clients";
import { Engine } from "../../lib/engine/evaluate";
import { loadPolicies } from "../../lib/policy/load";
import { resourceTypesOf, type PolicyFile } from "../../lib/policy/types";
import { methodSettingPathKey } from "../../lib/remediation/apigateway";
import { executorCommands, execute } from "../../lib/remediation/executor";
import { planRemediation } from "../../lib/remediation/planning/plan";
import { actionFor, remediationActions, requireAction } from "../../lib/remediation/planning/registry";
import { PlanError, type AwsCall, type AwsService, type RemediationParams } from "../../lib/remediation/types";
import { resourceFromConfigItem, type Resource } from "../../lib/resources/adapter";
import { normalisePolicyDocument } from "../../lib/resources/coerce";
import { toConfigItem } from "../../lib/resources/config-item";
import { camelKey } from "../../lib/resources/described";
import { adapterFor } from "../../lib/resources/registry";
import type { JsonObject } from "../../lib/util/json";
import { recorded } from "../helpers/recorded";

const ACCT = "111122223333";
const REGION = "eu-west-1";

// ---- building resources the way every source does: raw Config item -> toConfigItem -> adapter ------------------

/** A configuration item in invocation naming (Lambda rule events, EventBridge, snapshot files). */
function configItem(
  resourceType: string,
  resourceId: string,
  configuration: JsonObject,
  opts: { arn?: string; name?: string; supplementaryConfiguration?: JsonObject; relationships?: JsonObject[] } = {},
): JsonObject {
  return {
    configurationItemVersion: "1.3",
    configurationItemCaptureTime: "2026-11-02T09:14:03.120Z",
    configurationStateId: 1793610843120,
    awsAccountId: ACCT,
    configurationItemStatus: "OK",
    resourceType,
    resourceId,
    resourceName:
      opts.name ??
      resourceId
        .slice(resourceId.lastIndexOf("/") + 1)
        .split(":")
        .pop(),
    ARN: opts.arn ?? resourceId,
    awsRegion: REGION,
    availabilityZone: "Not Applicable",
    configurationStateMd5Hash: "",
    relatedEvents: [],
    relationships: opts.relationships ?? [],
    configuration,
    supplementaryConfiguration: opts.supplementaryConfiguration ?? {},
    tags: {},
  };
}

function resourceOf(raw: unknown): Resource {
  const item = toConfigItem(raw);
  const adapter = adapterFor(item.resourceType);
  if (!adapter) throw new Error(`no adapter for ${item.resourceType}`);
  const resource = resourceFromConfigItem(adapter, item);
  // CloudFront fixes need the ETag of a live describe (GetDistribution), which Config does not record.
  if (item.resourceType === "AWS::CloudFront::Distribution") resource.document.eTag ??= "E2QWRUHEXAMPLE";
  return resource;
}

// ---- the policies, as shipped -------------------------------------------------------------------------------

const loaded = loadPolicies();
const policies: PolicyFile[] = loaded.policies.map((p) => p.policy);
const policy = (id: string): PolicyFile => {
  const p = policies.find((x) => x.id === id);
  if (!p) throw new Error(`no policy ${id}`);
  return p;
};
const planFor = (policyId: string, resource: Resource, runtime: RemediationParams = {}) => {
  const remediation = policy(policyId).remediation;
  if (!remediation) throw new Error(`${policyId} has no remediation`);
  return planRemediation(remediation, resource, runtime).calls;
};

// ---- SDK mocks: every client, every command answers {} unless a test says otherwise ---------------------------

const apigw = mockClient(APIGatewayClient);
const sqs = mockClient(SQSClient);
const sns = mockClient(SNSClient);
const s3 = mockClient(S3Client);
const ddb = mockClient(DynamoDBClient);
const lambda = mockClient(LambdaClient);
/** The same stubs, by service, seen through what every stub has. */
interface Stub {
  reset(): unknown;
  restore(): void;
  onAnyCommand(): { resolves(v: object): unknown };
  calls(): { args: unknown[] }[];
}
const mocks = { apigateway: apigw, sqs, sns, s3, dynamodb: ddb, lambda } as unknown as Record<AwsService, Stub>;

function resetMocks(): void {
  for (const m of Object.values(mocks)) {
    m.reset();
    m.onAnyCommand().resolves({});
  }
}
beforeEach(resetMocks);
afterAll(() => {
  for (const m of Object.values(mocks)) m.restore();
  resetClients();
});

/** Executes the calls against the mocks and checks that exactly those commands, with exactly those inputs, went out. */
async function expectSentExactly(calls: AwsCall[], region = REGION): Promise<void> {
  resetMocks();
  const report = await execute(calls, { region });
  expect(report.ok).toBe(true);
  expect(report.done).toEqual(calls);
  for (const service of Object.keys(mocks) as AwsService[]) {
    const sent = mocks[service].calls().map((c) => c.args[0] as { input: unknown });
    const expected = calls.filter((c) => c.service === service);
    expect(sent).toHaveLength(expected.length);
    const commands = await executorCommands();
    expected.forEach((call, i) => {
      const Command = (commands[service] as Record<string, new (input: unknown) => object>)[call.operation];
      expect(sent[i]).toBeInstanceOf(Command as new (input: unknown) => object);
      expect(sent[i]?.input).toEqual(call.input);
    });
  }
}

// =============================================================================================================

describe("registry and policies", () => {
  it("discovers one action per file, named by its id", () => {
    const files = readdirSync(join(__dirname, "..", "..", "remediations", "actions"))
      .filter((f) => f.endsWith(".ts") && f !== "index.ts")
      .map((f) => basename(f, ".ts"))
      .sort();
    expect([...remediationActions().keys()].sort()).toEqual(files);
  });

  it("has every action id a policy names, and checks each policy's params", () => {
    expect(loaded.problems).toEqual([]);
    const withRemediation = policies.filter((p) => p.remediation);
    expect(withRemediation.length).toBeGreaterThan(20);
    for (const p of withRemediation) {
      const r = p.remediation as NonNullable<PolicyFile["remediation"]>;
      const action = actionFor(r.action);
      expect({ policy: p.id, action: action?.id }).toEqual({ policy: p.id, action: r.action });
      expect({ policy: p.id, problems: action?.checkParams?.(r.params ?? {}) ?? [] }).toEqual({
        policy: p.id,
        problems: [],
      });
    }
  });

  it("never lets an auto or approve policy name a notify-only action, and covers the policy's resource types", () => {
    for (const p of policies.filter((x) => x.remediation)) {
      const r = p.remediation as NonNullable<PolicyFile["remediation"]>;
      const action = requireAction(r.action);
      if (r.mode !== "notify")
        expect({ policy: p.id, notifyOnly: action.notifyOnly === true }).toEqual({ policy: p.id, notifyOnly: false });
      for (const type of resourceTypesOf(p))
        expect({ policy: p.id, types: action.resourceTypes }).toEqual({
          policy: p.id,
          types: expect.arrayContaining([type]),
        });
    }
  });

  it("describes every action; notify-only actions plan nothing", () => {
    for (const a of remediationActions().values()) {
      expect(a.description.length).toBeGreaterThan(60);
      if (a.notifyOnly) expect(a.description).toMatch(/^Notify only\./);
    }
  });

  it("names an unknown action with the closest id", () => {
    expect(() => requireAction("s3-versoning")).toThrow(/did you mean s3-versioning\?/);
  });

  describe.each(
    policies.filter((p) => p.remediation && p.remediation.mode !== "notify").map((p) => [p.id, p] as const),
  )("%s", (_id, p) => {
    const r = p.remediation as NonNullable<PolicyFile["remediation"]>;
    const runtime = requireAction(r.action).needsRedeploy ? { stageNames: ["prod"] } : {};
    const examples = (kind: "compliant" | "noncompliant") =>
      p.examples[kind].filter((e) => e.configurationItem).map((e) => [e.name, e.configurationItem] as const);

    it.each(examples("noncompliant"))("plans a fix for the noncompliant example %s", async (_name, item) => {
      const calls = planRemediation(r, resourceOf(item), runtime).calls;
      expect(calls.length).toBeGreaterThan(0);
      const commands = await executorCommands();
      for (const c of calls) expect(Object.keys(commands[c.service] ?? {})).toContain(c.operation);
    });

    it.each(examples("compliant"))("plans nothing for the compliant example %s", (_name, item) => {
      expect(planRemediation(r, resourceOf(item), runtime).calls).toEqual([]);
    });
  });
});

// =============================================================================================================

describe("API Gateway custom domain TLS (apigateway-domain-security-policy)", () => {
  const domain = (configuration: JsonObject) =>
    resourceOf(
      configItem(
        "AWS::ApiGateway::DomainName",
        "orders.api.example.com",
        {
          DomainName: "orders.api.example.com",
          EndpointConfiguration: { Types: ["REGIONAL"] },
          RegionalCertificateArn: `arn:aws:acm:${REGION}:${ACCT}:certificate/4f0c2a9e-7b1d-4c55-9e3a-2d8f6b1a0c77`,
          Tags: [{ Key: "team", Value: "orders" }],
          ...configuration,
        },
        { arn: `arn:aws:apigateway:${REGION}::/domainnames/orders.api.example.com` },
      ),
    );
  const ID = "apigateway-domain-tls-1-2";

  it("patches /securityPolicy to TLS_1_2 with the document's domainName, and sends exactly that", async () => {
    const calls = planFor(ID, domain({ SecurityPolicy: "TLS_1_0" }));
    expect(calls).toEqual([
      {
        service: "apigateway",
        operation: "UpdateDomainName",
        input: {
          domainName: "orders.api.example.com",
          patchOperations: [{ op: "replace", path: "/securityPolicy", value: "TLS_1_2" }],
        },
      },
    ]);
    await expectSentExactly(calls);
    expect(apigw).toHaveReceivedCommandWith(UpdateDomainNameCommand, {
      domainName: "orders.api.example.com",
      patchOperations: [{ op: "replace", path: "/securityPolicy", value: "TLS_1_2" }],
    });
  });

  it("fixes a domain with no recorded policy, and passes domainNameId for a private domain", () => {
    const calls = planFor(ID, domain({ domainNameId: "abc123" }));
    expect(calls[0]?.input).toEqual({
      domainName: "orders.api.example.com",
      domainNameId: "abc123",
      patchOperations: [{ op: "replace", path: "/securityPolicy", value: "TLS_1_2" }],
    });
  });

  it("leaves TLS_1_2 and enhanced policies alone (never replaces an enhanced policy with a legacy one)", () => {
    expect(planFor(ID, domain({ SecurityPolicy: "TLS_1_2" }))).toEqual([]);
    expect(
      planFor(ID, domain({ SecurityPolicy: "SecurityPolicy_TLS13_1_3_2025_09", EndpointAccessMode: "STRICT" })),
    ).toEqual([]);
  });

  it("sets an enhanced policy with an endpoint access mode (BASIC unless given)", () => {
    const action = requireAction("apigateway-domain-security-policy");
    const enhanced = {
      patchOperations: [{ op: "replace", path: "/securityPolicy", value: "SecurityPolicy_TLS13_1_2_2021_06" }],
    };
    expect(action.plan(domain({ SecurityPolicy: "TLS_1_0" }), enhanced)[0]?.input).toMatchObject({
      patchOperations: [
        { op: "replace", path: "/securityPolicy", value: "SecurityPolicy_TLS13_1_2_2021_06" },
        { op: "replace", path: "/endpointAccessMode", value: "BASIC" },
      ],
    });
    expect(
      action.checkParams?.({ patchOperations: [{ op: "replace", path: "/securityPolicy", value: "TLS_1_0" }] }),
    ).toEqual(["securityPolicy TLS_1_0 is not TLS_1_2 or an enhanced TLS 1.2/1.3 policy"]);
    expect(() =>
      action.plan(domain({}), { patchOperations: [{ op: "replace", path: "/certificateArn", value: "x" }] }),
    ).toThrow(PlanError);
  });

  it("restores the previous policy (absent means TLS_1_0)", async () => {
    const action = requireAction("apigateway-domain-security-policy");
    const after = domain({ SecurityPolicy: "TLS_1_2" });
    const restore = action.restore(domain({ SecurityPolicy: "TLS_1_0" }), after);
    expect(restore).toEqual([
      {
        service: "apigateway",
        operation: "UpdateDomainName",
        input: {
          domainName: "orders.api.example.com",
          patchOperations: [{ op: "replace", path: "/securityPolicy", value: "TLS_1_0" }],
        },
      },
    ]);
    await expectSentExactly(restore);
    expect(action.restore(domain({}), after)[0]?.input).toMatchObject({
      patchOperations: [{ op: "replace", path: "/securityPolicy", value: "TLS_1_0" }],
    });
    expect(action.restore(after, after)).toEqual([]);
  });
});

// =============================================================================================================

const API_ID = "p4w7r2k9sd";
const restApi = (configuration: JsonObject) =>
  resourceOf(
    configItem(
      "AWS::ApiGateway::RestApi",
      API_ID,
      {
        id: API_ID,
        name: "partners-api",
        apiKeySource: "HEADER",
        endpointConfiguration: { types: ["REGIONAL"] },
        rootResourceId: "x9d0f7l2ab",
        ...configuration,
      },
      {
        arn: `arn:aws:apigateway:${REGION}::/restapis/${API_ID}`,
        name: "partners-api",
        relationships: [
          {
            resourceType: "AWS::ApiGateway::DomainName",
            resourceId: "partners.api.example.com",
            resourceName: "partners.api.example.com",
            name: "Is associated with DomainName",
          },
        ],
      },
    ),
  );
const deployment = (stageName: string, actionId: string): AwsCall => ({
  service: "apigateway",
  operation: "CreateDeployment",
  input: {
    restApiId: API_ID,
    stageName,
    description: `guardrail ${actionId}: redeploy so the REST API setting takes effect`,
  },
});

describe("REST API security policy (apigateway-restapi-security-policy)", () => {
  const ACTION = "apigateway-restapi-security-policy";
  const stageNames = ["prod", "staging"];

  it("patches /securityPolicy, then redeploys each stage named in params.stageNames", async () => {
    const calls = planFor("apigateway-restapi-tls-1-2", restApi({ securityPolicy: "TLS_1_0" }), { stageNames });
    expect(calls).toEqual([
      {
        service: "apigateway",
        operation: "UpdateRestApi",
        input: { restApiId: API_ID, patchOperations: [{ op: "replace", path: "/securityPolicy", value: "TLS_1_2" }] },
      },
      deployment("prod", ACTION),
      deployment("staging", ACTION),
    ]);
    await expectSentExactly(calls);
    expect(apigw).toHaveReceivedCommandWith(UpdateRestApiCommand, { restApiId: API_ID });
    expect(apigw).toHaveReceivedCommandTimes(CreateDeploymentCommand, 2);
  });

  it("moves to an enhanced policy and its endpoint access mode in one UpdateRestApi", () => {
    const calls = requireAction(ACTION).plan(restApi({}), {
      patchOperations: [
        { op: "replace", path: "/securityPolicy", value: "SecurityPolicy_TLS13_1_3_2025_09" },
        { op: "replace", path: "/endpointAccessMode", value: "STRICT" },
      ],
      stageNames: ["prod"],
    });
    expect(calls).toEqual([
      {
        service: "apigateway",
        operation: "UpdateRestApi",
        input: {
          restApiId: API_ID,
          patchOperations: [
            { op: "replace", path: "/securityPolicy", value: "SecurityPolicy_TLS13_1_3_2025_09" },
            { op: "replace", path: "/endpointAccessMode", value: "STRICT" },
          ],
        },
      },
      deployment("prod", ACTION),
    ]);
  });

  it("refuses to plan without the stage names (the fix would not take effect), accepts an API with none", () => {
    expect(() => planFor("apigateway-restapi-tls-1-2", restApi({ securityPolicy: "TLS_1_0" }))).toThrow(/stageNames/);
    expect(planFor("apigateway-restapi-tls-1-2", restApi({}), { stageNames: [] })).toHaveLength(1);
  });

  it("does nothing for TLS_1_2 or an enhanced policy", () => {
    expect(planFor("apigateway-restapi-tls-1-2", restApi({ securityPolicy: "TLS_1_2" }), { stageNames })).toEqual([]);
    expect(
      planFor(
        "apigateway-restapi-tls-1-2",
        restApi({ securityPolicy: "SecurityPolicy_TLS13_1_2_2021_06", endpointAccessMode: "BASIC" }),
        {
          stageNames,
        },
      ),
    ).toEqual([]);
  });

  it("restores the previous policy and redeploys", async () => {
    const restore = requireAction(ACTION).restore(
      restApi({ securityPolicy: "TLS_1_0" }),
      restApi({ securityPolicy: "TLS_1_2" }),
      {
        stageNames: ["prod"],
      },
    );
    expect(restore).toEqual([
      {
        service: "apigateway",
        operation: "UpdateRestApi",
        input: { restApiId: API_ID, patchOperations: [{ op: "replace", path: "/securityPolicy", value: "TLS_1_0" }] },
      },
      deployment("prod", ACTION),
    ]);
    await expectSentExactly(restore);
  });
});

describe("default execute-api endpoint (apigateway-restapi-disable-default-endpoint)", () => {
  const ACTION = "apigateway-restapi-disable-default-endpoint";
  const POLICY = "apigateway-restapi-default-endpoint-disabled";

  it('patches /disableExecuteApiEndpoint "True" and redeploys', async () => {
    const calls = planFor(POLICY, restApi({ disableExecuteApiEndpoint: false }), { stageNames: ["prod"] });
    expect(calls).toEqual([
      {
        service: "apigateway",
        operation: "UpdateRestApi",
        input: {
          restApiId: API_ID,
          patchOperations: [{ op: "replace", path: "/disableExecuteApiEndpoint", value: "True" }],
        },
      },
      deployment("prod", ACTION),
    ]);
    await expectSentExactly(calls);
  });

  it("does nothing when the endpoint is already off; refuses other patch operations", () => {
    expect(planFor(POLICY, restApi({ disableExecuteApiEndpoint: true }), { stageNames: ["prod"] })).toEqual([]);
    expect(
      requireAction(ACTION).checkParams?.({ patchOperations: [{ op: "replace", path: "/policy", value: "{}" }] }),
    ).toHaveLength(1);
  });

  it('restores "False" and redeploys', () => {
    expect(
      requireAction(ACTION).restore(restApi({}), restApi({ disableExecuteApiEndpoint: true }), {
        stageNames: ["prod"],
      }),
    ).toEqual([
      {
        service: "apigateway",
        operation: "UpdateRestApi",
        input: {
          restApiId: API_ID,
          patchOperations: [{ op: "replace", path: "/disableExecuteApiEndpoint", value: "False" }],
        },
      },
      deployment("prod", ACTION),
    ]);
  });
});

// =============================================================================================================

describe("stage settings (apigateway-stage-patch)", () => {
  const stageArn = `arn:aws:apigateway:${REGION}::/restapis/k7x2p9q4zt/stages/prod`;
  const stage = (configuration: JsonObject) =>
    resourceOf(
      configItem(
        "AWS::ApiGateway::Stage",
        stageArn,
        {
          stageName: "prod",
          deploymentId: "r2pi2v",
          cacheClusterEnabled: true,
          cacheClusterSize: "0.5",
          ...configuration,
        },
        { name: "prod" },
      ),
    );
  const before = stage({
    tracingEnabled: false,
    methodSettings: {
      "*/*": {
        metricsEnabled: false,
        dataTraceEnabled: true,
        cachingEnabled: true,
        cacheDataEncrypted: false,
        cacheTtlInSeconds: 300,
      },
      "~1orders/POST": { loggingLevel: "OFF", dataTraceEnabled: true, cachingEnabled: true, cacheDataEncrypted: false },
      "~1health/GET": { loggingLevel: "INFO", dataTraceEnabled: false, cachingEnabled: false },
    },
  });
  const updateStage = (patchOperations: JsonObject[]): AwsCall => ({
    service: "apigateway",
    operation: "UpdateStage",
    input: { restApiId: "k7x2p9q4zt", stageName: "prod", patchOperations },
  });

  it("sets execution logging on */* and on every per-method override below the level, never lowering INFO", async () => {
    const calls = planFor("apigateway-stage-execution-logging", before);
    expect(calls).toEqual([
      updateStage([
        { op: "replace", path: "/*/*/logging/loglevel", value: "ERROR" },
        { op: "replace", path: "/~1orders/POST/logging/loglevel", value: "ERROR" },
      ]),
    ]);
    await expectSentExactly(calls);
    expect(apigw).toHaveReceivedCommandWith(UpdateStageCommand, {
      restApiId: "k7x2p9q4zt",
      stageName: "prod",
    });
  });

  it("turns data trace off wherever it is on", () => {
    expect(planFor("apigateway-stage-data-trace-off", before)).toEqual([
      updateStage([
        { op: "replace", path: "/*/*/logging/dataTrace", value: "false" },
        { op: "replace", path: "/~1orders/POST/logging/dataTrace", value: "false" },
      ]),
    ]);
  });

  it("encrypts the cache of every entry that caches", () => {
    expect(planFor("apigateway-stage-cache-encrypted", before)).toEqual([
      updateStage([
        { op: "replace", path: "/*/*/caching/dataEncrypted", value: "true" },
        { op: "replace", path: "/~1orders/POST/caching/dataEncrypted", value: "true" },
      ]),
    ]);
  });

  it("turns X-Ray tracing on", () => {
    expect(planFor("apigateway-stage-xray-tracing", before)).toEqual([
      updateStage([{ op: "replace", path: "/tracingEnabled", value: "true" }]),
    ]);
  });

  it("escapes recorded method-settings keys (mytestresource/GET) into patch paths", () => {
    const select = recorded<{ data: { Results: string[] } }>("config-select-resource-config-apigateway-stage.json");
    const prod = resourceOf({
      ...(JSON.parse(select.data.Results[1] as string) as JsonObject),
      resourceType: "AWS::ApiGateway::Stage",
    });
    expect(Object.keys(prod.document.methodSettings as JsonObject)).toEqual(["mytestresource/GET"]);
    expect(planFor("apigateway-stage-execution-logging", prod)).toEqual([
      {
        service: "apigateway",
        operation: "UpdateStage",
        input: {
          restApiId: "3qcpw4j8pi",
          stageName: "prod",
          patchOperations: [
            { op: "replace", path: "/*/*/logging/loglevel", value: "ERROR" },
            { op: "replace", path: "/~1mytestresource/GET/logging/loglevel", value: "ERROR" },
          ],
        },
      },
    ]);
  });

  it.each([
    ["*/*", "*/*"],
    ["~1orders/POST", "~1orders/POST"],
    ["mytestresource/GET", "~1mytestresource/GET"],
    ["orders/{id}/GET", "~1orders~1{id}/GET"],
    ["/orders/{id}/GET", "~1orders~1{id}/GET"],
    ["~1products~1{id}/GET", "~1products~1{id}/GET"],
  ])("names the methodSettings key %s as %s in patch paths", (key, path) => {
    expect(methodSettingPathKey(key)).toBe(path);
  });

  it("refuses paths outside its list and values that would turn a protection off", () => {
    const action = requireAction("apigateway-stage-patch");
    expect(
      action.checkParams?.({ patchOperations: [{ op: "replace", path: "/*/*/logging/dataTrace", value: "true" }] }),
    ).toEqual(['/*/*/logging/dataTrace may only be set to "false", not "true"']);
    expect(action.checkParams?.({ patchOperations: [{ op: "remove", path: "/accessLogSettings" }] })).toHaveLength(1);
    expect(() =>
      action.plan(before, { patchOperations: [{ op: "replace", path: "/variables/x", value: "1" }] }),
    ).toThrow(PlanError);
    expect(action.plan(before, {})).toEqual([]);
  });

  it("restores every setting it may change to its before value", async () => {
    const after = stage({
      tracingEnabled: true,
      methodSettings: {
        "*/*": {
          metricsEnabled: false,
          loggingLevel: "ERROR",
          dataTraceEnabled: false,
          cachingEnabled: true,
          cacheDataEncrypted: true,
          cacheTtlInSeconds: 300,
        },
        "~1orders/POST": {
          loggingLevel: "ERROR",
          dataTraceEnabled: false,
          cachingEnabled: true,
          cacheDataEncrypted: true,
        },
        "~1health/GET": { loggingLevel: "INFO", dataTraceEnabled: false, cachingEnabled: false },
      },
    });
    const restore = requireAction("apigateway-stage-patch").restore(before, after);
    expect(restore).toEqual([
      updateStage([
        { op: "replace", path: "/tracingEnabled", value: "false" },
        { op: "replace", path: "/*/*/logging/loglevel", value: "OFF" },
        { op: "replace", path: "/*/*/logging/dataTrace", value: "true" },
        { op: "replace", path: "/*/*/caching/dataEncrypted", value: "false" },
        { op: "replace", path: "/~1orders/POST/logging/loglevel", value: "OFF" },
        { op: "replace", path: "/~1orders/POST/logging/dataTrace", value: "true" },
        { op: "replace", path: "/~1orders/POST/caching/dataEncrypted", value: "false" },
      ]),
    ]);
    await expectSentExactly(restore);
    expect(requireAction("apigateway-stage-patch").restore(after, after)).toEqual([]);
  });
});

// =============================================================================================================

describe("SQS", () => {
  const event = recorded<{ detail: { configurationItem: JsonObject } }>(
    "eventbridge-config-item-change-sqs-queue.json",
  );
  /** The recorded queue: a policy allowing EventBridge, no SSE. */
  const recordedQueue = resourceOf(event.detail.configurationItem);
  const recordedPolicy = (event.detail.configurationItem.configuration as { Policy: string }).Policy;
  const queueUrl = "https://sqs.us-east-1.amazonaws.com/644160558196/config-changes";
  const queueArn = "arn:aws:sqs:us-east-1:644160558196:config-changes";
  const queue = (name: string, attributes: JsonObject) =>
    resourceOf(
      configItem(
        "AWS::SQS::Queue",
        `https://sqs.${REGION}.amazonaws.com/${ACCT}/${name}`,
        { QueueArn: `arn:aws:sqs:${REGION}:${ACCT}:${name}`, VisibilityTimeout: "30", ...attributes },
        { arn: `arn:aws:sqs:${REGION}:${ACCT}:${name}`, name },
      ),
    );

  describe("sqs-enable-sse", () => {
    it('sets SqsManagedSseEnabled "true" on the recorded unencrypted queue', async () => {
      const calls = planFor("sqs-queue-encrypted", recordedQueue);
      expect(calls).toEqual([
        {
          service: "sqs",
          operation: "SetQueueAttributes",
          input: { QueueUrl: queueUrl, Attributes: { SqsManagedSseEnabled: "true" } },
        },
      ]);
      await expectSentExactly(calls, recordedQueue.region);
      expect(sqs).toHaveReceivedCommandWith(SetQueueAttributesCommand, {
        QueueUrl: queueUrl,
        Attributes: { SqsManagedSseEnabled: "true" },
      });
    });

    it("never downgrades a KMS configuration, and leaves SSE-SQS alone", () => {
      expect(
        planFor(
          "sqs-queue-encrypted",
          queue("orders", { KmsMasterKeyId: "alias/orders", KmsDataKeyReusePeriodSeconds: "300" }),
        ),
      ).toEqual([]);
      expect(planFor("sqs-queue-encrypted", queue("orders", { SqsManagedSseEnabled: "true" }))).toEqual([]);
    });

    it("uses SSE-KMS when the params name a key", () => {
      const calls = requireAction("sqs-enable-sse").plan(queue("orders", {}), { KmsMasterKeyId: "alias/orders" });
      expect(calls[0]?.input).toEqual({
        QueueUrl: `https://sqs.${REGION}.amazonaws.com/${ACCT}/orders`,
        Attributes: { KmsMasterKeyId: "alias/orders" },
      });
    });

    it('restores SSE off (SqsManagedSseEnabled "false")', async () => {
      const after = queue("orders", { SqsManagedSseEnabled: "true" });
      const restore = requireAction("sqs-enable-sse").restore(queue("orders", {}), after);
      expect(restore).toEqual([
        {
          service: "sqs",
          operation: "SetQueueAttributes",
          input: {
            QueueUrl: `https://sqs.${REGION}.amazonaws.com/${ACCT}/orders`,
            Attributes: { SqsManagedSseEnabled: "false" },
          },
        },
      ]);
      await expectSentExactly(restore);
    });
  });

  describe("sqs-tls-only-policy", () => {
    it("adds the Deny to the recorded queue's policy text, keeping every byte of it", async () => {
      const calls = planFor("sqs-queue-tls-only", recordedQueue);
      const deny = {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "sqs:*",
        Resource: queueArn,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      };
      // The text Config recorded, with the statement inserted after its last one: nothing else is rewritten
      // (its single-value Action and Resource stay single values).
      expect(recordedPolicy.endsWith('"}]}')).toBe(true);
      expect(calls).toEqual([
        {
          service: "sqs",
          operation: "SetQueueAttributes",
          input: {
            QueueUrl: queueUrl,
            Attributes: { Policy: `${recordedPolicy.slice(0, -2)},${JSON.stringify(deny)}]}` },
          },
        },
      ]);
      await expectSentExactly(calls, recordedQueue.region);
    });

    it("creates a policy for a queue without one, and does nothing once the Deny is there", () => {
      const bare = queue("orders", {});
      const [call] = planFor("sqs-queue-tls-only", bare);
      const text = (call?.input as { Attributes: { Policy: string } }).Attributes.Policy;
      expect(JSON.parse(text)).toEqual({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "sqs:*",
            Resource: `arn:aws:sqs:${REGION}:${ACCT}:orders`,
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ],
      });
      expect(planFor("sqs-queue-tls-only", queue("orders", { Policy: text }))).toEqual([]);
    });

    it("refuses to replace a policy that does not parse", () => {
      expect(() => planFor("sqs-queue-tls-only", queue("orders", { Policy: "{not json" }))).toThrow(
        /PolicyText of .*orders cannot be edited .*not valid JSON.*refusing to rewrite it/,
      );
    });

    it("refuses a policy a JSON reader could misread, naming the reason and the place", () => {
      // JSON.parse keeps the last Effect: a rewrite from the parsed policy would have turned this Deny into an Allow.
      const twice =
        '{"Statement":[{"Effect":"Deny","Effect":"Allow","Principal":"*","Action":"sqs:*","Resource":"*"}]}';
      expect(() => planFor("sqs-queue-tls-only", queue("orders", { Policy: twice }))).toThrow(
        /"Effect" appears twice .*\(at \/Statement\/0\/Effect\); refusing to rewrite it/,
      );
      const big = `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"NumericLessThan":{"aws:EpochTime":12345678901234567891}}}]}`;
      expect(() => planFor("sqs-queue-tls-only", queue("orders", { Policy: big }))).toThrow(
        /12345678901234567891 cannot be read exactly .*\(at \/Statement\/0\/Condition\/NumericLessThan\/aws:EpochTime\)/,
      );
    });

    it("refuses a document that holds the policy only parsed (a record written before the text was kept)", () => {
      const action = requireAction("sqs-tls-only-policy");
      const { PolicyText: _text, ...parsedOnly } = recordedQueue.document;
      const old = { ...recordedQueue, document: parsedOnly };
      expect(() => action.plan(old, {})).toThrow(/holds Policy only parsed, not as the text the service returned/);
      expect(() => action.restore(old, recordedQueue)).toThrow(/before document of .* holds Policy only parsed/);
    });

    it("restores the previous policy text exactly, or removes a policy the queue did not have", async () => {
      const action = requireAction("sqs-tls-only-policy");
      const [fix] = action.plan(recordedQueue, { Sid: "DenyInsecureTransport" });
      const after = resourceOf({
        ...event.detail.configurationItem,
        configuration: {
          ...(event.detail.configurationItem.configuration as JsonObject),
          Policy: (fix?.input as { Attributes: { Policy: string } }).Attributes.Policy,
        },
      });
      const restore = action.restore(recordedQueue, after);
      expect(restore).toEqual([
        {
          service: "sqs",
          operation: "SetQueueAttributes",
          input: { QueueUrl: queueUrl, Attributes: { Policy: recordedPolicy } },
        },
      ]);
      await expectSentExactly(restore, recordedQueue.region);
      const none = queue("orders", {});
      const withPolicy = queue("orders", { Policy: JSON.stringify({ Version: "2012-10-17", Statement: [] }) });
      expect(action.restore(none, withPolicy)[0]?.input).toEqual({
        QueueUrl: `https://sqs.${REGION}.amazonaws.com/${ACCT}/orders`,
        Attributes: { Policy: "" },
      });
    });
  });

  describe("sqs-set-redrive-policy", () => {
    it("points the queue at <name>-dlq with the policy's maxReceiveCount", async () => {
      const calls = planFor("sqs-queue-dead-letter", queue("orders", {}));
      expect(calls).toEqual([
        {
          service: "sqs",
          operation: "SetQueueAttributes",
          input: {
            QueueUrl: `https://sqs.${REGION}.amazonaws.com/${ACCT}/orders`,
            Attributes: {
              RedrivePolicy: JSON.stringify({
                deadLetterTargetArn: `arn:aws:sqs:${REGION}:${ACCT}:orders-dlq`,
                maxReceiveCount: 5,
              }),
            },
          },
        },
      ]);
      await expectSentExactly(calls);
    });

    it("keeps .fifo last for FIFO queues, and never replaces an existing redrive policy", () => {
      const [call] = planFor("sqs-queue-dead-letter", queue("orders.fifo", { FifoQueue: "true" }));
      expect((call?.input as { Attributes: { RedrivePolicy: string } }).Attributes.RedrivePolicy).toContain(
        `"arn:aws:sqs:${REGION}:${ACCT}:orders-dlq.fifo"`,
      );
      const existing = JSON.stringify({
        deadLetterTargetArn: `arn:aws:sqs:${REGION}:${ACCT}:other`,
        maxReceiveCount: 3,
      });
      expect(planFor("sqs-queue-dead-letter", queue("orders", { RedrivePolicy: existing }))).toEqual([]);
    });

    it('restores no redrive policy (RedrivePolicy "")', () => {
      const after = queue("orders", {
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: `arn:aws:sqs:${REGION}:${ACCT}:orders-dlq`,
          maxReceiveCount: 5,
        }),
      });
      expect(requireAction("sqs-set-redrive-policy").restore(queue("orders", {}), after)[0]?.input).toEqual({
        QueueUrl: `https://sqs.${REGION}.amazonaws.com/${ACCT}/orders`,
        Attributes: { RedrivePolicy: "" },
      });
    });
  });
});

// =============================================================================================================

describe("SNS", () => {
  const topicArn = `arn:aws:sns:${REGION}:${ACCT}:orders-events`;
  const defaultPolicy = {
    Version: "2008-10-17",
    Id: "__default_policy_ID",
    Statement: [
      {
        Sid: "__default_statement_ID",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: ["SNS:Publish", "SNS:Subscribe"],
        Resource: topicArn,
        Condition: { StringEquals: { "AWS:SourceOwner": ACCT } },
      },
    ],
  };
  const topic = (attributes: JsonObject) =>
    resourceOf(
      configItem(
        "AWS::SNS::Topic",
        topicArn,
        { TopicArn: topicArn, Owner: ACCT, DisplayName: "", SubscriptionsConfirmed: 2, ...attributes },
        { supplementaryConfiguration: { Tags: [{ key: "team", value: "commerce" }] } },
      ),
    );

  it("sns-tls-only-policy merges the Deny into the topic's policy text (SetTopicAttributes Policy)", async () => {
    // GetTopicAttributes returns the policy as the owner (here SNS itself) spelled it: indented text.
    const policyText = JSON.stringify(defaultPolicy, null, 2);
    const before = topic({ Policy: policyText });
    const calls = planFor("sns-topic-tls-only", before);
    const deny = {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "SNS:Publish",
      Resource: topicArn,
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    };
    // Inserted after the last statement with the separator the text uses; every other byte is the owner's.
    const merged = policyText.replace(/\n {4}\}\n {2}\]\n\}$/, `\n    },\n    ${JSON.stringify(deny)}\n  ]\n}`);
    expect(merged).not.toBe(policyText);
    expect(calls).toEqual([
      {
        service: "sns",
        operation: "SetTopicAttributes",
        input: { TopicArn: topicArn, AttributeName: "Policy", AttributeValue: merged },
      },
    ]);
    await expectSentExactly(calls);
    expect(sns).toHaveReceivedCommandWith(SetTopicAttributesCommand, {
      TopicArn: topicArn,
      AttributeName: "Policy",
    });

    const after = topic({ Policy: merged });
    expect(planFor("sns-topic-tls-only", after)).toEqual([]);
    expect(requireAction("sns-tls-only-policy").restore(before, after)).toEqual([
      {
        service: "sns",
        operation: "SetTopicAttributes",
        input: { TopicArn: topicArn, AttributeName: "Policy", AttributeValue: policyText },
      },
    ]);
  });

  it("sns-tls-only-policy refuses a policy with Statement twice (a reader keeps one of them)", () => {
    const twice = `{"Version":"2008-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"SNS:Publish","Resource":"${topicArn}"}],"Statement":[]}`;
    expect(() => planFor("sns-topic-tls-only", topic({ Policy: twice }))).toThrow(
      /the PolicyText of .* cannot be edited .*"Statement" appears twice .*\(at \/Statement\)/,
    );
  });

  it("sns-tls-only-policy refuses a topic whose policy was not read (every topic has one)", () => {
    expect(() => planFor("sns-topic-tls-only", topic({}))).toThrow(/refusing to write a policy/);
  });

  it("sns-enable-kms sets KmsMasterKeyId alias/aws/sns, keeps an existing key, restores none", async () => {
    const calls = planFor("sns-topic-encrypted-kms", topic({}));
    expect(calls).toEqual([
      {
        service: "sns",
        operation: "SetTopicAttributes",
        input: { TopicArn: topicArn, AttributeName: "KmsMasterKeyId", AttributeValue: "alias/aws/sns" },
      },
    ]);
    await expectSentExactly(calls);
    expect(
      planFor("sns-topic-encrypted-kms", topic({ KmsMasterKeyId: "arn:aws:kms:eu-west-1:111122223333:key/1" })),
    ).toEqual([]);
    expect(requireAction("sns-enable-kms").restore(topic({}), topic({ KmsMasterKeyId: "alias/aws/sns" }))).toEqual([
      {
        service: "sns",
        operation: "SetTopicAttributes",
        input: { TopicArn: topicArn, AttributeName: "KmsMasterKeyId", AttributeValue: "" },
      },
    ]);
  });
});

// =============================================================================================================

describe("S3", () => {
  const BUCKET = "acme-orders-archive";
  const bucketPolicy = {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AllowAnalyticsRead",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::444455556666:role/analytics" },
        Action: "s3:GetObject",
        Resource: `arn:aws:s3:::${BUCKET}/*`,
      },
    ],
  };
  const bucket = (supplementaryConfiguration: JsonObject) =>
    resourceOf(
      configItem(
        "AWS::S3::Bucket",
        BUCKET,
        { name: BUCKET, owner: { displayName: null, id: "7f3c9a2b" }, creationDate: "2025-03-14T10:22:41.000Z" },
        {
          arn: `arn:aws:s3:::${BUCKET}`,
          supplementaryConfiguration: {
            BucketLoggingConfiguration: { destinationBucketName: null, logFilePrefix: null },
            ...supplementaryConfiguration,
          },
        },
      ),
    );
  const before = bucket({
    PublicAccessBlockConfiguration: {
      blockPublicAcls: true,
      ignorePublicAcls: false,
      blockPublicPolicy: true,
      restrictPublicBuckets: false,
    },
    BucketVersioningConfiguration: { status: "Off", isMfaDeleteEnabled: null },
    BucketPolicy: { policyText: JSON.stringify(bucketPolicy) },
  });

  it("s3-public-access-block turns all four settings on (ExpectedBucketOwner the account)", async () => {
    const calls = planFor("s3-bucket-public-access-block", before);
    const input = {
      Bucket: BUCKET,
      ExpectedBucketOwner: ACCT,
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
    };
    expect(calls).toEqual([{ service: "s3", operation: "PutPublicAccessBlock", input }]);
    await expectSentExactly(calls);
    expect(s3).toHaveReceivedCommandWith(PutPublicAccessBlockCommand, input);
    expect(requireAction("s3-public-access-block").checkParams?.({ BlockPublicAcls: false })).toHaveLength(1);
  });

  it("s3-public-access-block restores the recorded settings, or deletes a configuration the bucket did not have", async () => {
    const action = requireAction("s3-public-access-block");
    const all = { blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true };
    const after = bucket({ PublicAccessBlockConfiguration: all });
    expect(action.restore(before, after)).toEqual([
      {
        service: "s3",
        operation: "PutPublicAccessBlock",
        input: {
          Bucket: BUCKET,
          ExpectedBucketOwner: ACCT,
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            IgnorePublicAcls: false,
            BlockPublicPolicy: true,
            RestrictPublicBuckets: false,
          },
        },
      },
    ]);
    const restore = action.restore(bucket({}), after);
    expect(restore).toEqual([
      { service: "s3", operation: "DeletePublicAccessBlock", input: { Bucket: BUCKET, ExpectedBucketOwner: ACCT } },
    ]);
    await expectSentExactly(restore);
    expect(s3).toHaveReceivedCommandWith(DeletePublicAccessBlockCommand, { Bucket: BUCKET });
  });

  describe("s3-public-access-block never turns off a setting it was not asked to change", () => {
    const action = requireAction("s3-public-access-block");
    const pab = (settings: JsonObject): Resource => ({
      ...before,
      document: { ...before.document, publicAccessBlockConfiguration: settings },
    });
    const put = (config: JsonObject) => [
      {
        service: "s3",
        operation: "PutPublicAccessBlock",
        input: { Bucket: BUCKET, ExpectedBucketOwner: ACCT, PublicAccessBlockConfiguration: config },
      },
    ];

    it("writes true for the settings asked for and every other one exactly as it is", async () => {
      const mixed = { blockPublicAcls: false, ignorePublicAcls: true, blockPublicPolicy: false, restrictPublicBuckets: true }; // prettier-ignore
      const calls = action.plan(pab(mixed), { BlockPublicPolicy: true });
      expect(calls).toEqual(
        put({ BlockPublicAcls: false, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true }),
      );
      await expectSentExactly(calls);
    });

    it("treats a bucket without a configuration (NoSuchPublicAccessBlockConfiguration) as every setting off", () => {
      expect(action.plan(bucket({}), { BlockPublicPolicy: true })).toEqual(
        put({ BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: true, RestrictPublicBuckets: false }),
      );
    });

    it.each<[string, unknown]>([
      ["1", 1],
      ['"yes"', "yes"],
      ['"true"', "true"],
      ["null", null],
      ["missing", undefined],
    ])("refuses a current setting of %s it would have to write back, naming it", (_name, value) => {
      const odd: JsonObject = { blockPublicAcls: false, ignorePublicAcls: true, blockPublicPolicy: false };
      if (value !== undefined) odd.restrictPublicBuckets = value;
      expect(() => action.plan(pab(odd), { BlockPublicPolicy: true })).toThrow(
        new RegExp(
          `publicAccessBlockConfiguration/restrictPublicBuckets of ${BUCKET} is ${value === undefined ? "missing" : JSON.stringify(value)}, not true or false`,
        ),
      );
      // Asked to turn that very setting on, the plan needs nothing from it: it writes true.
      expect(action.plan(pab(odd), { BlockPublicPolicy: true, RestrictPublicBuckets: true })).toEqual(
        put({ BlockPublicAcls: false, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true }),
      );
      // Nothing to write, nothing to guess.
      expect(action.plan(pab({ ...odd, blockPublicPolicy: true }), { BlockPublicPolicy: true })).toEqual([]);
      // And a restore cannot put back a setting it cannot read.
      expect(() => action.restore(pab(odd), pab({ ...odd, blockPublicPolicy: true }))).toThrow(
        /before publicAccessBlockConfiguration\/restrictPublicBuckets .* not true or false/,
      );
    });

    it.each<[string, unknown]>([
      ["1", 1],
      ['"yes"', "yes"],
      ["null", null],
    ])("refuses a Config item whose setting is %s (the document cannot tell it from missing)", (_name, value) => {
      const item = bucket({
        PublicAccessBlockConfiguration: {
          blockPublicAcls: true,
          ignorePublicAcls: value,
          blockPublicPolicy: false,
          restrictPublicBuckets: true,
        },
      });
      expect(() => action.plan(item, { BlockPublicPolicy: true })).toThrow(
        /publicAccessBlockConfiguration\/ignorePublicAcls of .* is missing, not true or false; refusing to guess/,
      );
    });

    it("restores booleans as recorded, and nothing when before and after agree", () => {
      const was = { blockPublicAcls: false, ignorePublicAcls: true, blockPublicPolicy: false, restrictPublicBuckets: true }; // prettier-ignore
      expect(action.restore(pab(was), pab({ ...was, blockPublicPolicy: true }))).toEqual(
        put({ BlockPublicAcls: false, IgnorePublicAcls: true, BlockPublicPolicy: false, RestrictPublicBuckets: true }),
      );
      expect(action.restore(pab(was), pab(was))).toEqual([]);
    });
  });

  it("s3-default-encryption sets SSE-S3, or aws:kms with a key ARN from params; keeps any existing default", async () => {
    const calls = planFor("s3-bucket-default-encryption", before);
    expect(calls).toEqual([
      {
        service: "s3",
        operation: "PutBucketEncryption",
        input: {
          Bucket: BUCKET,
          ExpectedBucketOwner: ACCT,
          ServerSideEncryptionConfiguration: {
            Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }],
          },
        },
      },
    ]);
    await expectSentExactly(calls);
    expect(s3).toHaveReceivedCommandWith(PutBucketEncryptionCommand, { Bucket: BUCKET });

    const key = `arn:aws:kms:${REGION}:${ACCT}:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b`;
    const action = requireAction("s3-default-encryption");
    expect(action.plan(before, { KMSMasterKeyID: key, BucketKeyEnabled: true })[0]?.input).toMatchObject({
      ServerSideEncryptionConfiguration: {
        Rules: [
          {
            ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: key },
            BucketKeyEnabled: true,
          },
        ],
      },
    });
    expect(action.checkParams?.({ KMSMasterKeyID: "alias/orders" })).toHaveLength(1);
    const kms = bucket({
      ServerSideEncryptionConfiguration: {
        rules: [
          {
            applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyID: key },
            bucketKeyEnabled: true,
          },
        ],
      },
    });
    expect(planFor("s3-bucket-default-encryption", kms)).toEqual([]);
  });

  it("s3-default-encryption restores recorded rules, or deletes a configuration that was not there", () => {
    const action = requireAction("s3-default-encryption");
    const aes = bucket({
      ServerSideEncryptionConfiguration: {
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: false }],
      },
    });
    const kms = bucket({
      ServerSideEncryptionConfiguration: {
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }],
      },
    });
    expect(action.restore(aes, kms)).toEqual([
      {
        service: "s3",
        operation: "PutBucketEncryption",
        input: {
          Bucket: BUCKET,
          ExpectedBucketOwner: ACCT,
          ServerSideEncryptionConfiguration: {
            Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" }, BucketKeyEnabled: false }],
          },
        },
      },
    ]);
    expect(action.restore(before, aes)).toEqual([
      { service: "s3", operation: "DeleteBucketEncryption", input: { Bucket: BUCKET, ExpectedBucketOwner: ACCT } },
    ]);
  });

  it("s3-versioning enables versioning; restore from Off can only suspend it", async () => {
    const calls = planFor("s3-bucket-versioning", before);
    const enable = { Bucket: BUCKET, ExpectedBucketOwner: ACCT, VersioningConfiguration: { Status: "Enabled" } };
    expect(calls).toEqual([{ service: "s3", operation: "PutBucketVersioning", input: enable }]);
    await expectSentExactly(calls);
    expect(s3).toHaveReceivedCommandWith(PutBucketVersioningCommand, enable);

    const action = requireAction("s3-versioning");
    const enabled = bucket({ BucketVersioningConfiguration: { status: "Enabled", isMfaDeleteEnabled: false } });
    const suspended = bucket({ BucketVersioningConfiguration: { status: "Suspended" } });
    const suspend = [
      {
        service: "s3",
        operation: "PutBucketVersioning",
        input: { ...enable, VersioningConfiguration: { Status: "Suspended" } },
      },
    ];
    expect(action.restore(before, enabled)).toEqual(suspend);
    expect(action.restore(suspended, enabled)).toEqual(suspend);
    expect(action.restore(enabled, enabled)).toEqual([]);
    expect(action.description).toMatch(/cannot return a bucket to unversioned/);
  });

  it("s3-versioning refuses a bucket with MFA delete", () => {
    const mfa = bucket({ BucketVersioningConfiguration: { status: "Suspended", isMfaDeleteEnabled: true } });
    expect(() => planFor("s3-bucket-versioning", mfa)).toThrow(/MFA/);
  });

  it("s3-tls-only-policy merges the Deny into the bucket policy text (PutBucketPolicy) and restores it exactly", async () => {
    const calls = planFor("s3-bucket-tls-only", before);
    const policyText = JSON.stringify(bucketPolicy);
    const deny = {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    };
    const merged = `${policyText.slice(0, -2)},${JSON.stringify(deny)}]}`;
    expect(calls).toEqual([
      {
        service: "s3",
        operation: "PutBucketPolicy",
        input: { Bucket: BUCKET, Policy: merged, ExpectedBucketOwner: ACCT },
      },
    ]);
    await expectSentExactly(calls);
    expect(s3).toHaveReceivedCommandWith(PutBucketPolicyCommand, { Bucket: BUCKET });

    const after = bucket({ BucketPolicy: { policyText: merged } });
    expect(planFor("s3-bucket-tls-only", after)).toEqual([]);
    const action = requireAction("s3-tls-only-policy");
    expect(action.restore(before, after)).toEqual([
      {
        service: "s3",
        operation: "PutBucketPolicy",
        input: { Bucket: BUCKET, Policy: policyText, ExpectedBucketOwner: ACCT },
      },
    ]);
    const restore = action.restore(bucket({ BucketPolicy: { policyText: null } }), after);
    expect(restore).toEqual([
      { service: "s3", operation: "DeleteBucketPolicy", input: { Bucket: BUCKET, ExpectedBucketOwner: ACCT } },
    ]);
    await expectSentExactly(restore);
    expect(s3).toHaveReceivedCommandWith(DeleteBucketPolicyCommand, { Bucket: BUCKET });
  });

  it("s3-tls-only-policy keeps a condition number beyond 2^53 that a double would round, and a single Statement", () => {
    // 2^60 is exact in a double but JSON.stringify writes 1152921504606847000: a rewrite would change the text.
    const policyText =
      '{"Version":"2012-10-17","Statement":{"Sid":"AllowListUpTo","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::acme-orders-archive","Condition":{"NumericLessThanEquals":{"s3:max-keys":1152921504606846976}}}}';
    const [call] = planFor("s3-bucket-tls-only", bucket({ BucketPolicy: { policyText } }));
    const sent = (call?.input as { Policy: string }).Policy;
    expect(sent.startsWith(policyText.slice(0, -2).replace('"Statement":{', '"Statement":[{'))).toBe(true);
    expect(sent).toContain("1152921504606846976");
    expect(JSON.parse(sent).Statement).toHaveLength(2);
  });
});

// =============================================================================================================

describe("DynamoDB point-in-time recovery (dynamodb-enable-pitr)", () => {
  const table = (pitr: string) =>
    resourceOf(
      configItem(
        "AWS::DynamoDB::Table",
        "orders",
        {
          tableName: "orders",
          tableArn: `arn:aws:dynamodb:${REGION}:${ACCT}:table/orders`,
          tableStatus: "ACTIVE",
          keySchema: [{ attributeName: "pk", keyType: "HASH" }],
        },
        {
          arn: `arn:aws:dynamodb:${REGION}:${ACCT}:table/orders`,
          supplementaryConfiguration: {
            ContinuousBackupsDescription: {
              continuousBackupsStatus: "ENABLED",
              pointInTimeRecoveryDescription: {
                pointInTimeRecoveryStatus: pitr,
                ...(pitr === "ENABLED" ? { recoveryPeriodInDays: 35 } : {}),
              },
            },
          },
        },
      ),
    );

  it("turns PITR on with UpdateContinuousBackups; restores it off", async () => {
    const calls = planFor("dynamodb-table-pitr", table("DISABLED"));
    expect(calls).toEqual([
      {
        service: "dynamodb",
        operation: "UpdateContinuousBackups",
        input: { TableName: "orders", PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } },
      },
    ]);
    await expectSentExactly(calls);
    expect(ddb).toHaveReceivedCommandWith(UpdateContinuousBackupsCommand, { TableName: "orders" });
    expect(planFor("dynamodb-table-pitr", table("ENABLED"))).toEqual([]);
    expect(requireAction("dynamodb-enable-pitr").restore(table("DISABLED"), table("ENABLED"))).toEqual([
      {
        service: "dynamodb",
        operation: "UpdateContinuousBackups",
        input: { TableName: "orders", PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false } },
      },
    ]);
  });
});

describe("Lambda tracing (lambda-enable-tracing)", () => {
  const fn = (mode: string) =>
    resourceOf(
      configItem(
        "AWS::Lambda::Function",
        "catalog-sync",
        {
          functionName: "catalog-sync",
          functionArn: `arn:aws:lambda:${REGION}:${ACCT}:function:catalog-sync`,
          runtime: "python3.12",
          timeout: 30.0,
          tracingConfig: { mode },
          revisionId: "b7d2c4e1-9a3f-4c8b-8e21-6f0d5a7c3b94",
        },
        { arn: `arn:aws:lambda:${REGION}:${ACCT}:function:catalog-sync` },
      ),
    );

  it("sets TracingConfig Active, guarded by the revision id; restores PassThrough", async () => {
    const calls = planFor("lambda-function-xray-tracing", fn("PassThrough"));
    expect(calls).toEqual([
      {
        service: "lambda",
        operation: "UpdateFunctionConfiguration",
        input: {
          FunctionName: "catalog-sync",
          TracingConfig: { Mode: "Active" },
          RevisionId: "b7d2c4e1-9a3f-4c8b-8e21-6f0d5a7c3b94",
        },
      },
    ]);
    await expectSentExactly(calls);
    expect(lambda).toHaveReceivedCommandWith(UpdateFunctionConfigurationCommand, {
      FunctionName: "catalog-sync",
    });
    expect(planFor("lambda-function-xray-tracing", fn("Active"))).toEqual([]);
    expect(requireAction("lambda-enable-tracing").restore(fn("PassThrough"), fn("Active"))).toEqual([
      {
        service: "lambda",
        operation: "UpdateFunctionConfiguration",
        input: { FunctionName: "catalog-sync", TracingConfig: { Mode: "PassThrough" } },
      },
    ]);
  });
});

// =============================================================================================================

describe("every planned fix makes its policy pass", () => {
  // A model of what each call does to the document (the attribute naming of each adapter), so that the engine can
  // judge the result: the plans fix exactly what the policies check. The moto integration tests check the calls
  // against an emulated AWS; this checks them against the policies.
  const engine = new Engine(loaded.policies);
  const verdict = (policyId: string, r: Resource) =>
    engine.evaluate(r).find((e) => e.policyId === policyId)?.compliance;
  const parsed = (text: string) => (text === "" ? undefined : normalisePolicyDocument(JSON.parse(text) as JsonObject));

  function apply(resource: Resource, calls: AwsCall[]): Resource {
    const doc = JSON.parse(JSON.stringify(resource.document)) as JsonObject;
    for (const { operation, input } of calls) {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const i = input as any;
      if (operation === "UpdateDomainName" && i.DomainNameConfigurations) {
        // API Gateway v2: whole configurations, PascalCase, into the document's camelCase.
        doc.domainNameConfigurations = (i.DomainNameConfigurations as JsonObject[]).map((c) =>
          Object.fromEntries(Object.entries(c).map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1), v])),
        );
        continue;
      }
      switch (operation) {
        case "UpdateDomainName":
        case "UpdateRestApi":
        case "UpdateStage":
          for (const op of i.patchOperations as { path: string; value: string }[]) {
            const field = op.path.slice(1);
            if (["securityPolicy", "endpointAccessMode"].includes(field)) doc[field] = op.value;
            else if (["disableExecuteApiEndpoint", "tracingEnabled"].includes(field))
              doc[field] = op.value.toLowerCase() === "true";
            else {
              const m = /^\/(.+\/[^/]+)\/(\w+\/\w+)$/.exec(op.path) as RegExpExecArray;
              const fields: Record<string, [string, (v: string) => unknown]> = {
                "logging/loglevel": ["loggingLevel", (v) => v],
                "logging/dataTrace": ["dataTraceEnabled", (v) => v === "true"],
                "caching/dataEncrypted": ["cacheDataEncrypted", (v) => v === "true"],
                "metrics/enabled": ["metricsEnabled", (v) => v === "true"],
              };
              const [name, convert] = fields[m[2] as string] as [string, (v: string) => unknown];
              const ms = (doc.methodSettings ??= {}) as Record<string, JsonObject>;
              const key = Object.keys(ms).find((k) => methodSettingPathKey(k) === m[1]) ?? (m[1] as string);
              (ms[key] ??= {})[name] = convert(op.value);
            }
          }
          break;
        case "CreateDeployment":
          break;
        case "SetQueueAttributes":
          for (const [k, v] of Object.entries(i.Attributes as Record<string, string>)) {
            if (k === "Policy") Object.assign(doc, { Policy: parsed(v), PolicyText: v === "" ? undefined : v });
            else if (k === "RedrivePolicy") doc.RedrivePolicy = v === "" ? undefined : JSON.parse(v);
            else if (k === "SqsManagedSseEnabled") doc[k] = v === "true";
            else doc[k] = v === "" ? undefined : v;
          }
          break;
        case "SetTopicAttributes":
          doc[i.AttributeName] = i.AttributeName === "Policy" ? parsed(i.AttributeValue) : i.AttributeValue;
          if (i.AttributeName === "Policy") doc.PolicyText = i.AttributeValue;
          break;
        case "PutPublicAccessBlock": {
          const c = i.PublicAccessBlockConfiguration as Record<string, boolean>;
          doc.publicAccessBlockConfiguration = Object.fromEntries(
            Object.entries(c).map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1), v]),
          );
          break;
        }
        case "PutBucketEncryption": {
          const rules = (
            i.ServerSideEncryptionConfiguration as {
              Rules: { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: string } }[];
            }
          ).Rules;
          doc.serverSideEncryptionConfiguration = {
            rules: rules.map((r) => ({
              applyServerSideEncryptionByDefault: { sseAlgorithm: r.ApplyServerSideEncryptionByDefault.SSEAlgorithm },
            })),
          };
          break;
        }
        case "PutBucketVersioning":
          doc.versioningConfiguration = { status: (i.VersioningConfiguration as { Status: string }).Status };
          break;
        case "PutBucketPolicy":
          doc.policy = parsed(i.Policy);
          doc.policyText = i.Policy;
          break;
        case "UpdateContinuousBackups": {
          const on = (i.PointInTimeRecoverySpecification as { PointInTimeRecoveryEnabled: boolean })
            .PointInTimeRecoveryEnabled;
          doc.continuousBackupsDescription = {
            continuousBackupsStatus: "ENABLED",
            pointInTimeRecoveryDescription: { pointInTimeRecoveryStatus: on ? "ENABLED" : "DISABLED" },
          };
          break;
        }
        // The document as it was before the configuration existed (S3 itself then applies its SSE-S3 default).
        case "DeleteBucketEncryption":
          delete doc.serverSideEncryptionConfiguration;
          break;
        case "DeleteBucketPolicy":
          delete doc.policy;
          delete doc.policyText;
          break;
        case "DeletePublicAccessBlock":
          delete doc.publicAccessBlockConfiguration;
          break;
        case "UpdateFunctionConfiguration":
          doc.tracingConfig = { mode: (i.TracingConfig as { Mode: string }).Mode };
          break;
        case "ModifyDBInstance":
        case "ModifyDBCluster":
          for (const [k, v] of Object.entries(i as JsonObject)) {
            if (!["DBInstanceIdentifier", "DBClusterIdentifier", "ApplyImmediately"].includes(k))
              doc[k.charAt(0).toLowerCase() + k.slice(1)] = v;
          }
          break;
        // KMS API Reference: EnableKeyRotation turns rotation on; CancelKeyDeletion leaves the key Disabled.
        case "EnableKeyRotation":
          doc.keyRotationEnabled = true;
          break;
        case "DisableKeyRotation":
          doc.keyRotationEnabled = false;
          break;
        case "CancelKeyDeletion":
          doc.keyState = "Disabled";
          delete doc.deletionDate;
          break;
        case "ScheduleKeyDeletion":
          doc.keyState = "PendingDeletion";
          break;
        case "PutRetentionPolicy":
          doc.RetentionInDays = i.retentionInDays;
          break;
        case "UpdateStateMachine":
          if (i.tracingConfiguration)
            doc.TracingConfiguration = { Enabled: (i.tracingConfiguration as { enabled: boolean }).enabled };
          break;
        case "StartStreamEncryption":
          doc.StreamEncryption = { EncryptionType: i.EncryptionType, KeyId: i.KeyId };
          break;
        case "StopStreamEncryption":
          delete doc.StreamEncryption;
          break;
        case "UpdateDistribution": {
          // The whole configuration is sent: the document's is the input's, in Config's camelCase.
          const camel = (v: unknown): unknown =>
            Array.isArray(v)
              ? v.map(camel)
              : v !== null && typeof v === "object"
                ? Object.fromEntries(Object.entries(v).map(([k, x]) => [camelKey(k), camel(x)]))
                : v;
          doc.distributionConfig = camel(i.DistributionConfig);
          break;
        }
        case "ModifyListener":
          if (i.DefaultActions) doc.DefaultActions = i.DefaultActions;
          if (i.SslPolicy) doc.SslPolicy = i.SslPolicy;
          break;
        case "ModifyLoadBalancerAttributes":
          for (const a of i.Attributes as { Key: string; Value: string }[])
            (doc.attributes as Record<string, string>)[a.Key] = a.Value;
          break;
        case "PutImageScanningConfiguration":
          doc.ImageScanningConfiguration = {
            ScanOnPush: (i.imageScanningConfiguration as { scanOnPush: boolean }).scanOnPush,
          };
          break;
        case "PutImageTagMutability":
          doc.ImageTagMutability = i.imageTagMutability;
          break;
        case "UpdateClusterSettings":
          doc.ClusterSettings = (i.settings as { name: string; value: string }[]).map((x) => ({
            Name: x.name,
            Value: x.value,
          }));
          break;
        case "UpdateService": {
          const vpc = (i.networkConfiguration as { awsvpcConfiguration: JsonObject }).awsvpcConfiguration;
          doc.NetworkConfiguration = {
            AwsvpcConfiguration: {
              AssignPublicIp: vpc.assignPublicIp,
              Subnets: vpc.subnets,
              ...(vpc.securityGroups ? { SecurityGroups: vpc.securityGroups } : {}),
            },
          };
          break;
        }
        case "UpdateClusterConfig": {
          const vpc = doc.ResourcesVpcConfig as JsonObject;
          if (i.resourcesVpcConfig?.endpointPublicAccess === false) delete vpc.PublicAccessCidrs;
          if (i.resourcesVpcConfig) {
            vpc.EndpointPublicAccess = i.resourcesVpcConfig.endpointPublicAccess ?? vpc.EndpointPublicAccess;
            vpc.EndpointPrivateAccess = i.resourcesVpcConfig.endpointPrivateAccess ?? vpc.EndpointPrivateAccess;
          }
          const logging = (doc.Logging as { ClusterLogging: { EnabledTypes: { Type: string }[] } }).ClusterLogging;
          for (const s of (i.logging?.clusterLogging ?? []) as { types: string[]; enabled: boolean }[]) {
            const rest = logging.EnabledTypes.filter((t) => !s.types.includes(t.Type));
            logging.EnabledTypes = s.enabled ? [...rest, ...s.types.map((Type) => ({ Type }))] : rest;
          }
          break;
        }
        case "ModifyReplicationGroup":
          if (i.SnapshotRetentionLimit !== undefined) doc.SnapshotRetentionLimit = i.SnapshotRetentionLimit;
          if (i.AutomaticFailoverEnabled !== undefined)
            doc.AutomaticFailover = i.AutomaticFailoverEnabled ? "enabled" : "disabled";
          break;
        case "UpdateApi":
          if (i.DisableExecuteApiEndpoint !== undefined) doc.disableExecuteApiEndpoint = i.DisableExecuteApiEndpoint;
          break;
        case "RevokeSecurityGroupIngress":
        case "AuthorizeSecurityGroupIngress":
          // EC2: the named ranges leave, or join, the inbound rule of the same protocol and ports.
          for (const p of i.IpPermissions as JsonObject[]) {
            const same = (r: JsonObject) =>
              r.ipProtocol === p.IpProtocol && r.fromPort === p.FromPort && r.toPort === p.ToPort;
            const v4 = ((p.IpRanges ?? []) as JsonObject[]).map((r) => r.CidrIp);
            const v6 = ((p.Ipv6Ranges ?? []) as JsonObject[]).map((r) => r.CidrIpv6);
            const rules = doc.ipPermissions as JsonObject[];
            const rule = rules.find(same);
            if (operation === "AuthorizeSecurityGroupIngress") {
              const into = rule ?? { ipProtocol: p.IpProtocol, fromPort: p.FromPort, toPort: p.ToPort, ipv4Ranges: [], ipv6Ranges: [] }; // prettier-ignore
              if (!rule) rules.push(into);
              (into.ipv4Ranges as JsonObject[]).push(...v4.map((cidrIp) => ({ cidrIp })));
              (into.ipv6Ranges as JsonObject[]).push(...v6.map((cidrIpv6) => ({ cidrIpv6 })));
            } else if (rule) {
              rule.ipv4Ranges = (rule.ipv4Ranges as JsonObject[]).filter((r) => !v4.includes(r.cidrIp));
              rule.ipv6Ranges = (rule.ipv6Ranges as JsonObject[]).filter((r) => !v6.includes(r.cidrIpv6));
            }
          }
          break;
        default:
          throw new Error(`no model for ${operation}`);
      }
    }
    return { ...resource, document: doc };
  }

  const cases = policies
    .filter((p) => p.remediation && p.remediation.mode !== "notify")
    .flatMap((p) =>
      p.examples.noncompliant
        .filter((e) => e.configurationItem)
        .map((e) => [p.id, e.name, e.configurationItem] as const),
    );

  it.each(cases)("%s: %s", (policyId, _name, item) => {
    const action = requireAction(policy(policyId).remediation?.action as string);
    const runtime = action.needsRedeploy ? { stageNames: ["prod"] } : {};
    const before = resourceOf(item);
    expect(verdict(policyId, before)).toBe("NON_COMPLIANT");
    const calls = planFor(policyId, before, runtime);
    const after = apply(before, calls);
    expect(verdict(policyId, after)).toBe("COMPLIANT");
    // Planning again on the fixed document has nothing left to do.
    expect(planFor(policyId, after, runtime)).toEqual([]);
    // And restore gives back calls that, applied, bring the violation back.
    const restored = apply(after, action.restore(before, after, runtime));
    expect(verdict(policyId, restored)).toBe("NON_COMPLIANT");
  });
});
