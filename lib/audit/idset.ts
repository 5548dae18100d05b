/**
 * Deduplication by eventID without a JavaScript Set of strings: CloudTrail eventIDs are version-4 GUIDs
 * (`8-4-4-4-12` hex), so 64 of their random bits (the first 8 and the last 8 hex digits, away from the version and
 * variant digits) make a key of two 32-bit numbers, kept in an open-addressing table of a typed array. Measured
 * several times faster than a Set<string> of the same ids, and with no object per id for the garbage collector.
 * Two different eventIDs share a key with probability about n²/2^65 (1 in 37 million for a million ids a day).
 * Ids that are not GUIDs go to a plain Map.
 */

export interface IdList {
  /** Key pairs [hi, lo, hi, lo, ...] of GUID ids. */
  keys: Uint32Array;
  /** Ids that are not GUIDs. */
  other: string[];
}

const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX[65 + i] = 10 + i;
  HEX[97 + i] = 10 + i;
}

function hex8(s: string, at: number): number {
  let v = 0;
  for (let i = at; i < at + 8; i++) {
    const c = s.charCodeAt(i);
    const d = c < 128 ? (HEX[c] as number) : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

/** The key of a GUID id: [hi, lo], or undefined when the id is not a GUID. */
export function guidKey(id: string): [number, number] | undefined {
  if (id.length !== 36 || id[8] !== "-" || id[13] !== "-" || id[18] !== "-" || id[23] !== "-") return undefined;
  const hi = hex8(id, 0);
  const lo = hex8(id, 28);
  if (hi < 0 || lo < 0) return undefined;
  return [hi, lo];
}

function hexBytes(buf: Uint8Array, from: number, to: number): number {
  let v = 0;
  for (let i = from; i < to; i++) {
    const c = buf[i] as number;
    const d = c < 128 ? (HEX[c] as number) : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

/**
 * The key of the GUID written in `buf` from `at` (36 bytes, `8-4-4-4-12`), or undefined when it is not one: the
 * same key guidKey gives the same id as a string, read without making the string.
 */
export function guidKeyAt(buf: Uint8Array, at: number): [number, number] | undefined {
  const DASH = 0x2d;
  if (buf[at + 8] !== DASH || buf[at + 13] !== DASH || buf[at + 18] !== DASH || buf[at + 23] !== DASH) return undefined;
  const hi = hexBytes(buf, at, at + 8);
  const lo = hexBytes(buf, at + 28, at + 36);
  if (hi < 0 || lo < 0) return undefined;
  return [hi, lo];
}

/** Builds an IdList one id at a time (a growing typed array, no object per id). */
export class IdListBuilder {
  private keys = new Uint32Array(256);
  private n = 0;
  private readonly other: string[] = [];

  get size(): number {
    return this.n / 2 + this.other.length;
  }

  addKey(hi: number, lo: number): void {
    if (this.n + 2 > this.keys.length) {
      const grown = new Uint32Array(this.keys.length * 2);
      grown.set(this.keys);
      this.keys = grown;
    }
    this.keys[this.n++] = hi;
    this.keys[this.n++] = lo;
  }

  add(id: string): void {
    const k = guidKey(id);
    if (k) this.addKey(k[0], k[1]);
    else this.other.push(id);
  }

  finish(): IdList {
    return { keys: this.keys.slice(0, this.n), other: this.other };
  }
}

/** Both lists in one. */
export function concatIds(a: IdList, b: IdList): IdList {
  if (b.keys.length === 0 && b.other.length === 0) return a;
  const keys = new Uint32Array(a.keys.length + b.keys.length);
  keys.set(a.keys);
  keys.set(b.keys, a.keys.length);
  return { keys, other: [...a.other, ...b.other] };
}

/** Packs ids into an IdList. */
export function idList(ids: readonly string[]): IdList {
  const b = new IdListBuilder();
  for (const id of ids) b.add(id);
  return b.finish();
}

/**
 * Linear probing stays short up to three quarters full (about 2.5 probes for an id seen, 8.5 for a new one), and
 * the table is 12 bytes a slot: 2 million ids in the window take 32-64 MB.
 */
const MAX_LOAD = 0.75;

/**
 * The ids seen within a window of days (the trail's date folders), for deduplication: one open-addressing table
 * of [hi, lo, day + 1] triples (0 marks an empty slot), probed once per id; ids that are not GUIDs in a Map.
 * `fresh` says whether an id is new within `window` days of the one it is seen on, and remembers it on that day.
 * When the table fills, the ids of days that left the window are dropped (the readers go through the days in
 * order), so memory follows the ids of the window, not the trail.
 */
export class WindowedIdSet {
  // A day of an organisation trail holds 10^5-10^6 ids: starting at 64K slots (768 KB) skips the first doublings.
  private table = new Uint32Array(3 * 65536);
  private mask = 65535;
  private count = 0;
  private latestDay = -Infinity;
  private readonly strings = new Map<string, number>();

  constructor(private readonly window: number) {}

  get size(): number {
    return this.count + this.strings.size;
  }

  /** Slot of the key, or of the empty slot where it would go. */
  private slot(hi: number, lo: number): number {
    let i = (Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b) >>> 0) & this.mask;
    const t = this.table;
    for (;;) {
      if (t[3 * i + 2] === 0 || (t[3 * i] === hi && t[3 * i + 1] === lo)) return i;
      i = (i + 1) & this.mask;
    }
  }

  /** True when the GUID key was not seen within the window of `day` (days since the epoch). */
  freshKey(hi: number, lo: number, day: number): boolean {
    this.advance(day);
    const i = this.slot(hi, lo);
    const t = this.table;
    const seen = t[3 * i + 2] as number;
    if (seen !== 0 && Math.abs(seen - 1 - day) <= this.window) return false;
    t[3 * i] = hi;
    t[3 * i + 1] = lo;
    t[3 * i + 2] = day + 1;
    if (seen === 0 && ++this.count > this.mask * MAX_LOAD) this.rebuild();
    return true;
  }

  /** The same for an id that is not a GUID. */
  freshString(id: string, day: number): boolean {
    this.advance(day);
    const seen = this.strings.get(id);
    if (seen !== undefined && Math.abs(seen - day) <= this.window) return false;
    this.strings.set(id, day);
    return true;
  }

  /** A new latest day: the ids that are not GUIDs and left the window go at once (GUID keys at the next rebuild). */
  private advance(day: number): void {
    if (day <= this.latestDay) return;
    this.latestDay = day;
    const oldest = day - this.window;
    for (const [id, d] of this.strings) if (d < oldest) this.strings.delete(id);
  }

  /** Drops the ids of days that left the window; grows the table until it is at most half as full as MAX_LOAD. */
  private rebuild(): void {
    const oldest = this.latestDay - this.window;
    const old = this.table;
    let kept = 0;
    for (let i = 2; i < old.length; i += 3) if (old[i] !== 0 && (old[i] as number) - 1 >= oldest) kept++;
    let slots = this.mask + 1;
    while (kept > (slots * MAX_LOAD) / 2) slots *= 2;
    if (slots === this.mask + 1) {
      this.prune(oldest, kept);
      return;
    }
    this.mask = slots - 1;
    this.table = new Uint32Array(3 * slots);
    this.count = 0;
    for (let i = 0; i < old.length; i += 3) {
      const day = old[i + 2] as number;
      if (day === 0 || day - 1 < oldest) continue;
      const j = this.slot(old[i] as number, old[i + 1] as number);
      this.table[3 * j] = old[i] as number;
      this.table[3 * j + 1] = old[i + 1] as number;
      this.table[3 * j + 2] = day;
      this.count++;
    }
  }

  /**
   * Forgets the days before `oldest` in place, when the table need not grow: the expired slots are emptied, then
   * every key is placed again, in probe order, starting after a slot that was empty BEFORE any was emptied. No
   * probe run crosses such a slot, so each key's home is behind it in that order and its new place is between its
   * home and its old place, among keys already placed: no gap opens in its run afterwards. (Starting after a slot
   * just emptied lost keys whose run crossed it: test/unit/audit-idset.test.ts builds one.) Each key moves back
   * within its own run, close in memory: measured several times faster than building a new table (a fresh 6-12 MB
   * array, every key inserted at a random place in it).
   */
  private prune(oldest: number, kept: number): void {
    const t = this.table;
    const slots = this.mask + 1;
    let start = 0;
    while (t[3 * start + 2] !== 0) start++; // there is one: the table is at most MAX_LOAD full
    for (let i = 2; i < t.length; i += 3) if (t[i] !== 0 && (t[i] as number) - 1 < oldest) t[i] = 0;
    for (let k = 1; k < slots; k++) {
      const i = (start + k) & this.mask;
      const day = t[3 * i + 2] as number;
      if (day === 0) continue;
      const [hi, lo] = [t[3 * i] as number, t[3 * i + 1] as number];
      t[3 * i + 2] = 0;
      const j = this.slot(hi, lo);
      t[3 * j] = hi;
      t[3 * j + 1] = lo;
      t[3 * j + 2] = day;
    }
    this.count = kept;
  }
}
