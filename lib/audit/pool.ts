import { join } from "node:path";
import { MessageChannel, type MessagePort } from "node:worker_threads";
import { movableBuffers, RequestThread, threadCount } from "../util/thread";
import type { LoadedRecords } from "./record-files";
import type { TallyState } from "./tally";
import type {
  AuditFileRequest,
  AuditFileResult,
  AuditRecordsRequest,
  AuditRecordsResult,
  AuditTallyRequest,
  AuditTallyResult,
  AuditVerdictMessage,
  AuditWorkerSetup,
} from "./worker";

type Request = AuditFileRequest | AuditRecordsRequest | AuditTallyRequest;
type Result = AuditFileResult | AuditRecordsResult | AuditTallyResult;
/** The seq of the tally request, apart from the files' (from 0) and the record batches' (from -1 down). */
const TALLY_SEQ = -(2 ** 31);
const RECORDS_PER_BATCH = 500;

const WORKER_SCRIPT = join(__dirname, "worker.js");
const YOUNG_MB = 8;

/**
 * Worker threads for the audit (one per core by default, at most 8), like lib/scan/pool.ts: empty when the worker
 * script is not built (running from TypeScript sources, as the unit tests do) or one thread is asked for.
 */
export class AuditPool {
  private readonly workers: RequestThread<Request, Result>[];
  /** Each worker's verdict channel (see `verdict`). */
  private readonly verdicts: MessagePort[] = [];

  private constructor(setup: AuditWorkerSetup, n: number) {
    // A small young generation: a worker's garbage is one file's candidates at a time, so frequent cheap scavenges
    // keep its resident memory low (measured on the 1 GiB bench trail: peak RSS of the report ~310 → ~255 MB).
    const limits = { maxYoungGenerationSizeMb: YOUNG_MB };
    this.workers = Array.from({ length: n }, () => {
      const { port1, port2 } = new MessageChannel();
      this.verdicts.push(port1);
      const withChannel: AuditWorkerSetup = { ...setup, verdicts: port2 };
      return new RequestThread(WORKER_SCRIPT, "audit worker", withChannel, limits, [port2]);
    });
  }

  static start(setup: AuditWorkerSetup, workers?: number): AuditPool {
    return new AuditPool(setup, threadCount(WORKER_SCRIPT, workers));
  }

  get size(): number {
    return this.workers.length;
  }

  read(worker: number, req: AuditFileRequest): Promise<AuditFileResult> {
    const thread = this.workers[worker] as RequestThread<Request, Result>;
    if (!req.data) return thread.request(req, []) as Promise<AuditFileResult>;
    // The compressed bytes move to the worker (transfer list): no copy, and this thread forgets them.
    const own = movableBuffers(req.data).length > 0 ? req.data : req.data.slice();
    return thread.request({ ...req, data: own }, movableBuffers(own)) as Promise<AuditFileResult>;
  }

  /**
   * Reads local remediation record files on the workers, in batches queued behind the trail files in flight (each
   * worker takes its requests in order), so their parsing garbage stays off the main thread.
   * Batches are numbered with negative seqs, apart from the files' own.
   */
  async readRecords(paths: readonly string[]): Promise<LoadedRecords> {
    const batches: (Promise<Result> | undefined)[] = [];
    for (let i = 0; i * RECORDS_PER_BATCH < paths.length; i++) {
      const recordFiles = paths.slice(i * RECORDS_PER_BATCH, (i + 1) * RECORDS_PER_BATCH);
      const thread = this.workers[i % this.workers.length] as RequestThread<Request, Result>;
      // Handled at once: if one batch fails, the others must not become unhandled rejections.
      const seq = -(i + 1);
      batches.push(thread.request({ seq, recordFiles }).catch((e: Error) => ({ seq, failure: e.message })));
    }
    const out: LoadedRecords = { records: [], skipped: [] };
    // Each batch parsed as it comes and let go, so the batches' bytes are never all held at once.
    for (let i = 0; i < batches.length; i++) {
      const r = (await batches[i]) as AuditRecordsResult;
      batches[i] = undefined;
      if (r.failure !== undefined || !r.loaded) throw new Error(`reading remediation records: ${r.failure ?? "no result"}`); // prettier-ignore
      const text = Buffer.from(r.loaded.buffer, r.loaded.byteOffset, r.loaded.byteLength).toString("utf8");
      const loaded = JSON.parse(text) as LoadedRecords;
      out.records.push(...loaded.records);
      out.skipped.push(...loaded.skipped);
    }
    return out;
  }

  /**
   * The remediation records' correlation ids, to every worker, once read (a worker remembers every change's
   * principal until then, and keeps only these after; duplicates taken out meanwhile do not touch that list).
   */
  want(ids: readonly string[]): void {
    for (const w of this.workers) w.post({ wanted: ids });
  }

  /**
   * Which events of a file the worker that read it leaves out of its tally (duplicates). On a channel of its own,
   * which the worker reads between files: behind the files in flight on the request channel, a verdict waited
   * for up to 64 files, and what the worker held of each file's events until then lived long enough to be
   * promoted to its old generation (~16 MB of garbage a worker on the 1 GiB bench trail).
   */
  verdict(worker: number, v: AuditVerdictMessage): void {
    (this.verdicts[worker] as MessagePort).postMessage(v);
  }

  /**
   * Every worker's tally, once all verdicts are sent (the worker reads its verdict channel first). A worker that
   * failed took its tally with it: the events of the files it read are unknown, so the audit cannot be reported.
   */
  async tallies(): Promise<TallyState[]> {
    return Promise.all(
      this.workers.map(async (w, i) => {
        const r = (await w.request({ seq: TALLY_SEQ, tally: true }).catch((e: Error) => ({ seq: TALLY_SEQ, failure: e.message }))) as AuditTallyResult; // prettier-ignore
        if (!r.tally) throw new Error(`audit worker ${i + 1} failed; its events are lost: ${r.failure ?? "no tally"}`);
        return r.tally;
      }),
    );
  }

  async close(): Promise<void> {
    for (const port of this.verdicts) port.close();
    await Promise.all(this.workers.map((w) => w.close()));
  }
}
