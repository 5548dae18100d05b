import { deriveSeed, Prng } from "./prng";
import type { FleetAccount, FleetConfigItem, FleetRelationship, PolicyDoc } from "./model";

/**
 * Clean configuration items of one microservice, shaped like the AWS microservices reference architecture:
 * REST API + `prod` stage + custom domain + two methods, an API Lambda and a queue worker, a DynamoDB table, an
 * SQS queue with its DLQ, an SNS topic and an S3 bucket; plus one CloudTrail trail per account and region.
 * Shapes follow scratch/pack-spec.md; "clean" means every policy of the pack is satisfied (violations are
 * applied afterwards by violations.ts).
 */

/** Base names; past the end the list repeats with `-2`, `-3`, ... */
export const SERVICE_NAMES: readonly (readonly [name: string, team: string])[] = [
  ["orders", "commerce"],
  ["payments", "payments"],
  ["catalog", "discovery"],
  ["shipping", "fulfilment"],
  ["inventory", "fulfilment"],
  ["cart", "commerce"],
  ["checkout", "commerce"],
  ["users", "identity"],
  ["reviews", "discovery"],
  ["search", "discovery"],
  ["notifications", "engagement"],
  ["recommendations", "discovery"],
  ["pricing", "commerce"],
  ["returns", "fulfilment"],
  ["loyalty", "engagement"],
  ["invoices", "payments"],
  ["promotions", "engagement"],
  ["wishlist", "commerce"],
  ["media", "discovery"],
  ["accounts", "identity"],
];

export const COST_CENTERS: Record<string, string> = {
  commerce: "CC-1040",
  payments: "CC-1120",
  discovery: "CC-1210",
  fulfilment: "CC-1330",
  identity: "CC-1450",
  engagement: "CC-1560",
  security: "CC-9010",
  platform: "CC-9020",
};

export const ACCOUNT_PROFILES: readonly { name: string; environment: string }[] = [
  { name: "retail-prod", environment: "prod" },
  { name: "retail-staging", environment: "staging" },
  { name: "platform-shared-services", environment: "shared-services" },
];

/** Route 53 hosted zone of regional API Gateway domain names, per region (AWS service endpoints table). */
const APIGW_HOSTED_ZONES: Record<string, string> = {
  "eu-west-1": "ZLY8HYME6SFDD",
  "us-east-1": "Z1UJRXOUMOOFQ8",
};

export function serviceName(index: number): { name: string; team: string } {
  const [base, team] = SERVICE_NAMES[index % SERVICE_NAMES.length] as readonly [string, string];
  const round = Math.floor(index / SERVICE_NAMES.length);
  return { name: round === 0 ? base : `${base}-${round + 1}`, team };
}

/** Three accounts with realistic 12-digit ids, derived from the seed. */
export function fleetAccounts(seed: number): FleetAccount[] {
  const rng = new Prng(deriveSeed(seed, "accounts"));
  const seen = new Set<string>();
  return ACCOUNT_PROFILES.map((p) => {
    let id: string;
    do id = `${rng.int(1, 9)}${rng.chars("0123456789", 11)}`;
    while (seen.has(id));
    seen.add(id);
    return { id, name: p.name, environment: p.environment };
  });
}

/** Values shared by every service of one account and region (WAF web ACL, log buckets, S3 owner id). */
export interface AccountRegion {
  account: FleetAccount;
  region: string;
  webAclArn: string;
  accessLogBucket: string;
  s3OwnerId: string;
  trailKmsKeyArn: string;
  trailBucket: string;
}

export function accountRegion(seed: number, account: FleetAccount, region: string): AccountRegion {
  const rng = new Prng(deriveSeed(seed, "account-region", account.id, region));
  return {
    account,
    region,
    webAclArn: `arn:aws:wafv2:${region}:${account.id}:regional/webacl/${account.name}-api-protection/${rng.uuid()}`,
    accessLogBucket: `${account.name}-s3-access-logs-${account.id}-${region}`,
    s3OwnerId: new Prng(deriveSeed(seed, "s3-owner", account.id)).hex(64),
    trailKmsKeyArn: `arn:aws:kms:${region}:${account.id}:key/${rng.uuid()}`,
    trailBucket: `aws-cloudtrail-logs-${account.id}-${rng.hex(8)}`,
  };
}

export const DAY = 86_400_000;

