import type { AnyEvaluation as Evaluation, Compliance } from "../engine/evaluate";

/** Evaluations per verdict. UNKNOWN comes only from template scans; a snapshot scan's summary may leave it out. */
export type VerdictCounts = Record<Compliance, number> & { UNKNOWN?: number };
import type { Severity } from "../policy/types";

export type ReportFormat = "table" | "json" | "csv" | "sarif" | "junit" | "html" | "asff" | "ocsf" | "md";
export const REPORT_FORMATS: readonly ReportFormat[] = [
  "table",
  "json",
  "csv",
  "sarif",
  "junit",
  "html",
  "asff",
  "ocsf",
  "md",
];

/** A problem with the input (not a policy verdict): a file that could not be read, an item that is not a CI, ... */
export interface InputProblem {
  level: "error" | "warning";
  file: string;
  /** JSON pointer inside the file, when the problem is one item. */
  pointer?: string;
  message: string;
}

export interface PolicyInfo {
  id: string;
  title: string;
  severity: Severity;
  subject: string[];
  frameworks?: Record<string, string[]>;
  file: string;
}

/** Everything a report needs besides the evaluations themselves. */
export interface ScanSummary {
  tool: { name: "guardrail"; version: string };
  startedAt: string;
  durationMs: number;
  /** The files or directories scanned, as given. */
  inputs: string[];
  policies: PolicyInfo[];
  files: { read: number; failed: number };
  items: { read: number; evaluated: number; deleted: number; notCovered: Record<string, number> };
  evaluations: number;
  byCompliance: VerdictCounts;
  /** NON_COMPLIANT evaluations per severity. */
  violationsBySeverity: Record<Severity, number>;
  byPolicy: Record<string, VerdictCounts>;
  /** NON_COMPLIANT per account. */
  violationsByAccount: Record<string, number>;
  expiredExemptions: number;
  problems: InputProblem[];
}

/**
 * A report writer. Scans stream evaluations into `add` (one per policy and resource, possibly hundreds of
 * thousands), so a formatter keeps only what it must: the JSON and CSV writers stream, the table, SARIF, JUnit
 * and HTML writers keep what they display.
 */
export interface ReportWriter {
  add(evaluation: Evaluation): void;
  /**
   * Streaming writers: resolves once the output has taken what was added so far. Scans await it every few
   * thousand evaluations, so a slow disk or pipe holds the scan back instead of the report piling up in memory.
   */
  ready?(): Promise<void>;
  /**
   * Which evaluations `add` needs: "violations" (NON_COMPLIANT and EXEMPT only) lets a parallel scan send the
   * main thread a fraction of them. Default "all".
   */
  readonly accepts?: "all" | "violations";
  /**
   * Streaming formats: evaluations already encoded by this format's `RecordEncoder` (in a scan worker), joined
   * with its separator, in scan order; `count` is how many records the text holds.
   */
  addEncoded?(records: string, count: number): void;
  /** Writes the rest of the report; resolves once everything is flushed. */
  finish(summary: ScanSummary): Promise<void>;
}

export interface ReportOptions {
  /** Where the report goes. */
  out: NodeJS.WritableStream;
  /** Colours and terminal widths (table format only). */
  color: boolean;
}

/** A streaming format's per-evaluation record: a pure function, so scan workers can encode in parallel. */
export interface RecordEncoder {
  encode(e: Evaluation): string;
  /** Text between two records. */
  separator: string;
}
