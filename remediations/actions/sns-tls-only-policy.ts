import { requireString } from "../../lib/remediation/document";
import { tlsOnlyPolicyAction } from "../../lib/remediation/tls-only";
import { awsCall } from "../../lib/remediation/types";

export const action = tlsOnlyPolicyAction({
  id: "sns-tls-only-policy",
  resourceType: "AWS::SNS::Topic",
  field: "Policy",
  textField: "PolicyText",
  description:
    'Adds the Deny statement of the SNS guide\'s "enforce encryption of data in transit" (Principal "*", Action "SNS:Publish", Resource the topic ARN, Condition Bool aws:SecureTransport "false"; Sid from params, default DenyInsecureTransport) to the topic\'s access policy with SetTopicAttributes AttributeName Policy: the statement is inserted into the policy text GetTopicAttributes returned and every other byte of it is kept; nothing is added when an equally broad Deny on aws:SecureTransport "false" already exists; a policy text a JSON reader could misread (a key twice, a number a double cannot hold, a Statement that is not statements) is refused, naming where. Every topic has a policy, so a document without one was not read completely and the plan refuses rather than replace it. Restore sets the recorded policy text back exactly.',
  absentMeansNone: false,
  statement: (resource) => ({
    action: "SNS:Publish",
    resource: requireString("sns-tls-only-policy", resource, "TopicArn"),
  }),
  put: (resource, text) => [
    awsCall("sns", "SetTopicAttributes", {
      TopicArn: requireString("sns-tls-only-policy", resource, "TopicArn"),
      AttributeName: "Policy",
      AttributeValue: text,
    }),
  ],
});
