import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { generateTrail, type TrailManifest } from "../../fleet/trail";
import { AUDIT_CSV_COLUMNS } from "../../lib/audit/render/csv";
import { renderAudit } from "../../lib/audit/render";
import { AuditAccumulator, durationStats, type AuditReport } from "../../lib/audit/model";
import { readRecordFiles } from "../../lib/audit/record-files";
import type { RemediationRecord } from "../../lib/remediation/worker/record";
import { runAudit } from "../../lib/audit/run";
import { listTrailFiles, parseLocation } from "../../lib/audit/source";
import { trailLogKey } from "../../lib/cloudtrail/layout";
import { loadPack } from "../../lib/pack";

/**
 * The report against what the sample trail generator (fleet/trail.ts) wrote: its truth is counted as it writes
 * records, independently of the reader, the extraction and the adapters the report relies on.
 */

// Independent of lib/audit/model.ts: nearest-rank p90, median of the two middle values.
function expectedStats(values: number[] | undefined) {
  const s = [...(values ?? [])].sort((a, b) => a - b);
  const n = s.length;
  const median = n % 2 ? (s[(n - 1) / 2] as number) : ((s[n / 2 - 1] as number) + (s[n / 2] as number)) / 2;
  return { count: n, medianMs: median, p90Ms: s[Math.ceil(0.9 * n) - 1] };
}

/** Every .json file under a directory. */
function localJsonFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".json"))
    .map((f) => join(root, f));
}

