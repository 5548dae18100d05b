import { ModifyDBClusterCommand, ModifyDBInstanceCommand, RDSClient } from "@aws-sdk/client-rds";
import type { OperationTable, ServiceDefinition } from "../service";

/**
 * Amazon RDS. A deleted or unknown instance or cluster is DBInstanceNotFound / DBClusterNotFoundFault (RDS API
 * Reference, DescribeDBInstances and DescribeDBClusters Errors; the SDK names the first DBInstanceNotFoundFault).
 */
export const service = {
  name: "rds",
  serviceId: "RDS",
  package: "@aws-sdk/client-rds",
  client: RDSClient,
  eventSource: "rds.amazonaws.com",
  notFound: ["DBInstanceNotFoundFault", "DBInstanceNotFound", "DBClusterNotFoundFault"],
} as const satisfies ServiceDefinition;

const INSTANCES = ["arn:${AWS::Partition}:rds:${AWS::Region}:${AWS::AccountId}:db:*"];
const CLUSTERS = ["arn:${AWS::Partition}:rds:${AWS::Region}:${AWS::AccountId}:cluster:*"];

export const operations = {
  DescribeDBInstances: { action: "rds:DescribeDBInstances", access: "read", resources: INSTANCES },
  DescribeDBClusters: { action: "rds:DescribeDBClusters", access: "read", resources: CLUSTERS },
  ModifyDBInstance: {
    action: "rds:ModifyDBInstance",
    access: "write",
    resources: INSTANCES,
    command: ModifyDBInstanceCommand,
    service,
  },
  ModifyDBCluster: {
    action: "rds:ModifyDBCluster",
    access: "write",
    resources: CLUSTERS,
    command: ModifyDBClusterCommand,
    service,
  },
} satisfies OperationTable;
