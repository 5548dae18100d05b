import { isObject, type JsonObject } from "../util/json";
import { concatIds, guidKeyAt, idList, IdListBuilder, type IdList } from "./idset";

/**
 * Reading one decompressed CloudTrail log file (`{"Records":[...]}`, CloudTrail User Guide, "CloudTrail log file
 * examples") without materialising the records the report does not need.
 *
 * Most records are read-only calls (Describe*, Get*, List*): the report only counts them (after deduplication by
 * eventID). Parsing every record in full measured ~3x slower than the whole rest of the work, so the fast path
 * works on the bytes: CloudTrail writes compact JSON with `eventVersion` as every record's first key, so records
 * start at `{"eventVersion":"`; inside each record a few native `Buffer.indexOf` scans (one pass over the file
 * per pattern) say whether it is read-only and made by root. Only the other records (candidates) are sliced out
 * and `JSON.parse`d. A record that does not look like CloudTrail's own layout is parsed on its own, and a file
 * that cannot be delimited (other whitespace, a slice that does not parse) falls back to `JSON.parse` of the whole
 * file; the tests compare the paths on the same files.
 *
 * What the fast path does not check: the JSON syntax inside read-only records it skips (their eventID and
 * eventTime are still required). `strict` parses every file in full.
 */

export interface ExtractedFile extends ReadFile {
  /** Records that may change something (readOnly not true) or were made by root: parsed in full. */
  candidates: JsonObject[];
}

/** What reading a file gives besides its candidates (eachCandidate hands those over one at a time). */
export interface ReadFile {
  /** Records in the file (before deduplication). */
  records: number;
  /** eventIDs of the read-only records skipped, for deduplication. */
  readOnlyIds: IdList;
  /** The byte-level fast path was used (false: whole-file JSON.parse). */
  fastPath: boolean;
}

/**
 * The byte pass of the fast path: the records delimited and classified, the read-only ones' ids read, and the
 * candidates in file order, each either three numbers (the byte range [from, to) still to parse and the record's
 * index) or, for the few the bytes could not settle, the record already parsed.
 */
interface ScannedFile {
  records: number;
  readOnlyIds: IdList;
  candidates: (number | JsonObject)[];
}

/** A file that is not a readable CloudTrail log file; the message says where. */
export class TrailFileError extends Error {
  override name = "TrailFileError";
}

const enc = (s: string) => Buffer.from(s, "latin1");
const HEAD = enc('{"Records":[');
const START = enc('{"eventVersion":"');
const RO_TRUE = enc('"readOnly":true');
const RO_FALSE = enc('"readOnly":false');
const ROOT = enc('"type":"Root"');
// CloudTrail's own layout: `{"eventVersion":"1.11","userIdentity":{"type":"…` and `…"eventID":"<id>","readOnly":…`.
const IDENTITY_TYPE = enc('","userIdentity":{"type":"');
const ROOT_VALUE = enc('Root"');
const RO_ANCHOR = enc('Only":');
const RO_KEY = enc('"read');
const TIME_ANCHOR = enc('Time":"');
const TIME_KEY = enc('"event');
const TRUE = enc("true");
const FALSE = enc("false");
const EVENT_ID = enc('"eventID":"');
const QUOTE = 0x22;
const COMMA = 0x2c;
const CLOSE_BRACE = 0x7d;
const BACKSLASH = 0x5c;

function isSpace(b: number | undefined): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/**
 * Whether a parsed record is one the report keeps: not a plain read-only call. Root's read-only calls are kept
 * (root use is a violation whatever the call); failed read-only calls are not (every section is about changes or
 * calls on governed resources, which reads do not name).
 */
export function isCandidate(r: JsonObject): boolean {
  if (r.readOnly !== true) return true;
  return isObject(r.userIdentity) && r.userIdentity.type === "Root";
}

function matchAt(buf: Buffer, at: number, pattern: Buffer): boolean {
  if (at + pattern.length > buf.length) return false;
  for (let i = 0; i < pattern.length; i++) if (buf[at + i] !== pattern[i]) return false;
  return true;
}

/** Every position of a pattern in buf[from, to). */
function positions(buf: Buffer, pattern: Buffer, from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = buf.indexOf(pattern, from); i !== -1 && i < to; i = buf.indexOf(pattern, i + pattern.length))
    out.push(i);
  return out;
}

/**
 * The byte-level path, three native scans per file and a few byte comparisons per record. The scans look for
 * patterns that begin with a byte rare in CloudTrail JSON (`{`, `O`, `T`): `Buffer.indexOf` looks for a pattern's
 * first byte first, and a pattern beginning with `"` stops at every string (measured 2-3x slower):
 *   - record starts, `{"eventVersion":"`;
 *   - `Only":`, the top-level `"readOnly":` when it follows `"eventID":"<GUID>",` as CloudTrail writes it, which
 *     gives both the call's read-only flag and its eventID (its dedup key read from the bytes, no string made);
 *   - `Time":"`, each record's `"eventTime":"` (required: a record without one makes the file unreadable).
 * A record whose eventTime or readOnly is not found where CloudTrail writes them is parsed on its own; a file whose
 * records cannot be delimited is parsed in full.
 */
