import {
  APIGatewayClient,
  CreateBasePathMappingCommand,
  CreateDeploymentCommand,
  CreateDomainNameCommand,
  CreateRestApiCommand,
  GetResourcesCommand,
  GetStageCommand,
  GetStagesCommand,
  PutIntegrationCommand,
  PutMethodCommand,
  UpdateRestApiCommand,
  UpdateStageCommand,
  type PatchOperation,
} from "@aws-sdk/client-api-gateway";
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  UpdateContinuousBackupsCommand,
} from "@aws-sdk/client-dynamodb";
import { CreateRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import {
  CreateFunctionCommand,
  GetPolicyCommand,
  LambdaClient,
  UpdateFunctionConfigurationCommand,
} from "@aws-sdk/client-lambda";
import {
  CreateBucketCommand,
  DeleteBucketPolicyCommand,
  DeletePublicAccessBlockCommand,
  GetBucketEncryptionCommand,
  GetBucketPolicyCommand,
  GetPublicAccessBlockCommand,
  PutBucketEncryptionCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import {
  CreateTopicCommand,
  GetTopicAttributesCommand,
  SetTopicAttributesCommand,
  SNSClient,
} from "@aws-sdk/client-sns";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeResource } from "../../lib/resources/describe";
import { apiGatewayClient, dynamoDbClient, lambdaClient, s3Client, snsClient, sqsClient } from "../helpers/clients";
import { LocalAccount } from "../../lib/local/account";
import type { ResourceRef } from "../../lib/resources/adapter";
import type { ConfigItem } from "../../lib/resources/config-item";
import { adapterFor } from "../../lib/resources/registry";
import { isObject, type JsonObject } from "../../lib/util/json";
import { MOTO_ACCOUNT, MOTO_REGION, useMoto } from "./moto";

/**
 * Fidelity of the local account (lib/local/account/) against moto server: the same resources on both sides (moto's,
 * created here, recorded into the local account as Config would record them: the very items the adapters build
 * from moto's describe), then the same calls, through the same SDK clients of lib/aws/clients.ts, to moto and to
 * the local account. After each call both must give the same outcome (success, or the same error name) and the
 * same describe (Guardrail's own describeResource, ids and dates normalised).
 *
 * Compared with moto (both implement them): GetRestApi, GetDomainName, GetDomainNames, GetBasePathMappings (a
 * REST API's describe), GetStage, GetStages, UpdateRestApi (/description,
 * /disableExecuteApiEndpoint "True"), UpdateStage (method settings, /tracingEnabled, /description, variables),
 * CreateDeployment; GetQueueAttributes, ListQueueTags, SetQueueAttributes (SSE, KMS, redrive, Policy,
 * VisibilityTimeout), QueueDoesNotExist; GetTopicAttributes, ListTagsForResource, SetTopicAttributes (KmsMasterKeyId,
 * Policy, DisplayName), NotFoundException; the S3 bucket sub-resources (Get/Put/Delete BucketPolicy,
 * PublicAccessBlock, BucketEncryption, BucketVersioning, GetBucketTagging, GetBucketLogging) with NoSuchBucket,
 * NoSuchBucketPolicy, NoSuchPublicAccessBlockConfiguration; DescribeTable, DescribeContinuousBackups,
 * UpdateContinuousBackups, ListTagsOfResource, TableNotFoundException; GetFunctionConfiguration,
 * GetFunctionConcurrency, ListTags, UpdateFunctionConfiguration (Timeout, MemorySize, Description), GetPolicy
 * ResourceNotFoundException.
 *
 * Checked only against AWS's documentation (test/unit/local-account.test.ts), because moto lacks them or is looser
 * than AWS: UpdateDomainName (moto has none); malformed patch paths
 * and values (moto ignores unknown paths); UpdateRestApi /securityPolicy and /endpointAccessMode (moto ignores them)
 * and /disableExecuteApiEndpoint "False" (moto reads any non-empty text as true); UpdateStage of a stage that does
 * not exist (moto creates it); CreateDeployment to an existing stage (moto resets the stage's settings); SetQueueAttributes with unknown attributes or out-of-range values (moto accepts
 * them) and with a missing dead-letter queue (moto: NonExistentQueue; AWS: InvalidParameterValue "Dead letter target
 * does not exist", as users of the Serverless Framework have quoted it); SetTopicAttributes with unknown names; bucket policies
 * S3 refuses (MalformedPolicy, BlockPublicPolicy) and DeleteBucketEncryption's SSE-S3 default; Lambda's
 * UpdateFunctionConfiguration TracingConfig (moto ignores it) and RevisionId preconditions; GetMethod.
 *
 * Known differences normalised below, each moto's: a new stage method-settings entry starts with moto's own
 * defaults (cacheDataEncrypted true, throttling 2000/1000, metricsEnabled/dataTraceEnabled false), where AWS shows
 * the recorded ones (the local account's; see services/apigateway.ts), so entries are compared on the settings the
 * calls set; and moto's SetQueueAttributes drops the queue policy when a call does not name it (AWS keeps it), so
 * the SQS steps set Policy last; and moto returns a queue policy re-serialised (json.dumps spacing), not as it was
 * set, so policy texts (`PolicyText`) are compared by what they say.
 */

const moto = useMoto();
let account: LocalAccount;
let detach: (() => void) | undefined;
let dir: string;

const API_NAME = "contract-api";
const DOMAIN = "contract.api.example.com";
const QUEUE = "contract-jobs";
const DLQ = "contract-jobs-dlq";
const TOPIC = "contract-events";
const BUCKET = "contract-assets-bucket";
const TABLE = "contract-table";
const FUNCTION = "contract-handler";

let restApiId = "";
let queueUrl = "";
let dlqArn = "";
let topicArn = "";
const refs: Record<string, ResourceRef> = {};

/** A zip holding one empty file, index.js (moto unzips the code). */
function tinyZip(): Uint8Array {
  // PKZIP local header + central directory + end record for a stored, empty "index.js" (CRC 0, size 0).
  const name = Buffer.from("index.js");
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(name.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + name.length, 12);
  end.writeUInt32LE(local.length + name.length, 16);
  return new Uint8Array(Buffer.concat([local, name, central, name, end]));
}

async function createMotoResources(): Promise<void> {
  const c = moto.config();
  const apigw = new APIGatewayClient(c);
  const api = await apigw.send(
    new CreateRestApiCommand({
      name: API_NAME,
      description: "contract",
      endpointConfiguration: { types: ["REGIONAL"] },
      tags: { team: "contract" },
    }),
  );
  restApiId = api.id as string;
  const root = (await apigw.send(new GetResourcesCommand({ restApiId }))).items?.[0]?.id as string;
  await apigw.send(new PutMethodCommand({ restApiId, resourceId: root, httpMethod: "GET", authorizationType: "NONE" }));
  await apigw.send(new PutIntegrationCommand({ restApiId, resourceId: root, httpMethod: "GET", type: "MOCK" }));
  await apigw.send(new CreateDeploymentCommand({ restApiId, stageName: "prod" }));
  await apigw.send(
    new CreateDomainNameCommand({
      domainName: DOMAIN,
      regionalCertificateArn: `arn:aws:acm:${MOTO_REGION}:${MOTO_ACCOUNT}:certificate/11111111-2222-3333-4444-555555555555`,
      endpointConfiguration: { types: ["REGIONAL"] },
      securityPolicy: "TLS_1_2",
    }),
  );
  await apigw.send(new CreateBasePathMappingCommand({ domainName: DOMAIN, restApiId, stage: "prod" }));

  const sqs = new SQSClient(c);
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: DLQ }));
  dlqArn = `arn:aws:sqs:${MOTO_REGION}:${MOTO_ACCOUNT}:${DLQ}`;
  queueUrl = (
    await sqs.send(
      new CreateQueueCommand({
        QueueName: QUEUE,
        Attributes: { VisibilityTimeout: "60", SqsManagedSseEnabled: "true" },
        tags: { team: "contract" },
      }),
    )
  ).QueueUrl as string;
  expect(dlq.QueueUrl).toBeDefined();

  const sns = new SNSClient(c);
  topicArn = (await sns.send(new CreateTopicCommand({ Name: TOPIC, Tags: [{ Key: "team", Value: "contract" }] })))
    .TopicArn as string;

  const s3 = new S3Client(c);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3.send(
    new PutBucketTaggingCommand({ Bucket: BUCKET, Tagging: { TagSet: [{ Key: "team", Value: "contract" }] } }),
  );

  const ddb = new DynamoDBClient(c);
  await ddb.send(
    new CreateTableCommand({
      TableName: TABLE,
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
      Tags: [{ Key: "team", Value: "contract" }],
    }),
  );
  expect((await ddb.send(new DescribeTableCommand({ TableName: TABLE }))).Table?.TableStatus).toBeDefined();

  const iam = new IAMClient(c);
  const role = await iam.send(
    new CreateRoleCommand({
      RoleName: "contract-handler-role",
      AssumeRolePolicyDocument: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
    }),
  );
  await new LambdaClient(c).send(
    new CreateFunctionCommand({
      FunctionName: FUNCTION,
      Runtime: "nodejs20.x",
      Role: role.Role?.Arn,
      Handler: "index.handler",
      Code: { ZipFile: tinyZip() },
      Timeout: 10,
      Tags: { team: "contract" },
    }),
  );

  const apiArn = `arn:aws:apigateway:${MOTO_REGION}::/restapis/${restApiId}`;
  const ref = (type: string, id: string, arn?: string): ResourceRef => ({
    type,
    id,
    region: MOTO_REGION,
    accountId: MOTO_ACCOUNT,
    ...(arn ? { arn } : {}),
  });
  refs.restApi = ref("AWS::ApiGateway::RestApi", restApiId, apiArn);
  refs.stage = ref("AWS::ApiGateway::Stage", `${apiArn}/stages/prod`, `${apiArn}/stages/prod`);
  refs.domain = ref("AWS::ApiGateway::DomainName", DOMAIN, `arn:aws:apigateway:${MOTO_REGION}::/domainnames/${DOMAIN}`);
  refs.queue = ref("AWS::SQS::Queue", queueUrl);
  refs.dlq = ref("AWS::SQS::Queue", dlq.QueueUrl as string);
  refs.topic = ref("AWS::SNS::Topic", topicArn, topicArn);
  refs.bucket = ref("AWS::S3::Bucket", BUCKET, `arn:aws:s3:::${BUCKET}`);
  refs.table = ref("AWS::DynamoDB::Table", TABLE);
  refs.fn = ref("AWS::Lambda::Function", FUNCTION);
}

