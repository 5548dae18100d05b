import {
  CreateClusterCommand,
  DescribeClusterCommand,
  EKSClient,
  UpdateClusterConfigCommand,
} from "@aws-sdk/client-eks";
import { CreateReplicationGroupCommand, ElastiCacheClient } from "@aws-sdk/client-elasticache";
import { execute } from "../../lib/remediation/executor";
import { planRemediation } from "../../lib/remediation/planning/plan";
import { requireAction } from "../../lib/remediation/planning/registry";
import { describeResource } from "../../lib/resources/describe";
import { described, fix, policy, ref, verdict } from "./guardrail";
import { MOTO_ACCOUNT, MOTO_REGION, useMoto } from "./moto";

/*
 * EKS and ElastiCache on moto: each describe, each fix moto implements, and each undo. moto's UpdateClusterConfig
 * applies the change but answers {} with no `update` (the executor does not read it); it has no route for
 * AssociateEncryptionConfig or ListUpdates (no fix sends them). moto does not implement ModifyReplicationGroup, so
 * the ElastiCache fixes' requests are asserted with aws-sdk-client-mock in
 * test/unit/remediation-eks-elasticache.test.ts (ElastiCache API Reference, ModifyReplicationGroup); here the group
 * is described and judged, and the failover fix refuses the one-member group moto creates.
 */

jest.setTimeout(60_000);

const moto = useMoto();

const ROLE = `arn:aws:iam::${MOTO_ACCOUNT}:role/eks-cluster-role`;
const VPC = {
  subnetIds: ["subnet-05b873ed614f61c42", "subnet-0bc174a1c1bcb2a86"],
  securityGroupIds: ["sg-0f3863656b1ca8068"],
};

describe("EKS cluster (moto)", () => {
  it("describes a public cluster without audit logs, fixes both, verifies, and undoes them", async () => {
    const eks = new EKSClient(moto.config());
    await eks.send(
      new CreateClusterCommand({
        name: "orders",
        version: "1.33",
        roleArn: ROLE,
        resourcesVpcConfig: { ...VPC, endpointPublicAccess: true, endpointPrivateAccess: false },
        tags: { team: "platform" },
      }),
    );
    const clusterRef = ref("AWS::EKS::Cluster", "orders");
    const before = await described(clusterRef);
    expect(before.arn).toBe(`arn:aws:eks:${MOTO_REGION}:${MOTO_ACCOUNT}:cluster/orders`);
    expect(before.tags).toEqual({ team: "platform" });
    expect(before.document).toMatchObject({
      Name: "orders",
      Version: "1.33",
      ResourcesVpcConfig: { EndpointPublicAccess: true, EndpointPrivateAccess: false },
      EncryptionConfig: [],
      Logging: { ClusterLogging: { EnabledTypes: [] } },
    });
    const fixes = ["eks-endpoint-not-public", "eks-audit-logging"];
    for (const id of [...fixes, "eks-secrets-encrypted"])
      expect([id, verdict(id, before)]).toEqual([id, "NON_COMPLIANT"]);
    expect(verdict("eks-supported-version", before)).toBe("COMPLIANT");

    // One fix at a time, each from a fresh describe: EKS runs one cluster update at a time.
    for (const id of fixes) await fix(id, await described(clusterRef));
    const after = await described(clusterRef);
    for (const id of fixes) expect([id, verdict(id, after)]).toEqual([id, "COMPLIANT"]);
    const raw = (await eks.send(new DescribeClusterCommand({ name: "orders" }))).cluster;
    expect(raw?.resourcesVpcConfig).toMatchObject({ endpointPublicAccess: false, endpointPrivateAccess: true });
    expect(raw?.logging?.clusterLogging?.find((s) => s.enabled)?.types).toEqual(["audit"]);

    for (const a of ["eks-disable-public-endpoint", "eks-enable-control-plane-logging"]) {
      const report = await execute(requireAction(a).restore(before, after, {}), { region: MOTO_REGION });
      expect([a, report.ok]).toEqual([a, true]);
    }
    const undone = await described(clusterRef);
    expect(undone.document.Logging).toEqual(before.document.Logging);
    expect(undone.document.ResourcesVpcConfig).toMatchObject({
      EndpointPublicAccess: true,
      EndpointPrivateAccess: false,
    });
    eks.destroy();
  });

  it("judges a cluster created with secrets encryption, and a missing cluster is gone", async () => {
    const eks = new EKSClient(moto.config());
    await eks.send(
      new CreateClusterCommand({
        name: "payments",
        roleArn: ROLE,
        resourcesVpcConfig: { ...VPC, endpointPublicAccess: false, endpointPrivateAccess: true },
        encryptionConfig: [
          {
            resources: ["secrets"],
            provider: { keyArn: `arn:aws:kms:${MOTO_REGION}:${MOTO_ACCOUNT}:key/6f1e2d3c-4b5a-4978-8e6d-5c4b3a291807` },
          },
        ],
      }),
    );
    // moto applies a logging update at once, as it does the endpoint one.
    await eks.send(
      new UpdateClusterConfigCommand({
        name: "payments",
        logging: { clusterLogging: [{ types: ["api", "audit"], enabled: true }] },
      }),
    );
    const r = await described(ref("AWS::EKS::Cluster", "payments"));
    for (const id of ["eks-secrets-encrypted", "eks-endpoint-not-public", "eks-audit-logging"]) {
      expect([id, verdict(id, r)]).toEqual([id, "COMPLIANT"]);
    }
    expect(planRemediation(policy("eks-audit-logging").remediation!, r, {}).calls).toEqual([]);
    expect(await describeResource(ref("AWS::EKS::Cluster", "no-such-cluster"))).toBeUndefined();
    eks.destroy();
  });
});

