import {
  APIGatewayClient,
  GetBasePathMappingsCommand,
  GetDomainNameCommand,
  GetDomainNamesCommand,
  GetMethodCommand,
  GetRestApiCommand,
  GetStageCommand,
  NotFoundException,
} from "@aws-sdk/client-api-gateway";
import {
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTagsOfResourceCommand,
  ResourceNotFoundException as DynamoDBNotFound,
} from "@aws-sdk/client-dynamodb";
import {
  GetFunctionConcurrencyCommand,
  GetFunctionConfigurationCommand,
  GetPolicyCommand,
  LambdaClient,
  ListTagsCommand,
  ResourceNotFoundException as LambdaNotFound,
} from "@aws-sdk/client-lambda";
import {
  GetBucketEncryptionCommand,
  GetBucketLoggingCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  NoSuchBucket,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import {
  GetTopicAttributesCommand,
  ListTagsForResourceCommand,
  NotFoundException as SNSNotFound,
  SNSClient,
} from "@aws-sdk/client-sns";
import { GetQueueAttributesCommand, ListQueueTagsCommand, QueueDoesNotExist, SQSClient } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-jest";
import { canDescribe, describeResource, UnsupportedDescribeError } from "../../lib/resources/describe";
import { camelKey, isoTime, plainJson } from "../../lib/resources/described";
import { DESCRIBER_LOADERS } from "../../lib/resources/types/describers";
import { createPolicyAjv } from "../../lib/policy/ajv";
import type { Described, ResourceAdapter, ResourceRef } from "../../lib/resources/adapter";
import { toConfigItem } from "../../lib/resources/config-item";
import { resourceAdapters } from "../../lib/resources/registry";
import { adapter as domainNameAdapter } from "../../lib/resources/types/aws-apigateway-domainname";
import { adapter as methodAdapter } from "../../lib/resources/types/aws-apigateway-method";
import { adapter as restApiAdapter } from "../../lib/resources/types/aws-apigateway-restapi";
import { adapter as stageAdapter } from "../../lib/resources/types/aws-apigateway-stage";
import { adapter as tableAdapter } from "../../lib/resources/types/aws-dynamodb-table";
import { adapter as functionAdapter } from "../../lib/resources/types/aws-lambda-function";
import { adapter as bucketAdapter } from "../../lib/resources/types/aws-s3-bucket";
import { adapter as topicAdapter } from "../../lib/resources/types/aws-sns-topic";
import { adapter as queueAdapter } from "../../lib/resources/types/aws-sqs-queue";
import type { JsonObject } from "../../lib/util/json";
import { recorded } from "../helpers/recorded";

/*
 * fromDescribe == fromConfigItem. Each case builds a configuration item in a real shape (invocation naming, as
 * Config delivers it to rules and EventBridge: the recorded SQS item of
 * test/fixtures/aws-recorded/eventbridge-config-item-change-sqs-queue.json as it is, and items shaped like the
 * recorded Stage items and the adapters' own test items for the other types) and, from the SAME values, the SDK
 * responses a live describe gets (the SDK v3 output shapes: PascalCase for SQS, SNS, S3, Lambda and DynamoDB, Date
 * objects for timestamps, tags as each API returns them), then requires the two documents to be equal.
 *
 * The describe functions run against aws-sdk-client-mock, which asserts the exact commands and inputs, including
 * the "not found" answers that mean "gone" or "this sub-resource is not set".
 */

const ACCOUNT = "111122223333";
const REGION = "eu-west-1";

function item(
  resourceType: string,
  resourceId: string,
  arn: string,
  configuration: JsonObject,
  extra: {
    supplementaryConfiguration?: JsonObject;
    tags?: Record<string, string>;
    resourceName?: string;
    relationships?: JsonObject[];
  } = {},
): JsonObject {
  return {
    configurationItemVersion: "1.3",
    configurationItemCaptureTime: "2026-11-02T09:14:03.120Z",
    configurationStateId: 1793610843120,
    awsAccountId: ACCOUNT,
    configurationItemStatus: "OK",
    resourceType,
    resourceId,
    resourceName: extra.resourceName ?? resourceId,
    ARN: arn,
    awsRegion: REGION,
    availabilityZone: "Not Applicable",
    configurationStateMd5Hash: "",
    relatedEvents: [],
    relationships: extra.relationships ?? [],
    configuration,
    supplementaryConfiguration: extra.supplementaryConfiguration ?? {},
    tags: extra.tags ?? {},
  };
}

const ref = (type: string, id: string, arn?: string, region = REGION, accountId = ACCOUNT): ResourceRef => ({
  type,
  id,
  region,
  accountId,
  ...(arn ? { arn } : {}),
});

const fromItem = (adapter: ResourceAdapter, raw: JsonObject) => adapter.fromConfigItem(toConfigItem(raw));
function fromDescribe(adapter: ResourceAdapter, described: Described): JsonObject {
  if (!adapter.fromDescribe) throw new Error(`${adapter.type} has no fromDescribe`);
  return adapter.fromDescribe(described);
}

// ---- API Gateway ---------------------------------------------------------------------------------------------

const API_ID = "k7x2p9q4zt";
const REST_API_ARN = `arn:aws:apigateway:${REGION}::/restapis/${API_ID}`;
const STAGE_ARN = `${REST_API_ARN}/stages/prod`;
const METHOD_ARN = `${REST_API_ARN}/resources/3f9ab1/methods/GET`;
const DOMAIN = "orders.api.example.com";
const DOMAIN_ARN = `arn:aws:apigateway:${REGION}::/domainnames/${DOMAIN}`;
// GetRestApi delivers the resource policy with its quotes backslash-escaped (see the RestApi adapter).
const ESCAPED_POLICY =
  '{\\"Version\\":\\"2012-10-17\\",\\"Statement\\":[{\\"Effect\\":\\"Deny\\",\\"Principal\\":\\"*\\",\\"Action\\":\\"execute-api:Invoke\\",\\"Resource\\":\\"execute-api:/*\\",\\"Condition\\":{\\"Bool\\":{\\"aws:SecureTransport\\":\\"false\\"}}}]}';
const apiTags = { team: "orders", cost: "orders-42" };

const restApiItem = item(
  "AWS::ApiGateway::RestApi",
  API_ID,
  REST_API_ARN,
  {
    id: API_ID,
    name: "orders-api",
    createdDate: "2026-03-02T10:39:51Z",
    apiKeySource: "HEADER",
    endpointConfiguration: { types: ["REGIONAL"] },
    disableExecuteApiEndpoint: true,
    securityPolicy: "TLS_1_2",
    endpointAccessMode: "BASIC",
    rootResourceId: "a1b2c3d4e5",
    policy: ESCAPED_POLICY,
    tags: apiTags,
  },
  {
    resourceName: "orders-api",
    tags: apiTags,
    relationships: [
      { resourceType: "AWS::ApiGateway::Stage", resourceId: STAGE_ARN, resourceName: "prod", name: "Contains Stage" },
      {
        resourceType: "AWS::ApiGateway::DomainName",
        resourceId: DOMAIN,
        resourceName: DOMAIN,
        name: "Is associated with DomainName",
      },
    ],
  },
);
const getRestApi = {
  id: API_ID,
  name: "orders-api",
  createdDate: new Date("2026-03-02T10:39:51Z"),
  apiKeySource: "HEADER" as const,
  endpointConfiguration: { types: ["REGIONAL" as const] },
  disableExecuteApiEndpoint: true,
  securityPolicy: "TLS_1_2" as const,
  endpointAccessMode: "BASIC" as const,
  rootResourceId: "a1b2c3d4e5",
  policy: ESCAPED_POLICY,
  tags: apiTags,
};
const basePathMappings = [
  { domainName: DOMAIN, items: [{ basePath: "(none)", restApiId: API_ID, stage: "prod" }] },
  { domainName: "catalog.api.example.com", items: [{ basePath: "v1", restApiId: "zz9yy8xx7w", stage: "prod" }] },
];

const stageConfiguration = {
  stageName: "prod",
  deploymentId: "r2pi2v",
  clientCertificateId: "3kxqri",
  cacheClusterEnabled: false,
  cacheClusterSize: "0.5",
  cacheClusterStatus: "NOT_AVAILABLE",
  tracingEnabled: true,
  accessLogSettings: {
    destinationArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:orders-access`,
    format: "$context.requestId",
  },
  methodSettings: {
    "*/*": {
      loggingLevel: "ERROR",
      metricsEnabled: true,
      dataTraceEnabled: false,
      throttlingBurstLimit: 5000.0,
      throttlingRateLimit: 10000.0,
    },
    "~1orders/POST": { cachingEnabled: true, cacheDataEncrypted: true, cacheTtlInSeconds: 300.0 },
  },
  variables: { backendHost: "orders.internal.example.com" },
  createdDate: "2026-03-02T10:41:07Z",
  lastUpdatedDate: "2026-10-28T16:03:55Z",
};
const stageItem = item("AWS::ApiGateway::Stage", STAGE_ARN, STAGE_ARN, stageConfiguration, {
  resourceName: "prod",
  tags: { env: "prod" },
});
const getStage = {
  ...stageConfiguration,
  cacheClusterSize: "0.5" as const,
  cacheClusterStatus: "NOT_AVAILABLE" as const,
  createdDate: new Date("2026-03-02T10:41:07Z"),
  lastUpdatedDate: new Date("2026-10-28T16:03:55Z"),
  tags: { env: "prod" },
};

const domainConfiguration = {
  domainName: DOMAIN,
  domainNameArn: DOMAIN_ARN,
  securityPolicy: "TLS_1_0",
  endpointConfiguration: { types: ["REGIONAL"] },
  regionalDomainName: "d-8kq3zt1w7e.execute-api.eu-west-1.amazonaws.com",
  regionalHostedZoneId: "ZLY8HYME6SFDD",
  regionalCertificateArn: `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/4f0c2a9e-7b1d-4c55-9e3a-2d8f6b1a0c77`,
  domainNameStatus: "AVAILABLE",
  mutualTlsAuthentication: { truststoreUri: "s3://orders-truststore/truststore.pem", truststoreVersion: "3" },
  tags: { team: "orders" },
};
const domainItem = item("AWS::ApiGateway::DomainName", DOMAIN, DOMAIN_ARN, domainConfiguration, {
  tags: { team: "orders" },
});
const getDomainName = {
  ...domainConfiguration,
  securityPolicy: "TLS_1_0" as const,
  endpointConfiguration: { types: ["REGIONAL" as const] },
  domainNameStatus: "AVAILABLE" as const,
};

const methodConfiguration = {
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
};
const methodItem = item("AWS::ApiGateway::Method", METHOD_ARN, METHOD_ARN, methodConfiguration, {
  resourceName: "GET",
});
const getMethod = {
  ...methodConfiguration,
  methodIntegration: {
    ...methodConfiguration.methodIntegration,
    type: "HTTP_PROXY" as const,
    connectionType: "INTERNET" as const,
  },
};

// ---- SQS: the recorded item, as it is --------------------------------------------------------------------------

const sqsEvent = recorded<{ detail: { configurationItem: JsonObject } }>(
  "eventbridge-config-item-change-sqs-queue.json",
);
const queueItem = sqsEvent.detail.configurationItem;
const QUEUE_URL = queueItem.resourceId as string;
const queueRef = ref("AWS::SQS::Queue", QUEUE_URL, undefined, "us-east-1", "662108712480");

// ---- SNS, S3, Lambda, DynamoDB ----------------------------------------------------------------------------------

const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:orders-events`;
const topicPolicy = JSON.stringify({
  Version: "2008-10-17",
  Id: "__default_policy_ID",
  Statement: [
    {
      Sid: "__default_statement_ID",
      Effect: "Allow",
      Principal: { AWS: "*" },
      Action: ["SNS:Publish", "SNS:Subscribe"],
      Resource: TOPIC_ARN,
      Condition: { StringEquals: { "AWS:SourceOwner": ACCOUNT } },
    },
  ],
});
// Config records counters as numbers (recorded test_sns_config); GetTopicAttributes answers with strings.
const topicItem = item(
  "AWS::SNS::Topic",
  TOPIC_ARN,
  TOPIC_ARN,
  {
    TopicArn: TOPIC_ARN,
    Owner: ACCOUNT,
    DisplayName: "",
    SubscriptionsConfirmed: 2,
    SubscriptionsPending: 0,
    SubscriptionsDeleted: 0,
    KmsMasterKeyId: "alias/aws/sns",
    Policy: topicPolicy,
    EffectiveDeliveryPolicy: '{"http":{"defaultHealthyRetryPolicy":{"numRetries":3}}}',
  },
  { supplementaryConfiguration: { Tags: [{ key: "team", value: "commerce" }] }, tags: { team: "commerce" } },
);
const getTopicAttributes = {
  Attributes: {
    TopicArn: TOPIC_ARN,
    Owner: ACCOUNT,
    DisplayName: "",
    SubscriptionsConfirmed: "2",
    SubscriptionsPending: "0",
    SubscriptionsDeleted: "0",
    KmsMasterKeyId: "alias/aws/sns",
    Policy: topicPolicy,
    EffectiveDeliveryPolicy: '{"http":{"defaultHealthyRetryPolicy":{"numRetries":3}}}',
  },
};

const BUCKET = "acme-orders-archive";
const bucketPolicy = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
  ],
});
const bucketItem = item(
  "AWS::S3::Bucket",
  BUCKET,
  `arn:aws:s3:::${BUCKET}`,
  { name: BUCKET, owner: { displayName: null, id: "7f3c9a2b1d4e5f60" }, creationDate: "2025-03-14T10:22:41.000Z" },
  {
    supplementaryConfiguration: {
      AccessControlList: '{"grantSet":null,"grantList":[],"owner":{"displayName":null,"id":"7f3c9a2b1d4e5f60"}}',
      BucketLoggingConfiguration: { destinationBucketName: "acme-access-logs", logFilePrefix: `${BUCKET}/` },
      BucketPolicy: { policyText: bucketPolicy },
      BucketVersioningConfiguration: { status: "Enabled", isMfaDeleteEnabled: null },
      IsRequesterPaysEnabled: false,
      PublicAccessBlockConfiguration: {
        blockPublicAcls: true,
        ignorePublicAcls: true,
        blockPublicPolicy: true,
        restrictPublicBuckets: false,
      },
      ServerSideEncryptionConfiguration: {
        rules: [
          {
            applyServerSideEncryptionByDefault: {
              sseAlgorithm: "aws:kms",
              kmsMasterKeyID: `arn:aws:kms:${REGION}:${ACCOUNT}:key/9d4e`,
            },
            bucketKeyEnabled: true,
          },
        ],
      },
    },
    tags: { team: "data-platform" },
  },
);
const bucketDescribed = {
  GetBucketVersioning: { Status: "Enabled" as const },
  GetBucketPolicy: { Policy: bucketPolicy },
  GetPublicAccessBlock: {
    PublicAccessBlockConfiguration: {
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: false,
    },
  },
  GetBucketEncryption: {
    ServerSideEncryptionConfiguration: {
      Rules: [
        {
          ApplyServerSideEncryptionByDefault: {
            SSEAlgorithm: "aws:kms" as const,
            KMSMasterKeyID: `arn:aws:kms:${REGION}:${ACCOUNT}:key/9d4e`,
          },
          BucketKeyEnabled: true,
        },
      ],
    },
  },
  GetBucketLogging: { LoggingEnabled: { TargetBucket: "acme-access-logs", TargetPrefix: `${BUCKET}/` } },
  GetBucketTagging: { TagSet: [{ Key: "team", Value: "data-platform" }] },
};

