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

/** Every `.json` / `.json.gz` file under the given paths (directories walked recursively, in name order). */
export async function listItemFiles(paths: string[]): Promise<string[]> {
  const out: string[] = [];
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
    try {
      await visit(p);
    } catch (e) {
      throw new InputFileError(
        p,
        (e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file or directory" : (e as Error).message,
      );
    }
  }
  return out;
}

/** Reads, gunzips (by magic number, not by name) and parses one file; every failure names the file. */
export async function readItemFile(file: string): Promise<ItemFile> {
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (e) {
    throw new InputFileError(file, `cannot read: ${(e as Error).message}`);
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
