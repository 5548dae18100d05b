import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateTrail, TRAIL_GENERATOR_VERSION, type TrailManifest } from "../fleet/trail";
import { packageRoot } from "../lib/util/package-root";
import { BenchAbort, check, fmtInt, fmtMiB, fmtMs, median, now, printTable, type Row } from "./util";

/**
 * `npm run bench audit`: the full audit report over ≥ 1 GB (uncompressed) of generated organisation trail, beside what
 * a user could do instead on the same files:
 *   - `zcat` to /dev/null: single-core decompression, the floor of any reader of .json.gz (target: 2× its speed);
 *   - two floors, on one worker thread per core as the audit spreads the files (bench/audit-floor.ts): the files
 *     read and gunzipped by Node, nothing parsed; and each file read as the audit reads it (byte scan, candidates
 *     parsed and judged) with nothing counted across files, so the reader sees what decompression costs, what
 *     reading the records costs, and what the report costs beyond both;
 *   - `zcat | jq` selecting the mutating records: what a user would script;
 *   - DuckDB (@duckdb/node-api, read_json over the same files, projecting only the fields the aggregates use):
 *     records after deduplication, mutating records, and the mutating / denied / root counts by account, service
 *     and day (target: at least as fast).
 * Peak RSS of the report (getrusage of the child process, worker threads included): target < 300 MB.
 * The trail is generated once (fleet/trail.ts, deterministic) and cached under .guardrail/bench/.
 */

export interface AuditBenchOptions {
  seed: number;
  days: number;
  recordsPerDay: number;
  recordsPerFile: number;
  runs: number;
}

// 7 days x 3 accounts x 2 regions x 21,500 records ≈ 903,000 records, 1.05 GB uncompressed, 1,806 files.
export const AUDIT_DEFAULTS: AuditBenchOptions = {
  seed: 11,
  days: 7,
  recordsPerDay: 21_500,
  recordsPerFile: 500,
  runs: 3,
};

const TARGET_VS_ZCAT = 2.0;
const TARGET_RSS_BYTES = 300 * 1024 * 1024;

interface Run {
  wallMs: number;
  maxRssBytes?: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((resolve, reject) => {
    const t0 = now();
    const child = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout = (stdout + d.toString()).slice(-20_000)));
    child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-20_000)));
    child.on("error", reject);
    child.on("close", (code) => resolve({ wallMs: now() - t0, code, stdout, stderr }));
  });
}

async function cachedTrail(opts: AuditBenchOptions): Promise<{ dir: string; manifest: TrailManifest }> {
  const name = `audit-trail-v${TRAIL_GENERATOR_VERSION}-s${opts.seed}-d${opts.days}-r${opts.recordsPerDay}-f${opts.recordsPerFile}`;
  const dir = join(packageRoot(), ".guardrail", "bench", name);
  const manifestFile = join(dir, "manifest.json");
  if (existsSync(manifestFile)) {
    return { dir, manifest: JSON.parse(readFileSync(manifestFile, "utf8")) as TrailManifest };
  }
  rmSync(dir, { recursive: true, force: true });
  const t0 = now();
  let last = 0;
  const manifest = await generateTrail({
    seed: opts.seed,
    outDir: dir,
    days: opts.days,
    recordsPerDay: opts.recordsPerDay,
    recordsPerFile: opts.recordsPerFile,
    onProgress: (done, total) => {
      if (process.stderr.isTTY && now() - last > 500) {
        last = now();
        process.stderr.write(`\r  generating the bench trail: ${done}/${total} files`);
      }
    },
  });
  if (process.stderr.isTTY) process.stderr.write("\r\x1b[K");
  writeFileSync(manifestFile, JSON.stringify(manifest));
  console.log(`  generated ${fmtInt(manifest.truth.files)} log files in ${fmtMs(now() - t0)} (cached in ${dir})`);
  return { dir, manifest };
}

/** The shell glob and the `find` both select the trail's log files only (not records/, not manifest.json). */
function logFilesPipe(dir: string, consumer: string): string[] {
  return ["-c", `find '${dir}/AWSLogs' -path '*/CloudTrail/*' -name '*.json.gz' -print0 | xargs -0 ${consumer}`];
}

async function hasCommand(name: string): Promise<boolean> {
  const r = await run("sh", ["-c", `command -v ${name}`]).catch(() => undefined);
  return r?.code === 0;
}

interface DuckResult {
  records: number;
  mutating: number;
  groups: number;
}

