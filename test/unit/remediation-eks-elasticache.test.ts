import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  DescribeClusterCommand,
  EKSClient,
  ResourceNotFoundException,
  UpdateClusterConfigCommand,
} from "@aws-sdk/client-eks";
import {
  CacheClusterNotFoundFault,
  DescribeCacheClustersCommand,
  DescribeReplicationGroupsCommand,
  ElastiCacheClient,
  ListTagsForResourceCommand,
  ModifyReplicationGroupCommand,
  ReplicationGroupNotFoundFault,
} from "@aws-sdk/client-elasticache";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-jest";
import { resetClients } from "../../lib/aws/clients";
import { execute } from "../../lib/remediation/executor";
import { requireAction } from "../../lib/remediation/planning/registry";
import { PlanError, type RemediationParams } from "../../lib/remediation/types";
import type { Resource } from "../../lib/resources/adapter";
import { describeResource } from "../../lib/resources/describe";

/*
 * EKS and ElastiCache actions (plans and restores, pure) and describes, with the exact requests asserted with
 * aws-sdk-client-mock: Amazon EKS API Reference UpdateClusterConfig / DescribeCluster, ElastiCache API Reference
 * ModifyReplicationGroup / DescribeReplicationGroups / DescribeCacheClusters / ListTagsForResource. moto does not
 * implement ModifyReplicationGroup, so these requests are checked here only; the EKS calls also run on moto
 * (test/integration/eks-elasticache.test.ts).
 */

const REGION = "eu-west-1";
const ACCT = "111122223333";
const LOG_OFF = { ClusterLogging: { EnabledTypes: [] } };
const logs = (...types: string[]) => ({ ClusterLogging: { EnabledTypes: types.map((Type) => ({ Type })) } });

function cluster(doc: Record<string, unknown>): Resource {
  return {
    type: "AWS::EKS::Cluster",
    id: "orders",
    accountId: ACCT,
    region: REGION,
    tags: {},
    deleted: false,
    document: {
      Name: "orders",
      ResourcesVpcConfig: { EndpointPublicAccess: false, EndpointPrivateAccess: true },
      EncryptionConfig: [],
      Logging: LOG_OFF,
      tags: {},
      ...doc,
    },
  };
}
function group(doc: Record<string, unknown>): Resource {
  return {
    type: "AWS::ElastiCache::ReplicationGroup",
    id: "sessions",
    accountId: ACCT,
    region: REGION,
    tags: {},
    deleted: false,
    document: {
      ReplicationGroupId: "sessions",
      MemberClusters: ["sessions-001", "sessions-002"],
      AutomaticFailover: "disabled",
      MultiAZ: "disabled",
      SnapshotRetentionLimit: 0,
      AtRestEncryptionEnabled: false,
      TransitEncryptionEnabled: false,
      AuthTokenEnabled: false,
      tags: {},
      ...doc,
    },
  };
}

const plan = (id: string, r: Resource, params: RemediationParams = {}) => requireAction(id).plan(r, params);
const restore = (id: string, before: Resource, after: Resource) => requireAction(id).restore(before, after, {});
const call = (service: string, operation: string, input: object) => ({ service, operation, input });

describe("eks-enable-control-plane-logging", () => {
  const id = "eks-enable-control-plane-logging";

  it("turns on only the missing types, and nothing when they are on", () => {
    expect(plan(id, cluster({ Logging: logs("api") }))).toEqual([
      call("eks", "UpdateClusterConfig", {
        name: "orders",
        logging: { clusterLogging: [{ types: ["audit"], enabled: true }] },
      }),
    ]);
    expect(plan(id, cluster({ Logging: logs("api") }), { logTypes: ["api", "scheduler", "audit"] })).toEqual([
      call("eks", "UpdateClusterConfig", {
        name: "orders",
        logging: { clusterLogging: [{ types: ["scheduler", "audit"], enabled: true }] },
      }),
    ]);
    expect(plan(id, cluster({ Logging: logs("audit", "api") }))).toEqual([]);
  });

  it("restores exactly the previous per-type enablement", () => {
    const before = cluster({ Logging: logs("api", "scheduler") });
    const after = cluster({ Logging: logs("api", "audit", "authenticator", "scheduler") });
    expect(restore(id, before, after)).toEqual([
      call("eks", "UpdateClusterConfig", {
        name: "orders",
        logging: { clusterLogging: [{ types: ["audit", "authenticator"], enabled: false }] },
      }),
    ]);
    // A type turned off by someone else since is turned back on; equal states need nothing.
    expect(restore(id, before, cluster({ Logging: logs("audit", "scheduler") }))).toEqual([
      call("eks", "UpdateClusterConfig", {
        name: "orders",
        logging: {
          clusterLogging: [
            { types: ["api"], enabled: true },
            { types: ["audit"], enabled: false },
          ],
        },
      }),
    ]);
    expect(restore(id, before, before)).toEqual([]);
  });

  it("refuses bad params and a document without a readable log list", () => {
    expect(() => plan(id, cluster({}), { logTypes: ["kubelet"] })).toThrow(/logTypes must be/);
    expect(() => plan(id, cluster({}), { logTypes: [] })).toThrow(PlanError);
    expect(() => plan(id, cluster({ Logging: { ClusterLogging: {} } }))).toThrow(/EnabledTypes .* not recorded/);
    expect(() => plan(id, cluster({ Name: undefined }))).toThrow(/has no Name/);
  });
});

