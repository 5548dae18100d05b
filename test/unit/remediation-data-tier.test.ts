import {
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DBInstanceNotFoundFault,
  ModifyDBClusterCommand,
  ModifyDBInstanceCommand,
  RDSClient,
} from "@aws-sdk/client-rds";
import {
  DescribeStreamSummaryCommand,
  KinesisClient,
  ListTagsForStreamCommand,
  ResourceNotFoundException,
  StartStreamEncryptionCommand,
  StopStreamEncryptionCommand,
} from "@aws-sdk/client-kinesis";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-jest";
import { resetClients } from "../../lib/aws/clients";
import { execute } from "../../lib/remediation/executor";
import { requireAction } from "../../lib/remediation/planning/registry";
import { PlanError, type RemediationParams } from "../../lib/remediation/types";
import type { Resource } from "../../lib/resources/adapter";
import { describeResource } from "../../lib/resources/describe";

/*
 * The data tier's actions (plans and restores, pure) and describes (exact requests, with aws-sdk-client-mock).
 * Requests: RDS API Reference ModifyDBInstance / ModifyDBCluster / DescribeDBInstances / DescribeDBClusters, Kinesis
 * API Reference StartStreamEncryption / StopStreamEncryption / DescribeStreamSummary / ListTagsForStream. moto covers
 * the same calls in test/integration/data-tier.test.ts, except the pending-modification and 0-retention cases it
 * cannot show (it applies every change at once).
 */

const REGION = "eu-west-1";
const ACCT = "111122223333";

function instance(doc: Record<string, unknown>): Resource {
  return {
    type: "AWS::RDS::DBInstance",
    id: "db-7KQ2M4XH9D3PZ5VB1RC8TWNYJ6",
    accountId: ACCT,
    region: REGION,
    tags: {},
    deleted: false,
    document: { dbInstanceIdentifier: "orders-db", tags: {}, ...doc },
  };
}
function cluster(doc: Record<string, unknown>): Resource {
  return {
    type: "AWS::RDS::DBCluster",
    id: "cluster-Z5VB1RC8TWNYJ67KQ2M4XH9D3P",
    accountId: ACCT,
    region: REGION,
    tags: {},
    deleted: false,
    document: { dbClusterIdentifier: "orders-aurora", tags: {}, ...doc },
  };
}
function stream(doc: Record<string, unknown>): Resource {
  return {
    type: "AWS::Kinesis::Stream",
    id: "clickstream",
    accountId: ACCT,
    region: REGION,
    tags: {},
    deleted: false,
    document: { Name: "clickstream", tags: {}, ...doc },
  };
}

const plan = (id: string, r: Resource, params: RemediationParams = {}) => requireAction(id).plan(r, params);
const restore = (id: string, before: Resource, after: Resource) => requireAction(id).restore(before, after, {});

describe("RDS flag actions", () => {
  const cases = [
    ["rds-enable-deletion-protection", "deletionProtection", "DeletionProtection", true],
    ["rds-enable-copy-tags-to-snapshot", "copyTagsToSnapshot", "CopyTagsToSnapshot", true],
    ["rds-enable-auto-minor-version-upgrade", "autoMinorVersionUpgrade", "AutoMinorVersionUpgrade", true],
    ["rds-disable-public-access", "publiclyAccessible", "PubliclyAccessible", false],
  ] as const;

  it.each(cases)("%s sets %s with ApplyImmediately and restores the recorded value", (id, field, member, want) => {
    const before = instance({ [field]: !want });
    const calls = plan(id, before);
    expect(calls).toEqual([
      {
        service: "rds",
        operation: "ModifyDBInstance",
        input: { DBInstanceIdentifier: "orders-db", [member]: want, ApplyImmediately: true },
      },
    ]);
    const after = instance({ [field]: want });
    expect(plan(id, after)).toEqual([]);
    expect(restore(id, before, after)).toEqual([
      {
        service: "rds",
        operation: "ModifyDBInstance",
        input: { DBInstanceIdentifier: "orders-db", [member]: !want, ApplyImmediately: true },
      },
    ]);
    // Nothing to put back when nothing changed, or when the before value was not recorded.
    expect(restore(id, after, after)).toEqual([]);
    expect(restore(id, instance({}), after)).toEqual([]);
  });

  it("fixes a cluster with ModifyDBCluster", () => {
    expect(plan("rds-enable-deletion-protection", cluster({ deletionProtection: false }))).toEqual([
      {
        service: "rds",
        operation: "ModifyDBCluster",
        input: { DBClusterIdentifier: "orders-aurora", DeletionProtection: true, ApplyImmediately: true },
      },
    ]);
    expect(plan("rds-enable-copy-tags-to-snapshot", cluster({ copyTagsToSnapshot: true }))).toEqual([]);
  });

  it("refuses an Aurora member for settings its cluster holds, naming dbClusterIdentifier", () => {
    const member = instance({ deletionProtection: false, dbClusterIdentifier: "orders-aurora" });
    expect(() => plan("rds-enable-deletion-protection", member)).toThrow(PlanError);
    expect(() => plan("rds-enable-deletion-protection", member)).toThrow(/dbClusterIdentifier.*orders-aurora/);
    // Minor version upgrades are the instance's own.
    expect(
      plan("rds-enable-auto-minor-version-upgrade", {
        ...member,
        document: { ...member.document, autoMinorVersionUpgrade: false },
      }),
    ).toHaveLength(1);
  });

  it("refuses a document without its identifier, naming the field", () => {
    const r = instance({ deletionProtection: false });
    delete r.document.dbInstanceIdentifier;
    expect(() => plan("rds-enable-deletion-protection", r)).toThrow(/has no dbInstanceIdentifier/);
    const c = cluster({ deletionProtection: false });
    c.document.dbClusterIdentifier = 42;
    expect(() => plan("rds-enable-deletion-protection", c)).toThrow(/has no dbClusterIdentifier/);
  });
});

