import {
  CreateDBClusterCommand,
  CreateDBInstanceCommand,
  DescribeDBInstancesCommand,
  RDSClient,
} from "@aws-sdk/client-rds";
import {
  AddTagsToStreamCommand,
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
} from "@aws-sdk/client-kinesis";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { execute } from "../../lib/remediation/executor";
import { requireAction } from "../../lib/remediation/planning/registry";
import { described, fix, ref, verdict } from "./guardrail";
import { MOTO_ACCOUNT, MOTO_REGION, useMoto } from "./moto";

/*
 * The data tier on moto: each describe, each fix that moto implements, and each undo. moto applies a
 * ModifyDBInstance at once whether or not ApplyImmediately is set, so pending modifications are not tested here;
 * ModifyDBCluster ignores EnableIAMDatabaseAuthentication (no fix sends it); DescribeDBClusters lacks the
 * db-cluster-resource-id filter. Kinesis on moto needs an HTTP/1.1
 * handler (the service module sets one for any endpoint).
 */

jest.setTimeout(60_000);

const moto = useMoto();

describe("RDS DB instance (moto)", () => {
  it("describes by DbiResourceId, fixes five settings, verifies, and undoes them", async () => {
    const rds = new RDSClient(moto.config());
    const created = await rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: "orders-db",
        DBInstanceClass: "db.t4g.medium",
        Engine: "postgres",
        EngineVersion: "16.3",
        AllocatedStorage: 20,
        MasterUsername: "app_admin",
        MasterUserPassword: "not-a-real-password-1",
        PubliclyAccessible: true,
        StorageEncrypted: false,
        DeletionProtection: false,
        AutoMinorVersionUpgrade: false,
        CopyTagsToSnapshot: false,
        BackupRetentionPeriod: 1,
        Tags: [{ Key: "team", Value: "orders" }],
      }),
    );
    const dbi = created.DBInstance?.DbiResourceId as string;
    expect(dbi).toMatch(/^db-/);
    const instanceRef = ref("AWS::RDS::DBInstance", dbi);
    const before = await described(instanceRef);
    expect(before.arn).toBe(`arn:aws:rds:${MOTO_REGION}:${MOTO_ACCOUNT}:db:orders-db`);
    expect(before.tags).toEqual({ team: "orders" });
    const fixes = [
      "rds-instance-not-public",
      "rds-instance-deletion-protection",
      "rds-instance-auto-minor-upgrade",
      "rds-instance-copy-tags-to-snapshot",
      "rds-instance-backups",
    ];
    for (const id of [...fixes, "rds-instance-encrypted"])
      expect([id, verdict(id, before)]).toEqual([id, "NON_COMPLIANT"]);

    for (const id of fixes) await fix(id, await described(instanceRef));

    const after = await described(instanceRef);
    for (const id of fixes) expect([id, verdict(id, after)]).toEqual([id, "COMPLIANT"]);
    // What RDS (moto) now holds, read without Guardrail.
    const raw = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: "orders-db" })))
      .DBInstances?.[0];
    expect(raw).toMatchObject({
      PubliclyAccessible: false,
      DeletionProtection: true,
      AutoMinorVersionUpgrade: true,
      CopyTagsToSnapshot: true,
      BackupRetentionPeriod: 7,
    });

    // Undo, action by action, puts every recorded value back.
    const actions = [
      "rds-disable-public-access",
      "rds-enable-deletion-protection",
      "rds-enable-auto-minor-version-upgrade",
      "rds-enable-copy-tags-to-snapshot",
      "rds-raise-backup-retention",
    ];
    for (const a of actions) {
      const report = await execute(requireAction(a).restore(before, after, {}), { region: MOTO_REGION });
      expect([a, report.ok]).toEqual([a, true]);
    }
    const undone = await described(instanceRef);
    const { dbInstanceStatus: _s, ...settings } = before.document;
    expect(undone.document).toMatchObject(settings);
    rds.destroy();
  });

  it("answers undefined for an instance that does not exist", async () => {
    const { describeResource } = await import("../../lib/resources/describe");
    expect(await describeResource(ref("AWS::RDS::DBInstance", "db-AAAAAAAAAAAAAAAAAAAAAAAAAA"))).toBeUndefined();
    expect(await describeResource(ref("AWS::RDS::DBInstance", "no-such-db"))).toBeUndefined();
  });
});

