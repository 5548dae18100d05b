import { assertParams } from "../../lib/remediation/document";
import { CLUSTER, INSTANCE, modifyCall, refuseClusterMember } from "../../lib/remediation/rds";
import { PlanError, type RemediationAction } from "../../lib/remediation/types";

const DEFAULT_DAYS = 7;

function daysOf(params: Record<string, unknown>): number {
  return typeof params.BackupRetentionPeriod === "number" ? params.BackupRetentionPeriod : DEFAULT_DAYS;
}

export const action: RemediationAction = {
  id: "rds-raise-backup-retention",
  resourceTypes: [INSTANCE, CLUSTER],
  description:
    'Raises the automated backup retention to BackupRetentionPeriod days (params, default 7; ModifyDBInstance or ModifyDBCluster, ApplyImmediately). Only a retention that is on and shorter is raised: turning backups on from 0 restarts a DB instance (RDS User Guide, "Enabling automated backups"), so that is refused and left to the owner. Backup storage beyond the database\'s size is billed. Restore puts the recorded retention back, which deletes the backups older than it.',
  params: {
    type: "object",
    additionalProperties: false,
    properties: { BackupRetentionPeriod: { type: "integer", minimum: 1, maximum: 35 } },
  },
  checkParams(params) {
    const days = params.BackupRetentionPeriod;
    if (days === undefined) return [];
    return Number.isInteger(days) && (days as number) >= 1 && (days as number) <= 35
      ? []
      : ["BackupRetentionPeriod must be an integer from 1 to 35"];
  },
  plan(resource, params) {
    assertParams(action, params);
    const want = daysOf(params);
    const current = resource.document.backupRetentionPeriod;
    if (typeof current === "number" && current >= want) return [];
    refuseClusterMember(action.id, resource, "the backup retention");
    if (typeof current !== "number") {
      throw new PlanError(action.id, `backupRetentionPeriod of ${resource.id} is not recorded as a number`);
    }
    if (current === 0) {
      throw new PlanError(
        action.id,
        `backupRetentionPeriod of ${resource.id} is 0: turning automated backups on restarts the instance; left to the owner`,
      );
    }
    return [modifyCall(action.id, resource, "BackupRetentionPeriod", want)];
  },
  restore(before, after) {
    const was = before.document.backupRetentionPeriod;
    if (typeof was !== "number" || was === 0 || was === after.document.backupRetentionPeriod) return [];
    return [modifyCall(action.id, before, "BackupRetentionPeriod", was)];
  },
};
