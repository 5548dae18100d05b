import { SFNClient, UpdateStateMachineCommand } from "@aws-sdk/client-sfn";
import type { OperationTable, ServiceDefinition } from "../service";

/**
 * AWS Step Functions. A deleted or unknown state machine is StateMachineDoesNotExist (Step Functions API
 * Reference, DescribeStateMachine Errors); ListTagsForResource answers ResourceNotFound.
 */
export const service = {
  name: "states",
  serviceId: "SFN",
  package: "@aws-sdk/client-sfn",
  client: SFNClient,
  eventSource: "states.amazonaws.com",
  notFound: ["StateMachineDoesNotExist", "ResourceNotFound"],
} as const satisfies ServiceDefinition;

const STATE_MACHINES = ["arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:*"];

export const operations = {
  DescribeStateMachine: { action: "states:DescribeStateMachine", access: "read", resources: STATE_MACHINES },
  ListTagsForResource: { action: "states:ListTagsForResource", access: "read", resources: STATE_MACHINES },
  UpdateStateMachine: {
    action: "states:UpdateStateMachine",
    access: "write",
    resources: STATE_MACHINES,
    command: UpdateStateMachineCommand,
    service,
  },
} satisfies OperationTable;
