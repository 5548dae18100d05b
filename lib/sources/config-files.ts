import type { ReadStream } from "node:fs";
import { Readable } from "node:stream";
import { open, readdir, stat, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { createGunzip, type Gunzip } from "node:zlib";
import { errorInWords, fsErrorInWords } from "../util/fs-errors";
import { JsonInputError, JsonItemList, NotAnObjectError } from "./json-item-list";

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

  const selected = newestSnapshots(out, paths.join(", "));
  return { files: selected.files, problems: [...problems, ...selected.problems] };
}

/**
 * Inside AWS's delivery layout only the newest snapshot of each account and region is kept (older snapshots
 * describe the same resources again; ConfigHistory files, CloudTrail logs and the like are not snapshots); names
 * outside the layout are kept as given. Works on file paths and on S3 keys alike; `where` names the inputs in
 * the warnings.
 */
export function newestSnapshots(names: readonly string[], where: string): ItemFileList {
  const problems: ItemFileList["problems"] = [];
  const newest = new Map<string, { file: string; time: string }>();
  const kept: string[] = [];
  let superseded = 0;
  let notSnapshots = 0;
  let firstNotSnapshot = "";
  for (const file of names) {
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
  const files = names.filter((f) => snapshots.has(f) || outside.has(f));
  if (superseded > 0) {
    problems.push({
      level: "warning",
      file: where,
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

/** Item lists, in the order the shapes are tried: snapshot and history, BatchGetResourceConfig, select. */
const LIST_KEYS = ["configurationItems", "baseConfigurationItems", "Results"] as const;
const KINDS: Record<(typeof LIST_KEYS)[number], ItemFile["kind"]> = {
  configurationItems: "history",
  baseConfigurationItems: "batch",
  Results: "select",
};
/** Members only a snapshot file has. */
const SNAPSHOT_KEYS = ["configSnapshotId", "fileVersion"];

/** Read and gunzip size: large enough that the per-chunk overhead of the streams does not show. */
const CHUNK_BYTES = 1024 * 1024;

/** Items of one file as they are read: the list index of the first, and those of them that failed (select). */
export interface ItemBatch {
  listPointer: string;
  first: number;
  /** Raw items, not yet normalised; `undefined` where an item failed (see `itemErrors`). */
  items: unknown[];
  itemErrors: { index: number; message: string }[];
}

/**
 * One file of configuration items, read as a stream (gunzipped by magic number, not by name): its items come in
 * batches as the file is read, so memory holds about one chunk and the largest item, whatever the file's size.
 * Every failure is an InputFileError naming the file and the place: the byte offset in the (uncompressed) JSON
 * and the item. Items read before a failure have been delivered.
 */
export class ItemFileReader {
  /** Known once the file was read to its end. */
  kind: ItemFile["kind"] | undefined;
  /** JSON pointer of the item list, once found. */
  listPointer = "";
  /** Bytes of the file read so far (compressed bytes for a gzipped file). */
  bytes = 0;
  private gzipped = false;

  /**
   * `file` names the input in every message; `open`, when given, supplies its bytes (an S3 object's body) instead
   * of the file system.
   */
  constructor(
    readonly file: string,
    private readonly open?: () => Promise<AsyncIterable<Uint8Array>>,
  ) {}

  async *batches(): AsyncGenerator<ItemBatch, void, undefined> {
    const list = new JsonItemList({ listKeys: LIST_KEYS, watchKeys: SNAPSHOT_KEYS });
    try {
      for await (const chunk of this.chunks()) {
        list.push(chunk);
        const batch = this.batchOf(list);
        if (batch) yield batch;
      }
      list.end();
    } catch (e) {
      const batch = this.batchOf(list);
      if (batch) yield batch;
      throw this.inputError(e, list);
    }
    const key = list.listKey as (typeof LIST_KEYS)[number] | undefined;
    if (key === undefined) {
      throw new InputFileError(
        this.file,
        "not a Config snapshot or Config API output: expected configurationItems, baseConfigurationItems or Results",
      );
    }
    this.kind = key === "configurationItems" && SNAPSHOT_KEYS.some((k) => list.seen.has(k)) ? "snapshot" : KINDS[key];
  }

  private batchOf(list: JsonItemList): ItemBatch | undefined {
    const { first, items } = list.take();
    if (items.length === 0) return undefined;
    this.listPointer = `/${list.listKey ?? ""}`;
    const itemErrors: ItemBatch["itemErrors"] = [];
    if (list.listKey === "Results") {
      // SelectResourceConfig returns each item as a JSON string; a broken one is reported at its index.
      for (let j = 0; j < items.length; j++) {
        const r = items[j];
        if (typeof r !== "string") continue;
        try {
          items[j] = JSON.parse(r);
        } catch (e) {
          items[j] = undefined;
          itemErrors.push({ index: first + j, message: `result is not JSON: ${(e as Error).message}` });
        }
      }
    }
    return { listPointer: this.listPointer, first, items, itemErrors };
  }

  /** The file's bytes, gunzipped when they start with gzip's magic number. */
  private async *chunks(): AsyncGenerator<Buffer, void, undefined> {
    if (this.open) {
      yield* this.streamChunks(this.open);
      return;
    }
    let fh: FileHandle;
    try {
      fh = await open(this.file, "r");
    } catch (e) {
      throw new InputFileError(this.file, `cannot read: ${fsErrorInWords(e)}`);
    }
    let raw: ReadStream | undefined;
    let gunzip: Gunzip | undefined;
    try {
      const head = Buffer.alloc(2);
      const { bytesRead } = await fh.read(head, 0, 2, 0);
      this.gzipped = bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
      const source = fh.createReadStream({ start: 0, highWaterMark: CHUNK_BYTES, autoClose: false });
      raw = source;
      let chunks: AsyncIterable<Buffer> = source;
      if (this.gzipped) {
        const g = createGunzip({ chunkSize: CHUNK_BYTES });
        gunzip = g;
        source.on("error", (e) => g.destroy(e));
        chunks = source.pipe(g);
      }
      for await (const chunk of chunks) {
        this.bytes = source.bytesRead;
        yield chunk;
      }
      this.bytes = source.bytesRead;
    } finally {
      gunzip?.destroy();
      raw?.destroy();
      await fh.close();
    }
  }

  /** The bytes of a stream, gunzipped when its first two bytes are gzip's magic number. */
  private async *streamChunks(open: () => Promise<AsyncIterable<Uint8Array>>): AsyncGenerator<Buffer> {
    const readFailed = (e: unknown) => new InputFileError(this.file, `cannot read: ${errorInWords(e)}`);
    let it: AsyncIterator<Uint8Array>;
    const head: Buffer[] = [];
    let ended = false;
    try {
      it = (await open())[Symbol.asyncIterator]();
      for (let have = 0; have < 2;) {
        const r = await it.next();
        if (r.done) {
          ended = true;
          break;
        }
        const b = asBuffer(r.value);
        this.bytes += b.length;
        head.push(b);
        have += b.length;
      }
    } catch (e) {
      throw readFailed(e);
    }
    const first = Buffer.concat(head);
    this.gzipped = first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b;
    const rest = async function* (this: ItemFileReader): AsyncGenerator<Buffer> {
      if (first.length > 0) yield first;
      if (ended) return;
      for (;;) {
        let r: IteratorResult<Uint8Array>;
        try {
          r = await it.next();
        } catch (e) {
          throw readFailed(e);
        }
        if (r.done) return;
        const b = asBuffer(r.value);
        this.bytes += b.length;
        yield b;
      }
    }.call(this);
    if (!this.gzipped) {
      try {
        yield* rest;
      } finally {
        await it.return?.();
      }
      return;
    }
    const source = Readable.from(rest);
    const gunzip = createGunzip({ chunkSize: CHUNK_BYTES });
    source.on("error", (e) => gunzip.destroy(e));
    try {
      for await (const chunk of source.pipe(gunzip)) yield chunk as Buffer;
    } finally {
      gunzip.destroy();
      source.destroy();
      await it.return?.();
    }
  }

  private inputError(e: unknown, list: JsonItemList): InputFileError {
    if (e instanceof InputFileError) return e;
    const item = (index: number | undefined) =>
      index === undefined || list.listKey === undefined ? "" : `, in /${list.listKey}/${index}`;
    const uncompressed = this.gzipped ? " of the uncompressed data" : "";
    if (e instanceof NotAnObjectError) {
      return new InputFileError(this.file, "not a Config snapshot or Config API output (top level is not an object)");
    }
    if (e instanceof JsonInputError) {
      return new InputFileError(this.file, `not JSON: ${e.message}${uncompressed}${item(e.itemIndex)}`);
    }
    const code = (e as NodeJS.ErrnoException).code;
    if (this.gzipped && typeof code === "string" && code.startsWith("Z_")) {
      const where =
        list.offset > 0 ? `: the data stops at byte ${list.offset}${uncompressed}${item(list.openItem)}` : "";
      return new InputFileError(this.file, `not a valid gzip file (${code}); truncated?${where}`);
    }
    return new InputFileError(this.file, `cannot read: ${fsErrorInWords(e)}`);
  }
}

function asBuffer(c: Uint8Array): Buffer {
  return Buffer.isBuffer(c) ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength);
}

/** Reads one whole file into memory (files the caller knows to be small: the local account's own state). */
export async function readItemFile(file: string): Promise<ItemFile> {
  const reader = new ItemFileReader(file);
  const items: unknown[] = [];
  const itemErrors: ItemFile["itemErrors"] = [];
  for await (const batch of reader.batches()) {
    for (const item of batch.items) items.push(item);
    itemErrors.push(...batch.itemErrors);
  }
  return {
    file,
    listPointer: reader.listPointer,
    items,
    itemErrors,
    kind: reader.kind as ItemFile["kind"],
    bytes: reader.bytes,
  };
}