/** `YYYY-MM-DDT` of each day seen; a fleet spans a few thousand days at most. */
const dayPrefixes = new Map<number, string>();
const pad2 = (n: number): string => (n < 10 ? "0" : "") + n;

/**
 * `Date.prototype.toISOString` without the Date: the same text, about five times faster, which matters at a
 * hundred thousand items with several timestamps each. Whole milliseconds only.
 */
function isoParts(ms: number): [prefix: string, time: string, millis: number] {
  const day = Math.floor(ms / DAY);
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    prefix = new Date(day * DAY).toISOString().slice(0, 11);
    dayPrefixes.set(day, prefix);
  }
  let rest = ms - day * DAY;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = Math.floor(rest / 1000);
  return [prefix, `${pad2(h)}:${pad2(m)}:${pad2(s)}`, rest - s * 1000];
}

export function iso(ms: number): string {
  const [prefix, time, millis] = isoParts(ms);
  return `${prefix}${time}.${String(millis).padStart(3, "0")}Z`;
}
/** API Gateway dates, as in the recorded stage: `2020-12-24T18:54:52Z`. */
export const isoSeconds = (ms: number): string => {
  const [prefix, time] = isoParts(ms);
  return `${prefix}${time}Z`;
};
/** Lambda `lastModified`: `2024-05-01T10:00:00.000+0000`. */
export const lambdaTime = (ms: number): string => iso(ms).replace("Z", "+0000");

export interface ItemFields {
  resourceType: string;
  resourceId: string;
  resourceName: string;
  arn: string;
  relationships?: FleetRelationship[];
  configuration: Record<string, unknown>;
  supplementaryConfiguration?: Record<string, unknown>;
  tags: Record<string, string>;
  createdMs: number;
  capturedMs: number;
}

export function configItem(ar: AccountRegion, f: ItemFields): FleetConfigItem {
  return {
    relatedEvents: [],
    relationships: f.relationships ?? [],
    configuration: f.configuration,
    supplementaryConfiguration: f.supplementaryConfiguration ?? {},
    tags: f.tags,
    configurationItemVersion: "1.3",
    configurationItemCaptureTime: iso(f.capturedMs),
    configurationStateId: f.capturedMs,
    awsAccountId: ar.account.id,
    configurationItemStatus: "OK",
    resourceType: f.resourceType,
    resourceId: f.resourceId,
    resourceName: f.resourceName,
    ARN: f.arn,
    awsRegion: ar.region,
    availabilityZone: "Not Applicable",
    configurationStateMd5Hash: "",
    resourceCreationTime: iso(f.createdMs),
  };
}

export function tlsDeny(action: string, resource: string | string[]): PolicyDoc["Statement"][number] {
  return {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: action,
    Resource: resource,
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}

/** The statement SQS's console puts in every queue policy (`__owner_statement`): the owning account only. */
export function ownerStatement(acct: string, queueArn: string): PolicyDoc["Statement"][number] {
  return {
    Sid: "__owner_statement",
    Effect: "Allow",
    Principal: { AWS: `arn:aws:iam::${acct}:root` },
    Action: "SQS:*",
    Resource: queueArn,
  };
}

export const SNS_DEFAULT_DELIVERY_POLICY = JSON.stringify({
  http: {
    defaultHealthyRetryPolicy: {
      minDelayTarget: 20,
      maxDelayTarget: 20,
      numRetries: 3,
      numMaxDelayRetries: 0,
      numNoDelayRetries: 0,
      numMinDelayRetries: 0,
      backoffFunction: "linear",
    },
    disableSubscriptionOverrides: false,
    defaultRequestPolicy: { headerContentType: "text/plain; charset=UTF-8" },
  },
});

const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: "$context.requestId",
  ip: "$context.identity.sourceIp",
  requestTime: "$context.requestTime",
  httpMethod: "$context.httpMethod",
  resourcePath: "$context.resourcePath",
  status: "$context.status",
  protocol: "$context.protocol",
  responseLength: "$context.responseLength",
  tlsVersion: "$context.tlsVersion",
});

/** What every builder of one service's items shares: its names, tags, clock and random stream. */
export interface ServiceContext {
  rng: Prng;
  svc: string;
  team: string;
  ar: AccountRegion;
  acct: string;
  region: string;
  tags: () => Record<string, string>;
  /** A creation time a few minutes after the service's deployment (one stack). */
  created: () => number;
  /** A last-change time within `withinDays` of `createdMs`, at least 3 weeks before the snapshot. */
  modified: (createdMs: number, withinDays: number) => number;
  /** A capture time in the 20 days before the snapshot. */
  captured: () => number;
  /** The service's customer managed key (table, topic, bucket, database). */
  kmsKeyArn: string;
}

