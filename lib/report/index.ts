import { createCsvWriter, csvRecordEncoder } from "./csv";
import { createHtmlWriter } from "./html";
import { createMarkdownWriter } from "./markdown";
import { createAsffWriter } from "./asff";
import { createOcsfWriter } from "./ocsf";
import { createJsonWriter, jsonRecordEncoder } from "./json";
import { createJunitWriter } from "./junit";
import { createSarifWriter } from "./sarif";
import { createTableWriter } from "./table";
import { REPORT_FORMATS, type RecordEncoder, type ReportFormat, type ReportOptions, type ReportWriter } from "./types";

export type {
  InputProblem,
  PolicyInfo,
  RecordEncoder,
  ReportFormat,
  ReportOptions,
  ReportWriter,
  ScanSummary,
} from "./types";
export { REPORT_FORMATS } from "./types";

const WRITERS: Record<ReportFormat, (opts: ReportOptions) => ReportWriter> = {
  table: createTableWriter,
  json: createJsonWriter,
  csv: createCsvWriter,
  sarif: createSarifWriter,
  junit: createJunitWriter,
  html: createHtmlWriter,
  md: createMarkdownWriter,
  asff: createAsffWriter,
  ocsf: createOcsfWriter,
};

/** The writer of one report format; throws on a name that is not a format (the CLI validates first). */
export function createReportWriter(format: ReportFormat, opts: ReportOptions): ReportWriter {
  const factory = Object.hasOwn(WRITERS, format) ? WRITERS[format] : undefined;
  if (!factory) throw new Error(`unknown report format "${String(format)}" (one of ${REPORT_FORMATS.join(", ")})`);
  return factory(opts);
}

const ENCODERS: Partial<Record<ReportFormat, RecordEncoder>> = { json: jsonRecordEncoder, csv: csvRecordEncoder };

/** The per-evaluation encoder of a streaming format (json, csv), for scan workers; undefined for the others. */
export function recordEncoder(format: ReportFormat): RecordEncoder | undefined {
  return Object.hasOwn(ENCODERS, format) ? ENCODERS[format] : undefined;
}
