import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Cluster } from "@aws-sdk/client-eks";
import type { ReplicationGroup } from "@aws-sdk/client-elasticache";
import { UnknownValue } from "../../lib/cloudformation/unknown";
import { adapter as clusterAdapter } from "../../lib/resources/types/aws-eks-cluster";
import { adapter as groupAdapter } from "../../lib/resources/types/aws-elasticache-replicationgroup";
import type { JsonObject } from "../../lib/util/json";
import { docOf, expectSchemaValid, templateDoc, trail } from "../helpers/adapter-sources";

/*
 * EKS clusters and ElastiCache replication groups: the four sources hold one document. Config shapes: the Config
 * resource schema AWS::EKS::Cluster.properties.json (awslabs/aws-config-resource-schema) and a recorded item; for
 * replication groups no Config schema is public, so the item's configuration is the API's ReplicationGroup
 * (policies/elasticache/README.md). SDK shapes: Amazon EKS API Reference Cluster, ElastiCache API Reference
 * ReplicationGroup; templates: the CloudFormation reference of each type; CloudTrail: "Logging Amazon EKS API calls
 * with AWS CloudTrail". Recorded payloads: test/fixtures/eks-elasticache (README there).
 */

const ACCT = "111122223333";
const REGION = "eu-west-1";
const KEY = `arn:aws:kms:${REGION}:${ACCT}:key/6f1e2d3c-4b5a-4978-8e6d-5c4b3a291807`;
const FIXTURES = join(__dirname, "..", "fixtures", "eks-elasticache");
const recordedData = (name: string) =>
  (JSON.parse(readFileSync(join(FIXTURES, name), "utf8")) as { data: JsonObject }).data;

function configItem(type: string, id: string, arn: string, configuration: JsonObject, az: string): JsonObject {
  return {
    configurationItemVersion: "1.3",
    configurationItemCaptureTime: "2026-11-02T13:27:10.661Z",
    configurationStateId: 1793626030661,
    awsAccountId: ACCT,
    configurationItemStatus: "OK",
    resourceType: type,
    resourceId: id,
    resourceName: id,
    ARN: arn,
    awsRegion: REGION,
    availabilityZone: az,
    configurationStateMd5Hash: "",
    relatedEvents: [],
    relationships: [],
    configuration,
    supplementaryConfiguration: {},
    tags: { team: "platform" },
  };
}