export function serviceContext(seed: number, index: number, ar: AccountRegion, snapshotMs: number): ServiceContext {
  const rng = new Prng(deriveSeed(seed, "service", index));
  const { name: svc, team } = serviceName(index);
  const { account, region } = ar;
  const tags = (): Record<string, string> => ({
    service: svc,
    team,
    environment: account.environment,
    "cost-center": COST_CENTERS[team] ?? "CC-1000",
  });
  // The service was deployed 30 days to 2 years before the snapshot, all its resources within minutes (one
  // stack); later changes stop 3 weeks before the snapshot, and each item was last captured after them, in the
  // 20 days before the snapshot.
  const deployedMs = snapshotMs - rng.int(30 * DAY, 730 * DAY);
  return {
    rng,
    svc,
    team,
    ar,
    acct: account.id,
    region,
    tags,
    created: () => deployedMs + rng.int(0, 600_000),
    modified: (createdMs, withinDays) => Math.min(snapshotMs - 21 * DAY, createdMs + rng.int(0, withinDays * DAY)),
    captured: () => snapshotMs - rng.int(60_000, 20 * DAY),
    kmsKeyArn: `arn:aws:kms:${region}:${account.id}:key/${rng.uuid()}`,
  };
}

/** Names of a service's messaging and storage resources (every flavour has them). */
export function messagingNames(ctx: ServiceContext) {
  const { svc, region, acct } = ctx;
  const queueName = `${svc}-jobs`;
  const dlqName = `${svc}-jobs-dlq`;
  const topicName = `${svc}-events`;
  return {
    queueName,
    dlqName,
    queueArn: `arn:aws:sqs:${region}:${acct}:${queueName}`,
    dlqArn: `arn:aws:sqs:${region}:${acct}:${dlqName}`,
    queueUrl: (n: string) => `https://sqs.${region}.amazonaws.com/${acct}/${n}`,
    topicName,
    topicArn: `arn:aws:sns:${region}:${acct}:${topicName}`,
    bucket: `${svc}-assets-${acct}-${region}`,
  };
}

/**
 * An HTTP API (API Gateway v2) and its `prod` stage, in the shape of the Config items of policies/apigatewayv2
 * (camelCase members, per the Config resource schemas AWS::ApiGatewayV2::Api and ::Stage). Config records no v2
 * custom domain (nor a relationship to one), so none is written.
 */
function httpApiItems(ctx: ServiceContext, apiId: string): FleetConfigItem[] {
  const { rng, svc, ar, region, acct, tags, created, modified, captured } = ctx;
  const apiName = `${svc}-http`;
  const apiArn = `arn:aws:apigateway:${region}::/apis/${apiId}`;
  const stageArn = `${apiArn}/stages/prod`;
  const apiCreated = created();
  const stageCreated = created();
  const stageUpdated = modified(stageCreated, 200);
  return [
    configItem(ar, {
      resourceType: "AWS::ApiGatewayV2::Api",
      resourceId: apiId,
      resourceName: apiName,
      arn: apiArn,
      configuration: {
        apiId,
        name: apiName,
        protocolType: "HTTP",
        apiEndpoint: `https://${apiId}.execute-api.${region}.amazonaws.com`,
        apiKeySelectionExpression: "$request.header.x-api-key",
        routeSelectionExpression: "$request.method $request.path",
        disableExecuteApiEndpoint: true,
        createdDate: isoSeconds(apiCreated),
      },
      tags: tags(),
      createdMs: apiCreated,
      capturedMs: captured(),
    }),
    configItem(ar, {
      resourceType: "AWS::ApiGatewayV2::Stage",
      resourceId: stageArn,
      resourceName: "prod",
      arn: stageArn,
      configuration: {
        stageName: "prod",
        deploymentId: rng.alnum(6),
        description: `${svc} production stage`,
        autoDeploy: true,
        defaultRouteSettings: { detailedMetricsEnabled: true, throttlingBurstLimit: 500, throttlingRateLimit: 1000 },
        createdDate: isoSeconds(stageCreated),
        lastUpdatedDate: isoSeconds(stageUpdated),
        accessLogSettings: {
          destinationArn: `arn:aws:logs:${region}:${acct}:log-group:/aws/apigateway/${apiName}/prod-access`,
          format: HTTP_ACCESS_LOG_FORMAT,
        },
      },
      tags: tags(),
      createdMs: stageCreated,
      capturedMs: captured(),
    }),
  ];
}

