import {
  DescribeRepositoriesCommand,
  ECRClient,
  GetLifecyclePolicyCommand,
  LifecyclePolicyNotFoundException,
  ListTagsForResourceCommand,
  PutImageScanningConfigurationCommand,
  PutImageTagMutabilityCommand,
  RepositoryNotFoundException,
} from "@aws-sdk/client-ecr";
import {
  ClientException,
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  UpdateClusterSettingsCommand,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-jest";
import { resetClients } from "../../lib/aws/clients";
import { execute } from "../../lib/remediation/executor";
import { requireAction } from "../../lib/remediation/planning/registry";
import { PlanError } from "../../lib/remediation/types";
import type { Resource } from "../../lib/resources/adapter";
import { describeResource } from "../../lib/resources/describe";

/*
 * Compute's actions (plans and restores, pure) and describes (exact requests, with aws-sdk-client-mock). Requests:
 * Amazon ECR API Reference PutImageScanningConfiguration / PutImageTagMutability / DescribeRepositories /
 * GetLifecyclePolicy / ListTagsForResource; Amazon ECS API Reference UpdateService / DescribeServices /
 * DescribeTaskDefinition. moto runs the same calls in test/integration/compute.test.ts; the cases here are those it
 * cannot show (a missing lifecycle policy answered as an error, a MISSING failure, an unknown revision).
 */

const REGION = "eu-west-1";
const ACCT = "111122223333";
const SVC_ARN = `arn:aws:ecs:${REGION}:${ACCT}:service/orders/orders-api`;

function repository(doc: Record<string, unknown>): Resource {
  return {
    type: "AWS::ECR::Repository",
    id: "team/orders-api",
    accountId: ACCT,
    region: REGION,
    tags: {},
    deleted: false,
    document: { RepositoryName: "team/orders-api", tags: {}, ...doc },
  };
}
function service(doc: Record<string, unknown>, id = SVC_ARN): Resource {
  return {
    type: "AWS::ECS::Service",
    id,
    accountId: ACCT,
    region: REGION,
    tags: {},
    deleted: false,
    document: { ServiceName: "orders-api", tags: {}, ...doc },
  };
}
const vpc = (
  AssignPublicIp?: string,
  Subnets = ["subnet-0a1b2c3d4e5f60001"],
  SecurityGroups = ["sg-0a1b2c3d4e5f60718"],
) => ({
  NetworkConfiguration: {
    AwsvpcConfiguration: { ...(AssignPublicIp ? { AssignPublicIp } : {}), Subnets, SecurityGroups },
  },
});

const plan = (id: string, r: Resource) => requireAction(id).plan(r, {});
const restore = (id: string, before: Resource, after: Resource) => requireAction(id).restore(before, after, {});

describe("ecr-enable-scan-on-push", () => {
  const id = "ecr-enable-scan-on-push";
  const off = repository({ ImageScanningConfiguration: { ScanOnPush: false } });
  const on = repository({ ImageScanningConfiguration: { ScanOnPush: true } });

  it("turns scan on push on in the repository's registry, and off again on restore", () => {
    const call = {
      service: "ecr",
      operation: "PutImageScanningConfiguration",
      input: {
        repositoryName: "team/orders-api",
        registryId: ACCT,
        imageScanningConfiguration: { scanOnPush: true },
      },
    };
    expect(plan(id, off)).toEqual([call]);
    expect(plan(id, repository({}))).toEqual([call]);
    expect(plan(id, on)).toEqual([]);
    expect(restore(id, off, on)).toEqual([
      { ...call, input: { ...call.input, imageScanningConfiguration: { scanOnPush: false } } },
    ]);
    expect(restore(id, on, on)).toEqual([]);
  });

  it("refuses a document without a repository name", () => {
    expect(() => plan(id, repository({ RepositoryName: undefined }))).toThrow(/has no RepositoryName/);
  });
});

describe("ecr-immutable-tags", () => {
  const id = "ecr-immutable-tags";
  it("makes tags immutable and mutable again on restore", () => {
    const mutable = repository({ ImageTagMutability: "MUTABLE" });
    const immutable = repository({ ImageTagMutability: "IMMUTABLE" });
    const call = {
      service: "ecr",
      operation: "PutImageTagMutability",
      input: { repositoryName: "team/orders-api", registryId: ACCT, imageTagMutability: "IMMUTABLE" },
    };
    expect(plan(id, mutable)).toEqual([call]);
    expect(plan(id, repository({}))).toEqual([call]);
    expect(plan(id, immutable)).toEqual([]);
    expect(plan(id, repository({ ImageTagMutability: "IMMUTABLE_WITH_EXCLUSION" }))).toEqual([]);
    expect(restore(id, mutable, immutable)).toEqual([
      { ...call, input: { ...call.input, imageTagMutability: "MUTABLE" } },
    ]);
    expect(restore(id, immutable, immutable)).toEqual([]);
  });

  it("refuses a repository whose exclusion filters it could not put back", () => {
    const excluded = repository({ ImageTagMutability: "MUTABLE_WITH_EXCLUSION" });
    expect(() => plan(id, excluded)).toThrow(PlanError);
    expect(() => plan(id, excluded)).toThrow(/ImageTagMutability of team\/orders-api is MUTABLE_WITH_EXCLUSION/);
  });
});

describe("ecs-service-disable-public-ip", () => {
  const id = "ecs-service-disable-public-ip";
  const update = (assignPublicIp: string, cluster = `arn:aws:ecs:${REGION}:${ACCT}:cluster/orders`) => ({
    service: "ecs",
    operation: "UpdateService",
    input: {
      cluster,
      service: "orders-api",
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: ["subnet-0a1b2c3d4e5f60001"],
          securityGroups: ["sg-0a1b2c3d4e5f60718"],
          assignPublicIp,
        },
      },
    },
  });
  const cluster = { Cluster: `arn:aws:ecs:${REGION}:${ACCT}:cluster/orders` };

  it("sends the whole awsvpc configuration with assignPublicIp DISABLED, and ENABLED on restore", () => {
    const before = service({ ...cluster, ...vpc("ENABLED") });
    const after = service({ ...cluster, ...vpc("DISABLED") });
    expect(plan(id, before)).toEqual([update("DISABLED")]);
    expect(plan(id, after)).toEqual([]);
    expect(plan(id, service({ ...cluster, ...vpc() }))).toEqual([]);
    expect(plan(id, service(cluster))).toEqual([]);
    expect(restore(id, before, after)).toEqual([update("ENABLED")]);
    expect(restore(id, after, after)).toEqual([]);
  });

  it("takes the cluster from a long-format ARN when the document has none", () => {
    expect(plan(id, service(vpc("ENABLED")))).toEqual([update("DISABLED", "orders")]);
    const old = service(vpc("ENABLED"), `arn:aws:ecs:${REGION}:${ACCT}:service/orders-api`);
    expect(() => plan(id, old)).toThrow(/has no Cluster/);
  });

  it("refuses a configuration without subnets (UpdateService requires them)", () => {
    expect(() => plan(id, service({ ...cluster, ...vpc("ENABLED", []) }))).toThrow(/Subnets of .* is empty/);
    expect(() => plan(id, service({ ...cluster, ...vpc("ENABLED"), ServiceName: 7 }))).toThrow(/has no ServiceName/);
  });
});