describe("rds-raise-backup-retention", () => {
  const id = "rds-raise-backup-retention";

  it("raises a shorter retention to the policy's minimum, and restores it", () => {
    const before = instance({ backupRetentionPeriod: 1 });
    expect(plan(id, before, { BackupRetentionPeriod: 7 })).toEqual([
      {
        service: "rds",
        operation: "ModifyDBInstance",
        input: { DBInstanceIdentifier: "orders-db", BackupRetentionPeriod: 7, ApplyImmediately: true },
      },
    ]);
    expect(plan(id, cluster({ backupRetentionPeriod: 3 }), {})[0]?.input).toEqual({
      DBClusterIdentifier: "orders-aurora",
      BackupRetentionPeriod: 7,
      ApplyImmediately: true,
    });
    const after = instance({ backupRetentionPeriod: 7 });
    expect(plan(id, after, { BackupRetentionPeriod: 7 })).toEqual([]);
    expect(plan(id, instance({ backupRetentionPeriod: 14 }), { BackupRetentionPeriod: 7 })).toEqual([]);
    expect(restore(id, before, after)).toEqual([
      {
        service: "rds",
        operation: "ModifyDBInstance",
        input: { DBInstanceIdentifier: "orders-db", BackupRetentionPeriod: 1, ApplyImmediately: true },
      },
    ]);
  });

  it("refuses backups that are off (turning them on restarts the instance), odd values and odd params", () => {
    expect(() => plan(id, instance({ backupRetentionPeriod: 0 }))).toThrow(/backupRetentionPeriod of .* is 0/);
    expect(() => plan(id, instance({ backupRetentionPeriod: "1" }))).toThrow(/not recorded as a number/);
    expect(() => plan(id, instance({ backupRetentionPeriod: 1, dbClusterIdentifier: "a" }))).toThrow(
      /dbClusterIdentifier/,
    );
    expect(() => plan(id, instance({ backupRetentionPeriod: 1 }), { BackupRetentionPeriod: 40 })).toThrow(
      /BackupRetentionPeriod must be an integer from 1 to 35/,
    );
    // Restoring to 0 would restart the instance and drop every backup: never planned.
    expect(restore(id, instance({ backupRetentionPeriod: 0 }), instance({ backupRetentionPeriod: 7 }))).toEqual([]);
  });
});

describe("kinesis-enable-encryption", () => {
  const id = "kinesis-enable-encryption";

  it("starts KMS encryption with the AWS managed key unless params name one; restore stops it with that key", () => {
    const before = stream({});
    expect(plan(id, before)).toEqual([
      {
        service: "kinesis",
        operation: "StartStreamEncryption",
        input: { StreamName: "clickstream", EncryptionType: "KMS", KeyId: "alias/aws/kinesis" },
      },
    ]);
    expect(plan(id, before, { KeyId: "alias/streams" })[0]?.input).toMatchObject({ KeyId: "alias/streams" });
    const after = stream({ StreamEncryption: { EncryptionType: "KMS", KeyId: "alias/streams" } });
    expect(plan(id, after)).toEqual([]);
    expect(restore(id, before, after)).toEqual([
      {
        service: "kinesis",
        operation: "StopStreamEncryption",
        input: { StreamName: "clickstream", EncryptionType: "KMS", KeyId: "alias/streams" },
      },
    ]);
    // A stream that was encrypted before is never decrypted by an undo.
    expect(restore(id, after, after)).toEqual([]);
    expect(() => plan(id, before, { KeyId: "" })).toThrow(PlanError);
    expect(() => plan(id, stream({ Name: undefined }))).toThrow(/has no Name/);
  });
});

// ---- the calls as sent, and the describes' requests -------------------------------------------------------------

const rds = mockClient(RDSClient);
const kinesis = mockClient(KinesisClient);
beforeEach(() => {
  rds.reset();
  kinesis.reset();
  resetClients();
});
afterAll(() => {
  rds.restore();
  kinesis.restore();
  resetClients();
});

