import {
  DescribeCacheClustersCommand,
  DescribeReplicationGroupsCommand,
  ListTagsForResourceCommand,
} from "@aws-sdk/client-elasticache";
import { clientFor } from "../../aws/clients";
import { unlessAbsent } from "../../aws/errors";
import { service as elasticache } from "../../aws/services/elasticache";
import type { Describer } from "../describe";

/**
 * Replication group by id (Config's resourceId): DescribeReplicationGroups (ReplicationGroupNotFoundFault: gone),
 * ListTagsForResource on its ARN, and DescribeCacheClusters of its first member for the engine version (a member
 * not found leaves the version unknown; the group itself was found).
 */
export const describer: Describer = {
  type: "AWS::ElastiCache::ReplicationGroup",
  async describe(ref) {
    const client = clientFor(elasticache, ref.region);
    const groups = await unlessAbsent(
      client.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: ref.id })),
      elasticache.notFound,
    );
    const group = groups?.ReplicationGroups?.[0];
    if (!groups || !group) return undefined;
    const tags = group.ARN
      ? await unlessAbsent(
          client.send(new ListTagsForResourceCommand({ ResourceName: group.ARN })),
          elasticache.notFound,
        )
      : undefined;
    const member = group.MemberClusters?.[0];
    const clusters = member
      ? await unlessAbsent(
          client.send(new DescribeCacheClustersCommand({ CacheClusterId: member })),
          elasticache.notFound,
        )
      : undefined;
    return {
      ref,
      DescribeReplicationGroups: { ReplicationGroups: [group] },
      ListTagsForResource: { TagList: tags?.TagList ?? [] },
      ...(clusters ? { DescribeCacheClusters: { CacheClusters: clusters.CacheClusters ?? [] } } : {}),
    };
  },
};
