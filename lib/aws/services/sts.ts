import { STSClient } from "@aws-sdk/client-sts";
import type { OperationTable, ServiceDefinition } from "../service";

/**
 * AWS Security Token Service, for the CLI's question "which account are these credentials in?" (GetCallerIdentity:
 * `scan --live`, who approves a fix). GetCallerIdentity needs no permission (AWS STS API Reference,
 * GetCallerIdentity), so no role is granted anything for it and the table is empty.
 */
export const service = {
  name: "sts",
  serviceId: "STS",
  package: "@aws-sdk/client-sts",
  client: STSClient,
  eventSource: "sts.amazonaws.com",
  notFound: [],
} as const satisfies ServiceDefinition;

export const operations = {} satisfies OperationTable;