const HTTP_ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: "$context.requestId",
  ip: "$context.identity.sourceIp",
  requestTime: "$context.requestTime",
  routeKey: "$context.routeKey",
  status: "$context.status",
  responseLength: "$context.responseLength",
});

/**
 * The clean items of a serverless service (API + Lambda + DynamoDB), in a fixed order; every value comes from
 * the service's own stream. `api` picks the entry point: a REST API with its stage, custom domain and methods, or
 * an HTTP API (API Gateway v2) with its stage.
 */
export function serviceItems(
  seed: number,
  index: number,
  ar: AccountRegion,
  snapshotMs: number,
  api: "rest" | "http" = "rest",
): FleetConfigItem[] {
  const ctx = serviceContext(seed, index, ar, snapshotMs);
  const { rng, svc, region, acct, tags, created, modified, captured, kmsKeyArn } = ctx;
  const items: FleetConfigItem[] = [];

  const handlerName = `${svc}-api-handler`;
  const workerName = `${svc}-queue-worker`;
  const handlerArn = `arn:aws:lambda:${region}:${acct}:function:${handlerName}`;
  const workerArn = `arn:aws:lambda:${region}:${acct}:function:${workerName}`;
  const apiId = rng.alnum(10);
  if (api === "http") items.push(...httpApiItems(ctx, apiId));
  else {
    // API Gateway: REST API, prod stage, custom domain, methods.
    const apiName = `${svc}-api`;
    const apiArn = `arn:aws:apigateway:${region}::/restapis/${apiId}`;
    const stageArn = `${apiArn}/stages/prod`;
    const domain = `${svc}.api.example.com`;
    const apiCreated = created();
    items.push(
      configItem(ar, {
        resourceType: "AWS::ApiGateway::RestApi",
        resourceId: apiId,
        resourceName: apiName,
        arn: apiArn,
        relationships: [
          {
            resourceId: stageArn,
            resourceName: "prod",
            resourceType: "AWS::ApiGateway::Stage",
            name: "Contains Stage",
          },
          {
            resourceId: domain,
            resourceName: domain,
            resourceType: "AWS::ApiGateway::DomainName",
            name: "Is associated with DomainName",
          },
        ],
        configuration: {
          id: apiId,
          name: apiName,
          description: `Public API of the ${svc} service`,
          createdDate: isoSeconds(apiCreated),
          apiKeySource: "HEADER",
          endpointConfiguration: { types: ["REGIONAL"] },
          disableExecuteApiEndpoint: true,
          securityPolicy: "TLS_1_2",
          apiStatus: "AVAILABLE",
        },
        tags: tags(),
        createdMs: apiCreated,
        capturedMs: captured(),
      }),
    );

    const stageCreated = created();
    const stageUpdated = modified(stageCreated, 200);
    items.push(
      configItem(ar, {
        resourceType: "AWS::ApiGateway::Stage",
        resourceId: stageArn,
        resourceName: "prod",
        arn: stageArn,
        relationships: [
          {
            resourceId: apiId,
            resourceName: apiName,
            resourceType: "AWS::ApiGateway::RestApi",
            name: "Is contained in RestApi",
          },
        ],
        configuration: {
          stageName: "prod",
          deploymentId: rng.alnum(6),
          description: `${svc} production stage`,
          cacheClusterEnabled: false,
          cacheClusterStatus: "NOT_AVAILABLE",
          tracingEnabled: true,
          webAclArn: ar.webAclArn,
          accessLogSettings: {
            destinationArn: `arn:aws:logs:${region}:${acct}:log-group:/aws/apigateway/${apiName}/prod/access`,
            format: ACCESS_LOG_FORMAT,
          },
          methodSettings: {
            "*/*": {
              loggingLevel: "INFO",
              metricsEnabled: true,
              dataTraceEnabled: false,
              cachingEnabled: false,
              cacheDataEncrypted: false,
              cacheTtlInSeconds: 300,
              throttlingBurstLimit: 5000,
              throttlingRateLimit: 10000,
              requireAuthorizationForCacheControl: true,
              unauthorizedCacheControlHeaderStrategy: "SUCCEED_WITH_RESPONSE_HEADER",
            },
          },
          variables: {},
          createdDate: isoSeconds(stageCreated),
          lastUpdatedDate: isoSeconds(stageUpdated),
        },
        tags: tags(),
        createdMs: stageCreated,
        capturedMs: captured(),
      }),
    );

    const domainTags = tags();
    items.push(
      configItem(ar, {
        resourceType: "AWS::ApiGateway::DomainName",
        resourceId: domain,
        resourceName: domain,
        arn: `arn:aws:apigateway:${region}::/domainnames/${domain}`,
        configuration: {
          DomainName: domain,
          SecurityPolicy: "TLS_1_2",
          EndpointConfiguration: { Types: ["REGIONAL"] },
          RegionalDomainName: `d-${rng.alnum(10)}.execute-api.${region}.amazonaws.com`,
          RegionalHostedZoneId: APIGW_HOSTED_ZONES[region] ?? "Z1UJRXOUMOOFQ8",
          RegionalCertificateArn: `arn:aws:acm:${region}:${acct}:certificate/${rng.uuid()}`,
          Tags: Object.entries(domainTags).map(([Key, Value]) => ({ Key, Value })),
        },
        tags: domainTags,
        createdMs: created(),
        capturedMs: captured(),
      }),
    );

    // GET /<svc> proxies to the API Lambda; POST /<svc>/webhook forwards to a partner over HTTPS.
    const methods: { path: string; httpMethod: string; integration: Record<string, string>; tlsConfig?: object }[] = [
      {
        path: `/${svc}`,
        httpMethod: "GET",
        integration: {
          type: "AWS_PROXY",
          httpMethod: "POST",
          uri: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${handlerArn}/invocations`,
        },
      },
      {
        path: `/${svc}/webhook`,
        httpMethod: "POST",
        integration: {
          type: "HTTP_PROXY",
          httpMethod: "POST",
          uri: `https://partner.example.com/webhooks/${svc}`,
        },
        tlsConfig: { insecureSkipVerification: false },
      },
    ];
    for (const m of methods) {
      const resourceId = rng.alnum(6);
      const arn = `${apiArn}/resources/${resourceId}/methods/${m.httpMethod}`;
      items.push(
        configItem(ar, {
          resourceType: "AWS::ApiGateway::Method",
          resourceId: arn,
          resourceName: `${m.httpMethod} ${m.path}`,
          arn,
          relationships: [
            {
              resourceId: apiId,
              resourceName: apiName,
              resourceType: "AWS::ApiGateway::RestApi",
              name: "Is contained in RestApi",
            },
          ],
          configuration: {
            httpMethod: m.httpMethod,
            authorizationType: "AWS_IAM",
            apiKeyRequired: false,
            methodIntegration: {
              ...m.integration,
              connectionType: "INTERNET",
              passthroughBehavior: "WHEN_NO_MATCH",
              timeoutInMillis: 29000,
              cacheNamespace: resourceId,
              cacheKeyParameters: [],
              ...(m.tlsConfig ? { tlsConfig: m.tlsConfig } : {}),
            },
          },
          tags: tags(),
          createdMs: created(),
          capturedMs: captured(),
        }),
      );
    }
  }

  // Data and messaging resources, named after the service.
  const tableName = `${svc}-table`;
  const tableArn = `arn:aws:dynamodb:${region}:${acct}:table/${tableName}`;
  const { queueName, topicArn, bucket, queueUrl } = messagingNames(ctx);

  const lambdas = [
    {
      name: handlerName,
      arn: handlerArn,
      memorySize: 1024,
      timeout: 29,
      environment: { TABLE_NAME: tableName, TOPIC_ARN: topicArn, BUCKET_NAME: bucket },
      policy: {
        Version: "2012-10-17",
        Id: "default",
        Statement: [
          {
            Sid: `${svc}-apigateway-invoke`,
            Effect: "Allow",
            Principal: { Service: "apigateway.amazonaws.com" },
            Action: "lambda:InvokeFunction",
            Resource: handlerArn,
            Condition: { ArnLike: { "AWS:SourceArn": `arn:aws:execute-api:${region}:${acct}:${apiId}/*/GET/${svc}` } },
          },
        ],
      } as PolicyDoc | undefined,
    },
    {
      name: workerName,
      arn: workerArn,
      memorySize: 512,
      timeout: 60,
      environment: { TABLE_NAME: tableName, QUEUE_URL: queueUrl(queueName) },
      policy: undefined,
    },
  ];
  for (const fn of lambdas) {
    const roleName = `${fn.name}-role`;
    const fnCreated = created();
    const fnModified = modified(fnCreated, 300);
    items.push(
      configItem(ar, {
        resourceType: "AWS::Lambda::Function",
        resourceId: fn.name,
        resourceName: fn.name,
        arn: fn.arn,
        relationships: [
          {
            resourceId: `AROA${rng.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 17)}`,
            resourceName: roleName,
            resourceType: "AWS::IAM::Role",
            name: "Is associated with Role",
          },
        ],
        configuration: {
          functionName: fn.name,
          functionArn: fn.arn,
          runtime: "nodejs22.x",
          role: `arn:aws:iam::${acct}:role/${roleName}`,
          handler: "index.handler",
          codeSize: rng.int(180_000, 4_800_000),
          description: "",
          timeout: fn.timeout,
          memorySize: fn.memorySize,
          lastModified: lambdaTime(fnModified),
          codeSha256: Buffer.from(rng.hex(64), "hex").toString("base64"),
          version: "$LATEST",
          environment: { variables: fn.environment },
          tracingConfig: { mode: "Active" },
          packageType: "Zip",
          architectures: ["arm64"],
          ephemeralStorage: { size: 512 },
          loggingConfig: { logFormat: "JSON", logGroup: `/aws/lambda/${fn.name}` },
        },
        supplementaryConfiguration: fn.policy ? { Policy: JSON.stringify(fn.policy) } : {},
        tags: tags(),
        createdMs: fnCreated,
        capturedMs: captured(),
      }),
    );
  }

  const tableCreated = created();
  const tableCaptured = captured();
  // PITR keeps 35 days; the restorable window is as of the capture.
  const pitrEarliest = Math.max(tableCreated, tableCaptured - 35 * DAY);
  items.push(
    configItem(ar, {
      resourceType: "AWS::DynamoDB::Table",
      resourceId: tableName,
      resourceName: tableName,
      arn: tableArn,
      configuration: {
        tableName,
        tableArn,
        tableId: rng.uuid(),
        tableStatus: "ACTIVE",
        creationDateTime: iso(tableCreated),
        attributeDefinitions: [
          { attributeName: "pk", attributeType: "S" },
          { attributeName: "sk", attributeType: "S" },
        ],
        keySchema: [
          { attributeName: "pk", keyType: "HASH" },
          { attributeName: "sk", keyType: "RANGE" },
        ],
        billingModeSummary: { billingMode: "PAY_PER_REQUEST", lastUpdateToPayPerRequestDateTime: iso(tableCreated) },
        provisionedThroughput: { numberOfDecreasesToday: 0, readCapacityUnits: 0, writeCapacityUnits: 0 },
        itemCount: rng.int(1_000, 5_000_000),
        tableSizeBytes: rng.int(100_000, 2_000_000_000),
        deletionProtectionEnabled: true,
        sSEDescription: { status: "ENABLED", sSEType: "KMS", kMSMasterKeyArn: kmsKeyArn },
      },
      supplementaryConfiguration: {
        ContinuousBackupsDescription: {
          continuousBackupsStatus: "ENABLED",
          pointInTimeRecoveryDescription: {
            pointInTimeRecoveryStatus: "ENABLED",
            earliestRestorableDateTime: iso(pitrEarliest),
            latestRestorableDateTime: iso(tableCaptured - 300_000),
          },
        },
      },
      tags: tags(),
      createdMs: tableCreated,
      capturedMs: tableCaptured,
    }),
  );

  items.push(...messagingItems(ctx, `arn:aws:iam::${acct}:role/${handlerName}-role`));
  return items;
}

