import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { extractRecords, isUtcTime } from "../../lib/audit/extract";
import { AuditAccumulator, PROBLEMS_LISTED, type AuditReport, type FileFacts } from "../../lib/audit/model";
import { readTrailFile } from "../../lib/audit/read";
import { renderAudit } from "../../lib/audit/render";
import { runAudit } from "../../lib/audit/run";
import { listTrailFiles, parseLocation, type TrailFile } from "../../lib/audit/source";
import { idList } from "../../lib/audit/idset";
import { loadPack } from "../../lib/pack";
import { resourceAdapters } from "../../lib/resources/registry";
import {
  fixture,
  HOSTILE_TRAILS,
  hostileKey,
  notUtf8,
  retag,
  writeHostileTrail,
  type HostileTrail,
} from "../helpers/hostile-trail";
import { plural } from "../../lib/util/words";

/**
 * Hostile CloudTrail log files (test/fixtures/hostile/trails/README.md): every record that can be counted is,
 * every one that cannot is named with its file, index and reason, and the byte scans and the full parse
 * (`--strict`) say the same. The expectations are the fixtures' own (test/helpers/hostile-trail.ts).
 */

const { engine } = loadPack({});
const adapters = [...resourceAdapters().values()];
const opts = { engine, adapters };
const trailFile = (unique: string): TrailFile => ({ id: hostileKey(unique), key: hostileKey(unique), date: "2022-07-11", accountId: "012345678901", region: "us-east-1", size: 0 }); // prettier-ignore

/** Records counted by a read: read-only ids, mutating ids and the judged events. */
function counted(f: FileFacts): number {
  const n = (l: { keys: Uint32Array; other: string[] }) => l.keys.length / 2 + l.other.length;
  return n(f.readOnly) + n(f.mutating) + f.events.length;
}

let dir: string;
let trail: HostileTrail;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "guardrail-hostile-trail-"));
  trail = writeHostileTrail(join(dir, "trail"), join(dir, "elsewhere"));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a log file with records that cannot be counted", () => {
  const cases: [string, number, { record: number; reason: string }[]][] = [
    ["h-no-event-time.json", 3, [{ record: 2, reason: "no eventTime" }]],
    ["h-object-between-records.json", 2, [{ record: 1, reason: "no eventTime" }]],
    ["h-not-an-object.json", 3, [1, 3, 4, 5].map((record, i) => ({ record, reason: `not an object but ${["null", "a number", "a string", "an array"][i]}` }))], // prettier-ignore
  ];
  it.each(cases)("%s: the others are counted, each bad one named, the same on both paths", (name, good, problems) => {
    const body = fixture(name);
    const fast = extractRecords(body);
    const full = extractRecords(body, { strict: true });
    for (const x of [fast, full]) {
      expect(x.problems).toEqual({ count: problems.length, recordsLeftOut: problems.length, listed: problems });
      expect(x.candidates.length + x.readOnlyIds.keys.length / 2 + x.readOnlyIds.other.length).toBe(good);
    }
    expect({ ...fast, fastPath: undefined }).toEqual({ ...full, fastPath: undefined });
  });

  it("takes the byte scans' path on a file laid out as CloudTrail writes it, and names the record there", () => {
    // So the fast path's own checks are what is tested, not only the fall-back to a full parse.
    expect(extractRecords(fixture("h-no-event-time.json")).fastPath).toBe(true);
    expect(extractRecords(fixture("h-event-time-unusable.json")).fastPath).toBe(true);
    expect(extractRecords(fixture("h-event-id-unusable.json")).fastPath).toBe(true);
  });

  it("names records whose eventTime or eventID cannot be used, read-only ones included", () => {
    for (const [name, tag] of [
      ["h-event-time-unusable.json", "EVENTTIMEaaaaaaa"],
      ["h-event-id-unusable.json", "EVENTIDaaaaaaaaa"],
    ] as const) {
      // prettier-ignore
      const want = trail.files.find((f) => f.unique === tag);
      const facts = readTrailFile(trailFile(tag), gzipSync(fixture(name)), opts);
      const strict = readTrailFile(trailFile(tag), gzipSync(fixture(name)), { ...opts, strict: true });
      expect(strict).toEqual(facts);
      expect(counted(facts)).toBe(want?.good);
      expect(facts.problems?.listed).toEqual(want?.problems);
      expect(facts.problems?.recordsLeftOut).toBe(want?.problems.length);
    }
  });

  it("counts an empty object between two records as a record without eventTime, not as part of the first", () => {
    const body = fixture("base.json").toString("utf8");
    const withEmpty = Buffer.from(body.replace('"true"},{"eventVersion"', '"true"},{},{"eventVersion"'));
    const x = extractRecords(withEmpty);
    expect(x.records).toBe(4);
    expect(x.problems.listed).toEqual([{ record: 1, reason: "no eventTime" }]);
    expect(x).toEqual({ ...extractRecords(withEmpty, { strict: true }), fastPath: x.fastPath });
  });

  it("names at most PROBLEMS_LISTED per file and counts the rest", () => {
    const one = JSON.parse(fixture("base.json").toString("utf8")) as { Records: Record<string, unknown>[] };
    const good = one.Records[0] as Record<string, unknown>;
    const records = Array.from({ length: PROBLEMS_LISTED + 50 }, (_, i) => ({ ...good, eventID: `id-${i}`, eventTime: `day ${i}` })); // prettier-ignore
    const x = extractRecords(Buffer.from(JSON.stringify({ Records: [good, ...records] })));
    expect(x.problems.count).toBe(PROBLEMS_LISTED + 50);
    expect(x.problems.recordsLeftOut).toBe(PROBLEMS_LISTED + 50);
    expect(x.problems.listed.length).toBe(PROBLEMS_LISTED);
    expect(x.problems.listed[0]).toEqual({ record: 1, reason: 'eventTime "day 0" is not a UTC time (yyyy-mm-ddThh:mm:ssZ)' }); // prettier-ignore
    expect(x.readOnlyIds).toEqual(idList([good.eventID as string]));
  });
});