describe("eks-disable-public-endpoint", () => {
  const id = "eks-disable-public-endpoint";
  const open = cluster({
    ResourcesVpcConfig: {
      EndpointPublicAccess: true,
      EndpointPrivateAccess: false,
      PublicAccessCidrs: ["203.0.113.0/24"],
    },
  });

  it("turns public access off and private access on in one update", () => {
    expect(plan(id, open)).toEqual([
      call("eks", "UpdateClusterConfig", {
        name: "orders",
        resourcesVpcConfig: { endpointPublicAccess: false, endpointPrivateAccess: true },
      }),
    ]);
    expect(plan(id, cluster({}))).toEqual([]);
  });

  it("restores public access, its CIDRs and the private flag as they were", () => {
    expect(restore(id, open, cluster({}))).toEqual([
      call("eks", "UpdateClusterConfig", {
        name: "orders",
        resourcesVpcConfig: {
          endpointPublicAccess: true,
          endpointPrivateAccess: false,
          publicAccessCidrs: ["203.0.113.0/24"],
        },
      }),
    ]);
    expect(restore(id, open, open)).toEqual([]);
  });

  it("refuses when the endpoint flags are not recorded", () => {
    expect(() => plan(id, cluster({ ResourcesVpcConfig: {} }))).toThrow(/EndpointPublicAccess.* not recorded/);
  });
});

describe("elasticache-snapshot-retention", () => {
  const id = "elasticache-snapshot-retention";

  it("turns backups on to the wanted days and restores the old retention", () => {
    expect(plan(id, group({}))).toEqual([
      call("elasticache", "ModifyReplicationGroup", {
        ReplicationGroupId: "sessions",
        SnapshotRetentionLimit: 7,
        ApplyImmediately: true,
      }),
    ]);
    expect(plan(id, group({}), { SnapshotRetentionLimit: 14 })).toMatchObject([
      { input: { SnapshotRetentionLimit: 14 } },
    ]);
    expect(plan(id, group({ SnapshotRetentionLimit: 1 }), { SnapshotRetentionLimit: 14 })).toEqual([]);
    expect(plan(id, group({ SnapshotRetentionLimit: 7 }))).toEqual([]);
    expect(restore(id, group({}), group({ SnapshotRetentionLimit: 7 }))).toEqual([
      call("elasticache", "ModifyReplicationGroup", {
        ReplicationGroupId: "sessions",
        SnapshotRetentionLimit: 0,
        ApplyImmediately: true,
      }),
    ]);
    expect(restore(id, group({}), group({}))).toEqual([]);
  });

  it("refuses bad params and an unreadable retention", () => {
    expect(() => plan(id, group({}), { SnapshotRetentionLimit: 36 })).toThrow(/1 to 35/);
    expect(() => plan(id, group({ SnapshotRetentionLimit: "7" }))).toThrow(/SnapshotRetentionLimit .* not recorded/);
  });
});

