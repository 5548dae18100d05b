import {
  DEFAULT_VIOLATION_RATE,
  EXEMPT_SHARE,
  EXPIRED_EXEMPTION_DATE,
  EXPIRED_EXEMPTION_SHARE,
  fleetSnapshots,
  snapshotTime,
  type FleetOptions,
} from "./generate";
import type { ExpectedResult, FleetConfigItem, PolicyDoc, PolicyStatement } from "./model";
import { deriveSeed, Prng } from "./prng";
import { ELB_LOG_ACCOUNTS, microserviceItems, serviceFlavour } from "./architecture";
import { accountRegion, fleetAccounts, serviceName } from "./resources";
import { addExemptionToken, violationsFor } from "./violations";

/**
 * The sample fleet as CloudFormation: the same configuration items fleet/generate.ts writes to Config snapshots
 * (clean, then violated by the same catalogue), turned back into the template that would have created them. Two
 * uses:
 *  - `fleetAccountTemplates`: one template per account and Region of the fleet, with a map from each Config
 *    resource id to its logical id, so a test can scan both and compare verdicts pair by pair;
 *  - `sampleFleetTemplate`: one deployable template of N services for a sandbox account (`guardrail fleet
 *    template`), parameterised by the custom domain's suffix and certificate.
 *
 * Values Config records with the account id, Region or a generated id in them (ARNs, queue URLs, bucket names) are
 * written the way a template writes them: `Fn::GetAtt`, `Ref` and `Fn::Sub` over pseudo parameters. Everything a
 * policy judges is written out explicitly, so the template says what the Config item records.
 */

type Json = Record<string, unknown>;

export interface CfnTemplate {
  AWSTemplateFormatVersion: "2010-09-09";
  Description: string;
  Parameters?: Json;
  Conditions?: Json;
  Resources: Record<
    string,
    { Type: string; Properties: Json; DependsOn?: string | string[]; DeletionPolicy?: string; Condition?: string }
  >;
  Outputs?: Json;
}

export interface AccountTemplate {
  accountId: string;
  region: string;
  template: CfnTemplate;
  /** Config resourceId -> logical id of the resource the template declares for it. */
  logicalIds: Map<string, string>;
  expected: ExpectedResult[];
}

const pascal = (s: string): string =>
  s
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join("");

const ref = (id: string) => ({ Ref: id });
const arnOf = (id: string) => ({ "Fn::GetAtt": [id, "Arn"] });
const sub = (text: string) => ({ "Fn::Sub": text });
const tagList = (tags: Record<string, string>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

/** Literal values of the Config items (ARNs with the fleet's account ids) and the intrinsic that produces each. */
class Literals {
  private readonly map = new Map<string, unknown>();
  set(literal: string, intrinsic: unknown): void {
    this.map.set(literal, intrinsic);
  }
  /** A copy of a policy document with every known literal replaced. */
  apply<T>(value: T): T {
    if (typeof value === "string") return (this.map.get(value) ?? value) as T;
    if (Array.isArray(value)) return value.map((v: unknown) => this.apply(v)) as T;
    if (typeof value === "object" && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.apply(v)])) as T;
    }
    return value;
  }
}

interface ServiceContext {
  prefix: string;
  account: string;
  region: string;
  literals: Literals;
  resources: CfnTemplate["Resources"];
  logicalIds: Map<string, string>;
  /** Shared per template: the KMS key, the WAF web ACL, the access-log bucket. */
  shared: { key: string; webAcl: string; logBucket: string };
}

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const cfg = (ci: FleetConfigItem): Json => ci.configuration;
const asObject = (v: unknown): Json => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : {});
const parsed = <T>(v: unknown): T | undefined => (typeof v === "string" ? (JSON.parse(v) as T) : (v as T | undefined));

interface ApiNames {
  apiId: string;
  handlerId: string;
  svc: string;
  id: (ci: FleetConfigItem, suffix: string) => string;
}

