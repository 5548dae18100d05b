import { parentPort, workerData } from "node:worker_threads";
import { movableBuffers } from "../util/thread";
import { loadPack, type PackSpec } from "../pack";
import { resourceAdapters } from "../resources/registry";
import { FileReader, readTrailFile } from "./read";
import type { ActorKind, AuditEvent } from "./facts";
import type { AuditFilters, FileFacts } from "./model";
import { readRecordFiles } from "./record-files";
import type { TrailFile } from "./source";

/**
 * An audit worker thread: builds the engine from the pack spec, then reads the files it is sent (a local path it
 * reads itself, or the compressed bytes fetched from S3, transferred, not copied) one at a time and posts back
 * their facts: the counted ids as typed arrays and the events as UTF-8 JSON, both transferred (one buffer crosses
 * threads far cheaper than thousands of small objects through structured clone, or a long string copied).
 */
export interface AuditWorkerSetup {
  pack: PackSpec;
  ciRoles?: string;
  strict?: boolean;
  /** Filters of the remediation records (recordInFilters). */
  filters?: AuditFilters;
}

/** A batch of local remediation record files to read and slim (records.ts readRecordFiles). */
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
  facts?: PackedFacts;
  failure?: string;
}

/** FileFacts for the trip between threads: the events packed (packEvents) as UTF-8 JSON bytes, transferred. */
export type PackedFacts = Omit<FileFacts, "events"> & { events: Uint8Array };

export function packFacts(seq: number, f: FileFacts): AuditFileResult {
  return { seq, facts: { ...f, events: Buffer.from(JSON.stringify(packEvents(f.events))) } };
}

export function unpackFacts(p: PackedFacts): FileFacts {
  const text = Buffer.from(p.events.buffer, p.events.byteOffset, p.events.byteLength).toString("utf8");
  return { ...p, events: unpackEvents(JSON.parse(text) as PackedEvents) };
}

/**
 * A file's events as a table: the strings that repeat (accounts, principals, resources, annotations) once in
 * `strings`, each event a row of indexes. A file's events share a few principals and resources, so the table is
 * ~4x smaller than the events' JSON and parses into far fewer strings on the receiving thread.
 */
interface PackedEvents {
  strings: string[];
  /** [eventID, eventTime, account, region, service, eventName, principal, actor, ip, flags, errorCode or -1, resources, violations as [policyId, severity, annotation]] */ // prettier-ignore
  rows: [string, string, number, number, number, number, number, number, number, number, number, number[], number[][]][]; // prettier-ignore
}

const MUTATING = 1;
const DENIED = 2;

export function packEvents(events: readonly AuditEvent[]): PackedEvents {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const at = (v: string): number => {
    let i = index.get(v);
    if (i === undefined) {
      i = strings.push(v) - 1;
      index.set(v, i);
    }
    return i;
  };
  const rows = events.map((e): PackedEvents["rows"][number] => [
    e.eventID,
    e.eventTime,
    at(e.accountId),
    at(e.region),
    at(e.service),
    at(e.eventName),
    at(e.principal),
    at(e.actor),
    at(e.sourceIPAddress),
    (e.mutating ? MUTATING : 0) | (e.denied ? DENIED : 0),
    e.errorCode === undefined ? -1 : at(e.errorCode),
    e.resources.map(at),
    e.violations.map((v) => [at(v.policyId), at(v.severity), at(v.annotation)]),
  ]);
  return { strings, rows };
}

export function unpackEvents(p: PackedEvents): AuditEvent[] {
  const s = (i: number) => p.strings[i] as string;
  return p.rows.map(
    ([
      eventID,
      eventTime,
      account,
      region,
      service,
      name,
      principal,
      actor,
      ip,
      flags,
      error,
      resources,
      violations,
    ]) => ({
      // prettier-ignore
      eventID,
      eventTime,
      accountId: s(account),
      region: s(region),
      service: s(service),
      eventName: s(name),
      principal: s(principal),
      actor: s(actor) as ActorKind,
      sourceIPAddress: s(ip),
      mutating: (flags & MUTATING) !== 0,
      ...(error >= 0 ? { errorCode: s(error) } : {}),
      denied: (flags & DENIED) !== 0,
      resources: resources.map(s),
      violations: violations.map(([policyId, severity, annotation]) => ({
        policyId: s(policyId as number),
        severity: s(severity as number),
        annotation: s(annotation as number),
      })),
    }),
  );
}

/** The buffers of a result that move to the other thread rather than being copied. */
export function transferList(r: AuditFileResult): ArrayBuffer[] {
  if (!r.facts) return [];
  return movableBuffers(r.facts.readOnly.keys, r.facts.mutating.keys, r.facts.events);
}

function start(setup: AuditWorkerSetup): void {
  const reader = new FileReader();
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
  port.on("message", (req: AuditFileRequest | AuditRecordsRequest) => {
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
      const r = packFacts(req.seq, readTrailFile(req.file, data, opts));
      port.postMessage(r, transferList(r));
    } catch (e) {
      port.postMessage({ seq: req.seq, failure: (e as Error).message } satisfies AuditFileResult);
    }
  });
}

if (parentPort) start(workerData as AuditWorkerSetup);
