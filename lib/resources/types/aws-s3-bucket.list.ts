import { GetBucketLocationCommand, paginateListBuckets, type S3Client } from "@aws-sdk/client-s3";
import { clientFor } from "../../aws/clients";
import { unlessAbsent } from "../../aws/errors";
import { service as s3 } from "../../aws/services/s3";
import type { Lister } from "../list";

/**
 * The account's buckets in the Region, by name (Config's resourceId): every page of ListBuckets with BucketRegion
 * (S3 API Reference, ListBuckets). A bucket listed without its Region (an endpoint that ignores the filter) is
 * placed with GetBucketLocation, whose empty LocationConstraint means us-east-1 and "EU" eu-west-1 (S3 API
 * Reference, GetBucketLocation).
 */
export const lister: Lister = {
  type: "AWS::S3::Bucket",
  async *list({ accountId, region }) {
    const client = clientFor(s3, region) as S3Client;
    for await (const page of paginateListBuckets({ client }, { BucketRegion: region, MaxBuckets: 1000 })) {
      for (const b of page.Buckets ?? []) {
        if (!b.Name) continue;
        const where = b.BucketRegion ?? (await bucketRegion(client, b.Name));
        if (where === region) yield { type: lister.type, id: b.Name, accountId, region };
      }
    }
  },
};

async function bucketRegion(client: S3Client, bucket: string): Promise<string | undefined> {
  const out = await unlessAbsent(client.send(new GetBucketLocationCommand({ Bucket: bucket })), s3.notFound);
  if (!out) return undefined;
  const c = out.LocationConstraint as string | undefined;
  return !c ? "us-east-1" : c === "EU" ? "eu-west-1" : c;
}
