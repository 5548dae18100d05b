import { paginateDescribeDBInstances } from "@aws-sdk/client-rds";
import { clientFor } from "../../aws/clients";
import { service as rds } from "../../aws/services/rds";
import type { Lister } from "../list";

/** DB instances by DbiResourceId (Config's resourceId): every page of DescribeDBInstances (Marker). */
export const lister: Lister = {
  type: "AWS::RDS::DBInstance",
  async *list({ accountId, region }) {
    const client = clientFor(rds, region);
    for await (const page of paginateDescribeDBInstances({ client }, {})) {
      for (const db of page.DBInstances ?? []) {
        const id = db.DbiResourceId ?? db.DBInstanceIdentifier;
        if (id)
          yield { type: lister.type, id, ...(db.DBInstanceArn ? { arn: db.DBInstanceArn } : {}), accountId, region };
      }
    }
  },
};
