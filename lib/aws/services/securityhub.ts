import { SecurityHubClient } from "@aws-sdk/client-securityhub";
import type { OperationTable, ServiceDefinition } from "../service";

/** AWS Security Hub: where the deployed pipeline imports its findings (lib/aws/securityhub.ts), when it is asked to. */
export const service = {
  name: "securityhub",
  serviceId: "SecurityHub",
  package: "@aws-sdk/client-securityhub",
  client: SecurityHubClient,
  eventSource: "securityhub.amazonaws.com",
  notFound: ["ResourceNotFoundException"],
} as const satisfies ServiceDefinition;

export const operations = {
  // Granted by deploy/iam.js on the account's own default product ARN only, and only with the securityHub option.
  BatchImportFindings: { action: "securityhub:BatchImportFindings", access: "own" },
} satisfies OperationTable;
