import { getObjectStream, listObjects } from "../aws/s3-objects";
import { newestSnapshots, type ItemFileList } from "../sources/config-files";
import { errorInWords } from "../util/fs-errors";

/** One listed snapshot object: its name in reports (`s3://bucket/key`) and how to read its body. */
export interface SnapshotObject {
  name: string;
  open: () => Promise<AsyncIterable<Uint8Array>>;
}

/**
 * The Config snapshot objects under `s3://bucket/prefix` (Config's delivery bucket, or any prefix of `.json` /
 * `.json.gz` item files), chosen as for a local copy: inside the AWSLogs layout the newest snapshot of each
 * account and Region. A prefix that cannot be listed (no such bucket, access denied) is an error naming it.
 */
export async function listSnapshotObjects(
  url: string,
  bucket: string,
  prefix: string,
): Promise<{ objects: SnapshotObject[]; problems: ItemFileList["problems"] }> {
  const names: string[] = [];
  try {
    for await (const o of listObjects(bucket, prefix)) {
      if (/\.json(\.gz)?$/i.test(o.key)) names.push(`s3://${bucket}/${o.key}`);
    }
  } catch (e) {
    return {
      objects: [],
      problems: [{ level: "error", file: url, message: `cannot list: ${errorInWords(e)}` }],
    };
  }
  const { files, problems } = newestSnapshots(names, url);
  const keyOf = (name: string) => name.slice(`s3://${bucket}/`.length);
  return {
    objects: files.map((name) => ({ name, open: () => getObjectStream(bucket, keyOf(name)) })),
    problems,
  };
}