describe("ElastiCache replication group (moto)", () => {
  it("describes a group with its tags, judges it, and refuses failover without a replica", async () => {
    const ec = new ElastiCacheClient(moto.config());
    await ec.send(
      new CreateReplicationGroupCommand({
        ReplicationGroupId: "sessions",
        ReplicationGroupDescription: "session store",
        Engine: "redis",
        CacheNodeType: "cache.t4g.micro",
        NumCacheClusters: 2,
        TransitEncryptionEnabled: false,
        AtRestEncryptionEnabled: false,
        Tags: [{ Key: "team", Value: "orders" }],
      }),
    );
    const r = await described(ref("AWS::ElastiCache::ReplicationGroup", "sessions"));
    expect(r.arn).toBe(`arn:aws:elasticache:${MOTO_REGION}:${MOTO_ACCOUNT}:replicationgroup:sessions`);
    expect(r.tags).toEqual({ team: "orders" });
    expect(r.document).toMatchObject({
      ReplicationGroupId: "sessions",
      AutomaticFailover: "disabled",
      AtRestEncryptionEnabled: false,
      TransitEncryptionEnabled: false,
      AuthTokenEnabled: false,
    });
    for (const id of [
      "elasticache-automatic-failover",
      "elasticache-encrypted-at-rest",
      "elasticache-encrypted-in-transit",
    ]) {
      expect([id, verdict(id, r)]).toEqual([id, "NON_COMPLIANT"]);
    }
    // moto creates one member for NumCacheClusters 2: the failover fix refuses, naming the field.
    expect(r.document.MemberClusters).toHaveLength(1);
    expect(() => planRemediation(policy("elasticache-automatic-failover").remediation!, r, {})).toThrow(
      /MemberClusters of sessions lists 1 cluster\(s\)/,
    );
    // moto keeps no automatic backups (SnapshotRetentionLimit 0): the plan is the one ModifyReplicationGroup.
    expect(r.document.SnapshotRetentionLimit).toBe(0);
    expect(verdict("elasticache-automatic-backups", r)).toBe("NON_COMPLIANT");
    expect(planRemediation(policy("elasticache-automatic-backups").remediation!, r, {}).calls).toEqual([
      {
        service: "elasticache",
        operation: "ModifyReplicationGroup",
        input: { ReplicationGroupId: "sessions", SnapshotRetentionLimit: 7, ApplyImmediately: true },
      },
    ]);
    expect(await describeResource(ref("AWS::ElastiCache::ReplicationGroup", "no-such-group"))).toBeUndefined();
    ec.destroy();
  });
});
