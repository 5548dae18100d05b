import { Engine } from "../../lib/engine/evaluate";
import { createPolicyAjv, type ValidateFunction } from "../../lib/policy/ajv";
import { loadPolicies } from "../../lib/policy/load";
import { resourceFromConfigItem, type ResourceAdapter } from "../../lib/resources/adapter";
import { toConfigItem } from "../../lib/resources/config-item";
import { adapterFor } from "../../lib/resources/registry";
import { adapter as trailAdapter } from "../../lib/resources/types/aws-cloudtrail-trail";
import { adapter as tableAdapter } from "../../lib/resources/types/aws-dynamodb-table";
import { adapter as functionAdapter } from "../../lib/resources/types/aws-lambda-function";
import { adapter as bucketAdapter } from "../../lib/resources/types/aws-s3-bucket";
import { adapter as topicAdapter } from "../../lib/resources/types/aws-sns-topic";
import { adapter as queueAdapter } from "../../lib/resources/types/aws-sqs-queue";
import type { JsonObject } from "../../lib/util/json";
import { recorded } from "../helpers/recorded";

const ACCT = "111122223333";

/** A configuration item in invocation naming (Lambda rule events, EventBridge, snapshot files). */
function item(
  resourceType: string,
  resourceId: string,
  arn: string,
  configuration: JsonObject,
  supplementaryConfiguration: JsonObject = {},
  tags: Record<string, string> = {},
  region = "eu-west-1",
): JsonObject {
  return {
    configurationItemVersion: "1.3",
    configurationItemCaptureTime: "2026-11-02T09:14:03.120Z",
    configurationStateId: 1793610843120,
    awsAccountId: ACCT,
    configurationItemStatus: "OK",
    resourceType,
    resourceId,
    resourceName: resourceId.slice(resourceId.lastIndexOf(":") + 1),
    ARN: arn,
    awsRegion: region,
    availabilityZone: "Not Applicable",
    configurationStateMd5Hash: "",
    relatedEvents: [],
    relationships: [],
    configuration,
    supplementaryConfiguration,
    tags,
  };
}

/**
 * The same item as the Config API returns it (GetResourceConfigHistory): `accountId`, `arn`, `version`,
 * `configuration` as a JSON string and every supplementaryConfiguration value as a JSON string.
 */
function apiNaming(invocation: JsonObject): JsonObject {
  const {
    ARN,
    awsAccountId,
    configurationItemVersion,
    configurationStateMd5Hash: _md5,
    configuration,
    supplementaryConfiguration,
    ...rest
  } = invocation;
  return {
    ...rest,
    version: configurationItemVersion,
    accountId: awsAccountId,
    arn: ARN,
    configurationStateId: String(rest.configurationStateId),
    configuration: JSON.stringify(configuration),
    supplementaryConfiguration: Object.fromEntries(
      Object.entries((supplementaryConfiguration ?? {}) as JsonObject).map(([k, v]) => [k, JSON.stringify(v)]),
    ),
    recordingFrequency: "CONTINUOUS",
  };
}

const docOf = (adapter: ResourceAdapter, raw: JsonObject) => adapter.fromConfigItem(toConfigItem(raw));

const ajv = createPolicyAjv();
const validators = new Map<ResourceAdapter, ValidateFunction>();
function expectSchemaValid(adapter: ResourceAdapter, doc: unknown): void {
  let validate = validators.get(adapter);
  if (!validate) {
    validate = ajv.compile(adapter.documentSchema as object);
    validators.set(adapter, validate);
  }
  const ok = validate(doc);
  if (!ok) throw new Error(`${adapter.type} document fails its documentSchema: ${ajv.errorsText(validate.errors)}`);
}

// ---- sample items, one per type, in the shapes the adapters document -------------------------------------------

