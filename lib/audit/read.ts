import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { gunzipSync, inflateRawSync } from "node:zlib";
import { auditEvent, type AuditEvent, type FactOptions } from "./facts";
import { concatIds, idList } from "./idset";
import { eachCandidate, extractRecords, TrailFileError, type ReadFile } from "./extract";
import type { JsonObject } from "../util/json";
import { PROBLEMS_LISTED, type FileFacts, type FileProblems } from "./model";
import type { TrailFile } from "./source";
import { plural } from "../util/words";

/**
 * The output chunk for gunzip: the uncompressed size from the gzip trailer (ISIZE, RFC 1952 section 2.3.1, the size mod
 * 2^32 of the last member), so zlib writes into one buffer instead of concatenating 16 KiB chunks (measured about
 * 1.5-2x faster on CloudTrail files). Bounded: a wrong or huge ISIZE only costs more chunks.
 */
export function outputChunk(gz: Uint8Array): number {
  if (gz.length < 18) return 64 * 1024;
  const isize = (gz[gz.length - 4] as number) | ((gz[gz.length - 3] as number) << 8) | ((gz[gz.length - 2] as number) << 16) | ((gz[gz.length - 1] as number) * 2 ** 24); // prettier-ignore
  return Math.min(Math.max(isize + 1, 64 * 1024), 64 * 1024 * 1024);
}

/** zlib's result with `info: true`: the output and the engine, whose bytesWritten is the input it consumed. */
interface ZlibInfo {
  buffer: Buffer;
  engine: { bytesWritten: number };
}

/**
 * A log file's bytes decompressed, and how many bytes followed its gzip data. zlib reads bytes after a member as
 * another member: it skips zeros, and fails on anything else that is not one, which would lose every record of a
 * file that is whole but for bytes appended to it; then the first member is read alone.
 */
export function gunzipFile(gz: Uint8Array): { raw: Buffer; trailing: number } {
  try {
    const { buffer, engine } = gunzipSync(gz, { chunkSize: outputChunk(gz), info: true }) as unknown as ZlibInfo;
    return { raw: buffer, trailing: gz.length - engine.bytesWritten };
  } catch (e) {
    const first = firstMember(gz);
    if (first) return first;
    throw new TrailFileError(`not a readable gzip file: ${(e as Error).message}`);
  }
}

/**
 * The first gzip member of the bytes, when it is whole, and how many bytes follow it. Its end is found by
 * inflating its deflate data after the header (RFC 1952 section 2.3.1: the fixed 10 bytes, then FEXTRA, FNAME, FCOMMENT
 * and FHCRC when their flags are set) and adding the 8-byte trailer; gunzip then reads exactly that member,
 * checking its CRC-32 and size.
 */
function firstMember(gz: Uint8Array): { raw: Buffer; trailing: number } | undefined {
  if (gz.length < 18 || gz[0] !== 0x1f || gz[1] !== 0x8b || gz[2] !== 8) return undefined;
  const flags = gz[3] as number;
  const bytes = Buffer.from(gz.buffer, gz.byteOffset, gz.length);
  let at = 10;
  if (flags & 4) at += 2 + ((gz[at] ?? 0) | ((gz[at + 1] ?? 0) << 8));
  if (flags & 8) at = bytes.indexOf(0, at) + 1;
  if (flags & 16 && at > 0) at = bytes.indexOf(0, at) + 1;
  if (flags & 2 && at > 0) at += 2;
  if (at <= 0 || at >= gz.length) return undefined;
  try {
    const { engine } = inflateRawSync(bytes.subarray(at), { info: true }) as unknown as ZlibInfo;
    const end = at + engine.bytesWritten + 8;
    if (end > gz.length) return undefined;
    return { raw: gunzipSync(bytes.subarray(0, end)), trailing: gz.length - end };
  } catch {
    return undefined;
  }
}

/**
 * Reads whole local files into one buffer kept from file to file: a fresh buffer per file (readFileSync) costs the
 * kernel a page fault per page, and measured 4x slower than reading into memory already mapped. The bytes returned
 * are valid until the next read, which is all a trail file needs (gunzipped at once).
 */
export class FileReader {
  private buf = Buffer.allocUnsafeSlow(1 << 20);

  read(path: string): Buffer {
    const fd = openSync(path, "r");
    try {
      const size = fstatSync(fd).size;
      if (size + 1 > this.buf.length) this.buf = Buffer.allocUnsafeSlow(Math.max(size + 1, this.buf.length * 2));
      let n = 0;
      // Until end of file, however many bytes the size said (a file may grow while read).
      for (;;) {
        if (n === this.buf.length) {
          const grown = Buffer.allocUnsafeSlow(this.buf.length * 2);
          this.buf.copy(grown, 0, 0, n);
          this.buf = grown;
        }
        const k = readSync(fd, this.buf, n, this.buf.length - n, null);
        if (k === 0) break;
        n += k;
      }
      return this.buf.subarray(0, n);
    } finally {
      closeSync(fd);
    }
  }
}

/**
 * One trail file, from its compressed bytes to the facts the accumulator counts: gunzip, extract (extract.ts),
 * judge the candidates (facts.ts). Runs on a worker thread (worker.ts) or, without workers, in the main thread.
 * Throws TrailFileError for a file that cannot be read (a damaged gzip member, invalid JSON); a record that cannot
 * be counted, or bytes after the gzip data, are the file's `problems` and the rest is read.
 */
export function readTrailFile(file: TrailFile, gz: Uint8Array, opts: FactOptions & { strict?: boolean }): FileFacts {
  const { raw, trailing } = gunzipFile(gz);
  let events: AuditEvent[] = [];
  let readOnly: string[] = [];
  let mutating: string[] = [];
  const judge = (r: JsonObject) => {
    const e = auditEvent(r, opts);
    if (e.resources.length > 0 || e.violations.length > 0 || e.eventID === "") events.push(e);
    else (e.mutating ? mutating : readOnly).push(e.eventID);
  };
  // Each candidate judged as it is parsed; a file the fast path gives up on is read again in full.
  let x: ReadFile | undefined = opts.strict ? undefined : eachCandidate(raw, judge);
  if (!x) {
    [events, readOnly, mutating] = [[], [], []];
    const parsed = extractRecords(raw, { strict: true });
    parsed.candidates.forEach(judge);
    x = parsed;
  }
  const facts: FileFacts = {
    file: file.id,
    date: file.date,
    accountId: file.accountId,
    region: file.region,
    bytes: raw.length,
    records: x.records,
    readOnly: concatIds(x.readOnlyIds, idList(readOnly)),
    mutating: idList(mutating),
    events,
  };
  const problems = trailing > 0 ? withTrailing(x.problems, trailing) : x.problems;
  if (problems.count > 0) facts.problems = problems;
  return facts;
}

/** The file's problems, the bytes after its gzip data first. */
function withTrailing(p: FileProblems, trailing: number): FileProblems {
  const reason = `${plural(trailing, "byte")} after the end of its gzip data, not read (the records before them are)`;
  return { ...p, count: p.count + 1, listed: [{ reason }, ...p.listed].slice(0, PROBLEMS_LISTED) };
}

export { TrailFileError };
