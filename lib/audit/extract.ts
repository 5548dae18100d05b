import { isObject, type JsonObject } from "../util/json";
import { guidKeyAt, idList, IdListBuilder, type IdList } from "./idset";

/**
 * Reading one decompressed CloudTrail log file (`{"Records":[...]}`, aws-facts.md §4) without materialising the
 * records the report does not need.
 *
 * Most records are read-only calls (Describe*, Get*, List*): the report only counts them (after deduplication by
 * eventID). Parsing every record in full measured ~3x slower than the whole rest of the work, so the fast path
 * works on the bytes: CloudTrail writes compact JSON with `eventVersion` as every record's first key, so records
 * start at `{"eventVersion":"`; inside each record a few native `Buffer.indexOf` cursors (one pass over the
 * file per pattern) say whether it is read-only, made by root, or failed. Only the other records (candidates) are
 * sliced out and `JSON.parse`d. Anything that does not look like CloudTrail's own layout (other whitespace, other
 * key order, a candidate that does not parse) falls back to `JSON.parse` of the whole file, so the result never
 * depends on the fast path being applicable.
 *
 * What the fast path does not check: the JSON syntax inside read-only records it skips (their eventID and
 * eventTime are still required). `strict` parses every file in full.
 */

export interface ExtractedFile {
  /** Records in the file (before deduplication). */
  records: number;
  /** Records that may change something, were made by root, or failed: parsed in full. */
  candidates: JsonObject[];
  /** eventIDs of the read-only records skipped, for deduplication. */
  readOnlyIds: IdList;
  /** The byte-level fast path was used (false: whole-file JSON.parse). */
  fastPath: boolean;
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
const EVENT_TIME = enc('"eventTime":"');
const QUOTE = 0x22;
const COMMA = 0x2c;

/** Next occurrence of a pattern at or after a position, searched natively and cached (positions only grow). */
class Cursor {
  private pos = -2;
  constructor(
    private readonly buf: Buffer,
    private readonly pattern: Buffer,
  ) {}
  /** Position of the next occurrence at or after `from`, or Infinity. */
  next(from: number): number {
    if (this.pos === -1) return Infinity;
    if (this.pos < from) this.pos = this.buf.indexOf(this.pattern, from);
    return this.pos === -1 ? Infinity : this.pos;
  }
}

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
 * A record laid out otherwise is checked with cursors (slowRecord); a file whose records cannot be delimited goes
 * to extractGeneral, and from there, if need be, to the full parse.
 */
function extractFast(buf: Buffer): ExtractedFile | undefined {
  let end = buf.length;
  while (end > 0 && isSpace(buf[end - 1])) end--;
  if (buf.compare(HEAD, 0, HEAD.length, 0, HEAD.length) !== 0) return undefined;
  if (buf[end - 1] !== 0x7d || buf[end - 2] !== 0x5d) return undefined; // ]}
  const body = end - 2; // first byte of the closing "]}"
  if (body === HEAD.length) return { records: 0, candidates: [], readOnlyIds: idList([]), fastPath: true };
  const starts = positions(buf, START, HEAD.length, body);
  if (starts[0] !== HEAD.length) return undefined;
  const anchors = positions(buf, RO_ANCHOR, HEAD.length, body);
  const times = positions(buf, TIME_ANCHOR, HEAD.length, body);

  const candidates: JsonObject[] = [];
  const readOnlyIds = new IdListBuilder();
  const n = starts.length;
  let a = 0; // next readOnly anchor
  let t = 0; // next eventTime anchor
  for (let i = 0; i < n; i++) {
    const s = starts[i] as number;
    const next = i + 1 < n ? (starts[i + 1] as number) : body;
    const e = i + 1 < n ? next - 1 : body;
    if (i + 1 < n && buf[e] !== COMMA) return extractGeneral(buf, body);

    while (t < times.length && (times[t] as number) < s) t++;
    let timed = false;
    for (; t < times.length && (times[t] as number) < e; t++)
      timed ||= matchAt(buf, (times[t] as number) - 6, TIME_KEY);
    if (!timed) throw new TrailFileError(`/Records/${i}: record without eventTime`);

    // The anchor of this record in CloudTrail's layout: `"eventID":"<id>","readOnly":` (nested readOnly keys,
    // as in some requestParameters, are not preceded by an eventID).
    while (a < anchors.length && (anchors[a] as number) < s) a++;
    let at = -1;
    let idFrom = -1;
    for (; a < anchors.length && (anchors[a] as number) < e; a++) {
      const x = anchors[a] as number;
      if (buf[x - 6] !== COMMA || buf[x - 7] !== QUOTE || !matchAt(buf, x - 5, RO_KEY)) continue;
      if (matchAt(buf, x - 54, EVENT_ID)) {
        at = x; // a 36-character id, as CloudTrail's GUIDs are
        idFrom = x - 43;
      } else {
        const k = buf.lastIndexOf(EVENT_ID, x - 7);
        const from = k + EVENT_ID.length;
        if (k >= s && buf.indexOf(QUOTE, from) === x - 7) [at, idFrom] = [x, from];
      }
    }
    let readOnly: boolean;
    if (at !== -1 && (matchAt(buf, at + 6, TRUE) || matchAt(buf, at + 6, FALSE))) {
      readOnly = buf[at + 6] === 0x74; // t
    } else {
      readOnly = slowReadOnly(buf, s, e);
      at = -1;
    }
    if (readOnly && !madeByRoot(buf, s, e)) {
      const key = at !== -1 && at - 7 - idFrom === 36 ? guidKeyAt(buf, idFrom) : undefined;
      if (key) {
        readOnlyIds.addKey(key[0], key[1]);
        continue;
      }
      if (at !== -1) {
        readOnlyIds.add(buf.toString("latin1", idFrom, at - 7));
        continue;
      }
      const id = buf.indexOf(EVENT_ID, s);
      const from = id + EVENT_ID.length;
      const q = id === -1 ? -1 : buf.indexOf(QUOTE, from);
      if (id !== -1 && q !== -1 && q < e) {
        readOnlyIds.add(buf.toString("latin1", from, q));
        continue;
      }
    }
    let r: unknown;
    try {
      r = JSON.parse(buf.toString("utf8", s, e));
    } catch {
      return extractGeneral(buf, body);
    }
    if (!isObject(r) || typeof r.eventTime !== "string") return extractGeneral(buf, body);
    candidates.push(r);
  }
  return { records: n, candidates, readOnlyIds: readOnlyIds.finish(), fastPath: true };
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
    const fast = extractFast(buf);
    if (fast) return fast;
  }
  return extractParsed(buf);
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
    if (isCandidate(r) || typeof r.eventID !== "string") candidates.push(r);
    else readOnlyIds.push(r.eventID);
  });
  return { records: doc.Records.length, candidates, readOnlyIds: idList(readOnlyIds), fastPath: false };
}