/**
 * What Config would record for each of moto's resources: the item the adapter's fromDescribe builds from moto's
 * describe responses (caught on its way to fromConfigItem), with Config's resourceId for queues.
 */
async function recordItems(): Promise<ConfigItem[]> {
  const items: ConfigItem[] = [];
  for (const ref of Object.values(refs)) {
    const adapter = adapterFor(ref.type);
    if (!adapter) throw new Error(ref.type);
    const spy = jest.spyOn(adapter, "fromConfigItem");
    try {
      expect(await describeResource(ref)).toBeDefined();
      const item = spy.mock.calls[0]?.[0] as ConfigItem;
      const recorded: ConfigItem = {
        ...item,
        status: "OK",
        captureTime: "2026-01-01T00:00:00Z",
        configurationStateId: "1",
      };
      if (ref.type === "AWS::SQS::Queue") {
        const name = ref.id.slice(ref.id.lastIndexOf("/") + 1);
        recorded.resourceId = `https://sqs.${MOTO_REGION}.amazonaws.com/${MOTO_ACCOUNT}/${name}`;
        recorded.resourceName = name;
      }
      items.push(recorded);
    } finally {
      spy.mockRestore();
    }
  }
  return items;
}

beforeAll(async () => {
  await createMotoResources();
  const items = await recordItems();
  dir = await mkdtemp(join(tmpdir(), "guardrail-contract-"));
  account = LocalAccount.fromItems(items, { stateDir: dir, accountId: MOTO_ACCOUNT, region: MOTO_REGION });
}, 60_000);

