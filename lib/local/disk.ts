import { Worker } from "node:worker_threads";

/**
 * Files of the local state written off the loop's thread: a worker thread takes each file as it is produced,
 * gzips it if asked (CloudTrail log files) and writes it synchronously (no round trips through the event loop),
 * while the loop carries on. The audit bucket's records are one small file each, and creating a file costs about a
 * millisecond on a virtual disk: on the loop's thread that was a fifth of a change's time.
 *
 * `written(seq)` says, without waiting, whether a file has reached the disk (a shared counter the worker moves on);
 * `flush` waits for every file handed over so far and raises the first write error since the last flush.
 */

// Plain JavaScript evaluated as the worker (no file to resolve from dist/ or from ts-jest's sources).
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { mkdirSync, renameSync, writeFileSync } = require("node:fs");
const { dirname } = require("node:path");
const { gzipSync } = require("node:zlib");
const done = new Int32Array(workerData.shared);
const dirs = new Set();
parentPort.on("message", (m) => {
  try {
    const parent = dirname(m.file);
    if (!dirs.has(parent)) {
      mkdirSync(parent, { recursive: true });
      dirs.add(parent);
    }
    // Whole or nothing: a run stopped mid-write leaves a temporary name, never half a file under the real one.
    const temp = m.file + ".partial";
    writeFileSync(temp, m.gzip ? gzipSync(m.data) : m.data);
    renameSync(temp, m.file);
  } catch (e) {
    parentPort.postMessage({ seq: m.seq, file: m.file, error: String((e && e.message) || e) });
  }
  Atomics.store(done, 0, m.seq);
});
`;

export class FileWriter {
  private worker?: Worker;
  private readonly shared = new SharedArrayBuffer(4);
  private readonly done = new Int32Array(this.shared);
  private seq = 0;
  private error?: Error;
  /** The worker has exited (crashed or terminated): nothing more will be written. */
  private stopped = false;

  /** Hands one file over (its content gzipped by the worker when `gzip`); returns its sequence number. */
  write(file: string, data: Uint8Array | string, options: { gzip?: boolean } = {}): number {
    if (!this.worker || this.stopped) {
      this.stopped = false;
      this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { shared: this.shared } });
      this.worker.on("message", (m: { file: string; error?: string }) => {
        if (m.error !== undefined) this.error ??= new Error(`${m.file}: ${m.error}`);
      });
      this.worker.on("error", (e) => {
        this.error ??= e;
      });
      this.worker.on("exit", () => {
        this.stopped = true;
      });
      // after the listeners, which would keep it referenced: an unclosed writer does not keep the process alive
      this.worker.unref();
    }
    const seq = ++this.seq;
    this.worker.postMessage({ seq, file, data, gzip: options.gzip === true });
    return seq;
  }

  /** Whether the file handed over as `seq` has been written (or failed). */
  written(seq: number): boolean {
    return Atomics.load(this.done, 0) >= seq;
  }

  /** Waits until every file handed over so far is written; rejects with the first error since the last flush. */
  async flush(): Promise<void> {
    const target = this.seq;
    // polled, so that the worker's messages (errors) and the rest of the process keep running meanwhile
    while (this.worker && !this.stopped && !this.written(target))
      await new Promise<void>((resolve) => setTimeout(resolve, 1));
    // the worker's error messages are posted before its counter moves: one turn of the event loop delivers them
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (this.error !== undefined) {
      const e = this.error;
      this.error = undefined;
      throw e;
    }
  }

  /** Flushes, then stops the worker. */
  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      const w = this.worker;
      this.worker = undefined;
      await w?.terminate();
    }
  }
}
