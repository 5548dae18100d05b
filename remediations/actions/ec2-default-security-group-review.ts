import { notifyOnlyAction } from "../../lib/remediation/notify-only";

export const action = notifyOnlyAction({
  id: "ec2-default-security-group-review",
  resourceTypes: ["AWS::EC2::SecurityGroup"],
  description:
    "Notify only. Every instance, interface or endpoint launched without a security group is in its VPC's default group (Amazon VPC User Guide, \"Default security groups for your VPCs\"), so removing its rules can cut traffic those resources rely on. The owners move them to groups of their own, then remove the default group's rules (RevokeSecurityGroupIngress, RevokeSecurityGroupEgress).",
});