function scanFast(buf: Buffer): ScannedFile | undefined {
  let end = buf.length;
  while (end > 0 && isSpace(buf[end - 1])) end--;
  if (end < HEAD.length + 2 || buf.compare(HEAD, 0, HEAD.length, 0, HEAD.length) !== 0) return undefined;
  if (buf[end - 1] !== CLOSE_BRACE || buf[end - 2] !== 0x5d) return undefined; // ]}
  const body = end - 2; // first byte of the closing "]}"
  if (body === HEAD.length) return { records: 0, candidates: [], readOnlyIds: idList([]) };
  const starts = positions(buf, START, HEAD.length, body);
  if (starts[0] !== HEAD.length) return undefined;
  const anchors = positions(buf, RO_ANCHOR, HEAD.length, body);
  const times = positions(buf, TIME_ANCHOR, HEAD.length, body);

  const candidates: (number | JsonObject)[] = [];
  const readOnlyIds = new IdListBuilder();
  const n = starts.length;
  let a = 0; // next readOnly anchor
  let t = 0; // next eventTime anchor
  for (let i = 0; i < n; i++) {
    const s = starts[i] as number;
    const next = i + 1 < n ? (starts[i + 1] as number) : body;
    const e = i + 1 < n ? next - 1 : body;
    if (i + 1 < n && buf[e] !== COMMA) return undefined;

    // eventTime: one `"eventTime":"` in the record, right after the userIdentity object as CloudTrail writes it
    // (`},"eventTime":"`). Anything else (none; several: a nested one, or two records the starts did not separate)
    // is settled by parsing the record.
    while (t < times.length && (times[t] as number) < s) t++;
    let timeKeys = 0;
    let topLevelTime = false;
    for (; t < times.length && (times[t] as number) < e; t++) {
      const x = times[t] as number;
      if (!matchAt(buf, x - 6, TIME_KEY)) continue;
      timeKeys++;
      topLevelTime = buf[x - 7] === COMMA && buf[x - 8] === CLOSE_BRACE;
    }
    let settled = timeKeys === 1 && topLevelTime;

    // The anchor of this record in CloudTrail's layout: `"eventID":"<id>","readOnly":` (nested readOnly keys,
    // as in some requestParameters, are not preceded by an eventID). More than one: parse.
    while (a < anchors.length && (anchors[a] as number) < s) a++;
    let at = -1;
    let idFrom = -1;
    let anchored = 0;
    for (; a < anchors.length && (anchors[a] as number) < e; a++) {
      const x = anchors[a] as number;
      if (buf[x - 6] !== COMMA || buf[x - 7] !== QUOTE || !matchAt(buf, x - 5, RO_KEY)) continue;
      if (matchAt(buf, x - 54, EVENT_ID)) {
        [at, idFrom] = [x, x - 43]; // a 36-character id, as CloudTrail's GUIDs are
        anchored++;
      } else {
        const k = buf.lastIndexOf(EVENT_ID, x - 7);
        const from = k + EVENT_ID.length;
        if (k >= s && buf.indexOf(QUOTE, from) === x - 7) {
          [at, idFrom] = [x, from];
          anchored++;
        }
      }
    }
    if (anchored > 1) settled = false;
    let readOnly = false;
    if (settled && at !== -1 && (matchAt(buf, at + 6, TRUE) || matchAt(buf, at + 6, FALSE))) {
      readOnly = buf[at + 6] === 0x74; // t
    } else if (settled) {
      readOnly = slowReadOnly(buf, s, e);
      at = -1;
    }
    if (readOnly && !madeByRoot(buf, s, e)) {
      const key = at !== -1 && at - 7 - idFrom === 36 ? guidKeyAt(buf, idFrom) : undefined;
      if (key) {
        readOnlyIds.addKey(key[0], key[1]);
        continue;
      }
      let [from, q] = [idFrom, at - 7];
      if (at === -1) {
        const id = buf.indexOf(EVENT_ID, s);
        from = id + EVENT_ID.length;
        q = id === -1 ? -1 : buf.indexOf(QUOTE, from);
      }
      // An id with an escape or a non-ASCII byte is read by JSON.parse, so that it is the same string wherever read.
      if (from >= s && q !== -1 && q < e && plainAscii(buf, from, q)) {
        readOnlyIds.add(buf.toString("latin1", from, q));
        continue;
      }
    }
    if (settled && !readOnly) {
      // Parsed later, when it is judged (eachCandidate): its range and its index in the file.
      candidates.push(s, e, i);
      continue;
    }
    const r = parseRecord(buf, s, e, i);
    if (!r) return undefined;
    if (judgedInFull(r)) candidates.push(r);
    else readOnlyIds.add(r.eventID as string);
  }
  return { records: n, candidates, readOnlyIds: readOnlyIds.finish() };
}

