/**
 * Deduplication by eventID without a JavaScript Set of strings: CloudTrail eventIDs are version-4 GUIDs
 * (`8-4-4-4-12` hex), so 64 of their bits (the first 16 hex digits, one of them the constant version nibble) make
 * a key of two 32-bit numbers, kept in an open-addressing table of a typed array. Measured several times faster
 * than a Set<string> of the same ids, and with no object per id for the garbage collector. With 60 random bits,
 * two different eventIDs share a key with probability about n²/2^61 (1 in 20 million for a million ids a day).
 * Ids that are not GUIDs go to a plain Set.
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
  const lo = hex8(`${id.slice(9, 13)}${id.slice(14, 18)}`, 0);
  if (hi < 0 || lo < 0) return undefined;
  return [hi, lo];
}

/** Packs ids into an IdList. */
export function idList(ids: readonly string[]): IdList {
  const keys = new Uint32Array(ids.length * 2);
  const other: string[] = [];
  let n = 0;
  for (const id of ids) {
    const k = guidKey(id);
    if (!k) {
      other.push(id);
      continue;
    }
    keys[n++] = k[0];
    keys[n++] = k[1];
  }
  return { keys: n === keys.length ? keys : keys.slice(0, n), other };
}

/** A set of ids (keys and other strings); `add` says whether the id was new. */
export class IdSet {
  private table = new Uint32Array(2 * 1024);
  private mask = 1023;
  private count = 0;
  private hasZero = false;
  private readonly strings = new Set<string>();

  get size(): number {
    return this.count + (this.hasZero ? 1 : 0) + this.strings.size;
  }

  addString(id: string): boolean {
    if (this.strings.has(id)) return false;
    this.strings.add(id);
    return true;
  }

  hasString(id: string): boolean {
    return this.strings.has(id);
  }

  /** Slot of the key, or of the empty slot where it would go. [0,0] marks empty slots (that key is kept aside). */
  private slot(hi: number, lo: number): number {
    let i = (Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b) >>> 0) & this.mask;
    const t = this.table;
    for (;;) {
      const a = t[2 * i] as number;
      const b = t[2 * i + 1] as number;
      if ((a === hi && b === lo) || (a === 0 && b === 0)) return i;
      i = (i + 1) & this.mask;
    }
  }

  has(hi: number, lo: number): boolean {
    if (hi === 0 && lo === 0) return this.hasZero;
    const i = this.slot(hi, lo);
    return this.table[2 * i] === hi && this.table[2 * i + 1] === lo;
  }

  add(hi: number, lo: number): boolean {
    if (hi === 0 && lo === 0) {
      if (this.hasZero) return false;
      this.hasZero = true;
      return true;
    }
    const i = this.slot(hi, lo);
    if (this.table[2 * i] === hi && this.table[2 * i + 1] === lo) return false;
    this.table[2 * i] = hi;
    this.table[2 * i + 1] = lo;
    if (++this.count * 2 > this.mask) this.grow();
    return true;
  }

  private grow(): void {
    const old = this.table;
    this.mask = this.mask * 2 + 1;
    this.table = new Uint32Array(2 * (this.mask + 1));
    for (let i = 0; i < old.length; i += 2) {
      const hi = old[i] as number;
      const lo = old[i + 1] as number;
      if (hi === 0 && lo === 0) continue;
      const j = this.slot(hi, lo);
      this.table[2 * j] = hi;
      this.table[2 * j + 1] = lo;
    }
  }
}