afterAll(async () => {
  detach?.();
  await rm(dir, { recursive: true, force: true });
});

/**
 * Left out of the comparison: what moto does not return where AWS does (a stage's lastUpdatedDate, RECORDED in
 * Config's stage items; a function's RevisionId, Lambda API Reference FunctionConfiguration).
 */
const MOTO_OMITS = new Set(["lastUpdatedDate", "revisionId"]);
const DATES = new Set([
  "createdDate",
  "CreatedTimestamp",
  "LastModifiedTimestamp",
  "lastModified",
  "deploymentId",
  "earliestRestorableDateTime",
  "latestRestorableDateTime",
  "creationDateTime",
]);

/** Ids and dates made by each side replaced by a marker (their presence is still compared). */
function normalise(v: unknown, settingKeys?: Record<string, string[]>): unknown {
  if (Array.isArray(v)) return v.map((x) => normalise(x, settingKeys));
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) {
    if (MOTO_OMITS.has(k)) continue;
    if (DATES.has(k)) out[k] = "<normalised>";
    else if (k === "PolicyText" && typeof x === "string") out[k] = JSON.parse(x) as unknown;
    else if (k === "methodSettings" && isObject(x) && settingKeys) {
      out[k] = Object.fromEntries(
        Object.entries(x).map(([key, entry]) => [
          key,
          Object.fromEntries(Object.entries(entry as JsonObject).filter(([f]) => settingKeys[key]?.includes(f))),
        ]),
      );
    } else out[k] = normalise(x, settingKeys);
  }
  return out;
}