describe("a log file's bytes", () => {
  it("names bytes that are not UTF-8 by record, on both paths, and counts the other records", () => {
    const body = notUtf8(retag(fixture("base.json"), "0f8a"), [1, 2]);
    for (const x of [extractRecords(body), extractRecords(body, { strict: true })]) {
      expect(x.problems.listed).toEqual([
        { record: 1, reason: "holds bytes that are not UTF-8" },
        { record: 2, reason: "holds bytes that are not UTF-8" },
      ]);
      expect(x.candidates).toEqual([]);
      expect(x.readOnlyIds.keys.length / 2).toBe(1);
    }
  });

  it("reads the records of a gzip file with bytes after its data, and names those bytes", () => {
    const gz = gzipSync(retag(fixture("base.json"), "7a11"));
    for (const [tail, n] of [
      [Buffer.from("garbage\n"), 8],
      [Buffer.alloc(1024), 1024],
      [Buffer.from([0x1f, 0x8b]), 2],
    ] as const) {
      // prettier-ignore
      const facts = readTrailFile(trailFile("TRAILINGBYTESaaa"), Buffer.concat([gz, tail]), opts);
      expect(counted(facts)).toBe(3);
      expect(facts.problems).toEqual({ count: 1, recordsLeftOut: 0, listed: [{ reason: `${plural(n, "byte")} after the end of its gzip data, not read (the records before them are)` }] }); // prettier-ignore
    }
    expect(readTrailFile(trailFile("CLEANaaaaaaaaaaa"), gz, opts).problems).toBeUndefined();
    // A damaged member is still a file that cannot be read.
    const damaged = Buffer.from(gz);
    damaged[damaged.length - 6] = (damaged[damaged.length - 6] as number) ^ 0xff; // its CRC-32
    expect(() => readTrailFile(trailFile("CLEANaaaaaaaaaaa"), Buffer.concat([damaged, Buffer.from("garbage")]), opts)).toThrow(/not a readable gzip file/); // prettier-ignore
  });
});

