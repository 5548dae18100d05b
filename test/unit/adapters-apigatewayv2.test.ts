import type { GetApiResponse, GetDomainNameResponse, GetStageResponse } from "@aws-sdk/client-apigatewayv2";
import { UnknownValue } from "../../lib/cloudformation/unknown";
import { adapter as restDomainAdapter } from "../../lib/resources/types/aws-apigateway-domainname";
import { adapter as restStageAdapter } from "../../lib/resources/types/aws-apigateway-stage";
import { adapter as apiAdapter } from "../../lib/resources/types/aws-apigatewayv2-api";
import { adapter as domainAdapter } from "../../lib/resources/types/aws-apigatewayv2-domainname";
import { adapter as stageAdapter } from "../../lib/resources/types/aws-apigatewayv2-stage";
import { describedItem } from "../../lib/resources/described";
import type { JsonObject } from "../../lib/util/json";
import { docOf, expectSchemaValid, templateDoc, trail } from "../helpers/adapter-sources";

/*
 * API Gateway v2's four sources hold one document. Config shapes: the Config resource schemas
 * (awslabs/aws-config-resource-schema AWS::ApiGatewayV2::Api, AWS::ApiGatewayV2::Stage .properties.json; Config
 * does not record AWS::ApiGatewayV2::DomainName); SDK shapes: API Gateway V2 API Reference GetApi, GetStage,
 * GetDomainName, GetApiMappings (members as moto returns them, test/integration/apigatewayv2.test.ts); templates:
 * the CloudFormation reference of each type; CloudTrail: "Logging API Gateway API calls with AWS CloudTrail", the
 * v2 layout INFERRED from the recorded REST CreateStage.
 */

const ACCT = "111122223333";
const REGION = "eu-west-1";
const API_ID = "k7x2p9q4zt";
const CERT = `arn:aws:acm:${REGION}:${ACCT}:certificate/4f0c2a9e-7b1d-4c55-9e3a-2d8f6b1a0c77`;
const LOG = `arn:aws:logs:${REGION}:${ACCT}:log-group:/aws/apigateway/orders-http/prod-access`;

function configItem(
  resourceType: string,
  resourceId: string,
  resourceName: string,
  arn: string,
  configuration: JsonObject,
  tags: Record<string, string>,
): JsonObject {
  return {
    configurationItemVersion: "1.3",
    configurationItemCaptureTime: "2026-11-02T13:27:10.661Z",
    configurationStateId: 1793626030661,
    awsAccountId: ACCT,
    configurationItemStatus: "OK",
    resourceType,
    resourceId,
    resourceName,
    ARN: arn,
    awsRegion: REGION,
    availabilityZone: "Not Applicable",
    configurationStateMd5Hash: "",
    relatedEvents: [],
    relationships: [],
    configuration,
    supplementaryConfiguration: {},
    tags,
  };
}

/** The same item as GetResourceConfigHistory returns it: `configuration` as a JSON string, `arn`, `accountId`. */
function apiNaming(invocation: JsonObject): JsonObject {
  const {
    ARN,
    awsAccountId,
    configurationItemVersion,
    configurationStateMd5Hash: _md5,
    configuration,
    ...rest
  } = invocation;
  return {
    ...rest,
    version: configurationItemVersion,
    accountId: awsAccountId,
    arn: ARN,
    configurationStateId: String(rest.configurationStateId),
    configuration: JSON.stringify(configuration),
    recordingFrequency: "CONTINUOUS",
  };
}

// ---- AWS::ApiGatewayV2::Api --------------------------------------------------------------------------------------

