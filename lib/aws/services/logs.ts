import { CloudWatchLogsClient, PutRetentionPolicyCommand } from "@aws-sdk/client-cloudwatch-logs";
import type { OperationTable, ServiceDefinition } from "../service";

/**
 * Amazon CloudWatch Logs. A deleted log group is ResourceNotFoundException (CloudWatch Logs API Reference,
 * ListTagsForResource and PutRetentionPolicy Errors); DescribeLogGroups answers an empty list instead.
 */
export const service = {
  name: "logs",
  serviceId: "CloudWatch Logs",
  package: "@aws-sdk/client-cloudwatch-logs",
  client: CloudWatchLogsClient,
  eventSource: "logs.amazonaws.com",
  notFound: ["ResourceNotFoundException"],
} as const satisfies ServiceDefinition;

const LOG_GROUPS = ["arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*"];

export const operations = {
  DescribeLogGroups: { action: "logs:DescribeLogGroups", access: "read", resources: LOG_GROUPS },
  ListTagsForResource: { action: "logs:ListTagsForResource", access: "read", resources: LOG_GROUPS },
  PutRetentionPolicy: {
    action: "logs:PutRetentionPolicy",
    access: "write",
    resources: LOG_GROUPS,
    command: PutRetentionPolicyCommand,
    service,
  },
} satisfies OperationTable;
