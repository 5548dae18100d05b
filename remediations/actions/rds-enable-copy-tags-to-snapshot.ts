import { CLUSTER, INSTANCE, rdsFlagAction } from "../../lib/remediation/rds";

export const action = rdsFlagAction({
  id: "rds-enable-copy-tags-to-snapshot",
  resourceTypes: [INSTANCE, CLUSTER],
  description:
    "Turns tag copying to snapshots on (ModifyDBInstance or ModifyDBCluster CopyTagsToSnapshot true, ApplyImmediately): no restart; snapshots taken from then on carry the database's tags, earlier ones are unchanged. An Aurora instance is refused: its cluster holds the setting. Restore turns it off again.",
  field: "copyTagsToSnapshot",
  member: "CopyTagsToSnapshot",
  want: true,
  clusterManaged: true,
});
