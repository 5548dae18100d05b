import type { ServerSideEncryption, ServerSideEncryptionRule } from "@aws-sdk/client-s3";
import type { Resource } from "../../lib/resources/adapter";
import { assertParams, expectedBucketOwner, jsonEqual, obj, requireString, str } from "../../lib/remediation/document";
import { awsCall, type AwsCall, type RemediationAction, type RemediationParams } from "../../lib/remediation/types";

const ALGORITHMS = ["AES256", "aws:kms", "aws:kms:dsse"];
const KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

function problemsOf(params: RemediationParams): string[] {
  const problems: string[] = [];
  const alg = params.SSEAlgorithm;
  const key = params.KMSMasterKeyID;
  if (alg !== undefined && !ALGORITHMS.includes(alg as string))
    problems.push(`SSEAlgorithm must be one of ${ALGORITHMS.join(", ")}`);
  if (key !== undefined && (typeof key !== "string" || !KEY_ARN.test(key))) {
    // S3 does not validate the key, and an alias resolves in the requester's account: only a key ARN is safe.
    problems.push("KMSMasterKeyID must be a full KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)");
  }
  if (key !== undefined && alg === "AES256") problems.push("KMSMasterKeyID needs SSEAlgorithm aws:kms or aws:kms:dsse");
  if (params.BucketKeyEnabled !== undefined && typeof params.BucketKeyEnabled !== "boolean") {
    problems.push("BucketKeyEnabled must be true or false");
  }
  return problems;
}

/** The rule to set: SSE-S3 (AES256) unless the params give a KMS key ARN. */
function targetRule(params: RemediationParams): ServerSideEncryptionRule {
  const key = typeof params.KMSMasterKeyID === "string" ? params.KMSMasterKeyID : undefined;
  const alg = (
    typeof params.SSEAlgorithm === "string" ? params.SSEAlgorithm : key ? "aws:kms" : "AES256"
  ) as ServerSideEncryption;
  const algorithm: ServerSideEncryption = key && alg === "AES256" ? "aws:kms" : alg;
  return {
    ApplyServerSideEncryptionByDefault: { SSEAlgorithm: algorithm, ...(key ? { KMSMasterKeyID: key } : {}) },
    ...(typeof params.BucketKeyEnabled === "boolean" ? { BucketKeyEnabled: params.BucketKeyEnabled } : {}),
  };
}

/** The document's rules in SDK naming; undefined when no configuration was recorded. */
function rulesOf(resource: Resource): ServerSideEncryptionRule[] | undefined {
  const sse = obj(resource.document.serverSideEncryptionConfiguration);
  if (!sse) return undefined;
  const rules = Array.isArray(sse.rules) ? sse.rules : [];
  return rules.map((r: unknown) => {
    const rule = obj(r) ?? {};
    const d = obj(rule.applyServerSideEncryptionByDefault);
    const alg = str(d?.sseAlgorithm);
    const key = str(d?.kmsMasterKeyID);
    return {
      ...(d
        ? {
            ApplyServerSideEncryptionByDefault: {
              SSEAlgorithm: alg as ServerSideEncryption,
              ...(key ? { KMSMasterKeyID: key } : {}),
            },
          }
        : {}),
      ...(typeof rule.bucketKeyEnabled === "boolean" ? { BucketKeyEnabled: rule.bucketKeyEnabled } : {}),
    };
  });
}

const bucket = (resource: Resource) => ({
  Bucket: requireString(action.id, resource, "name"),
  ...expectedBucketOwner(resource),
});

export const action: RemediationAction = {
  id: "s3-default-encryption",
  resourceTypes: ["AWS::S3::Bucket"],
  description:
    "Sets the bucket's default encryption with PutBucketEncryption: SSE-S3 (AES256) unless the params give a KMS key ARN (KMSMasterKeyID, then aws:kms or the SSEAlgorithm given; an alias is refused because it resolves in the caller's account, and S3 does not check the key). A bucket that already has an AES256, aws:kms or aws:kms:dsse default keeps it: KMS is never replaced by SSE-S3. Affects new objects only. Restore puts the recorded rules back, or deletes the configuration (DeleteBucketEncryption, after which S3 applies its SSE-S3 default) when none was recorded.",
  params: {
    type: "object",
    additionalProperties: false,
    properties: {
      SSEAlgorithm: { enum: [...ALGORITHMS] },
      KMSMasterKeyID: { type: "string", pattern: "^arn:aws[a-z-]*:kms:" },
      BucketKeyEnabled: { type: "boolean" },
    },
  },
  checkParams: problemsOf,
  plan(resource, params) {
    assertParams(action, params);
    const rules = rulesOf(resource) ?? [];
    if (rules.some((r) => ALGORITHMS.includes(r.ApplyServerSideEncryptionByDefault?.SSEAlgorithm ?? ""))) return [];
    return [
      awsCall("s3", "PutBucketEncryption", {
        ...bucket(resource),
        ServerSideEncryptionConfiguration: { Rules: [targetRule(params)] },
      }),
    ];
  },
  restore(before, after): AwsCall[] {
    const was = rulesOf(before);
    if (jsonEqual(was, rulesOf(after))) return [];
    if (was === undefined || was.length === 0) return [awsCall("s3", "DeleteBucketEncryption", bucket(before))];
    return [
      awsCall("s3", "PutBucketEncryption", { ...bucket(before), ServerSideEncryptionConfiguration: { Rules: was } }),
    ];
  },
};