const apiArn = `arn:aws:apigateway:${REGION}::/apis/${API_ID}`;
const apiRef = { type: "AWS::ApiGatewayV2::Api", id: API_ID, region: REGION, accountId: ACCT, arn: apiArn };
const apiItem = configItem(
  "AWS::ApiGatewayV2::Api",
  API_ID,
  "orders-http",
  apiArn,
  {
    apiId: API_ID,
    name: "orders-http",
    protocolType: "HTTP",
    apiEndpoint: `https://${API_ID}.execute-api.${REGION}.amazonaws.com`,
    apiKeySelectionExpression: "$request.header.x-api-key",
    routeSelectionExpression: "$request.method $request.path",
    disableExecuteApiEndpoint: false,
    description: "orders",
    corsConfiguration: { allowOrigins: ["https://shop.example.com"], allowMethods: ["GET", "POST"], maxAge: 300 },
    createdDate: "2026-03-02T10:39:51Z",
  },
  { team: "orders" },
);
const getApi: GetApiResponse = {
  ApiEndpoint: `https://${API_ID}.execute-api.${REGION}.amazonaws.com`,
  ApiId: API_ID,
  ApiKeySelectionExpression: "$request.header.x-api-key",
  CreatedDate: new Date("2026-03-02T10:39:51Z"),
  Description: "orders",
  DisableExecuteApiEndpoint: false,
  Name: "orders-http",
  ProtocolType: "HTTP",
  RouteSelectionExpression: "$request.method $request.path",
  CorsConfiguration: { AllowOrigins: ["https://shop.example.com"], AllowMethods: ["GET", "POST"], MaxAge: 300 },
  Tags: { team: "orders" },
};

describe("AWS::ApiGatewayV2::Api", () => {
  const fromConfig = docOf(apiAdapter, apiItem);

  it("holds one document across Config (both namings), a describe and a template", () => {
    expect(fromConfig).toEqual({
      apiId: API_ID,
      name: "orders-http",
      protocolType: "HTTP",
      apiEndpoint: `https://${API_ID}.execute-api.${REGION}.amazonaws.com`,
      apiKeySelectionExpression: "$request.header.x-api-key",
      routeSelectionExpression: "$request.method $request.path",
      disableExecuteApiEndpoint: false,
      description: "orders",
      corsConfiguration: { allowOrigins: ["https://shop.example.com"], allowMethods: ["GET", "POST"], maxAge: 300 },
      tags: { team: "orders" },
    });
    expectSchemaValid(apiAdapter, fromConfig);
    expect(docOf(apiAdapter, apiNaming(apiItem))).toEqual(fromConfig);
    // No custom domain mapped: the describe's document is the Config item's.
    const other = { domainName: "catalog.api.example.com", items: [{ ApiId: "m3n8v1c6rd", Stage: "prod" }] };
    expect(apiAdapter.fromDescribe?.({ ref: apiRef, GetApi: getApi, GetApiMappings: [other] })).toEqual(fromConfig);
    const doc = templateDoc(
      apiAdapter,
      `Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      Name: orders-http
      ProtocolType: HTTP
      Description: orders
      DisableExecuteApiEndpoint: false
      RouteSelectionExpression: $request.method $request.path
      ApiKeySelectionExpression: $request.header.x-api-key
      CorsConfiguration: { AllowOrigins: [https://shop.example.com], AllowMethods: [GET, POST], MaxAge: 300 }
      Tags: { team: orders }
`,
      "Api",
    );
    expect(doc.apiId).toBeInstanceOf(UnknownValue);
    const { apiId: _id, apiEndpoint: _e, ...deployed } = fromConfig;
    const { apiId: _tid, ...fromTemplate } = doc;
    expect(fromTemplate).toEqual(deployed);
  });

  it("knows the custom domains from a describe and a template; a Config item never has them", () => {
    const mappings = [
      { domainName: "orders.api.example.com", items: [{ ApiId: API_ID, ApiMappingId: "5c2d5", Stage: "prod" }] },
      { domainName: "catalog.api.example.com", items: [{ ApiId: "m3n8v1c6rd", Stage: "prod" }] },
      { domainName: "alias.example.com", items: [] },
    ];
    const described = apiAdapter.fromDescribe?.({ ref: apiRef, GetApi: getApi, GetApiMappings: mappings });
    expect(described).toEqual({ ...fromConfig, customDomainNames: ["orders.api.example.com"] });
    expectSchemaValid(apiAdapter, described);
    expect(fromConfig).not.toHaveProperty("customDomainNames");
    const doc = templateDoc(
      apiAdapter,
      `Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties: { Name: orders-http, ProtocolType: HTTP }
  Domain:
    Type: AWS::ApiGatewayV2::DomainName
    Properties:
      DomainName: orders.api.example.com
      DomainNameConfigurations: [{ CertificateArn: ${CERT}, EndpointType: REGIONAL, SecurityPolicy: TLS_1_2 }]
  Mapping:
    Type: AWS::ApiGatewayV2::ApiMapping
    Properties: { ApiId: !Ref Api, DomainName: !Ref Domain, Stage: prod }
`,
      "Api",
    );
    expect(doc.customDomainNames).toEqual(["orders.api.example.com"]);
  });

  it("names the API of a CloudTrail call, and only v2 calls", () => {
    expect(
      apiAdapter.fromCloudTrail?.(trail("apigateway.amazonaws.com", "UpdateApi", { apiId: API_ID }, null)),
    ).toEqual([apiRef]);
    const created = trail("apigateway.amazonaws.com", "CreateApi", { name: "orders-http" }, { apiId: API_ID });
    expect(apiAdapter.fromCloudTrail?.(created)).toEqual([apiRef]);
    const tagged = trail("apigateway.amazonaws.com", "TagResource", { resourceArn: apiArn, tags: { a: "b" } }, null);
    expect(apiAdapter.fromCloudTrail?.(tagged)).toEqual([apiRef]);
    const rest = trail("apigateway.amazonaws.com", "UpdateRestApi", { restApiId: API_ID }, null);
    expect(apiAdapter.fromCloudTrail?.(rest)).toEqual([]);
    const odd = trail("apigateway.amazonaws.com", "UpdateApi", { apiId: "../x" }, null);
    expect(apiAdapter.fromCloudTrail?.(odd)).toEqual([]);
  });

  it("does not throw on a malformed item", () => {
    const doc = docOf(apiAdapter, {
      ...apiItem,
      configuration: { apiId: 7, disableExecuteApiEndpoint: "yes", corsConfiguration: "x" },
      relationships: [{ resourceType: "AWS::ApiGatewayV2::DomainName" }],
    });
    expect(doc).toEqual({ apiId: API_ID, name: "orders-http", tags: { team: "orders" } });
  });
});

