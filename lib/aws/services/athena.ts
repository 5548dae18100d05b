import { AthenaClient } from "@aws-sdk/client-athena";
import type { OperationTable, ServiceDefinition } from "../service";

/** Amazon Athena: `guardrail audit --engine athena` (the CLI only; no deployed function queries it). */
export const service = {
  name: "athena",
  serviceId: "Athena",
  package: "@aws-sdk/client-athena",
  client: AthenaClient,
  eventSource: "athena.amazonaws.com",
  notFound: [],
} as const satisfies ServiceDefinition;

export const operations = {
  StartQueryExecution: { action: "athena:StartQueryExecution", access: "own" },
  GetQueryExecution: { action: "athena:GetQueryExecution", access: "own" },
  GetQueryResults: { action: "athena:GetQueryResults", access: "own" },
} satisfies OperationTable;
