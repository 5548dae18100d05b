import { spawn } from "node:child_process";
import { closeSync, cpSync, createWriteStream, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync } from "node:fs"; // prettier-ignore
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { generateFleet } from "../fleet/generate";
import { loadPolicies } from "../lib/policy/load";
import { ItemFileReader } from "../lib/sources/config-files";
import { packageRoot } from "../lib/util/package-root";
import { BenchAbort, check, fmtInt, fmtMiB, fmtMs, fmtRate, median, now, printTable, type Row } from "./util";

export interface ScanBenchOptions {
  resources: number;
  seed: number;
  violationRate: number;
  runs: number;
  /** How many copies of the snapshot files the memory check scans. */
  copies: number;
  /** Uncompressed size of the one large snapshot file scanned for memory (0: not run). */
  bigFileBytes: number;
}

export const SCAN_DEFAULTS: ScanBenchOptions = {
  resources: 100_000,
  seed: 20_260_101,
  violationRate: 0.15,
  runs: 3,
  copies: 4,
  // Past V8's longest string (2^29 - 24 characters, ~512 MiB): a file no single JSON.parse can read.
  bigFileBytes: 1024 * 1024 * 1024,
};

const TARGET_VS_FLOOR = 2.0;
const TARGET_RSS_GROWTH = 1.5;
const TARGET_BIG_FILE_RSS = 400 * 1024 * 1024;