// ---- AWS::ApiGatewayV2::Stage ------------------------------------------------------------------------------------

const stageArn = `arn:aws:apigateway:${REGION}::/apis/${API_ID}/stages/prod`;
const stageRef = { type: "AWS::ApiGatewayV2::Stage", id: stageArn, region: REGION, accountId: ACCT, arn: stageArn };
const stageItem = configItem(
  "AWS::ApiGatewayV2::Stage",
  stageArn,
  "prod",
  stageArn,
  {
    stageName: "prod",
    deploymentId: "q8w2e4",
    description: "production",
    autoDeploy: true,
    accessLogSettings: { destinationArn: LOG, format: "$context.requestId" },
    defaultRouteSettings: { detailedMetricsEnabled: true, throttlingBurstLimit: 500, throttlingRateLimit: 1000.0 },
    createdDate: "2026-03-02T10:41:07Z",
    lastUpdatedDate: "2026-10-28T16:03:55Z",
  },
  { team: "orders" },
);
const getStage: GetStageResponse = {
  AccessLogSettings: { DestinationArn: LOG, Format: "$context.requestId" },
  AutoDeploy: true,
  CreatedDate: new Date("2026-03-02T10:41:07Z"),
  DefaultRouteSettings: { DetailedMetricsEnabled: true, ThrottlingBurstLimit: 500, ThrottlingRateLimit: 1000 },
  DeploymentId: "q8w2e4",
  Description: "production",
  LastUpdatedDate: new Date("2026-10-28T16:03:55Z"),
  RouteSettings: {},
  StageName: "prod",
  StageVariables: {},
  Tags: { team: "orders" },
};

