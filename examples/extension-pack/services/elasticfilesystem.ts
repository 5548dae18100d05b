import { DeleteFileSystemPolicyCommand, EFSClient, PutFileSystemPolicyCommand } from "@aws-sdk/client-efs";
import type { OperationTable, ServiceDefinition } from "guardrail";

/**
 * Amazon EFS. Its IAM actions and ARNs say `elasticfilesystem` (Service Authorization Reference, "Actions,
 * resources, and condition keys for Amazon Elastic File System"), so that is the service's name here. A deleted
 * file system is FileSystemNotFound (Amazon EFS API Reference, DescribeFileSystems Errors).
 */
export const service = {
  name: "elasticfilesystem",
  serviceId: "EFS",
  package: "@aws-sdk/client-efs",
  client: EFSClient,
  eventSource: "elasticfilesystem.amazonaws.com",
  notFound: ["FileSystemNotFound"],
} as const satisfies ServiceDefinition;

const FILE_SYSTEMS = ["arn:${AWS::Partition}:elasticfilesystem:${AWS::Region}:${AWS::AccountId}:file-system/*"];

export const operations = {
  DescribeFileSystems: {
    action: "elasticfilesystem:DescribeFileSystems",
    access: "read",
    resources: FILE_SYSTEMS,
  },
  DescribeFileSystemPolicy: {
    action: "elasticfilesystem:DescribeFileSystemPolicy",
    access: "read",
    resources: FILE_SYSTEMS,
  },
  PutFileSystemPolicy: {
    action: "elasticfilesystem:PutFileSystemPolicy",
    access: "write",
    resources: FILE_SYSTEMS,
    command: PutFileSystemPolicyCommand,
    service,
  },
  // Only `guardrail remediation undo` removes a policy the fix created, with the operator's credentials.
  DeleteFileSystemPolicy: {
    action: "elasticfilesystem:DeleteFileSystemPolicy",
    access: "restore",
    resources: FILE_SYSTEMS,
    command: DeleteFileSystemPolicyCommand,
    service,
  },
} satisfies OperationTable;
