import { readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { gunzipSync } from "node:zlib";
import { outputChunk } from "../lib/audit/read";

/**
 * The audit bench's floor (bench/audit.ts): the trail's log files read and decompressed, nothing else, on one
 * worker thread per core, as the audit spreads them. Every reader of `.json.gz` pays at least this; whatever the
 * report costs beyond it is parsing and counting. Run as `node dist/bench/gunzip-floor.js DIR [THREADS]` (default:
 * one per core); prints the bytes. On one thread beside all of them it shows how far this machine's cores scale.
 */

function logFiles(dir: string): string[] {
  const out: string[] = [];
  const visit = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) visit(p);
      else if (p.includes("/CloudTrail/") && p.endsWith(".json.gz")) out.push(p);
    }
  };
  visit(dir);
  return out;
}

if (isMainThread) {
  const files = logFiles(join(process.argv[2] ?? ".", "AWSLogs"));
  const n = Math.max(1, Number(process.argv[3]) || availableParallelism());
  let bytes = 0;
  let done = 0;
  for (let w = 0; w < n; w++) {
    const worker = new Worker(__filename, { workerData: files.filter((_, i) => i % n === w) });
    worker.on("message", (b: number) => {
      bytes += b;
      if (++done === n) console.log(JSON.stringify({ files: files.length, threads: n, bytes }));
    });
  }
} else {
  let bytes = 0;
  for (const f of workerData as string[]) {
    const gz = readFileSync(f);
    bytes += gunzipSync(gz, { chunkSize: outputChunk(gz) }).length; // one output buffer, as the audit reads
  }
  parentPort?.postMessage(bytes);
}
