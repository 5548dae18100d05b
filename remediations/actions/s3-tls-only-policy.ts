import type { Resource } from "../../lib/resources/adapter";
import { expectedBucketOwner, partitionOf, requireString } from "../../lib/remediation/document";
import { tlsOnlyPolicyAction } from "../../lib/remediation/tls-only";
import { awsCall } from "../../lib/remediation/types";

const ID = "s3-tls-only-policy";

function bucketArn(resource: Resource): string {
  return `arn:${partitionOf(resource)}:s3:::${requireString(ID, resource, "name")}`;
}

export const action = tlsOnlyPolicyAction({
  id: ID,
  resourceType: "AWS::S3::Bucket",
  field: "policy",
  textField: "policyText",
  description:
    'Adds the TLS-only Deny statement of AWS\'s s3-bucket-ssl-requests-only guidance (Principal "*", Action "s3:*", Resource the bucket and its objects, Condition Bool aws:SecureTransport "false"; Sid from params, default DenyInsecureTransport) to the bucket policy with PutBucketPolicy, which replaces the whole policy: the statement is inserted into the policy text GetBucketPolicy returned and every other byte of it is kept; nothing is added when an equally broad Deny on aws:SecureTransport "false" already exists. A policy text a JSON reader could misread (a key twice, a number a double cannot hold, a Statement that is not statements) is refused, naming where. A bucket without a policy gets one holding only this statement. ExpectedBucketOwner is the resource\'s account; ConfirmRemoveSelfBucketAccess is never set. Restore puts the recorded policy text back exactly, or deletes the policy (DeleteBucketPolicy) when the bucket had none.',
  absentMeansNone: true,
  statement: (resource) => ({ action: "s3:*", resource: [bucketArn(resource), `${bucketArn(resource)}/*`] }),
  put: (resource, text) => [
    awsCall("s3", "PutBucketPolicy", {
      Bucket: requireString(ID, resource, "name"),
      Policy: text,
      ...expectedBucketOwner(resource),
    }),
  ],
  remove: (resource) => [
    awsCall("s3", "DeleteBucketPolicy", {
      Bucket: requireString(ID, resource, "name"),
      ...expectedBucketOwner(resource),
    }),
  ],
});
