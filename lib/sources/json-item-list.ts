/**
 * The items of one list in a JSON document `{"<member>": ..., "<list>": [item, item, ...], ...}`, read from
 * chunks of any size, one item at a time: memory holds the largest item, not the document. A Config snapshot of a
 * busy account and Region passes V8's longest string (~512 MiB), so it cannot be one `JSON.parse`.
 *
 * Only the document's skeleton (the top-level object, its member names, the list's brackets and commas) is parsed
 * byte by byte here. Each item, and each other member's value, is found by counting brackets outside strings
 * (string and escape aware; every byte that matters is ASCII, so a chunk may end inside a multi-byte character)
 * and then given to `JSON.parse`, which validates it. The items of one chunk are parsed in one call.
 *
 * Hostile input is bounded: a value may be at most `maxValueBytes` long (an unterminated string stops there) and
 * nested at most `maxDepth` deep (`JSON.parse` of millions of brackets takes minutes and gigabytes).
 */

/** Malformed input: what, and where (byte offset in the JSON text; the list index when inside an item). */
export class JsonInputError extends Error {
  constructor(
    readonly reason: string,
    readonly offset: number,
    readonly itemIndex?: number,
  ) {
    super(`${reason} at byte ${offset}`);
    this.name = "JsonInputError";
  }
}

/** Top level is valid JSON of another kind than an object (or begins like one). */
export class NotAnObjectError extends Error {
  override name = "NotAnObjectError";
}

export interface JsonItemListOptions {
  /** Member names whose array value is the item list; the first such member that holds an array is read. */
  listKeys: readonly string[];
  /** Other member names whose presence is recorded in `seen` (values are validated, then dropped). */
  watchKeys?: readonly string[];
  maxValueBytes?: number;
  maxDepth?: number;
}

export const MAX_VALUE_BYTES = 64 * 1024 * 1024;
export const MAX_DEPTH = 1000;

// Skeleton states.
const ROOT = 0;
const KEY_OR_END = 1;
const KEY = 2;
const COLON = 3;
const MEMBER_VALUE = 4;
const MEMBER_NEXT = 5;
const ELEM_OR_END = 6;
const ELEM = 7;
const ELEM_NEXT = 8;
const VALUE = 9;
const DONE = 10;

// What the value being scanned is.
const FOR_KEY = 0;
const FOR_MEMBER = 1;
const FOR_ITEM = 2;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function isDelimiter(c: number): boolean {
  return c === COMMA || c === CLOSE_BRACKET || c === CLOSE_BRACE || isSpace(c);
}

function isScalarStart(c: number): boolean {
  return c === 0x2d || (c >= 0x30 && c <= 0x39) || c === 0x74 || c === 0x66 || c === 0x6e; // - 0-9 t f n
}

function describeByte(c: number): string {
  return c >= 0x21 && c <= 0x7e ? `'${String.fromCharCode(c)}'` : `byte 0x${c.toString(16).padStart(2, "0")}`;
}

/** V8's message without its position (given as a byte offset instead). */
function parseReason(e: unknown): string {
  return (e as Error).message.replace(/ in JSON at position \d+.*$/s, "");
}

export class JsonItemList {
  /** The member whose array is the item list, once its `[` was read. */
  listKey: string | undefined;
  /** Watched and list member names met so far. */
  readonly seen = new Set<string>();
  /** Items completed since the last `take()`, in order; `outFirst` is the list index of the first. */
  private out: unknown[] = [];
  private outFirst = 0;

  private readonly listKeys: ReadonlySet<string>;
  private readonly watchKeys: ReadonlySet<string>;
  private readonly maxValueBytes: number;
  private readonly maxDepth: number;

  private state = ROOT;
  /** Bytes of the text before the current chunk. */
  private base = 0;
  private key = "";
  /** List index of the next item. */
  private index = 0;

  // The value being scanned.
  private purpose = FOR_KEY;
  private scalar = false;
  private depth = 0;
  private inString = false;
  private escape = false;
  /** Absolute offset of the value's first byte. */
  private valueOffset = 0;
  /** The value's bytes from earlier chunks (copied: a caller may reuse its buffers). */
  private parts: Buffer[] = [];

  // Items wholly inside the current chunk, not yet parsed: [start, end) pairs.
  private batch: number[] = [];

  constructor(opts: JsonItemListOptions) {
    this.listKeys = new Set(opts.listKeys);
    this.watchKeys = new Set(opts.watchKeys ?? []);
    this.maxValueBytes = opts.maxValueBytes ?? MAX_VALUE_BYTES;
    this.maxDepth = opts.maxDepth ?? MAX_DEPTH;
  }

  /** Bytes fed so far. */
  get offset(): number {
    return this.base;
  }

  /** The items completed since the last call, and the list index of the first. */
  take(): { first: number; items: unknown[] } {
    const r = { first: this.outFirst, items: this.out };
    this.out = [];
    this.outFirst = this.index;
    return r;
  }

