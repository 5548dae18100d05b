import { DescribeSecurityGroupsCommand } from "@aws-sdk/client-ec2";
import { clientFor, unlessAbsent, type Describer } from "guardrail";
import { service as ec2 } from "../services/ec2";

/** A security group by id (Config's resourceId): DescribeSecurityGroups. */
export const describer: Describer = {
  type: "AWS::EC2::SecurityGroup",
  async describe(ref) {
    const out = await unlessAbsent(
      clientFor(ec2, ref.region).send(new DescribeSecurityGroupsCommand({ GroupIds: [ref.id] })),
      ec2.notFound,
    );
    const group = out?.SecurityGroups?.[0];
    return group ? { ref, DescribeSecurityGroups: { SecurityGroups: [group] } } : undefined;
  },
};
