import { isUtf8 } from "node:buffer";
import { isObject, type JsonObject } from "../util/json";
import { concatIds, guidKeyAt, idList, IdListBuilder, type IdList } from "./idset";
import { PROBLEMS_LISTED, type FileProblem, type FileProblems } from "./model";

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
 * Every record must be an object with a UTC `eventTime` and a non-empty `eventID` (both "Optional: False" in
 * "CloudTrail record contents"; recordProblem): one that is not is left out of every count and named with its
 * index, and the file's other records are read. A file that is not UTF-8 is parsed in full, and the records holding its invalid
 * bytes are named (JSON is UTF-8, RFC 8259 section 8.1; decoding would replace them unseen).
 *
 * What the fast path does not check: the JSON syntax inside read-only records it skips (their eventID and
 * eventTime are still checked, and that nothing but the record lies between it and the next). `strict` parses
 * every file in full.
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
  /** Records left out of every count (and any other problem with the file's bytes), and why. */
  problems: FileProblems;
}

/** Problems counted, the first PROBLEMS_LISTED named, in file order. */
class ProblemList implements FileProblems {
  count = 0;
  recordsLeftOut = 0;
  readonly listed: FileProblem[] = [];

  /** A problem with the record at `record` (left out of every count), or with the file when undefined. */
  add(record: number | undefined, reason: string): void {
    if (record !== undefined) this.recordsLeftOut++;
    if (this.count++ < PROBLEMS_LISTED) this.listed.push(record === undefined ? { reason } : { record, reason });
  }
}

/**
 * The byte pass of the fast path: the records delimited and classified, the read-only ones' ids read, and the
 * candidates in file order, each either three numbers (the byte range [from, to) still to parse and the record's
 * index) or, for the few the bytes could not settle, the record already parsed and its index (a record with a
 * problem among them, named when the candidates are read, so problems come in file order).
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
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
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

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Whether the parts name a moment: no 30 February, no hour 24, no leap second (CloudTrail writes none). */
function realTime(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59) return false;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return d <= (mo === 2 && leap ? 29 : (DAYS_IN_MONTH[mo - 1] as number));
}

/**
 * Whether an eventTime is a UTC time as CloudTrail writes it (`2014-03-06T21:22:54Z`, "CloudTrail log file
 * examples"; fractions of a second allowed): the report's days and first and last times are read from it.
 */
export function isUtcTime(t: string): boolean {
  const n = t.length;
  if (n < 20 || t.charCodeAt(n - 1) !== 0x5a) return false; // Z
  if (n > 20 && (n === 21 || n > 30 || t.charCodeAt(19) !== 0x2e || numberIn(t, 20, n - 1) < 0)) return false; // .fff
  if (t.charCodeAt(4) !== 0x2d || t.charCodeAt(7) !== 0x2d || t.charCodeAt(10) !== 0x54) return false; // - - T
  if (t.charCodeAt(13) !== 0x3a || t.charCodeAt(16) !== 0x3a) return false; // : :
  return realTime(numberIn(t, 0, 4), numberIn(t, 5, 7), numberIn(t, 8, 10), numberIn(t, 11, 13), numberIn(t, 14, 16), numberIn(t, 17, 19)); // prettier-ignore
}

