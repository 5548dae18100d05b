import { paginateDescribeReplicationGroups } from "@aws-sdk/client-elasticache";
import { clientFor } from "../../aws/clients";
import { service as elasticache } from "../../aws/services/elasticache";
import type { Lister } from "../list";

/** Replication groups by id (Config's resourceId): every page of DescribeReplicationGroups (Marker). */
export const lister: Lister = {
  type: "AWS::ElastiCache::ReplicationGroup",
  async *list({ accountId, region }) {
    const client = clientFor(elasticache, region);
    for await (const page of paginateDescribeReplicationGroups({ client }, {})) {
      for (const g of page.ReplicationGroups ?? []) {
        const id = g.ReplicationGroupId;
        if (id) yield { type: lister.type, id, ...(g.ARN ? { arn: g.ARN } : {}), accountId, region };
      }
    }
  },
};