/** A REST API's resources: the API, its path resources and methods, deployment, stage, WAF and custom domain. */
function restApiResources(api: FleetConfigItem, items: FleetConfigItem[], ctx: ServiceContext, names: ApiNames): void {
  const { prefix: P, resources: R } = ctx;
  const { apiId, handlerId, svc, id } = names;
  id(api, "Api");
  const byType = (t: string) => items.filter((i) => i.resourceType === t);
  const stage = byType("AWS::ApiGateway::Stage")[0] as FleetConfigItem;
  const domain = byType("AWS::ApiGateway::DomainName")[0] as FleetConfigItem;
  const methods = byType("AWS::ApiGateway::Method");
  const stageId = id(stage, "ProdStage");
  const domainId = id(domain, "Domain");
  const a = cfg(api);
  R[apiId] = {
    Type: "AWS::ApiGateway::RestApi",
    Properties: {
      Name: a.name,
      Description: a.description,
      EndpointConfiguration: { Types: asObject(a.endpointConfiguration).types },
      ...(a.disableExecuteApiEndpoint !== undefined ? { DisableExecuteApiEndpoint: a.disableExecuteApiEndpoint } : {}),
      ...(a.securityPolicy !== undefined ? { SecurityPolicy: a.securityPolicy } : {}),
      Tags: tagList(api.tags),
    },
  };
  const methodIds: string[] = [];
  methods.forEach((m, i) => {
    const c = cfg(m);
    const path = m.resourceName.slice(m.resourceName.indexOf(" ") + 1); // "GET /orders" -> "/orders"
    const segments = path.split("/").filter(Boolean);
    let parent: unknown = { "Fn::GetAtt": [apiId, "RootResourceId"] };
    let resourceId = "";
    segments.forEach((seg, j) => {
      resourceId = `${P}Path${pascal(segments.slice(0, j + 1).join("-"))}`;
      R[resourceId] ??= {
        Type: "AWS::ApiGateway::Resource",
        Properties: { RestApiId: ref(apiId), ParentId: parent, PathPart: seg },
      };
      parent = ref(resourceId);
    });
    const integration = asObject(c.methodIntegration);
    const type = str(integration.type);
    const methodId = id(m, `Method${i === 0 ? "Get" : "Webhook"}`);
    methodIds.push(methodId);
    R[methodId] = {
      Type: "AWS::ApiGateway::Method",
      Properties: {
        RestApiId: ref(apiId),
        ResourceId: ref(resourceId),
        HttpMethod: c.httpMethod,
        AuthorizationType: c.authorizationType,
        ApiKeyRequired: c.apiKeyRequired,
        Integration: {
          Type: type,
          IntegrationHttpMethod: integration.httpMethod,
          Uri:
            type === "AWS_PROXY"
              ? sub(
                  `arn:\${AWS::Partition}:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${${handlerId}.Arn}/invocations`,
                )
              : integration.uri,
          ConnectionType: integration.connectionType,
          PassthroughBehavior: integration.passthroughBehavior,
          TimeoutInMillis: integration.timeoutInMillis,
          // tlsConfig has no CloudFormation property (API and OpenAPI only); the fleet never sets it to true.
        },
      },
    };
  });
  const deploymentId = `${P}Deployment`;
  R[deploymentId] = {
    Type: "AWS::ApiGateway::Deployment",
    Properties: { RestApiId: ref(apiId), Description: `${svc} deployment` },
    DependsOn: methodIds,
  };
  const s = cfg(stage);
  const defaults = asObject(asObject(s.methodSettings)["*/*"]);
  const logGroupId = `${P}AccessLogs`;
  if (s.accessLogSettings !== undefined) {
    R[logGroupId] = {
      Type: "AWS::Logs::LogGroup",
      // A year, encrypted with the fleet's key: what logs-group-retention and logs-group-encrypted ask.
      Properties: {
        LogGroupName: `/aws/apigateway/${str(a.name)}/prod/access`,
        RetentionInDays: 365,
        KmsKeyId: arnOf(ctx.shared.key),
      },
    };
  }
  R[stageId] = {
    Type: "AWS::ApiGateway::Stage",
    Properties: {
      RestApiId: ref(apiId),
      DeploymentId: ref(deploymentId),
      StageName: s.stageName,
      Description: s.description,
      TracingEnabled: s.tracingEnabled,
      CacheClusterEnabled: s.cacheClusterEnabled,
      ...(s.cacheClusterSize !== undefined ? { CacheClusterSize: s.cacheClusterSize } : {}),
      ...(s.accessLogSettings !== undefined
        ? { AccessLogSetting: { DestinationArn: arnOf(logGroupId), Format: asObject(s.accessLogSettings).format } }
        : {}),
      MethodSettings: [
        {
          ResourcePath: "/*",
          HttpMethod: "*",
          LoggingLevel: defaults.loggingLevel,
          MetricsEnabled: defaults.metricsEnabled,
          DataTraceEnabled: defaults.dataTraceEnabled,
          CachingEnabled: defaults.cachingEnabled,
          CacheDataEncrypted: defaults.cacheDataEncrypted,
          CacheTtlInSeconds: defaults.cacheTtlInSeconds,
          ThrottlingBurstLimit: defaults.throttlingBurstLimit,
          ThrottlingRateLimit: defaults.throttlingRateLimit,
        },
      ],
      Tags: tagList(stage.tags),
    },
  };
  if (s.webAclArn !== undefined) {
    R[`${P}StageWebAcl`] = {
      Type: "AWS::WAFv2::WebACLAssociation",
      Properties: {
        ResourceArn: sub(
          `arn:\${AWS::Partition}:apigateway:\${AWS::Region}::/restapis/\${${apiId}}/stages/${String(s.stageName)}`,
        ),
        WebACLArn: arnOf(ctx.shared.webAcl),
      },
      DependsOn: stageId,
    };
  }
  const d = cfg(domain);
  const domainName = str(d.DomainName) ?? domain.resourceId;
  const sub1 = domainName.slice(0, domainName.indexOf("."));
  R[domainId] = {
    Type: "AWS::ApiGateway::DomainName",
    Properties: {
      DomainName: sub(`${sub1}.\${DomainSuffix}`),
      RegionalCertificateArn: ref("DomainCertificateArn"),
      EndpointConfiguration: { Types: asObject(d.EndpointConfiguration).Types },
      ...(d.SecurityPolicy !== undefined ? { SecurityPolicy: d.SecurityPolicy } : {}),
      Tags: tagList(domain.tags),
    },
  };
  if (api.relationships.some((r) => r.resourceType === "AWS::ApiGateway::DomainName")) {
    R[`${P}DomainMapping`] = {
      Type: "AWS::ApiGateway::BasePathMapping",
      Properties: { DomainName: ref(domainId), RestApiId: ref(apiId), Stage: s.stageName },
      DependsOn: stageId,
    };
  }
}

