import * as apigateway from "@aws-sdk/client-api-gateway";
import * as cloudtrail from "@aws-sdk/client-cloudtrail";
import * as configService from "@aws-sdk/client-config-service";
import * as dynamodb from "@aws-sdk/client-dynamodb";
import * as eventbridge from "@aws-sdk/client-eventbridge";
import * as lambda from "@aws-sdk/client-lambda";
import * as s3 from "@aws-sdk/client-s3";
import * as sns from "@aws-sdk/client-sns";
import * as sqs from "@aws-sdk/client-sqs";

/**
 * The SDK packages of the services the local account serves, by `client.config.serviceId`, with their client
 * class's name: where a scenario's calls and the loop bench's SDK floor find `<Operation>Command` and the client.
 */
export type SdkPackage = Record<string, unknown>;

export const SDK_PACKAGES: Readonly<Record<string, { pkg: SdkPackage; client: string }>> = {
  "API Gateway": { pkg: apigateway, client: "APIGatewayClient" },
  CloudTrail: { pkg: cloudtrail, client: "CloudTrailClient" },
  "Config Service": { pkg: configService, client: "ConfigServiceClient" },
  DynamoDB: { pkg: dynamodb, client: "DynamoDBClient" },
  EventBridge: { pkg: eventbridge, client: "EventBridgeClient" },
  Lambda: { pkg: lambda, client: "LambdaClient" },
  S3: { pkg: s3, client: "S3Client" },
  SNS: { pkg: sns, client: "SNSClient" },
  SQS: { pkg: sqs, client: "SQSClient" },
};