describe("ecs-cluster-enable-container-insights", () => {
  const id = "ecs-cluster-enable-container-insights";
  const cluster = (value?: string): Resource => ({
    type: "AWS::ECS::Cluster",
    id: "orders",
    accountId: ACCT,
    region: REGION,
    tags: {},
    deleted: false,
    document: {
      ClusterName: "orders",
      tags: {},
      ...(value ? { ClusterSettings: [{ Name: "containerInsights", Value: value }] } : {}),
    },
  });
  const call = (value: string) => ({
    service: "ecs",
    operation: "UpdateClusterSettings",
    input: { cluster: "orders", settings: [{ name: "containerInsights", value }] },
  });

  it("turns Container Insights on, leaves enhanced alone, and puts the recorded value back", () => {
    expect(plan(id, cluster("disabled"))).toEqual([call("enabled")]);
    expect(plan(id, cluster())).toEqual([call("enabled")]);
    expect(plan(id, cluster("enabled"))).toEqual([]);
    expect(plan(id, cluster("enhanced"))).toEqual([]);
    expect(restore(id, cluster("disabled"), cluster("enabled"))).toEqual([call("disabled")]);
    expect(restore(id, cluster(), cluster("enabled"))).toEqual([call("disabled")]);
    expect(restore(id, cluster("enabled"), cluster("enabled"))).toEqual([]);
    expect(restore(id, cluster("sometimes"), cluster("enabled"))).toEqual([]);
    expect(() => plan(id, { ...cluster(), document: { tags: {} } })).toThrow(/has no ClusterName/);
  });
});

