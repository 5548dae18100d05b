import type { DBCluster, DBInstance } from "@aws-sdk/client-rds";
import type { DescribeStreamSummaryOutput } from "@aws-sdk/client-kinesis";
import { UnknownValue } from "../../lib/cloudformation/unknown";
import { adapter as streamAdapter } from "../../lib/resources/types/aws-kinesis-stream";
import { adapter as clusterAdapter } from "../../lib/resources/types/aws-rds-dbcluster";
import { adapter as instanceAdapter } from "../../lib/resources/types/aws-rds-dbinstance";
import type { JsonObject } from "../../lib/util/json";
import { docOf, expectSchemaValid, templateDoc, trail } from "../helpers/adapter-sources";

/*
 * The data tier's four sources hold one document. Config shapes: the Config resource schemas
 * (awslabs/aws-config-resource-schema AWS::RDS::DBInstance, AWS::RDS::DBCluster, AWS::Kinesis::Stream
 * .properties.json); SDK shapes: RDS API Reference DBInstance / DBCluster, Kinesis API Reference
 * StreamDescriptionSummary; templates: the CloudFormation reference of each type; CloudTrail: "Monitoring Amazon
 * RDS API calls in AWS CloudTrail" and "Logging Amazon Kinesis Data Streams API calls with AWS CloudTrail".
 */

const ACCT = "111122223333";
const REGION = "eu-west-1";
const KMS = `arn:aws:kms:${REGION}:${ACCT}:key/6f1e2d3c-4b5a-4978-8e6d-5c4b3a291807`;
const DBI = "db-7KQ2M4XH9D3PZ5VB1RC8TWNYJ6";
const CLUSTER_ID = "cluster-Z5VB1RC8TWNYJ67KQ2M4XH9D3P";

function configItem(
  resourceType: string,
  resourceId: string,
  resourceName: string,
  arn: string,
  configuration: JsonObject,
  tags: Record<string, string> = { team: "orders" },
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
    availabilityZone: "Not Applicable",
    configurationStateMd5Hash: "",
    relatedEvents: [],
    relationships: [],
    configuration,
    supplementaryConfiguration: {},
    tags,
  };
}