const topicArn = `arn:aws:sns:eu-west-1:${ACCT}:orders-events`;
const topicPolicy = {
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
const topic = item(
  "AWS::SNS::Topic",
  topicArn,
  topicArn,
  {
    TopicArn: topicArn,
    Owner: ACCT,
    DisplayName: "",
    SubscriptionsConfirmed: 2,
    SubscriptionsPending: "0",
    SubscriptionsDeleted: 0,
    KmsMasterKeyId: "alias/aws/sns",
    FifoTopic: "false",
    Policy: JSON.stringify(topicPolicy),
    EffectiveDeliveryPolicy: '{"http":{"defaultHealthyRetryPolicy":{"numRetries":3}}}',
  },
  { Tags: [{ key: "team", value: "commerce" }] },
  { team: "commerce" },
);

const bucketPolicy = {
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: ["arn:aws:s3:::acme-orders-archive", "arn:aws:s3:::acme-orders-archive/*"],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
  ],
};
function bucket(name: string, policyText: string | null): JsonObject {
  return item(
    "AWS::S3::Bucket",
    name,
    `arn:aws:s3:::${name}`,
    { name, owner: { displayName: null, id: "7f3c9a2b1d4e5f60" }, creationDate: "2025-03-14T10:22:41.000Z" },
    {
      AccessControlList: '{"grantSet":null,"grantList":[],"owner":{"displayName":null,"id":"7f3c9a2b1d4e5f60"}}',
      BucketAccelerateConfiguration: { status: null },
      BucketLoggingConfiguration: { destinationBucketName: "acme-access-logs", logFilePrefix: `${name}/` },
      BucketNotificationConfiguration: { configurations: {} },
      BucketPolicy: { policyText },
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
            applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256", kmsMasterKeyID: null },
            bucketKeyEnabled: false,
          },
        ],
      },
    },
    { team: "data-platform" },
  );
}

const fnArn = `arn:aws:lambda:eu-west-1:${ACCT}:function:orders-api`;
const fnPolicy = {
  Version: "2012-10-17",
  Id: "default",
  Statement: [
    {
      Sid: "apigateway-invoke",
      Effect: "Allow",
      Principal: { Service: "apigateway.amazonaws.com" },
      Action: "lambda:InvokeFunction",
      Resource: fnArn,
      Condition: { ArnLike: { "AWS:SourceArn": `arn:aws:execute-api:eu-west-1:${ACCT}:k3x9q2w7ab/*/POST/orders` } },
    },
  ],
};
const lambdaFunction = item(
  "AWS::Lambda::Function",
  "orders-api",
  fnArn,
  {
    functionName: "orders-api",
    functionArn: fnArn,
    runtime: "python3.12",
    role: `arn:aws:iam::${ACCT}:role/orders-api-role`,
    handler: "app.handler",
    codeSize: 48211.0,
    description: "",
    timeout: 30.0,
    memorySize: 256.0,
    lastModified: "2026-10-29T16:42:07.311+0000",
    version: "$LATEST",
    vpcConfig: { securityGroupIds: [], subnetIds: [] },
    tracingConfig: { mode: "Active" },
    kmskeyArn: null,
    layers: [],
    state: { value: "Active" },
    packageType: "Zip",
    architectures: ["arm64"],
    environment: { variables: { DB_PASSWORD: "not-for-reports" } },
  },
  { Policy: JSON.stringify(fnPolicy), Tags: { team: "commerce" }, Concurrency: { reservedConcurrentExecutions: 50.0 } },
  { team: "commerce" },
);

const table = item(
  "AWS::DynamoDB::Table",
  "orders",
  `arn:aws:dynamodb:eu-west-1:${ACCT}:table/orders`,
  {
    tableName: "orders",
    tableArn: `arn:aws:dynamodb:eu-west-1:${ACCT}:table/orders`,
    tableId: "5e0c6b2a-8f41-4d3e-9b7a-1c2d3e4f5a6b",
    tableStatus: "ACTIVE",
    creationDateTime: "2025-09-09T08:08:31.482Z",
    keySchema: [{ attributeName: "pk", keyType: "HASH" }],
    attributeDefinitions: [{ attributeName: "pk", attributeType: "S" }],
    billingModeSummary: { billingMode: "PAY_PER_REQUEST" },
    itemCount: 12873,
    tableSizeBytes: 1842291,
    deletionProtectionEnabled: true,
    sSEDescription: { status: "ENABLED", sSEType: "KMS", kMSMasterKeyArn: `arn:aws:kms:eu-west-1:${ACCT}:key/9d4e` },
  },
  {
    ContinuousBackupsDescription: {
      continuousBackupsStatus: "ENABLED",
      pointInTimeRecoveryDescription: { pointInTimeRecoveryStatus: "ENABLED" },
    },
    Tags: [{ key: "team", value: "commerce" }],
  },
  { team: "commerce" },
);