describe("RDS DB cluster (moto)", () => {
  it("describes by identifier, fixes deletion protection, tag copying and backups, and undoes them", async () => {
    const rds = new RDSClient(moto.config());
    const created = await rds.send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: "orders-aurora",
        Engine: "aurora-postgresql",
        MasterUsername: "app_admin",
        MasterUserPassword: "not-a-real-password-1",
        StorageEncrypted: false,
        DeletionProtection: false,
        CopyTagsToSnapshot: false,
        BackupRetentionPeriod: 1,
        Tags: [{ Key: "team", Value: "orders" }],
      }),
    );
    const id = created.DBCluster?.DbClusterResourceId as string;
    expect(id).toMatch(/^cluster-/);
    // moto refuses DescribeDBClusters' `db-cluster-resource-id` filter (InvalidParameterValue: Unrecognized filter
    // name), which the RDS API Reference lists: the describe is reached by identifier here, and its filter request is
    // asserted with aws-sdk-client-mock in test/unit/remediation-data-tier.test.ts.
    const clusterRef = ref("AWS::RDS::DBCluster", "orders-aurora");
    const before = await described(clusterRef);
    expect(before.document.dbClusterResourceId).toBe(id);
    expect(before.arn).toBe(`arn:aws:rds:${MOTO_REGION}:${MOTO_ACCOUNT}:cluster:orders-aurora`);
    const fixes = ["rds-cluster-deletion-protection", "rds-cluster-copy-tags-to-snapshot", "rds-cluster-backups"];
    for (const p of [...fixes, "rds-cluster-encrypted"]) expect([p, verdict(p, before)]).toEqual([p, "NON_COMPLIANT"]);
    for (const p of fixes) await fix(p, await described(clusterRef));
    const after = await described(clusterRef);
    for (const p of fixes) expect([p, verdict(p, after)]).toEqual([p, "COMPLIANT"]);
    for (const a of [
      "rds-enable-deletion-protection",
      "rds-enable-copy-tags-to-snapshot",
      "rds-raise-backup-retention",
    ]) {
      const report = await execute(requireAction(a).restore(before, after, {}), { region: MOTO_REGION });
      expect([a, report.ok]).toEqual([a, true]);
    }
    const undone = await described(clusterRef);
    expect(undone.document).toMatchObject({
      deletionProtection: false,
      copyTagsToSnapshot: false,
      backupRetentionPeriod: 1,
    });
    rds.destroy();
  });
});

describe("Kinesis stream (moto)", () => {
  it("describes, starts encryption with alias/aws/kinesis, verifies, and stops it on undo", async () => {
    const kinesis = new KinesisClient({ ...moto.config(), requestHandler: new NodeHttpHandler() });
    await kinesis.send(new CreateStreamCommand({ StreamName: "clickstream", ShardCount: 1 }));
    await kinesis.send(new AddTagsToStreamCommand({ StreamName: "clickstream", Tags: { team: "analytics" } }));
    const streamRef = ref("AWS::Kinesis::Stream", "clickstream");
    const before = await described(streamRef);
    expect(before.document).toEqual({
      Name: "clickstream",
      Arn: `arn:aws:kinesis:${MOTO_REGION}:${MOTO_ACCOUNT}:stream/clickstream`,
      RetentionPeriodHours: 24,
      ShardCount: 1,
      tags: { team: "analytics" },
    });
    expect(verdict("kinesis-stream-encrypted", before)).toBe("NON_COMPLIANT");
    expect(verdict("kinesis-stream-retention", before)).toBe("NON_COMPLIANT");

    await fix("kinesis-stream-encrypted", before);
    const after = await described(streamRef);
    expect(verdict("kinesis-stream-encrypted", after)).toBe("COMPLIANT");
    const summary = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: "clickstream" }));
    expect(summary.StreamDescriptionSummary).toMatchObject({ EncryptionType: "KMS", KeyId: "alias/aws/kinesis" });

    const report = await execute(requireAction("kinesis-enable-encryption").restore(before, after, {}), {
      region: MOTO_REGION,
    });
    expect(report.ok).toBe(true);
    expect((await described(streamRef)).document).toEqual(before.document);
    expect(
      await (await import("../../lib/resources/describe")).describeResource(ref("AWS::Kinesis::Stream", "gone")),
    ).toBeUndefined();
    kinesis.destroy();
  });
});
