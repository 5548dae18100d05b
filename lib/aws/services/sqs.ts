import { SetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { OperationTable, ServiceDefinition } from "../service";

/**
 * Amazon SQS. A deleted queue is QueueDoesNotExist (the JSON protocol's name; the query protocol's code is
 * AWS.SimpleQueueService.NonExistentQueue).
 */
export const service = {
  name: "sqs",
  serviceId: "SQS",
  package: "@aws-sdk/client-sqs",
  client: SQSClient,
  eventSource: "sqs.amazonaws.com",
  notFound: ["QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue"],
} as const satisfies ServiceDefinition;

const QUEUES = ["arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:*"];

export const operations = {
  GetQueueAttributes: { action: "sqs:GetQueueAttributes", access: "read", resources: QUEUES },
  ListQueueTags: { action: "sqs:ListQueueTags", access: "read", resources: QUEUES },
  SetQueueAttributes: {
    action: "sqs:SetQueueAttributes",
    access: "write",
    resources: QUEUES,
    command: SetQueueAttributesCommand,
    service,
  },
  SendMessage: { action: "sqs:SendMessage", access: "own" },
  SendMessageBatch: { action: "sqs:SendMessage", access: "own" },
  ChangeMessageVisibility: { action: "sqs:ChangeMessageVisibility", access: "own" },
} satisfies OperationTable;