describe("eventTime, on the bytes and parsed", () => {
  it("accepts what CloudTrail writes and refuses what is not a UTC time", () => {
    for (const t of ["2014-03-06T21:22:54Z", "2024-02-29T23:59:59Z", "2022-07-11T19:37:49.123Z"]) expect(isUtcTime(t)).toBe(true); // prettier-ignore
    for (const t of ["", "2023-02-29T00:00:00Z", "2022-07-11T24:00:00Z", "2022-07-11T19:37:60Z", "2022-07-11T19:37:49", "2022-07-11T19:37:49+00:00", "2022-07-11T19:37:49.Z", "2022-7-11T19:37:49Z", "２０２２-07-11T19:37:49Z"]) expect(isUtcTime(t)).toBe(false); // prettier-ignore
  });

  it("counts and names the same records whichever path reads them (property)", () => {
    const base = JSON.parse(fixture("base.json").toString("utf8")) as { Records: Record<string, unknown>[] };
    const good = base.Records[0] as Record<string, unknown>;
    // Times near CloudTrail's spelling: each character of a real one replaced, dropped or doubled now and then.
    const time = fc.oneof(
      fc.date({ min: new Date("1999-01-01"), max: new Date("2099-12-31"), noInvalidDate: true }).map((d) => d.toISOString().replace(/\.\d{3}Z$/, "Z")), // prettier-ignore
      fc.tuple(fc.date({ min: new Date("2000-01-01"), max: new Date("2030-01-01"), noInvalidDate: true }), fc.nat(19), fc.constantFrom("0", "9", "3", "-", "Z", ":", "T", "", "13", "\\u0030")).map(([d, i, c]) => { const s = d.toISOString().replace(/\.\d{3}Z$/, "Z"); return s.slice(0, i) + c + s.slice(i + 1); }), // prettier-ignore
      fc.string({ maxLength: 24 }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(time, fc.boolean()), { minLength: 1, maxLength: 6 }), (rows) => {
        const records = rows.map(([t, ro], i) => ({ ...good, eventTime: t, readOnly: ro, eventID: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}` })); // prettier-ignore
        const text = JSON.stringify({ Records: records }).replace(/\\\\u0030/g, "\\u0030");
        const fast = extractRecords(Buffer.from(text));
        const full = extractRecords(Buffer.from(text), { strict: true });
        expect({ ...fast, fastPath: undefined }).toEqual({ ...full, fastPath: undefined });
      }),
      { numRuns: 300 },
    );
  });
});

describe("an audit of the hostile trail (one thread; the built CLI's workers: test/integration/audit-cli.test.ts)", () => {
  let report: AuditReport;
  beforeAll(async () => {
    report = await runAudit({ trail: trail.dir, filters: {}, pack: {}, engine, now: new Date("2026-01-01T00:00:00Z") });
  });

  it("counts every good record, names every file and record it could not read, in file order", () => {
    const c = report.coverage;
    expect(c.records).toBe(trail.goodRecords);
    expect(c.files).toBe(trail.files.length);
    expect(c.skipped).toEqual(trail.skipped.map((s) => ({ file: join(trail.dir, hostileKey(s.unique)), reason: expect.stringMatching(s.reason) }))); // prettier-ignore
    expect(c.filesSkipped).toBe(1);
    expect(c.problems.total).toBe(trail.problems);
    expect(c.problems.recordsLeftOut).toBe(trail.recordsLeftOut);
    const want = trail.files.flatMap(
      (f) =>
      f.problems.map((p) => ({ file: join(trail.dir, hostileKey(f.unique)), ...(p.record === undefined ? {} : { record: p.record }), reason: typeof p.reason === "string" ? p.reason : expect.stringMatching(p.reason) })), // prettier-ignore
    );
    expect(c.problems.listed).toEqual(want);
  });

  it("reads the same with --strict", async () => {
    const strict = await runAudit({ trail: trail.dir, filters: {}, pack: {}, engine, strict: true, now: new Date("2026-01-01T00:00:00Z") }); // prettier-ignore
    expect(strict).toEqual(report);
  });

  it("shows the problems in every format: count, list and what is not listed", () => {
    const md = renderAudit(report, "md");
    expect(md).toContain(`> **Incomplete:** 1 file could not be read (skipped); ${plural(trail.problems, "problem")} in the files read, ${plural(trail.recordsLeftOut, "record")} left out`); // prettier-ignore
    expect(md).toMatch(/NOEVENTTIMEaaaaa\.json\.gz \| \/Records\/2 \| no eventTime \|/);
    expect(md).toMatch(/TRAILINGBYTESaaa\.json\.gz \| \(the file\) \| 8 bytes after the end of its gzip data/);
    const html = renderAudit(report, "html");
    expect(html).toContain(`data-figure="coverage.problems.total" data-value="${trail.problems}"`);
    expect(html).toContain(`data-figure="coverage.problems.recordsLeftOut" data-value="${trail.recordsLeftOut}"`);
    expect(html).toContain("<code>/Records/2</code>");
    const json = JSON.parse(renderAudit(report, "json")) as AuditReport;
    expect(json.coverage.problems).toEqual(report.coverage.problems);
    const csv = renderAudit(report, "csv").trimEnd().split("\r\n");
    expect(csv.filter((l) => l.startsWith("input-problem,")).length).toBe(trail.problems);
    expect(csv.filter((l) => l.startsWith("file-not-read,")).length).toBe(1);
    expect(csv.some((l) => l.includes("NOEVENTTIMEaaaaa.json.gz") && l.endsWith(",/Records/2: no eventTime"))).toBe(
      true,
    );
  });

  it("lists the first PROBLEMS_LISTED across files and counts the rest, in every format", () => {
    const acc = new AuditAccumulator();
    const none = idList([]);
    for (let f = 0; f < 3; f++) {
      const listed = Array.from({ length: 60 }, (_, i) => ({ record: i, reason: "no eventTime" }));
      acc.add({ file: `f${f}`, date: "2022-07-11", accountId: "012345678901", region: "us-east-1", bytes: 0, records: 60, readOnly: none, mutating: none, events: [], problems: { count: 60, recordsLeftOut: 60, listed } }); // prettier-ignore
    }
    const r = acc.finish({ trail: "t", filters: {}, remediationRecords: [], version: "0", now: new Date(0) });
    expect(r.coverage.problems.total).toBe(180);
    expect(r.coverage.problems.listed.length).toBe(PROBLEMS_LISTED);
    expect(r.coverage.problems.listed.at(-1)).toEqual({ file: "f1", record: 39, reason: "no eventTime" });
    expect(renderAudit(r, "md")).toContain(`…and 80 more, counted but not named (the first ${PROBLEMS_LISTED} are)`);
    expect(renderAudit(r, "html")).toContain(`…and 80 more, counted but not named (the first ${PROBLEMS_LISTED} are)`);
    expect(renderAudit(r, "csv")).toContain("80 more problems, counted but not named (180 in all)");
  });
});

describe("listing a trail folder", () => {
  it("reads a symbolic link to a log file and names one that points to nothing", async () => {
    const unreadable: { file: string; reason: string }[] = [];
    const files = await listTrailFiles(parseLocation(trail.dir), {}, (s) => unreadable.push(s));
    expect(files.map((f) => f.key.slice(-24, -8)).sort()).toEqual(trail.files.map((f) => f.unique).sort());
    expect(unreadable).toEqual([{ file: join(trail.dir, hostileKey("DANGLINGaaaaaaaa")), reason: expect.stringMatching(/^a dangling symbolic link/) }]); // prettier-ignore
  });

  it("names a remediation record that is a symbolic link to nothing", async () => {
    const day = join(dir, "records", "account=012345678901", "region=us-east-1", "date=2022-07-11");
    mkdirSync(day, { recursive: true });
    symlinkSync(join(dir, "nowhere.json"), join(day, "gone.json"));
    const r = await runAudit({ trail: trail.dir, records: join(dir, "records"), filters: {}, pack: {}, engine });
    expect(r.coverage.skipped).toContainEqual({ file: join(day, "gone.json"), reason: expect.stringMatching(/^remediation record: could not be read: ENOENT/) }); // prettier-ignore
  });

  it("has a README entry for every fixture", () => {
    const readme = fixture("README.md").toString("utf8");
    for (const f of readdirSync(HOSTILE_TRAILS).filter((n) => n.endsWith(".json")))
      expect(readme).toContain(`| ${f} |`);
  });
});