type Outcome = { ok: true } | { error: string };

async function outcome(call: () => Promise<unknown>): Promise<Outcome> {
  try {
    await call();
    return { ok: true };
  } catch (e) {
    return { error: (e as Error).name };
  }
}

/** Runs `call` on moto, then on the local account, and compares outcomes and the describe of `ref` afterwards. */
async function same(
  ref: ResourceRef,
  call: () => Promise<unknown>,
  o: { settings?: Record<string, string[]>; expect?: string; fields?: string[] } = {},
) {
  detach?.();
  detach = undefined;
  const onMoto = await outcome(call);
  const motoDoc = await describeResource(ref);
  detach = account.attach();
  const onLocal = await outcome(call);
  const localDoc = await describeResource(ref);
  detach();
  detach = undefined;
  expect(onLocal).toEqual(onMoto);
  if (o.expect) expect(onMoto).toEqual(o.expect === "ok" ? { ok: true } : { error: o.expect });
  const pick = (doc: JsonObject | undefined) =>
    doc && o.fields ? Object.fromEntries(Object.entries(doc).filter(([k]) => o.fields?.includes(k))) : doc;
  expect(normalise(pick(localDoc?.document), o.settings)).toEqual(normalise(pick(motoDoc?.document), o.settings));
}

const patch = (path: string, value: string): PatchOperation => ({ op: "replace", path, value });

describe("the local account and moto start equal", () => {
  it("describes every resource alike (a REST API's custom domains too: GetDomainNames, GetBasePathMappings)", async () => {
    for (const ref of Object.values(refs)) await same(ref, async () => undefined);
    detach = account.attach();
    try {
      expect((await describeResource(refs.restApi!))?.document.customDomainNames).toEqual([DOMAIN]);
    } finally {
      detach();
      detach = undefined;
    }
  });
});

