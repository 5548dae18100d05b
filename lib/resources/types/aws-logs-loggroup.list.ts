import { paginateDescribeLogGroups } from "@aws-sdk/client-cloudwatch-logs";
import { clientFor } from "../../aws/clients";
import { service as logs } from "../../aws/services/logs";
import type { Lister } from "../list";

/** Log groups by name (Config's resourceId): every page of DescribeLogGroups. */
export const lister: Lister = {
  type: "AWS::Logs::LogGroup",
  async *list({ accountId, region }) {
    const client = clientFor(logs, region);
    for await (const page of paginateDescribeLogGroups({ client }, {})) {
      for (const g of page.logGroups ?? []) {
        if (g.logGroupName) yield { type: lister.type, id: g.logGroupName, accountId, region };
      }
    }
  },
};
