import { assertParams, obj, queueArnOf, requireString, str } from "../../lib/remediation/document";
import {
  awsCall,
  PlanError,
  type AwsCall,
  type RemediationAction,
  type RemediationParams,
} from "../../lib/remediation/types";
import type { Resource } from "../../lib/resources/adapter";

const DEFAULT_SUFFIX = "-dlq";
const DEFAULT_MAX_RECEIVE = 5;

function problemsOf(params: RemediationParams): string[] {
  const problems: string[] = [];
  const n = params.maxReceiveCount;
  if (n !== undefined && !(Number.isInteger(Number(n)) && Number(n) >= 1 && Number(n) <= 1000)) {
    problems.push("maxReceiveCount must be an integer from 1 to 1000");
  }
  const suffix = params.deadLetterQueueSuffix;
  if (suffix !== undefined && (typeof suffix !== "string" || !/^[A-Za-z0-9_-]+$/.test(suffix))) {
    problems.push("deadLetterQueueSuffix must be letters, digits, - or _");
  }
  const arn = params.deadLetterTargetArn;
  if (arn !== undefined && (typeof arn !== "string" || !/^arn:aws[a-z-]*:sqs:/.test(arn))) {
    problems.push("deadLetterTargetArn must be an SQS queue ARN");
  }
  return problems;
}

/** The dead-letter queue: params.deadLetterTargetArn, else the queue's own name plus the suffix (before ".fifo"). */
function deadLetterArn(resource: Resource, params: RemediationParams): string {
  if (typeof params.deadLetterTargetArn === "string") return params.deadLetterTargetArn;
  const suffix = typeof params.deadLetterQueueSuffix === "string" ? params.deadLetterQueueSuffix : DEFAULT_SUFFIX;
  const arn = queueArnOf(action.id, resource);
  const m = /^(.*?)(\.fifo)?$/.exec(arn);
  return `${m?.[1] ?? arn}${suffix}${m?.[2] ?? ""}`;
}

export const action: RemediationAction = {
  id: "sqs-set-redrive-policy",
  resourceTypes: ["AWS::SQS::Queue"],
  description:
    'Gives a queue without a redrive policy a dead-letter queue (SetQueueAttributes RedrivePolicy {deadLetterTargetArn, maxReceiveCount}): the DLQ is params.deadLetterTargetArn, or the queue\'s own name plus params.deadLetterQueueSuffix (default -dlq, before .fifo for FIFO queues), in the same account and Region; maxReceiveCount from params (default 5). The DLQ must already exist: the action does not create queues, and SQS rejects a redrive policy naming a queue that does not exist (so nothing changes). An existing redrive policy is never replaced. Restore sets the recorded policy back, or removes it (RedrivePolicy "") when the queue had none.',
  params: {
    type: "object",
    additionalProperties: false,
    properties: {
      maxReceiveCount: { type: ["integer", "string"] },
      deadLetterQueueSuffix: { type: "string", pattern: "^[A-Za-z0-9_-]+$" },
      deadLetterTargetArn: { type: "string", pattern: "^arn:aws[a-z-]*:sqs:" },
    },
  },
  checkParams: problemsOf,
  plan(resource, params) {
    assertParams(action, params);
    if (str(obj(resource.document.RedrivePolicy)?.deadLetterTargetArn)) return [];
    const dlq = deadLetterArn(resource, params);
    if (dlq === queueArnOf(action.id, resource))
      throw new PlanError(action.id, "a queue cannot be its own dead-letter queue");
    const maxReceiveCount = params.maxReceiveCount !== undefined ? Number(params.maxReceiveCount) : DEFAULT_MAX_RECEIVE;
    return [
      awsCall("sqs", "SetQueueAttributes", {
        QueueUrl: requireString(action.id, resource, "QueueUrl"),
        Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq, maxReceiveCount }) },
      }),
    ];
  },
  restore(before, after): AwsCall[] {
    const was = before.document.RedrivePolicy;
    const is = after.document.RedrivePolicy;
    if (JSON.stringify(was) === JSON.stringify(is)) return [];
    const text = was === undefined ? "" : typeof was === "string" ? was : JSON.stringify(was);
    return [
      awsCall("sqs", "SetQueueAttributes", {
        QueueUrl: requireString(action.id, before, "QueueUrl"),
        Attributes: { RedrivePolicy: text },
      }),
    ];
  },
};
