import { CLUSTER, INSTANCE, rdsFlagAction } from "../../lib/remediation/rds";

export const action = rdsFlagAction({
  id: "rds-enable-deletion-protection",
  resourceTypes: [INSTANCE, CLUSTER],
  description:
    "Turns deletion protection on (ModifyDBInstance or ModifyDBCluster DeletionProtection true, ApplyImmediately): no restart, no change to the data path. An Aurora instance is refused: its cluster holds the setting. A stack that later deletes or replaces the database fails until its template sets DeletionProtection. Restore turns it off again.",
  field: "deletionProtection",
  member: "DeletionProtection",
  want: true,
  clusterManaged: true,
});
