import { fsErrorInWords } from "../util/fs-errors";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { isObject } from "../util/json";

/**
 * Files of configuration items as AWS produces them:
 *  - Config snapshot files delivered to S3: `{"fileVersion", "configSnapshotId", "configurationItems": [...]}`,
 *    plain or gzipped (`.json.gz`), invocation naming;
 *  - `aws configservice get-resource-config-history` output: `{"configurationItems": [...]}`, API naming;
 *  - `batch-get-resource-config` output: `{"baseConfigurationItems": [...], "unprocessedResourceKeys": [...]}`;
 *  - `select-resource-config` output: `{"Results": ["<item as JSON string>", ...], "QueryInfo": {...}}`.
 */
export interface ItemFile {
  file: string;
  /** JSON pointer of the item list inside the file, e.g. `/configurationItems`. */
  listPointer: string;
  /** Raw items, not yet normalised: `toConfigItem` accepts both namings. */
  items: unknown[];
  /** Select results are strings; an unparsable one is reported at its index rather than failing the file. */
  itemErrors: { index: number; message: string }[];
  /** Input kind, for messages. */
  kind: "snapshot" | "history" | "batch" | "select";
  bytes: number;
}

export class InputFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
    this.name = "InputFileError";
  }
}

export interface ItemFileList {
  files: string[];
  /** Paths that could not be listed, and files passed over, each with the reason. */
  problems: { level: "error" | "warning"; file: string; message: string }[];
}

/**
 * AWS Config's S3 delivery layout: `AWSLogs/[o-org/]<account>/Config/<region>/<yyyy>/<m>/<d>/<kind>/<file>`, kind
 * `ConfigSnapshot` or `ConfigHistory` (AWS Config Developer Guide, "Example Configuration Snapshot Delivery
 * Notification"). The snapshot file name carries its delivery time:
 * `<account>_Config_<region>_ConfigSnapshot_<yyyymmddThhmmssZ>_<uuid>.json.gz`.
 */
const CONFIG_KEY =
  /(?:^|[/\\])AWSLogs[/\\](?:o-[a-z0-9]+[/\\])?(\d{12})[/\\]([A-Za-z-]+)[/\\]([a-z0-9-]+)[/\\](?:\d{4}[/\\]\d{1,2}[/\\]\d{1,2}[/\\])?(?:([A-Za-z-]+)[/\\])?([^/\\]+)$/;
const SNAPSHOT_TIME = /_ConfigSnapshot_(\d{8}T\d{6}Z)_/;

/**
 * Every `.json` / `.json.gz` file under the given paths (directories walked recursively, in name order). Inside
 * an `AWSLogs/` tree (a synced Config bucket) only the newest snapshot of each account and region is scanned:
 * older snapshots describe the same resources again, and ConfigHistory files, CloudTrail logs and the like are
 * not snapshots. What is passed over is said, once per reason. A path that cannot be listed is an error; the
 * other paths are still listed.
 */
