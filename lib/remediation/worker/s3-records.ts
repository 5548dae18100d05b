import { GetObjectCommand, NoSuchKey, PutObjectCommand } from "@aws-sdk/client-s3";
import { recordKey } from "./decide";
import type { RemediationRecord } from "./record";
import { clientFor } from "../../aws/clients";
import { service as s3Service } from "../../aws/services/s3";

/**
 * Remediation records in the audit bucket, one JSON object per request at
 * `records/account=<acct>/region=<region>/date=<yyyy-mm-dd>/<recordId>.json` (Hive-style partitions: Athena and
 * Glue read them as columns). The bucket is versioned, so a record is never lost to an overwrite. With a central
 * audit bucket (often in another account, GUARDRAIL_CENTRAL_AUDIT_BUCKET), each record is also copied there under
 * the same key; a failed copy is reported, not thrown: the account's own record is the one that must exist.
 * IAM: s3:PutObject and s3:GetObject on arn:aws:s3:::<bucket>/records/*; s3:PutObject on the central bucket (and
 * a bucket policy there that lets the account's worker role put).
 */
export interface RecordStore {
  /** Writes the record (an error when it could not); `copyError` says why the central copy failed. */
  put(record: RemediationRecord): Promise<{ uri: string; copyError?: string }>;
  /** The record, or undefined when there is none with this id. */
  get(recordId: string): Promise<RemediationRecord | undefined>;
  /** s3://bucket/key of a record id. */
  uriOf(recordId: string): string;
}

export class S3RecordStore implements RecordStore {
  constructor(
    readonly bucket: string,
    private readonly options: { centralBucket?: string; region?: string } = {},
  ) {}

  uriOf(recordId: string): string {
    return `s3://${this.bucket}/${recordKey(recordId)}`;
  }

  async put(record: RemediationRecord): Promise<{ uri: string; copyError?: string }> {
    const object = {
      Key: recordKey(record.recordId),
      Body: JSON.stringify(record, null, 2),
      ContentType: "application/json",
    };
    const s3 = clientFor(s3Service, this.options.region);
    await s3.send(new PutObjectCommand({ Bucket: this.bucket, ...object }));
    const uri = this.uriOf(record.recordId);
    const central = this.options.centralBucket;
    if (!central) return { uri };
    try {
      await s3.send(new PutObjectCommand({ Bucket: central, ...object }));
      return { uri };
    } catch (e) {
      const why = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      return { uri, copyError: `s3://${central}/${object.Key}: ${why}` };
    }
  }

  async get(recordId: string): Promise<RemediationRecord | undefined> {
    try {
      const out = await clientFor(s3Service, this.options.region).send(
        new GetObjectCommand({ Bucket: this.bucket, Key: recordKey(recordId) }),
      );
      const text = await out.Body?.transformToString("utf8");
      if (text === undefined) return undefined;
      return JSON.parse(text) as RemediationRecord;
    } catch (e) {
      if (e instanceof NoSuchKey || (e as { name?: string }).name === "NoSuchKey") return undefined;
      throw e;
    }
  }
}