/** The same item as GetResourceConfigHistory returns it: `configuration` as a JSON string, `arn`, `accountId`. */
function apiNaming(item: JsonObject): JsonObject {
  const { ARN, awsAccountId, configurationItemVersion, configurationStateMd5Hash: _m, configuration, ...rest } = item;
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

// ---- AWS::EKS::Cluster ------------------------------------------------------------------------------------------

const CLUSTER_ARN = `arn:aws:eks:${REGION}:${ACCT}:cluster/orders`;
const clusterConfig: JsonObject = {
  Arn: CLUSTER_ARN,
  Endpoint: `https://5E1D0CEXAMPLEA591B746AFC5AB30262.gr7.${REGION}.eks.amazonaws.com`,
  Name: "orders",
  ResourcesVpcConfig: {
    SecurityGroupIds: ["sg-0f3863656b1ca8068"],
    SubnetIds: ["subnet-05b873ed614f61c42", "subnet-0bc174a1c1bcb2a86"],
    EndpointPublicAccess: true,
    EndpointPrivateAccess: false,
    PublicAccessCidrs: ["203.0.113.0/24"],
  },
  RoleArn: `arn:aws:iam::${ACCT}:role/eks-cluster-role`,
  Version: "1.33",
  EncryptionConfig: [{ Resources: ["secrets"], Provider: { KeyArn: KEY } }],
  Logging: { ClusterLogging: { EnabledTypes: [{ Type: "audit" }, { Type: "api" }] } },
};
const clusterItem = configItem("AWS::EKS::Cluster", "orders", CLUSTER_ARN, clusterConfig, "Regional");

/** DescribeCluster's cluster as the SDK gives it (camelCase, dates as Date). */
const sdkCluster: Cluster = {
  name: "orders",
  arn: CLUSTER_ARN,
  createdAt: new Date("2025-03-14T09:12:44.318Z"),
  version: "1.33",
  endpoint: `https://5E1D0CEXAMPLEA591B746AFC5AB30262.gr7.${REGION}.eks.amazonaws.com`,
  roleArn: `arn:aws:iam::${ACCT}:role/eks-cluster-role`,
  resourcesVpcConfig: {
    subnetIds: ["subnet-05b873ed614f61c42", "subnet-0bc174a1c1bcb2a86"],
    securityGroupIds: ["sg-0f3863656b1ca8068"],
    vpcId: "vpc-08948fb33475791d9",
    endpointPublicAccess: true,
    endpointPrivateAccess: false,
    publicAccessCidrs: ["203.0.113.0/24"],
  },
  logging: {
    clusterLogging: [
      { types: ["api", "audit"], enabled: true },
      { types: ["authenticator", "controllerManager", "scheduler"], enabled: false },
    ],
  },
  status: "ACTIVE",
  encryptionConfig: [{ resources: ["secrets"], provider: { keyArn: KEY } }],
  tags: { team: "platform" },
};
const clusterRef = { type: "AWS::EKS::Cluster", id: "orders", region: REGION, accountId: ACCT, arn: CLUSTER_ARN };

describe("AWS::EKS::Cluster", () => {
  const fromConfig = docOf(clusterAdapter, clusterItem);

  it("reads the Config item into the document, log types in the API's order", () => {
    expect(fromConfig).toEqual({
      Name: "orders",
      Arn: CLUSTER_ARN,
      Version: "1.33",
      RoleArn: `arn:aws:iam::${ACCT}:role/eks-cluster-role`,
      ResourcesVpcConfig: {
        SecurityGroupIds: ["sg-0f3863656b1ca8068"],
        SubnetIds: ["subnet-05b873ed614f61c42", "subnet-0bc174a1c1bcb2a86"],
        EndpointPublicAccess: true,
        EndpointPrivateAccess: false,
        PublicAccessCidrs: ["203.0.113.0/24"],
      },
      EncryptionConfig: [{ Resources: ["secrets"], Provider: { KeyArn: KEY } }],
      Logging: { ClusterLogging: { EnabledTypes: [{ Type: "api" }, { Type: "audit" }] } },
      tags: { team: "platform" },
    });
    expectSchemaValid(clusterAdapter, fromConfig);
    expect(clusterAdapter.arn?.({ ...clusterRef, arn: undefined }, { Name: "orders" })).toBe(CLUSTER_ARN);
  });

  it("gives the same document from the API naming and from a describe (live and read back from JSON)", () => {
    expect(docOf(clusterAdapter, apiNaming(clusterItem))).toEqual(fromConfig);
    const described = { ref: clusterRef, DescribeCluster: { cluster: sdkCluster } };
    expect(clusterAdapter.fromDescribe?.(described)).toEqual(fromConfig);
    expect(clusterAdapter.fromDescribe?.(JSON.parse(JSON.stringify(described)))).toEqual(fromConfig);
  });

  it("gives the same settings from a template", () => {
    const doc = templateDoc(
      clusterAdapter,
      `Resources:
  Cluster:
    Type: AWS::EKS::Cluster
    Properties:
      Name: orders
      Version: "1.33"
      RoleArn: arn:aws:iam::${ACCT}:role/eks-cluster-role
      ResourcesVpcConfig:
        SecurityGroupIds: [sg-0f3863656b1ca8068]
        SubnetIds: [subnet-05b873ed614f61c42, subnet-0bc174a1c1bcb2a86]
        EndpointPublicAccess: "true"
        EndpointPrivateAccess: false
        PublicAccessCidrs: [203.0.113.0/24]
      EncryptionConfig:
        - Resources: [secrets]
          Provider: { KeyArn: ${KEY} }
      Logging:
        ClusterLogging:
          EnabledTypes: [{ Type: audit }, { Type: api }]
      Tags: [{ Key: team, Value: platform }]
`,
      "Cluster",
    );
    const { Arn: _a, ...deployed } = fromConfig;
    expect(doc).toEqual(deployed);
    expectSchemaValid(clusterAdapter, doc);
  });

  it("fills EKS's defaults in a template: a public endpoint open to all, no logging, no encryption", () => {
    const doc = templateDoc(
      clusterAdapter,
      `Resources:
  Cluster:
    Type: AWS::EKS::Cluster
    Properties:
      RoleArn: arn:aws:iam::${ACCT}:role/eks-cluster-role
      ResourcesVpcConfig: { SubnetIds: [subnet-05b873ed614f61c42] }
`,
      "Cluster",
    );
    expect(doc.Name).toBeInstanceOf(UnknownValue);
    expect(doc.Version).toBeInstanceOf(UnknownValue);
    expect(doc.ResourcesVpcConfig).toEqual({
      SubnetIds: ["subnet-05b873ed614f61c42"],
      EndpointPublicAccess: true,
      EndpointPrivateAccess: false,
      PublicAccessCidrs: ["0.0.0.0/0"],
    });
    expect(doc.EncryptionConfig).toEqual([]);
    expect(doc.Logging).toEqual({ ClusterLogging: { EnabledTypes: [] } });
  });

  it("reads the recorded Config item: an older item without endpoint flags takes EKS's defaults", () => {
    const history = recordedData("eks-config-history.json") as { configurationItems: JsonObject[] };
    const doc = docOf(clusterAdapter, history.configurationItems[0] as JsonObject);
    expect(doc).toMatchObject({
      Name: "kapil-dev",
      Arn: "arn:aws:eks:us-east-2:644160558196:cluster/kapil-dev",
      Version: "1.18",
      ResourcesVpcConfig: {
        EndpointPublicAccess: true,
        EndpointPrivateAccess: false,
        PublicAccessCidrs: ["0.0.0.0/0"],
      },
      EncryptionConfig: [],
      Logging: { ClusterLogging: { EnabledTypes: [] } },
    });
    expectSchemaValid(clusterAdapter, doc);
  });

  it("reads a recorded DescribeCluster", () => {
    const data = recordedData("eks-describe-cluster.json");
    const doc = clusterAdapter.fromDescribe?.({
      ref: { type: "AWS::EKS::Cluster", id: "devk8s", region: "us-east-2", accountId: "644160558196" },
      DescribeCluster: data,
    }) as JsonObject;
    expect(doc).toMatchObject({
      Name: "devk8s",
      Version: "1.11",
      ResourcesVpcConfig: { EndpointPublicAccess: true, EndpointPrivateAccess: true },
      EncryptionConfig: [],
    });
    expectSchemaValid(clusterAdapter, doc);
  });

  it("names the cluster of each CloudTrail call, by name, clusterName, response or ARN", () => {
    const want = [{ type: "AWS::EKS::Cluster", id: "orders", region: REGION, accountId: ACCT, arn: CLUSTER_ARN }];
    const refs = (name: string, req: JsonObject, res: unknown = null) =>
      clusterAdapter.fromCloudTrail?.(trail("eks.amazonaws.com", name, req, res));
    expect(
      refs("UpdateClusterConfig", {
        name: "orders",
        logging: { clusterLogging: [{ types: ["audit"], enabled: true }] },
      }),
    ).toEqual(want);
    // "Logging Amazon EKS API calls with AWS CloudTrail": CreateCluster's request names clusterName.
    expect(
      refs(
        "CreateCluster",
        { resourcesVpcConfig: { subnetIds: ["subnet-a670c2df"] }, roleArn: "r", clusterName: "orders" },
        { cluster: { clusterName: "orders", arn: CLUSTER_ARN, status: "CREATING" } },
      ),
    ).toEqual(want);
    expect(refs("AssociateEncryptionConfig", { clusterName: "orders" })).toEqual(want);
    expect(refs("UpdateClusterVersion", { name: "orders", version: "1.34" })).toEqual(want);
    expect(refs("TagResource", { resourceArn: CLUSTER_ARN, tags: { a: "b" } })).toEqual(want);
    expect(refs("TagResource", { resourceArn: `arn:aws:eks:${REGION}:${ACCT}:nodegroup/orders/ng/1` })).toEqual([]);
    expect(refs("DescribeCluster", { name: "orders" })).toEqual([]);
    expect(refs("UpdateClusterConfig", { name: "../etc" })).toEqual([]);
  });

  it("does not throw on a malformed item, and keeps a schema-valid document", () => {
    for (const configuration of [
      { ResourcesVpcConfig: "x", EncryptionConfig: 3, Logging: { ClusterLogging: { EnabledTypes: [null, 4, {}] } } },
      { Name: 7, ResourcesVpcConfig: { EndpointPublicAccess: "false", SubnetIds: [1, "s"] }, EncryptionConfig: [{}] },
      { EncryptionConfig: { Resources: "secrets", Provider: { KeyArn: KEY } }, Logging: [] },
    ]) {
      const doc = docOf(clusterAdapter, configItem("AWS::EKS::Cluster", "x", "", configuration, "Regional"));
      expectSchemaValid(clusterAdapter, doc);
    }
    const odd = docOf(
      clusterAdapter,
      configItem(
        "AWS::EKS::Cluster",
        "x",
        "",
        { ResourcesVpcConfig: { EndpointPublicAccess: "false" }, EncryptionConfig: { Resources: "secrets" } },
        "Regional",
      ),
    );
    expect(odd.ResourcesVpcConfig).toEqual({ EndpointPublicAccess: false, EndpointPrivateAccess: false });
    expect(odd.EncryptionConfig).toEqual([{ Resources: ["secrets"] }]);
  });
});

describe("hostile templates", () => {
  it.each([
    ["AWS::EKS::Cluster", "{ ResourcesVpcConfig: x, EncryptionConfig: 3, Logging: [1], Version: { a: 1 } }"],
    [
      "AWS::EKS::Cluster",
      "{ Logging: { ClusterLogging: { EnabledTypes: [x, { Type: [1] }] } }, ResourcesVpcConfig: [] }",
    ],
    [
      "AWS::ElastiCache::ReplicationGroup",
      "{ AutomaticFailoverEnabled: maybe, SnapshotRetentionLimit: [], AuthToken: 5 }",
    ],
  ])("%s %s: no throw", (type, properties) => {
    const adapter = type === "AWS::EKS::Cluster" ? clusterAdapter : groupAdapter;
    expect(() =>
      templateDoc(adapter, `Resources:\n  R:\n    Type: ${type}\n    Properties: ${properties}\n`, "R"),
    ).not.toThrow();
  });
});

// ---- AWS::ElastiCache::ReplicationGroup ---------------------------------------------------------------------------

const GROUP_ARN = `arn:aws:elasticache:${REGION}:${ACCT}:replicationgroup:sessions`;
/** DescribeReplicationGroups' group as the SDK gives it. */
const sdkGroup: ReplicationGroup = {
  ReplicationGroupId: "sessions",
  Description: "session store",
  Status: "available",
  MemberClusters: ["sessions-001", "sessions-002"],
  AutomaticFailover: "enabled",
  MultiAZ: "enabled",
  SnapshotRetentionLimit: 7,
  SnapshotWindow: "03:30-04:30",
  ClusterEnabled: false,
  CacheNodeType: "cache.r7g.large",
  AuthTokenEnabled: false,
  TransitEncryptionEnabled: true,
  TransitEncryptionMode: "preferred",
  AtRestEncryptionEnabled: true,
  KmsKeyId: KEY,
  ARN: GROUP_ARN,
  Engine: "valkey",
  AuthTokenLastModifiedDate: new Date("2025-03-14T09:12:44.318Z"),
};
const groupConfig = { ...JSON.parse(JSON.stringify(sdkGroup)), EngineVersion: "8.0" } as JsonObject;
const groupItem = configItem(
  "AWS::ElastiCache::ReplicationGroup",
  "sessions",
  GROUP_ARN,
  groupConfig,
  "Multiple Availability Zones",
);
const groupRef = { type: "AWS::ElastiCache::ReplicationGroup", id: "sessions", region: REGION, accountId: ACCT };

describe("AWS::ElastiCache::ReplicationGroup", () => {
  const fromConfig = docOf(groupAdapter, groupItem);

  it("reads the item into the document in the API's names", () => {
    expect(fromConfig).toEqual({
      ReplicationGroupId: "sessions",
      ARN: GROUP_ARN,
      Engine: "valkey",
      EngineVersion: "8.0",
      CacheNodeType: "cache.r7g.large",
      KmsKeyId: KEY,
      ClusterEnabled: false,
      MemberClusters: ["sessions-001", "sessions-002"],
      AutomaticFailover: "enabled",
      MultiAZ: "enabled",
      SnapshotRetentionLimit: 7,
      AtRestEncryptionEnabled: true,
      TransitEncryptionEnabled: true,
      TransitEncryptionMode: "preferred",
      AuthTokenEnabled: false,
      tags: { team: "platform" },
    });
    expectSchemaValid(groupAdapter, fromConfig);
    expect(groupAdapter.arn?.(groupRef, { ReplicationGroupId: "sessions" })).toBe(GROUP_ARN);
  });

  it("gives the same document from the API naming, camelCase and CloudFormation names, and a describe", () => {
    expect(docOf(groupAdapter, apiNaming(groupItem))).toEqual(fromConfig);
    const camel = Object.fromEntries(
      Object.entries(groupConfig).map(([k, v]) => [k === "ARN" ? "arn" : k.charAt(0).toLowerCase() + k.slice(1), v]),
    );
    expect(docOf(groupAdapter, { ...groupItem, configuration: camel })).toEqual(fromConfig);
    const { AutomaticFailover: _f, MultiAZ: _z, ...cfnNamed } = groupConfig;
    expect(
      docOf(groupAdapter, {
        ...groupItem,
        configuration: { ...cfnNamed, AutomaticFailoverEnabled: true, MultiAZEnabled: "true" },
      }),
    ).toEqual(fromConfig);
    const described = {
      ref: groupRef,
      DescribeReplicationGroups: { ReplicationGroups: [sdkGroup] },
      ListTagsForResource: { TagList: [{ Key: "team", Value: "platform" }] },
      DescribeCacheClusters: { CacheClusters: [{ CacheClusterId: "sessions-001", EngineVersion: "8.0" }] },
    };
    expect(groupAdapter.fromDescribe?.(described)).toEqual(fromConfig);
    expect(groupAdapter.fromDescribe?.(JSON.parse(JSON.stringify(described)))).toEqual(fromConfig);
  });

  it("gives the same settings from a template, the token itself left out", () => {
    const doc = templateDoc(
      groupAdapter,
      `Resources:
  Cache:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupId: sessions
      ReplicationGroupDescription: session store
      Engine: valkey
      EngineVersion: "8.0"
      CacheNodeType: cache.r7g.large
      NumCacheClusters: 2
      AutomaticFailoverEnabled: true
      MultiAZEnabled: "true"
      SnapshotRetentionLimit: 7
      AtRestEncryptionEnabled: true
      KmsKeyId: ${KEY}
      TransitEncryptionEnabled: true
      TransitEncryptionMode: preferred
      Tags: [{ Key: team, Value: platform }]
`,
      "Cache",
    );
    const { ARN: _a, ClusterEnabled: _c, MemberClusters: _m, ...deployed } = fromConfig;
    expect(doc).toEqual(deployed);
    expectSchemaValid(groupAdapter, doc);

    const bare = templateDoc(
      groupAdapter,
      `Resources:
  Cache:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: d
      CacheNodeType: cache.t4g.micro
      TransitEncryptionEnabled: true
      AuthToken: "{{resolve:secretsmanager:cache-token}}"
`,
      "Cache",
    );
    expect(bare).toMatchObject({
      AutomaticFailover: "disabled",
      MultiAZ: "disabled",
      SnapshotRetentionLimit: 0,
      AtRestEncryptionEnabled: false,
      TransitEncryptionEnabled: true,
      TransitEncryptionMode: "required",
      AuthTokenEnabled: true,
    });
    expect(bare.ReplicationGroupId).toBeInstanceOf(UnknownValue);
    expect(JSON.stringify(bare)).not.toContain("cache-token");
  });

  it("reads a recorded DescribeReplicationGroups", () => {
    const data = recordedData("elasticache-describe-replication-groups.json");
    const doc = groupAdapter.fromDescribe?.({
      ref: { ...groupRef, id: "test-c7n-rg", region: "us-east-1", accountId: "644160558196" },
      DescribeReplicationGroups: data,
    }) as JsonObject;
    expect(doc).toMatchObject({
      ReplicationGroupId: "test-c7n-rg",
      ARN: "arn:aws:elasticache:us-east-1:644160558196:replicationgroup:test-c7n-rg",
      ClusterEnabled: true,
      AutomaticFailover: "enabled",
      MultiAZ: "enabled",
      SnapshotRetentionLimit: 1,
      AtRestEncryptionEnabled: false,
      TransitEncryptionEnabled: false,
      AuthTokenEnabled: false,
    });
    expect(doc.MemberClusters).toHaveLength(9);
    expect(doc.TransitEncryptionMode).toBeUndefined();
    expectSchemaValid(groupAdapter, doc);
  });

  it("names the group of a CloudTrail call by replicationGroupId", () => {
    const refs = (name: string, req: JsonObject) =>
      groupAdapter.fromCloudTrail?.(trail("elasticache.amazonaws.com", name, req, null));
    expect(refs("ModifyReplicationGroup", { replicationGroupId: "sessions", snapshotRetentionLimit: 7 })).toEqual([
      { ...groupRef, arn: GROUP_ARN },
    ]);
    expect(refs("CreateReplicationGroup", { replicationGroupId: "Sessions" })).toEqual([
      { ...groupRef, arn: GROUP_ARN },
    ]);
    expect(refs("DescribeReplicationGroups", { replicationGroupId: "sessions" })).toEqual([]);
    expect(refs("ModifyReplicationGroup", { replicationGroupId: "1bad" })).toEqual([]);
  });

  it("does not throw on a malformed item, and keeps a schema-valid document", () => {
    for (const configuration of [
      { AutomaticFailover: 3, MultiAZ: ["x"], SnapshotRetentionLimit: "x", MemberClusters: "a" },
      { transitEncryptionEnabled: "true", transitEncryptionMode: 5, atRestEncryptionEnabled: "false" },
      { ReplicationGroupId: {}, ARN: 4, MemberClusters: [1, "a"] },
    ]) {
      const doc = docOf(
        groupAdapter,
        configItem("AWS::ElastiCache::ReplicationGroup", "x", "", configuration, "Multiple Availability Zones"),
      );
      expectSchemaValid(groupAdapter, doc);
    }
  });
});
