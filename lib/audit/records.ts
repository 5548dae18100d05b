import { filesUnder } from "../util/files-under";
import type { AuditFilters } from "./model";
import { keepRecord, readRecordFiles, type LoadedRecords } from "./record-files";
import { listing, mapLimit, parseLocation } from "./source";

/**
 * Remediation records (lib/remediation/worker/record.ts) from a local directory or the audit bucket, where the
 * worker writes them at `records/account=<acct>/region=<region>/date=<yyyy-mm-dd>/<recordId>.json`
 * (lib/remediation/worker/s3-records.ts). The partitions prune accounts and regions before reading; `date=` is the day the worker
 * handled the request, which is on or after the change, so only dates before --from are pruned (a day's margin).
 */

const PARTITIONS = /(?:^|\/)account=(\d{12})\/region=([a-z0-9-]+)\/date=(\d{4}-\d{2}-\d{2})\/[^/]+\.json$/;
const FETCH_CONCURRENCY = 16;

function keepRecordKey(key: string, f: AuditFilters): boolean {
  const m = PARTITIONS.exec(key);
  if (!m) return key.endsWith(".json");
  const [, account, region, date] = m as unknown as [string, string, string, string];
  if (f.accounts && f.accounts.length > 0 && !f.accounts.includes(account)) return false;
  if (f.regions && f.regions.length > 0 && !f.regions.includes(region)) return false;
  if (f.from) {
    const margin = new Date(Date.parse(`${f.from}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    if (date < margin) return false;
  }
  return true;
}

/** The record files of a local directory the filters keep (undefined: `where` is not a local directory). */
export async function localRecordFiles(where: string, filters: AuditFilters): Promise<string[] | undefined> {
  const loc = parseLocation(where);
  if (loc.kind !== "local") return undefined;
  // Synchronously (lib/util/files-under.ts): thousands of names in a few dozen partition folders. Symbolic links
  // are listed too: read as their files, or named as files that could not be read.
  const files = await listing(where, async () => {
    const links: string[] = [];
    return [...filesUnder(loc.dir, ".json", undefined, (p) => links.push(p)), ...links].sort();
  });
  return files.filter((p) => keepRecordKey(p.includes("\\") ? p.split("\\").join("/") : p, filters));
}

/** The remediation records of a local directory or of the audit bucket (s3://bucket/prefix). */
export async function loadRemediationRecords(where: string, filters: AuditFilters): Promise<LoadedRecords> {
  const local = await localRecordFiles(where, filters);
  if (local) return readRecordFiles(local, filters);
  const loc = parseLocation(where);
  if (loc.kind !== "s3") throw new Error(`${where}: not a directory or an s3:// location`);
  // ./s3.ts loads the AWS SDK: only for an s3:// location.
  const { getObjectText, listObjects } = await import("../aws/s3-objects");
  const keys: string[] = [];
  const prefix = loc.prefix === "" || loc.prefix.endsWith("/") ? loc.prefix : `${loc.prefix}/`;
  await listing(where, async () => {
    for await (const o of listObjects(loc.bucket, prefix)) if (keepRecordKey(o.key, filters)) keys.push(o.key);
  });
  // Fetched a few at a time, in key order, each kept as the report needs it as it arrives (only that is held until
  // the end).
  const texts = await mapLimit(keys.sort(), FETCH_CONCURRENCY, async (Key) => {
    try {
      const text = await getObjectText(loc.bucket, Key);
      const one: LoadedRecords = { records: [], skipped: [] };
      keepRecord(one, `s3://${loc.bucket}/${Key}`, () => text, filters);
      return one;
    } catch (e) {
      return { records: [], skipped: [{ file: `s3://${loc.bucket}/${Key}`, reason: `could not be read: ${(e as Error).message}` }] }; // prettier-ignore
    }
  });
  return { records: texts.flatMap((t) => t.records), skipped: texts.flatMap((t) => t.skipped) };
}
