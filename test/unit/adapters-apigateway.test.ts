import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createPolicyAjv, type ValidateFunction } from "../../lib/policy/ajv";
import type { ResourceAdapter } from "../../lib/resources/adapter";
import { toConfigItem } from "../../lib/resources/config-item";
import { adapterFor } from "../../lib/resources/registry";
import { adapter as domainNameAdapter } from "../../lib/resources/types/aws-apigateway-domainname";
import { adapter as methodAdapter } from "../../lib/resources/types/aws-apigateway-method";
import { shapeBySchema } from "../../lib/resources/coerce";
import { adapter as restApiAdapter } from "../../lib/resources/types/aws-apigateway-restapi";
import { adapter as stageAdapter } from "../../lib/resources/types/aws-apigateway-stage";
import type { JsonObject } from "../../lib/util/json";
import { RECORDED_DIR } from "../helpers/recorded";

const ACCOUNT = "111122223333";
const REGION = "eu-west-1";

interface Relationship {
  resourceType: string;
  resourceId: string;
  resourceName?: string;
  name: string;
}

interface ItemSpec {
  resourceType: string;
  resourceId: string;
  resourceName: string;
  arn: string;
  configuration: JsonObject;
  tags?: Record<string, string>;
  relationships?: Relationship[];
}

/** Invocation naming: what Config passes to a rule Lambda and puts on EventBridge. */
function invocationItem(s: ItemSpec): JsonObject {
  return {
    configurationItemVersion: "1.3",
    configurationItemCaptureTime: "2026-11-02T09:14:03.120Z",
    configurationStateId: 1793610843120,
    awsAccountId: ACCOUNT,
    configurationItemStatus: "OK",
    resourceType: s.resourceType,
    resourceId: s.resourceId,
    resourceName: s.resourceName,
    ARN: s.arn,
    awsRegion: REGION,
    availabilityZone: "Not Applicable",
    tags: s.tags ?? {},
    relatedEvents: [],
    relationships: s.relationships ?? [],
    configuration: s.configuration,
    supplementaryConfiguration: {},
  };
}

/** API naming: GetResourceConfigHistory / BatchGetResourceConfig. */
function apiItem(s: ItemSpec): JsonObject {
  return {
    version: "1.3",
    accountId: ACCOUNT,
    configurationItemCaptureTime: "2026-11-02T09:14:03.120Z",
    configurationItemStatus: "OK",
    configurationStateId: "1793610843120",
    configurationItemMD5Hash: "",
    arn: s.arn,
    resourceType: s.resourceType,
    resourceId: s.resourceId,
    resourceName: s.resourceName,
    awsRegion: REGION,
    availabilityZone: "Not Applicable",
    tags: s.tags ?? {},
    relatedEvents: [],
    relationships: (s.relationships ?? []).map(({ name, ...r }) => ({ ...r, relationshipName: name })),
    configuration: JSON.stringify(s.configuration),
    supplementaryConfiguration: {},
  };
}

function documentOf(adapter: ResourceAdapter, raw: unknown): JsonObject {
  return adapter.fromConfigItem(toConfigItem(raw));
}

const ajv = createPolicyAjv();
const validators = new Map<ResourceAdapter, ValidateFunction>();

function expectValid(adapter: ResourceAdapter, doc: JsonObject): void {
  let validate = validators.get(adapter);
  if (!validate) {
    validate = ajv.compile(adapter.documentSchema as object);
    validators.set(adapter, validate);
  }
  const ok = validate(doc);
  expect(validate.errors ?? []).toEqual([]);
  expect(ok).toBe(true);
}

const API_ID = "k7x2p9q4zt";
const STAGE_ARN = `arn:aws:apigateway:${REGION}::/restapis/${API_ID}/stages/prod`;
const METHOD_ARN = `arn:aws:apigateway:${REGION}::/restapis/${API_ID}/resources/3f9ab1/methods/GET`;

const restApi: ItemSpec = {
  resourceType: "AWS::ApiGateway::RestApi",
  resourceId: API_ID,
  resourceName: "orders-api",
  arn: `arn:aws:apigateway:${REGION}::/restapis/${API_ID}`,
  tags: { team: "orders" },
  relationships: [
    { resourceType: "AWS::ApiGateway::Stage", resourceId: STAGE_ARN, resourceName: "prod", name: "Contains Stage" },
    {
      resourceType: "AWS::ApiGateway::DomainName",
      resourceId: "orders.api.example.com",
      resourceName: "orders.api.example.com",
      name: "Is associated with DomainName",
    },
  ],
  configuration: {
    id: API_ID,
    name: "orders-api",
    createdDate: "2026-03-02T10:39:51Z",
    apiKeySource: "HEADER",
    endpointConfiguration: { types: ["REGIONAL"] },
    disableExecuteApiEndpoint: true,
    securityPolicy: "TLS_1_2",
    endpointAccessMode: "BASIC",
    // GetRestApi delivers the resource policy with its quotes backslash-escaped.
    policy:
      '{\\"Version\\":\\"2012-10-17\\",\\"Statement\\":[{\\"Effect\\":\\"Deny\\",\\"Principal\\":\\"*\\",\\"Action\\":\\"execute-api:Invoke\\",\\"Resource\\":\\"execute-api:/*\\",\\"Condition\\":{\\"Bool\\":{\\"aws:SecureTransport\\":\\"false\\"}}}]}',
    tags: { cost: "orders-42" },
  },
};

