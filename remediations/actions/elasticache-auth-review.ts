import { notifyOnlyAction } from "../../lib/remediation/notify-only";

export const action = notifyOnlyAction({
  id: "elasticache-auth-review",
  resourceTypes: ["AWS::ElastiCache::ReplicationGroup"],
  description:
    'Notify only. An AUTH token needs in-transit encryption, is a new secret every client must be given before it is required, and is set with ModifyReplicationGroup AuthToken and AuthTokenUpdateStrategy (ElastiCache User Guide, "Authenticating with the Valkey and Redis OSS AUTH command"); on version 6 and later, role-based access control (user groups) is the alternative. Choosing and distributing the secret is the owner\'s.',
});
