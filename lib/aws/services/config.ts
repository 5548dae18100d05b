import { ConfigServiceClient } from "@aws-sdk/client-config-service";
import type { OperationTable, ServiceDefinition } from "../service";

/**
 * AWS Config. The calls the Config rule makes have no resource-level permissions (AWS Config Developer Guide,
 * "Actions, resources, and condition keys for AWS Config"): each role grants them on "*".
 */
export const service = {
  name: "config",
  serviceId: "Config Service",
  package: "@aws-sdk/client-config-service",
  client: ConfigServiceClient,
  eventSource: "config.amazonaws.com",
  notFound: ["ResourceNotDiscoveredException"],
} as const satisfies ServiceDefinition;

export const operations = {
  PutEvaluations: { action: "config:PutEvaluations", access: "own" },
  GetResourceConfigHistory: { action: "config:GetResourceConfigHistory", access: "own" },
  BatchGetResourceConfig: { action: "config:BatchGetResourceConfig", access: "own" },
  ListDiscoveredResources: { action: "config:ListDiscoveredResources", access: "own" },
  GetComplianceDetailsByConfigRule: { action: "config:GetComplianceDetailsByConfigRule", access: "own" },
} satisfies OperationTable;
