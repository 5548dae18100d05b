import { parentPort, workerData } from "node:worker_threads";
import type { AnyEvaluation as Evaluation } from "../engine/evaluate";
import type { PackSpec } from "../pack";
import { loadPackWithExtensions } from "../pack/load";
import { recordEncoder } from "../report";
import type { ReportFormat } from "../report/types";
import { resourceAdapters } from "../resources/registry";
import { scanFile } from "./file";
import { ScanTally, type TallyData } from "./tally";

/**
 * A scan worker thread: builds the same engine as the main thread from the pack spec, then scans the files it is
 * sent and posts back, part by part, each file's tally and either its encoded report records (json, csv) or the
 * evaluations the writer takes. Plain strings and small objects cross threads cheaply; hundreds of thousands of
 * evaluation objects would not (structured clone measured ~10x slower than sending the same records as text).
 */
export interface WorkerSetup {
  pack: PackSpec;
  /** Encode records in this format instead of sending evaluations. */
  encode: ReportFormat | undefined;
  accepts: "all" | "violations";
  /** A part ends once it holds this much report data (PART_CHARS; smaller in tests, to cut files in many parts). */
  partChars: number;
}

export interface FileRequest {
  seq: number;
  /** The file's place in the scan: a request naming a file already begun asks for its next part. */
  job: number;
  file: string;
}

export interface FileResult {
  seq: number;
  /** The counts of this part (the file is counted read, or failed, in its last part). */
  tally: TallyData;
  encoded?: string;
  encodedCount?: number;
  evaluations?: Evaluation[];
  /** More parts of this file follow: ask for them with the same job. */
  more: boolean;
  /** How much report data this part holds, in characters (about 256 an evaluation): what the main thread buffers. */
  size: number;
}

/**
 * A part ends once it holds about this much report data: a file's results never sit whole in memory, on either
 * side of the thread boundary, however large the file.
 */
export const PART_CHARS = 4 * 1024 * 1024;
const EVALUATION_CHARS = 256;

function start(setup: WorkerSetup): void {
  const port = parentPort;
  if (!port) throw new Error("lib/scan/worker.js must run as a worker thread");
  const { engine } = loadPackWithExtensions(setup.pack);
  const adapters = resourceAdapters();
  const encoder = setup.encode ? recordEncoder(setup.encode) : undefined;

  async function* parts(file: string): AsyncGenerator<Omit<FileResult, "seq">, void, undefined> {
    const tally = new ScanTally();
    let encoded: string[] = [];
    let evaluations: Evaluation[] = [];
    let size = 0;
    const emit = encoder
      ? (e: Evaluation) => {
          const record = encoder.encode(e);
          encoded.push(record);
          size += record.length;
        }
      : (e: Evaluation) => {
          if (
            setup.accepts === "all" ||
            e.compliance === "NON_COMPLIANT" ||
            e.compliance === "EXEMPT" ||
            e.compliance === "UNKNOWN"
          ) {
            evaluations.push(e);
            size += EVALUATION_CHARS;
          }
        };
    const cut = (more: boolean): Omit<FileResult, "seq"> => {
      const part: Omit<FileResult, "seq"> = encoder
        ? { tally: tally.take(), encoded: encoded.join(encoder.separator), encodedCount: encoded.length, more, size }
        : { tally: tally.take(), evaluations, more, size };
      encoded = [];
      evaluations = [];
      size = 0;
      return part;
    };
    // A full part is sent once the next batch shows the file goes on; the file's last part carries its count.
    const batches = scanFile(file, engine, adapters, tally, emit);
    let full: Omit<FileResult, "seq"> | undefined;
    while (!(await batches.next()).done) {
      if (full) yield full;
      full = size >= setup.partChars ? cut(true) : undefined;
    }
    const last = cut(false);
    if (full && last.size === 0) {
      const counts = new ScanTally();
      counts.merge(full.tally);
      counts.merge(last.tally);
      yield { ...full, tally: counts.data, more: false };
    } else {
      if (full) yield full;
      yield last;
    }
  }

  // Requests are served one at a time, in the order sent; a file's reader stays open between its parts (a worker
  // has at most the few files the main thread has in flight open at once).
  const open = new Map<number, AsyncGenerator<Omit<FileResult, "seq">, void, undefined>>();
  let queue = Promise.resolve();
  port.on("message", (req: FileRequest) => {
    queue = queue.then(async () => {
      let job = open.get(req.job);
      if (!job) open.set(req.job, (job = parts(req.file)));
      const next = await job.next();
      if (next.done || !next.value.more) open.delete(req.job);
      const part = next.done ? { tally: new ScanTally().data, more: false, size: 0 } : next.value;
      port.postMessage({ seq: req.seq, ...part } satisfies FileResult);
    });
  });
}

if (parentPort) start(workerData as WorkerSetup);
