import { clientFor } from "../../lib/aws/clients";
import { service as apigateway } from "../../lib/aws/services/apigateway";
import { service as config } from "../../lib/aws/services/config";
import { service as dynamodb } from "../../lib/aws/services/dynamodb";
import { service as lambda } from "../../lib/aws/services/lambda";
import { service as s3 } from "../../lib/aws/services/s3";
import { service as sns } from "../../lib/aws/services/sns";
import { service as sqs } from "../../lib/aws/services/sqs";

/** Shorthands for the tests: the clients Guardrail's own code builds (lib/aws/clients.ts), by service. */
export const apiGatewayClient = (region?: string) => clientFor(apigateway, region);
export const configClient = (region?: string) => clientFor(config, region);
export const dynamoDbClient = (region?: string) => clientFor(dynamodb, region);
export const lambdaClient = (region?: string) => clientFor(lambda, region);
export const s3Client = (region?: string) => clientFor(s3, region);
export const snsClient = (region?: string) => clientFor(sns, region);
export const sqsClient = (region?: string) => clientFor(sqs, region);
