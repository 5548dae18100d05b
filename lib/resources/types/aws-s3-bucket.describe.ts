import {
  GetBucketEncryptionCommand,
  GetBucketLoggingCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
} from "@aws-sdk/client-s3";
import { clientFor } from "../../aws/clients";
import { unlessAbsent } from "../../aws/errors";
import { service as s3 } from "../../aws/services/s3";
import type { Described, ResourceRef } from "../adapter";
import type { Describer } from "../describe";

/**
 * S3 bucket by name (Config's resourceId), in its Region (the reference's: CloudTrail records S3 calls in the
 * bucket's Region). GetBucketVersioning first (it answers for every existing bucket, so NoSuchBucket there means
 * the bucket is gone), then the other sub-resources together, each of which may not exist:
 *   GetBucketPolicy (NoSuchBucketPolicy), GetPublicAccessBlock (NoSuchPublicAccessBlockConfiguration),
 *   GetBucketEncryption (ServerSideEncryptionConfigurationNotFoundError, buckets from before default SSE-S3),
 *   GetBucketTagging (NoSuchTagSet), GetBucketLogging (always answers).
 * ExpectedBucketOwner is the reference's account: bucket names are global, and a bucket of another account by
 * the same name is refused (403), never judged.
 */
export const describer: Describer = {
  type: "AWS::S3::Bucket",
  describe: describeBucket,
};

async function describeBucket(ref: ResourceRef): Promise<Described | undefined> {
  const client = clientFor(s3, ref.region);
  const input = { Bucket: ref.id, ...(/^\d{12}$/.test(ref.accountId) ? { ExpectedBucketOwner: ref.accountId } : {}) };
  const versioning = await unlessAbsent(client.send(new GetBucketVersioningCommand(input)), s3.notFound);
  if (!versioning) return undefined;
  let gone = false;
  const part = async <T>(call: Promise<T>, absent?: string): Promise<T | undefined> => {
    try {
      return await unlessAbsent(call, absent ? [absent] : []);
    } catch (e) {
      if ((e as { name?: string }).name === "NoSuchBucket") {
        gone = true;
        return undefined;
      }
      throw e;
    }
  };
  const [policy, publicAccessBlock, encryption, tagging, logging] = await Promise.all([
    part(client.send(new GetBucketPolicyCommand(input)), "NoSuchBucketPolicy"),
    part(client.send(new GetPublicAccessBlockCommand(input)), "NoSuchPublicAccessBlockConfiguration"),
    part(client.send(new GetBucketEncryptionCommand(input)), "ServerSideEncryptionConfigurationNotFoundError"),
    part(client.send(new GetBucketTaggingCommand(input)), "NoSuchTagSet"),
    part(client.send(new GetBucketLoggingCommand(input))),
  ]);
  if (gone) return undefined;
  const described: Described = { ref, GetBucketVersioning: versioning };
  if (policy) described.GetBucketPolicy = policy;
  if (publicAccessBlock) described.GetPublicAccessBlock = publicAccessBlock;
  if (encryption) described.GetBucketEncryption = encryption;
  if (tagging) described.GetBucketTagging = tagging;
  if (logging) described.GetBucketLogging = logging;
  return described;
}
