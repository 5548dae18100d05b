import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { trailLogKey } from "../../lib/cloudtrail/layout";

/**
 * The hostile trail files (test/fixtures/hostile/trails/README.md) written as an organisation trail in CloudTrail's
 * S3 layout ("Finding your CloudTrail log files"), gzipped as CloudTrail delivers them, with the cases that cannot be
 * committed as text made here: bytes after the gzip data, bytes that are not UTF-8, symbolic links. With each file,
 * what an audit must say of it, written down from the fixtures, not from the reader.
 */
export const HOSTILE_TRAILS = join(__dirname, "..", "fixtures", "hostile", "trails");

export interface HostileFile {
  /** The 16-character unique part of the key. */
  unique: string;
  /** Records an audit must count. */
  good: number;
  /** What it must name, in file order: the record (absent: the file itself) and the reason. */
  problems: { record?: number; reason: string | RegExp }[];
}

export interface HostileTrail {
  /** The trail folder (an audit's --trail). */
  dir: string;
  /** Every file read, in the order an audit reads them. */
  files: HostileFile[];
  /** Files that cannot be read at all: key's unique part and the reason. */
  skipped: { unique: string; reason: RegExp }[];
  goodRecords: number;
  problems: number;
  recordsLeftOut: number;
}

const AT = new Date("2022-07-11T19:45:00Z");

export function hostileKey(unique: string): string {
  return trailLogKey({ orgId: "o-a1b2c3d4e5", accountId: "012345678901", region: "us-east-1", deliveredAt: AT, unique }); // prettier-ignore
}

export function fixture(name: string): Buffer {
  return readFileSync(join(HOSTILE_TRAILS, name));
}

/** The body with every eventID's last four hex digits replaced, so that copies of one file are distinct records. */
export function retag(body: Buffer, tag: string): Buffer {
  return Buffer.from(body.toString("utf8").replace(/("eventID":"[0-9a-f-]{32})[0-9a-f]{4}"/g, `$1${tag}"`));
}

/** The body with byte 0xFF written into the userAgent of each listed record (after "AWS "). */
export function notUtf8(body: Buffer, records: number[]): Buffer {
  const starts: number[] = [];
  for (let i = body.indexOf('{"eventVersion":"'); i !== -1; i = body.indexOf('{"eventVersion":"', i + 1))
    starts.push(i);
  const cuts = records.map((r) => body.indexOf('"userAgent":"AWS ', starts[r]) + '"userAgent":"AWS '.length);
  const parts: Buffer[] = [];
  let from = 0;
  for (const c of cuts) {
    parts.push(body.subarray(from, c), Buffer.from([0xff]));
    from = c;
  }
  parts.push(body.subarray(from));
  return Buffer.concat(parts);
}

export function writeHostileTrail(dir: string, outside: string): HostileTrail {
  const put = (unique: string, bytes: Buffer) => {
    const path = join(dir, hostileKey(unique));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, bytes);
  };
  const noEventTime = "no eventTime";
  const notUtf8Reason = "holds bytes that are not UTF-8";
  const notUtc = (t: string) => `eventTime ${JSON.stringify(t)} is not a UTC time (yyyy-mm-ddThh:mm:ssZ)`;
  const files: HostileFile[] = [
    {
      unique: "CLEANaaaaaaaaaaa",
      good: 3,
      problems: [],
    },
    {
      unique: "EVENTIDaaaaaaaaa",
      good: 1,
      problems: [
        { record: 0, reason: "no eventID" },
        { record: 1, reason: "eventID is empty" },
        { record: 2, reason: "eventID is a number, not a string" },
        { record: 3, reason: "eventID is null, not a string" },
        { record: 4, reason: "no eventID" },
      ],
    },
    {
      unique: "EVENTTIMEaaaaaaa",
      good: 1,
      problems: [
        { record: 0, reason: notUtc("") },
        { record: 1, reason: notUtc("2022-07-11 19:38:30") },
        { record: 2, reason: notUtc("2022-02-30T19:38:30Z") },
        { record: 3, reason: "eventTime is a number, not a string" },
        { record: 4, reason: notUtc("2022-07-11T21:38:30+02:00") },
        { record: 6, reason: notUtc("yesterday") },
      ],
    },
    { unique: "LINKEDaaaaaaaaaa", good: 3, problems: [] },
    { unique: "NOEVENTTIMEaaaaa", good: 3, problems: [{ record: 2, reason: noEventTime }] },
    {
      unique: "NOTANOBJECTaaaaa",
      good: 3,
      problems: [
        { record: 1, reason: "not an object but null" },
        { record: 3, reason: "not an object but a number" },
        { record: 4, reason: "not an object but a string" },
        { record: 5, reason: "not an object but an array" },
      ],
    },
    {
      unique: "NOTUTF8aaaaaaaaa",
      good: 1,
      problems: [
        { record: 1, reason: notUtf8Reason },
        { record: 2, reason: notUtf8Reason },
      ],
    },
    { unique: "OBJECTBETWEENaaa", good: 2, problems: [{ record: 1, reason: noEventTime }] },
    { unique: "TRAILINGBYTESaaa", good: 3, problems: [{ reason: /^8 bytes after the end of its gzip data/ }] },
    { unique: "ZEROPADDINGaaaaa", good: 3, problems: [{ reason: /^1,024 bytes after the end of its gzip data/ }] },
  ];
  const base = fixture("base.json");
  put("CLEANaaaaaaaaaaa", gzipSync(retag(base, "c1ea")));
  put("EVENTIDaaaaaaaaa", gzipSync(fixture("h-event-id-unusable.json")));
  put("EVENTTIMEaaaaaaa", gzipSync(fixture("h-event-time-unusable.json")));
  put("NOEVENTTIMEaaaaa", gzipSync(fixture("h-no-event-time.json")));
  put("NOTANOBJECTaaaaa", gzipSync(fixture("h-not-an-object.json")));
  put("OBJECTBETWEENaaa", gzipSync(fixture("h-object-between-records.json")));
  put("NOTUTF8aaaaaaaaa", gzipSync(notUtf8(retag(base, "0f8a"), [1, 2])));
  put("TRAILINGBYTESaaa", Buffer.concat([gzipSync(retag(base, "7a11")), Buffer.from("garbage\n")]));
  put("ZEROPADDINGaaaaa", Buffer.concat([gzipSync(retag(base, "0000")), Buffer.alloc(1024)]));
  // A link to a log file kept elsewhere is read as that file; one to nothing is named.
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(outside, "linked.json.gz"), gzipSync(retag(base, "1111")));
  symlinkSync(join(outside, "linked.json.gz"), join(dir, hostileKey("LINKEDaaaaaaaaaa")));
  symlinkSync(join(outside, "gone.json.gz"), join(dir, hostileKey("DANGLINGaaaaaaaa")));
  const problems = files.reduce((n, f) => n + f.problems.length, 0);
  return {
    dir,
    files,
    skipped: [{ unique: "DANGLINGaaaaaaaa", reason: /^a dangling symbolic link: its target ".*gone\.json\.gz" does not exist$/ }], // prettier-ignore
    goodRecords: files.reduce((n, f) => n + f.good, 0),
    problems,
    recordsLeftOut: files.reduce((n, f) => n + f.problems.filter((p) => p.record !== undefined).length, 0),
  };
}
