import { APIGatewayServiceException } from "@aws-sdk/client-api-gateway";
import { CloudFormationServiceException } from "@aws-sdk/client-cloudformation";
import { CloudTrailServiceException } from "@aws-sdk/client-cloudtrail";
import { ConfigServiceServiceException } from "@aws-sdk/client-config-service";
import { DynamoDBServiceException } from "@aws-sdk/client-dynamodb";
import { LambdaServiceException } from "@aws-sdk/client-lambda";
import { S3ServiceException } from "@aws-sdk/client-s3";
import { SNSServiceException } from "@aws-sdk/client-sns";
import { SQSServiceException } from "@aws-sdk/client-sqs";
import * as apigateway from "@aws-sdk/client-api-gateway";
import * as cloudformation from "@aws-sdk/client-cloudformation";
import * as cloudtrail from "@aws-sdk/client-cloudtrail";
import * as config from "@aws-sdk/client-config-service";
import * as dynamodb from "@aws-sdk/client-dynamodb";
import * as lambda from "@aws-sdk/client-lambda";
import * as s3 from "@aws-sdk/client-s3";
import * as sns from "@aws-sdk/client-sns";
import * as sqs from "@aws-sdk/client-sqs";

/**
 * AWS errors as the SDK raises them: a modelled error is an instance of the service's own exception class
 * (`NotFoundException` of @aws-sdk/client-api-gateway, `QueueDoesNotExist` of @aws-sdk/client-sqs); an error the
 * service model does not list (S3's NoSuchBucketPolicy, AccessDenied) is the service's base exception with the
 * error code as its name, which is what the SDK's deserialiser builds for an unmodelled code. Either way
 * `name`, `message`, `$fault` and `$metadata.httpStatusCode` are set as on the wire.
 */

type ServiceExceptionClass = new (options: {
  name: string;
  $fault: "client" | "server";
  $metadata: { httpStatusCode?: number; requestId?: string };
  message?: string;
}) => Error;

interface ServiceErrors {
  base: ServiceExceptionClass;
  /** The package's exports, where a modelled exception class is looked up by name. */
  module: Record<string, unknown>;
}

const SERVICES: Record<string, ServiceErrors> = {
  "API Gateway": { base: APIGatewayServiceException as unknown as ServiceExceptionClass, module: apigateway },
  SQS: { base: SQSServiceException as unknown as ServiceExceptionClass, module: sqs },
  SNS: { base: SNSServiceException as unknown as ServiceExceptionClass, module: sns },
  S3: { base: S3ServiceException as unknown as ServiceExceptionClass, module: s3 },
  Lambda: { base: LambdaServiceException as unknown as ServiceExceptionClass, module: lambda },
  DynamoDB: { base: DynamoDBServiceException as unknown as ServiceExceptionClass, module: dynamodb },
  "Config Service": { base: ConfigServiceServiceException as unknown as ServiceExceptionClass, module: config },
  CloudFormation: {
    base: CloudFormationServiceException as unknown as ServiceExceptionClass,
    module: cloudformation,
  },
  CloudTrail: { base: CloudTrailServiceException as unknown as ServiceExceptionClass, module: cloudtrail },
};

/** An AWS error of `service` ("API Gateway", "SQS", ...), thrown by the operations; `status` is the HTTP status. */
export function awsError(service: string, name: string, message: string, status = 400): Error {
  const errors = SERVICES[service];
  const $metadata = { httpStatusCode: status, attempts: 1, totalRetryDelay: 0 };
  const $fault = status >= 500 ? "server" : "client";
  if (!errors) {
    return Object.assign(new Error(message), { name, $fault, $metadata });
  }
  const modelled = errors.module[name];
  if (typeof modelled === "function" && modelled.prototype instanceof errors.base) {
    const Modelled = modelled as new (o: { $metadata: object; message: string }) => Error;
    const e = new Modelled({ $metadata, message });
    return e;
  }
  return new errors.base({ name, $fault, $metadata, message });
}

/** The AWS error code of a thrown error (its name), for the CloudTrail record. */
export function errorCodeOf(e: unknown): string {
  return typeof e === "object" && e !== null && typeof (e as { name?: unknown }).name === "string"
    ? (e as { name: string }).name
    : "InternalFailure";
}

/** Whether `e` is an AWS error (thrown by an operation) rather than a defect of the local account. */
export function isAwsError(e: unknown): boolean {
  return typeof e === "object" && e !== null && "$fault" in e && "$metadata" in e;
}