describe("AWS::ApiGatewayV2::Stage", () => {
  const fromConfig = docOf(stageAdapter, stageItem);

  it("holds one document across Config (both namings), a describe and a template", () => {
    expect(fromConfig).toEqual({
      apiId: API_ID,
      stageName: "prod",
      deploymentId: "q8w2e4",
      description: "production",
      autoDeploy: true,
      accessLogSettings: { destinationArn: LOG, format: "$context.requestId" },
      defaultRouteSettings: { detailedMetricsEnabled: true, throttlingBurstLimit: 500, throttlingRateLimit: 1000 },
      tags: { team: "orders" },
    });
    expectSchemaValid(stageAdapter, fromConfig);
    expect(docOf(stageAdapter, apiNaming(stageItem))).toEqual(fromConfig);
    expect(stageAdapter.fromDescribe?.({ ref: stageRef, GetStage: getStage })).toEqual(fromConfig);
    const doc = templateDoc(
      stageAdapter,
      `Resources:
  Stage:
    Type: AWS::ApiGatewayV2::Stage
    Properties:
      ApiId: ${API_ID}
      StageName: prod
      DeploymentId: q8w2e4
      Description: production
      AutoDeploy: true
      AccessLogSettings: { DestinationArn: ${LOG}, Format: $context.requestId }
      DefaultRouteSettings: { DetailedMetricsEnabled: true, ThrottlingBurstLimit: 500, ThrottlingRateLimit: 1000 }
      Tags: { team: orders }
`,
      "Stage",
    );
    expect(doc).toEqual(fromConfig);
  });

  it("reads a stage without access logging the same way from each source", () => {
    const { accessLogSettings: _a, ...plain } = stageItem.configuration as JsonObject;
    const expected = docOf(stageAdapter, { ...stageItem, configuration: plain });
    expect(expected).not.toHaveProperty("accessLogSettings");
    const { AccessLogSettings: _s, ...stage } = getStage;
    expect(stageAdapter.fromDescribe?.({ ref: stageRef, GetStage: stage })).toEqual(expected);
  });

  it("names the stage of a v2 CloudTrail call, never a REST one", () => {
    const update = trail(
      "apigateway.amazonaws.com",
      "UpdateStage",
      { apiId: API_ID, stageName: "prod", accessLogSettings: { destinationArn: LOG, format: "$context.requestId" } },
      null,
    );
    expect(stageAdapter.fromCloudTrail?.(update)).toEqual([stageRef]);
    const nested = trail(
      "apigateway.amazonaws.com",
      "CreateStage",
      { apiId: API_ID, createStageInput: { stageName: "prod", autoDeploy: true } },
      null,
    );
    expect(stageAdapter.fromCloudTrail?.(nested)).toEqual([stageRef]);
    const tagged = trail("apigateway.amazonaws.com", "TagResource", { resourceArn: stageArn, tags: {} }, null);
    expect(stageAdapter.fromCloudTrail?.(tagged)).toEqual([stageRef]);
    const rest = trail(
      "apigateway.amazonaws.com",
      "CreateStage",
      { restApiId: API_ID, createStageInput: { stageName: "prod", deploymentId: "r2pi2v" } },
      null,
    );
    expect(stageAdapter.fromCloudTrail?.(rest)).toEqual([]);
    // ...and the REST stage adapter does not take the v2 call.
    expect(restStageAdapter.fromCloudTrail?.(update)).toEqual([]);
    expect(stageAdapter.fromCloudTrail?.({ ...update, requestParameters: { apiId: "a/b", stageName: "x" } })).toEqual(
      [],
    );
  });

  it("does not throw on a malformed item", () => {
    const doc = docOf(stageAdapter, {
      ...stageItem,
      configuration: { accessLogSettings: "on", defaultRouteSettings: { throttlingRateLimit: "x" }, autoDeploy: [] },
    });
    expect(doc).toEqual({ apiId: API_ID, stageName: "prod", defaultRouteSettings: {}, tags: { team: "orders" } });
  });
});

// ---- AWS::ApiGatewayV2::DomainName -------------------------------------------------------------------------------

const DOMAIN = "orders.api.example.com";
const domainArn = `arn:aws:apigateway:${REGION}::/domainnames/${DOMAIN}`;
const domainRef = {
  type: "AWS::ApiGatewayV2::DomainName",
  id: DOMAIN,
  region: REGION,
  accountId: ACCT,
  arn: domainArn,
};
const getDomain: GetDomainNameResponse = {
  ApiMappingSelectionExpression: "$request.basepath",
  DomainName: DOMAIN,
  DomainNameArn: domainArn,
  DomainNameConfigurations: [
    {
      ApiGatewayDomainName: "d-8kq3zt1w7e.execute-api.eu-west-1.amazonaws.com",
      CertificateArn: CERT,
      DomainNameStatus: "AVAILABLE",
      EndpointType: "REGIONAL",
      HostedZoneId: "ZLY8HYME6SFDD",
      IpAddressType: "ipv4",
      SecurityPolicy: "TLS_1_2",
    },
  ],
  Tags: { team: "orders" },
};

