import { IAMClient } from "@aws-sdk/client-iam";
import type { OperationTable, ServiceDefinition } from "../service";

/**
 * AWS Identity and Access Management, a global service: one endpoint per partition, signed for us-east-1
 * (cn-north-1, us-gov-west-1), and its CloudTrail records are in us-east-1 (IAM User Guide, "Logging IAM and AWS STS
 * API calls with AWS CloudTrail"). A deleted role is NoSuchEntity (IAM API Reference, GetRole Errors).
 */
export const service = {
  name: "iam",
  serviceId: "IAM",
  package: "@aws-sdk/client-iam",
  client: IAMClient,
  eventSource: "iam.amazonaws.com",
  notFound: ["NoSuchEntityException"],
} as const satisfies ServiceDefinition;

/** Role ARNs carry no Region, and a path before the name (Service Authorization Reference, IAM: `role/${RoleNameWithPath}`). */
const ROLES = ["arn:${AWS::Partition}:iam::${AWS::AccountId}:role/*"];

/**
 * The reads of a role's describe. No write: every IAM role policy is `notify` (removing a permission or a trust
 * statement can stop the workload that uses the role, and only its owner can tell which it needs).
 */
export const operations = {
  GetRole: { action: "iam:GetRole", access: "read", resources: ROLES },
  ListRolePolicies: { action: "iam:ListRolePolicies", access: "read", resources: ROLES },
  GetRolePolicy: { action: "iam:GetRolePolicy", access: "read", resources: ROLES },
  ListAttachedRolePolicies: { action: "iam:ListAttachedRolePolicies", access: "read", resources: ROLES },
} satisfies OperationTable;
