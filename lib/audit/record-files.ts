import type { RemediationRecord } from "../remediation/worker/record";
import { isObject } from "../util/json";
import { FileReader } from "./read";
import { auditRemediation, recordInFilters, type AuditFilters, type AuditRemediation, type SkippedFile } from "./model";

/**
 * Remediation record files read from the local disk, parsed and kept as the report needs them (AuditRemediation):
 * what the audit's worker threads run (lib/audit/worker.ts), so this module imports no AWS SDK client (each thread
 * would load them all, ~30 MB).
 * Listing and the audit bucket are in ./records.ts.
 */

/** A remediation record, or the reason the text is not one. */
export function parseRemediationRecord(text: string): RemediationRecord | string {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return `invalid JSON: ${(e as Error).message}`;
  }
  if (!isObject(doc) || doc.recordVersion !== 1) return "not a remediation record (recordVersion 1)";
  for (const k of ["recordId", "correlationId", "outcome", "status"] as const) {
    if (typeof doc[k] !== "string") return `/${k}: missing or not a string`;
  }
  if (!isObject(doc.policy) || typeof doc.policy.id !== "string") return "/policy/id: missing";
  if (!isObject(doc.timings) || typeof doc.timings.changedAt !== "string") return "/timings/changedAt: missing";
  if (!isObject(doc.request)) return "/request: missing or not an object";
  if (!isObject(doc.cause)) return "/cause: missing or not an object";
  return doc as unknown as RemediationRecord;
}

export interface LoadedRecords {
  /** What the report keeps of each record the filters keep (model.ts AuditRemediation). */
  records: AuditRemediation[];
  skipped: SkippedFile[];
}

/**
 * Reads and keeps local record files, synchronously: thousands of small files, measured several times faster
 * than the same reads through the libuv thread pool, and into one reused buffer (readFileSync's fresh buffer per
 * file measured ~1.4x slower). Runs on the audit's worker threads (lib/audit/worker.ts), so the full records'
 * garbage never reaches the main thread, or here when there are none.
 */
export function readRecordFiles(paths: readonly string[], filters: AuditFilters): LoadedRecords {
  const out: LoadedRecords = { records: [], skipped: [] };
  const reader = new FileReader();
  for (const p of paths) keepRecord(out, p, () => reader.read(p).toString("utf8"), filters);
  return out;
}

/**
 * One record file into `out`: kept (AuditRemediation) if the filters keep it, or named with the reason it is not a
 * record. A record is judged whole or skipped whole: whatever goes wrong reading, parsing or keeping it names the
 * file.
 */
export function keepRecord(out: LoadedRecords, file: string, text: () => string, filters: AuditFilters): void {
  try {
    const parsed = parseRemediationRecord(text());
    if (typeof parsed === "string") out.skipped.push({ file, reason: parsed });
    else if (recordInFilters(parsed, filters)) out.records.push(auditRemediation(parsed));
  } catch (e) {
    out.skipped.push({ file, reason: `could not be read: ${(e as Error).message}` });
  }
}
