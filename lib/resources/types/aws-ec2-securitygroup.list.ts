import { paginateDescribeSecurityGroups } from "@aws-sdk/client-ec2";
import { clientFor } from "../../aws/clients";
import { service as ec2 } from "../../aws/services/ec2";
import type { Lister } from "../list";

/** Security groups by id (Config's resourceId): every page of DescribeSecurityGroups (NextToken). */
export const lister: Lister = {
  type: "AWS::EC2::SecurityGroup",
  async *list({ accountId, region }) {
    const client = clientFor(ec2, region);
    for await (const page of paginateDescribeSecurityGroups({ client }, {})) {
      for (const group of page.SecurityGroups ?? []) {
        if (group.GroupId) yield { type: lister.type, id: group.GroupId, accountId, region };
      }
    }
  },
};