/**
 * The byte-level path for any key order: per record, cursors say whether it holds `"readOnly":true` (and not
 * `"readOnly":false`) and `"type":"Root"`. Undefined when the records cannot be delimited (then: full parse).
 */
function extractGeneral(buf: Buffer, body: number): ExtractedFile | undefined {
  const starts = new Cursor(buf, START);
  const roTrue = new Cursor(buf, RO_TRUE);
  const roFalse = new Cursor(buf, RO_FALSE);
  const root = new Cursor(buf, ROOT);
  const ids = new Cursor(buf, EVENT_ID);
  const times = new Cursor(buf, EVENT_TIME);
  const candidates: JsonObject[] = [];
  const readOnlyIds: string[] = [];
  let records = 0;
  let s = HEAD.length;
  while (s < body) {
    const next = starts.next(s + 1);
    // A record ends just before the comma preceding the next record, or at the closing bracket.
    let e: number;
    if (next < body) {
      if (buf[next - 1] !== COMMA) return undefined;
      e = next - 1;
    } else {
      e = body;
    }
    records++;
    if (times.next(s) >= e) throw new TrailFileError(`/Records/${records - 1}: record without eventTime`);
    const id = ids.next(s);
    const readOnly = roTrue.next(s) < e && roFalse.next(s) >= e;
    if (readOnly && root.next(s) >= e && id < e) {
      const from = id + EVENT_ID.length;
      const q = buf.indexOf(QUOTE, from);
      if (q < 0 || q >= e) return undefined;
      readOnlyIds.push(buf.toString("latin1", from, q));
    } else {
      let r: unknown;
      try {
        r = JSON.parse(buf.toString("utf8", s, e));
      } catch {
        return undefined;
      }
      if (!isObject(r)) return undefined;
      candidates.push(r);
    }
    s = next < body ? next : body;
  }
  return { records, candidates, readOnlyIds: idList(readOnlyIds), fastPath: true };
}
