import { parentPort, workerData } from "node:worker_threads";
import { loadPack, type PackSpec } from "../pack";
import { resourceAdapters } from "../resources/registry";
import { readTrailFile } from "./read";
import type { FileFacts } from "./model";
import type { TrailFile } from "./source";

/**
 * An audit worker thread: builds the engine from the pack spec, then reads the files it is sent (their
 * compressed bytes, transferred, not copied) one at a time and posts back their facts: the counted ids as typed
 * arrays (transferred), the events as one JSON string (one string crosses threads far cheaper than thousands of
 * small objects through structured clone).
 */
export interface AuditWorkerSetup {
  pack: PackSpec;
  ciRoles?: string;
  strict?: boolean;
}

export interface AuditFileRequest {
  seq: number;
  file: TrailFile;
  data: Uint8Array;
}

export interface AuditFileResult {
  seq: number;
  facts?: PackedFacts;
  failure?: string;
}

/** FileFacts for the trip between threads: the events as one JSON string, the id keys transferred. */
export type PackedFacts = Omit<FileFacts, "events"> & { events: string };

export function packFacts(seq: number, f: FileFacts): AuditFileResult {
  return { seq, facts: { ...f, events: JSON.stringify(f.events) } };
}

export function unpackFacts(p: PackedFacts): FileFacts {
  return { ...p, events: JSON.parse(p.events) as FileFacts["events"] };
}

function start(setup: AuditWorkerSetup): void {
  const port = parentPort;
  if (!port) throw new Error("lib/audit/worker.js must run as a worker thread");
  const { engine } = loadPack(setup.pack);
  const adapters = [...resourceAdapters().values()];
  const opts = {
    engine,
    adapters,
    ...(setup.ciRoles ? { ciRoles: new RegExp(setup.ciRoles, "i") } : {}),
    ...(setup.strict ? { strict: true } : {}),
  };
  port.on("message", (req: AuditFileRequest) => {
    try {
      const r = packFacts(req.seq, readTrailFile(req.file, req.data, opts));
      const transfer = r.facts ? [r.facts.readOnly.keys.buffer, r.facts.mutating.keys.buffer] : [];
      port.postMessage(r, transfer as ArrayBuffer[]);
    } catch (e) {
      port.postMessage({ seq: req.seq, failure: (e as Error).message } satisfies AuditFileResult);
    }
  });
}

if (parentPort) start(workerData as AuditWorkerSetup);
