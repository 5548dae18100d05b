import { s3Location } from "../aws/s3-location";
import { resourceAdapters } from "../resources/registry";
import { listItemFiles } from "../sources/config-files";
import type { Engine, AnyEvaluation as Evaluation } from "../engine/evaluate";
import type { ReportWriter, ScanSummary } from "../report/types";
import { scanFile } from "./file";
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
  /** Files and directories, and `s3://bucket/prefix` locations. */
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
 * type, every verdict streamed to the writer in file order. Files are processed a few at a time and each is read
 * as a stream, so memory grows with neither their number nor their size. A file or item that cannot be read is
 * reported with its place and skipped (a file that breaks off, after the items read before the break); the rest
 * is still scanned.
 */
export async function scanConfigFiles(opts: ScanOptions): Promise<ScanSummary> {
  const started = Date.now();
  const tally = new ScanTally();
  for (const p of opts.engine.policies) tally.data.byPolicy[p.policy.id] = emptyComplianceCounts();

  const local = opts.inputs.filter((i) => !s3Location(i));
  const remote = opts.inputs.filter((i) => s3Location(i));
  const { files, problems } = local.length > 0 ? await listItemFiles(local) : { files: [], problems: [] };
  tally.data.problems.push(...problems);

  if (opts.pool && opts.pool.size > 0 && files.length > 1) await scanInWorkers(files, opts, opts.pool, tally);
  else await scanInThread(files, opts, tally);
  if (remote.length > 0) await scanS3(remote, opts, tally);

  const summary = tally.summary(opts.engine, opts.inputs, started);
  await opts.writer.finish(summary);
  return summary;
}

/** A file to scan in this thread, or an S3 object: its name in reports, and its bytes when they are not a local file's. */
interface Input {
  name: string;
  open?: () => Promise<AsyncIterable<Uint8Array>>;
}

async function scanInThread(files: readonly (string | Input)[], opts: ScanOptions, tally: ScanTally): Promise<void> {
  const adapters = resourceAdapters();
  const { writer } = opts;
  const emit = (e: Evaluation) => writer.add(e);
  // The file is read and gunzipped by streams (zlib works on the thread pool) while its items are evaluated here.
  for (let i = 0; i < files.length; i++) {
    const f = files[i] as string | Input;
    const { name, open } = typeof f === "string" ? { name: f, open: undefined } : f;
    for await (const _batch of scanFile(name, opts.engine, adapters, tally, emit, open)) {
      if (writer.ready) await writer.ready();
      report(opts, tally.data, i, files.length);
    }
    if (writer.ready) await writer.ready();
    report(opts, tally.data, i + 1, files.length);
  }
}

/**
 * `s3://bucket/prefix` inputs, object by object in this thread: each body is read as it streams in, so memory stays
 * as flat as for local files. The SDK is loaded only here.
 */
async function scanS3(urls: string[], opts: ScanOptions, tally: ScanTally): Promise<void> {
  const { listSnapshotObjects } = await import("./s3-snapshots");
  const objects: Input[] = [];
  for (const url of urls) {
    const { bucket, prefix } = s3Location(url) as { bucket: string; prefix: string };
    const listed = await listSnapshotObjects(url, bucket, prefix);
    tally.data.problems.push(...listed.problems);
    objects.push(...listed.objects);
  }
  await scanInThread(objects, opts, tally);
}

/** Parts of later files the main thread holds at most (in parts' worth of report data) before it stops asking. */
const LOOKAHEAD_PARTS = 16;

interface Job {
  index: number;
  worker: number;
  /** Parts received and not yet written. */
  parts: FileResult[];
  asked: boolean;
  done: boolean;
  failure?: unknown;
  wake?: () => void;
}

/**
 * Files go to worker threads round-robin, a few in flight, and come back in parts; the parts are written in file
 * order, so the report is the same as a single-threaded scan's. Memory is bounded on both sides: a worker scans a
 * part only when asked, and the main thread asks for more of a later file only while what it holds of later files
 * stays under LOOKAHEAD_PARTS parts (the file being written is always asked for, a part ahead).
 */
async function scanInWorkers(files: string[], opts: ScanOptions, pool: ScanPool, tally: ScanTally): Promise<void> {
  const { writer } = opts;
  const n = pool.size;
  const lookahead = LOOKAHEAD_PARTS * pool.partChars;
  const jobs = new Map<number, Job>();
  let seq = 0;
  let held = 0;
  let current = 0;
  const ask = (job: Job) => {
    job.asked = true;
    pool.scan(job.worker, { seq: seq++, job: job.index, file: files[job.index] as string }).then(
      (r) => {
        job.asked = false;
        job.parts.push(r);
        if (job.index !== current) held += r.size;
        if (!r.more) job.done = true;
        pump();
        job.wake?.();
      },
      (e: unknown) => {
        job.failure = e;
        job.wake?.();
      },
    );
  };
  const pump = () => {
    for (const job of jobs.values()) {
      if (job.asked || job.done || job.failure !== undefined) continue;
      if (job.index === current ? job.parts.length < 2 : held < lookahead) ask(job);
    }
  };
  // One file queued behind the one each worker is scanning: enough to keep them busy.
  const depth = n + 1;
  const begin = (i: number) => {
    if (i >= files.length) return;
    const job: Job = { index: i, worker: i % n, parts: [], asked: false, done: false };
    jobs.set(i, job);
    ask(job);
  };
  try {
    for (let i = 0; i < Math.min(files.length, depth); i++) begin(i);
    for (let i = 0; i < files.length; i++) {
      const job = jobs.get(i) as Job;
      current = i;
      for (const r of job.parts) held -= r.size;
      pump();
      for (;;) {
        const r = job.parts.shift();
        if (!r) {
          if (job.failure !== undefined) throw job.failure;
          if (job.done) break;
          await new Promise<void>((resolve) => (job.wake = resolve));
          job.wake = undefined;
          continue;
        }
        pump();
        tally.merge(r.tally);
        if (r.encoded !== undefined && writer.addEncoded) writer.addEncoded(r.encoded, r.encodedCount ?? 0);
        if (r.evaluations) for (const e of r.evaluations) writer.add(e);
        if (writer.ready) await writer.ready();
        report(opts, tally.data, r.more ? i : i + 1, files.length);
      }
      jobs.delete(i);
      begin(i + depth);
    }
  } catch (e) {
    await pool.close();
    throw e;
  }
}

function report(opts: ScanOptions, d: TallyData, done: number, total: number): void {
  opts.onProgress?.({ filesDone: done, filesTotal: total, bytes: d.bytes, items: d.itemsRead });
}
