import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { generateTrail, type TrailManifest } from "../../fleet/trail";
import type { AuditReport } from "../../lib/audit/model";
import { trailLogKey } from "../../lib/cloudtrail/layout";
import { hostileKey, writeHostileTrail } from "../helpers/hostile-trail";
import { plural } from "../../lib/util/words";

/**
 * `guardrail audit` as users run it: the built binary in a child process, so the files are read on worker threads
 * (the unit tests, running from TypeScript sources, read them in one thread). Builds dist/ when it is missing.
 */
const ROOT = join(__dirname, "..", "..");
const BIN = join(ROOT, "bin", "guardrail.js");

function run(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, CI: "true", NO_COLOR: "1" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let dir: string;
let trail: TrailManifest;

beforeAll(async () => {
  if (!existsSync(join(ROOT, "dist", "lib", "audit", "worker.js"))) {
    execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: ROOT, stdio: "inherit" });
  }
  dir = mkdtempSync(join(tmpdir(), "guardrail-audit-cli-"));
  trail = await generateTrail({
    seed: 17,
    outDir: join(dir, "trail"),
    days: 3,
    recordsPerDay: 250,
    recordsPerFile: 50,
  });
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("guardrail audit (built CLI, worker threads)", () => {
  it("teaches by example in --help", () => {
    const r = run(["audit", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("$ guardrail audit --trail s3://");
    expect(r.stdout).toContain("Exit codes");
  });

  it("reports the trail on worker threads exactly as the generator wrote it", () => {
    const out = join(dir, "report.json");
    const r = run(["audit", "--trail", join(dir, "trail"), "--records", join(dir, "trail", "records"), "--workers", "2", "--format", "json", "--out", out]); // prettier-ignore
    expect(r.stderr).toContain("audit report written to");
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(out, "utf8")) as AuditReport;
    const t = trail.truth;
    expect(report.coverage).toMatchObject({ files: t.files, filesSkipped: 0, records: t.records, mutating: t.mutating, duplicates: t.duplicates }); // prettier-ignore
    expect(report.changes.total).toBe(t.governedChanges);
    expect(Object.fromEntries(report.policyViolations.byPolicy.map((c) => [c.key, c.count]))).toEqual(
      t.policyViolations,
    );
    expect(report.remediation).toMatchObject({ total: t.breaking, open: t.open, fixed: t.fixed });
    expect(report.denied.total).toBe(t.deniedGoverned);
  });

  it("exits 3 and names the corrupt file, or a location that does not exist", () => {
    const bad = join(dir, "bad");
    const key = trailLogKey({ accountId: "111122223333", region: "eu-west-1", deliveredAt: new Date("2026-05-01T10:00:00Z"), unique: "CORRUPTaaaaaaaaa" }); // prettier-ignore
    mkdirSync(dirname(join(bad, key)), { recursive: true });
    writeFileSync(join(bad, key), "not gzip");
    const r = run(["audit", "--trail", bad, "--format", "md"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("CORRUPTaaaaaaaaa.json.gz: not a readable gzip file");
    expect(r.stdout).toContain("**Incomplete:**");

    // On the workers: a corrupt file among good ones, and a record file that is not a whole remediation record.
    const mixed = join(dir, "mixed");
    cpSync(join(dir, "trail"), mixed, { recursive: true });
    mkdirSync(dirname(join(mixed, key)), { recursive: true });
    writeFileSync(join(mixed, key), "not gzip");
    const brokenRecord = join(mixed, "records", "account=111122223333", "region=eu-west-1", "date=2026-05-01", "broken.json"); // prettier-ignore
    mkdirSync(dirname(brokenRecord), { recursive: true });
    writeFileSync(brokenRecord, JSON.stringify({ recordVersion: 1, recordId: "r", correlationId: "c", outcome: "fixed", status: "succeeded", policy: { id: "p" }, timings: { changedAt: "2026-05-01T10:00:00Z" } })); // prettier-ignore
    const out = join(dir, "mixed.json");
    const m = run(["audit", "--trail", mixed, "--records", join(mixed, "records"), "--workers", "2", "--format", "json", "--out", out]); // prettier-ignore
    expect(m.code).toBe(3);
    expect(m.stderr).toContain("CORRUPTaaaaaaaaa.json.gz: not a readable gzip file");
    expect(m.stderr).toContain("broken.json: remediation record: /request: missing or not an object");
    const mixedReport = JSON.parse(readFileSync(out, "utf8")) as AuditReport;
    expect(mixedReport.coverage).toMatchObject({ files: trail.truth.files, filesSkipped: 2, records: trail.truth.records }); // prettier-ignore
    expect(mixedReport.remediation.total).toBe(trail.truth.breaking);

    const missing = run(["audit", "--trail", join(dir, "nope")]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain("no such directory");
    expect(run(["audit", "--trail", bad, "--from", "2026-13-01"]).code).toBe(2);
  });

  it("exits 3 on hostile trail files, names every file and record it could not read, and counts every good record", () => {
    // test/fixtures/hostile/trails/README.md: records without a usable eventTime or eventID, elements that are not
    // records, bytes that are not UTF-8 or follow the gzip data, symbolic links. On two worker threads, with
    // --strict (every record parsed), and on this thread alone (--workers 1): the same report and the same names.
    const hostile = writeHostileTrail(join(dir, "hostile"), join(dir, "hostile-elsewhere"));
    const reports: AuditReport[] = [];
    for (const how of [
      ["--workers", "2"],
      ["--workers", "2", "--strict"],
      ["--workers", "1"],
    ]) {
      const out = join(dir, "hostile.json");
      const r = run(["audit", "--trail", hostile.dir, ...how, "--format", "json", "--out", out]);
      expect({ how, code: r.code }).toEqual({ how, code: 3 });
      expect(r.stderr).toContain("audit report written to");
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      for (const f of hostile.files) {
        for (const p of f.problems) {
          const where = `${hostileKey(f.unique)}: ${p.record === undefined ? "" : `/Records/${p.record}: `}`;
          if (typeof p.reason === "string") expect(r.stderr).toContain(`${where}${p.reason}\n`);
          else expect(r.stderr.split("\n").some((l) => l.includes(where) && p.reason instanceof RegExp && p.reason.test(l.slice(l.indexOf(where) + where.length)))).toBe(true); // prettier-ignore
        }
      }
      expect(r.stderr).toMatch(/DANGLINGaaaaaaaa\.json\.gz: a dangling symbolic link: its target ".*gone\.json\.gz" does not exist\n/); // prettier-ignore
      expect(r.stderr).toContain(`error: ${plural(hostile.recordsLeftOut, "record")} left out of the report`);
      const report = JSON.parse(readFileSync(out, "utf8")) as AuditReport;
      expect(report.coverage).toMatchObject({ files: hostile.files.length, filesSkipped: 1, records: hostile.goodRecords }); // prettier-ignore
      expect(report.coverage.problems.total).toBe(hostile.problems);
      expect(report.coverage.problems.recordsLeftOut).toBe(hostile.recordsLeftOut);
      expect(report.coverage.problems.listed.length).toBe(hostile.problems);
      reports.push({ ...report, generatedAt: "" });
    }
    expect(reports[1]).toEqual(reports[0]);
    expect(reports[2]).toEqual(reports[0]);
    // The Markdown report on stdout says it is incomplete, and why.
    const md = run(["audit", "--trail", hostile.dir, "--workers", "2", "--format", "md"]);
    expect(md.code).toBe(3);
    expect(md.stdout).toContain(`${plural(hostile.problems, "problem")} in the files read, ${plural(hostile.recordsLeftOut, "record")} left out`); // prettier-ignore
    expect(md.stdout).toContain("**Problems in the files read**");
  });

  it("exits 2 on a broken policy, naming its file and place, though the workers had started reading", () => {
    // The pack is checked once the first files are on their way to the workers (decision 36): still exit 2, the
    // problem named, and no report file left behind.
    const policies = join(dir, "broken-policies");
    mkdirSync(policies, { recursive: true });
    const policy = JSON.parse(readFileSync(join(ROOT, "policies", "cloudtrail", "cloudtrail-no-stop-logging.json"), "utf8")) as Record<string, unknown>; // prettier-ignore
    writeFileSync(join(policies, "cloudtrail-no-stop-logging.json"), JSON.stringify({ ...policy, severity: "urgent" }, null, 2)); // prettier-ignore
    const out = join(dir, "never.json");
    const r = run(["audit", "--trail", join(dir, "trail"), "--policies", policies, "--workers", "2", "--format", "json", "--out", out]); // prettier-ignore
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cloudtrail-no-stop-logging\.json:\d+:\d+.*\/severity/);
    expect(r.stderr).toMatch(/problems? in the policies/);
    expect(existsSync(out)).toBe(false);
  });

  it("prints the Athena table; --engine athena asks for its database and workgroup", () => {
    const ddl = run(["audit", "athena", "ddl", "--location", "s3://org-trail/AWSLogs/o-a1b2c3d4e5", "--accounts", "111122223333", "--regions", "eu-west-1", "--from", "2026-01-01"]); // prettier-ignore
    expect(ddl.code).toBe(0);
    expect(ddl.stdout).toMatch(/^CREATE EXTERNAL TABLE cloudtrail_org \(/);
    const athena = run(["audit", "--engine", "athena", "--format", "md"]);
    expect(athena.code).toBe(2);
    expect(athena.stderr).toContain("--engine athena needs --database and --workgroup");
  });
});
