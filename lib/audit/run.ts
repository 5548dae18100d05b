import type { Engine } from "../engine/evaluate";
import type { PackSpec } from "../pack";
import { resourceAdapters } from "../resources/registry";
import { VERSION } from "../util/version";
import { DEFAULT_CI_ROLE_PATTERN } from "./facts";
import { AuditAccumulator, type AuditFilters, type AuditReport, type FileFacts, type SkippedFile } from "./model";
import { AuditPool } from "./pool";
import { FileReader, readTrailFile } from "./read";
import type { LoadedRecords } from "./record-files";
import { loadRemediationRecords, localRecordFiles } from "./records";
import { fetchFile, listTrailFiles, parseLocation, type TrailFile } from "./source";
import type { AuditFileResult } from "./worker";

/**
 * `guardrail audit` without the command line: the trail's files, listed and pruned by key, sent a few ahead to the
 * worker threads; meanwhile the remediation records (their correlation ids say which changes to look for); then the
 * files' facts counted in date order. A file that cannot be read is named in the report and skipped; a record that
 * cannot be counted is named and left out, and the rest of its file is read.
 */

export interface AuditProgress {
  filesDone: number;
  filesTotal: number;
  /** Uncompressed bytes read. */
  bytes: number;
  records: number;
}

export interface AuditOptions {
  trail: string;
  records?: string;
  filters: AuditFilters;
  /** The pack the engine was built from: workers build the same one. */
  pack: PackSpec;
  /**
   * The engine, or what builds it (loading and checking the pack: ~0.05 s for the built-in one, whose validators
   * are precompiled, ~0.2-0.3 s for a pack compiled at run time). A builder is called once the first files are on
   * their way to the workers, so that the workers read while this thread checks the pack; what it throws ends the
   * audit.
   */
  engine: Engine | (() => Engine);
  workers?: number;
  /** Worker threads started beforehand (startAuditPool); closed once the files are read, as runAudit's own are. */
  pool?: AuditPool;
  strict?: boolean;
  ciRoles?: RegExp;
  dedupeWindowDays?: number;
  now?: Date;
  onProgress?: (p: AuditProgress) => void;
}

export interface AuditPoolOptions {
  pack: PackSpec;
  filters: AuditFilters;
  ciRoles?: RegExp;
  strict?: boolean;
  workers?: number;
}

/**
 * The worker threads of an audit, started as early as possible: each loads its modules and builds its engine
 * (~0.2 s) while the main thread lists the trail, and reads its first files while the main thread checks the pack.
 * Lazily compiled there: the main thread loads and checks the same pack, and a worker only ever calls the
 * CloudTrail-subject policies' validators.
 */
export function startAuditPool(o: AuditPoolOptions): AuditPool {
  const ciRoles = o.ciRoles ?? DEFAULT_CI_ROLE_PATTERN;
  return AuditPool.start(
    { pack: { ...o.pack, compile: "lazy" }, ciRoles: ciRoles.source, filters: o.filters, ...(o.strict ? { strict: true } : {}) }, // prettier-ignore
    o.workers,
  );
}

export async function runAudit(opts: AuditOptions): Promise<AuditReport> {
  const ciRoles = opts.ciRoles ?? DEFAULT_CI_ROLE_PATTERN;
  if (opts.pool) return audit(opts, ciRoles, opts.pool);
  const pool = startAuditPool(opts);
  try {
    return await audit(opts, ciRoles, pool);
  } finally {
    await pool.close();
  }
}

