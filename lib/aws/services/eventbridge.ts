import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import type { OperationTable, ServiceDefinition } from "../service";

/** Amazon EventBridge: the worker puts its outcomes on the default bus. IAM prefix `events`. */
export const service = {
  name: "events",
  serviceId: "EventBridge",
  package: "@aws-sdk/client-eventbridge",
  client: EventBridgeClient,
  eventSource: "events.amazonaws.com",
  notFound: [],
} as const satisfies ServiceDefinition;

export const operations = {
  PutEvents: { action: "events:PutEvents", access: "own" },
} satisfies OperationTable;
