import { partitionOf } from "../../cloudtrail/record";
import { adapterFor } from "../../resources/registry";
import { parseRecordId } from "./decide";
import type { ResourceRefShape } from "./message";

/**
 * Whether a request names one resource, and one this worker may change. A request's resource is named five ways
 * (type, id, ARN, account, Region), and the worker uses each for something else: the id for the AWS calls (the
 * describe, the fix), the ARN for exemptions and the outcome, the account for the circuit breaker, the rate limit
 * and the record's key, the Region for the clients. So all five must name the same resource, and that resource must
 * be in the account and Region the worker runs in: one stack per account and Region, whose IAM role may write only
 * there and whose deployment parameters (the mode cap) and audit bucket are that account's and Region's.
 *
 * What names a resource of a type is its adapter's (lib/resources/types/<type>.ts, built in or from an extension
 * pack): `arn(ref, {})` is the ARN its id names, undefined when the id is not one of the type's; an id that is
 * itself a URL or an ARN (a queue URL, a topic or stage ARN) brings its own account and Region into that ARN.
 * Pure; the worker checks before any AWS call, exemption, rate limit or record.
 */

/** The account and Region a worker runs in: its Lambda function's. */
export interface WorkerHome {
  accountId: string;
  region: string;
}

/** The parts of an ARN (IAM User Guide, "IAM identifiers": arn:partition:service:region:account-id:resource). */
interface ArnParts {
  partition: string;
  service: string;
  region: string;
  accountId: string;
}

const ARN = /^arn:(aws[a-z-]*):([a-z0-9-]+):([a-z0-9-]*):(\d{12}|):(.+)$/;
const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

function parseArn(text: string): ArnParts | undefined {
  const m = ARN.exec(text);
  return m ? { partition: m[1] ?? "", service: m[2] ?? "", region: m[3] ?? "", accountId: m[4] ?? "" } : undefined;
}

/**
 * The worker's account and Region from its Lambda context's `invokedFunctionArn` (Lambda Developer Guide,
 * "Using the Lambda context object in Node.js": arn:aws:lambda:<region>:<account>:function:<name>[:qualifier]);
 * a one-line reason when there is none to read.
 */
export function workerHomeOf(invokedFunctionArn: string | undefined): WorkerHome | string {
  if (!invokedFunctionArn) return "no Lambda context (invokedFunctionArn), so the worker cannot tell its account";
  const arn = parseArn(invokedFunctionArn);
  if (!arn || arn.service !== "lambda" || !ACCOUNT_ID.test(arn.accountId) || !REGION.test(arn.region)) {
    return `invokedFunctionArn ${invokedFunctionArn} is not a Lambda function ARN with a Region and an account`;
  }
  return { accountId: arn.accountId, region: arn.region };
}

/**
 * Whether two ARNs name the same resource. A CloudWatch Logs log group has two spellings of its ARN, with and
 * without a trailing `:*` (CloudWatch Logs API Reference, LogGroup: `arn` and `logGroupArn`); Config records the
 * first, the adapter the second.
 */
function sameArn(a: string, b: string): boolean {
  const bare = (arn: string) => (/^arn:[^:]+:logs:/.test(arn) ? arn.replace(/:\*$/, "") : arn);
  return a === b || bare(a) === bare(b);
}

/** An ARN's parts against the reference's account and Region; `field` names where the ARN came from. */
function arnProblems(field: string, text: string, arn: ArnParts, ref: ResourceRefShape, service: string): string[] {
  const out: string[] = [];
  if (arn.service !== service) {
    out.push(`${field}: ${text} is a ${arn.service} ARN, but a ${ref.type} is a ${service} resource`);
  }
  if (arn.partition !== partitionOf(ref.region)) {
    out.push(
      `${field}: ${text} is in partition ${arn.partition}, but resource.region ${ref.region} is in ${partitionOf(ref.region)}`,
    );
  }
  if (arn.region !== "" && arn.region !== ref.region) {
    out.push(`${field}: ${text} is in Region ${arn.region}, but resource.region says ${ref.region}`);
  }
  if (arn.accountId !== "" && arn.accountId !== ref.accountId) {
    out.push(`${field}: ${text} is in account ${arn.accountId}, but resource.accountId says ${ref.accountId}`);
  }
  return out;
}

/**
 * What is wrong with a request's resource, one line per disagreement, each naming its field (resource.type,
 * resource.id, resource.arn, resource.accountId, resource.region); [] when it names one resource (in `home`, when
 * given: the approval command, which runs outside the worker, checks the request alone).
 */