const FN_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:orders-api`;
const fnPolicy = JSON.stringify({
  Version: "2012-10-17",
  Id: "default",
  Statement: [
    {
      Sid: "apigateway-invoke",
      Effect: "Allow",
      Principal: { Service: "apigateway.amazonaws.com" },
      Action: "lambda:InvokeFunction",
      Resource: FN_ARN,
      Condition: { ArnLike: { "AWS:SourceArn": `arn:aws:execute-api:${REGION}:${ACCOUNT}:${API_ID}/*/POST/orders` } },
    },
  ],
});
// Config's spellings (recorded test_aws_lambda_config_source and the Config resource schema): floats, `kmskeyArn`,
// `state: {value}`; the API's: PascalCase, `KMSKeyArn`, `State: "Active"`.
const functionItem = item(
  "AWS::Lambda::Function",
  "orders-api",
  FN_ARN,
  {
    functionName: "orders-api",
    functionArn: FN_ARN,
    runtime: "nodejs22.x",
    role: `arn:aws:iam::${ACCOUNT}:role/orders-api-role`,
    handler: "index.handler",
    codeSize: 48211.0,
    description: "",
    timeout: 30.0,
    memorySize: 256.0,
    lastModified: "2026-10-29T16:42:07.311+0000",
    codeSha256: "Xq1c0n7vS3oFq0bA2m4x8Q9o6vT7y2k1c5d3e4f6g7h=",
    version: "$LATEST",
    vpcConfig: { securityGroupIds: [], subnetIds: [] },
    tracingConfig: { mode: "PassThrough" },
    kmskeyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/9d4e`,
    layers: [],
    state: { value: "Active" },
    lastUpdateStatus: "Successful",
    packageType: "Zip",
    architectures: ["arm64"],
    ephemeralStorage: { size: 512.0 },
    loggingConfig: { logFormat: "JSON", logGroup: "/aws/lambda/orders-api" },
    environment: { variables: { DB_PASSWORD: "not-for-reports" } },
  },
  {
    supplementaryConfiguration: {
      Policy: fnPolicy,
      Tags: { team: "commerce" },
      Concurrency: { reservedConcurrentExecutions: 50.0 },
    },
    tags: { team: "commerce" },
  },
);
const functionDescribed = {
  GetFunctionConfiguration: {
    FunctionName: "orders-api",
    FunctionArn: FN_ARN,
    Runtime: "nodejs22.x" as const,
    Role: `arn:aws:iam::${ACCOUNT}:role/orders-api-role`,
    Handler: "index.handler",
    CodeSize: 48211,
    Description: "",
    Timeout: 30,
    MemorySize: 256,
    LastModified: "2026-10-29T16:42:07.311+0000",
    CodeSha256: "Xq1c0n7vS3oFq0bA2m4x8Q9o6vT7y2k1c5d3e4f6g7h=",
    Version: "$LATEST",
    VpcConfig: { SecurityGroupIds: [], SubnetIds: [] },
    TracingConfig: { Mode: "PassThrough" as const },
    KMSKeyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/9d4e`,
    Layers: [],
    State: "Active" as const,
    LastUpdateStatus: "Successful" as const,
    PackageType: "Zip" as const,
    Architectures: ["arm64" as const],
    EphemeralStorage: { Size: 512 },
    LoggingConfig: { LogFormat: "JSON" as const, LogGroup: "/aws/lambda/orders-api" },
    Environment: { Variables: { DB_PASSWORD: "not-for-reports" } },
  },
  GetPolicy: { Policy: fnPolicy, RevisionId: "4b0c2c1e-0f3f-4a7e-9a55-3d2f1e0c9b8a" },
  GetFunctionConcurrency: { ReservedConcurrentExecutions: 50 },
  ListTags: { Tags: { team: "commerce" } },
};

const TABLE_ARN = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/orders`;
const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/9d4e`;
// Config's Java-bean spelling of the SSE block (sSEDescription/sSEType/kMSMasterKeyArn) against the API's SSEDescription.
const tableItem = item(
  "AWS::DynamoDB::Table",
  "orders",
  TABLE_ARN,
  {
    tableName: "orders",
    tableArn: TABLE_ARN,
    tableId: "5e0c6b2a-8f41-4d3e-9b7a-1c2d3e4f5a6b",
    tableStatus: "ACTIVE",
    creationDateTime: "2025-09-09T08:08:31.482Z",
    keySchema: [{ attributeName: "pk", keyType: "HASH" }],
    attributeDefinitions: [{ attributeName: "pk", attributeType: "S" }],
    billingModeSummary: {
      billingMode: "PAY_PER_REQUEST",
      lastUpdateToPayPerRequestDateTime: "2025-09-09T08:08:31.482Z",
    },
    provisionedThroughput: { numberOfDecreasesToday: 0, readCapacityUnits: 0, writeCapacityUnits: 0 },
    itemCount: 12873,
    tableSizeBytes: 1842291,
    deletionProtectionEnabled: true,
    sSEDescription: { status: "ENABLED", sSEType: "KMS", kMSMasterKeyArn: KEY_ARN },
  },
  {
    supplementaryConfiguration: {
      ContinuousBackupsDescription: {
        continuousBackupsStatus: "ENABLED",
        pointInTimeRecoveryDescription: {
          pointInTimeRecoveryStatus: "ENABLED",
          recoveryPeriodInDays: 35,
          earliestRestorableDateTime: "2026-09-28T00:00:00Z",
          latestRestorableDateTime: "2026-11-02T09:09:03Z",
        },
      },
      Tags: [{ key: "team", value: "commerce" }],
    },
    tags: { team: "commerce" },
  },
);
const tableDescribed = {
  DescribeTable: {
    Table: {
      TableName: "orders",
      TableArn: TABLE_ARN,
      TableId: "5e0c6b2a-8f41-4d3e-9b7a-1c2d3e4f5a6b",
      TableStatus: "ACTIVE" as const,
      CreationDateTime: new Date("2025-09-09T08:08:31.482Z"),
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" as const }],
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" as const }],
      BillingModeSummary: {
        BillingMode: "PAY_PER_REQUEST" as const,
        LastUpdateToPayPerRequestDateTime: new Date("2025-09-09T08:08:31.482Z"),
      },
      ProvisionedThroughput: { NumberOfDecreasesToday: 0, ReadCapacityUnits: 0, WriteCapacityUnits: 0 },
      ItemCount: 12873,
      TableSizeBytes: 1842291,
      DeletionProtectionEnabled: true,
      SSEDescription: { Status: "ENABLED" as const, SSEType: "KMS" as const, KMSMasterKeyArn: KEY_ARN },
    },
  },
  DescribeContinuousBackups: {
    ContinuousBackupsDescription: {
      ContinuousBackupsStatus: "ENABLED" as const,
      PointInTimeRecoveryDescription: {
        PointInTimeRecoveryStatus: "ENABLED" as const,
        RecoveryPeriodInDays: 35,
        EarliestRestorableDateTime: new Date("2026-09-28T00:00:00Z"),
        LatestRestorableDateTime: new Date("2026-11-02T09:09:03Z"),
      },
    },
  },
  ListTagsOfResource: { Tags: [{ Key: "team", Value: "commerce" }] },
};

// ---- fromDescribe == fromConfigItem ------------------------------------------------------------------------------

const ajv = createPolicyAjv();

describe("fromDescribe builds the document fromConfigItem builds for the same resource", () => {
  const cases: [string, ResourceAdapter, JsonObject, Described][] = [
    [
      "AWS::ApiGateway::RestApi (custom domains from the base path mappings)",
      restApiAdapter,
      restApiItem,
      { ref: ref(restApiAdapter.type, API_ID), GetRestApi: getRestApi, GetBasePathMappings: basePathMappings },
    ],
    ["AWS::ApiGateway::Stage", stageAdapter, stageItem, { ref: ref(stageAdapter.type, STAGE_ARN), GetStage: getStage }],
    [
      "AWS::ApiGateway::DomainName",
      domainNameAdapter,
      domainItem,
      { ref: ref(domainNameAdapter.type, DOMAIN), GetDomainName: getDomainName },
    ],
    [
      "AWS::ApiGateway::Method",
      methodAdapter,
      methodItem,
      { ref: ref(methodAdapter.type, METHOD_ARN), GetMethod: getMethod },
    ],
    [
      "AWS::SQS::Queue (the recorded item)",
      queueAdapter,
      queueItem,
      {
        ref: queueRef,
        GetQueueAttributes: { Attributes: queueItem.configuration as Record<string, string> },
        ListQueueTags: {},
      },
    ],
    [
      "AWS::SNS::Topic",
      topicAdapter,
      topicItem,
      {
        ref: ref(topicAdapter.type, TOPIC_ARN),
        GetTopicAttributes: getTopicAttributes,
        ListTagsForResource: { Tags: [{ Key: "team", Value: "commerce" }] },
      },
    ],
    [
      "AWS::Lambda::Function",
      functionAdapter,
      functionItem,
      { ref: ref(functionAdapter.type, "orders-api"), ...functionDescribed },
    ],
    ["AWS::DynamoDB::Table", tableAdapter, tableItem, { ref: ref(tableAdapter.type, "orders"), ...tableDescribed }],
  ];

  it.each(cases)("%s", (_name, adapter, configItem, described) => {
    const expected = fromItem(adapter, configItem);
    const live = fromDescribe(adapter, described);
    expect(live).toEqual(expected);
    expect(Object.keys(live).length).toBeGreaterThan(4); // not two empty documents
    const validate = ajv.compile(adapter.documentSchema as object);
    expect(validate(live) ? [] : validate.errors).toEqual([]);
  });

  it("AWS::S3::Bucket: equal but for the owner and creation date, which the describe does not fetch", () => {
    const expected = fromItem(bucketAdapter, bucketItem);
    const live = fromDescribe(bucketAdapter, { ref: ref(bucketAdapter.type, BUCKET), ...bucketDescribed });
    const { owner, creationDate, ...rest } = expected;
    expect(owner).toEqual({ id: "7f3c9a2b1d4e5f60" });
    expect(creationDate).toBe("2025-03-14T10:22:41.000Z");
    expect(live).toEqual(rest);
    expect(live.policy).toBeDefined();
    expect(live.versioningConfiguration).toEqual({ status: "Enabled" });
  });

  it("S3's unset sub-resources read as Config records them (no policy, versioning Off, logging off, no PAB)", () => {
    const configItem = item(
      "AWS::S3::Bucket",
      BUCKET,
      `arn:aws:s3:::${BUCKET}`,
      { name: BUCKET },
      {
        supplementaryConfiguration: {
          BucketPolicy: { policyText: null },
          BucketVersioningConfiguration: { status: "Off", isMfaDeleteEnabled: null },
          BucketLoggingConfiguration: { destinationBucketName: null, logFilePrefix: null },
        },
      },
    );
    const live = fromDescribe(bucketAdapter, {
      ref: ref(bucketAdapter.type, BUCKET),
      GetBucketVersioning: {},
      GetBucketLogging: {},
    });
    expect(live).toEqual(fromItem(bucketAdapter, configItem));
    expect(live).toEqual({ name: BUCKET, versioningConfiguration: { status: "Off" }, tags: {} });
  });

  it("a Lambda function without a resource policy or reserved concurrency has neither", () => {
    const { GetPolicy: _p, GetFunctionConcurrency: _c, ...rest } = functionDescribed;
    const live = fromDescribe(functionAdapter, {
      ref: ref(functionAdapter.type, "orders-api"),
      ...rest,
      GetFunctionConcurrency: {},
    });
    expect(live.policy).toBeUndefined();
    expect(live.concurrency).toBeUndefined();
    expect(JSON.stringify(live)).not.toContain("DB_PASSWORD");
  });

  it("every adapter with a live describe has fromDescribe, and only the CloudTrail trail has none", () => {
    for (const type of Object.keys(DESCRIBER_LOADERS)) expect(resourceAdapters().get(type)?.fromDescribe).toBeDefined();
    const without = [...resourceAdapters().values()].filter((a) => !a.fromDescribe).map((a) => a.type);
    expect(without).toEqual(["AWS::CloudTrail::Trail"]);
    expect(canDescribe("AWS::CloudTrail::Trail")).toBe(false);
  });
});

describe("describe helpers", () => {
  it("write timestamps as Config does, milliseconds only when there are any", () => {
    expect(isoTime(new Date("2020-12-24T19:01:19Z"))).toBe("2020-12-24T19:01:19Z");
    expect(isoTime(new Date("2025-09-09T08:08:31.482Z"))).toBe("2025-09-09T08:08:31.482Z");
    expect(plainJson({ $metadata: { httpStatusCode: 200 }, a: undefined, b: [new Date(0), undefined] })).toEqual({
      b: ["1970-01-01T00:00:00Z"],
    });
  });

  it("turn API member names into Config's camelCase, leading acronyms as one word", () => {
    expect(["TableName", "SSEDescription", "SSEType", "KMSMasterKeyArn", "KMSKeyArn", "Ipv6AllowedForDualStack", "ID", "already"].map(camelKey)).toEqual([
      "tableName", "sseDescription", "sseType", "kmsMasterKeyArn", "kmsKeyArn", "ipv6AllowedForDualStack", "id", "already",
    ]); // prettier-ignore
  });
});

// ---- the describe functions, against mocked SDK clients ------------------------------------------------------

const apigw = mockClient(APIGatewayClient);
const sqs = mockClient(SQSClient);
const sns = mockClient(SNSClient);
const s3 = mockClient(S3Client);
const lambda = mockClient(LambdaClient);
const dynamodb = mockClient(DynamoDBClient);

beforeEach(() => {
  for (const m of [apigw, sqs, sns, s3, lambda, dynamodb]) m.reset();
});

const meta = { $metadata: {} };
const s3Error = (name: string) => new S3ServiceException({ name, $fault: "client", message: name, ...meta });

describe("describeResource", () => {
  it("describes a custom domain with GetDomainName into a Resource", async () => {
    apigw.on(GetDomainNameCommand).resolves({ ...getDomainName, ...meta });
    const r = await describeResource(ref(domainNameAdapter.type, DOMAIN));
    expect(apigw).toHaveReceivedCommandTimes(GetDomainNameCommand, 1);
    expect(apigw).toHaveReceivedCommandWith(GetDomainNameCommand, { domainName: DOMAIN });
    expect(r).toMatchObject({
      type: "AWS::ApiGateway::DomainName",
      id: DOMAIN,
      name: DOMAIN,
      arn: DOMAIN_ARN,
      accountId: ACCOUNT,
      region: REGION,
      tags: { team: "orders" },
      deleted: false,
    });
    expect(r?.document).toEqual(fromItem(domainNameAdapter, domainItem));
    expect(Date.parse(r?.capturedAt ?? "")).not.toBeNaN();
  });

  it("gives undefined for a domain, stage, method or REST API that no longer exists (NotFoundException)", async () => {
    apigw.onAnyCommand().rejects(new NotFoundException({ message: "Invalid Domain identifier specified", ...meta }));
    expect(await describeResource(ref(domainNameAdapter.type, DOMAIN))).toBeUndefined();
    expect(await describeResource(ref(stageAdapter.type, STAGE_ARN))).toBeUndefined();
    expect(await describeResource(ref(methodAdapter.type, METHOD_ARN))).toBeUndefined();
    expect(await describeResource(ref(restApiAdapter.type, API_ID))).toBeUndefined();
    expect(apigw).toHaveReceivedCommandWith(GetStageCommand, { restApiId: API_ID, stageName: "prod" });
    expect(apigw).toHaveReceivedCommandWith(GetMethodCommand, {
      restApiId: API_ID,
      resourceId: "3f9ab1",
      httpMethod: "GET",
    });
    expect(apigw).toHaveReceivedCommandWith(GetRestApiCommand, { restApiId: API_ID });
  });

  it("describes a REST API with its custom domains: GetRestApi, GetDomainNames, GetBasePathMappings per domain", async () => {
    apigw.on(GetRestApiCommand).resolves({ ...getRestApi, ...meta });
    // Two pages of domains (`position`), a private domain named by its domainNameId too.
    apigw
      .on(GetDomainNamesCommand)
      .resolvesOnce({ items: [{ domainName: DOMAIN }], position: "page-2" })
      .resolvesOnce({ items: [{ domainName: "catalog.api.example.com", domainNameId: "a1b2c3" }] });
    apigw.on(GetBasePathMappingsCommand, { domainName: DOMAIN }).resolves({ items: basePathMappings[0]?.items });
    apigw
      .on(GetBasePathMappingsCommand, { domainName: "catalog.api.example.com" })
      .resolves({ items: basePathMappings[1]?.items });
    const r = await describeResource(ref(restApiAdapter.type, API_ID));
    expect(apigw.commandCalls(GetDomainNamesCommand).map((c) => c.args[0].input)).toEqual([
      { limit: 500 },
      { limit: 500, position: "page-2" },
    ]);
    expect(apigw.commandCalls(GetBasePathMappingsCommand).map((c) => c.args[0].input)).toEqual([
      { domainName: DOMAIN, limit: 500 },
      { domainName: "catalog.api.example.com", domainNameId: "a1b2c3", limit: 500 },
    ]);
    expect(r?.document.customDomainNames).toEqual([DOMAIN]);
    expect(r?.document).toEqual(fromItem(restApiAdapter, restApiItem));
    expect(r?.arn).toBe(REST_API_ARN);
    expect(r?.name).toBe("orders-api");
  });

  it("describes a stage and a method", async () => {
    apigw.on(GetStageCommand).resolves({ ...getStage, ...meta });
    apigw.on(GetMethodCommand).resolves({ ...getMethod, ...meta });
    expect((await describeResource(ref(stageAdapter.type, STAGE_ARN)))?.document).toEqual(
      fromItem(stageAdapter, stageItem),
    );
    expect((await describeResource(ref(methodAdapter.type, METHOD_ARN)))?.document).toEqual(
      fromItem(methodAdapter, methodItem),
    );
  });

  it("describes a queue with GetQueueAttributes(All) and ListQueueTags; QueueDoesNotExist is gone", async () => {
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: queueItem.configuration as Record<string, string> });
    sqs.on(ListQueueTagsCommand).resolves({ Tags: { team: "platform" } });
    const r = await describeResource(queueRef);
    expect(sqs).toHaveReceivedCommandWith(GetQueueAttributesCommand, { QueueUrl: QUEUE_URL, AttributeNames: ["All"] });
    expect(sqs).toHaveReceivedCommandWith(ListQueueTagsCommand, { QueueUrl: QUEUE_URL });
    expect(r).toMatchObject({
      name: "config-changes",
      arn: "arn:aws:sqs:us-east-1:644160558196:config-changes",
      tags: { team: "platform" },
    });

    sqs.reset();
    sqs
      .on(GetQueueAttributesCommand)
      .rejects(new QueueDoesNotExist({ message: "The specified queue does not exist.", ...meta }));
    expect(await describeResource(queueRef)).toBeUndefined();
    expect(sqs).toHaveReceivedCommandTimes(ListQueueTagsCommand, 0);
  });

  it("describes a topic; NotFoundException is gone", async () => {
    sns.on(GetTopicAttributesCommand).resolves(getTopicAttributes);
    sns.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: "team", Value: "commerce" }] });
    const r = await describeResource(ref(topicAdapter.type, TOPIC_ARN));
    expect(sns).toHaveReceivedCommandWith(GetTopicAttributesCommand, { TopicArn: TOPIC_ARN });
    expect(sns).toHaveReceivedCommandWith(ListTagsForResourceCommand, { ResourceArn: TOPIC_ARN });
    expect(r?.document).toEqual(fromItem(topicAdapter, topicItem));
    expect(r?.name).toBe("orders-events");

    sns.on(GetTopicAttributesCommand).rejects(new SNSNotFound({ message: "Topic does not exist", ...meta }));
    expect(await describeResource(ref(topicAdapter.type, TOPIC_ARN))).toBeUndefined();
  });

  it("describes a bucket: every sub-resource, with ExpectedBucketOwner", async () => {
    s3.on(GetBucketVersioningCommand).resolves(bucketDescribed.GetBucketVersioning);
    s3.on(GetBucketPolicyCommand).resolves(bucketDescribed.GetBucketPolicy);
    s3.on(GetPublicAccessBlockCommand).resolves(bucketDescribed.GetPublicAccessBlock);
    s3.on(GetBucketEncryptionCommand).resolves(bucketDescribed.GetBucketEncryption);
    s3.on(GetBucketLoggingCommand).resolves(bucketDescribed.GetBucketLogging);
    s3.on(GetBucketTaggingCommand).resolves(bucketDescribed.GetBucketTagging);
    const r = await describeResource(ref(bucketAdapter.type, BUCKET));
    const input = { Bucket: BUCKET, ExpectedBucketOwner: ACCOUNT };
    // Six calls, each with the bucket and its expected owner.
    expect(s3.calls().map((c) => [c.args[0].constructor.name, c.args[0].input])).toEqual(
      [
        "GetBucketVersioningCommand",
        "GetBucketPolicyCommand",
        "GetPublicAccessBlockCommand",
        "GetBucketEncryptionCommand",
        "GetBucketTaggingCommand",
        "GetBucketLoggingCommand",
      ].map((name) => [name, input]),
    );
    const { owner: _o, creationDate: _c, ...expected } = fromItem(bucketAdapter, bucketItem);
    expect(r?.document).toEqual(expected);
    expect(r).toMatchObject({ name: BUCKET, arn: `arn:aws:s3:::${BUCKET}`, tags: { team: "data-platform" } });
  });

  it("reads a bucket's missing sub-resources (NoSuchBucketPolicy, NoSuchPublicAccessBlockConfiguration, ...) as not set", async () => {
    s3.on(GetBucketVersioningCommand).resolves({});
    s3.on(GetBucketPolicyCommand).rejects(s3Error("NoSuchBucketPolicy"));
    s3.on(GetPublicAccessBlockCommand).rejects(s3Error("NoSuchPublicAccessBlockConfiguration"));
    s3.on(GetBucketEncryptionCommand).rejects(s3Error("ServerSideEncryptionConfigurationNotFoundError"));
    s3.on(GetBucketTaggingCommand).rejects(s3Error("NoSuchTagSet"));
    s3.on(GetBucketLoggingCommand).resolves({});
    const r = await describeResource(ref(bucketAdapter.type, BUCKET));
    expect(r?.document).toEqual({ name: BUCKET, versioningConfiguration: { status: "Off" }, tags: {} });
  });

  it("gives undefined for a bucket that no longer exists, and raises other S3 errors", async () => {
    s3.on(GetBucketVersioningCommand).rejects(
      new NoSuchBucket({ message: "The specified bucket does not exist", ...meta }),
    );
    expect(await describeResource(ref(bucketAdapter.type, BUCKET))).toBeUndefined();
    expect(s3).toHaveReceivedCommandTimes(GetBucketPolicyCommand, 0);

    s3.reset();
    s3.onAnyCommand().resolves({});
    s3.on(GetBucketPolicyCommand).rejects(s3Error("AccessDenied"));
    await expect(describeResource(ref(bucketAdapter.type, BUCKET))).rejects.toThrow("AccessDenied");
  });

  it("describes a function; a function without a resource policy (GetPolicy ResourceNotFoundException) has none", async () => {
    lambda.on(GetFunctionConfigurationCommand).resolves(functionDescribed.GetFunctionConfiguration);
    lambda
      .on(GetPolicyCommand)
      .rejects(new LambdaNotFound({ message: "The resource you requested does not exist.", ...meta }));
    lambda.on(GetFunctionConcurrencyCommand).resolves(functionDescribed.GetFunctionConcurrency);
    lambda.on(ListTagsCommand).resolves(functionDescribed.ListTags);
    const r = await describeResource(ref(functionAdapter.type, "orders-api"));
    expect(lambda).toHaveReceivedCommandWith(GetFunctionConfigurationCommand, { FunctionName: "orders-api" });
    expect(lambda).toHaveReceivedCommandWith(GetPolicyCommand, { FunctionName: "orders-api" });
    expect(lambda).toHaveReceivedCommandWith(ListTagsCommand, { Resource: FN_ARN });
    const { policy: _p, ...expected } = fromItem(functionAdapter, functionItem);
    expect(r?.document).toEqual(expected);
    expect(r).toMatchObject({ name: "orders-api", arn: FN_ARN });

    lambda.on(GetFunctionConfigurationCommand).rejects(new LambdaNotFound({ message: "Function not found", ...meta }));
    expect(await describeResource(ref(functionAdapter.type, "orders-api"))).toBeUndefined();
  });

  it("describes a table with every page of its tags; ResourceNotFoundException is gone", async () => {
    dynamodb.on(DescribeTableCommand).resolves(tableDescribed.DescribeTable);
    dynamodb.on(DescribeContinuousBackupsCommand).resolves(tableDescribed.DescribeContinuousBackups);
    dynamodb
      .on(ListTagsOfResourceCommand, { ResourceArn: TABLE_ARN, NextToken: undefined })
      .resolves({ Tags: [{ Key: "team", Value: "commerce" }], NextToken: "page-2" })
      .on(ListTagsOfResourceCommand, { ResourceArn: TABLE_ARN, NextToken: "page-2" })
      .resolves({ Tags: [{ Key: "guardrail:exempt", Value: "dynamodb-table-pitr@2027-01-31" }] });
    const r = await describeResource(ref(tableAdapter.type, "orders"));
    expect(dynamodb).toHaveReceivedCommandWith(DescribeTableCommand, { TableName: "orders" });
    expect(dynamodb).toHaveReceivedCommandWith(DescribeContinuousBackupsCommand, { TableName: "orders" });
    expect(dynamodb).toHaveReceivedCommandTimes(ListTagsOfResourceCommand, 2);
    expect(r?.tags).toEqual({ team: "commerce", "guardrail:exempt": "dynamodb-table-pitr@2027-01-31" });
    expect({ ...r?.document, tags: { team: "commerce" } }).toEqual(fromItem(tableAdapter, tableItem));

    dynamodb
      .on(DescribeTableCommand)
      .rejects(new DynamoDBNotFound({ message: "Requested resource not found", ...meta }));
    expect(await describeResource(ref(tableAdapter.type, "orders"))).toBeUndefined();
  });

  it("refuses a type it cannot describe", async () => {
    await expect(describeResource(ref("AWS::CloudTrail::Trail", "management-events"))).rejects.toThrow(
      UnsupportedDescribeError,
    );
    await expect(describeResource(ref("AWS::EC2::Instance", "i-0abc"))).rejects.toThrow(
      "no live describe for AWS::EC2::Instance (the Config rule judges it)",
    );
  });
});

describe("live describes loaded per type", () => {
  it("each loader resolves to the describe of the type it is listed under", async () => {
    for (const [type, load] of Object.entries(DESCRIBER_LOADERS))
      expect([type, (await load()).type]).toEqual([type, type]);
  });
});