async function duckdb(dir: string): Promise<DuckResult | string> {
  let mod: typeof import("@duckdb/node-api");
  try {
    mod = await import("@duckdb/node-api");
  } catch (e) {
    return `@duckdb/node-api not loadable: ${(e as Error).message}`;
  }
  const instance = await mod.DuckDBInstance.create(":memory:");
  const conn = await instance.connect();
  const glob = `${dir}/AWSLogs/*/*/CloudTrail/*/*/*/*/*.json.gz`;
  const fields =
    "STRUCT(eventID VARCHAR, eventTime VARCHAR, eventSource VARCHAR, eventName VARCHAR, readOnly BOOLEAN, " +
    "errorCode VARCHAR, recipientAccountId VARCHAR, userIdentity STRUCT(type VARCHAR, arn VARCHAR))[]";
  const sql = `
    WITH r AS (
      SELECT unnest(Records) AS x
      FROM read_json('${glob}', format = 'unstructured', columns = {Records: '${fields}'}, maximum_object_size = 67108864)
    ), d AS (
      SELECT DISTINCT ON (x.eventID) x.eventID AS id, x.eventTime AS t, x.eventSource AS src, x.readOnly AS ro,
             x.errorCode AS err, x.recipientAccountId AS account, x.userIdentity.type AS utype
      FROM r
    )
    SELECT account, src, substr(t, 1, 10) AS day, count(*) AS records,
           count(*) FILTER (WHERE ro IS DISTINCT FROM true) AS mutating,
           count(*) FILTER (WHERE err IN ('AccessDenied', 'Client.UnauthorizedOperation')) AS denied,
           count(*) FILTER (WHERE utype = 'Root') AS root
    FROM d GROUP BY ALL`;
  const reader = await conn.runAndReadAll(sql);
  const rows = reader.getRowObjects();
  const num = (v: unknown) => Number(v as bigint | number);
  const out = {
    records: rows.reduce((n, r) => n + num(r.records), 0),
    mutating: rows.reduce((n, r) => n + num(r.mutating), 0),
    groups: rows.length,
  };
  conn.closeSync();
  instance.closeSync();
  return out;
}