describe("API Gateway", () => {
  it("UpdateRestApi: description, disableExecuteApiEndpoint", async () => {
    const update = (ops: PatchOperation[]) =>
      apiGatewayClient().send(new UpdateRestApiCommand({ restApiId, patchOperations: ops }));
    await same(refs.restApi!, () => update([patch("/description", "changed")]), { expect: "ok" });
    await same(refs.restApi!, () => update([patch("/disableExecuteApiEndpoint", "True")]), { expect: "ok" });
    await same(
      refs.restApi!,
      () => apiGatewayClient().send(new UpdateRestApiCommand({ restApiId: "nope000000", patchOperations: [] })),
      { expect: "NotFoundException" },
    );
  });

  // Method-settings fields compared so far, per entry: the ones the calls have set (see the header on moto's defaults).
  const settings: Record<string, string[]> = {};
  const stage = (ops: PatchOperation[], fields: Record<string, string[]> = {}) => {
    for (const [key, list] of Object.entries(fields)) settings[key] = [...(settings[key] ?? []), ...list];
    return same(
      refs.stage!,
      () => apiGatewayClient().send(new UpdateStageCommand({ restApiId, stageName: "prod", patchOperations: ops })),
      {
        settings,
        expect: "ok",
      },
    );
  };

  it("UpdateStage: method settings stage-wide and per method, tracing, description, variables", async () => {
    await stage([patch("/*/*/logging/loglevel", "ERROR")], { "*/*": ["loggingLevel"] });
    await stage([patch("/*/*/logging/dataTrace", "false"), patch("/*/*/metrics/enabled", "true")], {
      "*/*": ["dataTraceEnabled", "metricsEnabled"],
    });
    await stage([patch("/*/*/caching/enabled", "true"), patch("/*/*/caching/dataEncrypted", "true")], {
      "*/*": ["cachingEnabled", "cacheDataEncrypted"],
    });
    await stage([patch("/*/*/caching/ttlInSeconds", "600")], { "*/*": ["cacheTtlInSeconds"] });
    await stage([patch("/~1/GET/logging/loglevel", "INFO")], { "~1/GET": ["loggingLevel"] });
    await stage([patch("/tracingEnabled", "true"), patch("/description", "contract stage")]);
    await stage([patch("/variables/env", "prod")]);
  });

  it("GetStages lists the same stages (the worker's stage names)", async () => {
    const names = async () =>
      ((await apiGatewayClient().send(new GetStagesCommand({ restApiId }))).item ?? [])
        .map((st) => st.stageName)
        .sort();
    const onMoto = await names();
    detach = account.attach();
    try {
      expect(await names()).toEqual(onMoto);
    } finally {
      detach();
      detach = undefined;
    }
    expect(onMoto).toEqual(["prod"]);
  });

  it("GetStage of an unknown stage or API, CreateDeployment", async () => {
    await same(refs.stage!, () => apiGatewayClient().send(new GetStageCommand({ restApiId, stageName: "nope" })), {
      settings,
      expect: "NotFoundException",
    });
    await same(
      refs.stage!,
      () => apiGatewayClient().send(new GetStageCommand({ restApiId: "nope000000", stageName: "prod" })),
      {
        settings,
        expect: "NotFoundException",
      },
    );
    // A deployment to a new stage name creates the stage (moto replaces an existing stage's settings on redeploy,
    // where AWS only points it at the new deployment: that case is checked in the unit tests).
    const beta = {
      ...refs.stage!,
      id: refs.stage!.id.replace(/prod$/, "beta"),
      arn: refs.stage!.id.replace(/prod$/, "beta"),
    };
    // moto's new stage lacks cacheClusterStatus, createdDate and tracingEnabled, which AWS returns (the recorded
    // CreateStage response), and has description "" and variables {}: the fields both must have are compared.
    await same(beta, () => apiGatewayClient().send(new CreateDeploymentCommand({ restApiId, stageName: "beta" })), {
      expect: "ok",
      fields: ["stageName", "restApiId", "deploymentId", "methodSettings", "cacheClusterEnabled", "tags"],
    });
  });
});

describe("SQS", () => {
  const set = (Attributes: Record<string, string>, url = queueUrl) =>
    sqsClient().send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes }));

  it("SSE options, visibility, redrive, policy", async () => {
    await same(refs.queue!, () => set({ SqsManagedSseEnabled: "false" }), { expect: "ok" });
    await same(refs.queue!, () => set({ VisibilityTimeout: "120" }), { expect: "ok" });
    await same(
      refs.queue!,
      () => set({ RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 5 }) }),
      {
        expect: "ok",
      },
    );
    await same(refs.queue!, () => set({ SqsManagedSseEnabled: "true" }), { expect: "ok" });
    const policy = {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "sqs:*",
          Resource: `arn:aws:sqs:${MOTO_REGION}:${MOTO_ACCOUNT}:${QUEUE}`,
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ],
    };
    await same(refs.queue!, () => set({ Policy: JSON.stringify(policy) }), { expect: "ok" });
  });

  it("an unknown queue is QueueDoesNotExist; an unknown attribute name to read is InvalidAttributeName", async () => {
    const missing = queueUrl.replace(QUEUE, "nope");
    await same(refs.queue!, () => set({ VisibilityTimeout: "30" }, missing), { expect: "QueueDoesNotExist" });
    await same(
      refs.queue!,
      () => sqsClient().send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["Nope" as never] })),
      {
        expect: "InvalidAttributeName",
      },
    );
  });
});

