import type { AnyEvaluation as Evaluation } from "../engine/evaluate";
import { Sink } from "./common";
import type { RecordEncoder, ReportOptions, ReportWriter } from "./types";

export const CSV_COLUMNS = [
  "policy_id",
  "severity",
  "compliance",
  "resource_type",
  "resource_id",
  "resource_name",
  "arn",
  "account_id",
  "region",
  "annotation",
  "exemption_source",
  "exemption_active",
  "exemption_expires",
  "exemption_owner",
  "exemption_justification",
] as const;

/**
 * Spreadsheets run a cell that starts with = + - @ (or a tab or CR, which some strip first) as a formula; resource
 * names, tags and annotations are user data, so such cells get a leading apostrophe, which spreadsheets hide
 * (OWASP "CSV injection").
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One RFC 4180 field: formula-guarded, then quoted when it holds a comma, a quote, CR or LF (quotes doubled). */
export function csvField(value: string | boolean | undefined): string {
  if (value === undefined) return "";
  let s = String(value);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRow(e: Evaluation): string {
  const x = e.exemption;
  return [
    e.policyId,
    e.severity,
    e.compliance,
    e.resourceType,
    e.resourceId,
    e.resourceName,
    e.arn,
    e.accountId,
    e.region,
    e.annotation,
    x?.source,
    x?.active,
    x?.expires,
    x?.owner,
    x?.justification,
  ]
    .map(csvField)
    .join(",");
}

/** RFC 4180 CSV (CRLF line ends, header row), one row per evaluation, streamed. Input problems are not included. */
export const csvRecordEncoder: RecordEncoder = { encode: (e) => csvRow(e) + "\r\n", separator: "" };

export function createCsvWriter(opts: ReportOptions): ReportWriter {
  const sink = new Sink(opts.out);
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    sink.push(CSV_COLUMNS.join(",") + "\r\n");
  };
  return {
    add(e) {
      start();
      sink.push(csvRecordEncoder.encode(e));
    },
    addEncoded(records, n) {
      start();
      if (n > 0) sink.push(records);
    },
    ready: () => sink.write(""),
    async finish() {
      start();
      await sink.end();
    },
  };
}
