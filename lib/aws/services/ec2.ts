import {
  AuthorizeSecurityGroupIngressCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
} from "@aws-sdk/client-ec2";
import type { OperationTable, ServiceDefinition } from "../service";

/**
 * Amazon EC2, as far as security groups go. A deleted group is InvalidGroup.NotFound; a malformed id is
 * InvalidGroupId.Malformed (Amazon EC2 API Reference, "Error codes for the Amazon EC2 API").
 */
export const service = {
  name: "ec2",
  serviceId: "EC2",
  package: "@aws-sdk/client-ec2",
  client: EC2Client,
  eventSource: "ec2.amazonaws.com",
  notFound: ["InvalidGroup.NotFound"],
} as const satisfies ServiceDefinition;

const GROUPS = ["arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:security-group/*"];

export const operations = {
  // EC2's Describe* actions support no resource-level permissions (Service Authorization Reference, "Actions,
  // resources, and condition keys for Amazon EC2"): "*" is the only resource they take.
  DescribeSecurityGroups: { action: "ec2:DescribeSecurityGroups", access: "read", resources: ["*"] },
  RevokeSecurityGroupIngress: {
    action: "ec2:RevokeSecurityGroupIngress",
    access: "write",
    resources: GROUPS,
    command: RevokeSecurityGroupIngressCommand,
    service,
  },
  // Only `guardrail remediation undo` re-authorises a rule, with the operator's credentials: no deployed role may
  // open a group.
  AuthorizeSecurityGroupIngress: {
    action: "ec2:AuthorizeSecurityGroupIngress",
    access: "restore",
    resources: GROUPS,
    command: AuthorizeSecurityGroupIngressCommand,
    service,
  },
} satisfies OperationTable;