describe("notify-only actions", () => {
  it.each(["ecr-lifecycle-policy-review", "ecs-task-definition-new-revision", "ecs-service-platform-version-review"])(
    "%s plans nothing and says why",
    (id) => {
      const action = requireAction(id);
      expect(action.notifyOnly).toBe(true);
      expect(action.description).toMatch(/^Notify only\. /);
      expect(action.plan(repository({}), {})).toEqual([]);
    },
  );
});

// ---- the calls as sent, and the describes' requests -------------------------------------------------------------

const ecr = mockClient(ECRClient);
const ecs = mockClient(ECSClient);
beforeEach(() => {
  ecr.reset();
  ecs.reset();
  resetClients();
});
afterAll(() => {
  ecr.restore();
  ecs.restore();
  resetClients();
});

describe("execution", () => {
  it("sends exactly the planned ECR and ECS inputs", async () => {
    ecr.onAnyCommand().resolves({});
    ecs.onAnyCommand().resolves({});
    const calls = [
      ...plan("ecr-enable-scan-on-push", repository({})),
      ...plan("ecr-immutable-tags", repository({})),
      ...plan("ecs-service-disable-public-ip", service(vpc("ENABLED"))),
      ...plan("ecs-cluster-enable-container-insights", {
        ...service({}),
        type: "AWS::ECS::Cluster",
        id: "orders",
        document: { ClusterName: "orders", tags: {} },
      }),
    ];
    expect((await execute(calls, { region: REGION })).ok).toBe(true);
    expect(ecr).toHaveReceivedCommandWith(PutImageScanningConfigurationCommand, {
      repositoryName: "team/orders-api",
      registryId: ACCT,
      imageScanningConfiguration: { scanOnPush: true },
    });
    expect(ecr).toHaveReceivedCommandWith(PutImageTagMutabilityCommand, {
      repositoryName: "team/orders-api",
      registryId: ACCT,
      imageTagMutability: "IMMUTABLE",
    });
    expect(ecs).toHaveReceivedCommandWith(UpdateServiceCommand, {
      cluster: "orders",
      service: "orders-api",
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: ["subnet-0a1b2c3d4e5f60001"],
          securityGroups: ["sg-0a1b2c3d4e5f60718"],
          assignPublicIp: "DISABLED",
        },
      },
    });
    // moto does not implement UpdateClusterSettings (HTTP 500): its request is asserted here only.
    expect(ecs).toHaveReceivedCommandWith(UpdateClusterSettingsCommand, {
      cluster: "orders",
      settings: [{ name: "containerInsights", value: "enabled" }],
    });
  });
});

