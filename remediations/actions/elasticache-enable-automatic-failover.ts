import { requireString } from "../../lib/remediation/document";
import { awsCall, PlanError, type RemediationAction } from "../../lib/remediation/types";

export const action: RemediationAction = {
  id: "elasticache-enable-automatic-failover",
  resourceTypes: ["AWS::ElastiCache::ReplicationGroup"],
  description:
    'Turns automatic failover on (ModifyReplicationGroup AutomaticFailoverEnabled, ApplyImmediately): when the primary fails, a replica is promoted and the primary endpoint follows it. Failover needs at least one replica, so a group with fewer than two member clusters is refused (add a replica first); clients that write through a node endpoint instead of the primary endpoint can end up writing to a replica after a failover (ElastiCache User Guide, "Minimizing downtime in ElastiCache by using Multi-AZ"). Restore turns it off again.',
  plan(resource) {
    const id = requireString(action.id, resource, "ReplicationGroupId");
    const state = resource.document.AutomaticFailover;
    if (state === "enabled" || state === "enabling") return [];
    const members = resource.document.MemberClusters;
    if (!Array.isArray(members)) {
      throw new PlanError(
        action.id,
        `MemberClusters of ${resource.id} is not recorded: cannot tell whether it has a replica`,
      );
    }
    if (members.length < 2) {
      throw new PlanError(
        action.id,
        `MemberClusters of ${resource.id} lists ${members.length} cluster(s): automatic failover needs a replica; add one first`,
      );
    }
    return [
      awsCall("elasticache", "ModifyReplicationGroup", {
        ReplicationGroupId: id,
        AutomaticFailoverEnabled: true,
        ApplyImmediately: true,
      }),
    ];
  },
  restore(before, after) {
    const was = before.document.AutomaticFailover;
    const is = after.document.AutomaticFailover;
    if (was === "enabled" || was === "enabling" || (is !== "enabled" && is !== "enabling")) return [];
    return [
      awsCall("elasticache", "ModifyReplicationGroup", {
        ReplicationGroupId: requireString(action.id, before, "ReplicationGroupId"),
        AutomaticFailoverEnabled: false,
        ApplyImmediately: true,
      }),
    ];
  },
};
