import { assertParams, requireString } from "../../lib/remediation/document";
import { awsCall, PlanError, type RemediationAction } from "../../lib/remediation/types";

const DEFAULT_DAYS = 7;

export const action: RemediationAction = {
  id: "elasticache-snapshot-retention",
  resourceTypes: ["AWS::ElastiCache::ReplicationGroup"],
  description:
    'Turns automatic backups on, kept SnapshotRetentionLimit days (params, default 7; ModifyReplicationGroup, ApplyImmediately); a group that already takes them is left as it is. No restart: the daily backup runs in the snapshot window, and for Valkey and Redis OSS groups it forks the engine, which needs reserved memory (ElastiCache User Guide, "Scheduling automatic backups"). Backup storage beyond one free backup per node is billed. Restore puts the recorded retention back; 0 turns automatic backups off again and deletes the automatic backups taken.',
  params: {
    type: "object",
    additionalProperties: false,
    properties: { SnapshotRetentionLimit: { type: "integer", minimum: 1, maximum: 35 } },
  },
  checkParams(params) {
    const days = params.SnapshotRetentionLimit;
    if (days === undefined) return [];
    return Number.isInteger(days) && (days as number) >= 1 && (days as number) <= 35
      ? []
      : ["SnapshotRetentionLimit must be an integer from 1 to 35"];
  },
  plan(resource, params) {
    assertParams(action, params);
    const want = typeof params.SnapshotRetentionLimit === "number" ? params.SnapshotRetentionLimit : DEFAULT_DAYS;
    const current = resource.document.SnapshotRetentionLimit;
    if (typeof current !== "number") {
      throw new PlanError(action.id, `SnapshotRetentionLimit of ${resource.id} is not recorded as a number`);
    }
    if (current >= 1) return [];
    return [
      awsCall("elasticache", "ModifyReplicationGroup", {
        ReplicationGroupId: requireString(action.id, resource, "ReplicationGroupId"),
        SnapshotRetentionLimit: want,
        ApplyImmediately: true,
      }),
    ];
  },
  restore(before, after) {
    const was = before.document.SnapshotRetentionLimit;
    if (typeof was !== "number" || was === after.document.SnapshotRetentionLimit) return [];
    return [
      awsCall("elasticache", "ModifyReplicationGroup", {
        ReplicationGroupId: requireString(action.id, before, "ReplicationGroupId"),
        SnapshotRetentionLimit: was,
        ApplyImmediately: true,
      }),
    ];
  },
};