describe("SNS", () => {
  const set = (AttributeName: string, AttributeValue: string, arn = topicArn) =>
    snsClient().send(new SetTopicAttributesCommand({ TopicArn: arn, AttributeName, AttributeValue }));

  it("KmsMasterKeyId, DisplayName, Policy; an unknown topic is NotFoundException", async () => {
    await same(refs.topic!, () => set("KmsMasterKeyId", "alias/aws/sns"), { expect: "ok" });
    await same(refs.topic!, () => set("DisplayName", "Contract events"), { expect: "ok" });
    const policy = {
      Version: "2008-10-17",
      Statement: [
        {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "SNS:Publish",
          Resource: topicArn,
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ],
    };
    await same(refs.topic!, () => set("Policy", JSON.stringify(policy)), { expect: "ok" });
    await same(refs.topic!, () => snsClient().send(new GetTopicAttributesCommand({ TopicArn: `${topicArn}-nope` })), {
      expect: "NotFoundException",
    });
  });
});

describe("S3", () => {
  const s3 = () => s3Client();
  const policy = JSON.stringify({
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

  it("bucket policy: absent, put, deleted", async () => {
    await same(refs.bucket!, () => s3().send(new GetBucketPolicyCommand({ Bucket: BUCKET })), {
      expect: "NoSuchBucketPolicy",
    });
    await same(refs.bucket!, () => s3().send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: policy })), {
      expect: "ok",
    });
    await same(refs.bucket!, () => s3().send(new DeleteBucketPolicyCommand({ Bucket: BUCKET })), { expect: "ok" });
    await same(refs.bucket!, () => s3().send(new GetBucketPolicyCommand({ Bucket: BUCKET })), {
      expect: "NoSuchBucketPolicy",
    });
  });

  it("public access block: absent, put, deleted", async () => {
    await same(refs.bucket!, () => s3().send(new GetPublicAccessBlockCommand({ Bucket: BUCKET })), {
      expect: "NoSuchPublicAccessBlockConfiguration",
    });
    const all = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };
    await same(
      refs.bucket!,
      () => s3().send(new PutPublicAccessBlockCommand({ Bucket: BUCKET, PublicAccessBlockConfiguration: all })),
      {
        expect: "ok",
      },
    );
    await same(
      refs.bucket!,
      () =>
        s3().send(
          new PutPublicAccessBlockCommand({
            Bucket: BUCKET,
            PublicAccessBlockConfiguration: { BlockPublicAcls: true },
          }),
        ),
      {
        expect: "ok",
      },
    );
    await same(refs.bucket!, () => s3().send(new DeletePublicAccessBlockCommand({ Bucket: BUCKET })), { expect: "ok" });
  });

  it("default encryption and versioning", async () => {
    await same(
      refs.bucket!,
      () =>
        s3().send(
          new PutBucketEncryptionCommand({
            Bucket: BUCKET,
            ServerSideEncryptionConfiguration: {
              Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }],
            },
          }),
        ),
      { expect: "ok" },
    );
    await same(refs.bucket!, () => s3().send(new GetBucketEncryptionCommand({ Bucket: BUCKET })), { expect: "ok" });
    await same(
      refs.bucket!,
      () =>
        s3().send(new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: "Enabled" } })),
      { expect: "ok" },
    );
    await same(
      refs.bucket!,
      () =>
        s3().send(new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: "Suspended" } })),
      { expect: "ok" },
    );
  });

  it("an unknown bucket is NoSuchBucket", async () => {
    await same(refs.bucket!, () => s3().send(new GetBucketPolicyCommand({ Bucket: "contract-nope-bucket" })), {
      expect: "NoSuchBucket",
    });
  });
});

describe("DynamoDB", () => {
  const pitr = (enabled: boolean, table = TABLE) =>
    dynamoDbClient().send(
      new UpdateContinuousBackupsCommand({
        TableName: table,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: enabled },
      }),
    );

  it("point-in-time recovery on and off; an unknown table is TableNotFoundException", async () => {
    await same(refs.table!, () => pitr(true), { expect: "ok" });
    await same(refs.table!, () => pitr(false), { expect: "ok" });
    await same(refs.table!, () => pitr(true, "nope"), { expect: "TableNotFoundException" });
  });
});

describe("Lambda", () => {
  it("timeout, memory, description; no resource policy is ResourceNotFoundException; an unknown function too", async () => {
    const update = (input: { Timeout?: number; MemorySize?: number; Description?: string }, name = FUNCTION) =>
      lambdaClient().send(new UpdateFunctionConfigurationCommand({ FunctionName: name, ...input }));
    await same(refs.fn!, () => update({ Timeout: 30 }), { expect: "ok" });
    await same(refs.fn!, () => update({ MemorySize: 256, Description: "contract" }), { expect: "ok" });
    await same(refs.fn!, () => lambdaClient().send(new GetPolicyCommand({ FunctionName: FUNCTION })), {
      expect: "ResourceNotFoundException",
    });
    await same(refs.fn!, () => update({ Timeout: 30 }, "nope"), { expect: "ResourceNotFoundException" });
  });
});
