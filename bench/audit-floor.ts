import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { gunzipSync } from "node:zlib";
import { loadPack } from "../lib/pack";
import { FileReader, outputChunk, readTrailFile } from "../lib/audit/read";
import { resourceAdapters } from "../lib/resources/registry";
import { listTrailFiles, type TrailFile } from "../lib/audit/source";

/**
 * The audit bench's floors (bench/audit.ts): the trail's log files spread over one worker thread per core, as the
 * audit spreads them, and only part of the report's work done on them:
 *   - `gunzip`: read and decompressed, nothing else. Every reader of `.json.gz` pays at least this;
 *   - `read`: what the audit does to each file on its own (lib/audit/read.ts readTrailFile: gunzip, the byte scan,
 *     each candidate record parsed and judged by the policies and the resource adapters), its results dropped: no
 *     deduplication, no tally, no remediation records, no report. Whatever the report costs beyond this is the
 *     work across files and the report itself.
 * The files are the audit's own listing (lib/audit/source.ts), dealt out in date order as the audit deals them. Run
 * as `node dist/bench/audit-floor.js gunzip|read DIR [THREADS]` (default: one thread per core); prints the bytes and
 * records. On one thread beside all of them it shows how far this machine's cores scale.
 */

type Level = "gunzip" | "read";

interface Job {
  level: Level;
  files: TrailFile[];
}

function gunzipOnly(files: TrailFile[]): { bytes: number; records: number } {
  let bytes = 0;
  for (const f of files) {
    const gz = readFileSync(f.id);
    bytes += gunzipSync(gz, { chunkSize: outputChunk(gz) }).length; // one output buffer, as the audit reads
  }
  return { bytes, records: 0 };
}

function readEach(files: TrailFile[]): { bytes: number; records: number } {
  // As an audit worker starts (lib/audit/worker.ts): the built-in pack, its validators compiled when first used.
  const { engine } = loadPack({ compile: "lazy" });
  const opts = { engine, adapters: [...resourceAdapters().values()] };
  const reader = new FileReader();
  let [bytes, records] = [0, 0];
  for (const file of files) {
    const facts = readTrailFile(file, reader.read(file.id), opts);
    bytes += facts.bytes;
    records += facts.records;
  }
  return { bytes, records };
}

async function main(): Promise<void> {
  const level = process.argv[2] as Level;
  if (level !== "gunzip" && level !== "read") throw new Error("usage: audit-floor.js gunzip|read DIR [THREADS]");
  const files = await listTrailFiles({ kind: "local", dir: process.argv[3] ?? "." }, {});
  const n = Math.max(1, Number(process.argv[4]) || availableParallelism());
  const total = { bytes: 0, records: 0 };
  let done = 0;
  for (let w = 0; w < n; w++) {
    const job: Job = { level, files: files.filter((_, i) => i % n === w) };
    const worker = new Worker(__filename, { workerData: job });
    worker.on("message", (r: { bytes: number; records: number }) => {
      total.bytes += r.bytes;
      total.records += r.records;
      if (++done === n) console.log(JSON.stringify({ level, files: files.length, threads: n, ...total }));
    });
  }
}

if (isMainThread) {
  main().catch((e: Error) => {
    console.error(e.message);
    process.exitCode = 1;
  });
} else {
  const job = workerData as Job;
  parentPort?.postMessage(job.level === "gunzip" ? gunzipOnly(job.files) : readEach(job.files));
}