const trailArn = `arn:aws:cloudtrail:us-east-1:${ACCT}:trail/management-events`;
const trailCamel = {
  name: "management-events",
  trailARN: trailArn,
  s3BucketName: "acme-cloudtrail-logs",
  includeGlobalServiceEvents: true,
  isMultiRegionTrail: true,
  logFileValidationEnabled: true,
  kmsKeyId: `arn:aws:kms:us-east-1:${ACCT}:key/0e6f3a2b`,
  isOrganizationTrail: false,
  hasCustomEventSelectors: true,
  cloudWatchLogsLogGroupArn: `arn:aws:logs:us-east-1:${ACCT}:log-group:aws-cloudtrail-logs:*`,
};
const trail = item(
  "AWS::CloudTrail::Trail",
  "management-events",
  trailArn,
  { ...trailCamel, homeRegion: "us-east-1", hasInsightSelectors: false },
  {},
  { team: "security" },
  "us-east-1",
);

const samples: [ResourceAdapter, JsonObject][] = [
  [topicAdapter, topic],
  [bucketAdapter, bucket("acme-orders-archive", JSON.stringify(bucketPolicy))],
  [functionAdapter, lambdaFunction],
  [tableAdapter, table],
  [trailAdapter, trail],
];

describe("service adapters", () => {
  it("are registered under their Config types", () => {
    for (const [adapter, raw] of samples) expect(adapterFor(String(raw.resourceType))).toBe(adapter);
  });

  it.each(samples.map(([a, raw]) => [a.type, a, raw] as const))(
    "%s: both namings give the same document, which satisfies the documentSchema",
    (_type, adapter, raw) => {
      const invocation = docOf(adapter, raw);
      const api = docOf(adapter, apiNaming(raw));
      expect(api).toEqual(invocation);
      expectSchemaValid(adapter, invocation);
    },
  );

  it("every example item of these types in policies/ satisfies its adapter's documentSchema", () => {
    const { policies } = loadPolicies();
    const types = new Set(samples.map(([a]) => a.type));
    let checked = 0;
    for (const p of policies) {
      const { compliant, noncompliant, notApplicable = [] } = p.policy.examples;
      for (const ex of [...compliant, ...noncompliant, ...notApplicable]) {
        if (!ex.configurationItem) continue;
        const ci = toConfigItem(ex.configurationItem);
        if (!types.has(ci.resourceType)) continue;
        const adapter = adapterFor(ci.resourceType) as ResourceAdapter;
        expectSchemaValid(adapter, adapter.fromConfigItem(ci));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(40);
  });
});

describe("AWS::SNS::Topic", () => {
  it("types the attribute map and parses the policy", () => {
    const doc = docOf(topicAdapter, topic);
    expect(doc).toMatchObject({
      TopicArn: topicArn,
      TopicName: "orders-events",
      SubscriptionsConfirmed: 2,
      SubscriptionsPending: 0,
      FifoTopic: false,
      KmsMasterKeyId: "alias/aws/sns",
      EffectiveDeliveryPolicy: { http: { defaultHealthyRetryPolicy: { numRetries: 3 } } },
      tags: { team: "commerce" },
    });
    expect((doc.Policy as JsonObject).Statement).toEqual([{ ...topicPolicy.Statement[0], Resource: [topicArn] }]);
    expect(doc.EffectiveDeliveryPolicy).not.toHaveProperty("Statement");
  });

  it("recognises a topic ARN as its resourceId", () => {
    expect(topicAdapter.resourceIdPattern?.test(topicArn)).toBe(true);
    expect(topicAdapter.resourceIdPattern?.test(`${topicArn}.fifo`)).toBe(true);
    expect(topicAdapter.resourceIdPattern?.test(`https://sqs.eu-west-1.amazonaws.com/${ACCT}/orders`)).toBe(false);
  });
});

describe("AWS::S3::Bucket", () => {
  it("reads supplementary configuration given as JSON strings (API naming)", () => {
    const raw = apiNaming(bucket("acme-orders-archive", JSON.stringify(bucketPolicy)));
    const supp = raw.supplementaryConfiguration as Record<string, unknown>;
    expect(typeof supp.PublicAccessBlockConfiguration).toBe("string");
    expect(typeof supp.BucketPolicy).toBe("string");
    const doc = docOf(bucketAdapter, raw);
    expect(doc).toEqual({
      name: "acme-orders-archive",
      creationDate: "2025-03-14T10:22:41.000Z",
      owner: { id: "7f3c9a2b1d4e5f60" },
      publicAccessBlockConfiguration: {
        blockPublicAcls: true,
        ignorePublicAcls: true,
        blockPublicPolicy: true,
        restrictPublicBuckets: false,
      },
      serverSideEncryptionConfiguration: {
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: false }],
      },
      versioningConfiguration: { status: "Enabled" },
      policy: { ...bucketPolicy, Statement: [{ ...bucketPolicy.Statement[0], Action: ["s3:*"] }] },
      policyText: JSON.stringify(bucketPolicy),
      loggingConfiguration: { destinationBucketName: "acme-access-logs", logFilePrefix: "acme-orders-archive/" },
      tags: { team: "data-platform" },
    });
  });

  it("gives a bucket with no policy no `policy` property, in both namings", () => {
    const raw = bucket("acme-legacy-reports", null);
    for (const r of [raw, apiNaming(raw)]) {
      const doc = docOf(bucketAdapter, r);
      expect(doc).not.toHaveProperty("policy");
      expectSchemaValid(bucketAdapter, doc);
    }
  });

  it("treats missing and literal-null sub-resources as absent", () => {
    const raw = apiNaming(bucket("acme-scratch", null));
    const supp = raw.supplementaryConfiguration as Record<string, unknown>;
    supp.PublicAccessBlockConfiguration = "null";
    delete supp.ServerSideEncryptionConfiguration;
    supp.BucketLoggingConfiguration = '{"destinationBucketName":null,"logFilePrefix":null}';
    const doc = docOf(bucketAdapter, raw);
    expect(doc).not.toHaveProperty("publicAccessBlockConfiguration");
    expect(doc).not.toHaveProperty("serverSideEncryptionConfiguration");
    expect(doc).not.toHaveProperty("loggingConfiguration");
    expectSchemaValid(bucketAdapter, doc);
  });
});