export async function runAuditBench(opts: AuditBenchOptions): Promise<void> {
  const { dir, manifest } = await cachedTrail(opts);
  const t = manifest.truth;
  const gib = t.bytes / 1024 ** 3;
  console.log("");
  console.log(
    `audit bench: ${fmtInt(t.records)} records (${gib.toFixed(2)} GiB uncompressed) in ${fmtInt(t.files)} log files, ` +
      `${fmtInt(t.remediationRecords)} remediation records; ${opts.runs} run(s) each, median`,
  );

  const times = async (label: string, fn: () => Promise<Run>): Promise<Run[]> => {
    const runs: Run[] = [];
    for (let i = 0; i < opts.runs; i++) {
      const r = await fn();
      if (r.code !== 0) throw new BenchAbort(`${label} exited ${r.code}:\n${r.stderr}`);
      runs.push(r);
    }
    return runs;
  };

  // The report, in a child process (as a user runs it), its peak RSS read by the rusage preload.
  const cli = join(packageRoot(), "dist", "cli", "main.js");
  const bin = join(packageRoot(), "bin", "guardrail.js");
  if (!existsSync(cli)) throw new BenchAbort(`${cli} is missing: build first (npm run build)`);
  const out = join(tmpdir(), `guardrail-audit-bench-${process.pid}.json`);
  const rusage = join(tmpdir(), `guardrail-audit-bench-${process.pid}.rusage.json`);
  const preload = join(__dirname, "rusage-preload.js");
  const report = await times("guardrail audit", async () => {
    const r = await run(
      process.execPath,
      ["-r", preload, bin, "audit", "--trail", dir, "--records", join(dir, "records"), "--format", "json", "--out", out, "--no-progress"], // prettier-ignore
      { ...process.env, BENCH_RUSAGE_OUT: rusage, NO_COLOR: "1" },
    );
    try {
      r.maxRssBytes = (JSON.parse(readFileSync(rusage, "utf8")) as { maxRssKiB: number }).maxRssKiB * 1024;
    } catch {
      // reported as a missing figure below
    }
    return r;
  });
  const json = JSON.parse(readFileSync(out, "utf8")) as {
    coverage: { records: number; mutating: number; files: number };
  };
  rmSync(out, { force: true });
  rmSync(rusage, { force: true });
  if (json.coverage.records !== t.records || json.coverage.mutating !== t.mutating) {
    throw new BenchAbort(
      `the report disagrees with the generator: records ${json.coverage.records} vs ${t.records}, mutating ${json.coverage.mutating} vs ${t.mutating}`,
    );
  }
  const reportMs = median(report.map((r) => r.wallMs));
  const peak = Math.max(...report.map((r) => r.maxRssBytes ?? Number.NaN));

  const zcat = await times("zcat", () => run("sh", logFilesPipe(dir, "zcat > /dev/null")));
  const zcatMs = median(zcat.map((r) => r.wallMs));

  // The floors (bench/audit-floor.ts) on every core, and the first on one thread too: how far the same work scales
  // on this machine's cores bounds what any report can gain from them.
  const floorRun = (level: "gunzip" | "read", threads?: number) => () =>
    run(process.execPath, [join(__dirname, "audit-floor.js"), level, dir, ...(threads ? [String(threads)] : [])]);
  const floor = await times("gunzip floor", floorRun("gunzip"));
  const floorMs = median(floor.map((r) => r.wallMs));
  const floorThreads = (JSON.parse(floor[0]?.stdout ?? "{}") as { threads?: number }).threads ?? 0;
  const floorOneMs = floorThreads > 1 ? median((await times("gunzip floor, 1 thread", floorRun("gunzip", 1))).map((r) => r.wallMs)) : floorMs; // prettier-ignore
  const readFloor = await times("read floor", floorRun("read"));
  const readFloorMs = median(readFloor.map((r) => r.wallMs));
  const readRecords = (JSON.parse(readFloor[0]?.stdout ?? "{}") as { records?: number }).records;
  // Every delivery, duplicates included: the floor does not deduplicate.
  if (readRecords !== t.records + t.duplicates) {
    throw new BenchAbort(`the read floor read ${readRecords} records, the generator wrote ${t.records + t.duplicates}`);
  }

  let jqMs: number | undefined;
  let jqNote = "";
  if (await hasCommand("jq")) {
    const jq = await times("zcat | jq", () =>
      run("sh", logFilesPipe(dir, `zcat | jq -c '.Records[] | select(.readOnly != true)' | wc -l`)),
    );
    jqMs = median(jq.map((r) => r.wallMs));
    const lines = Number(jq[0]?.stdout.trim());
    // jq does not deduplicate: it counts every delivery of a mutating record.
    jqNote = `${fmtInt(lines)} lines`;
  } else {
    jqNote = "jq not installed (apt-get install -y jq): skipped";
  }

  let duckMs: number | undefined;
  let duckNote = "";
  const duckRuns: number[] = [];
  for (let i = 0; i < opts.runs; i++) {
    const t0 = now();
    const d = await duckdb(dir);
    if (typeof d === "string") {
      duckNote = d;
      break;
    }
    duckRuns.push(now() - t0);
    if (d.records !== t.records || d.mutating !== t.mutating) {
      throw new BenchAbort(
        `DuckDB disagrees with the generator: records ${d.records}/${t.records}, mutating ${d.mutating}/${t.mutating}`,
      );
    }
    duckNote = `${fmtInt(d.groups)} groups`;
  }
  if (duckRuns.length > 0) duckMs = median(duckRuns);

  const rate = (ms: number) => `${(t.bytes / 1024 ** 2 / (ms / 1000)).toFixed(0)} MiB/s`;
  const rows: Row[] = [
    { figure: "guardrail audit, full report (json)", value: `${fmtMs(reportMs)} (${rate(reportMs)})`, status: "INFO" },
    {
      figure: "  vs zcat > /dev/null",
      value: `${(zcatMs / reportMs).toFixed(2)}x its speed`,
      baseline: `zcat ${fmtMs(zcatMs)} (${rate(zcatMs)})`,
      target: `>= ${TARGET_VS_ZCAT}x`,
      status: check(zcatMs / reportMs >= TARGET_VS_ZCAT),
    },
    {
      figure: `  floor: read + gunzip only, ${floorThreads} threads`,
      value: `${fmtMs(floorMs)} (${rate(floorMs)})`,
      baseline: `${(zcatMs / floorMs).toFixed(2)}x zcat's speed; 1 thread ${fmtMs(floorOneMs)}, ${(floorOneMs / floorMs).toFixed(2)}x on ${floorThreads}`, // prettier-ignore
      status: "INFO",
    },
    {
      figure: `  floor: each file read and judged, ${floorThreads} threads`,
      value: `${fmtMs(readFloorMs)} (${rate(readFloorMs)})`,
      baseline: `${(zcatMs / readFloorMs).toFixed(2)}x zcat's speed; the report takes ${fmtMs(reportMs - readFloorMs)} more`, // prettier-ignore
      status: "INFO",
    },
    jqMs === undefined
      ? { figure: "  vs zcat | jq (mutating records)", value: "skipped", baseline: jqNote, status: "INFO" }
      : {
          figure: "  vs zcat | jq (mutating records)",
          value: `${(jqMs / reportMs).toFixed(2)}x its speed`,
          baseline: `jq ${fmtMs(jqMs)}, ${jqNote}`,
          status: "INFO",
        },
    duckMs === undefined
      ? {
          figure: "  vs DuckDB read_json aggregates",
          value: "not run",
          baseline: duckNote,
          target: ">= 1x",
          status: "ERROR",
        }
      : {
          figure: "  vs DuckDB read_json aggregates",
          value: `${(duckMs / reportMs).toFixed(2)}x its speed`,
          baseline: `DuckDB ${fmtMs(duckMs)}, ${duckNote}`,
          target: ">= 1x",
          status: check(duckMs / reportMs >= 1),
        },
    {
      figure: "peak RSS of the report (worker threads included)",
      value: Number.isFinite(peak) ? fmtMiB(peak) : "unknown",
      target: `< ${fmtMiB(TARGET_RSS_BYTES)}`,
      status: Number.isFinite(peak) ? check(peak < TARGET_RSS_BYTES) : "ERROR",
    },
  ];
  printTable("audit", `CloudTrail audit report over ${gib.toFixed(2)} GiB of organisation trail`, rows);
  console.log(
    "  issue's reference on ~1 GiB: zcat 3.7 s, Node gunzip + JSON.parse 7.0 s (1 thread) / 3.9 s (2 threads), DuckDB 1.8-2.2 s",
  );
}