async function audit(opts: AuditOptions, ciRoles: RegExp, pool: AuditPool): Promise<AuditReport> {
  const location = parseLocation(opts.trail);
  const unlisted: SkippedFile[] = [];
  const files = await listTrailFiles(location, opts.filters, (s) => unlisted.push(s));
  const workers = pool.size > 0 && files.length > 1;
  let engine = typeof opts.engine === "function" ? undefined : opts.engine;
  const engineNow = (): Engine => (engine ??= (opts.engine as () => Engine)());
  // Without workers, this thread reads the files itself and needs the engine from the first one.
  const local = { engine: workers ? undefined : engineNow(), adapters: [...resourceAdapters().values()], ciRoles, strict: opts.strict }; // prettier-ignore

  /** A file's counts when a worker read it (the worker keeps its events), its facts when this thread did. */
  type Read = AuditFileResult | { seq: number; local: FileFacts };
  // Without workers, local files are read into one reused buffer, each gunzipped before the next is read.
  const reader = new FileReader();
  const readOne = async (i: number): Promise<Read> => {
    const file = files[i] as TrailFile;
    // A worker that fails answers with a rejection: a failure of this file, never an unhandled rejection (the audit
    // may be unwinding with reads still in flight).
    const failed = (e: Error): AuditFileResult => ({ seq: i, failure: `audit worker: ${e.message}` });
    // A worker reads a local file itself: this thread only sends the path.
    if (workers && location.kind === "local") return pool.read(i % pool.size, { seq: i, file }).catch(failed);
    let data: Uint8Array;
    try {
      // Without workers a local file is read synchronously: nothing else would run meanwhile, and fs.promises
      // costs several system calls and promise turns per file.
      data = location.kind === "local" ? reader.read(file.id) : await fetchFile(file);
    } catch (e) {
      return { seq: i, failure: `could not be read: ${(e as Error).message}` };
    }
    if (workers) return pool.read(i % pool.size, { seq: i, file, data }).catch(failed);
    try {
      return { seq: i, local: readTrailFile(file, data, { ...local, engine: engineNow() }) };
    } catch (e) {
      return { seq: i, failure: (e as Error).message };
    }
  };

  // Files in flight: enough to keep the workers (and the network) busy, few enough that memory does not grow with
  // the trail. A local file costs a path until read and its counts (a few KB) until counted here: 64 a worker keep
  // them reading while this thread checks the pack (up to ~0.3 s; with 8 each they sat idle ~0.1-0.3 s of it) and
  // through its pauses (the id table's growth, a batch of remediation records).
  const depth = workers && location.kind === "local" ? pool.size * 64 : Math.max(2, pool.size * 2 + 2);
  const pending: (Promise<Read> | undefined)[] = [];
  for (let i = 0; i < Math.min(depth, files.length); i++) pending[i] = readOne(i);
  // The workers have files to read: now the pack is loaded and checked here (see AuditOptions.engine).
  engineNow();

  const acc = new AuditAccumulator(opts.dedupeWindowDays !== undefined ? { dedupeWindowDays: opts.dedupeWindowDays } : {}); // prettier-ignore
  for (const s of unlisted) acc.skip(s.file, s.reason);
  // The remediation records: their correlation ids say which changes' principals to keep, and the report joins
  // them at the end. Local record files are read by the workers while the trail is, behind the files in flight
  // (each worker takes its requests in order), and each tally keeps every change's principal until it learns which
  // are wanted: a few hundred files' worth at most. Records fetched from S3, or read without workers, are waited
  // for before the files are counted, so no tally remembers changes for as long as a download takes.
  let loaded: LoadedRecords | undefined;
  const learn = (l: LoadedRecords) => {
    loaded = l;
    const ids = l.records.map((r) => r.correlationId);
    acc.want(ids);
    if (workers) pool.want(ids);
    for (const s of l.skipped) acc.skip(s.file, `remediation record: ${s.reason}`);
  };
  const recordFiles = opts.records && pool.size > 0 ? await localRecordFiles(opts.records, opts.filters) : undefined;
  const records = recordFiles ? pool.readRecords(recordFiles) : opts.records ? loadRemediationRecords(opts.records, opts.filters) : undefined; // prettier-ignore
  const recordsRead = records?.then(learn) ?? Promise.resolve(learn({ records: [], skipped: [] }));
  // Awaited after the files; a failure meanwhile must not be an unhandled rejection.
  recordsRead.catch(() => undefined);
  if (!workers || !recordFiles) await recordsRead;

  let bytes = 0;
  let recordCount = 0;
  for (let i = 0; i < files.length; i++) {
    const r = await (pending[i] as Promise<Read>);
    pending[i] = undefined;
    if (i + depth < files.length) pending[i + depth] = readOne(i + depth);
    const file = files[i] as TrailFile;
    const read = "local" in r ? r.local : r.counts;
    if (!read) {
      acc.skip(file.id, ("failure" in r ? r.failure : undefined) ?? "no result");
    } else {
      bytes += read.bytes;
      recordCount += read.records;
      if ("local" in r) acc.add(r.local);
      else if (r.counts) pool.verdict(i % pool.size, { verdict: i, duplicates: acc.addCounts(r.counts) });
    }
    opts.onProgress?.({ filesDone: i + 1, filesTotal: files.length, bytes, records: recordCount });
  }
  await recordsRead;
  if (workers) for (const t of await pool.tallies()) acc.merge(t);
  // The workers' memory goes before the report is built and rendered (the peak would be both at once).
  await pool.close();
  return acc.finish({
    trail: opts.trail,
    ...(opts.records ? { records: opts.records } : {}),
    filters: opts.filters,
    remediationRecords: loaded?.records ?? [],
    version: VERSION,
    now: opts.now ?? new Date(),
  });
}