export function resourceIdentityProblems(ref: ResourceRefShape, home?: WorkerHome): string[] {
  const out: string[] = [];
  if (!ACCOUNT_ID.test(ref.accountId)) out.push(`resource.accountId: "${ref.accountId}" is not an AWS account id`);
  else if (home && ref.accountId !== home.accountId) {
    out.push(`resource.accountId: ${ref.accountId} is not the account this worker runs in (${home.accountId})`);
  }
  // Config records a global resource (an IAM role) with awsRegion "global"; its ARN then has no Region, and any
  // worker of its account may answer for it.
  const global = ref.region === "global" && ref.arn !== undefined && parseArn(ref.arn)?.region === "";
  if (!global && !REGION.test(ref.region)) out.push(`resource.region: "${ref.region}" is not an AWS Region`);
  else if (!global && home && ref.region !== home.region) {
    out.push(`resource.region: ${ref.region} is not the Region this worker runs in (${home.region})`);
  }
  const adapter = adapterFor(ref.type);
  if (!adapter) {
    out.push(
      `resource.type: ${ref.type} is not a resource type this worker knows (built in or from an extension pack)`,
    );
    return out;
  }
  if (out.length > 0) return out;
  const arnService = adapter.arnService ?? adapter.service;

  if (adapter.resourceIdPattern && !adapter.resourceIdPattern.test(ref.id)) {
    return [`resource.id: ${ref.id} is not how AWS Config names a ${ref.type}`];
  }
  const expected = adapter.arn?.(ref, {});
  // A type whose id does not spell its ARN (an RDS cluster's resource id) is held to its id pattern here and to the
  // described ARN after the describe (describedArnProblem).
  if (adapter.arn && expected === undefined && !adapter.resourceIdPattern)
    return [`resource.id: ${ref.id} is not how AWS Config names a ${ref.type}`];
  // A name must not be an ARN (S3 takes access point ARNs for a bucket name, Lambda and DynamoDB take ARNs of other
  // accounts): an id that is an ARN is the resource's own ARN.
  if (ref.id.startsWith("arn:") && expected !== undefined && expected !== ref.id) {
    return [`resource.id: ${ref.id} is an ARN, but a ${ref.type} is named by its name (its ARN would be ${expected})`];
  }
  const named = expected ?? (ref.id.startsWith("arn:") ? ref.id : undefined);
  if (named !== undefined) {
    const parts = parseArn(named);
    if (!parts) return [`resource.id: ${ref.id} does not name a ${ref.type} by an ARN (${named})`];
    out.push(...arnProblems("resource.id", ref.id, parts, ref, arnService));
  }

  if (ref.arn !== undefined) {
    const parts = parseArn(ref.arn);
    if (!parts) out.push(`resource.arn: "${ref.arn}" is not an ARN`);
    else {
      out.push(...arnProblems("resource.arn", ref.arn, parts, ref, arnService));
      if (expected !== undefined && !sameArn(ref.arn, expected)) {
        out.push(`resource.arn: ${ref.arn} is not the ARN of resource.id ${ref.id} (${expected})`);
      }
    }
  }
  return [...new Set(out)];
}

/**
 * What is wrong with an approval release's record id: it names the account and Region of the record it releases
 * (decide.ts recordIdFor), which must be the worker's.
 */
export function recordIdProblems(recordId: string, home: WorkerHome): string[] {
  const where = parseRecordId(recordId);
  if (!where) return [`approvalRecordId: "${recordId}" is not a remediation record id`];
  const out: string[] = [];
  if (where.accountId !== home.accountId) {
    out.push(
      `approvalRecordId: ${recordId} is a record of account ${where.accountId}, not of this worker's (${home.accountId})`,
    );
  }
  if (where.region !== home.region) {
    out.push(
      `approvalRecordId: ${recordId} is a record of Region ${where.region}, not of this worker's (${home.region})`,
    );
  }
  return out;
}

/**
 * After the describe: the resource the id named, as described, must be the one `resource.arn` names. For types whose
 * ARN the id spells this repeats `resourceIdentityProblems`; for the others (RDS resource ids) only the describe can
 * tell.
 */
export function describedArnProblem(ref: ResourceRefShape, document: Record<string, unknown>): string | undefined {
  const described = adapterFor(ref.type)?.arn?.(ref, document);
  if (ref.arn === undefined || described === undefined || sameArn(described, ref.arn)) return undefined;
  return `resource.arn: ${ref.arn} is not the ARN of resource.id ${ref.id} (described: ${described})`;
}
