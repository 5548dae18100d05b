import { tlsOnlyPolicyAction } from "../../lib/remediation/tls-only";
import { queueArnOf, requireString } from "../../lib/remediation/document";
import { awsCall } from "../../lib/remediation/types";

export const action = tlsOnlyPolicyAction({
  id: "sqs-tls-only-policy",
  resourceType: "AWS::SQS::Queue",
  field: "Policy",
  description:
    'Adds a Deny statement for every request made without TLS (Principal "*", Action "sqs:*", Resource the queue ARN, Condition Bool aws:SecureTransport "false"; Sid from params, default DenyInsecureTransport) to the queue\'s access policy with SetQueueAttributes Policy. Every existing statement is kept as it is; nothing is added when a Deny on aws:SecureTransport "false" already exists; a queue without a policy gets one holding only this statement. Restore sets the recorded policy text back, or removes the policy (Policy "") when the queue had none.',
  absentMeansNone: true,
  statement: (resource) => ({ action: "sqs:*", resource: queueArnOf("sqs-tls-only-policy", resource) }),
  put: (resource, text) => [
    awsCall("sqs", "SetQueueAttributes", {
      QueueUrl: requireString("sqs-tls-only-policy", resource, "QueueUrl"),
      Attributes: { Policy: text },
    }),
  ],
  remove: (resource) => [
    awsCall("sqs", "SetQueueAttributes", {
      QueueUrl: requireString("sqs-tls-only-policy", resource, "QueueUrl"),
      Attributes: { Policy: "" },
    }),
  ],
});
