import { DescribeSecurityGroupsCommand } from "@aws-sdk/client-ec2";
import { clientFor } from "../../aws/clients";
import { unlessAbsent } from "../../aws/errors";
import { service as ec2 } from "../../aws/services/ec2";
import type { Describer } from "../describe";

/**
 * A security group by id (Config's resourceId): DescribeSecurityGroups of that one group, tags included
 * (SecurityGroup Tags). InvalidGroup.NotFound: gone.
 */
export const describer: Describer = {
  type: "AWS::EC2::SecurityGroup",
  async describe(ref) {
    const out = await unlessAbsent(
      clientFor(ec2, ref.region).send(new DescribeSecurityGroupsCommand({ GroupIds: [ref.id] })),
      ec2.notFound,
    );
    const group = out?.SecurityGroups?.find((g) => g.GroupId === ref.id);
    return group ? { ref, DescribeSecurityGroups: { SecurityGroups: [group] } } : undefined;
  },
};
