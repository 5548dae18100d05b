import { parentPort, workerData } from "node:worker_threads";
import type { AnyEvaluation as Evaluation } from "../engine/evaluate";
import type { PackSpec } from "../pack";
import { loadPackWithExtensions } from "../pack/load";
import { recordEncoder } from "../report";
import type { ReportFormat } from "../report/types";
import { resourceAdapters } from "../resources/registry";
import { InputFileError, readItemFileOrError, type ItemFile } from "../sources/config-files";
import { scanItemFile } from "./file";
import { ScanTally, type TallyData } from "./tally";

/**
 * A scan worker thread: builds the same engine as the main thread from the pack spec, then scans the files it is
 * sent, one at a time, and posts back the file's tally and either its encoded report records (json, csv) or the
 * evaluations the writer takes. Plain strings and small objects cross threads cheaply; hundreds of thousands of
 * evaluation objects would not (structured clone measured ~10x slower than sending the same records as text).
 */
export interface WorkerSetup {
  pack: PackSpec;
  /** Encode records in this format instead of sending evaluations. */
  encode: ReportFormat | undefined;
  accepts: "all" | "violations";
}

export interface FileRequest {
  seq: number;
  file: string;
}

export interface FileResult {
  seq: number;
  tally?: TallyData;
  failure?: { file: string; message: string };
  encoded?: string;
  encodedCount?: number;
  evaluations?: Evaluation[];
}

function start(setup: WorkerSetup): void {
  const port = parentPort;
  if (!port) throw new Error("lib/scan/worker.js must run as a worker thread");
  const { engine } = loadPackWithExtensions(setup.pack);
  const adapters = resourceAdapters();
  const encoder = setup.encode ? recordEncoder(setup.encode) : undefined;
  let queue = Promise.resolve();

  const scan = (seq: number, read: ItemFile | InputFileError): FileResult => {
    if (read instanceof InputFileError) return { seq, failure: { file: read.file, message: read.message } };
    const tally = new ScanTally();
    const parts: string[] = [];
    const evaluations: Evaluation[] = [];
    const emit = encoder
      ? (e: Evaluation) => void parts.push(encoder.encode(e))
      : setup.accepts === "violations"
        ? (e: Evaluation) =>
            void (
              (e.compliance === "NON_COMPLIANT" || e.compliance === "EXEMPT" || e.compliance === "UNKNOWN") &&
              evaluations.push(e)
            )
        : (e: Evaluation) => void evaluations.push(e);
    scanItemFile(read, engine, adapters, tally, emit);
    return encoder
      ? { seq, tally: tally.data, encoded: parts.join(encoder.separator), encodedCount: parts.length }
      : { seq, tally: tally.data, evaluations };
  };

  // One file at a time, in the order sent: results come back in order, and a worker holds one parsed file at a
  // time (reading the next one early was measured slower: two parsed files in memory double the GC work).
  port.on("message", (req: FileRequest) => {
    queue = queue.then(async () => port.postMessage(scan(req.seq, await readItemFileOrError(req.file))));
  });
}

if (parentPort) start(workerData as WorkerSetup);
