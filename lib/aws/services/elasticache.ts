import { ElastiCacheClient, ModifyReplicationGroupCommand } from "@aws-sdk/client-elasticache";
import type { OperationTable, ServiceDefinition } from "../service";

/**
 * Amazon ElastiCache (node-based Valkey / Redis OSS replication groups). A deleted group is
 * ReplicationGroupNotFoundFault, a deleted member cluster CacheClusterNotFound, the SDK's CacheClusterNotFoundFault
 * (ElastiCache API Reference, DescribeReplicationGroups and DescribeCacheClusters Errors).
 */
export const service = {
  name: "elasticache",
  serviceId: "ElastiCache",
  package: "@aws-sdk/client-elasticache",
  client: ElastiCacheClient,
  eventSource: "elasticache.amazonaws.com",
  notFound: ["ReplicationGroupNotFoundFault", "CacheClusterNotFoundFault", "CacheClusterNotFound"],
} as const satisfies ServiceDefinition;

const GROUPS = ["arn:${AWS::Partition}:elasticache:${AWS::Region}:${AWS::AccountId}:replicationgroup:*"];
const CLUSTERS = ["arn:${AWS::Partition}:elasticache:${AWS::Region}:${AWS::AccountId}:cluster:*"];

export const operations = {
  DescribeReplicationGroups: {
    action: "elasticache:DescribeReplicationGroups",
    access: "read",
    resources: GROUPS,
  },
  DescribeCacheClusters: { action: "elasticache:DescribeCacheClusters", access: "read", resources: CLUSTERS },
  ListTagsForResource: { action: "elasticache:ListTagsForResource", access: "read", resources: GROUPS },
  ModifyReplicationGroup: {
    action: "elasticache:ModifyReplicationGroup",
    access: "write",
    resources: GROUPS,
    command: ModifyReplicationGroupCommand,
    service,
  },
} satisfies OperationTable;
