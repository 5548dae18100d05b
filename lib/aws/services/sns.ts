import { SetTopicAttributesCommand, SNSClient } from "@aws-sdk/client-sns";
import type { OperationTable, ServiceDefinition } from "../service";

/** Amazon SNS. A deleted topic is NotFound (query protocol) or NotFoundException. */
export const service = {
  name: "sns",
  serviceId: "SNS",
  package: "@aws-sdk/client-sns",
  client: SNSClient,
  eventSource: "sns.amazonaws.com",
  notFound: ["NotFoundException", "NotFound", "ResourceNotFoundException"],
} as const satisfies ServiceDefinition;

const TOPICS = ["arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:*"];

export const operations = {
  GetTopicAttributes: { action: "sns:GetTopicAttributes", access: "read", resources: TOPICS },
  ListTagsForResource: { action: "sns:ListTagsForResource", access: "read", resources: TOPICS },
  SetTopicAttributes: {
    action: "sns:SetTopicAttributes",
    access: "write",
    resources: TOPICS,
    command: SetTopicAttributesCommand,
    service,
  },
  Publish: { action: "sns:Publish", access: "own" },
} satisfies OperationTable;
