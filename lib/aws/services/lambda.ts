import { LambdaClient, UpdateFunctionConfigurationCommand } from "@aws-sdk/client-lambda";
import type { OperationTable, ServiceDefinition } from "../service";

/** AWS Lambda. */
export const service = {
  name: "lambda",
  serviceId: "Lambda",
  package: "@aws-sdk/client-lambda",
  client: LambdaClient,
  eventSource: "lambda.amazonaws.com",
  notFound: ["ResourceNotFoundException"],
} as const satisfies ServiceDefinition;

const FUNCTIONS = ["arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:*"];

export const operations = {
  GetFunctionConfiguration: { action: "lambda:GetFunctionConfiguration", access: "read", resources: FUNCTIONS },
  GetFunctionConcurrency: { action: "lambda:GetFunctionConcurrency", access: "read", resources: FUNCTIONS },
  GetPolicy: { action: "lambda:GetPolicy", access: "read", resources: FUNCTIONS },
  ListTags: { action: "lambda:ListTags", access: "read", resources: FUNCTIONS },
  UpdateFunctionConfiguration: {
    action: "lambda:UpdateFunctionConfiguration",
    access: "write",
    resources: FUNCTIONS,
    command: UpdateFunctionConfigurationCommand,
    service,
  },
} satisfies OperationTable;
