import type { Resource } from "../resources/adapter";
import { str } from "./document";
import { awsCall, PlanError, type AwsCall, type RemediationAction } from "./types";

/**
 * RDS settings a fix changes with one ModifyDBInstance or ModifyDBCluster call (RDS API Reference). The document
 * members are the RDS adapters' (lib/resources/types/aws-rds-*.ts); the request members are the API's.
 */

export const INSTANCE = "AWS::RDS::DBInstance";
export const CLUSTER = "AWS::RDS::DBCluster";

/** The one Modify call that sets `member` to `value` on the instance or cluster the document describes. */
export function modifyCall(
  actionId: string,
  resource: Resource,
  member:
    | "DeletionProtection"
    | "PubliclyAccessible"
    | "AutoMinorVersionUpgrade"
    | "CopyTagsToSnapshot"
    | "BackupRetentionPeriod",
  value: boolean | number,
): AwsCall {
  if (resource.type === CLUSTER) {
    const id = str(resource.document.dbClusterIdentifier);
    if (!id)
      throw new PlanError(actionId, `the ${resource.type} document of ${resource.id} has no dbClusterIdentifier`);
    if (member === "PubliclyAccessible") throw new PlanError(actionId, `${member} is not a DB cluster setting here`);
    // ApplyImmediately: without it some changes wait for the maintenance window (RDS User Guide, "Modifying an
    // Amazon Aurora DB cluster"), and the fix would not verify.
    return awsCall("rds", "ModifyDBCluster", { DBClusterIdentifier: id, [member]: value, ApplyImmediately: true });
  }
  if (resource.type !== INSTANCE) throw new PlanError(actionId, `cannot modify a ${resource.type}`);
  const id = str(resource.document.dbInstanceIdentifier);
  if (!id) throw new PlanError(actionId, `the ${resource.type} document of ${resource.id} has no dbInstanceIdentifier`);
  return awsCall("rds", "ModifyDBInstance", { DBInstanceIdentifier: id, [member]: value, ApplyImmediately: true });
}

/**
 * An Aurora DB instance takes backups, deletion protection and tag copying from its cluster: ModifyDBInstance
 * refuses them (RDS API Reference, ModifyDBInstance: "Amazon Aurora: Not applicable ... managed by the DB cluster").
 */
export function refuseClusterMember(actionId: string, resource: Resource, member: string): void {
  const cluster = str(resource.document.dbClusterIdentifier);
  if (resource.type === INSTANCE && cluster) {
    throw new PlanError(
      actionId,
      `dbClusterIdentifier: ${resource.id} belongs to DB cluster ${cluster}, which holds ${member}; fix the cluster`,
    );
  }
}

/**
 * An action that turns one boolean setting on (`field` in the document, `member` in the request) and puts the
 * recorded value back on restore.
 */
export function rdsFlagAction(spec: {
  id: string;
  resourceTypes: string[];
  description: string;
  field: string;
  member: "DeletionProtection" | "PubliclyAccessible" | "AutoMinorVersionUpgrade" | "CopyTagsToSnapshot";
  want: boolean;
  clusterManaged?: boolean;
}): RemediationAction {
  const action: RemediationAction = {
    id: spec.id,
    resourceTypes: spec.resourceTypes,
    description: spec.description,
    plan(resource) {
      if (resource.document[spec.field] === spec.want) return [];
      if (spec.clusterManaged) refuseClusterMember(spec.id, resource, spec.member);
      return [modifyCall(spec.id, resource, spec.member, spec.want)];
    },
    restore(before, after) {
      const was = before.document[spec.field];
      if (typeof was !== "boolean" || was === after.document[spec.field]) return [];
      return [modifyCall(spec.id, before, spec.member, was)];
    },
  };
  return action;
}
