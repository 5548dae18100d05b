import type { Evaluation } from "../../lib/engine/evaluate";
import type { ReportWriter, ScanSummary } from "../../lib/report/types";

/** A report writer that keeps everything, for assertions. */
export class CollectingWriter implements ReportWriter {
  readonly evaluations: Evaluation[] = [];
  summary?: ScanSummary;
  add(e: Evaluation): void {
    this.evaluations.push(e);
  }
  async finish(s: ScanSummary): Promise<void> {
    this.summary = s;
  }
}