/**
 * A service's SQS queue and its DLQ, SNS topic and S3 assets bucket (every flavour has them); `appRoleArn` is the
 * role the bucket policy lets read and write objects.
 */
export function messagingItems(ctx: ServiceContext, appRoleArn: string): FleetConfigItem[] {
  const { ar, acct, tags, created, modified, captured, kmsKeyArn } = ctx;
  const { queueName, dlqName, queueArn, dlqArn, queueUrl, topicName, topicArn, bucket } = messagingNames(ctx);
  const items: FleetConfigItem[] = [];
  const queues = [
    {
      name: queueName,
      arn: queueArn,
      retention: "345600",
      visibility: "360",
      policy: {
        Version: "2012-10-17",
        Id: `${queueArn}/SQSDefaultPolicy`,
        Statement: [
          ownerStatement(acct, queueArn),
          {
            Sid: "AllowTopicDelivery",
            Effect: "Allow",
            Principal: { Service: "sns.amazonaws.com" },
            Action: "sqs:SendMessage",
            Resource: queueArn,
            Condition: { ArnEquals: { "aws:SourceArn": topicArn } },
          },
          tlsDeny("sqs:*", queueArn),
        ],
      } satisfies PolicyDoc,
      redrive: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 5 }) },
    },
    {
      name: dlqName,
      arn: dlqArn,
      retention: "1209600",
      visibility: "30",
      policy: {
        Version: "2012-10-17",
        Id: `${dlqArn}/SQSDefaultPolicy`,
        Statement: [ownerStatement(acct, dlqArn), tlsDeny("sqs:*", dlqArn)],
      } satisfies PolicyDoc,
      redrive: {
        RedriveAllowPolicy: JSON.stringify({ redrivePermission: "byQueue", sourceQueueArns: [queueArn] }),
      },
    },
  ];
  for (const q of queues) {
    const qCreated = created();
    const qModified = modified(qCreated, 100);
    const qTags = tags();
    items.push(
      configItem(ar, {
        resourceType: "AWS::SQS::Queue",
        resourceId: queueUrl(q.name),
        resourceName: q.name,
        arn: q.arn,
        configuration: {
          Policy: JSON.stringify(q.policy),
          ReceiveMessageWaitTimeSeconds: "20",
          CreatedTimestamp: String(Math.floor(qCreated / 1000)),
          DelaySeconds: "0",
          MessageRetentionPeriod: q.retention,
          MaximumMessageSize: "262144",
          VisibilityTimeout: q.visibility,
          LastModifiedTimestamp: String(Math.floor(qModified / 1000)),
          QueueArn: q.arn,
          SqsManagedSseEnabled: "true",
          ...q.redrive,
        },
        supplementaryConfiguration: { Tags: { ...qTags } },
        tags: qTags,
        createdMs: qCreated,
        capturedMs: captured(),
      }),
    );
  }

  const topicTags = tags();
  items.push(
    configItem(ar, {
      resourceType: "AWS::SNS::Topic",
      resourceId: topicArn,
      resourceName: topicName,
      arn: topicArn,
      configuration: {
        TopicArn: topicArn,
        Owner: acct,
        DisplayName: "",
        KmsMasterKeyId: kmsKeyArn,
        Policy: JSON.stringify({
          Version: "2008-10-17",
          Id: "__default_policy_ID",
          Statement: [
            {
              Sid: "__default_statement_ID",
              Effect: "Allow",
              Principal: { AWS: "*" },
              Action: [
                "SNS:GetTopicAttributes",
                "SNS:SetTopicAttributes",
                "SNS:AddPermission",
                "SNS:RemovePermission",
                "SNS:DeleteTopic",
                "SNS:Subscribe",
                "SNS:ListSubscriptionsByTopic",
                "SNS:Publish",
              ],
              Resource: topicArn,
              Condition: { StringEquals: { "AWS:SourceOwner": acct } },
            },
            tlsDeny("SNS:Publish", topicArn),
          ],
        } satisfies PolicyDoc),
        EffectiveDeliveryPolicy: SNS_DEFAULT_DELIVERY_POLICY,
        SubscriptionsConfirmed: 1,
        SubscriptionsPending: 0,
        SubscriptionsDeleted: 0,
      },
      supplementaryConfiguration: { Tags: Object.entries(topicTags).map(([key, value]) => ({ key, value })) },
      tags: topicTags,
      createdMs: created(),
      capturedMs: captured(),
    }),
  );

  const bucketArn = `arn:aws:s3:::${bucket}`;
  items.push(
    bucketItem(ar, {
      bucket,
      grant: {
        Sid: "AllowServiceRole",
        Effect: "Allow",
        Principal: { AWS: appRoleArn },
        Action: ["s3:GetObject", "s3:PutObject"],
        Resource: `${bucketArn}/*`,
      },
      encryption: { sseAlgorithm: "aws:kms", kmsMasterKeyID: kmsKeyArn },
      // In the generator's draw order: creation time, tags, capture time.
      createdMs: created(),
      tags: tags(),
      capturedMs: captured(),
    }),
  );

  return items;
}