describe("execution", () => {
  it("sends exactly the planned Modify and StartStreamEncryption inputs", async () => {
    rds.onAnyCommand().resolves({});
    kinesis.onAnyCommand().resolves({});
    const calls = [
      ...plan("rds-enable-deletion-protection", instance({ deletionProtection: false })),
      ...plan("rds-enable-deletion-protection", cluster({ deletionProtection: false })),
      ...plan("kinesis-enable-encryption", stream({})),
      ...restore("kinesis-enable-encryption", stream({}), stream({ StreamEncryption: { EncryptionType: "KMS" } })),
    ];
    const report = await execute(calls, { region: REGION });
    expect(report.ok).toBe(true);
    expect(rds).toHaveReceivedCommandWith(ModifyDBInstanceCommand, {
      DBInstanceIdentifier: "orders-db",
      DeletionProtection: true,
      ApplyImmediately: true,
    });
    expect(rds).toHaveReceivedCommandWith(ModifyDBClusterCommand, {
      DBClusterIdentifier: "orders-aurora",
      DeletionProtection: true,
      ApplyImmediately: true,
    });
    expect(kinesis).toHaveReceivedCommandWith(StartStreamEncryptionCommand, {
      StreamName: "clickstream",
      EncryptionType: "KMS",
      KeyId: "alias/aws/kinesis",
    });
    expect(kinesis).toHaveReceivedCommandWith(StopStreamEncryptionCommand, {
      StreamName: "clickstream",
      EncryptionType: "KMS",
      KeyId: "alias/aws/kinesis",
    });
  });
});

describe("describes", () => {
  const instanceRef = {
    type: "AWS::RDS::DBInstance",
    id: "db-7KQ2M4XH9D3PZ5VB1RC8TWNYJ6",
    region: REGION,
    accountId: ACCT,
  };

  it("finds an instance by its DbiResourceId filter; an empty answer or DBInstanceNotFound is gone", async () => {
    rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        {
          DBInstanceIdentifier: "orders-db",
          DbiResourceId: instanceRef.id,
          DBInstanceArn: `arn:aws:rds:${REGION}:${ACCT}:db:orders-db`,
          DeletionProtection: false,
          TagList: [{ Key: "team", Value: "orders" }],
        },
      ],
    });
    const r = await describeResource(instanceRef);
    expect(rds).toHaveReceivedCommandWith(DescribeDBInstancesCommand, {
      Filters: [{ Name: "dbi-resource-id", Values: [instanceRef.id] }],
    });
    expect(r?.document).toMatchObject({ dbInstanceIdentifier: "orders-db", deletionProtection: false });
    expect(r?.tags).toEqual({ team: "orders" });
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [] });
    expect(await describeResource(instanceRef)).toBeUndefined();
    rds.on(DescribeDBInstancesCommand).rejects(new DBInstanceNotFoundFault({ message: "not found", $metadata: {} }));
    expect(await describeResource({ ...instanceRef, id: "orders-db" })).toBeUndefined();
    expect(rds).toHaveReceivedCommandWith(DescribeDBInstancesCommand, { DBInstanceIdentifier: "orders-db" });
  });

  it("finds a cluster by its DbClusterResourceId filter", async () => {
    rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [{ DBClusterIdentifier: "orders-aurora" }] });
    const ref = {
      type: "AWS::RDS::DBCluster",
      id: "cluster-Z5VB1RC8TWNYJ67KQ2M4XH9D3P",
      region: REGION,
      accountId: ACCT,
    };
    expect((await describeResource(ref))?.document).toMatchObject({ dbClusterIdentifier: "orders-aurora" });
    expect(rds).toHaveReceivedCommandWith(DescribeDBClustersCommand, {
      Filters: [{ Name: "db-cluster-resource-id", Values: [ref.id] }],
    });
  });

  it("reads every page of a stream's tags; ResourceNotFoundException is gone", async () => {
    kinesis.on(DescribeStreamSummaryCommand).resolves({
      StreamDescriptionSummary: {
        StreamName: "clickstream",
        StreamARN: `arn:aws:kinesis:${REGION}:${ACCT}:stream/clickstream`,
        StreamStatus: "ACTIVE",
        RetentionPeriodHours: 24,
        StreamCreationTimestamp: new Date("2025-03-14T09:12:44Z"),
        EnhancedMonitoring: [],
        OpenShardCount: 1,
        EncryptionType: "NONE",
      },
    });
    kinesis
      .on(ListTagsForStreamCommand, { StreamName: "clickstream", ExclusiveStartTagKey: undefined })
      .resolves({ Tags: [{ Key: "a", Value: "1" }], HasMoreTags: true })
      .on(ListTagsForStreamCommand, { StreamName: "clickstream", ExclusiveStartTagKey: "a" })
      .resolves({ Tags: [{ Key: "team", Value: "analytics" }], HasMoreTags: false });
    const ref = { type: "AWS::Kinesis::Stream", id: "clickstream", region: REGION, accountId: ACCT };
    const r = await describeResource(ref);
    expect(r?.document).toEqual({
      Name: "clickstream",
      Arn: `arn:aws:kinesis:${REGION}:${ACCT}:stream/clickstream`,
      RetentionPeriodHours: 24,
      ShardCount: 1,
      tags: { a: "1", team: "analytics" },
    });
    kinesis.on(DescribeStreamSummaryCommand).rejects(new ResourceNotFoundException({ message: "gone", $metadata: {} }));
    expect(await describeResource(ref)).toBeUndefined();
  });
});
