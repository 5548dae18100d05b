import type { ContainerDefinition, Service, TaskDefinition } from "@aws-sdk/client-ecs";
import type { Repository as EcrRepository } from "@aws-sdk/client-ecr";
import { UnknownValue } from "../../lib/cloudformation/unknown";
import { adapter as repositoryAdapter } from "../../lib/resources/types/aws-ecr-repository";
import { adapter as clusterAdapter } from "../../lib/resources/types/aws-ecs-cluster";
import { adapter as serviceAdapter } from "../../lib/resources/types/aws-ecs-service";
import { adapter as taskAdapter } from "../../lib/resources/types/aws-ecs-taskdefinition";
import type { JsonObject } from "../../lib/util/json";
import { docOf, expectSchemaValid, templateDoc, trail } from "../helpers/adapter-sources";

/*
 * Compute's four sources hold one document. Config shapes: the Config resource schemas
 * (awslabs/aws-config-resource-schema AWS::ECR::Repository, AWS::ECS::TaskDefinition, AWS::ECS::Service
 * .properties.json: the CloudFormation resources' PascalCase); SDK shapes: Amazon ECR API Reference Repository /
 * GetLifecyclePolicy / ListTagsForResource, Amazon ECS API Reference TaskDefinition / Service; templates: the
 * CloudFormation reference of each type; CloudTrail: "Logging Amazon ECR actions with AWS CloudTrail" and "Log Amazon
 * ECS API calls using AWS CloudTrail" (requestParameters and responseElements as the JSON API spells them).
 */

const ACCT = "111122223333";
const REGION = "eu-west-1";

function configItem(
  resourceType: string,
  resourceId: string,
  resourceName: string,
  arn: string,
  configuration: JsonObject,
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
    availabilityZone: "Regional",
    configurationStateMd5Hash: "",
    relatedEvents: [],
    relationships: [],
    configuration,
    supplementaryConfiguration: {},
    tags: { team: "orders" },
  };
}

