import {
  DeleteBucketEncryptionCommand,
  DeleteBucketPolicyCommand,
  DeletePublicAccessBlockCommand,
  PutBucketEncryptionCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import type { OperationTable, ServiceDefinition } from "../service";

/**
 * Amazon S3. Bucket ARNs carry no account, so every statement on them adds an aws:ResourceAccount condition. IAM
 * actions differ from operation names for the sub-resources (Amazon S3 User Guide, "Amazon S3 actions"):
 * GetPublicAccessBlock is s3:GetBucketPublicAccessBlock, the encryption calls are s3:*EncryptionConfiguration.
 */
export const service = {
  name: "s3",
  serviceId: "S3",
  package: "@aws-sdk/client-s3",
  client: S3Client,
  // An emulator on 127.0.0.1 has no bucket subdomains.
  clientConfig: (settings) => (settings.endpoint ? { forcePathStyle: true } : {}),
  eventSource: "s3.amazonaws.com",
  notFound: ["NoSuchBucket"],
} as const satisfies ServiceDefinition;

const BUCKETS = ["arn:${AWS::Partition}:s3:::*"];

// Object literals only, no spreads or helper calls: a bundle that imports `service` alone drops this whole table.
// The Delete* calls put a bucket back as it was (an action's restore, `guardrail remediation undo`): no role sends them.

export const operations = {
  GetBucketEncryption: {
    action: "s3:GetEncryptionConfiguration",
    access: "read",
    resources: BUCKETS,
    resourceAccount: true,
  },
  GetBucketLogging: { action: "s3:GetBucketLogging", access: "read", resources: BUCKETS, resourceAccount: true },
  GetBucketPolicy: { action: "s3:GetBucketPolicy", access: "read", resources: BUCKETS, resourceAccount: true },
  GetBucketTagging: { action: "s3:GetBucketTagging", access: "read", resources: BUCKETS, resourceAccount: true },
  GetBucketVersioning: { action: "s3:GetBucketVersioning", access: "read", resources: BUCKETS, resourceAccount: true },
  GetPublicAccessBlock: {
    action: "s3:GetBucketPublicAccessBlock",
    access: "read",
    resources: BUCKETS,
    resourceAccount: true,
  },
  PutPublicAccessBlock: {
    action: "s3:PutBucketPublicAccessBlock",
    access: "write",
    resources: BUCKETS,
    resourceAccount: true,
    command: PutPublicAccessBlockCommand,
    service,
  },
  DeletePublicAccessBlock: {
    action: "s3:PutBucketPublicAccessBlock",
    access: "restore",
    resources: BUCKETS,
    resourceAccount: true,
    command: DeletePublicAccessBlockCommand,
    service,
  },
  PutBucketEncryption: {
    action: "s3:PutEncryptionConfiguration",
    access: "write",
    resources: BUCKETS,
    resourceAccount: true,
    command: PutBucketEncryptionCommand,
    service,
  },
  DeleteBucketEncryption: {
    action: "s3:PutEncryptionConfiguration",
    access: "restore",
    resources: BUCKETS,
    resourceAccount: true,
    command: DeleteBucketEncryptionCommand,
    service,
  },
  PutBucketVersioning: {
    action: "s3:PutBucketVersioning",
    access: "write",
    resources: BUCKETS,
    resourceAccount: true,
    command: PutBucketVersioningCommand,
    service,
  },
  PutBucketPolicy: {
    action: "s3:PutBucketPolicy",
    access: "write",
    resources: BUCKETS,
    resourceAccount: true,
    command: PutBucketPolicyCommand,
    service,
  },
  DeleteBucketPolicy: {
    action: "s3:DeleteBucketPolicy",
    access: "restore",
    resources: BUCKETS,
    resourceAccount: true,
    command: DeleteBucketPolicyCommand,
    service,
  },
  GetObject: { action: "s3:GetObject", access: "own" },
  PutObject: { action: "s3:PutObject", access: "own" },
  ListObjectsV2: { action: "s3:ListBucket", access: "own" },
} satisfies OperationTable;