interface ChildRun {
  wallMs: number;
  maxRssBytes: number;
  cpuMs: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node -r rusage-preload.js <args>` in `cwd` and measures its wall time from spawn to exit; the preload
 * reports the child's own peak RSS and CPU time.
 */
function runNode(args: string[], cwd: string, rusageFile: string): Promise<ChildRun> {
  const preload = join(__dirname, "rusage-preload.js");
  return new Promise((resolve, reject) => {
    const t0 = now();
    const child = spawn(process.execPath, ["-r", preload, ...args], {
      cwd,
      env: { ...process.env, BENCH_RUSAGE_OUT: rusageFile, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout = (stdout + d.toString()).slice(-20_000)));
    child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-20_000)));
    child.on("error", reject);
    child.on("close", (code) => {
      const wallMs = now() - t0;
      let usage: { maxRssKiB: number; userMs: number; systemMs: number };
      try {
        usage = JSON.parse(readFileSync(rusageFile, "utf8")) as typeof usage;
        rmSync(rusageFile, { force: true });
      } catch {
        reject(new BenchAbort(`child ${args.join(" ")} exited ${code} without resource usage:\n${stderr}`));
        return;
      }
      resolve({
        wallMs,
        maxRssBytes: usage.maxRssKiB * 1024,
        cpuMs: usage.userMs + usage.systemMs,
        code,
        stdout,
        stderr,
      });
    });
  });
}

/**
 * One Config snapshot file (`{"fileVersion","configSnapshotId","configurationItems":[...]}`, gzipped, named as
 * delivered: AWS Config Developer Guide, "Example Configuration Snapshot from AWS Config" and "Example Configuration
 * Snapshot Delivery Notification") of at least `minBytes` of JSON, streamed to disk: the first items of a fleet
 * snapshot repeated, each copy with its own resourceId (the template's id with `-<copy>` appended).
 */
export async function writeBigSnapshot(
  template: string,
  file: string,
  minBytes: number,
): Promise<{ items: number; jsonBytes: number }> {
  // Each template item's text split at its resourceId, to be joined with a new one.
  const templates: { parts: string[]; id: string }[] = [];
  for await (const batch of new ItemFileReader(template).batches()) {
    for (const item of batch.items as { resourceId: string }[]) {
      const id = JSON.stringify(item.resourceId).slice(1, -1);
      if (templates.length < 2000) templates.push({ parts: JSON.stringify(item).split(id), id });
    }
    if (templates.length >= 2000) break;
  }
  let items = 0;
  let jsonBytes = 0;
  function* text(): Generator<string> {
    let chunk = `{"fileVersion":"1.0","configSnapshotId":"5f1b0a4e-8d2c-4c7e-9a3b-1e6f2d4c8b70","configurationItems":[`;
    jsonBytes = chunk.length + 2;
    for (let copy = 0; jsonBytes < minBytes; copy++) {
      for (let t = 0; t < templates.length && jsonBytes < minBytes; t++) {
        const { parts, id } = templates[t] as { parts: string[]; id: string };
        const item = (items === 0 ? "" : ",") + parts.join(`${id}-${copy}`);
        chunk += item;
        jsonBytes += Buffer.byteLength(item);
        items++;
        if (chunk.length >= 1024 * 1024) {
          yield chunk;
          chunk = "";
        }
      }
    }
    yield chunk + "]}";
  }
  await pipeline(Readable.from(text()), createGzip({ level: 1, chunkSize: 1024 * 1024 }), createWriteStream(file));
  return { items, jsonBytes };
}

/** `items: N read` of a JSON report's summary, from the last bytes of the report file. */
function itemsReadIn(report: string): number | undefined {
  const size = statSync(report).size;
  const tail = Buffer.alloc(Math.min(size, 256 * 1024));
  const fd = openSync(report, "r");
  try {
    readSync(fd, tail, 0, tail.length, size - tail.length);
  } finally {
    closeSync(fd);
  }
  const m = /"summary":\{.*?"items":\{"read":(\d+)/s.exec(tail.toString("utf8"));
  return m ? Number(m[1]) : undefined;
}

function totalBytes(files: readonly string[]): number {
  return files.reduce((n, f) => n + statSync(f).size, 0);
}

export async function runScanBench(opts: ScanBenchOptions = SCAN_DEFAULTS): Promise<void> {
  console.log("");
  console.log(`== 2. Scan throughput (guardrail scan, ${fmtInt(opts.resources)} resources) ==`);
  const root = packageRoot();
  const bin = join(root, "bin", "guardrail.js");
  const floorScript = join(__dirname, "scan-floor.js");
  const packSize = loadPolicies().policies.length;
  const tmp = mkdtempSync(join(tmpdir(), "guardrail-bench-"));
  const rusage = join(tmp, "rusage.json");
  try {
    let t0 = now();
    const fleetDir = join(tmp, "fleet");
    const manifest = await generateFleet({
      services: Math.round(opts.resources / 12),
      seed: opts.seed,
      outDir: fleetDir,
      violationRate: opts.violationRate,
    });
    // The snapshots only: ground-truth.json next to them is not a Config file.
    const snapshots = join(fleetDir, "AWSLogs");
    const bytes = totalBytes(manifest.snapshotFiles);
    console.log(
      `generated ${fmtInt(manifest.resources)} resources in ${manifest.snapshotFiles.length} snapshot files ` +
        `(${fmtMiB(bytes)} gzipped) in ${fmtMs(now() - t0)}; temp dir ${tmp}`,
    );
    t0 = now();
    const copiesDir = join(tmp, `x${opts.copies}`);
    for (let c = 0; c < opts.copies; c++)
      cpSync(snapshots, join(copiesDir, `copy${c}`, "AWSLogs"), { recursive: true });
    console.log(`copied the snapshot files ${opts.copies}× into ${copiesDir} in ${fmtMs(now() - t0)}`);

    const scanArgs = (dir: string, format = "json", workers?: number) => [
      ...[bin, "scan", "--snapshot", dir, "--format", format, "--out", "/dev/null", "--soft-fail"],
      ...(workers ? ["--workers", String(workers)] : []),
    ];
    const checkScan = (r: ChildRun, what: string) => {
      // 0: scanned (--soft-fail: findings do not fail it); anything else means the scan did not complete.
      if (r.code !== 0) throw new BenchAbort(`guardrail scan of ${what} exited ${r.code}:\n${r.stderr.slice(-4000)}`);
    };
    const checkFloor = (r: ChildRun, files: number, items: number) => {
      const got = JSON.parse(r.stdout.trim() || "{}") as { files?: number; items?: number };
      if (r.code !== 0 || got.files !== files || got.items !== items) {
        throw new BenchAbort(`floor read ${got.files} files / ${got.items} items, expected ${files} / ${items}`);
      }
    };

    // Interleaved: floor, scan, floor, scan, ... (same page cache, same machine state).
    t0 = now();
    const floors: ChildRun[] = [];
    const scans: ChildRun[] = [];
    const tables: ChildRun[] = [];
    const singles: ChildRun[] = [];
    for (let i = 0; i < opts.runs; i++) {
      const f = await runNode([floorScript, snapshots], tmp, rusage);
      checkFloor(f, manifest.snapshotFiles.length, manifest.resources);
      floors.push(f);
      const s = await runNode(scanArgs(snapshots), tmp, rusage);
      checkScan(s, snapshots);
      scans.push(s);
      // The default output (a terminal table of the violations) writes far less than the full JSON report.
      const t = await runNode(scanArgs(snapshots, "table"), tmp, rusage);
      checkScan(t, snapshots);
      tables.push(t);
      // The same JSON scan on one thread: what parallelism adds, and what a one-core machine would see.
      const one = await runNode(scanArgs(snapshots, "json", 1), tmp, rusage);
      checkScan(one, snapshots);
      singles.push(one);
    }
    const many = await runNode(scanArgs(copiesDir), tmp, rusage);
    checkScan(many, copiesDir);
    console.log(`timed in ${fmtMs(now() - t0)} (median of ${opts.runs} interleaved runs, each a fresh child process)`);

    // One snapshot file too large for one JSON.parse, as a busy account and Region delivers: scanned as a stream.
    let big: { run: ChildRun; items: number; jsonBytes: number; gzBytes: number; genMs: number } | undefined;
    if (opts.bigFileBytes > 0) {
      t0 = now();
      const bigDir = join(tmp, "big");
      mkdirSync(bigDir);
      const bigFile = join(bigDir, "111122223333_Config_us-east-1_ConfigSnapshot_20260323T050630Z_5f1b0a4e-8d2c-4c7e-9a3b-1e6f2d4c8b70.json.gz"); // prettier-ignore
      const written = await writeBigSnapshot(manifest.snapshotFiles[0] as string, bigFile, opts.bigFileBytes);
      const gzBytes = statSync(bigFile).size;
      const genMs = now() - t0;
      console.log(
        `generated one snapshot file of ${fmtInt(written.items)} items, ${fmtMiB(written.jsonBytes)} of JSON ` +
          `(${fmtMiB(gzBytes)} gzipped) in ${fmtMs(genMs)}`,
      );
      const report = join(tmp, "big-report.json");
      const r = await runNode(
        [bin, "scan", "--snapshot", bigFile, "--format", "json", "--out", report, "--soft-fail"],
        tmp,
        rusage,
      );
      checkScan(r, bigFile);
      const read = itemsReadIn(report);
      rmSync(bigDir, { recursive: true, force: true });
      rmSync(report, { force: true });
      if (read !== written.items) {
        throw new BenchAbort(`the scan of ${bigFile} read ${read} items, ${written.items} were written`);
      }
      big = { run: r, ...written, gzBytes, genMs };
    }

    const floorMs = median(floors.map((r) => r.wallMs));
    const scanMs = median(scans.map((r) => r.wallMs));
    const tableMs = median(tables.map((r) => r.wallMs));
    const singleMs = median(singles.map((r) => r.wallMs));
    const rss1 = Math.max(...scans.map((r) => r.maxRssBytes));
    const rssFloor = Math.max(...floors.map((r) => r.maxRssBytes));
    const rssMany = many.maxRssBytes;
    const runs = (rs: ChildRun[]) => `runs ${rs.map((r) => fmtMs(r.wallMs)).join(", ")}`;
    const cpu = (rs: ChildRun[]) => median(rs.map((r) => r.cpuMs));
    const rows: Row[] = [
      {
        figure: "floor: read + gunzip + JSON.parse",
        value: fmtMs(floorMs),
        baseline: `${runs(floors)}; CPU ${fmtMs(cpu(floors))}`,
        status: "INFO",
      },
      {
        figure: "guardrail scan --format json (wall)",
        value: fmtMs(scanMs),
        baseline: `${runs(scans)}; CPU ${fmtMs(cpu(scans))}`,
        status: "INFO",
      },
      {
        figure: "scan throughput",
        value: fmtRate(manifest.resources / (scanMs / 1000)),
        baseline: `floor ${fmtRate(manifest.resources / (floorMs / 1000))} resources`,
        status: "INFO",
      },
      {
        figure: "scan wall / floor (json report)",
        value: `${(scanMs / floorMs).toFixed(2)}×`,
        baseline: `floor ${fmtMs(floorMs)}`,
        target: `≤ ${TARGET_VS_FLOOR.toFixed(1)}×`,
        status: check(scanMs / floorMs <= TARGET_VS_FLOOR),
      },
      {
        figure: "scan --workers 1 (json) wall / floor",
        value: `${(singleMs / floorMs).toFixed(2)}×`,
        baseline: `${runs(singles)}; CPU ${fmtMs(cpu(singles))}`,
        status: "INFO",
      },
      {
        figure: "guardrail scan (default table) wall",
        value: fmtMs(tableMs),
        baseline: `${runs(tables)}; CPU ${fmtMs(cpu(tables))}`,
        status: "INFO",
      },
      {
        figure: "scan wall / floor (default table)",
        value: `${(tableMs / floorMs).toFixed(2)}×`,
        baseline: `floor ${fmtMs(floorMs)}`,
        target: `≤ ${TARGET_VS_FLOOR.toFixed(1)}×`,
        status: check(tableMs / floorMs <= TARGET_VS_FLOOR),
      },
      {
        figure: `peak RSS, 1× (${manifest.snapshotFiles.length} files)`,
        value: fmtMiB(rss1),
        baseline: `floor ${fmtMiB(rssFloor)}`,
        status: "INFO",
      },
      {
        figure: `peak RSS, ${opts.copies}× (${opts.copies * manifest.snapshotFiles.length} files)`,
        value: fmtMiB(rssMany),
        baseline: `1× ${fmtMiB(rss1)}; ratio ${(rssMany / rss1).toFixed(2)}; wall ${fmtMs(many.wallMs)}`,
        target: `≤ ${TARGET_RSS_GROWTH} × RSS(1×)`,
        status: check(rssMany <= TARGET_RSS_GROWTH * rss1),
      },
    ];
    if (big) {
      rows.push(
        {
          figure: `one ${fmtMiB(big.jsonBytes)} snapshot file (${fmtMiB(big.gzBytes)} gz): wall`,
          value: fmtMs(big.run.wallMs),
          baseline: `${fmtInt(big.items)} items, ${fmtRate(big.items / (big.run.wallMs / 1000))}; CPU ${fmtMs(big.run.cpuMs)}`,
          status: "INFO",
        },
        {
          figure: `peak RSS, one ${fmtMiB(big.jsonBytes)} file`,
          value: fmtMiB(big.run.maxRssBytes),
          baseline: `1× (${manifest.snapshotFiles.length} files) ${fmtMiB(rss1)}`,
          target: `< ${fmtMiB(TARGET_BIG_FILE_RSS)}`,
          status: check(big.run.maxRssBytes < TARGET_BIG_FILE_RSS),
        },
      );
    }
    printTable(
      "Scan",
      `${fmtInt(manifest.resources)} resources, ${manifest.snapshotFiles.length} files, ${fmtMiB(bytes)} gzipped, ` +
        `full policy pack (${packSize} policies)`,
      rows,
    );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