describe("AWS::Lambda::Function", () => {
  it("normalises Config's spellings and parses the resource policy", () => {
    const doc = docOf(functionAdapter, lambdaFunction);
    expect(doc).toMatchObject({
      functionName: "orders-api",
      runtime: "python3.12",
      timeout: 30,
      memorySize: 256,
      state: "Active",
      tracingConfig: { mode: "Active" },
      concurrency: { reservedConcurrentExecutions: 50 },
      tags: { team: "commerce" },
    });
    expect(doc).not.toHaveProperty("kmsKeyArn");
    expect(doc).not.toHaveProperty("environment"); // may hold secrets; never copied
    expect((doc.policy as JsonObject).Statement).toEqual([
      { ...fnPolicy.Statement[0], Action: ["lambda:InvokeFunction"], Resource: [fnArn] },
    ]);
  });

  it("reads the API-naming Policy whether it is encoded once or twice", () => {
    const invocation = docOf(functionAdapter, lambdaFunction);
    const twice = apiNaming(lambdaFunction); // JSON.stringify of the policy string: encoded twice
    const once = apiNaming(lambdaFunction);
    (once.supplementaryConfiguration as JsonObject).Policy = JSON.stringify(fnPolicy);
    expect(docOf(functionAdapter, twice)).toEqual(invocation);
    expect(docOf(functionAdapter, once)).toEqual(invocation);
  });

  it("has no `policy` property without a resource-based policy", () => {
    const raw = { ...lambdaFunction, supplementaryConfiguration: { Tags: { team: "commerce" } } };
    expect(docOf(functionAdapter, raw)).not.toHaveProperty("policy");
    expect(docOf(functionAdapter, apiNaming(raw))).not.toHaveProperty("policy");
  });
});

describe("AWS::DynamoDB::Table", () => {
  it("reads every spelling of the SSE description and the PITR status", () => {
    const expected = {
      status: "ENABLED",
      sseType: "KMS",
      kmsMasterKeyArn: `arn:aws:kms:eu-west-1:${ACCT}:key/9d4e`,
    };
    const cfg = table.configuration as JsonObject;
    const { sSEDescription: _sse, ...rest } = cfg;
    const spellings: JsonObject[] = [
      cfg,
      { ...rest, ssedescription: { status: "ENABLED", ssetype: "KMS", kmsmasterKeyArn: expected.kmsMasterKeyArn } },
      { ...rest, sseDescription: expected },
    ];
    for (const configuration of spellings) {
      const doc = docOf(tableAdapter, { ...table, configuration });
      expect(doc.sseDescription).toEqual(expected);
      expect(doc).toMatchObject({
        deletionProtectionEnabled: true,
        continuousBackupsDescription: { pointInTimeRecoveryDescription: { pointInTimeRecoveryStatus: "ENABLED" } },
        tags: { team: "commerce" },
      });
    }
  });
});