/** The decimal number written in s[from, to), or -1. */
function numberIn(s: string, from: number, to: number): number {
  let v = 0;
  for (let i = from; i < to; i++) {
    const d = s.charCodeAt(i) - 0x30;
    if (!(d >= 0 && d <= 9)) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** The decimal number written in buf[at, at + n), or -1. */
function digitsAt(buf: Buffer, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const d = (buf[i] ?? 0) - 0x30;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/**
 * Whether buf holds `yyyy-mm-ddThh:mm:ssZ"` from `at`: an eventTime isUtcTime accepts, read without making a
 * string. Any other spelling (fractions of a second, say) is left to the parsed record's check.
 */
function utcTimeAt(buf: Buffer, at: number): boolean {
  if (buf[at + 4] !== 0x2d || buf[at + 7] !== 0x2d || buf[at + 10] !== 0x54 || buf[at + 13] !== 0x3a) return false;
  if (buf[at + 16] !== 0x3a || buf[at + 19] !== 0x5a || buf[at + 20] !== QUOTE) return false;
  return realTime(digitsAt(buf, at, 4), digitsAt(buf, at + 5, 2), digitsAt(buf, at + 8, 2), digitsAt(buf, at + 11, 2), digitsAt(buf, at + 14, 2), digitsAt(buf, at + 17, 2)); // prettier-ignore
}

function kindOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

function shown(s: string): string {
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);
}

/**
 * Why an element of a log file's `Records` cannot be counted, or undefined when it can: it must be an object with
 * a UTC `eventTime` (the report's days and times) and a non-empty `eventID` (deduplication), both "Optional: False"
 * in "CloudTrail record contents". Both paths (the byte scans and the full parse) ask this of every record they
 * parse; the byte scans accept a record unparsed only on the same terms.
 */
export function recordProblem(r: unknown): string | undefined {
  if (!isObject(r)) return `not an object but ${kindOf(r)}`;
  const t = r.eventTime;
  if (t === undefined) return "no eventTime";
  if (typeof t !== "string") return `eventTime is ${kindOf(t)}, not a string`;
  if (!isUtcTime(t)) return `eventTime ${shown(t)} is not a UTC time (yyyy-mm-ddThh:mm:ssZ)`;
  const id = r.eventID;
  if (id === undefined) return "no eventID";
  if (typeof id !== "string") return `eventID is ${kindOf(id)}, not a string`;
  if (id === "") return "eventID is empty";
  return undefined;
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
 * Whether buf[from, e), from inside a record (one brace deep), closes that record at its last byte and holds
 * nothing after it: another element of `Records` between two records would otherwise be counted as part of the
 * first, unseen. Jumps from brace to brace (a native search each: a few per record, where a loop over the bytes
 * measured ~4x slower). Braces inside strings count too, so a record whose last fields hold some is parsed instead
 * (CloudTrail's fields after `readOnly` hold none).
 */
function endsAlone(buf: Buffer, from: number, e: number): boolean {
  let depth = 1;
  let open = buf.indexOf(OPEN_BRACE, from);
  let close = buf.indexOf(CLOSE_BRACE, from);
  for (;;) {
    if (close === -1 || close >= e) return false;
    if (open !== -1 && open < close) {
      depth++;
      open = buf.indexOf(OPEN_BRACE, open + 1);
    } else {
      if (--depth === 0) return close === e - 1;
      close = buf.indexOf(CLOSE_BRACE, close + 1);
    }
  }
}

/**
 * The byte-level path, three native scans per file and a few byte comparisons per record. The scans look for
 * patterns that begin with a byte rare in CloudTrail JSON (`{`, `O`, `T`): `Buffer.indexOf` looks for a pattern's
 * first byte first, and a pattern beginning with `"` stops at every string (measured 2-3x slower):
 *   - record starts, `{"eventVersion":"`;
 *   - `Only":`, the top-level `"readOnly":` when it follows `"eventID":"<GUID>",` as CloudTrail writes it, which
 *     gives both the call's read-only flag and its eventID (its dedup key read from the bytes, no string made);
 *   - `Time":"`, each record's `"eventTime":"`.
 * A plain read-only call is counted unparsed only when its eventTime is a UTC time, its eventID is not empty and
 * its slice ends with it; every other record, and one whose eventTime or readOnly is not found where CloudTrail
 * writes them, is parsed on its own (and checked: recordProblem). A file whose records cannot be delimited is
 * parsed in full.
 */
function scanFast(buf: Buffer): ScannedFile | undefined {
  let end = buf.length;
  while (end > 0 && isSpace(buf[end - 1])) end--;
  if (end < HEAD.length + 2 || buf.compare(HEAD, 0, HEAD.length, 0, HEAD.length) !== 0) return undefined;
  if (buf[end - 1] !== CLOSE_BRACE || buf[end - 2] !== CLOSE_BRACKET) return undefined; // ]}
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
    let timeAt = -1;
    for (; t < times.length && (times[t] as number) < e; t++) {
      const x = times[t] as number;
      if (!matchAt(buf, x - 6, TIME_KEY)) continue;
      timeKeys++;
      timeAt = buf[x - 7] === COMMA && buf[x - 8] === CLOSE_BRACE ? x : -1;
    }
    let settled = timeKeys === 1 && timeAt !== -1;

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
    // A plain read-only call laid out as CloudTrail writes it (eventID after eventTime), counted by its id unparsed
    // when its eventTime is usable and nothing follows it in its slice.
    if (
      readOnly &&
      at > timeAt &&
      !madeByRoot(buf, s, e) &&
      utcTimeAt(buf, timeAt + TIME_ANCHOR.length) &&
      endsAlone(buf, at, e)
    ) {
      const q = at - 7; // the id's closing quote
      const key = q - idFrom === 36 ? guidKeyAt(buf, idFrom) : undefined;
      if (key) {
        readOnlyIds.addKey(key[0], key[1]);
        continue;
      }
      // An id with an escape or a non-ASCII byte is read by JSON.parse, so that it is the same string wherever read;
      // an empty one is a problem the parsed record's check names.
      if (q > idFrom && plainAscii(buf, idFrom, q)) {
        readOnlyIds.add(buf.toString("latin1", idFrom, q));
        continue;
      }
    }
    if (settled && !readOnly) {
      // Parsed later, when it is judged (eachCandidate): its range and its index in the file.
      candidates.push(s, e, i);
      continue;
    }
    const r = parseRecord(buf, s, e);
    if (!r) return undefined;
    if (recordProblem(r) === undefined && !isCandidate(r)) readOnlyIds.add(r.eventID as string);
    else candidates.push(r, i);
  }
  return { records: n, candidates, readOnlyIds: readOnlyIds.finish() };
}

/**
 * The record in buf[s, e) parsed on its own; undefined when the slice is not one JSON object (the byte scans
 * delimited it wrongly: the file is read in full).
 */
function parseRecord(buf: Buffer, s: number, e: number): JsonObject | undefined {
  try {
    const r: unknown = JSON.parse(buf.toString("utf8", s, e));
    return isObject(r) ? r : undefined;
  } catch {
    return undefined;
  }
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
  // Bytes that are not UTF-8 would be decoded unseen: such a file is parsed in full, which names the records.
  if (!isUtf8(buf)) return undefined;
  const scanned = scanFast(buf);
  if (!scanned) return undefined;
  const c = scanned.candidates;
  // Read-only after all (a record the bytes took for a candidate; the parse has the last word).
  const late = new IdListBuilder();
  const problems = new ProblemList();
  for (let i = 0; i < c.length; i++) {
    const at = c[i] as number | JsonObject;
    let r: JsonObject | undefined;
    let index: number;
    if (typeof at === "number") {
      r = parseRecord(buf, at, c[i + 1] as number);
      index = c[i + 2] as number;
      i += 2;
      if (!r) return undefined;
    } else {
      r = at;
      index = c[i + 1] as number;
      i += 1;
    }
    const problem = recordProblem(r);
    if (problem !== undefined) problems.add(index, problem);
    else if (isCandidate(r)) judge(r);
    else late.add(r.eventID as string);
  }
  const readOnlyIds = late.size === 0 ? scanned.readOnlyIds : concatIds(scanned.readOnlyIds, late.finish());
  return { records: scanned.records, readOnlyIds, fastPath: true, problems };
}

function extractParsed(buf: Buffer): ExtractedFile {
  const utf8 = isUtf8(buf);
  let doc: unknown;
  try {
    doc = JSON.parse(buf.toString("utf8"));
  } catch (e) {
    throw new TrailFileError(`invalid JSON${utf8 ? "" : " (and not UTF-8)"}: ${(e as Error).message}`);
  }
  if (!isObject(doc) || !Array.isArray(doc.Records)) {
    throw new TrailFileError('not a CloudTrail log file: no top-level "Records" array');
  }
  const records = doc.Records as unknown[];
  const problems = new ProblemList();
  // The bytes that were not UTF-8 were decoded as U+FFFD: the records holding them are told apart on the bytes.
  let notUtf8: Set<number> | undefined;
  if (!utf8) {
    notUtf8 = elementsNotUtf8(buf, records.length);
    if (!notUtf8) throw new TrailFileError("not UTF-8, and its records could not be told apart to name the ones that are not"); // prettier-ignore
    if (notUtf8.size === 0) problems.add(undefined, "holds bytes that are not UTF-8 outside its records");
  }
  const candidates: JsonObject[] = [];
  const readOnlyIds: string[] = [];
  records.forEach((r, i) => {
    const problem = notUtf8?.has(i) ? "holds bytes that are not UTF-8" : recordProblem(r);
    if (problem !== undefined) problems.add(i, problem);
    else if (isCandidate(r as JsonObject)) candidates.push(r as JsonObject);
    else readOnlyIds.push((r as JsonObject).eventID as string);
  });
  return { records: records.length, candidates, readOnlyIds: idList(readOnlyIds), fastPath: false, problems };
}

/**
 * The indexes of the `Records` elements whose bytes are not UTF-8, or undefined when the walk over the bytes does
 * not find as many elements as the parse did (a key spelt with escapes, say).
 */
function elementsNotUtf8(buf: Buffer, count: number): Set<number> | undefined {
  const ranges = recordsElements(buf);
  if (!ranges || ranges.length !== 2 * count) return undefined;
  const out = new Set<number>();
  for (let k = 0; k < count; k++) {
    if (!isUtf8(buf.subarray(ranges[2 * k] as number, ranges[2 * k + 1] as number))) out.add(k);
  }
  return out;
}

/**
 * [from, to) of each element of the top-level `Records` array (the last one, as JSON.parse keeps the last of a
 * key), walking the structure of a document JSON.parse read: bytes that are not UTF-8 only ever sit inside
 * strings there (anywhere else the parse fails), so the ASCII structure is the one it read.
 */
function recordsElements(buf: Buffer): number[] | undefined {
  let depth = 0;
  let [key, keyEnd] = [-1, -1]; // the last string one level deep: the key of an array that opens there
  let inRecords = false;
  let current: number[] = [];
  let ranges: number[] | undefined;
  let from = -1; // the first byte of the element being walked
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i];
    if (b === QUOTE) {
      const start = i;
      for (i++; i < buf.length && buf[i] !== QUOTE; i++) if (buf[i] === BACKSLASH) i++;
      if (depth === 1) [key, keyEnd] = [start + 1, i];
      if (inRecords && depth === 2 && from === -1) from = start;
      continue;
    }
    if (isSpace(b)) continue;
    if (inRecords && depth === 2 && from === -1 && b !== COMMA && b !== CLOSE_BRACKET) from = i;
    if (b === OPEN_BRACE || b === OPEN_BRACKET) {
      if (depth === 1 && b === OPEN_BRACKET && buf.toString("latin1", key, keyEnd) === "Records") {
        inRecords = true;
        current = [];
      }
      depth++;
    } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
      depth--;
      if (inRecords && depth === 1) {
        if (from !== -1) current.push(from, i);
        [ranges, inRecords, from] = [current, false, -1];
      }
    } else if (b === COMMA && inRecords && depth === 2) {
      current.push(from, i);
      from = -1;
    }
  }
  return ranges;
}
