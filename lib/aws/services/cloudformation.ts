import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import type { OperationTable, ServiceDefinition } from "../service";

/** AWS CloudFormation: the worker reads the status of the stack a resource's aws:cloudformation:stack-name tag names. */
export const service = {
  name: "cloudformation",
  serviceId: "CloudFormation",
  package: "@aws-sdk/client-cloudformation",
  client: CloudFormationClient,
  eventSource: "cloudformation.amazonaws.com",
  notFound: [],
} as const satisfies ServiceDefinition;

export const operations = {
  DescribeStacks: { action: "cloudformation:DescribeStacks", access: "own" },
} satisfies OperationTable;
