/**
 * Where CloudTrail puts log files in S3, as one module both the writer (the local loop's trail, the bench's
 * generated organisation trail) and the reader (`guardrail audit`) use, so the two cannot drift.
 *
 * CloudTrail User Guide, "Finding your CloudTrail log files" and "CloudTrail log file examples":
 *   [prefix/]AWSLogs/[o-orgid/]<account>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/
 *     <account>_CloudTrail_<region>_<yyyymmddThhmmZ>_<16 chars>.json.gz
 * The timestamp is the delivery time (UTC, minute precision); a file may hold records from earlier times. Digest
 * files (`CloudTrail-Digest/`) and Insights (`CloudTrail-Insight/`) share the bucket and are not log files.
 */

export type TrailFileKind = "CloudTrail" | "CloudTrail-Digest" | "CloudTrail-Insight";

export interface TrailKey {
  /** Everything before `AWSLogs/` ("" when the trail has no prefix), without the trailing slash. */
  prefix: string;
  /** `o-xxxxxxxxxx` for organisation trails. */
  orgId?: string;
  accountId: string;
  kind: TrailFileKind;
  region: string;
  /** The key's date folder, `yyyy-mm-dd`. */
  date: string;
  /** The file name (last segment). */
  file: string;
}

// prefix? AWSLogs/ (o-id/)? account/ kind/ region/ yyyy/ mm/ dd/ file
const KEY =
  /^(?:(.*)\/)?AWSLogs\/(?:(o-[a-z0-9]{10,32})\/)?(\d{12})\/(CloudTrail|CloudTrail-Digest|CloudTrail-Insight)\/([a-z0-9-]+)\/(\d{4})\/(\d{2})\/(\d{2})\/([^/]+)$/;

/** Reads a key (or a path with `/` separators) in the CloudTrail layout; undefined when it is not one. */
export function parseTrailKey(key: string): TrailKey | undefined {
  const m = KEY.exec(key);
  if (!m) return undefined;
  const [, prefix = "", orgId, accountId, kind, region, yyyy, mm, dd, file] = m;
  return {
    prefix,
    orgId,
    accountId: accountId as string,
    kind: kind as TrailFileKind,
    region: region as string,
    date: `${yyyy}-${mm}-${dd}`,
    file: file as string,
  };
}

/** A key is a CloudTrail log file (not a digest, not an Insight, not another object) in the layout. */
export function isTrailLogKey(key: string): boolean {
  const k = parseTrailKey(key);
  return k !== undefined && k.kind === "CloudTrail" && k.file.endsWith(".json.gz");
}

export interface TrailFileName {
  prefix?: string;
  orgId?: string;
  accountId: string;
  region: string;
  /** Delivery time; the key keeps its minute. */
  deliveredAt: Date;
  /** CloudTrail's 16-character unique string; pass a deterministic one for reproducible output. */
  unique: string;
}

/** The key CloudTrail would give a log file delivered at `deliveredAt`. */
export function trailLogKey(f: TrailFileName): string {
  if (!/^[A-Za-z0-9]{16}$/.test(f.unique)) throw new Error(`unique string must be 16 letters or digits: ${f.unique}`);
  const iso = f.deliveredAt.toISOString(); // yyyy-mm-ddThh:mm:ss.sssZ
  const [yyyy, mm, dd] = [iso.slice(0, 4), iso.slice(5, 7), iso.slice(8, 10)];
  const stamp = `${yyyy}${mm}${dd}T${iso.slice(11, 13)}${iso.slice(14, 16)}Z`;
  const folder = [
    f.prefix ? f.prefix.replace(/\/+$/, "") : undefined,
    "AWSLogs",
    f.orgId,
    f.accountId,
    "CloudTrail",
    f.region,
    yyyy,
    mm,
    dd,
  ].filter((s): s is string => s !== undefined && s !== "");
  return `${folder.join("/")}/${f.accountId}_CloudTrail_${f.region}_${stamp}_${f.unique}.json.gz`;
}
