import { notifyOnlyAction } from "../../lib/remediation/notify-only";

export const action = notifyOnlyAction({
  id: "elasticache-encryption-at-rest-review",
  resourceTypes: ["AWS::ElastiCache::ReplicationGroup"],
  description:
    "Notify only. AtRestEncryptionEnabled is set when a group is created and cannot be modified (ElastiCache API Reference, ReplicationGroup AtRestEncryptionEnabled): the fix is a new, encrypted group seeded from a backup of this one, and a switch of every client to its endpoints, which the owner plans.",
});
