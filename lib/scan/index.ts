import { availableParallelism } from "node:os";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { resourceAdapters } from "../resources/registry";
import { listItemFiles, readItemFileOrError, InputFileError } from "../sources/config-files";
import type { Engine, Evaluation } from "../engine/evaluate";
import type { PackSpec } from "../pack";
import type { PolicyInfo, ReportFormat, ReportWriter, ScanSummary } from "../report/types";
import { resourceTypesOf } from "../policy/types";
import { VERSION } from "../version";
import { scanItemFile } from "./file";
import { ScanTally, emptyComplianceCounts, type TallyData } from "./tally";
import type { FileRequest, FileResult, WorkerSetup } from "./worker";

export interface ScanProgress {
  filesDone: number;
  filesTotal: number;
  bytes: number;
  items: number;
}

export interface ScanOptions {
  inputs: string[];
  engine: Engine;
  writer: ReportWriter;
  onProgress?: (p: ScanProgress) => void;
  /**
   * Scan files on worker threads, each building its engine from this pack (the one `engine` was built from).
   * Without it, or when the worker script is not built (running from TypeScript sources), the scan runs in this
   * thread.
   */
  parallel?: { pack: PackSpec; format?: ReportFormat; workers?: number };
}

/**
 * Scans Config snapshot / API output files: every item normalised by its adapter and judged by every policy of its
 * type, every verdict streamed to the writer in file order. Files are processed a few at a time, so memory does
 * not grow with their number. A file or item that cannot be read is reported with its place and skipped; the
 * rest is still scanned.
 */
export async function scanConfigFiles(opts: ScanOptions): Promise<ScanSummary> {
  const started = Date.now();
  const tally = new ScanTally();
  for (const p of opts.engine.policies) tally.data.byPolicy[p.policy.id] = emptyComplianceCounts();

  let files: string[];
  try {
    files = await listItemFiles(opts.inputs);
  } catch (e) {
    if (!(e instanceof InputFileError)) throw e;
    tally.data.problems.push({ level: "error", file: e.file, message: e.message });
    files = [];
  }

  const workers = workerCount(opts, files.length);
  if (workers > 1 && opts.parallel) await scanInWorkers(files, opts, opts.parallel, workers, tally);
  else await scanInThread(files, opts, tally);

  const d = tally.data;
  const policies: PolicyInfo[] = opts.engine.policies.map((p) => ({
    id: p.policy.id,
    title: p.policy.title,
    severity: p.policy.severity,
    subject: "cloudtrail" in p.policy.subject ? ["CloudTrail"] : resourceTypesOf(p.policy),
    ...(p.policy.frameworks ? { frameworks: p.policy.frameworks } : {}),
    file: p.file,
  }));
  const summary: ScanSummary = {
    tool: { name: "guardrail", version: VERSION },
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    inputs: opts.inputs,
    policies,
    files: { read: d.filesRead, failed: d.filesFailed },
    items: { read: d.itemsRead, evaluated: d.evaluated, deleted: d.deleted, notCovered: d.notCovered },
    evaluations: d.evaluations,
    byCompliance: d.byCompliance,
    violationsBySeverity: d.violationsBySeverity,
    byPolicy: d.byPolicy,
    violationsByAccount: d.violationsByAccount,
    expiredExemptions: d.expiredExemptions,
    problems: [...d.problems, ...tally.notCoveredWarnings()],
  };
  await opts.writer.finish(summary);
  return summary;
}

const WORKER_SCRIPT = join(__dirname, "worker.js");

function workerCount(opts: ScanOptions, files: number): number {
  if (!opts.parallel || !existsSync(WORKER_SCRIPT)) return 1;
  return Math.max(1, Math.min(opts.parallel.workers ?? availableParallelism(), files, 8));
}

function failed(tally: ScanTally, file: string, message: string): void {
  tally.data.filesFailed++;
  tally.data.problems.push({ level: "error", file, message });
}

async function scanInThread(files: string[], opts: ScanOptions, tally: ScanTally): Promise<void> {
  const adapters = resourceAdapters();
  const { writer } = opts;
  const emit = (e: Evaluation) => writer.add(e);
  // Read the next file while the current one is evaluated: I/O and gunzip overlap with evaluation.
  let next = files[0] ? readItemFileOrError(files[0]) : undefined;
  for (let i = 0; i < files.length; i++) {
    const current = await (next as ReturnType<typeof readItemFileOrError>);
    next = files[i + 1] ? readItemFileOrError(files[i + 1] as string) : undefined;
    if (current instanceof InputFileError) failed(tally, current.file, current.message);
    else scanItemFile(current, opts.engine, adapters, tally, emit);
    if (writer.ready) await writer.ready();
    report(opts, tally.data, i + 1, files.length);
  }
}

/**
 * Files go to worker threads round-robin, at most two per worker in flight; results are taken in file order, so
 * the report is the same as a single-threaded scan's. Streaming formats (json, csv) are encoded in the workers;
 * otherwise the workers send the evaluations the writer accepts (often only the violations).
 */
async function scanInWorkers(
  files: string[],
  opts: ScanOptions,
  parallel: NonNullable<ScanOptions["parallel"]>,
  n: number,
  tally: ScanTally,
): Promise<void> {
  const { writer } = opts;
  const setup: WorkerSetup = {
    pack: parallel.pack,
    encode: writer.addEncoded && parallel.format ? parallel.format : undefined,
    accepts: writer.accepts ?? "all",
  };
  const pool = Array.from({ length: n }, () => new ScanWorker(setup));
  try {
    const results: (Promise<FileResult> | undefined)[] = [];
    const depth = 2 * n;
    const submit = (i: number) => {
      results[i] = (pool[i % n] as ScanWorker).scan({ seq: i, file: files[i] as string });
    };
    for (let i = 0; i < Math.min(files.length, depth); i++) submit(i);
    for (let i = 0; i < files.length; i++) {
      const r = await (results[i] as Promise<FileResult>);
      results[i] = undefined;
      if (i + depth < files.length) submit(i + depth);
      if (r.failure) failed(tally, r.failure.file, r.failure.message);
      if (r.tally) tally.merge(r.tally);
      if (r.encoded !== undefined && writer.addEncoded) writer.addEncoded(r.encoded, r.encodedCount ?? 0);
      if (r.evaluations) for (const e of r.evaluations) writer.add(e);
      if (writer.ready) await writer.ready();
      report(opts, tally.data, i + 1, files.length);
    }
  } finally {
    await Promise.all(pool.map((w) => w.close()));
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

function report(opts: ScanOptions, d: TallyData, done: number, total: number): void {
  opts.onProgress?.({ filesDone: done, filesTotal: total, bytes: d.bytes, items: d.itemsRead });
}