describe("elasticache-enable-automatic-failover", () => {
  const id = "elasticache-enable-automatic-failover";

  it("turns failover on with a replica, restores it off", () => {
    expect(plan(id, group({}))).toEqual([
      call("elasticache", "ModifyReplicationGroup", {
        ReplicationGroupId: "sessions",
        AutomaticFailoverEnabled: true,
        ApplyImmediately: true,
      }),
    ]);
    expect(plan(id, group({ AutomaticFailover: "enabled" }))).toEqual([]);
    expect(restore(id, group({}), group({ AutomaticFailover: "enabled" }))).toEqual([
      call("elasticache", "ModifyReplicationGroup", {
        ReplicationGroupId: "sessions",
        AutomaticFailoverEnabled: false,
        ApplyImmediately: true,
      }),
    ]);
    expect(restore(id, group({ AutomaticFailover: "enabled" }), group({ AutomaticFailover: "enabled" }))).toEqual([]);
  });

  it("refuses a group without a replica, naming MemberClusters", () => {
    expect(() => plan(id, group({ MemberClusters: ["sessions-001"] }))).toThrow(
      /MemberClusters of sessions lists 1 cluster\(s\): automatic failover needs a replica/,
    );
    expect(() => plan(id, group({ MemberClusters: undefined }))).toThrow(/MemberClusters of sessions is not recorded/);
  });
});

describe("elasticache-transit-encryption", () => {
  const id = "elasticache-transit-encryption";
  const preferred = group({ TransitEncryptionEnabled: true, TransitEncryptionMode: "preferred", EngineVersion: "7.1" });
  const required = group({ TransitEncryptionEnabled: true, TransitEncryptionMode: "required", EngineVersion: "7.1" });
  const off = group({ EngineVersion: "7.1" });

  it("takes one step per plan: preferred, then required", () => {
    expect(plan(id, off)).toEqual([
      call("elasticache", "ModifyReplicationGroup", {
        ReplicationGroupId: "sessions",
        TransitEncryptionEnabled: true,
        TransitEncryptionMode: "preferred",
        ApplyImmediately: true,
      }),
    ]);
    expect(plan(id, preferred)).toEqual([
      call("elasticache", "ModifyReplicationGroup", {
        ReplicationGroupId: "sessions",
        TransitEncryptionMode: "required",
        ApplyImmediately: true,
      }),
    ]);
    expect(plan(id, required)).toEqual([]);
  });

  it("takes one step back per restore", () => {
    expect(restore(id, preferred, required)).toEqual([
      call("elasticache", "ModifyReplicationGroup", {
        ReplicationGroupId: "sessions",
        TransitEncryptionMode: "preferred",
        ApplyImmediately: true,
      }),
    ]);
    expect(restore(id, off, preferred)).toEqual([
      call("elasticache", "ModifyReplicationGroup", {
        ReplicationGroupId: "sessions",
        TransitEncryptionEnabled: false,
        ApplyImmediately: true,
      }),
    ]);
    expect(restore(id, required, required)).toEqual([]);
  });

  it("refuses an engine too old to switch, naming EngineVersion", () => {
    expect(() => plan(id, group({ EngineVersion: "6.2.6" }))).toThrow(/EngineVersion of sessions is 6\.2\.6/);
    expect(() => plan(id, group({ TransitEncryptionEnabled: "no" }))).toThrow(/TransitEncryptionEnabled .* boolean/);
  });
});

describe("notify-only actions", () => {
  it.each([
    "eks-secrets-encryption-review",
    "eks-version-upgrade-review",
    "elasticache-encryption-at-rest-review",
    "elasticache-auth-review",
  ])("%s plans nothing and says why", (id) => {
    const a = requireAction(id);
    expect(a.notifyOnly).toBe(true);
    expect(a.description).toMatch(/^Notify only\. /);
  });
});

// ---- the calls as sent, and the describes' requests -------------------------------------------------------------

const eks = mockClient(EKSClient);
const elasticache = mockClient(ElastiCacheClient);
beforeEach(() => {
  eks.reset();
  elasticache.reset();
  resetClients();
});
afterAll(() => {
  eks.restore();
  elasticache.restore();
  resetClients();
});