describe("AWS::CloudTrail::Trail", () => {
  it("gives the same document from CloudFormation property naming", () => {
    const cfn = item(
      "AWS::CloudTrail::Trail",
      "management-events",
      trailArn,
      {
        TrailName: "management-events",
        Arn: trailArn,
        S3BucketName: "acme-cloudtrail-logs",
        IncludeGlobalServiceEvents: true,
        IsMultiRegionTrail: "true",
        EnableLogFileValidation: true,
        KMSKeyId: trailCamel.kmsKeyId,
        IsOrganizationTrail: false,
        IsLogging: true,
        CloudWatchLogsLogGroupArn: trailCamel.cloudWatchLogsLogGroupArn,
        EventSelectors: [{ ReadWriteType: "All", IncludeManagementEvents: true }],
        Tags: [{ Key: "team", Value: "security" }],
      },
      {},
      {},
      "us-east-1",
    );
    const camel = { ...trail, configuration: trailCamel };
    const doc = docOf(trailAdapter, cfn);
    expect(doc).toEqual({ ...docOf(trailAdapter, camel), isLogging: true });
    expect(doc.tags).toEqual({ team: "security" });
    expectSchemaValid(trailAdapter, doc);
  });
});

describe("recorded SQS queue (EventBridge Config Configuration Item Change)", () => {
  const event = recorded<{ detail: { configurationItem: JsonObject } }>(
    "eventbridge-config-item-change-sqs-queue.json",
  );

  it("goes through the SQS adapter", () => {
    const resource = resourceFromConfigItem(queueAdapter, toConfigItem(event.detail.configurationItem));
    expect(resource).toMatchObject({
      type: "AWS::SQS::Queue",
      id: "https://sqs.us-east-1.amazonaws.com/644160558196/config-changes",
      deleted: false,
    });
    expect(resource.document).toMatchObject({
      QueueName: "config-changes",
      VisibilityTimeout: 30,
      MaximumMessageSize: 262144,
      Policy: {
        Statement: [{ Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: ["sqs:SendMessage"] }],
      },
    });
    expect(resource.document).not.toHaveProperty("SqsManagedSseEnabled");
    expect(resource.document).not.toHaveProperty("KmsMasterKeyId");
    expectSchemaValid(queueAdapter, resource.document);
  });

  it("gets exactly the expected verdicts from the sqs policies", () => {
    const { policies } = loadPolicies();
    const ids = ["sqs-queue-encrypted", "sqs-queue-dead-letter", "sqs-queue-tls-only", "sqs-queue-not-public"];
    const engine = new Engine(policies.filter((p) => ids.includes(p.policy.id)));
    const resource = resourceFromConfigItem(queueAdapter, toConfigItem(event.detail.configurationItem));
    const byId = Object.fromEntries(engine.evaluate(resource).map((e) => [e.policyId, e]));
    expect(Object.keys(byId).sort()).toEqual([...ids].sort());
    expect(byId["sqs-queue-encrypted"]).toMatchObject({ compliance: "NON_COMPLIANT" });
    expect(byId["sqs-queue-encrypted"]?.annotation).toContain("server-side encryption is off");
    expect(byId["sqs-queue-tls-only"]).toMatchObject({ compliance: "NON_COMPLIANT" });
    expect(byId["sqs-queue-tls-only"]?.annotation).toContain(
      "Policy.Statement: no statement denies requests without TLS",
    );
    expect(byId["sqs-queue-dead-letter"]).toMatchObject({ compliance: "NON_COMPLIANT" });
    expect(byId["sqs-queue-dead-letter"]?.annotation).toContain("RedrivePolicy is not set");
    expect(byId["sqs-queue-not-public"]).toMatchObject({ compliance: "COMPLIANT" });
    expect(byId["sqs-queue-not-public"]?.annotation).toBeUndefined();
  });
});