let dir: string;
let trail: TrailManifest;
let report: AuditReport;
const spec = {};
const { engine } = loadPack(spec);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "guardrail-audit-"));
  trail = await generateTrail({
    seed: 5,
    outDir: join(dir, "bucket"),
    days: 3,
    recordsPerDay: 300,
    recordsPerFile: 100,
  });
  report = await runAudit({
    trail: join(dir, "bucket"),
    records: join(dir, "bucket", "records"),
    filters: {},
    pack: spec,
    engine,
    now: new Date("2026-12-01T00:00:00Z"),
  });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("audit report on the sample organisation trail", () => {
  it("covers every file and counts records after deduplication (7. coverage)", () => {
    const t = trail.truth;
    expect(t.duplicates).toBeGreaterThan(0);
    expect(report.coverage).toMatchObject({
      files: t.files,
      filesSkipped: 0,
      records: t.records,
      mutating: t.mutating,
      duplicates: t.duplicates,
      bytes: t.bytes,
      accounts: t.accounts,
      regions: t.regions,
      firstDate: t.firstDate,
      lastDate: t.lastDate,
      remediationRecords: t.remediationRecords,
      skipped: [],
      problems: { total: 0, recordsLeftOut: 0, listed: [] },
    });
  });

  it("counts changes to governed resources by account (1.)", () => {
    expect(report.changes.total).toBe(trail.truth.governedChanges);
    const byAccount = Object.fromEntries(report.changes.byAccount.map((c) => [c.key, c.count]));
    expect(byAccount).toEqual(trail.truth.governedChangesByAccount);
    expect(report.changes.byDay.reduce((a, c) => a + c.count, 0)).toBe(trail.truth.governedChanges);
    expect(report.changes.byService.map((s) => s.key).sort()).toEqual([
      "apigateway",
      "cloudtrail",
      "dynamodb",
      "lambda",
      "s3",
      "sns",
      "sqs",
    ]);
  });

  it("finds every CloudTrail policy violation, with who and from where (2.)", () => {
    const byPolicy = Object.fromEntries(report.policyViolations.byPolicy.map((c) => [c.key, c.count]));
    expect(byPolicy).toEqual(trail.truth.policyViolations);
    const stop = report.policyViolations.rows.find((v) => v.policyId === "cloudtrail-no-stop-logging");
    expect(stop).toMatchObject({
      eventName: "StopLogging",
      actor: "human",
      principal: expect.stringMatching(/^arn:aws:sts::\d{12}:assumed-role\/platform-admin\//),
    });
    expect(stop?.sourceIPAddress).toMatch(/^198\.51\.100\./);
    const times = report.policyViolations.rows.map((v) => v.eventTime);
    expect(times).toEqual([...times].sort());
  });

  it("joins breaking changes with their remediation records: outcome, open, time to remediate (3.)", () => {
    const t = trail.truth;
    expect(report.remediation).toMatchObject({ total: t.breaking, open: t.open, fixed: t.fixed });
    expect(report.remediation.rows.every((r) => r.inTrail)).toBe(true);
    expect(report.remediation.rows.some((r) => r.attempts === 2 && r.outcome === "fixed")).toBe(true);
    const ttr = report.remediation.timeToRemediate;
    for (const [key, list] of [
      ["byAccount", t.ttr.byAccount],
      ["byTeam", t.ttr.byTeam],
      ["byPolicy", t.ttr.byPolicy],
    ] as const) {
      const got = Object.fromEntries(
        ttr[key].map((s) => [s.key, { count: s.count, medianMs: s.medianMs, p90Ms: s.p90Ms }]),
      );
      const want = Object.fromEntries(Object.entries(list).map(([k, v]) => [k, expectedStats(v)]));
      expect(got).toEqual(want);
    }
  });

  it("a change the trail read does not hold is reported from its records alone (3.)", () => {
    // The records without the trail (as when --from cuts the change off). Each row is compared with what the full
    // record files say, read here. Three copies are changed first: a single-attempt record whose own principal is
    // null (its cause's names the author), one whose own principal differs from its cause's (its own wins), and a
    // fixed record without changeToVerifiedFixMs (the time to remediate is then verifiedAt - changedAt).
    const paths = localJsonFiles(join(dir, "bucket", "records"));
    const full = paths.map((p) => JSON.parse(readFileSync(p, "utf8")) as RemediationRecord);
    const attempts = (r: RemediationRecord) => full.filter((o) => o.correlationId === r.correlationId).length;
    const single = full.filter((r) => attempts(r) === 1 && r.principal !== null);
    const [anonymous, renamed] = [single[0] as RemediationRecord, single[1] as RemediationRecord];
    const untimed = full.find((r) => attempts(r) === 1 && r.outcome === "fixed" && r !== anonymous && r !== renamed);
    if (!untimed) throw new Error("the sample has a fixed single-attempt record");
    const changed: RemediationRecord[] = [
      { ...anonymous, principal: null },
      { ...renamed, principal: "arn:aws:sts::111122223333:assumed-role/platform-admin/recorded-by-worker" },
      { ...untimed, timings: { ...untimed.timings, changeToVerifiedFixMs: undefined } },
    ];
    const copies = changed.map((r, i) => {
      const p = join(dir, `changed-${i}.json`);
      writeFileSync(p, JSON.stringify(r));
      return p;
    });
    const originals = [anonymous, renamed, untimed].map((r) => full.indexOf(r));
    originals.forEach((at, i) => (full[at] = changed[i] as RemediationRecord));
    const loaded = readRecordFiles([...paths.filter((_, i) => !originals.includes(i)), ...copies], {});
    expect(loaded.skipped).toEqual([]);
    const alone = new AuditAccumulator().finish({ trail: "t", filters: {}, remediationRecords: loaded.records, version: "0", now: new Date(0) }); // prettier-ignore
    expect(alone.remediation.total).toBe(trail.truth.breaking);
    for (const row of alone.remediation.rows) {
      const mine = full
        .filter((r) => r.correlationId === row.eventID && r.policy.id === row.policyId)
        .sort((a, b) => (a.timings.finishedAt < b.timings.finishedAt ? -1 : 1));
      const [first, last] = [mine[0], mine.at(-1)];
      if (!first || !last) throw new Error(`no record for ${row.eventID}`);
      const fixed = mine.find((r) => r.outcome === "fixed");
      const final = fixed ?? last;
      const req = last.request as { resource: { type: string; id: string; accountId: string; region: string } };
      expect(row).toEqual({
        eventID: last.correlationId,
        changedAt: last.timings.changedAt,
        accountId: req.resource.accountId,
        region: req.resource.region,
        eventName: last.cause.eventName,
        principal: last.principal ?? last.cause.principal,
        sourceIPAddress: last.cause.sourceIPAddress,
        policyId: last.policy.id,
        severity: last.policy.severity,
        resourceType: req.resource.type,
        resourceId: req.resource.id,
        team: last.before?.tags?.team ?? "untagged",
        detectedAt: first.timings.detectedAt,
        outcome: final.outcome,
        status: final.status,
        recordId: final.recordId,
        attempts: mine.length,
        ...(final.verification
          ? { verification: { compliance: final.verification.compliance, verifiedAt: final.verification.verifiedAt } }
          : {}),
        ...(fixed && fixed.verification
          ? { timeToRemediateMs: fixed.timings.changeToVerifiedFixMs ?? Date.parse(fixed.verification.verifiedAt) - Date.parse(fixed.timings.changedAt) } // prettier-ignore
          : {}),
        open: !mine.some((r) => ["fixed", "already-compliant", "resource-gone", "exempt", "not-applicable"].includes(r.outcome)), // prettier-ignore
        inTrail: false,
      });
    }
    const rowOf = (r: RemediationRecord) => alone.remediation.rows.find((x) => x.eventID === r.correlationId);
    expect(rowOf(anonymous)?.principal).toBe(anonymous.cause.principal);
    expect(rowOf(renamed)?.principal).toBe("arn:aws:sts::111122223333:assumed-role/platform-admin/recorded-by-worker");
    const t = untimed.timings;
    expect(rowOf(untimed)?.timeToRemediateMs).toBe(Date.parse(untimed.verification?.verifiedAt ?? "") - Date.parse(t.changedAt)); // prettier-ignore
  });

  it("separates changes by CI roles from console and human changes (4.)", () => {
    const kinds = Object.fromEntries(report.actors.byKind.map((k) => [k.key, k.count]));
    expect(kinds.ci! + kinds.console! + kinds.human! + kinds.service! + kinds.root!).toBe(report.changes.total);
    expect(kinds.ci).toBeGreaterThan(kinds.console!);
    expect(report.actors.pipeline.every((p) => p.key.includes("github-deploy"))).toBe(true);
    expect(report.actors.outsidePipeline.some((p) => p.key.startsWith("console\t"))).toBe(true);
  });

  it("lists denied calls on governed resources only (5.) and repeat offenders (6.)", () => {
    expect(report.denied.total).toBe(trail.truth.deniedGoverned);
    expect(report.denied.rows.every((d) => d.errorCode === "AccessDenied" && d.resources.length > 0)).toBe(true);
    for (const o of report.repeatOffenders) expect(o.breaks).toBeGreaterThan(1);
    const breaks = new Map<string, number>();
    for (const p of [...report.policyViolations.rows, ...report.remediation.rows])
      breaks.set(p.principal, (breaks.get(p.principal) ?? 0) + 1);
    expect(report.repeatOffenders.length).toBe([...breaks.values()].filter((n) => n > 1).length);
  });

  it("renders every format from the same model", () => {
    const csv = renderAudit(report, "csv").trimEnd().split("\r\n");
    expect(csv[0]).toBe(AUDIT_CSV_COLUMNS.join(","));
    expect(csv.length - 1).toBe(report.policyViolations.total + report.remediation.total + report.denied.total);
    const json = JSON.parse(renderAudit(report, "json")) as AuditReport;
    expect(json.coverage).toMatchObject({
      files: trail.truth.files,
      filesSkipped: 0,
      records: trail.truth.records,
      mutating: trail.truth.mutating,
    });
    const md = renderAudit(report, "md");
    for (const h of ["## 1.", "## 2.", "## 3.", "## 4.", "## 5.", "## 6.", "## 7."]) expect(md).toContain(h);
    const html = renderAudit(report, "html");
    expect(html).toContain(`data-figure="coverage.records" data-value="${trail.truth.records}"`);
    expect(html).not.toMatch(/<script(?! type="application\/json")/);
  });
});

describe("reading a damaged trail", () => {
  let damaged: string;
  beforeAll(async () => {
    damaged = mkdtempSync(join(tmpdir(), "guardrail-audit-bad-"));
    await generateTrail({ seed: 9, outDir: damaged, days: 2, recordsPerDay: 60, recordsPerFile: 30, records: false });
    const put = (key: string, body: Buffer) => {
      mkdirSync(dirname(join(damaged, key)), { recursive: true });
      writeFileSync(join(damaged, key), body);
    };
    const key = (unique: string) =>
      trailLogKey({
        orgId: "o-abcdefghij",
        accountId: "111122223333",
        region: "eu-west-1",
        deliveredAt: new Date("2026-03-02T10:05:00Z"),
        unique,
      });
    const good = gzipSync('{"Records":[]}');
    put(
      key("TRUNCATEDaaaaaaa"),
      gzipSync('{"Records":[{"eventVersion":"1.11","eventTime":"2026-03-02T10:00:00Z"}]}').subarray(0, 30),
    );
    put(key("BADJSONaaaaaaaaa"), gzipSync('{"Records":[{"eventVersion":"1.11",'));
    put(key("NOTIMEaaaaaaaaaa"), gzipSync('{"Records":[{"eventVersion":"1.11","eventID":"x","readOnly":true}]}'));
    // Digest and Insight files share the bucket and are not log files: never read.
    put(
      "AWSLogs/o-abcdefghij/111122223333/CloudTrail-Digest/eu-west-1/2026/03/02/111122223333_CloudTrail-Digest_eu-west-1_management-events_eu-west-1_20260302T110000Z.json.gz",
      Buffer.from("not gzip"),
    );
    put(
      "AWSLogs/o-abcdefghij/111122223333/CloudTrail-Insight/eu-west-1/2026/03/02/111122223333_CloudTrail-Insight_eu-west-1_20260302T1100Z_abcdefghijklmnop.json.gz",
      Buffer.from("not gzip"),
    );
    put(key("EMPTYaaaaaaaaaaa"), good);
  });
  afterAll(() => rmSync(damaged, { recursive: true, force: true }));

  it("counts, names and skips corrupt files, names a record it cannot count, and reads the rest", async () => {
    const r = await runAudit({ trail: damaged, filters: {}, pack: spec, engine });
    expect(r.coverage.filesSkipped).toBe(2);
    const reasons = Object.fromEntries(
      r.coverage.skipped.map((s) => [s.file.replace(/^.*_20260302T1005Z_/, ""), s.reason]),
    );
    expect(reasons["TRUNCATEDaaaaaaa.json.gz"]).toMatch(/not a readable gzip file/);
    expect(reasons["BADJSONaaaaaaaaa.json.gz"]).toMatch(/invalid JSON/);
    expect(r.coverage.problems).toEqual({
      total: 1,
      recordsLeftOut: 1,
      listed: [{ file: expect.stringMatching(/NOTIMEaaaaaaaaaa\.json\.gz$/), record: 0, reason: "no eventTime" }],
    });
    expect(r.coverage.records).toBe(3 * 2 * 2 * 60);
    expect(renderAudit(r, "md")).toContain("TRUNCATEDaaaaaaa");
  });

  it("prunes by date, account and region from the key before reading", async () => {
    const all = await listTrailFiles(parseLocation(damaged), {});
    const some = await listTrailFiles(parseLocation(damaged), {
      from: "2026-03-02",
      to: "2026-03-02",
      accounts: ["111122223333"],
      regions: ["eu-west-1"],
    });
    expect(all.some((f) => f.key.includes("CloudTrail-Digest") || f.key.includes("CloudTrail-Insight"))).toBe(false);
    expect(some.map((f) => f.key.slice(-24))).toEqual([
      "BADJSONaaaaaaaaa.json.gz",
      "EMPTYaaaaaaaaaaa.json.gz",
      "NOTIMEaaaaaaaaaa.json.gz",
      "TRUNCATEDaaaaaaa.json.gz",
    ]);
    const dates = all.map((f) => f.date);
    expect(dates).toEqual([...dates].sort());
  });
});

describe("durationStats", () => {
  it("median of an even count is the mean of the middle two; p90 is nearest-rank", () => {
    expect(durationStats("k", [4, 1, 3, 2])).toEqual({ key: "k", count: 4, medianMs: 2.5, p90Ms: 4 });
    expect(durationStats("k", [5])).toEqual({ key: "k", count: 1, medianMs: 5, p90Ms: 5 });
    expect(
      durationStats(
        "k",
        Array.from({ length: 20 }, (_, i) => i + 1),
      ).p90Ms,
    ).toBe(18);
  });
});
