import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { CreateQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateTopicCommand, SNSClient } from "@aws-sdk/client-sns";
import { CreateKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  PutRetentionPolicyCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { CreateRepositoryCommand, ECRClient } from "@aws-sdk/client-ecr";
import { CreateClusterCommand, ECSClient } from "@aws-sdk/client-ecs";
import { CreateStreamCommand, KinesisClient } from "@aws-sdk/client-kinesis";
import {
  APIGatewayClient,
  CreateDeploymentCommand,
  CreateRestApiCommand,
  GetResourcesCommand,
  PutIntegrationCommand,
  PutMethodCommand,
} from "@aws-sdk/client-api-gateway";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { routeClients } from "../../lib/aws/clients";
import * as describeModule from "../../lib/resources/describe";
import { scanLive, LiveScanError } from "../../lib/scan/live";
import { CollectingWriter } from "../helpers/collect";
import { engine } from "./guardrail";
import { MOTO_ACCOUNT, useMoto } from "./moto";

/**
 * `scan --live` against moto: resources of eleven types created with the SDK, then listed and described by
 * Guardrail's listings (lib/resources/types/*.list.ts) and describes, with moto's answers. Each resource must come
 * back once, under its Config resourceId, judged; a bucket in another Region must not.
 */

const moto = useMoto();

async function scan(regions = ["us-east-1"]) {
  const writer = new CollectingWriter();
  const summary = await scanLive({ engine, writer, regions });
  return { summary, evaluations: writer.evaluations };
}

const ids: Record<string, string[]> = {};
let evaluatedInAll = 0;
const expect1 = (type: string, id: string) => (ids[type] ??= []).push(id);

beforeAll(async () => {
  const c = moto.config();
  const sqs = new SQSClient(c);
  // New queues get SSE-SQS unless it is turned off (SQS Developer Guide, "Encryption at rest").
  const plain = await sqs.send(
    new CreateQueueCommand({ QueueName: "orders-plain", Attributes: { SqsManagedSseEnabled: "false" } }),
  );
  const sse = await sqs.send(new CreateQueueCommand({ QueueName: "orders-sse", Attributes: { SqsManagedSseEnabled: "true" } })); // prettier-ignore
  expect1("AWS::SQS::Queue", plain.QueueUrl as string);
  expect1("AWS::SQS::Queue", sse.QueueUrl as string);
  const s3 = new S3Client(c);
  await s3.send(new CreateBucketCommand({ Bucket: "live-scan-here" }));
  await s3.send(new CreateBucketCommand({ Bucket: "live-scan-elsewhere", CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } })); // prettier-ignore
  expect1("AWS::S3::Bucket", "live-scan-here");
  await new DynamoDBClient(c).send(
    new CreateTableCommand({
      TableName: "orders",
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  expect1("AWS::DynamoDB::Table", "orders");
  const topic = await new SNSClient(c).send(new CreateTopicCommand({ Name: "order-events" }));
  expect1("AWS::SNS::Topic", topic.TopicArn as string);
  const key = await new KMSClient(c).send(new CreateKeyCommand({ Description: "orders" }));
  expect1("AWS::KMS::Key", key.KeyMetadata?.KeyId as string);
  const logs = new CloudWatchLogsClient(c);
  await logs.send(new CreateLogGroupCommand({ logGroupName: "/aws/lambda/orders" }));
  await logs.send(new PutRetentionPolicyCommand({ logGroupName: "/aws/lambda/orders", retentionInDays: 365 }));
  expect1("AWS::Logs::LogGroup", "/aws/lambda/orders");
  const secret = await new SecretsManagerClient(c).send(new CreateSecretCommand({ Name: "orders/db", SecretString: "x" })); // prettier-ignore
  expect1("AWS::SecretsManager::Secret", secret.ARN as string);
  await new ECRClient(c).send(new CreateRepositoryCommand({ repositoryName: "orders" }));
  expect1("AWS::ECR::Repository", "orders");
  await new ECSClient(c).send(new CreateClusterCommand({ clusterName: "orders" }));
  expect1("AWS::ECS::Cluster", "orders");
  // Kinesis needs an HTTP/1.1 handler to talk to moto.
  await new KinesisClient({ ...c, requestHandler: new NodeHttpHandler() }).send(new CreateStreamCommand({ StreamName: "order-log", ShardCount: 1 })); // prettier-ignore
  expect1("AWS::Kinesis::Stream", "order-log");
  const apigw = new APIGatewayClient(c);
  const api = await apigw.send(new CreateRestApiCommand({ name: "orders" }));
  const root = (await apigw.send(new GetResourcesCommand({ restApiId: api.id }))).items?.[0]?.id as string;
  await apigw.send(new PutMethodCommand({ restApiId: api.id, resourceId: root, httpMethod: "GET", authorizationType: "NONE" })); // prettier-ignore
  await apigw.send(new PutIntegrationCommand({ restApiId: api.id, resourceId: root, httpMethod: "GET", type: "MOCK" }));
  await apigw.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: "prod" }));
  expect1("AWS::ApiGateway::RestApi", api.id as string);
  expect1("AWS::ApiGateway::Stage", `arn:aws:apigateway:us-east-1::/restapis/${api.id}/stages/prod`);
  expect1("AWS::ApiGateway::Method", `arn:aws:apigateway:us-east-1::/restapis/${api.id}/resources/${root}/methods/GET`);
}, 120_000);

