/**
 * Seeded randomness for the sample fleet. mulberry32 (32-bit state, one multiply-xorshift round per draw) is small,
 * fast and good enough for sample data; it is not for anything secret. Every value the generator writes comes from
 * a `Prng` derived from the user's seed, so the same seed gives byte-identical output.
 */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(list: readonly T[]): T {
    if (list.length === 0) throw new Error("Prng.pick: empty list");
    return list[Math.floor(this.next() * list.length)] as T;
  }

  chars(alphabet: string, length: number): string {
    let s = "";
    for (let i = 0; i < length; i++) s += alphabet[Math.floor(this.next() * alphabet.length)];
    return s;
  }

  /** Lowercase letters and digits, the alphabet of API Gateway ids (`a1b2c3d4e5`). */
  alnum(length: number): string {
    return this.chars(LOWER_ALNUM, length);
  }

  hex(length: number): string {
    return this.chars("0123456789abcdef", length);
  }

  /** A version-4 UUID, lowercase. */
  uuid(): string {
    const variant = "89ab"[Math.floor(this.next() * 4)] as string;
    return `${this.hex(8)}-${this.hex(4)}-4${this.hex(3)}-${variant}${this.hex(3)}-${this.hex(12)}`;
  }
}

const LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";

/**
 * A 32-bit seed derived from several parts (FNV-1a over their text, then the murmur3 finaliser), so that each
 * service gets its own independent stream: a service's values do not depend on how many services come before it
 * or in which order they are generated.
 */
export function deriveSeed(...parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  const text = parts.join("\u0000");
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

/** MurmurHash3's 32-bit finaliser: a bijection on 32-bit integers that mixes every bit into every other. */
export function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