  push(chunk: Buffer): void {
    const n = chunk.length;
    let i = 0;
    try {
      while (i < n) {
        switch (this.state) {
          case VALUE: {
            const start = this.parts.length > 0 ? 0 : this.valueOffset - this.base;
            // Scanned no further than the size limit: the error is at the same byte however the text is cut.
            const limit = this.valueOffset + this.maxValueBytes - this.base;
            const stop = limit < n ? limit : n;
            const end = this.scalar ? this.scanScalar(chunk, i, stop) : this.scanNested(chunk, i, stop);
            if (end < 0) {
              if (stop < n) this.tooLong();
              this.keep(chunk, start, n);
              i = n;
            } else {
              this.valueEnded(chunk, start, end);
              i = end;
            }
            break;
          }
          case ELEM_NEXT:
            // The hot path between items: `,` and a line break.
            i = this.skipSpace(chunk, i, n);
            if (i === n) break;
            if (chunk[i] === COMMA) {
              this.state = ELEM;
              i++;
            } else if (chunk[i] === CLOSE_BRACKET) {
              this.state = MEMBER_NEXT;
              i++;
            } else {
              this.unexpected(chunk, i);
            }
            break;
          default:
            i = this.skeleton(chunk, i, n);
        }
      }
      this.flushBatch(chunk);
      this.base += n;
    } catch (e) {
      // The items this chunk completed before the error are still delivered (`take`), as they would have been had
      // the chunk ended just before it: what is read before an error does not depend on where chunks end.
      this.flushBatch(chunk);
      throw e;
    }
  }

  /** The list index of the item being read when the text stopped or broke, if it stopped inside one. */
  get openItem(): number | undefined {
    return (this.state === VALUE && this.purpose === FOR_ITEM) || this.state === ELEM ? this.nextIndex : undefined;
  }

  /** The list index of the next item to complete (items of this chunk not yet parsed included). */
  private get nextIndex(): number {
    return this.index + this.batch.length / 2;
  }

  /** The end of the text: anything left open is an error. */
  end(): void {
    if (this.state === VALUE && this.scalar) {
      // A number at the very end cannot be valid (the top level is an object), but its own error is clearer.
      this.valueEnded(Buffer.alloc(0), 0, 0);
    }
    if (this.state !== DONE) {
      if (this.state === ROOT) throw new JsonInputError("unexpected end of data (no JSON value)", this.base);
      const where = this.state === VALUE && this.inString ? " (inside a string)" : "";
      throw new JsonInputError(`unexpected end of data${where}`, this.base, this.openItem);
    }
  }

  private skipSpace(b: Buffer, i: number, n: number): number {
    while (i < n && isSpace(b[i] as number)) i++;
    return i;
  }

  private unexpected(b: Buffer, i: number): never {
    throw new JsonInputError(`unexpected ${describeByte(b[i] as number)}`, this.base + i, this.openItem);
  }

  /** One skeleton step; returns where to go on. */
  private skeleton(b: Buffer, i: number, n: number): number {
    i = this.skipSpace(b, i, n);
    if (i === n) return n;
    const c = b[i] as number;
    switch (this.state) {
      case ROOT:
        if (c === OPEN_BRACE) {
          this.state = KEY_OR_END;
          return i + 1;
        }
        if (c === OPEN_BRACKET || c === QUOTE || isScalarStart(c)) throw new NotAnObjectError();
        return this.unexpected(b, i);
      case KEY_OR_END:
      case KEY:
        if (c === CLOSE_BRACE && this.state === KEY_OR_END) {
          this.state = DONE;
          return i + 1;
        }
        if (c !== QUOTE) return this.unexpected(b, i);
        this.beginValue(b, i, FOR_KEY);
        return i;
      case COLON:
        if (c !== 0x3a) return this.unexpected(b, i);
        this.state = MEMBER_VALUE;
        return i + 1;
      case MEMBER_VALUE:
        if (c === OPEN_BRACKET && this.listKey === undefined && this.listKeys.has(this.key)) {
          this.listKey = this.key;
          this.state = ELEM_OR_END;
          return i + 1;
        }
        if (c === OPEN_BRACKET && this.listKeys.has(this.key)) {
          throw new JsonInputError(`a second item list, ${JSON.stringify(this.key)}`, this.base + i);
        }
        this.beginValue(b, i, FOR_MEMBER);
        return i;
      case MEMBER_NEXT:
        if (c === COMMA) {
          this.state = KEY;
          return i + 1;
        }
        if (c === CLOSE_BRACE) {
          this.state = DONE;
          return i + 1;
        }
        return this.unexpected(b, i);
      case ELEM_OR_END:
      case ELEM:
        if (c === CLOSE_BRACKET && this.state === ELEM_OR_END) {
          this.state = MEMBER_NEXT;
          return i + 1;
        }
        this.beginValue(b, i, FOR_ITEM);
        return i;
      default: // DONE
        throw new JsonInputError(`unexpected ${describeByte(c)} after the end of the JSON value`, this.base + i);
    }
  }

