import type { Evaluation } from "../engine/evaluate";
import { Sink } from "./common";
import type { ReportOptions, ReportWriter, ScanSummary } from "./types";

/**
 * One `results` entry: the evaluation's fields in a fixed order, absent optional fields left out, without where
 * it was read from. (The streamed JSON report writes evaluations as they are, `source` included: the engine
 * builds them with this same field order.)
 */
export function jsonResult(e: Evaluation): Record<string, unknown> {
  return {
    policyId: e.policyId,
    severity: e.severity,
    compliance: e.compliance,
    annotation: e.annotation,
    resourceType: e.resourceType,
    resourceId: e.resourceId,
    resourceName: e.resourceName,
    arn: e.arn,
    accountId: e.accountId,
    region: e.region,
    exemption: e.exemption,
  };
}

/**
 * One JSON document, `{"results":[...],"tool":{...},"summary":{...},"problems":[...]}`. The results are streamed
 * as they arrive (one per line), so memory stays flat however many there are; the summary, known only at the end,
 * comes after them. The summary is the ScanSummary without `tool` and `problems`, which are top-level keys.
 */
export function createJsonWriter(opts: ReportOptions): ReportWriter {
  const sink = new Sink(opts.out);
  let count = 0;
  return {
    add(e) {
      sink.push((count === 0 ? '{"results":[\n' : ",\n") + JSON.stringify(e));
      count++;
    },
    ready: () => sink.write(""),
    async finish(summary: ScanSummary) {
      const { tool, problems, ...rest } = summary;
      const head = count === 0 ? '{"results":[' : "\n";
      await sink.write(
        `${head}],\n"tool":${JSON.stringify(tool)},\n"summary":${JSON.stringify(rest)},\n"problems":${JSON.stringify(problems)}}\n`,
      );
      await sink.end();
    },
  };
}
