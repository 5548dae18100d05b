import { APIGatewayClient } from "@aws-sdk/client-api-gateway";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { S3Client } from "@aws-sdk/client-s3";
import { SNSClient } from "@aws-sdk/client-sns";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { AwsService } from "../remediation/types";
import { addRouting, currentRouter } from "./clients";

/**
 * SDK clients for the remediation executor, one per service and Region, created on first use. Credentials and the
 * default Region come from the SDK's usual chain (the Lambda role, a profile); GUARDRAIL_AWS_ENDPOINT sends every
 * call to one endpoint instead (moto server in the integration tests), with path-style S3 addressing, since an
 * emulator on 127.0.0.1 has no bucket subdomains.
 */
export interface RemediationClients {
  apigateway: APIGatewayClient;
  sqs: SQSClient;
  sns: SNSClient;
  s3: S3Client;
  dynamodb: DynamoDBClient;
  lambda: LambdaClient;
}

type Config = { region?: string; endpoint?: string };

const factories: { [S in AwsService]: (config: Config) => RemediationClients[S] } = {
  apigateway: (c) => new APIGatewayClient(c),
  sqs: (c) => new SQSClient(c),
  sns: (c) => new SNSClient(c),
  s3: (c) => new S3Client({ ...c, ...(c.endpoint ? { forcePathStyle: true } : {}) }),
  dynamodb: (c) => new DynamoDBClient(c),
  lambda: (c) => new LambdaClient(c),
};

const cache = new Map<string, RemediationClients[AwsService]>();

/** The client for a service (and Region: the resource's; omitted, the SDK's default Region). */
export function remediationClient<S extends AwsService>(service: S, region?: string): RemediationClients[S] {
  const endpoint = process.env.GUARDRAIL_AWS_ENDPOINT || undefined;
  const key = `${service}|${region ?? ""}|${endpoint ?? ""}`;
  let client = cache.get(key);
  if (!client) {
    const config: Config = {};
    if (region) config.region = region;
    if (endpoint) config.endpoint = endpoint;
    // The same routing seam as lib/aws/clients.ts: the local account answers these clients too.
    client = addRouting(factories[service](config), currentRouter);
    cache.set(key, client);
  }
  return client as RemediationClients[S];
}

/** Destroys and forgets every client (tests that change GUARDRAIL_AWS_ENDPOINT, or a process shutting down). */
export function resetRemediationClients(): void {
  for (const c of cache.values()) c.destroy();
  cache.clear();
}