/** The account-region's CloudTrail trail (clean: multi-region, log file validation, KMS). */
export function trailItem(seed: number, ar: AccountRegion, snapshotMs: number): FleetConfigItem {
  const rng = new Prng(deriveSeed(seed, "trail", ar.account.id, ar.region));
  const { account, region } = ar;
  const name = `${account.name}-management-events-${region}`;
  const arn = `arn:aws:cloudtrail:${region}:${account.id}:trail/${name}`;
  const createdMs = snapshotMs - rng.int(400 * DAY, 1500 * DAY);
  return configItem(ar, {
    resourceType: "AWS::CloudTrail::Trail",
    resourceId: name,
    resourceName: name,
    arn,
    configuration: {
      name,
      trailARN: arn,
      s3BucketName: ar.trailBucket,
      includeGlobalServiceEvents: true,
      isMultiRegionTrail: true,
      homeRegion: region,
      logFileValidationEnabled: true,
      cloudWatchLogsLogGroupArn: `arn:aws:logs:${region}:${account.id}:log-group:aws-cloudtrail-logs-${account.id}:*`,
      cloudWatchLogsRoleArn: `arn:aws:iam::${account.id}:role/CloudTrailRoleForCloudWatchLogs`,
      kmsKeyId: ar.trailKmsKeyArn,
      isOrganizationTrail: false,
      hasCustomEventSelectors: false,
      hasInsightSelectors: false,
    },
    tags: {
      service: "audit",
      team: "security",
      environment: account.environment,
      "cost-center": COST_CENTERS.security as string,
    },
    createdMs,
    capturedMs: snapshotMs - rng.int(60_000, 20 * DAY),
  });
}