export async function listItemFiles(paths: string[]): Promise<ItemFileList> {
  const out: string[] = [];
  const problems: ItemFileList["problems"] = [];
  const visit = async (p: string): Promise<void> => {
    const st = await stat(p);
    if (st.isDirectory()) {
      const names = (await readdir(p)).sort();
      for (const name of names) await visit(join(p, name));
    } else if (/\.json(\.gz)?$/i.test(p)) {
      out.push(p);
    }
  };
  for (const p of paths) {
    const before = out.length;
    try {
      await visit(p);
    } catch (e) {
      out.length = before;
      const code = (e as NodeJS.ErrnoException).code;
      problems.push({
        level: "error",
        file: p,
        message: code === "ENOENT" ? "no such file or directory" : (e as Error).message,
      });
    }
  }

  // Newest snapshot per account and region inside AWS's layout; files outside the layout are kept as given.
  const newest = new Map<string, { file: string; time: string }>();
  const kept: string[] = [];
  let superseded = 0;
  let notSnapshots = 0;
  let firstNotSnapshot = "";
  for (const file of out) {
    const m = CONFIG_KEY.exec(file);
    if (!m) {
      kept.push(file);
      continue;
    }
    const [, account, service, region, kind, name] = m;
    if (service !== "Config" || kind !== "ConfigSnapshot") {
      if (notSnapshots++ === 0) firstNotSnapshot = file;
      continue;
    }
    const key = `${account}/${region}`;
    const time = SNAPSHOT_TIME.exec(name ?? "")?.[1] ?? "";
    const seen = newest.get(key);
    if (seen) superseded++;
    if (!seen || time > seen.time) newest.set(key, { file, time });
  }
  const snapshots = new Set([...newest.values()].map((v) => v.file));
  const outside = new Set(kept);
  const files = out.filter((f) => snapshots.has(f) || outside.has(f));
  if (superseded > 0) {
    problems.push({
      level: "warning",
      file: paths.join(", "),
      message: `${superseded} older Config snapshot${superseded === 1 ? "" : "s"} not scanned: the newest snapshot of each account and region describes the current state`,
    });
  }
  if (notSnapshots > 0) {
    problems.push({
      level: "warning",
      file: firstNotSnapshot,
      message: `${notSnapshots} file${notSnapshots === 1 ? "" : "s"} in the AWSLogs layout not scanned: not Config snapshots (ConfigHistory, CloudTrail, ...); this is the first`,
    });
  }
  return { files, problems };
}

/** Reads, gunzips (by magic number, not by name) and parses one file; every failure names the file. */
export async function readItemFile(file: string): Promise<ItemFile> {
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (e) {
    throw new InputFileError(file, `cannot read: ${fsErrorInWords(e)}`);
  }
  const bytes = buf.length;
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      // One synchronous call: the async API hands the output back in 16 KB chunks, which measured several times
      // slower on 25 MB snapshots and left the thread idle; there is nothing else for the thread to do meanwhile.
      buf = gunzipSync(buf);
    } catch (e) {
      throw new InputFileError(
        file,
        `not a valid gzip file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); truncated?`,
      );
    }
  }
  let data: unknown;
  try {
    data = JSON.parse(buf.toString("utf8"));
  } catch (e) {
    throw new InputFileError(file, `not JSON: ${(e as Error).message}`);
  }
  return { file, bytes, ...itemsOf(file, data) };
}

function itemsOf(file: string, data: unknown): Omit<ItemFile, "file" | "bytes"> {
  if (!isObject(data))
    throw new InputFileError(file, "not a Config snapshot or Config API output (top level is not an object)");
  if (Array.isArray(data.configurationItems)) {
    const kind = "configSnapshotId" in data || "fileVersion" in data ? "snapshot" : "history";
    return { kind, listPointer: "/configurationItems", items: data.configurationItems, itemErrors: [] };
  }
  if (Array.isArray(data.baseConfigurationItems)) {
    return {
      kind: "batch",
      listPointer: "/baseConfigurationItems",
      items: data.baseConfigurationItems,
      itemErrors: [],
    };
  }
  if (Array.isArray(data.Results)) {
    const items: unknown[] = [];
    const itemErrors: ItemFile["itemErrors"] = [];
    data.Results.forEach((r, index) => {
      try {
        items.push(typeof r === "string" ? JSON.parse(r) : r);
      } catch (e) {
        items.push(undefined);
        itemErrors.push({ index, message: `result is not JSON: ${(e as Error).message}` });
      }
    });
    return { kind: "select", listPointer: "/Results", items, itemErrors };
  }
  throw new InputFileError(
    file,
    "not a Config snapshot or Config API output: expected configurationItems, baseConfigurationItems or Results",
  );
}

/** Like readItemFile, but a failure is returned (as an InputFileError naming the file), not thrown. */
export function readItemFileOrError(file: string): Promise<ItemFile | InputFileError> {
  return readItemFile(file).catch((e: unknown) =>
    e instanceof InputFileError ? e : new InputFileError(file, (e as Error).message),
  );
}
