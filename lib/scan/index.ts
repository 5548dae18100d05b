import { resourceAdapters } from "../resources/registry";
import { listItemFiles, readItemFileOrError, InputFileError } from "../sources/config-files";
import type { Engine, AnyEvaluation as Evaluation } from "../engine/evaluate";
import type { ReportWriter, ScanSummary } from "../report/types";
import { scanItemFile } from "./file";
import { ScanTally, emptyComplianceCounts, type TallyData } from "./tally";
import type { ScanPool } from "./pool";
import type { FileResult } from "./worker";

export { ScanPool } from "./pool";

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
   * Worker threads to scan files on (see pool.ts); their engines were built from the pack `engine` came from.
   * Without one, or for a single file, the scan runs in this thread. The caller closes the pool.
   */
  pool?: ScanPool;
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

  const { files, problems } = await listItemFiles(opts.inputs);
  tally.data.problems.push(...problems);

  if (opts.pool && opts.pool.size > 0 && files.length > 1) await scanInWorkers(files, opts, opts.pool, tally);
  else await scanInThread(files, opts, tally);

  const summary = tally.summary(opts.engine, opts.inputs, started);
  await opts.writer.finish(summary);
  return summary;
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
 * Files go to worker threads round-robin, a few in flight; results are taken in file order, so
 * the report is the same as a single-threaded scan's.
 */
async function scanInWorkers(files: string[], opts: ScanOptions, pool: ScanPool, tally: ScanTally): Promise<void> {
  const { writer } = opts;
  const n = pool.size;
  try {
    const results: (Promise<FileResult> | undefined)[] = [];
    // One file queued behind the one each worker is scanning: enough to keep them busy, and each queued result
    // (a file's encoded records) is held in memory until its turn.
    const depth = n + 1;
    const submit = (i: number) => {
      results[i] = pool.scan(i % n, { seq: i, file: files[i] as string });
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
  } catch (e) {
    await pool.close();
    throw e;
  }
}

function report(opts: ScanOptions, d: TallyData, done: number, total: number): void {
  opts.onProgress?.({ filesDone: done, filesTotal: total, bytes: d.bytes, items: d.itemsRead });
}
