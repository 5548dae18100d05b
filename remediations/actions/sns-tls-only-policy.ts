import { requireString } from "../../lib/remediation/document";
import { tlsOnlyPolicyAction } from "../../lib/remediation/tls-only";
import { awsCall } from "../../lib/remediation/types";

export const action = tlsOnlyPolicyAction({
  id: "sns-tls-only-policy",
  resourceType: "AWS::SNS::Topic",
  field: "Policy",
  description:
    'Adds the Deny statement of the SNS guide\'s "enforce encryption of data in transit" (Principal "*", Action "SNS:Publish", Resource the topic ARN, Condition Bool aws:SecureTransport "false"; Sid from params, default DenyInsecureTransport) to the topic\'s access policy with SetTopicAttributes AttributeName Policy. Every existing statement is kept as it is; nothing is added when a Deny on aws:SecureTransport "false" already exists. Every topic has a policy, so a document without one was not read completely and the plan refuses rather than replace it. Restore sets the recorded policy text back.',
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
