import { sdkPackages } from "../sdk-packages";

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

let services: Map<string, ServiceErrors> | undefined;

/** Each service's errors, by serviceId: its package's base exception (`<Client>ServiceException`) and exports. */
function serviceErrors(serviceId: string): ServiceErrors | undefined {
  if (!services) {
    services = new Map();
    for (const [id, { pkg, client }] of Object.entries(sdkPackages())) {
      const base = pkg[client.replace(/Client$/, "ServiceException")];
      if (typeof base === "function") services.set(id, { base: base as ServiceExceptionClass, module: pkg });
    }
  }
  return services.get(serviceId);
}

/** An AWS error of `service` ("API Gateway", "SQS", ...), thrown by the operations; `status` is the HTTP status. */
export function awsError(service: string, name: string, message: string, status = 400): Error {
  const errors = serviceErrors(service);
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
