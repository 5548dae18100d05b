import { DescribeDBInstancesCommand } from "@aws-sdk/client-rds";
import { clientFor } from "../../aws/clients";
import { unlessAbsent } from "../../aws/errors";
import { service as rds } from "../../aws/services/rds";
import type { Describer } from "../describe";

/**
 * RDS DB instance by Config's resourceId, the DbiResourceId: DescribeDBInstances with the `dbi-resource-id` filter
 * (RDS API Reference, DescribeDBInstances Filters), which answers an empty list for an instance that is gone.
 * Another id (an identifier) is looked up as DBInstanceIdentifier (DBInstanceNotFound: gone).
 */
export const describer: Describer = {
  type: "AWS::RDS::DBInstance",
  async describe(ref) {
    const client = clientFor(rds, ref.region);
    const input = /^db-[A-Z0-9]+$/.test(ref.id)
      ? { Filters: [{ Name: "dbi-resource-id", Values: [ref.id] }] }
      : { DBInstanceIdentifier: ref.id };
    const out = await unlessAbsent(client.send(new DescribeDBInstancesCommand(input)), rds.notFound);
    if (!out?.DBInstances?.length) return undefined;
    return { ref, DescribeDBInstances: { DBInstances: out.DBInstances.slice(0, 1) } };
  },
};