/** The same item as GetResourceConfigHistory returns it: `configuration` as a JSON string, `arn`, `accountId`. */
function apiNaming(invocation: JsonObject): JsonObject {
  const {
    ARN,
    awsAccountId,
    configurationItemVersion,
    configurationStateMd5Hash: _md5,
    configuration,
    ...rest
  } = invocation;
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

// ---- AWS::RDS::DBInstance ----------------------------------------------------------------------------------------

/** DescribeDBInstances' DBInstance as the SDK gives it (PascalCase, dates as Date). */
const sdkInstance: DBInstance = {
  DBInstanceIdentifier: "orders-db",
  DBInstanceClass: "db.t4g.medium",
  Engine: "postgres",
  DBInstanceStatus: "available",
  MasterUsername: "app_admin",
  Endpoint: {
    Address: `orders-db.c9akciq32xkz.${REGION}.rds.amazonaws.com`,
    Port: 5432,
    HostedZoneId: "Z29XKXDKYMONMX",
  },
  AllocatedStorage: 100,
  InstanceCreateTime: new Date("2025-03-14T09:12:44.318Z"),
  BackupRetentionPeriod: 7,
  MultiAZ: false,
  EngineVersion: "16.3",
  AutoMinorVersionUpgrade: true,
  PubliclyAccessible: true,
  StorageEncrypted: true,
  KmsKeyId: KMS,
  DbiResourceId: DBI,
  CopyTagsToSnapshot: false,
  DBInstanceArn: `arn:aws:rds:${REGION}:${ACCT}:db:orders-db`,
  IAMDatabaseAuthenticationEnabled: false,
  DeletionProtection: false,
  TagList: [{ Key: "team", Value: "orders" }],
};

/** The same instance as Config records it (Java-bean camelCase). */
const configInstance: JsonObject = {
  dBInstanceIdentifier: "orders-db",
  dBInstanceClass: "db.t4g.medium",
  engine: "postgres",
  dBInstanceStatus: "available",
  masterUsername: "app_admin",
  endpoint: {
    address: `orders-db.c9akciq32xkz.${REGION}.rds.amazonaws.com`,
    port: 5432,
    hostedZoneId: "Z29XKXDKYMONMX",
  },
  allocatedStorage: 100,
  instanceCreateTime: "2025-03-14T09:12:44.318Z",
  backupRetentionPeriod: 7,
  multiAZ: false,
  engineVersion: "16.3",
  autoMinorVersionUpgrade: true,
  publiclyAccessible: true,
  storageEncrypted: true,
  kmsKeyId: KMS,
  dbiResourceId: DBI,
  copyTagsToSnapshot: false,
  dBInstanceArn: `arn:aws:rds:${REGION}:${ACCT}:db:orders-db`,
  iAMDatabaseAuthenticationEnabled: false,
  deletionProtection: false,
};

const instanceItem = configItem(
  "AWS::RDS::DBInstance",
  DBI,
  "orders-db",
  `arn:aws:rds:${REGION}:${ACCT}:db:orders-db`,
  configInstance,
);
const instanceRef = {
  type: "AWS::RDS::DBInstance",
  id: DBI,
  region: REGION,
  accountId: ACCT,
  arn: `arn:aws:rds:${REGION}:${ACCT}:db:orders-db`,
};

describe("AWS::RDS::DBInstance", () => {
  const fromConfig = docOf(instanceAdapter, instanceItem);

  it("reads Config's Java-bean spelling into the document", () => {
    expect(fromConfig).toEqual({
      dbInstanceIdentifier: "orders-db",
      dbInstanceArn: `arn:aws:rds:${REGION}:${ACCT}:db:orders-db`,
      dbiResourceId: DBI,
      dbInstanceClass: "db.t4g.medium",
      dbInstanceStatus: "available",
      engine: "postgres",
      engineVersion: "16.3",
      kmsKeyId: KMS,
      storageEncrypted: true,
      publiclyAccessible: true,
      deletionProtection: false,
      autoMinorVersionUpgrade: true,
      backupRetentionPeriod: 7,
      iamDatabaseAuthenticationEnabled: false,
      multiAZ: false,
      copyTagsToSnapshot: false,
      tags: { team: "orders" },
    });
    expectSchemaValid(instanceAdapter, fromConfig);
  });

  it("gives the same document from the API naming and from a describe", () => {
    expect(docOf(instanceAdapter, apiNaming(instanceItem))).toEqual(fromConfig);
    const described = instanceAdapter.fromDescribe?.({
      ref: instanceRef,
      DescribeDBInstances: { DBInstances: [sdkInstance] },
    });
    expect(described).toEqual(fromConfig);
    // Read back from JSON (a recorded describe): dates as text.
    const asJson = JSON.parse(
      JSON.stringify({ ref: instanceRef, DescribeDBInstances: { DBInstances: [sdkInstance] } }),
    );
    expect(instanceAdapter.fromDescribe?.(asJson)).toEqual(fromConfig);
  });

  it("gives the same settings from a template, RDS's create defaults filled in", () => {
    const doc = templateDoc(
      instanceAdapter,
      `Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      DBInstanceIdentifier: orders-db
      DBInstanceClass: db.t4g.medium
      Engine: postgres
      EngineVersion: "16.3"
      KmsKeyId: ${KMS}
      StorageEncrypted: "true"
      PubliclyAccessible: true
      BackupRetentionPeriod: "7"
      Tags: [{ Key: team, Value: orders }]
`,
      "Db",
    );
    const { dbInstanceArn: _a, dbiResourceId: _r, dbInstanceStatus: _s, ...deployed } = fromConfig;
    expect(doc).toEqual(deployed);
    expectSchemaValid(instanceAdapter, doc);
  });

  it("leaves an unset PubliclyAccessible unknown, and an Aurora member's cluster settings to the cluster", () => {
    const doc = templateDoc(
      instanceAdapter,
      `Resources:
  Member:
    Type: AWS::RDS::DBInstance
    Properties: { DBClusterIdentifier: orders-aurora, Engine: aurora-postgresql, DBInstanceClass: db.r6g.large }
`,
      "Member",
    );
    expect(doc.publiclyAccessible).toBeInstanceOf(UnknownValue);
    expect(doc.backupRetentionPeriod).toBeInstanceOf(UnknownValue);
    expect(doc.storageEncrypted).toBeInstanceOf(UnknownValue);
    expect(doc.autoMinorVersionUpgrade).toBe(true);
  });

  it("builds the ARN from the identifier only, never from the resource id", () => {
    const ref = { type: instanceRef.type, id: DBI, region: REGION, accountId: ACCT };
    expect(instanceAdapter.arn?.(ref, { dbInstanceIdentifier: "orders-db" })).toBe(instanceRef.arn);
    expect(instanceAdapter.arn?.(ref, { dbInstanceIdentifier: DBI })).toBeUndefined();
    expect(clusterAdapter.arn?.({ ...ref, id: CLUSTER_ID }, { dbClusterIdentifier: CLUSTER_ID })).toBeUndefined();
  });

  it("names the instance a CloudTrail call returned by its DbiResourceId", () => {
    const response = {
      dBInstanceIdentifier: "orders-db",
      dBInstanceClass: "db.t4g.medium",
      engine: "postgres",
      dBInstanceStatus: "available",
      dbiResourceId: DBI,
      dBInstanceArn: `arn:aws:rds:${REGION}:${ACCT}:db:orders-db`,
      deletionProtection: false,
    };
    const record = trail(
      "rds.amazonaws.com",
      "ModifyDBInstance",
      { dBInstanceIdentifier: "orders-db", deletionProtection: false, applyImmediately: true },
      response,
    );
    expect(instanceAdapter.fromCloudTrail?.(record)).toEqual([instanceRef]);
    // A failed call has no response; a tagging call names the ARN only: neither gives Config's resource id.
    expect(instanceAdapter.fromCloudTrail?.({ ...record, responseElements: null })).toEqual([]);
    expect(instanceAdapter.fromCloudTrail?.({ ...record, eventName: "AddTagsToResource" })).toEqual([]);
    expect(instanceAdapter.fromCloudTrail?.({ ...record, eventSource: "kinesis.amazonaws.com" })).toEqual([]);
    expect(clusterAdapter.fromCloudTrail?.(record)).toEqual([]);
  });

  it("does not throw on a malformed item, and drops values of the wrong type", () => {
    for (const configuration of [null, {}, { storageEncrypted: "yes", backupRetentionPeriod: "seven", engine: 5 }]) {
      const doc = docOf(instanceAdapter, { ...instanceItem, configuration } as JsonObject);
      expect(doc.dbInstanceIdentifier).toBe("orders-db");
      expect(doc).not.toHaveProperty("storageEncrypted");
      expect(doc).not.toHaveProperty("backupRetentionPeriod");
      expectSchemaValid(instanceAdapter, doc);
    }
    expect(
      instanceAdapter.fromDescribe?.({ ref: instanceRef, DescribeDBInstances: { DBInstances: "x" } }),
    ).toMatchObject({
      dbInstanceIdentifier: DBI,
    });
  });
});

// ---- AWS::RDS::DBCluster -----------------------------------------------------------------------------------------

const sdkCluster: DBCluster = {
  DBClusterIdentifier: "orders-aurora",
  DBClusterArn: `arn:aws:rds:${REGION}:${ACCT}:cluster:orders-aurora`,
  DbClusterResourceId: CLUSTER_ID,
  Status: "available",
  Engine: "aurora-postgresql",
  EngineVersion: "16.4",
  EngineMode: "provisioned",
  StorageEncrypted: false,
  DeletionProtection: true,
  BackupRetentionPeriod: 1,
  IAMDatabaseAuthenticationEnabled: true,
  MultiAZ: true,
  CopyTagsToSnapshot: false,
  ClusterCreateTime: new Date("2025-03-14T09:12:44.318Z"),
  DBClusterMembers: [{ DBInstanceIdentifier: "orders-aurora-1", IsClusterWriter: true, PromotionTier: 1 }],
  TagList: [{ Key: "team", Value: "orders" }],
};

const configCluster: JsonObject = {
  dbclusterIdentifier: "orders-aurora",
  dbclusterArn: `arn:aws:rds:${REGION}:${ACCT}:cluster:orders-aurora`,
  dbClusterResourceId: CLUSTER_ID,
  status: "available",
  engine: "aurora-postgresql",
  engineVersion: "16.4",
  engineMode: "provisioned",
  storageEncrypted: false,
  deletionProtection: true,
  backupRetentionPeriod: 1,
  iamdatabaseAuthenticationEnabled: true,
  multiAZ: true,
  copyTagsToSnapshot: false,
  clusterCreateTime: "2025-03-14T09:12:44.318Z",
  dbclusterMembers: [{ dbinstanceIdentifier: "orders-aurora-1", isClusterWriter: true, promotionTier: 1 }],
};

const clusterItem = configItem(
  "AWS::RDS::DBCluster",
  CLUSTER_ID,
  "orders-aurora",
  `arn:aws:rds:${REGION}:${ACCT}:cluster:orders-aurora`,
  configCluster,
);
const clusterRef = {
  type: "AWS::RDS::DBCluster",
  id: CLUSTER_ID,
  region: REGION,
  accountId: ACCT,
  arn: `arn:aws:rds:${REGION}:${ACCT}:cluster:orders-aurora`,
};

describe("AWS::RDS::DBCluster", () => {
  const fromConfig = docOf(clusterAdapter, clusterItem);

  it("reads Config's spelling (dbcluster…, iamdatabase…) into the document", () => {
    expect(fromConfig).toEqual({
      dbClusterIdentifier: "orders-aurora",
      dbClusterArn: `arn:aws:rds:${REGION}:${ACCT}:cluster:orders-aurora`,
      dbClusterResourceId: CLUSTER_ID,
      status: "available",
      engine: "aurora-postgresql",
      engineVersion: "16.4",
      engineMode: "provisioned",
      storageEncrypted: false,
      deletionProtection: true,
      backupRetentionPeriod: 1,
      iamDatabaseAuthenticationEnabled: true,
      multiAZ: true,
      copyTagsToSnapshot: false,
      tags: { team: "orders" },
    });
    expectSchemaValid(clusterAdapter, fromConfig);
  });

  it("gives the same document from the API naming and from a describe", () => {
    expect(docOf(clusterAdapter, apiNaming(clusterItem))).toEqual(fromConfig);
    expect(
      clusterAdapter.fromDescribe?.({ ref: clusterRef, DescribeDBClusters: { DBClusters: [sdkCluster] } }),
    ).toEqual(fromConfig);
  });

  it("gives the same settings from a template; Multi-AZ stays unknown until instances exist", () => {
    const doc = templateDoc(
      clusterAdapter,
      `Resources:
  Aurora:
    Type: AWS::RDS::DBCluster
    Properties:
      DBClusterIdentifier: orders-aurora
      Engine: aurora-postgresql
      EngineVersion: "16.4"
      EngineMode: provisioned
      DeletionProtection: true
      EnableIAMDatabaseAuthentication: true
      Tags: [{ Key: team, Value: orders }]
`,
      "Aurora",
    );
    expect(doc.multiAZ).toBeInstanceOf(UnknownValue);
    const { multiAZ: _m, ...known } = doc;
    const { dbClusterArn: _a, dbClusterResourceId: _r, status: _s, multiAZ: _n, ...deployed } = fromConfig;
    expect(known).toEqual(deployed);
  });

  it("names the cluster a CloudTrail call returned by its DbClusterResourceId", () => {
    const record = trail(
      "rds.amazonaws.com",
      "ModifyDBCluster",
      { dBClusterIdentifier: "orders-aurora", deletionProtection: true, applyImmediately: true },
      {
        dBClusterIdentifier: "orders-aurora",
        dbClusterResourceId: CLUSTER_ID,
        dBClusterArn: `arn:aws:rds:${REGION}:${ACCT}:cluster:orders-aurora`,
        status: "available",
      },
    );
    expect(clusterAdapter.fromCloudTrail?.(record)).toEqual([clusterRef]);
    expect(instanceAdapter.fromCloudTrail?.(record)).toEqual([]);
    expect(clusterAdapter.fromCloudTrail?.({ ...record, responseElements: "odd" })).toEqual([]);
  });

  it("does not throw on a malformed item", () => {
    const doc = docOf(clusterAdapter, { ...clusterItem, configuration: { deletionProtection: 1, multiAZ: {} } });
    expect(doc).toEqual({
      dbClusterIdentifier: "orders-aurora",
      dbClusterResourceId: CLUSTER_ID,
      tags: { team: "orders" },
    });
  });
});

// ---- AWS::Kinesis::Stream ----------------------------------------------------------------------------------------

const streamArn = `arn:aws:kinesis:${REGION}:${ACCT}:stream/clickstream`;
const summary: DescribeStreamSummaryOutput = {
  StreamDescriptionSummary: {
    StreamName: "clickstream",
    StreamARN: streamArn,
    StreamStatus: "ACTIVE",
    StreamModeDetails: { StreamMode: "PROVISIONED" },
    RetentionPeriodHours: 168,
    StreamCreationTimestamp: new Date("2025-03-14T09:12:44Z"),
    EnhancedMonitoring: [{ ShardLevelMetrics: [] }],
    EncryptionType: "KMS",
    KeyId: "alias/aws/kinesis",
    OpenShardCount: 2,
    ConsumerCount: 1,
  },
};
const streamItem = configItem(
  "AWS::Kinesis::Stream",
  "clickstream",
  "clickstream",
  streamArn,
  {
    Name: "clickstream",
    Arn: streamArn,
    RetentionPeriodHours: 168,
    ShardCount: 2,
    StreamEncryption: { EncryptionType: "KMS", KeyId: "alias/aws/kinesis" },
  },
  { team: "analytics" },
);
const streamRef = { type: "AWS::Kinesis::Stream", id: "clickstream", region: REGION, accountId: ACCT, arn: streamArn };

describe("AWS::Kinesis::Stream", () => {
  const fromConfig = docOf(streamAdapter, streamItem);

  it("holds one document across Config (both namings), a describe and a template", () => {
    expect(fromConfig).toEqual({
      Name: "clickstream",
      Arn: streamArn,
      RetentionPeriodHours: 168,
      ShardCount: 2,
      StreamEncryption: { EncryptionType: "KMS", KeyId: "alias/aws/kinesis" },
      tags: { team: "analytics" },
    });
    expectSchemaValid(streamAdapter, fromConfig);
    expect(docOf(streamAdapter, apiNaming(streamItem))).toEqual(fromConfig);
    expect(
      streamAdapter.fromDescribe?.({
        ref: streamRef,
        DescribeStreamSummary: summary,
        ListTagsForStream: { Tags: [{ Key: "team", Value: "analytics" }], HasMoreTags: false },
      }),
    ).toEqual(fromConfig);
    const doc = templateDoc(
      streamAdapter,
      `Resources:
  Stream:
    Type: AWS::Kinesis::Stream
    Properties:
      Name: clickstream
      RetentionPeriodHours: 168
      ShardCount: 2
      StreamEncryption: { EncryptionType: KMS, KeyId: alias/aws/kinesis }
      Tags: [{ Key: team, Value: analytics }]
`,
      "Stream",
    );
    const { Arn: _arn, ...deployed } = fromConfig;
    expect(doc).toEqual(deployed);
  });

  it("reads an unencrypted stream the same way from each source", () => {
    const { StreamEncryption: _e, ...plain } = streamItem.configuration as JsonObject;
    const expected = docOf(streamAdapter, { ...streamItem, configuration: plain });
    expect(expected).not.toHaveProperty("StreamEncryption");
    const s = { ...summary.StreamDescriptionSummary, EncryptionType: "NONE", KeyId: undefined };
    expect(
      streamAdapter.fromDescribe?.({
        ref: streamRef,
        DescribeStreamSummary: { StreamDescriptionSummary: s },
        ListTagsForStream: { Tags: [{ Key: "team", Value: "analytics" }] },
      }),
    ).toEqual(expected);
    const doc = templateDoc(
      streamAdapter,
      `Resources:
  Stream:
    Type: AWS::Kinesis::Stream
    Properties: { Name: clickstream, ShardCount: 2, StreamEncryption: { EncryptionType: NONE } }
`,
      "Stream",
    );
    expect(doc).toEqual({ Name: "clickstream", RetentionPeriodHours: 24, ShardCount: 2, tags: {} });
  });

  it("names the stream of a CloudTrail call by name or ARN", () => {
    const byName = trail(
      "kinesis.amazonaws.com",
      "StopStreamEncryption",
      { streamName: "clickstream", encryptionType: "KMS", keyId: "alias/aws/kinesis" },
      null,
    );
    expect(streamAdapter.fromCloudTrail?.(byName)).toEqual([streamRef]);
    const byArn = trail(
      "kinesis.amazonaws.com",
      "DecreaseStreamRetentionPeriod",
      { streamARN: streamArn, retentionPeriodHours: 24 },
      null,
    );
    expect(streamAdapter.fromCloudTrail?.(byArn)).toEqual([streamRef]);
    expect(streamAdapter.fromCloudTrail?.({ ...byName, eventName: "PutRecord" })).toEqual([]);
    expect(streamAdapter.fromCloudTrail?.({ ...byName, requestParameters: { streamName: "../x" } })).toEqual([]);
  });

  it("does not throw on a malformed item", () => {
    const doc = docOf(streamAdapter, {
      ...streamItem,
      configuration: { Name: 7, RetentionPeriodHours: "x", StreamEncryption: "KMS" },
    });
    expect(doc).toEqual({ Name: "clickstream", tags: { team: "analytics" } });
  });
});