/**
 * An HTTP API's resources: the API, a Lambda proxy integration and `GET /<svc>` route, and the `prod` stage with
 * its access log group (API Gateway v2 CloudFormation types; Config records no v2 custom domain, and the tour
 * declares none: a custom domain is billed, a regional API and stage are not).
 */
function httpApiResources(api: FleetConfigItem, items: FleetConfigItem[], ctx: ServiceContext, names: ApiNames): void {
  const { prefix: P, resources: R } = ctx;
  const { apiId, handlerId, svc, id } = names;
  id(api, "Api");
  const stage = items.find((i) => i.resourceType === "AWS::ApiGatewayV2::Stage") as FleetConfigItem;
  const stageId = id(stage, "ProdStage");
  const a = cfg(api);
  R[apiId] = {
    Type: "AWS::ApiGatewayV2::Api",
    Properties: {
      Name: a.name,
      ProtocolType: a.protocolType,
      ...(a.disableExecuteApiEndpoint !== undefined ? { DisableExecuteApiEndpoint: a.disableExecuteApiEndpoint } : {}),
      Tags: api.tags,
    },
  };
  R[`${P}Integration`] = {
    Type: "AWS::ApiGatewayV2::Integration",
    Properties: {
      ApiId: ref(apiId),
      IntegrationType: "AWS_PROXY",
      IntegrationUri: arnOf(handlerId),
      PayloadFormatVersion: "2.0",
    },
  };
  R[`${P}Route`] = {
    Type: "AWS::ApiGatewayV2::Route",
    Properties: {
      ApiId: ref(apiId),
      RouteKey: `GET /${svc}`,
      AuthorizationType: "AWS_IAM",
      Target: sub(`integrations/\${${P}Integration}`),
    },
  };
  const s = cfg(stage);
  const logs = asObject(s.accessLogSettings);
  const logGroupId = `${P}AccessLogs`;
  if (s.accessLogSettings !== undefined) {
    R[logGroupId] = {
      Type: "AWS::Logs::LogGroup",
      Properties: {
        LogGroupName: `/aws/apigateway/${str(a.name)}/prod-access`,
        RetentionInDays: 365,
        KmsKeyId: arnOf(ctx.shared.key),
      },
    };
  }
  const route = asObject(s.defaultRouteSettings);
  R[stageId] = {
    Type: "AWS::ApiGatewayV2::Stage",
    Properties: {
      ApiId: ref(apiId),
      StageName: s.stageName,
      Description: s.description,
      AutoDeploy: s.autoDeploy,
      ...(s.accessLogSettings !== undefined
        ? { AccessLogSettings: { DestinationArn: arnOf(logGroupId), Format: logs.format } }
        : {}),
      DefaultRouteSettings: {
        DetailedMetricsEnabled: route.detailedMetricsEnabled,
        ...(route.throttlingBurstLimit !== undefined ? { ThrottlingBurstLimit: route.throttlingBurstLimit } : {}),
        ...(route.throttlingRateLimit !== undefined ? { ThrottlingRateLimit: route.throttlingRateLimit } : {}),
      },
      Tags: stage.tags,
    },
    DependsOn: `${P}Route`,
  };
}