const stage: ItemSpec = {
  resourceType: "AWS::ApiGateway::Stage",
  resourceId: STAGE_ARN,
  resourceName: "prod",
  arn: STAGE_ARN,
  tags: { env: "prod" },
  configuration: {
    stageName: "prod",
    deploymentId: "r2pi2v",
    cacheClusterEnabled: false,
    cacheClusterStatus: "NOT_AVAILABLE",
    tracingEnabled: true,
    webAclArn: `arn:aws:wafv2:${REGION}:${ACCOUNT}:regional/webacl/orders-api-acl/1f2e3d4c-5b6a-4789-8abc-def012345678`,
    accessLogSettings: {
      destinationArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:orders-access`,
      format: "$context.requestId",
    },
    methodSettings: {
      "*/*": { loggingLevel: "ERROR", metricsEnabled: true, dataTraceEnabled: false, throttlingBurstLimit: 5000.0 },
      "~1orders/POST": { cachingEnabled: true, cacheDataEncrypted: true, cacheTtlInSeconds: 300.0 },
    },
    variables: { backendHost: "orders.internal.example.com" },
    createdDate: "2026-03-02T10:41:07Z",
    lastUpdatedDate: "2026-10-28T16:03:55Z",
  },
};

const domainApiNaming: ItemSpec = {
  resourceType: "AWS::ApiGateway::DomainName",
  resourceId: "orders.api.example.com",
  resourceName: "orders.api.example.com",
  arn: `arn:aws:apigateway:${REGION}::/domainnames/orders.api.example.com`,
  configuration: {
    domainName: "orders.api.example.com",
    securityPolicy: "TLS_1_2",
    endpointConfiguration: { types: ["REGIONAL"] },
    regionalDomainName: "d-8kq3zt1w7e.execute-api.eu-west-1.amazonaws.com",
    regionalHostedZoneId: "ZLY8HYME6SFDD",
    regionalCertificateArn: `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/4f0c2a9e-7b1d-4c55-9e3a-2d8f6b1a0c77`,
    mutualTlsAuthentication: { truststoreUri: "s3://orders-truststore/truststore.pem", truststoreVersion: "3" },
    tags: { team: "orders" },
  },
};

const domainCfnNaming: ItemSpec = {
  ...domainApiNaming,
  configuration: {
    DomainName: "orders.api.example.com",
    SecurityPolicy: "TLS_1_2",
    EndpointConfiguration: { Types: ["REGIONAL"] },
    RegionalDomainName: "d-8kq3zt1w7e.execute-api.eu-west-1.amazonaws.com",
    RegionalHostedZoneId: "ZLY8HYME6SFDD",
    RegionalCertificateArn: `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/4f0c2a9e-7b1d-4c55-9e3a-2d8f6b1a0c77`,
    MutualTlsAuthentication: { TruststoreUri: "s3://orders-truststore/truststore.pem", TruststoreVersion: "3" },
    Tags: [{ Key: "team", Value: "orders" }],
  },
};

const methodApiNaming: ItemSpec = {
  resourceType: "AWS::ApiGateway::Method",
  resourceId: METHOD_ARN,
  resourceName: "GET",
  arn: METHOD_ARN,
  configuration: {
    httpMethod: "GET",
    authorizationType: "AWS_IAM",
    apiKeyRequired: false,
    methodIntegration: {
      type: "HTTP_PROXY",
      httpMethod: "GET",
      uri: "https://orders.internal.example.com/v1/orders/{orderId}",
      connectionType: "INTERNET",
      passthroughBehavior: "WHEN_NO_MATCH",
      timeoutInMillis: 29000,
      tlsConfig: { insecureSkipVerification: false },
      requestParameters: { "integration.request.path.orderId": "method.request.path.orderId" },
    },
  },
};

const methodCfnNaming: ItemSpec = {
  ...methodApiNaming,
  configuration: {
    RestApiId: API_ID,
    ResourceId: "3f9ab1",
    HttpMethod: "GET",
    AuthorizationType: "AWS_IAM",
    ApiKeyRequired: "false",
    Integration: {
      Type: "HTTP_PROXY",
      IntegrationHttpMethod: "GET",
      Uri: "https://orders.internal.example.com/v1/orders/{orderId}",
      ConnectionType: "INTERNET",
      PassthroughBehavior: "WHEN_NO_MATCH",
      TimeoutInMillis: 29000,
      TlsConfig: { InsecureSkipVerification: false },
      RequestParameters: { "integration.request.path.orderId": "method.request.path.orderId" },
    },
  },
};

describe("API Gateway adapters are registered", () => {
  it.each([restApiAdapter, stageAdapter, domainNameAdapter, methodAdapter])("$type", (adapter) => {
    expect(adapterFor(adapter.type)).toBe(adapter);
    expect(adapter.service).toBe("apigateway");
  });
});

describe("document schemas compile", () => {
  it.each([restApiAdapter, stageAdapter, domainNameAdapter, methodAdapter])("$type", (adapter) => {
    expect(() => createPolicyAjv().compile(adapter.documentSchema as object)).not.toThrow();
  });
});

describe("AWS::ApiGateway::RestApi", () => {
  const doc = documentOf(restApiAdapter, invocationItem(restApi));

  it("gives the same document from invocation and API naming", () => {
    expect(documentOf(restApiAdapter, apiItem(restApi))).toEqual(doc);
  });

  it("satisfies its own document schema", () => expectValid(restApiAdapter, doc));

  it("reads the configuration, the custom domains and the tags", () => {
    expect(doc).toMatchObject({
      id: API_ID,
      name: "orders-api",
      disableExecuteApiEndpoint: true,
      securityPolicy: "TLS_1_2",
      endpointAccessMode: "BASIC",
      endpointConfiguration: { types: ["REGIONAL"] },
      customDomainNames: ["orders.api.example.com"],
      tags: { team: "orders", cost: "orders-42" },
    });
  });

  it("parses the backslash-escaped resource policy and normalises it", () => {
    expect(doc.policy).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Deny",
          Principal: "*",
          Action: ["execute-api:Invoke"],
          Resource: ["execute-api:/*"],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ],
    });
  });

  it("has no custom domains and falls back to the item's id without a configuration id", () => {
    const bare = documentOf(
      restApiAdapter,
      invocationItem({ ...restApi, relationships: [], configuration: { name: "orders-api" } }),
    );
    expect(bare).toEqual({ id: API_ID, name: "orders-api", customDomainNames: [], tags: { team: "orders" } });
    expectValid(restApiAdapter, bare);
  });
});

describe("AWS::ApiGateway::Stage", () => {
  const doc = documentOf(stageAdapter, invocationItem(stage));

  it("gives the same document from invocation and API naming", () => {
    expect(documentOf(stageAdapter, apiItem(stage))).toEqual(doc);
  });

  it("satisfies its own document schema", () => expectValid(stageAdapter, doc));

  it("adds restApiId from the stage ARN and keeps method settings keyed as AWS keys them", () => {
    expect(doc.restApiId).toBe(API_ID);
    expect(doc.stageName).toBe("prod");
    expect(doc.methodSettings).toEqual({
      "*/*": { loggingLevel: "ERROR", metricsEnabled: true, dataTraceEnabled: false, throttlingBurstLimit: 5000 },
      "~1orders/POST": { cachingEnabled: true, cacheDataEncrypted: true, cacheTtlInSeconds: 300 },
    });
    expect(doc.tags).toEqual({ env: "prod" });
  });

  describe("recorded SelectResourceConfig response", () => {
    // The recorder wraps the response as {status_code, data}; each Results entry is a JSON string in API naming
    // (configuration already an object) without resourceType, because the query selected only three fields.
    const recorded = JSON.parse(
      readFileSync(join(RECORDED_DIR, "config-select-resource-config-apigateway-stage.json"), "utf8"),
    ) as { status_code: number; data: { Results: string[] } };
    const items = recorded.data.Results.map((r) => ({
      resourceType: "AWS::ApiGateway::Stage",
      ...(JSON.parse(r) as JsonObject),
    }));

    it("holds three stage items", () => {
      expect(recorded.status_code).toBe(200);
      expect(items).toHaveLength(3);
    });

    it.each([
      [0, "3qcpw4j8pi", "dev"],
      [1, "3qcpw4j8pi", "prod"],
      [2, "d2vdh748ta", "api"],
    ])("item %d gives restApiId %s and stageName %s", (i, restApiId, stageName) => {
      const d = documentOf(stageAdapter, items[i]);
      expect(d).toMatchObject({ restApiId, stageName, tags: {} });
      expectValid(stageAdapter, d);
    });

    it("keeps the recorded values as recorded", () => {
      const dev = documentOf(stageAdapter, items[0]);
      expect(dev).toMatchObject({
        clientCertificateId: "3kxqri",
        cacheClusterSize: "0.5",
        tracingEnabled: false,
        variables: {},
        methodSettings: {
          "*/*": {
            throttlingBurstLimit: 5000,
            throttlingRateLimit: 10000,
            requireAuthorizationForCacheControl: true,
            unauthorizedCacheControlHeaderStrategy: "SUCCEED_WITH_RESPONSE_HEADER",
            cachingEnabled: false,
            cacheTtlInSeconds: 300,
          },
        },
      });
      expect(dev.methodSettings).not.toHaveProperty(["*/*", "loggingLevel"]);
      expect(documentOf(stageAdapter, items[2]).methodSettings).toEqual({});
    });
  });
});

describe("AWS::ApiGateway::DomainName", () => {
  const doc = documentOf(domainNameAdapter, apiItem(domainApiNaming));

  it("gives the same document from invocation and API naming", () => {
    expect(documentOf(domainNameAdapter, invocationItem(domainApiNaming))).toEqual(doc);
  });

  it("gives the same document from CloudFormation property naming and API naming", () => {
    expect(documentOf(domainNameAdapter, invocationItem(domainCfnNaming))).toEqual(doc);
    expect(documentOf(domainNameAdapter, apiItem(domainCfnNaming))).toEqual(doc);
  });

  it("satisfies its own document schema", () => expectValid(domainNameAdapter, doc));

  it("is camelCase with tags as a map", () => {
    expect(doc).toEqual({
      domainName: "orders.api.example.com",
      securityPolicy: "TLS_1_2",
      endpointConfiguration: { types: ["REGIONAL"] },
      regionalDomainName: "d-8kq3zt1w7e.execute-api.eu-west-1.amazonaws.com",
      regionalHostedZoneId: "ZLY8HYME6SFDD",
      regionalCertificateArn: `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/4f0c2a9e-7b1d-4c55-9e3a-2d8f6b1a0c77`,
      mutualTlsAuthentication: { truststoreUri: "s3://orders-truststore/truststore.pem", truststoreVersion: "3" },
      tags: { team: "orders" },
    });
  });

  it("takes the domain name from the item when the configuration lacks it", () => {
    const d = documentOf(
      domainNameAdapter,
      invocationItem({ ...domainCfnNaming, configuration: { SecurityPolicy: "TLS_1_0" } }),
    );
    expect(d).toEqual({ domainName: "orders.api.example.com", securityPolicy: "TLS_1_0", tags: {} });
  });
});

describe("AWS::ApiGateway::Method", () => {
  const doc = documentOf(methodAdapter, invocationItem(methodApiNaming));

  it("gives the same document from invocation and API naming", () => {
    expect(documentOf(methodAdapter, apiItem(methodApiNaming))).toEqual(doc);
  });

  it("gives the same document from CloudFormation property naming", () => {
    expect(documentOf(methodAdapter, invocationItem(methodCfnNaming))).toEqual(doc);
    expect(documentOf(methodAdapter, apiItem(methodCfnNaming))).toEqual(doc);
  });

  it("satisfies its own document schema", () => expectValid(methodAdapter, doc));

  it("parses restApiId, resourceId and httpMethod from the method ARN and keeps only listed properties", () => {
    expect(doc).toEqual({
      restApiId: API_ID,
      resourceId: "3f9ab1",
      httpMethod: "GET",
      authorizationType: "AWS_IAM",
      apiKeyRequired: false,
      methodIntegration: {
        type: "HTTP_PROXY",
        httpMethod: "GET",
        uri: "https://orders.internal.example.com/v1/orders/{orderId}",
        connectionType: "INTERNET",
        passthroughBehavior: "WHEN_NO_MATCH",
        timeoutInMillis: 29000,
        tlsConfig: { insecureSkipVerification: false },
      },
      tags: {},
    });
  });
});

describe("shapeBySchema", () => {
  const schema = {
    type: "object",
    properties: {
      flag: { type: "boolean" },
      size: { type: "number" },
      label: { type: "string" },
      list: { type: "array", items: { type: "string" } },
      map: { type: "object", additionalProperties: { type: "object", properties: { on: { type: "boolean" } } } },
    },
  };

  it("coerces to the schema's types and drops what the schema does not list", () => {
    expect(
      shapeBySchema(schema, {
        flag: "True",
        size: "0.5",
        label: 7,
        list: ["a", { no: 1 }],
        map: { "*/*": { on: "false", extra: 1 } },
        unknown: "x",
      }),
    ).toEqual({ flag: true, size: 0.5, label: "7", list: ["a"], map: { "*/*": { on: false } } });
  });

  it("reads PascalCase names only when asked, and never renames map keys", () => {
    const raw = { Flag: true, Map: { Key: { On: true } } };
    expect(shapeBySchema(schema, raw)).toEqual({});
    expect(shapeBySchema(schema, raw, { pascal: true })).toEqual({ flag: true, map: { Key: { on: true } } });
  });
});
