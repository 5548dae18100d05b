import { notifyOnlyAction } from "../../lib/remediation/notify-only";

export const action = notifyOnlyAction({
  id: "rds-encryption-at-rest-review",
  resourceTypes: ["AWS::RDS::DBInstance", "AWS::RDS::DBCluster"],
  description:
    'Notify only. Encryption at rest cannot be turned on for an existing DB instance or cluster (RDS User Guide, "Limitations of Amazon RDS encrypted DB instances"): it takes a snapshot, an encrypted copy of it, a restore into a new database and moving the clients to it, which is a replacement with downtime. The owner plans the migration and sets StorageEncrypted in the template.',
});
