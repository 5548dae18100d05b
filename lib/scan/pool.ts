import { join } from "node:path";
import type { PackSpec } from "../pack";
import { recordEncoder } from "../report";
import type { ReportFormat, ReportWriter } from "../report/types";
import { RequestThread, threadCount } from "../util/thread";
import { PART_CHARS, type FileRequest, type FileResult, type WorkerSetup } from "./worker";

const WORKER_SCRIPT = join(__dirname, "worker.js");

/**
 * Worker threads that scan files. Started before the main thread compiles its own copy of the policies, so the
 * workers' start-up (loading modules, compiling the pack) overlaps it. Streaming formats (json, csv) are encoded
 * in the workers; otherwise the workers send the evaluations the writer accepts (often only the violations).
 */
export class ScanPool {
  private readonly workers: RequestThread<FileRequest, FileResult>[];
  readonly partChars: number;

  private constructor(setup: WorkerSetup, n: number) {
    this.partChars = setup.partChars;
    this.workers = Array.from({ length: n }, () => new RequestThread(WORKER_SCRIPT, "scan worker", setup));
  }

  /**
   * A pool of `workers` threads (default: one per core) for scans into `writer`, or an empty pool when the worker
   * script is not built (running from TypeScript sources, as the unit tests do) or one thread is asked for.
   */
  static start(opts: {
    pack: PackSpec;
    writer: ReportWriter;
    format: ReportFormat;
    workers?: number;
    partChars?: number;
  }): ScanPool {
    const n = threadCount(WORKER_SCRIPT, opts.workers);
    const setup: WorkerSetup = {
      pack: opts.pack,
      encode: opts.writer.addEncoded && recordEncoder(opts.format) ? opts.format : undefined,
      accepts: opts.writer.accepts ?? "all",
      partChars: opts.partChars ?? PART_CHARS,
    };
    return new ScanPool(setup, n);
  }

  get size(): number {
    return this.workers.length;
  }

  scan(worker: number, req: FileRequest): Promise<FileResult> {
    return (this.workers[worker] as RequestThread<FileRequest, FileResult>).request(req);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }
}
