import {
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  PutLifecyclePolicyCommand,
} from "@aws-sdk/client-ecr";
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
} from "@aws-sdk/client-ecs";
import { CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand, EC2Client } from "@aws-sdk/client-ec2";
import { execute } from "../../lib/remediation/executor";
import { requireAction } from "../../lib/remediation/planning/registry";
import { describeResource } from "../../lib/resources/describe";
import { described, fix, ref, verdict } from "./guardrail";
import { MOTO_ACCOUNT, MOTO_REGION, useMoto } from "./moto";

/*
 * Compute on moto: each describe, each fix, each undo. moto implements every call these use (DescribeRepositories,
 * GetLifecyclePolicy, ListTagsForResource, PutImageScanningConfiguration, PutImageTagMutability,
 * DescribeTaskDefinition with TAGS, DescribeServices with TAGS, DescribeClusters with SETTINGS and TAGS, UpdateService
 * networkConfiguration) except UpdateClusterSettings (HTTP 500, not implemented). It accepts a
 * privileged container on Fargate, which AWS refuses, so that refusal is not tested here; the answers it cannot give
 * (a MISSING failure, an unknown revision) are asserted with aws-sdk-client-mock in
 * test/unit/remediation-compute.test.ts.
 */

jest.setTimeout(60_000);

const moto = useMoto();

describe("ECR repository (moto)", () => {
  it("describes, turns scan on push and tag immutability on, verifies, and undoes both", async () => {
    const ecr = new ECRClient(moto.config());
    const created = await ecr.send(
      new CreateRepositoryCommand({
        repositoryName: "team/orders-api",
        imageScanningConfiguration: { scanOnPush: false },
        imageTagMutability: "MUTABLE",
        tags: [{ Key: "team", Value: "orders" }],
      }),
    );
    const arn = `arn:aws:ecr:${MOTO_REGION}:${MOTO_ACCOUNT}:repository/team/orders-api`;
    expect(created.repository?.repositoryArn).toBe(arn);
    const repoRef = ref("AWS::ECR::Repository", "team/orders-api");
    const before = await described(repoRef);
    expect(before.arn).toBe(arn);
    expect(before.document).toEqual({
      RepositoryName: "team/orders-api",
      Arn: arn,
      ImageTagMutability: "MUTABLE",
      ImageScanningConfiguration: { ScanOnPush: false },
      EncryptionConfiguration: { EncryptionType: "AES256" },
      tags: { team: "orders" },
    });
    const fixes = ["ecr-repository-scan-on-push", "ecr-repository-tag-immutability"];
    for (const id of [...fixes, "ecr-repository-lifecycle-policy"]) {
      expect([id, verdict(id, before)]).toEqual([id, "NON_COMPLIANT"]);
    }
    for (const id of fixes) await fix(id, await described(repoRef));
    const after = await described(repoRef);
    for (const id of fixes) expect([id, verdict(id, after)]).toEqual([id, "COMPLIANT"]);
    const raw = (await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ["team/orders-api"] })))
      .repositories?.[0];
    expect(raw).toMatchObject({ imageTagMutability: "IMMUTABLE", imageScanningConfiguration: { scanOnPush: true } });

    // A lifecycle policy is read back from GetLifecyclePolicy.
    const text = JSON.stringify({
      rules: [
        {
          rulePriority: 1,
          selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 14 },
          action: { type: "expire" },
        },
      ],
    });
    await ecr.send(new PutLifecyclePolicyCommand({ repositoryName: "team/orders-api", lifecyclePolicyText: text }));
    const withPolicy = await described(repoRef);
    expect(withPolicy.document.LifecyclePolicy).toEqual({ LifecyclePolicyText: text, RegistryId: MOTO_ACCOUNT });
    expect(verdict("ecr-repository-lifecycle-policy", withPolicy)).toBe("COMPLIANT");

    for (const a of ["ecr-enable-scan-on-push", "ecr-immutable-tags"]) {
      const report = await execute(requireAction(a).restore(before, after, {}), { region: MOTO_REGION });
      expect([a, report.ok]).toEqual([a, true]);
    }
    const undone = await described(repoRef);
    expect(undone.document).toMatchObject({
      ImageTagMutability: "MUTABLE",
      ImageScanningConfiguration: { ScanOnPush: false },
    });
    expect(await describeResource(ref("AWS::ECR::Repository", "no-such-repo"))).toBeUndefined();
    ecr.destroy();
  });
});