/** The same item as GetResourceConfigHistory returns it: `configuration` as a JSON string, `arn`, `accountId`. */
function apiNaming(snapshot: JsonObject): JsonObject {
  const {
    ARN,
    awsAccountId,
    configurationItemVersion,
    configurationStateMd5Hash: _md5,
    configuration,
    ...rest
  } = snapshot;
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

// ---- AWS::ECR::Repository ----------------------------------------------------------------------------------------

const REPO_ARN = `arn:aws:ecr:${REGION}:${ACCT}:repository/team/orders-api`;
const LIFECYCLE =
  '{"rules":[{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}}]}';
const repoItem = configItem("AWS::ECR::Repository", "team/orders-api", "team/orders-api", REPO_ARN, {
  RepositoryName: "team/orders-api",
  Arn: REPO_ARN,
  RepositoryUri: `${ACCT}.dkr.ecr.${REGION}.amazonaws.com/team/orders-api`,
  ImageTagMutability: "MUTABLE",
  ImageScanningConfiguration: { ScanOnPush: false },
  EncryptionConfiguration: { EncryptionType: "AES256" },
  LifecyclePolicy: { LifecyclePolicyText: LIFECYCLE, RegistryId: ACCT },
});
const repoRef = { type: "AWS::ECR::Repository", id: "team/orders-api", region: REGION, accountId: ACCT, arn: REPO_ARN };
const sdkRepo: EcrRepository = {
  repositoryArn: REPO_ARN,
  registryId: ACCT,
  repositoryName: "team/orders-api",
  repositoryUri: `${ACCT}.dkr.ecr.${REGION}.amazonaws.com/team/orders-api`,
  createdAt: new Date("2025-06-02T08:41:17Z"),
  imageTagMutability: "MUTABLE",
  imageScanningConfiguration: { scanOnPush: false },
  encryptionConfiguration: { encryptionType: "AES256" },
};

describe("AWS::ECR::Repository", () => {
  const fromConfig = docOf(repositoryAdapter, repoItem);

  it("reads Config's item into the document", () => {
    expect(fromConfig).toEqual({
      RepositoryName: "team/orders-api",
      Arn: REPO_ARN,
      ImageTagMutability: "MUTABLE",
      ImageScanningConfiguration: { ScanOnPush: false },
      EncryptionConfiguration: { EncryptionType: "AES256" },
      LifecyclePolicy: { LifecyclePolicyText: LIFECYCLE, RegistryId: ACCT },
      tags: { team: "orders" },
    });
    expectSchemaValid(repositoryAdapter, fromConfig);
  });

  it("gives the same document from the API naming and from a describe (also read back from JSON)", () => {
    expect(docOf(repositoryAdapter, apiNaming(repoItem))).toEqual(fromConfig);
    const described = {
      ref: repoRef,
      DescribeRepositories: { repositories: [sdkRepo] },
      GetLifecyclePolicy: {
        registryId: ACCT,
        repositoryName: "team/orders-api",
        lifecyclePolicyText: LIFECYCLE,
        lastEvaluatedAt: new Date("2026-11-01T00:00:00Z"),
      },
      ListTagsForResource: { tags: [{ Key: "team", Value: "orders" }] },
    };
    expect(repositoryAdapter.fromDescribe?.(described)).toEqual(fromConfig);
    expect(repositoryAdapter.fromDescribe?.(JSON.parse(JSON.stringify(described)))).toEqual(fromConfig);
    // No lifecycle policy: no GetLifecyclePolicy answer, no LifecyclePolicy in the document.
    const { GetLifecyclePolicy: _l, ...without } = described;
    expect(repositoryAdapter.fromDescribe?.(without)).not.toHaveProperty("LifecyclePolicy");
  });

  it("gives the same settings from a template, ECR's create defaults filled in", () => {
    const doc = templateDoc(
      repositoryAdapter,
      `Resources:
  Repo:
    Type: AWS::ECR::Repository
    Properties:
      RepositoryName: team/orders-api
      ImageScanningConfiguration: { ScanOnPush: "false" }
      LifecyclePolicy:
        LifecyclePolicyText: '${LIFECYCLE}'
        RegistryId: "${ACCT}"
      Tags: [{ Key: team, Value: orders }]
`,
      "Repo",
    );
    const { Arn: _a, ...deployed } = fromConfig;
    expect(doc).toEqual(deployed);
    expectSchemaValid(repositoryAdapter, doc);
    const bare = templateDoc(repositoryAdapter, "Resources:\n  R:\n    Type: AWS::ECR::Repository\n", "R");
    expect(bare).toMatchObject({ ImageTagMutability: "MUTABLE", ImageScanningConfiguration: { ScanOnPush: false } });
  });

  it("names the repository a CloudTrail call changed, by name or by a tagging call's ARN", () => {
    const put = trail(
      "ecr.amazonaws.com",
      "PutImageScanningConfiguration",
      { repositoryName: "team/orders-api", imageScanningConfiguration: { scanOnPush: true } },
      { registryId: ACCT, repositoryName: "team/orders-api", imageScanningConfiguration: { scanOnPush: true } },
    );
    expect(repositoryAdapter.fromCloudTrail?.(put)).toEqual([repoRef]);
    const tag = trail("ecr.amazonaws.com", "TagResource", { resourceArn: REPO_ARN, tags: [] }, null);
    expect(repositoryAdapter.fromCloudTrail?.(tag)).toEqual([repoRef]);
    expect(repositoryAdapter.fromCloudTrail?.({ ...put, eventName: "DescribeRepositories" })).toEqual([]);
    expect(repositoryAdapter.fromCloudTrail?.({ ...put, eventSource: "ecs.amazonaws.com" })).toEqual([]);
    expect(repositoryAdapter.fromCloudTrail?.({ ...put, requestParameters: { repositoryName: "Bad Name" } })).toEqual(
      [],
    );
  });

  it("does not throw on a malformed item, and drops values of the wrong type", () => {
    for (const configuration of [
      null,
      {},
      { ImageScanningConfiguration: "yes", ImageTagMutability: 5, LifecyclePolicy: { RegistryId: ACCT } },
    ]) {
      const doc = docOf(repositoryAdapter, { ...repoItem, configuration } as JsonObject);
      expect(doc.RepositoryName).toBe("team/orders-api");
      expect(doc).not.toHaveProperty("ImageTagMutability");
      expect(doc).not.toHaveProperty("LifecyclePolicy");
      expectSchemaValid(repositoryAdapter, doc);
    }
    expect(repositoryAdapter.fromDescribe?.({ ref: repoRef, DescribeRepositories: { repositories: "x" } })).toEqual({
      RepositoryName: "team/orders-api",
      tags: {},
    });
  });
});

// ---- AWS::ECS::TaskDefinition ------------------------------------------------------------------------------------

const TD_ARN = `arn:aws:ecs:${REGION}:${ACCT}:task-definition/orders-api:7`;
const IMAGE = `${ACCT}.dkr.ecr.${REGION}.amazonaws.com/team/orders-api:1.4.2`;
const tdItem = configItem("AWS::ECS::TaskDefinition", TD_ARN, "orders-api:7", TD_ARN, {
  TaskDefinitionArn: TD_ARN,
  Family: "orders-api",
  NetworkMode: "awsvpc",
  RequiresCompatibilities: ["FARGATE"],
  Cpu: "512",
  Memory: "1024",
  Status: "ACTIVE",
  ContainerDefinitions: [
    {
      Name: "app",
      Image: IMAGE,
      Essential: true,
      Privileged: false,
      ReadonlyRootFilesystem: true,
      User: "1000",
      Environment: [{ Name: "AWS_ACCESS_KEY_ID", Value: "AKIAIOSFODNN7EXAMPLE" }],
      LogConfiguration: { LogDriver: "awslogs", Options: { "awslogs-group": "/ecs/orders-api" } },
    },
    { Name: "sidecar", Image: "public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0", Essential: false },
  ],
});
const tdRef = { type: "AWS::ECS::TaskDefinition", id: TD_ARN, region: REGION, accountId: ACCT, arn: TD_ARN };
const sdkContainers: ContainerDefinition[] = [
  {
    name: "app",
    image: IMAGE,
    cpu: 0,
    essential: true,
    privileged: false,
    readonlyRootFilesystem: true,
    user: "1000",
    environment: [{ name: "AWS_ACCESS_KEY_ID", value: "AKIAIOSFODNN7EXAMPLE" }],
    portMappings: [],
    mountPoints: [],
    volumesFrom: [],
    logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/ecs/orders-api" } },
  },
  {
    name: "sidecar",
    image: "public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0",
    cpu: 0,
    essential: false,
    environment: [],
    portMappings: [],
    mountPoints: [],
    volumesFrom: [],
  },
];
const sdkTask: TaskDefinition = {
  taskDefinitionArn: TD_ARN,
  family: "orders-api",
  revision: 7,
  containerDefinitions: sdkContainers,
  networkMode: "awsvpc",
  requiresCompatibilities: ["FARGATE"],
  cpu: "512",
  memory: "1024",
  status: "ACTIVE",
  registeredAt: new Date("2026-10-30T10:02:11.412Z"),
};

describe("AWS::ECS::TaskDefinition", () => {
  const fromConfig = docOf(taskAdapter, tdItem);

  it("reads Config's item into the document, environment variable names only", () => {
    expect(fromConfig).toEqual({
      Family: "orders-api",
      TaskDefinitionArn: TD_ARN,
      NetworkMode: "awsvpc",
      RequiresCompatibilities: ["FARGATE"],
      ContainerDefinitions: [
        {
          Name: "app",
          Image: IMAGE,
          Privileged: false,
          ReadonlyRootFilesystem: true,
          User: "1000",
          Environment: [{ Name: "AWS_ACCESS_KEY_ID" }],
          LogConfiguration: { LogDriver: "awslogs" },
        },
        { Name: "sidecar", Image: "public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0" },
      ],
      tags: { team: "orders" },
    });
    expect(JSON.stringify(fromConfig)).not.toContain("AKIAIOSFODNN7EXAMPLE");
    expectSchemaValid(taskAdapter, fromConfig);
  });

  it("gives the same document from the API naming and from a describe", () => {
    expect(docOf(taskAdapter, apiNaming(tdItem))).toEqual(fromConfig);
    const described = {
      ref: tdRef,
      DescribeTaskDefinition: { taskDefinition: sdkTask, tags: [{ key: "team", value: "orders" }] },
    };
    // The sidecar's `environment: []` is no Environment, as Config records it.
    expect(taskAdapter.fromDescribe?.(described)).toEqual(fromConfig);
    expect(taskAdapter.fromDescribe?.(JSON.parse(JSON.stringify(described)))).toEqual(fromConfig);
  });

  it("gives the same settings from a template", () => {
    const doc = templateDoc(
      taskAdapter,
      `Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: orders-api
      NetworkMode: awsvpc
      RequiresCompatibilities: [FARGATE]
      Cpu: "512"
      Memory: "1024"
      ContainerDefinitions:
        - Name: app
          Image: ${IMAGE}
          Essential: true
          Privileged: "false"
          ReadonlyRootFilesystem: true
          User: "1000"
          Environment: [{ Name: AWS_ACCESS_KEY_ID, Value: AKIAIOSFODNN7EXAMPLE }]
          LogConfiguration: { LogDriver: awslogs, Options: { awslogs-group: /ecs/orders-api } }
        - Name: sidecar
          Image: public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0
          Essential: false
      Tags: [{ Key: team, Value: orders }]
`,
      "Task",
    );
    const { TaskDefinitionArn: _a, ...deployed } = fromConfig;
    expect(doc).toEqual(deployed);
    expect(JSON.stringify(doc)).not.toContain("AKIAIOSFODNN7EXAMPLE");
  });

  it("names the revision RegisterTaskDefinition created", () => {
    const record = trail(
      "ecs.amazonaws.com",
      "RegisterTaskDefinition",
      { family: "orders-api", containerDefinitions: [{ name: "app", image: IMAGE }] },
      { taskDefinition: { taskDefinitionArn: TD_ARN, family: "orders-api", revision: 7, status: "ACTIVE" } },
    );
    expect(taskAdapter.fromCloudTrail?.(record)).toEqual([tdRef]);
    expect(taskAdapter.fromCloudTrail?.({ ...record, responseElements: null })).toEqual([]);
    expect(taskAdapter.fromCloudTrail?.({ ...record, eventName: "DescribeTaskDefinition" })).toEqual([]);
    expect(serviceAdapter.fromCloudTrail?.(record)).toEqual([]);
  });

  it("does not throw on a malformed item", () => {
    for (const configuration of [
      null,
      {},
      { ContainerDefinitions: "x", NetworkMode: 3 },
      { ContainerDefinitions: [null, 5, { Privileged: "yes", Environment: [{ Name: 1 }, "x"] }] },
    ]) {
      const doc = docOf(taskAdapter, { ...tdItem, configuration } as JsonObject);
      expect(doc.TaskDefinitionArn).toBe(TD_ARN);
      expect(doc).not.toHaveProperty("NetworkMode");
      expectSchemaValid(taskAdapter, doc);
    }
  });
});

// ---- AWS::ECS::Service -------------------------------------------------------------------------------------------

const CLUSTER_ARN = `arn:aws:ecs:${REGION}:${ACCT}:cluster/orders`;
const SVC_ARN = `arn:aws:ecs:${REGION}:${ACCT}:service/orders/orders-api`;
const svcItem = configItem("AWS::ECS::Service", SVC_ARN, "orders-api", SVC_ARN, {
  ServiceArn: SVC_ARN,
  ServiceName: "orders-api",
  Name: "orders-api",
  Cluster: CLUSTER_ARN,
  LaunchType: "FARGATE",
  PlatformVersion: "LATEST",
  TaskDefinition: TD_ARN,
  DesiredCount: 2,
  SchedulingStrategy: "REPLICA",
  NetworkConfiguration: {
    AwsvpcConfiguration: {
      AssignPublicIp: "ENABLED",
      SecurityGroups: ["sg-0a1b2c3d4e5f60718"],
      Subnets: ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"],
    },
  },
});
const svcRef = { type: "AWS::ECS::Service", id: SVC_ARN, region: REGION, accountId: ACCT, arn: SVC_ARN };
const sdkService: Service = {
  serviceArn: SVC_ARN,
  serviceName: "orders-api",
  clusterArn: CLUSTER_ARN,
  status: "ACTIVE",
  desiredCount: 2,
  runningCount: 2,
  pendingCount: 0,
  launchType: "FARGATE",
  platformVersion: "LATEST",
  platformFamily: "Linux",
  taskDefinition: TD_ARN,
  schedulingStrategy: "REPLICA",
  createdAt: new Date("2026-10-30T10:05:40.118Z"),
  networkConfiguration: {
    awsvpcConfiguration: {
      subnets: ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"],
      securityGroups: ["sg-0a1b2c3d4e5f60718"],
      assignPublicIp: "ENABLED",
    },
  },
  tags: [{ key: "team", value: "orders" }],
};

describe("AWS::ECS::Service", () => {
  const fromConfig = docOf(serviceAdapter, svcItem);

  it("reads Config's item into the document", () => {
    expect(fromConfig).toEqual({
      ServiceName: "orders-api",
      ServiceArn: SVC_ARN,
      Cluster: CLUSTER_ARN,
      LaunchType: "FARGATE",
      PlatformVersion: "LATEST",
      TaskDefinition: TD_ARN,
      DesiredCount: 2,
      NetworkConfiguration: {
        AwsvpcConfiguration: {
          AssignPublicIp: "ENABLED",
          SecurityGroups: ["sg-0a1b2c3d4e5f60718"],
          Subnets: ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"],
        },
      },
      tags: { team: "orders" },
    });
    expectSchemaValid(serviceAdapter, fromConfig);
  });

  it("gives the same document from the API naming and from a describe", () => {
    expect(docOf(serviceAdapter, apiNaming(svcItem))).toEqual(fromConfig);
    const described = { ref: svcRef, DescribeServices: { services: [sdkService], failures: [] } };
    expect(serviceAdapter.fromDescribe?.(described)).toEqual(fromConfig);
    expect(serviceAdapter.fromDescribe?.(JSON.parse(JSON.stringify(described)))).toEqual(fromConfig);
  });

  it("gives the same settings from a template; ECS's defaults filled in", () => {
    const doc = templateDoc(
      serviceAdapter,
      `Resources:
  Svc:
    Type: AWS::ECS::Service
    Properties:
      ServiceName: orders-api
      Cluster: ${CLUSTER_ARN}
      LaunchType: FARGATE
      TaskDefinition: ${TD_ARN}
      DesiredCount: "2"
      NetworkConfiguration:
        AwsvpcConfiguration:
          AssignPublicIp: ENABLED
          SecurityGroups: [sg-0a1b2c3d4e5f60718]
          Subnets: [subnet-0a1b2c3d4e5f60001, subnet-0a1b2c3d4e5f60002]
      Tags: [{ Key: team, Value: orders }]
`,
      "Svc",
    );
    const { ServiceArn: _a, ...deployed } = fromConfig;
    expect(doc).toEqual(deployed);
    const quiet = templateDoc(
      serviceAdapter,
      `Resources:
  Svc:
    Type: AWS::ECS::Service
    Properties:
      LaunchType: FARGATE
      NetworkConfiguration: { AwsvpcConfiguration: { Subnets: [subnet-0a1b2c3d4e5f60001] } }
`,
      "Svc",
    );
    expect(quiet).toMatchObject({
      PlatformVersion: "LATEST",
      NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: "DISABLED" } },
    });
  });

  it("names the service a CloudTrail call answered, or a tagging call's ARN", () => {
    const record = trail(
      "ecs.amazonaws.com",
      "UpdateService",
      { cluster: "orders", service: "orders-api", networkConfiguration: {} },
      { service: { serviceArn: SVC_ARN, serviceName: "orders-api", clusterArn: CLUSTER_ARN } },
    );
    expect(serviceAdapter.fromCloudTrail?.(record)).toEqual([svcRef]);
    const tag = trail("ecs.amazonaws.com", "TagResource", { resourceArn: SVC_ARN, tags: [] }, null);
    expect(serviceAdapter.fromCloudTrail?.(tag)).toEqual([svcRef]);
    expect(serviceAdapter.fromCloudTrail?.({ ...tag, requestParameters: { resourceArn: CLUSTER_ARN } })).toEqual([]);
    expect(serviceAdapter.fromCloudTrail?.({ ...record, responseElements: null })).toEqual([]);
    expect(taskAdapter.fromCloudTrail?.(record)).toEqual([]);
  });

  it("does not throw on a malformed item", () => {
    for (const configuration of [
      null,
      {},
      { NetworkConfiguration: { AwsvpcConfiguration: "x" }, DesiredCount: "two" },
    ]) {
      const doc = docOf(serviceAdapter, { ...svcItem, configuration } as JsonObject);
      expect(doc.ServiceName).toBe("orders-api");
      expect(doc.ServiceArn).toBe(SVC_ARN);
      expect(doc).not.toHaveProperty("DesiredCount");
      expectSchemaValid(serviceAdapter, doc);
    }
  });
});

