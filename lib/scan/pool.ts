import { availableParallelism } from "node:os";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { PackSpec } from "../pack";
import { recordEncoder } from "../report";
import type { ReportFormat, ReportWriter } from "../report/types";
import type { FileRequest, FileResult, WorkerSetup } from "./worker";

const WORKER_SCRIPT = join(__dirname, "worker.js");

/**
 * Worker threads that scan files. Started before the main thread compiles its own copy of the policies, so the
 * workers' start-up (loading modules, compiling the pack) overlaps it. Streaming formats (json, csv) are encoded
 * in the workers; otherwise the workers send the evaluations the writer accepts (often only the violations).
 */
export class ScanPool {
  private readonly workers: ScanWorker[];

  private constructor(setup: WorkerSetup, n: number) {
    this.workers = Array.from({ length: n }, () => new ScanWorker(setup));
  }

  /**
   * A pool of `workers` threads (default: one per core) for scans into `writer`, or an empty pool when the worker
   * script is not built (running from TypeScript sources, as the unit tests do) or one thread is asked for.
   */
  static start(opts: { pack: PackSpec; writer: ReportWriter; format: ReportFormat; workers?: number }): ScanPool {
    const n = existsSync(WORKER_SCRIPT) ? Math.min(opts.workers ?? availableParallelism(), 8) : 0;
    const setup: WorkerSetup = {
      pack: opts.pack,
      encode: opts.writer.addEncoded && recordEncoder(opts.format) ? opts.format : undefined,
      accepts: opts.writer.accepts ?? "all",
    };
    return new ScanPool(setup, n > 1 ? n : 0);
  }

  get size(): number {
    return this.workers.length;
  }

  scan(worker: number, req: FileRequest): Promise<FileResult> {
    return (this.workers[worker] as ScanWorker).scan(req);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }
}

/** One worker thread; `scan` resolves with the file's result, in the order files were given to it. */
class ScanWorker {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: (r: FileResult) => void; reject: (e: Error) => void }>();
  private broken: Error | undefined;

  constructor(setup: WorkerSetup) {
    this.worker = new Worker(WORKER_SCRIPT, { workerData: setup });
    this.worker.on("message", (r: FileResult) => {
      this.waiting.get(r.seq)?.resolve(r);
      this.waiting.delete(r.seq);
    });
    const fail = (e: Error) => {
      this.broken = e;
      for (const w of this.waiting.values()) w.reject(e);
      this.waiting.clear();
    };
    this.worker.on("error", fail);
    this.worker.on("exit", (code) => {
      if (this.waiting.size > 0) fail(new Error(`scan worker exited with code ${code}`));
    });
  }

  scan(req: FileRequest): Promise<FileResult> {
    if (this.broken) return Promise.reject(this.broken);
    return new Promise((resolve, reject) => {
      this.waiting.set(req.seq, { resolve, reject });
      this.worker.postMessage(req);
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