describe("ECS task definition and service (moto)", () => {
  it("judges a task definition revision, and takes the service's public IP away and gives it back on undo", async () => {
    const ecs = new ECSClient(moto.config());
    // ECS checks a service's subnets (moto too): a VPC of its own.
    const ec2 = new EC2Client(moto.config());
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.20.0.0/16" }))).Vpc?.VpcId as string;
    const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.20.1.0/24" }))).Subnet
      ?.SubnetId as string;
    const sg = (
      await ec2.send(
        new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: "orders-api", Description: "orders api" }),
      )
    ).GroupId as string;
    ec2.destroy();
    const cluster = await ecs.send(
      new CreateClusterCommand({
        clusterName: "orders",
        settings: [{ name: "containerInsights", value: "disabled" }],
        tags: [{ key: "team", value: "orders" }],
      }),
    );
    // The cluster: described and judged here; its fix (UpdateClusterSettings) is not implemented by moto (HTTP 500),
    // so its request is asserted with aws-sdk-client-mock in test/unit/remediation-compute.test.ts.
    const clusterDoc = await described(ref("AWS::ECS::Cluster", "orders"));
    expect(clusterDoc.document).toEqual({
      ClusterName: "orders",
      Arn: cluster.cluster?.clusterArn,
      ClusterSettings: [{ Name: "containerInsights", Value: "disabled" }],
      tags: { team: "orders" },
    });
    expect(verdict("ecs-cluster-container-insights", clusterDoc)).toBe("NON_COMPLIANT");
    expect(await describeResource(ref("AWS::ECS::Cluster", "no-such-cluster"))).toBeUndefined();
    const registered = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: "orders-api",
        networkMode: "awsvpc",
        requiresCompatibilities: ["FARGATE"],
        cpu: "512",
        memory: "1024",
        containerDefinitions: [
          {
            name: "app",
            image: "public.ecr.aws/docker/library/nginx:1.27",
            essential: true,
            privileged: true,
            readonlyRootFilesystem: false,
            environment: [{ name: "AWS_SECRET_ACCESS_KEY", value: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" }],
          },
        ],
        tags: [{ key: "team", value: "orders" }],
      }),
    );
    const tdArn = registered.taskDefinition?.taskDefinitionArn as string;
    expect(tdArn).toBe(`arn:aws:ecs:${MOTO_REGION}:${MOTO_ACCOUNT}:task-definition/orders-api:1`);
    const task = await described(ref("AWS::ECS::TaskDefinition", tdArn));
    expect(task.tags).toEqual({ team: "orders" });
    expect(JSON.stringify(task.document)).not.toContain("wJalrXUtnFEMI");
    for (const id of [
      "ecs-task-definition-nonprivileged",
      "ecs-task-definition-readonly-root",
      "ecs-task-definition-no-environment-secrets",
      "ecs-task-definition-logging",
    ]) {
      expect([id, verdict(id, task)]).toEqual([id, "NON_COMPLIANT"]);
    }
    expect(verdict("ecs-task-definition-no-host-pid", task)).toBe("COMPLIANT");
    expect(verdict("ecs-task-definition-host-mode-user", task)).toBe("NOT_APPLICABLE");

    const created = await ecs.send(
      new CreateServiceCommand({
        cluster: "orders",
        serviceName: "orders-api",
        taskDefinition: tdArn,
        desiredCount: 1,
        launchType: "FARGATE",
        networkConfiguration: {
          awsvpcConfiguration: {
            subnets: [subnet],
            securityGroups: [sg],
            assignPublicIp: "ENABLED",
          },
        },
        tags: [{ key: "team", value: "orders" }],
      }),
    );
    const svcArn = created.service?.serviceArn as string;
    expect(svcArn).toBe(`arn:aws:ecs:${MOTO_REGION}:${MOTO_ACCOUNT}:service/orders/orders-api`);
    const svcRef = ref("AWS::ECS::Service", svcArn);
    const before = await described(svcRef);
    expect(before.document).toMatchObject({
      ServiceName: "orders-api",
      Cluster: cluster.cluster?.clusterArn,
      LaunchType: "FARGATE",
      TaskDefinition: tdArn,
      NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: "ENABLED" } },
      tags: { team: "orders" },
    });
    expect(verdict("ecs-service-no-public-ip", before)).toBe("NON_COMPLIANT");

    await fix("ecs-service-no-public-ip", before);
    const after = await described(svcRef);
    expect(verdict("ecs-service-no-public-ip", after)).toBe("COMPLIANT");
    const raw = (await ecs.send(new DescribeServicesCommand({ cluster: "orders", services: ["orders-api"] })))
      .services?.[0];
    expect(raw?.networkConfiguration?.awsvpcConfiguration).toEqual({
      subnets: [subnet],
      securityGroups: [sg],
      assignPublicIp: "DISABLED",
    });

    const report = await execute(requireAction("ecs-service-disable-public-ip").restore(before, after, {}), {
      region: MOTO_REGION,
    });
    expect(report.ok).toBe(true);
    expect((await described(svcRef)).document.NetworkConfiguration).toEqual(before.document.NetworkConfiguration);
    expect(
      await describeResource(
        ref("AWS::ECS::Service", `arn:aws:ecs:${MOTO_REGION}:${MOTO_ACCOUNT}:service/orders/gone`),
      ),
    ).toBeUndefined();
    ecs.destroy();
  });
});
