import { DynamoDBClient, UpdateContinuousBackupsCommand } from "@aws-sdk/client-dynamodb";
import type { OperationTable, ServiceDefinition } from "../service";

/** Amazon DynamoDB. */
export const service = {
  name: "dynamodb",
  serviceId: "DynamoDB",
  package: "@aws-sdk/client-dynamodb",
  client: DynamoDBClient,
  eventSource: "dynamodb.amazonaws.com",
  notFound: ["ResourceNotFoundException", "TableNotFoundException"],
} as const satisfies ServiceDefinition;

const TABLES = ["arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/*"];

export const operations = {
  DescribeTable: { action: "dynamodb:DescribeTable", access: "read", resources: TABLES },
  DescribeContinuousBackups: { action: "dynamodb:DescribeContinuousBackups", access: "read", resources: TABLES },
  ListTagsOfResource: { action: "dynamodb:ListTagsOfResource", access: "read", resources: TABLES },
  UpdateContinuousBackups: {
    action: "dynamodb:UpdateContinuousBackups",
    access: "write",
    resources: TABLES,
    command: UpdateContinuousBackupsCommand,
    service,
  },
  GetItem: { action: "dynamodb:GetItem", access: "own" },
  PutItem: { action: "dynamodb:PutItem", access: "own" },
  UpdateItem: { action: "dynamodb:UpdateItem", access: "own" },
  DeleteItem: { action: "dynamodb:DeleteItem", access: "own" },
} satisfies OperationTable;
