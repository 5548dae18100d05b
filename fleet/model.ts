/**
 * Shapes shared by the fleet generator's modules: the configuration item exactly as AWS Config writes it in a
 * snapshot file (invocation naming, key order copied from the recorded item in
 * test/fixtures/aws-recorded/eventbridge-config-item-change-sqs-queue.json), and the fleet's accounts.
 */

export interface FleetRelationship {
  resourceId: string;
  resourceName: string | null;
  resourceType: string;
  name: string;
}

/** One configuration item in invocation naming (`awsAccountId`, `ARN`, `configuration` as an object). */
export interface FleetConfigItem {
  relatedEvents: string[];
  relationships: FleetRelationship[];
  configuration: Record<string, unknown>;
  supplementaryConfiguration: Record<string, unknown>;
  tags: Record<string, string>;
  configurationItemVersion: "1.3";
  configurationItemCaptureTime: string;
  /** Config uses the capture time in epoch milliseconds (recorded: 1602023962579 for ...22.579Z). */
  configurationStateId: number;
  awsAccountId: string;
  configurationItemStatus: "OK";
  resourceType: string;
  resourceId: string;
  resourceName: string;
  ARN: string;
  awsRegion: string;
  availabilityZone: string;
  configurationStateMd5Hash: string;
  resourceCreationTime: string;
}

export interface FleetAccount {
  id: string;
  name: string;
  /** Value of the `environment` tag on everything in the account. */
  environment: string;
}

/** What the generator expects the engine to answer for one violated (policy, resource) pair. */
export interface ExpectedResult {
  policyId: string;
  resourceType: string;
  resourceId: string;
  accountId: string;
  region: string;
  compliance: "NON_COMPLIANT" | "EXEMPT";
}

export const FLEET_REGIONS: readonly string[] = ["eu-west-1", "us-east-1"];

/**
 * Reads the JSON string a CI carries for a resource policy (SQS/SNS attribute, S3 policyText, Lambda
 * supplementary Policy) and writes it back after `edit`: mutations work on the document, the CI keeps AWS's
 * encoding.
 */
export function editJsonString<T>(value: unknown, edit: (doc: T) => T): string {
  const doc = JSON.parse(typeof value === "string" ? value : "{}") as T;
  return JSON.stringify(edit(doc));
}

export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: unknown;
  Action: string | string[];
  /** Absent in trust policies. */
  Resource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

export interface PolicyDoc {
  Version: string;
  Id?: string;
  Statement: PolicyStatement[];
}