/** The resources of one serverless service (REST or HTTP API, Lambda, DynamoDB, ...) in template form. */
function serviceResources(items: FleetConfigItem[], ctx: ServiceContext): void {
  const { prefix: P, resources: R, literals: L } = ctx;
  const byType = (t: string) => items.filter((i) => i.resourceType === t);
  const one = (t: string) => byType(t)[0] as FleetConfigItem;
  const api = byType("AWS::ApiGateway::RestApi")[0];
  const httpApi = byType("AWS::ApiGatewayV2::Api")[0];
  const [handler, worker] = byType("AWS::Lambda::Function") as [FleetConfigItem, FleetConfigItem];
  const table = one("AWS::DynamoDB::Table");
  const [queue, dlq] = byType("AWS::SQS::Queue") as [FleetConfigItem, FleetConfigItem];
  const topic = one("AWS::SNS::Topic");
  const bucket = one("AWS::S3::Bucket");
  const svc = str(cfg(table).tableName)?.replace(/-table$/, "") ?? P;

  const id = (ci: FleetConfigItem, suffix: string) => {
    const logical = `${P}${suffix}`;
    ctx.logicalIds.set(ci.resourceId, logical);
    return logical;
  };
  const apiId = `${P}Api`;
  const handlerId = id(handler, "ApiHandler");
  const workerId = id(worker, "QueueWorker");
  const tableId = id(table, "Table");
  const queueId = id(queue, "Queue");
  const dlqId = id(dlq, "DeadLetterQueue");
  const topicId = id(topic, "Topic");
  const bucketId = id(bucket, "AssetsBucket");

  // Literals of this service's items, and what a template writes instead.
  const acct = ctx.account;
  L.set(`arn:aws:iam::${acct}:root`, sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root"));
  L.set(acct, ref("AWS::AccountId"));
  L.set(queue.ARN, arnOf(queueId));
  L.set(dlq.ARN, arnOf(dlqId));
  L.set(topic.ARN, ref(topicId));
  L.set(bucket.ARN, arnOf(bucketId));
  L.set(`${bucket.ARN}/*`, sub(`\${${bucketId}.Arn}/*`));
  L.set(handler.ARN, arnOf(handlerId));
  L.set(worker.ARN, arnOf(workerId));
  for (const fn of [handler, worker]) {
    const role = str(cfg(fn).role) ?? "";
    L.set(role, arnOf(`${fn === handler ? handlerId : workerId}Role`));
  }

  // API Gateway: a REST API (resources and methods, deployment, stage, custom domain and its mapping) or an HTTP
  // API (route, Lambda integration, stage).
  if (api) restApiResources(api, items, ctx, { apiId, handlerId, svc, id });
  else if (httpApi) httpApiResources(httpApi, items, ctx, { apiId, handlerId, svc, id });

  // Log groups the service's Config items record (Lambda functions'), a year, encrypted with the fleet's key.
  for (const lg of byType("AWS::Logs::LogGroup")) {
    const c = cfg(lg);
    const fn = str(c.LogGroupName)?.replace(/^\/aws\/lambda\//, "") ?? "";
    R[id(lg, `${pascal(fn.replace(new RegExp(`^${svc}-`), ""))}Logs`)] = {
      Type: "AWS::Logs::LogGroup",
      Properties: {
        LogGroupName: c.LogGroupName,
        ...(c.RetentionInDays !== undefined ? { RetentionInDays: c.RetentionInDays } : {}),
        ...(c.KmsKeyId !== undefined ? { KmsKeyId: arnOf(ctx.shared.key) } : {}),
        Tags: tagList(lg.tags),
      },
    };
  }

  // Lambda: a role each, the function, and a permission per statement of its resource policy.
  for (const [fn, fnId] of [
    [handler, handlerId],
    [worker, workerId],
  ] as const) {
    const c = cfg(fn);
    R[`${fnId}Role`] = {
      Type: "AWS::IAM::Role",
      Properties: {
        AssumeRolePolicyDocument: {
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
        },
        ManagedPolicyArns: [
          sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"),
          sub("arn:${AWS::Partition}:iam::aws:policy/AWSXRayDaemonWriteAccess"),
        ],
      },
    };
    const env = asObject(asObject(c.environment).variables);
    R[fnId] = {
      Type: "AWS::Lambda::Function",
      Properties: {
        FunctionName: c.functionName,
        Runtime: c.runtime,
        Handler: c.handler,
        Role: arnOf(`${fnId}Role`),
        MemorySize: c.memorySize,
        Timeout: c.timeout,
        Architectures: c.architectures,
        TracingConfig: { Mode: asObject(c.tracingConfig).mode },
        Environment: {
          Variables: Object.fromEntries(
            Object.entries(env).map(([k, v]) => [
              k,
              k === "TOPIC_ARN"
                ? ref(topicId)
                : k === "QUEUE_URL"
                  ? ref(queueId)
                  : k === "BUCKET_NAME"
                    ? ref(bucketId)
                    : v,
            ]),
          ),
        },
        Code: { ZipFile: "exports.handler = async () => ({ statusCode: 200, body: '{}' });\n" },
        Tags: tagList(fn.tags),
      },
    };
    const policy = parsed<PolicyDoc>(fn.supplementaryConfiguration.Policy);
    (policy?.Statement ?? []).forEach((st: PolicyStatement, i) => {
      const principal = st.Principal;
      const service = str(asObject(principal).Service);
      const sourceArn = asObject(asObject(st.Condition).ArnLike)["AWS:SourceArn"];
      R[`${fnId}Permission${i + 1}`] = {
        Type: "AWS::Lambda::Permission",
        Properties: {
          FunctionName: arnOf(fnId),
          Action: Array.isArray(st.Action) ? st.Action[0] : st.Action,
          Principal: principal === "*" ? "*" : (service ?? L.apply(asObject(principal).AWS)),
          ...(typeof sourceArn === "string"
            ? {
                SourceArn: sub(
                  sourceArn
                    .replace(`:${ctx.region}:`, ":${AWS::Region}:")
                    .replace(`:${acct}:`, ":${AWS::AccountId}:")
                    .replace(/^arn:aws:/, "arn:${AWS::Partition}:")
                    .replace(/:[A-Za-z0-9]{10}\//, `:\${${apiId}}/`),
                ),
              }
            : {}),
        },
      };
    });
  }

  // DynamoDB.
  const t = cfg(table);
  const pitr = asObject(
    asObject(table.supplementaryConfiguration.ContinuousBackupsDescription).pointInTimeRecoveryDescription,
  );
  R[tableId] = {
    Type: "AWS::DynamoDB::Table",
    Properties: {
      TableName: t.tableName,
      BillingMode: asObject(t.billingModeSummary).billingMode,
      AttributeDefinitions: (t.attributeDefinitions as Json[]).map((x) => ({
        AttributeName: x.attributeName,
        AttributeType: x.attributeType,
      })),
      KeySchema: (t.keySchema as Json[]).map((x) => ({ AttributeName: x.attributeName, KeyType: x.keyType })),
      DeletionProtectionEnabled: t.deletionProtectionEnabled,
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: pitr.pointInTimeRecoveryStatus === "ENABLED" },
      SSESpecification: { SSEEnabled: true, SSEType: "KMS", KMSMasterKeyId: arnOf(ctx.shared.key) },
      Tags: tagList(table.tags),
    },
  };

  // SQS: the queue, its dead-letter queue, and a queue policy each. The DLQ's RedriveAllowPolicy names the queue
  // by a built ARN (a GetAtt both ways would be a circular dependency).
  for (const [q, qId] of [
    [queue, queueId],
    [dlq, dlqId],
  ] as const) {
    const c = cfg(q);
    const redrive = parsed<Json>(c.RedrivePolicy);
    const allow = parsed<Json>(c.RedriveAllowPolicy);
    R[qId] = {
      Type: "AWS::SQS::Queue",
      Properties: {
        QueueName: q.resourceName,
        MessageRetentionPeriod: Number(c.MessageRetentionPeriod),
        VisibilityTimeout: Number(c.VisibilityTimeout),
        ReceiveMessageWaitTimeSeconds: Number(c.ReceiveMessageWaitTimeSeconds),
        DelaySeconds: Number(c.DelaySeconds),
        MaximumMessageSize: Number(c.MaximumMessageSize),
        SqsManagedSseEnabled: c.SqsManagedSseEnabled === "true",
        ...(c.KmsMasterKeyId !== undefined ? { KmsMasterKeyId: c.KmsMasterKeyId } : {}),
        ...(redrive
          ? { RedrivePolicy: { deadLetterTargetArn: arnOf(dlqId), maxReceiveCount: redrive.maxReceiveCount } }
          : {}),
        ...(allow
          ? {
              RedriveAllowPolicy: {
                redrivePermission: allow.redrivePermission,
                sourceQueueArns: [
                  sub(`arn:\${AWS::Partition}:sqs:\${AWS::Region}:\${AWS::AccountId}:${queue.resourceName}`),
                ],
              },
            }
          : {}),
        Tags: tagList(q.tags),
      },
    };
    const policy = parsed<PolicyDoc>(c.Policy);
    if (policy) {
      const { Id: _id, ...doc } = policy;
      R[`${qId}Policy`] = {
        Type: "AWS::SQS::QueuePolicy",
        Properties: { Queues: [ref(qId)], PolicyDocument: L.apply(doc) },
      };
    }
  }

  // SNS.
  const tp = cfg(topic);
  R[topicId] = {
    Type: "AWS::SNS::Topic",
    Properties: {
      TopicName: topic.resourceName,
      ...(tp.KmsMasterKeyId !== undefined ? { KmsMasterKeyId: arnOf(ctx.shared.key) } : {}),
      Tags: tagList(topic.tags),
    },
  };
  const topicPolicy = parsed<PolicyDoc>(tp.Policy);
  if (topicPolicy) {
    const { Id: _id, ...doc } = topicPolicy;
    R[`${topicId}Policy`] = {
      Type: "AWS::SNS::TopicPolicy",
      Properties: { Topics: [ref(topicId)], PolicyDocument: L.apply(doc) },
    };
  }

  // S3: the assets bucket and its policy.
  const supp = bucket.supplementaryConfiguration;
  const sse = asObject(supp.ServerSideEncryptionConfiguration);
  const versioning = str(asObject(supp.BucketVersioningConfiguration).status);
  const logging = asObject(supp.BucketLoggingConfiguration);
  const pab = asObject(supp.PublicAccessBlockConfiguration);
  R[bucketId] = {
    Type: "AWS::S3::Bucket",
    Properties: {
      BucketName: sub(`${svc}-assets-\${AWS::AccountId}-\${AWS::Region}`),
      ...(Object.keys(pab).length > 0
        ? {
            PublicAccessBlockConfiguration: {
              BlockPublicAcls: pab.blockPublicAcls,
              IgnorePublicAcls: pab.ignorePublicAcls,
              BlockPublicPolicy: pab.blockPublicPolicy,
              RestrictPublicBuckets: pab.restrictPublicBuckets,
            },
          }
        : {}),
      ...(Array.isArray(sse.rules)
        ? {
            BucketEncryption: {
              ServerSideEncryptionConfiguration: (sse.rules as Json[]).map((r) => {
                const byDefault = asObject(r.applyServerSideEncryptionByDefault);
                return {
                  ServerSideEncryptionByDefault: {
                    SSEAlgorithm: byDefault.sseAlgorithm,
                    ...(byDefault.kmsMasterKeyID !== undefined ? { KMSMasterKeyID: arnOf(ctx.shared.key) } : {}),
                  },
                  BucketKeyEnabled: r.bucketKeyEnabled,
                };
              }),
            },
          }
        : {}),
      ...(versioning && versioning !== "Off" ? { VersioningConfiguration: { Status: versioning } } : {}),
      ...(str(logging.destinationBucketName)
        ? {
            LoggingConfiguration: {
              DestinationBucketName: ref(ctx.shared.logBucket),
              LogFilePrefix: logging.logFilePrefix,
            },
          }
        : {}),
      Tags: tagList(bucket.tags),
    },
  };
  const bucketPolicy = parsed<PolicyDoc>(asObject(supp.BucketPolicy).policyText);
  if (bucketPolicy) {
    R[`${bucketId}Policy`] = {
      Type: "AWS::S3::BucketPolicy",
      Properties: { Bucket: ref(bucketId), PolicyDocument: L.apply(bucketPolicy) },
    };
  }
}

/** The resources every template shares: the KMS key, the WAF web ACL and the S3 access-log bucket (all compliant). */
function sharedResources(resources: CfnTemplate["Resources"]): ServiceContext["shared"] {
  resources.FleetKey = {
    Type: "AWS::KMS::Key",
    Properties: {
      Description: "Guardrail sample fleet: tables, topics, buckets and log groups",
      EnableKeyRotation: true,
      KeyPolicy: {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "AccountAdministers",
            Effect: "Allow",
            Principal: { AWS: sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root") },
            Action: "kms:*",
            Resource: "*",
          },
          {
            // CloudWatch Logs User Guide, "Encrypt log data in CloudWatch Logs using AWS Key Management Service".
            Sid: "CloudWatchLogsEncryptsThisAccountsLogGroups",
            Effect: "Allow",
            Principal: { Service: sub("logs.${AWS::Region}.amazonaws.com") },
            Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
            Resource: "*",
            Condition: {
              ArnLike: {
                "kms:EncryptionContext:aws:logs:arn": sub(
                  "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*",
                ),
              },
            },
          },
        ],
      },
    },
  };
  resources.FleetWebAcl = {
    Type: "AWS::WAFv2::WebACL",
    Properties: {
      Name: sub("${AWS::StackName}-api-protection"),
      Scope: "REGIONAL",
      DefaultAction: { Allow: {} },
      VisibilityConfig: { SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: "guardrail-fleet" },
      Rules: [
        {
          Name: "AWSManagedRulesCommonRuleSet",
          Priority: 0,
          OverrideAction: { None: {} },
          Statement: { ManagedRuleGroupStatement: { VendorName: "AWS", Name: "AWSManagedRulesCommonRuleSet" } },
          VisibilityConfig: { SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: "common" },
        },
      ],
    },
  };
  resources.FleetAccessLogBucket = {
    Type: "AWS::S3::Bucket",
    Properties: {
      BucketName: sub("guardrail-fleet-access-logs-${AWS::AccountId}-${AWS::Region}"),
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
      // Server access logs can only be delivered to SSE-S3 buckets.
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }],
      },
      VersioningConfiguration: { Status: "Enabled" },
      Tags: [{ Key: "service", Value: "guardrail-sample-fleet" }],
    },
  };
  resources.FleetAccessLogBucketPolicy = {
    Type: "AWS::S3::BucketPolicy",
    Properties: {
      Bucket: ref("FleetAccessLogBucket"),
      PolicyDocument: {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [arnOf("FleetAccessLogBucket"), sub("${FleetAccessLogBucket.Arn}/*")],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
          {
            Sid: "S3ServerAccessLogs",
            Effect: "Allow",
            Principal: { Service: "logging.s3.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: sub("${FleetAccessLogBucket.Arn}/*"),
            Condition: { StringEquals: { "aws:SourceAccount": ref("AWS::AccountId") } },
          },
        ],
      },
    },
  };
  return { key: "FleetKey", webAcl: "FleetWebAcl", logBucket: "FleetAccessLogBucket" };
}

function newTemplate(description: string): CfnTemplate {
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: description,
    Parameters: {
      DomainSuffix: {
        Type: "String",
        Default: "api.example.com",
        Description: "Custom domains are <service>.<DomainSuffix>; use a zone you own, covered by the certificate.",
      },
      DomainCertificateArn: {
        Type: "String",
        Description: "ACM certificate (in this Region) for *.<DomainSuffix>.",
      },
    },
    Resources: {},
  };
}

/**
 * Groups a snapshot's items by service (their `service` tag): the trail apart, and the serverless services (those
 * with an API Gateway API); container services and the shared pieces are not in template form yet.
 */
function byService(items: FleetConfigItem[]): { trail?: FleetConfigItem; services: FleetConfigItem[][] } {
  const trail = items.find((i) => i.resourceType === "AWS::CloudTrail::Trail");
  const groups = new Map<string, FleetConfigItem[]>();
  for (const i of items) {
    if (i === trail) continue;
    const key = i.tags.service ?? "";
    groups.set(key, [...(groups.get(key) ?? []), i]);
  }
  const serverless = [...groups.values()].filter((g) =>
    g.some((i) => i.resourceType === "AWS::ApiGateway::RestApi" || i.resourceType === "AWS::ApiGatewayV2::Api"),
  );
  return { trail, services: serverless };
}

function templateOf(
  items: FleetConfigItem[],
  account: string,
  region: string,
  description: string,
  withTrail: boolean,
) {
  const template = newTemplate(description);
  const logicalIds = new Map<string, string>();
  const literals = new Literals();
  const shared = sharedResources(template.Resources);
  const { trail, services } = byService(items);
  for (const svcItems of services) {
    const table = svcItems.find((i) => i.resourceType === "AWS::DynamoDB::Table");
    const svc = String(table?.resourceName ?? "svc").replace(/-table$/, "");
    serviceResources(svcItems, {
      prefix: pascal(svc),
      account,
      region,
      literals,
      resources: template.Resources,
      logicalIds,
      shared,
    });
  }
  if (trail && withTrail) {
    const c = cfg(trail);
    logicalIds.set(trail.resourceId, "ManagementTrail");
    template.Resources.ManagementTrail = {
      Type: "AWS::CloudTrail::Trail",
      Properties: {
        TrailName: c.name,
        S3BucketName: c.s3BucketName,
        IsLogging: true,
        IsMultiRegionTrail: c.isMultiRegionTrail,
        IncludeGlobalServiceEvents: c.includeGlobalServiceEvents,
        EnableLogFileValidation: c.logFileValidationEnabled,
        ...(c.kmsKeyId !== undefined ? { KMSKeyId: c.kmsKeyId } : {}),
        Tags: tagList(trail.tags),
      },
    };
  }
  return { template, logicalIds };
}

/** One template per account and Region of the fleet, from the very items its Config snapshots hold. */
export function* fleetAccountTemplates(opts: FleetOptions): Generator<AccountTemplate> {
  for (const s of fleetSnapshots(opts)) {
    const { template, logicalIds } = templateOf(
      s.items,
      s.account.id,
      s.region,
      `Guardrail sample fleet: ${s.account.name} ${s.region} (seed ${opts.seed})`,
      true,
    );
    yield { accountId: s.account.id, region: s.region, template, logicalIds, expected: s.expected };
  }
}

/**
 * Violations a stack can no longer create, left out of the deployable fleet (the snapshot fleet still has them:
 * existing resources keep them): Lambda refuses to create functions on deprecated runtimes, and S3 encrypts every
 * bucket (SSE-S3) since January 2023, so a bucket without default encryption cannot be made.
 */
export const UNDEPLOYABLE = new Set(["lambda-function-supported-runtime", "s3-bucket-default-encryption"]);

/** The first `n` services of the fleet that are serverless (REST or HTTP API + Lambda): the deployable tour's. */
export function serverlessServices(n: number): number[] {
  const out: number[] = [];
  for (let i = 0; out.length < n; i++) {
    const f = serviceFlavour(i);
    if (f === "rest-lambda" || f === "http-lambda") out.push(i);
  }
  return out;
}

export interface SampleFleetOptions {
  services: number;
  seed: number;
  /** Plant violations (the same catalogue, rate and exemption shares as the snapshot fleet). */
  violations: boolean;
  violationRate?: number;
}

/**
 * A deployable template of `services` serverless services for one sandbox account: the fleet model's first
 * account, us-east-1's shapes, the first N serverless services of the fleet (REST and HTTP APIs alternate). With
 * `violations`, each (resource, policy) pair is violated with the given rate, drawn the way fleet/generate.ts
 * draws them (two draws per applicable pair, per-service streams).
 */
export function sampleFleetTemplate(opts: SampleFleetOptions): { template: CfnTemplate; expected: ExpectedResult[] } {
  const account = fleetAccounts(opts.seed)[0] as ReturnType<typeof fleetAccounts>[number];
  const region = "us-east-1";
  const ar = accountRegion(opts.seed, account, region);
  const snapshotMs = snapshotTime(opts.seed);
  const rate = opts.violations ? (opts.violationRate ?? DEFAULT_VIOLATION_RATE) : 0;
  const items: FleetConfigItem[] = [];
  const expected: ExpectedResult[] = [];
  const indexes = serverlessServices(opts.services);
  for (const i of indexes) {
    const rng = new Prng(deriveSeed(opts.seed, "violations", i));
    for (const ci of microserviceItems(opts.seed, i, ar, snapshotMs)) {
      for (const spec of violationsFor(ci.resourceType)) {
        if (spec.appliesTo && !spec.appliesTo(ci)) continue;
        const violated = rng.next() < rate;
        const exemption = rng.next();
        if (!violated || UNDEPLOYABLE.has(spec.policyId)) continue;
        spec.mutate(ci);
        let compliance: ExpectedResult["compliance"] = "NON_COMPLIANT";
        if (exemption < EXEMPT_SHARE) {
          if (addExemptionToken(ci, spec.policyId)) compliance = "EXEMPT";
        } else if (exemption < EXEMPT_SHARE + EXPIRED_EXEMPTION_SHARE) {
          addExemptionToken(ci, `${spec.policyId}@${EXPIRED_EXEMPTION_DATE}`);
        }
        expected.push({
          policyId: spec.policyId,
          resourceType: ci.resourceType,
          resourceId: ci.resourceId,
          accountId: account.id,
          region,
          compliance,
        });
      }
      items.push(ci);
    }
  }
  const names = indexes.map((i) => serviceName(i).name).join(", ");
  const { template } = templateOf(
    items,
    account.id,
    region,
    `Guardrail sample fleet: ${opts.services} service(s) (${names}), seed ${opts.seed}${opts.violations ? ", with planted violations" : ", clean"}`,
    false,
  );
  addLoadBalancer(template, microserviceItems(opts.seed, firstContainerService(), ar, snapshotMs), region);
  return { template, expected };
}

function firstContainerService(): number {
  let i = 0;
  while (serviceFlavour(i) !== "fargate-aurora" && serviceFlavour(i) !== "fargate-postgres") i++;
  return i;
}

/**
 * The entry point of the fleet's container services, off by default (`WithLoadBalancer=true` turns it on: an
 * Application Load Balancer is billed by the hour, about $16 a month plus LCUs in us-east-1): the first container
 * service's internet-facing ALB, its security group, an (empty) IP target group, the HTTPS listener and the HTTP
 * listener redirecting to it, from that service's clean Config items. Access logs go to the fleet's access-log
 * bucket, whose policy then lets the Region's Elastic Load Balancing account write (Elastic Load Balancing User
 * Guide, "Enable access logs for your Application Load Balancer"; the fleet's Regions only).
 */
function addLoadBalancer(template: CfnTemplate, items: FleetConfigItem[], region: string): void {
  const R = template.Resources;
  const lb = items.find((i) => i.resourceType === "AWS::ElasticLoadBalancingV2::LoadBalancer") as FleetConfigItem;
  const listeners = items.filter((i) => i.resourceType === "AWS::ElasticLoadBalancingV2::Listener");
  const https = listeners.find((l) => cfg(l).Protocol === "HTTPS") as FleetConfigItem;
  const http = listeners.find((l) => cfg(l).Protocol === "HTTP") as FleetConfigItem;
  const lbName = str(cfg(lb).loadBalancerName) ?? "alb";
  const P = pascal(lbName);
  const on = "LoadBalancerOn";
  template.Parameters = {
    ...template.Parameters,
    WithLoadBalancer: {
      Type: "String",
      AllowedValues: ["false", "true"],
      Default: "false",
      Description:
        "true adds the container services' entry point: an Application Load Balancer (about $16 a month plus " +
        "LCUs in us-east-1, billed while the stack exists). Needs the three LoadBalancer parameters.",
    },
    LoadBalancerVpcId: {
      Type: "String",
      Default: "",
      Description: "VPC of the load balancer (with WithLoadBalancer).",
    },
    LoadBalancerSubnets: {
      Type: "CommaDelimitedList",
      Default: "",
      Description: "Two public subnets in different Availability Zones (with WithLoadBalancer).",
    },
    LoadBalancerCertificateArn: {
      Type: "String",
      Default: "",
      Description: "ACM certificate (in this Region) for the HTTPS listener (with WithLoadBalancer).",
    },
  };
  template.Conditions = {
    [on]: { "Fn::Equals": [ref("WithLoadBalancer"), "true"] },
  };
  const sg = `${P}SecurityGroup`;
  const anywhere = (port: number) => [
    { IpProtocol: "tcp", FromPort: port, ToPort: port, CidrIp: "0.0.0.0/0" },
    { IpProtocol: "tcp", FromPort: port, ToPort: port, CidrIpv6: "::/0" },
  ];
  R[sg] = {
    Type: "AWS::EC2::SecurityGroup",
    Condition: on,
    Properties: {
      GroupName: lbName,
      GroupDescription: `${lbName} load balancer`,
      VpcId: ref("LoadBalancerVpcId"),
      SecurityGroupIngress: [...anywhere(80), ...anywhere(443)],
      Tags: tagList(lb.tags),
    },
  };
  const attributes = (lb.supplementaryConfiguration.LoadBalancerAttributes as { key: string; value: string }[]).map(
    ({ key, value }) => ({ Key: key, Value: key === "access_logs.s3.bucket" ? ref("FleetAccessLogBucket") : value }),
  );
  R[P] = {
    Type: "AWS::ElasticLoadBalancingV2::LoadBalancer",
    Condition: on,
    Properties: {
      Name: lbName,
      Type: "application",
      Scheme: cfg(lb).scheme,
      IpAddressType: cfg(lb).ipAddressType,
      Subnets: ref("LoadBalancerSubnets"),
      SecurityGroups: [ref(sg)],
      LoadBalancerAttributes: attributes,
      Tags: tagList(lb.tags),
    },
    DependsOn: "FleetAccessLogBucketPolicy",
  };
  const tg = `${P}Targets`;
  R[tg] = {
    Type: "AWS::ElasticLoadBalancingV2::TargetGroup",
    Condition: on,
    Properties: {
      TargetType: "ip",
      Protocol: "HTTP",
      Port: 8080,
      VpcId: ref("LoadBalancerVpcId"),
      HealthCheckPath: "/health",
      Tags: tagList(lb.tags),
    },
  };
  const hc = cfg(https);
  R[`${P}HttpsListener`] = {
    Type: "AWS::ElasticLoadBalancingV2::Listener",
    Condition: on,
    Properties: {
      LoadBalancerArn: ref(P),
      Port: hc.Port,
      Protocol: hc.Protocol,
      SslPolicy: hc.SslPolicy,
      Certificates: [{ CertificateArn: ref("LoadBalancerCertificateArn") }],
      DefaultActions: [{ Type: "forward", TargetGroupArn: ref(tg) }],
    },
  };
  const redirect = asObject((cfg(http).DefaultActions as Json[])[0]);
  R[`${P}HttpListener`] = {
    Type: "AWS::ElasticLoadBalancingV2::Listener",
    Condition: on,
    Properties: {
      LoadBalancerArn: ref(P),
      Port: cfg(http).Port,
      Protocol: cfg(http).Protocol,
      DefaultActions: [{ Type: redirect.Type, RedirectConfig: redirect.RedirectConfig }],
    },
  };
  // The access-log bucket's policy lets the Region's Elastic Load Balancing account deliver, when the ALB exists.
  const policy = R.FleetAccessLogBucketPolicy?.Properties.PolicyDocument as { Statement: unknown[] } | undefined;
  const elbAccount = ELB_LOG_ACCOUNTS[region];
  if (policy && elbAccount) {
    policy.Statement.push({
      "Fn::If": [
        on,
        {
          Sid: "LoadBalancerAccessLogs",
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${elbAccount}:root` },
          Action: "s3:PutObject",
          Resource: sub("${FleetAccessLogBucket.Arn}/AWSLogs/${AWS::AccountId}/*"),
        },
        ref("AWS::NoValue"),
      ],
    });
  }
}
