import { readlinkSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { s3Location } from "../aws/s3-location";
import { parseTrailKey } from "../cloudtrail/layout";
import { filesUnder } from "../util/files-under";
import type { AuditFilters, SkippedFile } from "./model";

/**
 * Where trail files and remediation records are read from: a local directory or `s3://bucket/prefix`. Listing
 * prunes by the key alone (lib/cloudtrail/layout.ts parseTrailKey: log files only, no digests or Insights; date
 * folder within --from/--to; account and region filters) before anything is read. S3 goes through ./s3.ts, loaded
 * only for an s3:// location: paginated ListObjectsV2, one GetObject per file, its body read as it streams in.
 */

/** A trail or records location that cannot be listed (no such directory, no such bucket, access denied). */
export class AuditInputError extends Error {
  override name = "AuditInputError";
}

/** Lists a location, turning "it is not there" into an AuditInputError that names it. */
export async function listing<T>(where: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { name?: string };
    if (err.code === "ENOENT" || err.code === "ENOTDIR") throw new AuditInputError(`${where}: no such directory`);
    if (err.name === "NoSuchBucket") throw new AuditInputError(`${where}: no such bucket`);
    if (err.name === "AccessDenied") throw new AuditInputError(`${where}: access denied (s3:ListBucket)`);
    throw e;
  }
}

export type Location = { kind: "local"; dir: string } | { kind: "s3"; bucket: string; prefix: string };

export function parseLocation(text: string): Location {
  const s3 = s3Location(text);
  return s3 ? { kind: "s3", ...s3 } : { kind: "local", dir: text };
}

export interface TrailFile {
  /** Local path, or s3://bucket/key. */
  id: string;
  /** The S3 key or the path relative to the directory, `/`-separated. */
  key: string;
  date: string;
  accountId: string;
  region: string;
  size: number;
}

/** Whether a listed key is a log file the filters keep. */
export function keepKey(key: string, f: AuditFilters): Omit<TrailFile, "id" | "key" | "size"> | undefined {
  const k = parseTrailKey(key);
  if (!k || k.kind !== "CloudTrail" || !k.file.endsWith(".json.gz")) return undefined;
  if (f.from && k.date < f.from) return undefined;
  if (f.to && k.date > f.to) return undefined;
  if (f.accounts && f.accounts.length > 0 && !f.accounts.includes(k.accountId)) return undefined;
  if (f.regions && f.regions.length > 0 && !f.regions.includes(k.region)) return undefined;
  return { date: k.date, accountId: k.accountId, region: k.region };
}

/** Date folder first (deduplication keeps a window of dates), then account, region and key. */
export function byDateOrder(a: TrailFile, b: TrailFile): number {
  if (a.date !== b.date) return a.date < b.date ? -1 : 1;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

const ACCOUNT_FOLDER = /^\d{12}$/;

/**
 * The `.json.gz` files under a directory (the only names keepKey can keep; a trail folder often holds other files,
 * remediation records for one). Digest and Insight folders (`<account>/CloudTrail-Digest/`) are not entered.
 * Symbolic links with such names go to `links`.
 */
function logFilesUnder(dir: string, links: string[]): string[] {
  return filesUnder(dir, ".json.gz", (parent, name) => !(ACCOUNT_FOLDER.test(parent) && (name === "CloudTrail-Digest" || name === "CloudTrail-Insight")), (p) => links.push(p)); // prettier-ignore
}

/**
 * The trail's log files the filters keep, in date order. A symbolic link is read as the file it points to; one
 * that points to no file is handed to `unreadable` with the reason, never passed over unseen.
 */
export async function listTrailFiles(
  loc: Location,
  filters: AuditFilters,
  unreadable: (s: SkippedFile) => void = () => undefined,
): Promise<TrailFile[]> {
  const where = loc.kind === "local" ? loc.dir : `s3://${loc.bucket}/${loc.prefix}`;
  return listing(where, () => listTrail(loc, filters, unreadable));
}

function linkTarget(path: string): string {
  try {
    return JSON.stringify(readlinkSync(path));
  } catch {
    return "(unreadable)";
  }
}

/** Why a symbolic link is not a log file to read, or undefined when it points to a file. */
function linkProblem(path: string): string | undefined {
  try {
    return statSync(path).isFile() ? undefined : "a symbolic link to something that is not a file";
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return `a dangling symbolic link: its target ${linkTarget(path)} does not exist`;
    if (code === "ELOOP") return "a symbolic link that leads back to itself";
    return `a symbolic link that cannot be followed: ${(e as Error).message}`;
  }
}

async function listTrail(
  loc: Location,
  filters: AuditFilters,
  unreadable: (s: SkippedFile) => void,
): Promise<TrailFile[]> {
  const files: TrailFile[] = [];
  if (loc.kind === "local") {
    // Paths are named as join(loc.dir, ...) names them, so the key is what follows the root (path.relative per
    // file measured ~10% of the listing).
    const root = join(loc.dir, ".");
    const cut = root === "." ? 0 : root.length + (root.endsWith(sep) ? 0 : 1);
    const kept = (path: string) => {
      const rel = path.startsWith(root) || cut === 0 ? path.slice(cut) : relative(loc.dir, path);
      const key = sep === "/" ? rel : rel.split(sep).join("/");
      // The directory may be the bucket's root, or a folder inside AWSLogs/: parse the absolute path.
      const k = keepKey(key, filters) ?? keepKey(path.split(sep).join("/"), filters);
      // Sizes are not needed: no stat per file.
      return k ? { id: path, key, size: 0, ...k } : undefined;
    };
    const links: string[] = [];
    for (const path of logFilesUnder(loc.dir, links)) {
      const file = kept(path);
      if (file) files.push(file);
    }
    for (const path of links) {
      const file = kept(path);
      if (!file) continue;
      const problem = linkProblem(path);
      if (problem === undefined) files.push(file);
      else unreadable({ file: path, reason: problem });
    }
  } else {
    const { listObjects } = await import("../aws/s3-objects");
    for await (const o of listObjects(loc.bucket, loc.prefix)) {
      const kept = keepKey(o.key, filters);
      if (kept) files.push({ id: `s3://${loc.bucket}/${o.key}`, key: o.key, size: o.size, ...kept });
    }
  }
  return files.sort(byDateOrder);
}

/** A file's bytes as stored (compressed). */
export async function fetchFile(file: TrailFile): Promise<Uint8Array> {
  const loc = parseLocation(file.id);
  if (loc.kind === "local") return readFile(file.id);
  return (await import("../aws/s3-objects")).getObjectBytes(loc.bucket, loc.prefix);
}

/** Runs `fn` over `items` with at most `limit` at a time; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const run = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
  return out;
}