describe("AWS::ApiGatewayV2::DomainName (not recorded by AWS Config)", () => {
  const fromDescribe = domainAdapter.fromDescribe?.({ ref: domainRef, GetDomainName: getDomain }) as JsonObject;

  it("holds one document across a describe and a template", () => {
    expect(fromDescribe).toEqual({
      domainName: DOMAIN,
      domainNameArn: domainArn,
      apiMappingSelectionExpression: "$request.basepath",
      domainNameConfigurations: [
        {
          apiGatewayDomainName: "d-8kq3zt1w7e.execute-api.eu-west-1.amazonaws.com",
          certificateArn: CERT,
          domainNameStatus: "AVAILABLE",
          endpointType: "REGIONAL",
          hostedZoneId: "ZLY8HYME6SFDD",
          ipAddressType: "ipv4",
          securityPolicy: "TLS_1_2",
        },
      ],
      tags: { team: "orders" },
    });
    expectSchemaValid(domainAdapter, fromDescribe);
    // A describe reaches fromConfigItem as Guardrail's described item; the same in the API's camelCase.
    const camel = describedItem(domainRef, {
      configuration: JSON.parse(JSON.stringify(fromDescribe)) as JsonObject,
      tags: { team: "orders" },
    });
    expect(domainAdapter.fromConfigItem(camel)).toEqual(fromDescribe);
    const doc = templateDoc(
      domainAdapter,
      `Resources:
  Domain:
    Type: AWS::ApiGatewayV2::DomainName
    Properties:
      DomainName: ${DOMAIN}
      DomainNameConfigurations:
        - { CertificateArn: ${CERT}, EndpointType: REGIONAL, IpAddressType: ipv4, SecurityPolicy: TLS_1_2 }
      Tags: { team: orders }
`,
      "Domain",
    );
    const { domainNameArn: _a, apiMappingSelectionExpression: _s, ...deployed } = fromDescribe;
    const [first] = deployed.domainNameConfigurations as JsonObject[];
    expect(doc).toEqual({
      ...deployed,
      domainNameConfigurations: [
        { certificateArn: CERT, endpointType: "REGIONAL", ipAddressType: "ipv4", securityPolicy: "TLS_1_2" },
      ],
    });
    expect(first?.securityPolicy).toBe("TLS_1_2");
  });

  it("names the domain of a v2 CloudTrail call; a REST body is left to the REST domain", () => {
    const v2 = trail(
      "apigateway.amazonaws.com",
      "UpdateDomainName",
      {
        domainName: DOMAIN,
        domainNameConfigurations: [{ certificateArn: CERT, endpointType: "REGIONAL", securityPolicy: "TLS_1_2" }],
      },
      null,
    );
    expect(domainAdapter.fromCloudTrail?.(v2)).toEqual([domainRef]);
    const rest = trail(
      "apigateway.amazonaws.com",
      "UpdateDomainName",
      { domainName: DOMAIN, patchOperations: [{ op: "replace", path: "/securityPolicy", value: "TLS_1_2" }] },
      null,
    );
    expect(domainAdapter.fromCloudTrail?.(rest)).toEqual([]);
    expect(restDomainAdapter.fromCloudTrail?.(rest)).toHaveLength(1);
    const mapping = trail("apigateway.amazonaws.com", "CreateApiMapping", { domainName: DOMAIN, apiId: API_ID }, null);
    expect(domainAdapter.fromCloudTrail?.(mapping)).toEqual([domainRef]);
    expect(apiAdapter.fromCloudTrail?.(mapping)).toEqual([apiRef]);
    expect(domainAdapter.fromCloudTrail?.({ ...v2, eventSource: "acm.amazonaws.com" })).toEqual([]);
  });

  it("does not throw on a malformed describe", () => {
    const doc = domainAdapter.fromDescribe?.({
      ref: domainRef,
      GetDomainName: { DomainNameConfigurations: "x", Tags: [] } as unknown as GetDomainNameResponse,
    });
    expect(doc).toEqual({ domainName: DOMAIN, domainNameConfigurations: [], tags: {} });
  });
});
