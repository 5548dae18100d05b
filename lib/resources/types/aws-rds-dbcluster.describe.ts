import { DescribeDBClustersCommand } from "@aws-sdk/client-rds";
import { clientFor } from "../../aws/clients";
import { unlessAbsent } from "../../aws/errors";
import { service as rds } from "../../aws/services/rds";
import type { Describer } from "../describe";

/**
 * RDS DB cluster by Config's resourceId, the DbClusterResourceId: DescribeDBClusters with the
 * `db-cluster-resource-id` filter (RDS API Reference, DescribeDBClusters Filters), an empty list when it is gone.
 * Another id (an identifier) is looked up as DBClusterIdentifier (DBClusterNotFoundFault: gone).
 */
export const describer: Describer = {
  type: "AWS::RDS::DBCluster",
  async describe(ref) {
    const client = clientFor(rds, ref.region);
    const input = /^cluster-[A-Z0-9]+$/.test(ref.id)
      ? { Filters: [{ Name: "db-cluster-resource-id", Values: [ref.id] }] }
      : { DBClusterIdentifier: ref.id };
    const out = await unlessAbsent(client.send(new DescribeDBClustersCommand(input)), rds.notFound);
    if (!out?.DBClusters?.length) return undefined;
    return { ref, DescribeDBClusters: { DBClusters: out.DBClusters.slice(0, 1) } };
  },
};
