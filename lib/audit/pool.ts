import { join } from "node:path";
import { RequestThread, threadCount } from "../util/thread";
import type { AuditFileRequest, AuditFileResult, AuditWorkerSetup } from "./worker";

const WORKER_SCRIPT = join(__dirname, "worker.js");
const YOUNG_MB = 8;

/**
 * Worker threads for the audit (one per core by default, at most 8), like lib/scan/pool.ts: empty when the worker
 * script is not built (running from TypeScript sources, as the unit tests do) or one thread is asked for.
 */
export class AuditPool {
  private readonly workers: RequestThread<AuditFileRequest, AuditFileResult>[];

  private constructor(setup: AuditWorkerSetup, n: number) {
    // A small young generation: a worker's garbage is one file's candidates at a time, so frequent cheap scavenges
    // keep its resident memory low (measured on the 1 GiB bench trail: peak RSS of the report ~310 → ~255 MB).
    const limits = { maxYoungGenerationSizeMb: YOUNG_MB };
    this.workers = Array.from({ length: n }, () => new RequestThread(WORKER_SCRIPT, "audit worker", setup, limits));
  }

  static start(setup: AuditWorkerSetup, workers?: number): AuditPool {
    return new AuditPool(setup, threadCount(WORKER_SCRIPT, workers));
  }

  get size(): number {
    return this.workers.length;
  }

  read(worker: number, req: AuditFileRequest): Promise<AuditFileResult> {
    const thread = this.workers[worker] as RequestThread<AuditFileRequest, AuditFileResult>;
    if (!req.data) return thread.request(req, []);
    // The compressed bytes move to the worker (transfer list): no copy, and this thread forgets them.
    const own =
      req.data.byteOffset === 0 && req.data.byteLength === req.data.buffer.byteLength ? req.data : req.data.slice();
    return thread.request({ ...req, data: own }, [own.buffer as ArrayBuffer]);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }
}
