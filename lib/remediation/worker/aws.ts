import { GetStagesCommand } from "@aws-sdk/client-api-gateway";
import { CloudFormationServiceException, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { ChangeMessageVisibilityCommand } from "@aws-sdk/client-sqs";
import { clientFor } from "../../aws/clients";
import { service as apigateway } from "../../aws/services/apigateway";
import { service as cloudformation } from "../../aws/services/cloudformation";
import { service as sqs } from "../../aws/services/sqs";

/**
 * The worker's small AWS reads and writes that are neither describe, record nor outcome.
 */

/**
 * The status of the CloudFormation stack a resource's `aws:cloudformation:stack-name` tag names (DescribeStacks
 * StackStatus, e.g. UPDATE_IN_PROGRESS), for the grace period (decide.ts graceDecision); undefined when the stack
 * does not exist (DescribeStacks answers a ValidationError "Stack with id X does not exist") or cannot be read:
 * the grace period then falls back to the request's age, which only ever waits, never fixes sooner.
 * IAM: cloudformation:DescribeStacks on arn:aws:cloudformation:<region>:<account>:stack/<stack-name>/<stack-id> (any stack: the tag may name any).
 */
export async function stackStatus(
  stackName: string,
  region: string,
  log?: { warn(message: string, fields: Record<string, unknown>): void },
): Promise<string | undefined> {
  try {
    const out = await clientFor(cloudformation, region).send(new DescribeStacksCommand({ StackName: stackName }));
    return out.Stacks?.[0]?.StackStatus;
  } catch (e) {
    const missing = e instanceof CloudFormationServiceException && /does not exist/.test(e.message);
    if (!missing) log?.warn("stack status unknown: grace period by the request's age", { stackName, region, error: e });
    return undefined;
  }
}

/**
 * The REST API's stage names (GetStages), which the actions that redeploy take as the runtime param `stageNames`
 * (lib/remediation/apigateway.ts stageNamesFor). IAM: apigateway:GET on arn:aws:apigateway:<region>::/restapis/*.
 */
export async function restApiStageNames(restApiId: string, region: string): Promise<string[]> {
  const out = await clientFor(apigateway, region).send(new GetStagesCommand({ restApiId }));
  return (out.item ?? []).map((s) => s.stageName).filter((n): n is string => typeof n === "string" && n !== "");
}

/** `https://sqs.<region>.amazonaws.com/<account>/<name>` from a queue ARN (`arn:aws:sqs:<region>:<account>:<name>`). */
export function queueUrlOf(queueArn: string): string | undefined {
  const m = /^arn:aws[a-z-]*:sqs:([a-z0-9-]+):(\d{12}):(.+)$/.exec(queueArn);
  if (!m) return undefined;
  const [, region, account, name] = m;
  const host = region?.startsWith("cn-") ? `sqs.${region}.amazonaws.com.cn` : `sqs.${region}.amazonaws.com`;
  return `https://${host}/${account}/${name}`;
}

/** Visibility timeouts are at most 12 hours. */
export const MAX_VISIBILITY_SECONDS = 43200;

/**
 * Makes a deferred message visible again after `seconds` (ChangeMessageVisibility on its receipt handle), instead
 * of after the queue's visibility timeout: a grace period or rate-limit deferral comes back when it is due and
 * costs one receive. IAM: sqs:ChangeMessageVisibility on the queue.
 */
export async function deferMessage(
  queueArn: string,
  receiptHandle: string,
  seconds: number,
  region?: string,
): Promise<void> {
  const url = queueUrlOf(queueArn);
  if (!url) throw new Error(`not an SQS queue ARN: ${queueArn}`);
  const VisibilityTimeout = Math.min(MAX_VISIBILITY_SECONDS, Math.max(1, Math.ceil(seconds)));
  await clientFor(sqs, region).send(
    new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: receiptHandle, VisibilityTimeout }),
  );
}
