import { paginateDescribeDBClusters } from "@aws-sdk/client-rds";
import { clientFor } from "../../aws/clients";
import { service as rds } from "../../aws/services/rds";
import type { Lister } from "../list";

/** DB clusters by DbClusterResourceId (Config's resourceId): every page of DescribeDBClusters (Marker). */
export const lister: Lister = {
  type: "AWS::RDS::DBCluster",
  async *list({ accountId, region }) {
    const client = clientFor(rds, region);
    for await (const page of paginateDescribeDBClusters({ client }, {})) {
      for (const c of page.DBClusters ?? []) {
        const id = c.DbClusterResourceId ?? c.DBClusterIdentifier;
        if (id) yield { type: lister.type, id, ...(c.DBClusterArn ? { arn: c.DBClusterArn } : {}), accountId, region };
      }
    }
  },
};
