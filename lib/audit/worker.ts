import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from "node:worker_threads";
import { movableBuffers } from "../util/thread";
import type { PackSpec } from "../pack";
import { loadPackWithExtensions } from "../pack/load";
import { resourceAdapters } from "../resources/registry";
import { FileReader, readTrailFile } from "./read";
import { eventIdsOf, type AuditFilters, type FileCounts, type FileFacts } from "./model";
import { EventTally, type TallyEntry, type TallyState } from "./tally";
import { readRecordFiles } from "./record-files";
import type { TrailFile } from "./source";

/**
 * An audit worker thread: builds the engine from the pack spec, then reads the files it is sent (a local path it
 * reads itself, or the compressed bytes fetched from S3, transferred, not copied) one at a time and posts back
 * their counts: the ids as typed arrays (transferred) and the events' ids. The events stay here, tallied as they
 * are read (EventTally); the main thread, which deduplicates across all files, answers with the ones that are
 * duplicates, which come back out; the tally is sent once at the end. Measured on the 1 GiB bench trail: the events crossing threads and
 * counted on the main thread cost ~1 s of its 6.
 */
export interface AuditWorkerSetup {
  pack: PackSpec;
  ciRoles?: string;
  strict?: boolean;
  /** Filters of the remediation records (recordInFilters). */
  filters?: AuditFilters;
  /** The channel of the main thread's verdicts (AuditVerdictMessage), read between files (pool.ts `verdict`). */
  verdicts?: MessagePort;
}

/** A batch of local remediation record files to read and keep as the report needs them (readRecordFiles). */
export interface AuditRecordsRequest {
  seq: number;
  recordFiles: string[];
}

export interface AuditRecordsResult {
  seq: number;
  /** LoadedRecords as UTF-8 JSON, transferred. */
  loaded?: Uint8Array;
  failure?: string;
}

export interface AuditFileRequest {
  seq: number;
  file: TrailFile;
  /** The compressed bytes; absent for a local file, which the worker reads itself. */
  data?: Uint8Array;
}

export interface AuditFileResult {
  seq: number;
  counts?: FileCounts;
  failure?: string;
}

/** The remediation records' correlation ids, sent to every worker once read (one-way; pool.ts `want`). */
export interface AuditWantedMessage {
  wanted: string[];
}

/**
 * The main thread's verdict on a file's events (one-way, on the verdict channel): the ones to take out of the
 * tally, as duplicates.
 */
export interface AuditVerdictMessage {
  verdict: number;
  duplicates: number[];
}

/** At the end: the worker's tally of its files' events, duplicates taken out. */
export interface AuditTallyRequest {
  seq: number;
  tally: true;
}

export interface AuditTallyResult {
  seq: number;
  tally?: TallyState;
  failure?: string;
}

/** What the main thread needs of a file a worker read: its counts and its events' ids, not the events. */
export function countsOf(f: FileFacts): FileCounts {
  const { events, ...coverage } = f;
  return { ...coverage, ...eventIdsOf(events) };
}

/** The buffers of a result that move to the other thread rather than being copied. */
export function transferList(r: AuditFileResult): ArrayBuffer[] {
  if (!r.counts) return [];
  return movableBuffers(r.counts.readOnly.keys, r.counts.mutating.keys, r.counts.eventIds.keys, r.counts.eventKinds);
}

function start(setup: AuditWorkerSetup): void {
  const reader = new FileReader();
  const port = parentPort;
  if (!port) throw new Error("lib/audit/worker.js must run as a worker thread");
  const { engine } = loadPackWithExtensions(setup.pack);
  const adapters = [...resourceAdapters().values()];
  const opts = {
    engine,
    adapters,
    ...(setup.ciRoles ? { ciRoles: new RegExp(setup.ciRoles, "i") } : {}),
    ...(setup.strict ? { strict: true } : {}),
  };
  const tally = new EventTally();
  /**
   * What the tally needs to take each file's events back out, by seq, until its verdict (at most the files in
   * flight): tallied at once, the events are only needed again for the rare duplicates.
   */
  const held = new Map<number, TallyEntry[]>();
  let broken: string | undefined;
  const apply = (v: AuditVerdictMessage) => {
    const entries = held.get(v.verdict);
    held.delete(v.verdict);
    for (const i of v.duplicates) {
      const entry = entries?.[i];
      if (entry) tally.remove(entry);
      else broken ??= `taking duplicates out: file ${v.verdict} has no event ${i}`;
    }
  };
  /**
   * The verdicts sent so far, read without waiting: before each file, so what is held of a file's events goes as
   * soon as the main thread has counted it, and before the tally is sent (a message posted to a port is in its
   * queue at once, so every verdict posted before the tally request is read here).
   */
  const applyVerdicts = () => {
    if (!setup.verdicts) return;
    for (let m = receiveMessageOnPort(setup.verdicts); m; m = receiveMessageOnPort(setup.verdicts)) {
      apply(m.message as AuditVerdictMessage);
    }
  };
  port.on("message", (req: AuditWorkerMessage) => {
    applyVerdicts();
    if ("wanted" in req) {
      tally.want(req.wanted);
      return;
    }
    if ("tally" in req) {
      const reply: AuditTallyResult = broken
        ? { seq: req.seq, failure: broken }
        : { seq: req.seq, tally: tally.state() };
      port.postMessage(reply);
      return;
    }
    if ("recordFiles" in req) {
      try {
        const loaded = Buffer.from(JSON.stringify(readRecordFiles(req.recordFiles, setup.filters ?? {})));
        port.postMessage({ seq: req.seq, loaded } satisfies AuditRecordsResult, movableBuffers(loaded));
      } catch (e) {
        port.postMessage({ seq: req.seq, failure: (e as Error).message } satisfies AuditRecordsResult);
      }
      return;
    }
    try {
      let data = req.data;
      if (!data) {
        try {
          data = reader.read(req.file.id);
        } catch (e) {
          port.postMessage({ seq: req.seq, failure: `could not be read: ${(e as Error).message}` });
          return;
        }
      }
      const facts = readTrailFile(req.file, data, opts);
      const r: AuditFileResult = { seq: req.seq, counts: countsOf(facts) };
      const entries = facts.events.map((e) => tally.add(e));
      if (entries.length > 0) held.set(req.seq, entries);
      port.postMessage(r, transferList(r));
    } catch (e) {
      port.postMessage({ seq: req.seq, failure: (e as Error).message } satisfies AuditFileResult);
    }
  });
}

export type AuditWorkerMessage = AuditFileRequest | AuditRecordsRequest | AuditWantedMessage | AuditTallyRequest;

if (parentPort) start(workerData as AuditWorkerSetup);
