import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { ItemFileReader, readItemFile } from "../../lib/sources/config-files";
import { JsonInputError, JsonItemList, MAX_VALUE_BYTES, NotAnObjectError } from "../../lib/sources/json-item-list";
import { recorded } from "../helpers/recorded";

/**
 * Snapshot files read as streams (lib/sources/json-item-list.ts): the same text cut into chunks anywhere (inside
 * multi-byte UTF-8 characters, inside escapes) gives the same items, and the same error at the same place. The
 * oracle is JSON.parse of the whole text. Documents have the shapes lib/sources/config-files.ts reads: a Config
 * snapshot (AWS Config Developer Guide, "Example Configuration Snapshot from AWS Config"), GetResourceConfigHistory
 * (`configurationItems`), BatchGetResourceConfig (`baseConfigurationItems`, `unprocessedResourceKeys`) and
 * SelectResourceConfig output (`Results` as JSON strings, `QueryInfo`), with members before and after the list,
 * random white space and random (valid) escapes. The items themselves are arbitrary JSON: the splitter never looks
 * inside them. The file-level tests use a recorded configuration item.
 */
const NUM_RUNS = 300;

const LIST_KEYS = ["configurationItems", "baseConfigurationItems", "Results"];
const WATCH_KEYS = ["configSnapshotId", "fileVersion"];