describe("describes", () => {
  const repoRef = { type: "AWS::ECR::Repository", id: "team/orders-api", region: REGION, accountId: ACCT };
  const repoArn = `arn:aws:ecr:${REGION}:${ACCT}:repository/team/orders-api`;

  it("reads a repository without a lifecycle policy (LifecyclePolicyNotFoundException); RepositoryNotFound is gone", async () => {
    ecr.on(DescribeRepositoriesCommand).resolves({
      repositories: [
        {
          repositoryName: "team/orders-api",
          repositoryArn: repoArn,
          registryId: ACCT,
          imageTagMutability: "MUTABLE",
          imageScanningConfiguration: { scanOnPush: false },
          encryptionConfiguration: { encryptionType: "AES256" },
        },
      ],
    });
    ecr
      .on(GetLifecyclePolicyCommand)
      .rejects(new LifecyclePolicyNotFoundException({ message: "Lifecycle policy does not exist", $metadata: {} }));
    ecr.on(ListTagsForResourceCommand).resolves({ tags: [{ Key: "team", Value: "orders" }] });
    const r = await describeResource(repoRef);
    expect(ecr).toHaveReceivedCommandWith(DescribeRepositoriesCommand, {
      repositoryNames: ["team/orders-api"],
      registryId: ACCT,
    });
    expect(ecr).toHaveReceivedCommandWith(GetLifecyclePolicyCommand, {
      repositoryName: "team/orders-api",
      registryId: ACCT,
    });
    expect(ecr).toHaveReceivedCommandWith(ListTagsForResourceCommand, { resourceArn: repoArn });
    expect(r?.document).toEqual({
      RepositoryName: "team/orders-api",
      Arn: repoArn,
      ImageTagMutability: "MUTABLE",
      ImageScanningConfiguration: { ScanOnPush: false },
      EncryptionConfiguration: { EncryptionType: "AES256" },
      tags: { team: "orders" },
    });
    expect(r?.arn).toBe(repoArn);
    ecr.on(DescribeRepositoriesCommand).rejects(new RepositoryNotFoundException({ message: "gone", $metadata: {} }));
    expect(await describeResource(repoRef)).toBeUndefined();
  });

  it("describes a task definition with its tags; an unknown revision (ClientException) is gone", async () => {
    const arn = `arn:aws:ecs:${REGION}:${ACCT}:task-definition/orders-api:7`;
    const ref = { type: "AWS::ECS::TaskDefinition", id: arn, region: REGION, accountId: ACCT };
    ecs.on(DescribeTaskDefinitionCommand).resolves({
      taskDefinition: { taskDefinitionArn: arn, family: "orders-api", revision: 7, networkMode: "awsvpc" },
      tags: [{ key: "team", value: "orders" }],
    });
    const r = await describeResource(ref);
    expect(ecs).toHaveReceivedCommandWith(DescribeTaskDefinitionCommand, { taskDefinition: arn, include: ["TAGS"] });
    expect(r?.document).toEqual({
      Family: "orders-api",
      TaskDefinitionArn: arn,
      NetworkMode: "awsvpc",
      tags: { team: "orders" },
    });
    ecs
      .on(DescribeTaskDefinitionCommand)
      .rejects(new ClientException({ message: "Unable to describe task definition.", $metadata: {} }));
    expect(await describeResource(ref)).toBeUndefined();
  });

  it("describes a service in the cluster its ARN names; MISSING or INACTIVE is gone", async () => {
    const ref = { type: "AWS::ECS::Service", id: SVC_ARN, region: REGION, accountId: ACCT };
    ecs.on(DescribeServicesCommand).resolves({
      services: [{ serviceArn: SVC_ARN, serviceName: "orders-api", status: "ACTIVE", launchType: "FARGATE" }],
      failures: [],
    });
    const r = await describeResource(ref);
    expect(ecs).toHaveReceivedCommandWith(DescribeServicesCommand, {
      cluster: "orders",
      services: [SVC_ARN],
      include: ["TAGS"],
    });
    expect(r?.document).toEqual({ ServiceName: "orders-api", ServiceArn: SVC_ARN, LaunchType: "FARGATE", tags: {} });
    ecs.on(DescribeServicesCommand).resolves({ services: [], failures: [{ arn: SVC_ARN, reason: "MISSING" }] });
    expect(await describeResource(ref)).toBeUndefined();
    ecs.on(DescribeServicesCommand).resolves({ services: [{ serviceArn: SVC_ARN, status: "INACTIVE" }] });
    expect(await describeResource(ref)).toBeUndefined();
    await expect(describeResource({ ...ref, id: "orders-api" })).rejects.toThrow(/not the ARN Config uses/);
  });

  it("describes a cluster with its settings and tags; MISSING or INACTIVE is gone", async () => {
    const ref = { type: "AWS::ECS::Cluster", id: "orders", region: REGION, accountId: ACCT };
    const arn = `arn:aws:ecs:${REGION}:${ACCT}:cluster/orders`;
    ecs.on(DescribeClustersCommand).resolves({
      clusters: [
        {
          clusterArn: arn,
          clusterName: "orders",
          status: "ACTIVE",
          settings: [{ name: "containerInsights", value: "disabled" }],
          tags: [{ key: "team", value: "orders" }],
        },
      ],
      failures: [],
    });
    const r = await describeResource(ref);
    expect(ecs).toHaveReceivedCommandWith(DescribeClustersCommand, {
      clusters: ["orders"],
      include: ["SETTINGS", "TAGS"],
    });
    expect(r?.document).toEqual({
      ClusterName: "orders",
      Arn: arn,
      ClusterSettings: [{ Name: "containerInsights", Value: "disabled" }],
      tags: { team: "orders" },
    });
    ecs.on(DescribeClustersCommand).resolves({ clusters: [], failures: [{ arn, reason: "MISSING" }] });
    expect(await describeResource(ref)).toBeUndefined();
    ecs.on(DescribeClustersCommand).resolves({ clusters: [{ clusterArn: arn, status: "INACTIVE" }] });
    expect(await describeResource(ref)).toBeUndefined();
  });
});