/**
 * The record in buf[s, e) parsed on its own; undefined when the slice is not one JSON object (the byte scans
 * delimited it wrongly: the file is read in full). A record without eventTime makes the file unreadable.
 */
function parseRecord(buf: Buffer, s: number, e: number, index: number): JsonObject | undefined {
  let r: unknown;
  try {
    r = JSON.parse(buf.toString("utf8", s, e));
  } catch {
    return undefined;
  }
  if (!isObject(r)) return undefined;
  if (typeof r.eventTime !== "string") throw new TrailFileError(`/Records/${index}: record without eventTime`);
  return r;
}

/** Whether a parsed record is judged (a candidate, or one without an eventID to count it by) or only counted. */
function judgedInFull(r: JsonObject): boolean {
  return isCandidate(r) || typeof r.eventID !== "string";
}

/** Whether buf[from, to) reads the same as latin1 bytes and as JSON string content (no escape, ASCII only). */
function plainAscii(buf: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if ((buf[i] as number) >= 0x80 || buf[i] === BACKSLASH) return false;
  return true;
}

/** Whether the record in buf[s, e) has `"readOnly":true` and no `"readOnly":false` (any key order). */
function slowReadOnly(buf: Buffer, s: number, e: number): boolean {
  const t = buf.indexOf(RO_TRUE, s);
  const f = buf.indexOf(RO_FALSE, s);
  return t !== -1 && t < e && (f === -1 || f >= e);
}

/** Whether the record in buf[s, e) was made by the root user (`userIdentity.type` right after eventVersion). */
function madeByRoot(buf: Buffer, s: number, e: number): boolean {
  // eventVersion is "1.0x" or "1.1x": its closing quote is 4 bytes in.
  const v = buf[s + START.length + 4] === QUOTE ? s + START.length + 4 : buf.indexOf(QUOTE, s + START.length);
  if (v !== -1 && matchAt(buf, v, IDENTITY_TYPE)) return matchAt(buf, v + IDENTITY_TYPE.length, ROOT_VALUE);
  const r = buf.indexOf(ROOT, s);
  return r !== -1 && r < e;
}

/** Reads a decompressed log file; throws TrailFileError when it is not one. */
export function extractRecords(buf: Buffer, opts: { strict?: boolean } = {}): ExtractedFile {
  if (!opts.strict) {
    const candidates: JsonObject[] = [];
    const fast = eachCandidate(buf, (r) => candidates.push(r));
    if (fast) return { ...fast, candidates };
  }
  return extractParsed(buf);
}

/**
 * The fast path, handing each candidate to `judge` as soon as it is parsed, in file order, so that one record at a
 * time is alive (a file's candidates parsed together were what each young-generation collection had to copy).
 * Undefined when the bytes cannot be read this way, possibly after some candidates were handed over: those are
 * void, and the file must be read again with extractRecords(buf, { strict: true }).
 */
export function eachCandidate(buf: Buffer, judge: (record: JsonObject) => void): ReadFile | undefined {
  const scanned = scanFast(buf);
  if (!scanned) return undefined;
  const c = scanned.candidates;
  // Read-only after all (a record the bytes took for a candidate; the parse has the last word).
  const late = new IdListBuilder();
  for (let i = 0; i < c.length; i++) {
    const at = c[i] as number | JsonObject;
    if (typeof at !== "number") {
      judge(at);
      continue;
    }
    const r = parseRecord(buf, at, c[i + 1] as number, c[i + 2] as number);
    i += 2;
    if (!r) return undefined;
    if (judgedInFull(r)) judge(r);
    else late.add(r.eventID as string);
  }
  const readOnlyIds = late.size === 0 ? scanned.readOnlyIds : concatIds(scanned.readOnlyIds, late.finish());
  return { records: scanned.records, readOnlyIds, fastPath: true };
}

function extractParsed(buf: Buffer): ExtractedFile {
  let doc: unknown;
  try {
    doc = JSON.parse(buf.toString("utf8"));
  } catch (e) {
    throw new TrailFileError(`invalid JSON: ${(e as Error).message}`);
  }
  if (!isObject(doc) || !Array.isArray(doc.Records)) {
    throw new TrailFileError('not a CloudTrail log file: no top-level "Records" array');
  }
  const candidates: JsonObject[] = [];
  const readOnlyIds: string[] = [];
  doc.Records.forEach((r: unknown, i) => {
    if (!isObject(r)) throw new TrailFileError(`/Records/${i}: not an object`);
    if (typeof r.eventTime !== "string") throw new TrailFileError(`/Records/${i}: record without eventTime`);
    if (judgedInFull(r)) candidates.push(r);
    else readOnlyIds.push(r.eventID as string);
  });
  return { records: doc.Records.length, candidates, readOnlyIds: idList(readOnlyIds), fastPath: false };
}