/** A small deterministic generator, so one fast-check seed decides every choice of the serialiser. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SPACE = [" ", "\n", "\r\n", "\t", "  "];

/** JSON text of `v` with random white space between tokens and random escapes in strings: all valid JSON. */
function serialise(v: unknown, rnd: () => number): string {
  const ws = () => (rnd() < 0.3 ? (SPACE[Math.floor(rnd() * SPACE.length)] as string) : "");
  const str = (s: string) => {
    let out = '"';
    for (const ch of s) {
      const r = rnd();
      if (ch === '"' || ch === "\\" || ch < " ") out += JSON.stringify(ch).slice(1, -1);
      else if (r < 0.08) out += [...ch].map((c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0")).join("");
      else if (ch === "/" && r < 0.5) out += "\\/";
      else if (ch.length === 2 && r < 0.2) {
        // An astral character as an escaped surrogate pair.
        out += "\\u" + ch.charCodeAt(0).toString(16) + "\\u" + ch.charCodeAt(1).toString(16);
      } else out += ch;
    }
    return out + '"';
  };
  const go = (x: unknown): string => {
    if (typeof x === "string") return str(x);
    if (Array.isArray(x)) return "[" + ws() + x.map((e) => ws() + go(e) + ws()).join(",") + "]";
    if (x !== null && typeof x === "object") {
      const members = Object.entries(x).map(([k, e]) => ws() + str(k) + ws() + ":" + ws() + go(e) + ws());
      return "{" + ws() + members.join(",") + "}";
    }
    return JSON.stringify(x);
  };
  return ws() + go(v) + ws();
}

const text = fc.string({ unit: "binary", maxLength: 12 });
const configItem = fc.dictionary(
  fc.oneof(fc.constantFrom("resourceType", "resourceId", "configuration", "tags"), text),
  fc.jsonValue({ maxDepth: 3 }),
  { maxKeys: 5 },
);
const otherMember = fc.tuple(
  fc.oneof(
    fc.constantFrom(...WATCH_KEYS, "nextToken", "unprocessedResourceKeys", "QueryInfo"),
    text.filter((k) => !LIST_KEYS.includes(k)),
  ),
  fc.jsonValue({ maxDepth: 2 }),
);

/** A document in one of the shapes, as JSON text (UTF-8 bytes). */
const documentText = fc
  .record({
    listKey: fc.constantFrom(...LIST_KEYS),
    items: fc.array(configItem, { maxLength: 8 }),
    before: fc.array(otherMember, { maxLength: 3 }),
    after: fc.array(otherMember, { maxLength: 2 }),
    seed: fc.integer(),
  })
  .map(({ listKey, items, before, after, seed }) => {
    const rnd = prng(seed);
    // Select results are items as JSON strings.
    const list = listKey === "Results" ? items.map((i) => serialise(i, rnd)) : items;
    // Built by hand so member order (and duplicate names among the others) is as generated.
    const members = [...before, [listKey, list] as const, ...after].map(
      ([k, v]) => serialise(k, rnd) + ":" + serialise(v, rnd),
    );
    return Buffer.from("{" + members.join(",") + "}", "utf8");
  });

/** Where to cut a text of `n` bytes: any offsets, often many. */
const cutsOf = (n: number) => fc.uniqueArray(fc.integer({ min: 0, max: n }), { maxLength: Math.min(n + 1, 40) });

interface Outcome {
  items: unknown[];
  listKey: string | undefined;
  seen: string[];
  error?: string;
}

/** Feeds `buf` cut at `cuts`; every take() checked for consecutive indexes. */
function read(buf: Buffer, cuts: number[], opts: { maxDepth?: number; maxValueBytes?: number } = {}): Outcome {
  const list = new JsonItemList({ listKeys: LIST_KEYS, watchKeys: WATCH_KEYS, ...opts });
  const items: unknown[] = [];
  const collect = () => {
    const { first, items: got } = list.take();
    if (got.length > 0 && first !== items.length) throw new Error(`batch starts at ${first}, expected ${items.length}`);
    items.push(...got);
  };
  let error: string | undefined;
  try {
    let at = 0;
    for (const cut of [...cuts].sort((a, b) => a - b).concat(buf.length)) {
      list.push(buf.subarray(at, cut));
      collect();
      at = cut;
    }
    list.end();
  } catch (e) {
    collect();
    if (e instanceof JsonInputError) error = `${e.message} (item ${e.itemIndex})`;
    else if (e instanceof NotAnObjectError) error = "not an object";
    else throw e;
  }
  return { items, listKey: list.listKey, seen: [...list.seen].sort(), ...(error ? { error } : {}) };
}

const everyByte = (buf: Buffer) => Array.from({ length: buf.length }, (_, i) => i);

describe("snapshot files read as streams: chunk boundaries anywhere", () => {
  test(`valid documents: the same items as JSON.parse of the whole, however cut (${NUM_RUNS} runs)`, () => {
    fc.assert(
      fc.property(
        documentText.chain((buf) => fc.tuple(fc.constant(buf), cutsOf(buf.length))),
        ([buf, cuts]) => {
          const whole = JSON.parse(buf.toString("utf8")) as Record<string, unknown>;
          const key = LIST_KEYS.find((k) => k in whole) as string;
          const got = read(buf, cuts);
          expect(got.error).toBeUndefined();
          expect(got.listKey).toBe(key);
          expect(got.items).toEqual(whole[key]);
          expect(got.seen).toEqual([key, ...WATCH_KEYS.filter((k) => k in whole)].sort());
          expect(read(buf, everyByte(buf))).toEqual(got);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  test(`broken documents: rejected exactly when JSON.parse rejects, with the same items and error however cut (${NUM_RUNS} runs)`, () => {
    const damage = fc.oneof(
      fc.record({ kind: fc.constant("truncate" as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
      fc.record({ kind: fc.constant("delete" as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
      fc.record({
        kind: fc.constant("insert" as const),
        at: fc.double({ min: 0, max: 1, noNaN: true }),
        byte: fc.oneof(fc.constantFrom(...Buffer.from('{}[]",:\\ 0tx')), fc.integer({ min: 0, max: 255 })),
      }),
    );
    const broken = fc.tuple(documentText, damage).map(([buf, d]) => {
      const at = Math.min(buf.length, Math.floor(d.at * (buf.length + 1)));
      if (d.kind === "truncate") return buf.subarray(0, at);
      if (d.kind === "delete") return Buffer.concat([buf.subarray(0, at), buf.subarray(at + 1)]);
      return Buffer.concat([buf.subarray(0, at), Buffer.from([d.byte]), buf.subarray(at)]);
    });
    fc.assert(
      fc.property(
        broken.chain((buf) => fc.tuple(fc.constant(buf), cutsOf(buf.length))),
        ([buf, cuts]) => {
          const got = read(buf, cuts);
          expect(read(buf, [])).toEqual(got);
          expect(read(buf, everyByte(buf))).toEqual(got);
          let whole: unknown;
          try {
            whole = JSON.parse(buf.toString("utf8"));
          } catch {
            expect(got.error).toBeDefined();
            return;
          }
          if (typeof whole !== "object" || whole === null || Array.isArray(whole)) {
            expect(got.error).toBe("not an object");
          } else if (got.error === undefined) {
            const w = whole as Record<string, unknown>;
            if (got.listKey !== undefined) expect(got.items).toEqual(w[got.listKey]);
            else expect(LIST_KEYS.some((k) => Array.isArray(w[k]))).toBe(false);
          } else {
            // Valid JSON is refused only for holding two item lists.
            expect(got.error).toMatch(/^a second item list/);
          }
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  test(`limits on depth and value size hold however the text is cut (${NUM_RUNS} runs)`, () => {
    fc.assert(
      fc.property(
        documentText.chain((buf) => fc.tuple(fc.constant(buf), cutsOf(buf.length))),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 200 }),
        ([buf, cuts], maxDepth, maxValueBytes) => {
          const limits = { maxDepth, maxValueBytes };
          const got = read(buf, cuts, limits);
          expect(read(buf, everyByte(buf), limits)).toEqual(got);
          if (got.error === undefined) expect(got).toEqual(read(buf, cuts));
          else expect(got.error).toMatch(/^(nested deeper than \d+ levels|an item longer|a value longer)/);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });
});

describe("snapshot files read as streams: hostile input", () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const d = mkdtempSync(join(tmpdir(), "guardrail-stream-"));
    dirs.push(d);
    return d;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  test("a million opening brackets stop at the depth limit, at once", () => {
    const list = new JsonItemList({ listKeys: LIST_KEYS });
    list.push(Buffer.from('{"configurationItems":[{"a":'));
    const deep = Buffer.alloc(1024 * 1024, "[");
    expect(() => list.push(deep)).toThrow("nested deeper than 1000 levels at byte 1027");
  });

  test("an unterminated string in a gzipped snapshot stops at the size limit, naming file, byte and item", async () => {
    const dir = tempDir();
    const file = join(dir, "unterminated.json.gz");
    const head = '{"fileVersion":"1.0","configurationItems":[{"resourceType":"AWS::SQS::Queue"},{"resourceId":"';
    writeFileSync(file, gzipSync(Buffer.concat([Buffer.from(head), Buffer.alloc(MAX_VALUE_BYTES + 1024 * 1024, "x")])));
    const reader = new ItemFileReader(file);
    const items: unknown[] = [];
    await expect(
      (async () => {
        for await (const batch of reader.batches()) items.push(...batch.items);
      })(),
    ).rejects.toThrow(
      `not JSON: an item longer than ${MAX_VALUE_BYTES} bytes (an unterminated string?) starting at byte 78 of the uncompressed data, in /configurationItems/1`,
    );
    expect(items).toEqual([{ resourceType: "AWS::SQS::Queue" }]);
  });

  test("a snapshot larger than one read chunk: multi-byte characters and escapes across the reader's own chunks", async () => {
    const dir = tempDir();
    const { configurationItem } = JSON.parse(
      recorded<{ invokingEvent: string }>("config-rule-invocation-change.json").invokingEvent,
    ) as { configurationItem: Record<string, unknown> };
    // Tag values may hold any Unicode (Tag, Amazon EC2 API Reference); these ones need escapes and multi-byte UTF-8.
    const items = Array.from({ length: 1500 }, (_, i) => ({
      ...configurationItem,
      resourceId: `i-${i.toString(16).padStart(17, "0")}`,
      tags: { Name: `é€😀"\\/${"x".repeat(i % 997)}` },
    }));
    const body = JSON.stringify({ fileVersion: "1.0", configSnapshotId: "s", configurationItems: items });
    expect(body.length).toBeGreaterThan(3 * 1024 * 1024);
    for (const [name, data] of [
      ["big.json", Buffer.from(body)],
      ["big.json.gz", gzipSync(body)],
    ] as const) {
      writeFileSync(join(dir, name), data);
      const read = await readItemFile(join(dir, name));
      expect(read.kind).toBe("snapshot");
      expect(read.items).toEqual(items);
      expect(read.bytes).toBe(data.length);
    }
  });
});
