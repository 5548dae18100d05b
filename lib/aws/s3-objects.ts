import { GetObjectCommand, paginateListObjectsV2 } from "@aws-sdk/client-s3";
import { clientFor } from "./clients";
import { service as s3 } from "./services/s3";

/**
 * Objects under `s3://bucket/prefix` for the CLI's readers (the audit's trail files and remediation records, the
 * scan's Config snapshots): paginated ListObjectsV2 and one GetObject per object, through the shared client of
 * ./clients.ts. Loaded only for an s3:// location: the SDK takes ~0.15 s to load, which a run on local files never
 * pays.
 */

export interface ListedObject {
  key: string;
  size: number;
}

/** Every object under the prefix, page by page. */
export async function* listObjects(bucket: string, prefix: string): AsyncGenerator<ListedObject> {
  const pages = paginateListObjectsV2({ client: clientFor(s3) }, { Bucket: bucket, Prefix: prefix || undefined });
  for await (const page of pages) {
    for (const o of page.Contents ?? []) if (o.Key) yield { key: o.Key, size: o.Size ?? 0 };
  }
}

async function body(bucket: string, key: string) {
  const out = await clientFor(s3).send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!out.Body) throw new Error(`s3://${bucket}/${key}: empty GetObject body`);
  return out.Body;
}

/** An object's body as it streams in (a Node.js Readable: GetObject's Body in Node.js). */
export async function getObjectStream(bucket: string, key: string): Promise<AsyncIterable<Uint8Array>> {
  return (await body(bucket, key)) as unknown as AsyncIterable<Uint8Array>;
}

/** An object's bytes as stored, read as they stream in. */
export async function getObjectBytes(bucket: string, key: string): Promise<Uint8Array> {
  return (await body(bucket, key)).transformToByteArray();
}

export async function getObjectText(bucket: string, key: string): Promise<string> {
  return (await body(bucket, key)).transformToString("utf8");
}