/**
 * A clean S3 bucket item: owner-only ACL, access logs to the account-Region's log bucket, a policy of the TLS-only
 * Deny and one grant, versioning, every public access block setting, default encryption (bucket key on for KMS).
 */
export function bucketItem(
  ar: AccountRegion,
  b: {
    bucket: string;
    grant: PolicyDoc["Statement"][number];
    encryption: { sseAlgorithm: "aws:kms"; kmsMasterKeyID: string } | { sseAlgorithm: "AES256" };
    tags: Record<string, string>;
    createdMs: number;
    capturedMs: number;
  },
): FleetConfigItem {
  const arn = `arn:aws:s3:::${b.bucket}`;
  return configItem(ar, {
    resourceType: "AWS::S3::Bucket",
    resourceId: b.bucket,
    resourceName: b.bucket,
    arn,
    configuration: { name: b.bucket, owner: { displayName: null, id: ar.s3OwnerId }, creationDate: iso(b.createdMs) },
    supplementaryConfiguration: {
      AccessControlList: JSON.stringify({
        grantSet: null,
        grantList: [{ grantee: { id: ar.s3OwnerId, displayName: null }, permission: "FullControl" }],
        owner: { displayName: null, id: ar.s3OwnerId },
        isRequesterCharged: false,
      }),
      BucketLoggingConfiguration: { destinationBucketName: ar.accessLogBucket, logFilePrefix: `${b.bucket}/` },
      BucketPolicy: {
        policyText: JSON.stringify({
          Version: "2012-10-17",
          Statement: [tlsDeny("s3:*", [arn, `${arn}/*`]), b.grant],
        } satisfies PolicyDoc),
      },
      BucketVersioningConfiguration: { status: "Enabled", isMfaDeleteEnabled: null },
      IsRequesterPaysEnabled: false,
      PublicAccessBlockConfiguration: {
        blockPublicAcls: true,
        ignorePublicAcls: true,
        blockPublicPolicy: true,
        restrictPublicBuckets: true,
      },
      ServerSideEncryptionConfiguration: {
        rules: [
          {
            applyServerSideEncryptionByDefault: b.encryption,
            bucketKeyEnabled: b.encryption.sseAlgorithm === "aws:kms",
          },
        ],
      },
    },
    tags: b.tags,
    createdMs: b.createdMs,
    capturedMs: b.capturedMs,
  });
}