// ---- AWS::ECS::Cluster -------------------------------------------------------------------------------------------

const clusterItem = configItem("AWS::ECS::Cluster", "orders", "orders", CLUSTER_ARN, {
  ClusterName: "orders",
  Arn: CLUSTER_ARN,
  CapacityProviders: ["FARGATE"],
  ClusterSettings: [{ Name: "containerInsights", Value: "disabled" }],
});
const clusterRef = { type: "AWS::ECS::Cluster", id: "orders", region: REGION, accountId: ACCT, arn: CLUSTER_ARN };

describe("AWS::ECS::Cluster", () => {
  const fromConfig = docOf(clusterAdapter, clusterItem);

  it("reads Config's item, its API naming and a describe into one document", () => {
    expect(fromConfig).toEqual({
      ClusterName: "orders",
      Arn: CLUSTER_ARN,
      ClusterSettings: [{ Name: "containerInsights", Value: "disabled" }],
      tags: { team: "orders" },
    });
    expectSchemaValid(clusterAdapter, fromConfig);
    expect(docOf(clusterAdapter, apiNaming(clusterItem))).toEqual(fromConfig);
    const described = {
      ref: clusterRef,
      DescribeClusters: {
        clusters: [
          {
            clusterArn: CLUSTER_ARN,
            clusterName: "orders",
            status: "ACTIVE",
            registeredContainerInstancesCount: 0,
            runningTasksCount: 2,
            capacityProviders: ["FARGATE"],
            settings: [{ name: "containerInsights" as const, value: "disabled" as const }],
            tags: [{ key: "team", value: "orders" }],
          },
        ],
        failures: [],
      },
    };
    expect(clusterAdapter.fromDescribe?.(described)).toEqual(fromConfig);
    expect(clusterAdapter.fromDescribe?.(JSON.parse(JSON.stringify(described)))).toEqual(fromConfig);
  });

  it("gives the same settings from a template; without ClusterSettings the account default decides", () => {
    const doc = templateDoc(
      clusterAdapter,
      `Resources:
  Cluster:
    Type: AWS::ECS::Cluster
    Properties:
      ClusterName: orders
      ClusterSettings: [{ Name: containerInsights, Value: disabled }]
      Tags: [{ Key: team, Value: orders }]
`,
      "Cluster",
    );
    const { Arn: _a, ...deployed } = fromConfig;
    expect(doc).toEqual(deployed);
    const bare = templateDoc(clusterAdapter, "Resources:\n  C:\n    Type: AWS::ECS::Cluster\n", "C");
    expect(bare.ClusterSettings).toBeInstanceOf(UnknownValue);
  });

  it("names the cluster a CloudTrail call named, by name or ARN", () => {
    const record = trail(
      "ecs.amazonaws.com",
      "UpdateClusterSettings",
      { cluster: "orders", settings: [{ name: "containerInsights", value: "enabled" }] },
      { cluster: { clusterArn: CLUSTER_ARN, clusterName: "orders" } },
    );
    expect(clusterAdapter.fromCloudTrail?.(record)).toEqual([clusterRef]);
    expect(clusterAdapter.fromCloudTrail?.({ ...record, requestParameters: { cluster: CLUSTER_ARN } })).toEqual([
      clusterRef,
    ]);
    const create = trail("ecs.amazonaws.com", "CreateCluster", { clusterName: "orders" }, null);
    expect(clusterAdapter.fromCloudTrail?.(create)).toEqual([clusterRef]);
    expect(clusterAdapter.fromCloudTrail?.({ ...record, eventName: "DescribeClusters" })).toEqual([]);
  });

  it("does not throw on a malformed item", () => {
    for (const configuration of [null, {}, { ClusterSettings: "x" }, { ClusterSettings: [7, { Name: ["x"] }] }]) {
      const doc = docOf(clusterAdapter, { ...clusterItem, configuration } as JsonObject);
      expect(doc.ClusterName).toBe("orders");
      expectSchemaValid(clusterAdapter, doc);
    }
  });
});
