import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { Worker, type ResourceLimits, type Transferable } from "node:worker_threads";

/** At most this many threads: past it, the main thread that feeds them is the bottleneck on every machine tried. */
const MAX_THREADS = 8;

/**
 * How many worker threads a pool starts: `requested` (default: one per core), at most 8; none when the worker
 * script is not built (running from TypeScript sources, as the unit tests do) or when one thread is all there is.
 */
export function threadCount(script: string, requested?: number): number {
  const n = existsSync(script) ? Math.min(requested ?? availableParallelism(), MAX_THREADS) : 0;
  return n > 1 ? n : 0;
}

/**
 * One worker thread answering numbered requests: `request` resolves with the reply carrying the same `seq`. If the
 * thread fails or exits with requests outstanding, they are rejected and every later request is too.
 */
export class RequestThread<Req extends { seq: number }, Res extends { seq: number }> {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: (r: Res) => void; reject: (e: Error) => void }>();
  private broken: Error | undefined;

  /** `transferList`: what moves to the thread with workerData (a MessagePort of a side channel, say). */
  constructor(
    script: string,
    name: string,
    workerData: unknown,
    resourceLimits?: ResourceLimits,
    transferList?: readonly Transferable[],
  ) {
    this.worker = new Worker(script, {
      workerData,
      ...(resourceLimits ? { resourceLimits } : {}),
      ...(transferList ? { transferList: [...transferList] } : {}),
    });
    this.worker.on("message", (r: Res) => {
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
      if (this.waiting.size > 0) fail(new Error(`${name} exited with code ${code}`));
    });
  }

  /** Sends the request; `transfer` moves buffers to the thread instead of copying them. */
  request(req: Req, transfer?: readonly Transferable[]): Promise<Res> {
    if (this.broken) return Promise.reject(this.broken);
    return new Promise((resolve, reject) => {
      this.waiting.set(req.seq, { resolve, reject });
      this.worker.postMessage(req, transfer);
    });
  }

  /** Sends a message that has no reply; a thread that failed gets nothing (its outstanding requests were rejected). */
  post(message: unknown, transfer?: readonly Transferable[]): void {
    if (!this.broken) this.worker.postMessage(message, transfer);
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

/**
 * The buffers of these views that can move to another thread (transfer list) instead of being copied: those the
 * view covers whole. A view of a shared pool (small `Buffer.from` results) is left out, and so copied.
 */
export function movableBuffers(...views: ArrayBufferView[]): ArrayBuffer[] {
  return views.flatMap((v) =>
    v.byteOffset === 0 && v.byteLength === v.buffer.byteLength ? [v.buffer as ArrayBuffer] : [],
  );
}
