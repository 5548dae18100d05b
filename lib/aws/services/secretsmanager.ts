import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { OperationTable, ServiceDefinition } from "../service";

/**
 * AWS Secrets Manager. An unknown or deleted secret is ResourceNotFoundException (Secrets Manager API Reference,
 * DescribeSecret Errors). Guardrail only reads secrets: every fix it could make needs a rotation function.
 */
export const service = {
  name: "secretsmanager",
  serviceId: "Secrets Manager",
  package: "@aws-sdk/client-secrets-manager",
  client: SecretsManagerClient,
  eventSource: "secretsmanager.amazonaws.com",
  notFound: ["ResourceNotFoundException"],
} as const satisfies ServiceDefinition;

const SECRETS = ["arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:*"];

export const operations = {
  DescribeSecret: { action: "secretsmanager:DescribeSecret", access: "read", resources: SECRETS },
} satisfies OperationTable;