  private beginValue(b: Buffer, i: number, purpose: number): void {
    const c = b[i] as number;
    this.purpose = purpose;
    this.valueOffset = this.base + i;
    this.depth = 0;
    this.inString = false;
    this.escape = false;
    this.scalar = false;
    if (c === OPEN_BRACE || c === OPEN_BRACKET || c === QUOTE) {
      // Scanned from its first byte: the bracket or quote is counted there.
    } else if (isScalarStart(c)) {
      this.scalar = true;
    } else {
      this.unexpected(b, i);
    }
    this.state = VALUE;
  }

  /**
   * An object, array or string from `i`: the offset just past its end, or -1 when it goes on past the chunk.
   * The hot loop of the reader.
   */
  private scanNested(b: Buffer, i: number, n: number): number {
    let depth = this.depth;
    let inString = this.inString;
    if (this.escape) {
      this.escape = false;
      i++;
    }
    while (i < n) {
      if (inString) {
        // To the closing quote, stepping over each escaped character.
        let c = b[i] as number;
        while (c !== QUOTE) {
          if (c === BACKSLASH) i++;
          if (++i >= n) {
            this.escape = i > n; // the chunk ended right after a backslash
            this.depth = depth;
            this.inString = true;
            return -1;
          }
          c = b[i] as number;
        }
        inString = false;
        i++;
        if (depth === 0) {
          this.inString = false;
          return i;
        }
        continue;
      }
      const c = b[i] as number;
      if (c === QUOTE) {
        inString = true;
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (++depth > this.maxDepth) {
          throw new JsonInputError(`nested deeper than ${this.maxDepth} levels`, this.base + i, this.openItem);
        }
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (--depth <= 0) {
          this.depth = 0;
          this.inString = false;
          return i + 1;
        }
      }
      i++;
    }
    this.depth = depth;
    this.inString = inString;
    return -1;
  }

  private scanScalar(b: Buffer, i: number, n: number): number {
    for (; i < n; i++) if (isDelimiter(b[i] as number)) return i;
    return -1;
  }

  private tooLong(): never {
    const what = this.purpose === FOR_ITEM ? "an item" : "a value";
    const hint = this.inString ? " (an unterminated string?)" : "";
    throw new JsonInputError(
      `${what} longer than ${this.maxValueBytes} bytes${hint} starting`,
      this.valueOffset,
      this.openItem,
    );
  }

  /** The value goes on in the next chunk: keep its bytes so far (at most maxValueBytes, checked by the caller). */
  private keep(b: Buffer, start: number, n: number): void {
    this.flushBatch(b);
    if (n > start) this.parts.push(Buffer.from(b.subarray(start, n)));
  }

  private valueEnded(b: Buffer, start: number, end: number): void {
    const purpose = this.purpose;
    if (purpose === FOR_ITEM) {
      this.state = ELEM_NEXT;
      if (this.parts.length === 0) {
        // Whole in this chunk: parsed with its neighbours when the chunk is done.
        this.batch.push(start, end);
        return;
      }
      this.flushBatch(b);
    }
    let text: string;
    if (this.parts.length > 0) {
      this.parts.push(b.subarray(0, end));
      text = Buffer.concat(this.parts).toString("utf8");
      this.parts = [];
    } else {
      text = b.toString("utf8", start, end);
    }
    const value = this.parse(text, this.valueOffset, purpose === FOR_ITEM ? this.index : undefined);
    if (purpose === FOR_ITEM) {
      this.out.push(value);
      this.index++;
    } else if (purpose === FOR_KEY) {
      this.key = value as string;
      if (this.listKeys.has(this.key) || this.watchKeys.has(this.key)) this.seen.add(this.key);
      this.state = COLON;
    } else {
      this.state = MEMBER_NEXT;
    }
  }

  private parse(text: string, offset: number, itemIndex: number | undefined): unknown {
    try {
      return JSON.parse(text);
    } catch (e) {
      // V8 names the place in UTF-16 units of the value's text; it is said in bytes of the file instead.
      const position = /in JSON at position (\d+)/.exec((e as Error).message)?.[1];
      if (position === undefined)
        throw new JsonInputError(`${parseReason(e)} in the value starting`, offset, itemIndex);
      const at = offset + Buffer.byteLength(text.slice(0, Number(position)));
      throw new JsonInputError(parseReason(e), at, itemIndex);
    }
  }

  /** The items of this chunk found whole: one `JSON.parse`, or one each to name the bad one. */
  private flushBatch(b: Buffer): void {
    const batch = this.batch;
    const k = batch.length / 2;
    if (k === 0) return;
    this.batch = [];
    const first = batch[0] as number;
    const last = batch[batch.length - 1] as number;
    if (k > 1) {
      let values: unknown[] | undefined;
      try {
        values = JSON.parse(`[${b.toString("utf8", first, last)}]`) as unknown[];
      } catch {
        values = undefined; // one of them is malformed: parsed one by one below, to name it
      }
      if (values && values.length === k) {
        for (const v of values) this.out.push(v);
        this.index += k;
        return;
      }
    }
    for (let j = 0; j < batch.length; j += 2) {
      const s = batch[j] as number;
      this.out.push(this.parse(b.toString("utf8", s, batch[j + 1] as number), this.base + s, this.index));
      this.index++;
    }
  }
}
