import { tlsOnlyPolicyAction } from "../../lib/remediation/tls-only";
import { queueArnOf, requireString } from "../../lib/remediation/document";
import { awsCall } from "../../lib/remediation/types";

export const action = tlsOnlyPolicyAction({
  id: "sqs-tls-only-policy",
  resourceType: "AWS::SQS::Queue",
  field: "Policy",
  textField: "PolicyText",
  description:
    'Adds a Deny statement for every request made without TLS (Principal "*", Action "sqs:*", Resource the queue ARN, Condition Bool aws:SecureTransport "false"; Sid from params, default DenyInsecureTransport) to the queue\'s access policy with SetQueueAttributes Policy: the statement is inserted into the policy text GetQueueAttributes returned and every other byte of it is kept; nothing is added when an equally broad Deny on aws:SecureTransport "false" already exists; a policy text a JSON reader could misread (a key twice, a number a double cannot hold, a Statement that is not statements) is refused, naming where; a queue without a policy gets one holding only this statement. Restore sets the recorded policy text back exactly, or removes the policy (Policy "") when the queue had none.',
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