afterEach(() => routeClients(undefined));

describe("scan --live", () => {
  test("lists and describes every covered type, each resource once under its Config resourceId", async () => {
    const { summary, evaluations } = await scan();
    expect(summary.problems.filter((p) => p.level === "error")).toEqual([]);
    for (const [type, expected] of Object.entries(ids)) {
      const seen = [...new Set(evaluations.filter((e) => e.resourceType === type).map((e) => e.resourceId))].sort();
      expect({ type, ids: seen }).toEqual({ type, ids: [...expected].sort() });
    }
    expect(evaluations.every((e) => e.accountId === MOTO_ACCOUNT && e.region === "us-east-1")).toBe(true);
    const verdict = (policy: string, id: string) =>
      evaluations.find((e) => e.policyId === policy && e.resourceId === id)?.compliance;
    const [plain, sse] = ids["AWS::SQS::Queue"] as string[];
    expect(verdict("sqs-queue-encrypted", plain as string)).toBe("NON_COMPLIANT");
    expect(verdict("sqs-queue-encrypted", sse as string)).toBe("COMPLIANT");
    expect(verdict("logs-group-retention", "/aws/lambda/orders")).toBe("COMPLIANT");
    expect(verdict("dynamodb-table-pitr", "orders")).toBe("NON_COMPLIANT");
    expect(evaluations[0]?.source?.file).toBe(`live ${MOTO_ACCOUNT}/us-east-1`);
    // Beyond what this test created, moto's default VPC brings its default security group.
    const created = new Set(Object.values(ids).flat());
    const others = [...new Set(evaluations.filter((e) => !created.has(e.resourceId)).map((e) => e.resourceType))];
    expect(others).toEqual(["AWS::EC2::SecurityGroup"]);
    evaluatedInAll = summary.items.evaluated;
    expect(evaluatedInAll).toBeGreaterThan(created.size);
  });

  test("a describe that fails is an error naming the resource; the rest is judged", async () => {
    const [plain] = ids["AWS::SQS::Queue"] as string[];
    const real = describeModule.describeResource;
    const spy = jest.spyOn(describeModule, "describeResource").mockImplementation(async (ref) => {
      if (ref.id === plain)
        throw Object.assign(new Error("Access to the resource is denied."), { name: "AccessDenied" });
      return real(ref);
    });
    try {
      const { summary, evaluations } = await scan();
      expect(summary.problems.filter((p) => p.level === "error")).toEqual([
        {
          level: "error",
          file: `live ${MOTO_ACCOUNT}/us-east-1`,
          pointer: `/AWS::SQS::Queue/${(plain as string).replace(/\//g, "~1")}`,
          message: "cannot describe: AccessDenied: Access to the resource is denied.",
        },
      ]);
      expect(evaluations.some((e) => e.resourceId === plain)).toBe(false);
      expect(summary.items.evaluated).toBe(evaluatedInAll - 1);
    } finally {
      spy.mockRestore();
    }
  });

  test("credentials that cannot call AWS stop the scan with one clear error", async () => {
    routeClients(async (command) => {
      if (command.service === "STS") {
        throw Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" }); // prettier-ignore
      }
      throw new Error(`unexpected call ${command.service} ${command.operation}`);
    });
    await expect(scan()).rejects.toThrow(
      new LiveScanError(
        "cannot call AWS with these credentials (STS GetCallerIdentity): CredentialsProviderError: Could not load credentials from any providers",
      ),
    );
  });
});
