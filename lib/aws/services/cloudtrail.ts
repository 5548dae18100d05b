import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import type { OperationTable, ServiceDefinition } from "../service";

/** AWS CloudTrail: judged from Config items and its own records; the local account serves its calls to scenarios. */
export const service = {
  name: "cloudtrail",
  serviceId: "CloudTrail",
  package: "@aws-sdk/client-cloudtrail",
  client: CloudTrailClient,
  eventSource: "cloudtrail.amazonaws.com",
  notFound: ["TrailNotFoundException"],
} as const satisfies ServiceDefinition;

export const operations = {} satisfies OperationTable;