describe("execution", () => {
  it("sends exactly the planned UpdateClusterConfig and ModifyReplicationGroup inputs", async () => {
    const recordedUpdate = JSON.parse(
      readFileSync(join(__dirname, "..", "fixtures", "eks-elasticache", "eks-update-cluster-config.json"), "utf8"),
    ).data;
    // The recorded answer carries the `update`; moto answers {} (no update): neither is read.
    eks.on(UpdateClusterConfigCommand).resolvesOnce(recordedUpdate).resolves({});
    elasticache.onAnyCommand().resolves({});
    const calls = [
      ...plan(
        "eks-disable-public-endpoint",
        cluster({ ResourcesVpcConfig: { EndpointPublicAccess: true, EndpointPrivateAccess: false } }),
      ),
      ...plan("eks-enable-control-plane-logging", cluster({})),
      ...plan("elasticache-snapshot-retention", group({})),
      ...plan("elasticache-enable-automatic-failover", group({})),
      ...plan("elasticache-transit-encryption", group({})),
    ];
    const report = await execute(calls, { region: REGION });
    expect(report.ok).toBe(true);
    expect(eks).toHaveReceivedCommandWith(UpdateClusterConfigCommand, {
      name: "orders",
      resourcesVpcConfig: { endpointPublicAccess: false, endpointPrivateAccess: true },
    });
    expect(eks).toHaveReceivedCommandWith(UpdateClusterConfigCommand, {
      name: "orders",
      logging: { clusterLogging: [{ types: ["audit"], enabled: true }] },
    });
    expect(elasticache).toHaveReceivedCommandWith(ModifyReplicationGroupCommand, {
      ReplicationGroupId: "sessions",
      SnapshotRetentionLimit: 7,
      ApplyImmediately: true,
    });
    expect(elasticache).toHaveReceivedCommandWith(ModifyReplicationGroupCommand, {
      ReplicationGroupId: "sessions",
      AutomaticFailoverEnabled: true,
      ApplyImmediately: true,
    });
    expect(elasticache).toHaveReceivedCommandWith(ModifyReplicationGroupCommand, {
      ReplicationGroupId: "sessions",
      TransitEncryptionEnabled: true,
      TransitEncryptionMode: "preferred",
      ApplyImmediately: true,
    });
    expect(elasticache).toHaveReceivedCommandTimes(ModifyReplicationGroupCommand, 3);
  });
});

describe("describes", () => {
  const groupRef = { type: "AWS::ElastiCache::ReplicationGroup", id: "sessions", region: REGION, accountId: ACCT };
  const ARN = `arn:aws:elasticache:${REGION}:${ACCT}:replicationgroup:sessions`;

  it("describes a group, its tags and its first member's engine version", async () => {
    elasticache.on(DescribeReplicationGroupsCommand).resolves({
      ReplicationGroups: [
        {
          ReplicationGroupId: "sessions",
          ARN,
          MemberClusters: ["sessions-001", "sessions-002"],
          SnapshotRetentionLimit: 0,
        },
      ],
    });
    elasticache.on(ListTagsForResourceCommand).resolves({ TagList: [{ Key: "team", Value: "orders" }] });
    elasticache.on(DescribeCacheClustersCommand).resolves({
      CacheClusters: [{ CacheClusterId: "sessions-001", Engine: "redis", EngineVersion: "7.1.0" }],
    });
    const r = await describeResource(groupRef);
    expect(elasticache).toHaveReceivedCommandWith(DescribeReplicationGroupsCommand, { ReplicationGroupId: "sessions" });
    expect(elasticache).toHaveReceivedCommandWith(ListTagsForResourceCommand, { ResourceName: ARN });
    expect(elasticache).toHaveReceivedCommandWith(DescribeCacheClustersCommand, { CacheClusterId: "sessions-001" });
    expect(r?.document).toMatchObject({ Engine: "redis", EngineVersion: "7.1.0", SnapshotRetentionLimit: 0 });
    expect(r?.tags).toEqual({ team: "orders" });

    // A member not found leaves the version unknown; a group not found is gone.
    elasticache
      .on(DescribeCacheClustersCommand)
      .rejects(new CacheClusterNotFoundFault({ message: "CacheCluster not found", $metadata: {} }));
    expect((await describeResource(groupRef))?.document.EngineVersion).toBeUndefined();
    elasticache
      .on(DescribeReplicationGroupsCommand)
      .rejects(new ReplicationGroupNotFoundFault({ message: "not found", $metadata: {} }));
    expect(await describeResource(groupRef)).toBeUndefined();
  });

  it("describes a cluster by name; ResourceNotFoundException is gone", async () => {
    eks.on(DescribeClusterCommand).resolves({ cluster: { name: "orders", version: "1.33", tags: { team: "a" } } });
    const ref = { type: "AWS::EKS::Cluster", id: "orders", region: REGION, accountId: ACCT };
    const r = await describeResource(ref);
    expect(eks).toHaveReceivedCommandWith(DescribeClusterCommand, { name: "orders" });
    expect(r?.document).toMatchObject({ Name: "orders", Version: "1.33" });
    expect(r?.tags).toEqual({ team: "a" });
    eks
      .on(DescribeClusterCommand)
      .rejects(new ResourceNotFoundException({ message: "No cluster found", $metadata: {} }));
    expect(await describeResource(ref)).toBeUndefined();
  });
});
