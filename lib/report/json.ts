import type { AnyEvaluation as Evaluation } from "../engine/evaluate";
import { frameworks } from "../policy/frameworks";
import { Sink } from "./common";
import { complianceView } from "./compliance";
import type { RecordEncoder, ReportOptions, ReportWriter, ScanSummary } from "./types";

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
    unknown: e.unknown,
  };
}

/**
 * One JSON document, `{"results":[...],"tool":{...},"summary":{...},"frameworks":[...],"problems":[...]}`. The
 * results are streamed as they arrive (one per line), so memory stays flat however many there are; the summary,
 * known only at the end, comes after them. The summary is the ScanSummary without `tool` and `problems`, which are
 * top-level keys; `frameworks` is the compliance view (./compliance.ts): each framework's controls and their status.
 */
export const jsonRecordEncoder: RecordEncoder = { encode: encodeJsonRecord, separator: ",\n" };

/**
 * `JSON.stringify(e)`, byte for byte, but the part that describes the resource (identity and source, the same for
 * every policy judging it) is encoded once per resource: evaluations of one resource arrive together and share
 * their `source` object. Encoding is a third of a large scan's work otherwise.
 */
function encodeJsonRecord(e: Evaluation): string {
  let head = `{"policyId":${JSON.stringify(e.policyId)},"severity":${JSON.stringify(e.severity)},"compliance":"${e.compliance}"`;
  if (e.annotation !== undefined) head += `,"annotation":${JSON.stringify(e.annotation)}`;
  const exemption = e.exemption === undefined ? "" : `,"exemption":${JSON.stringify(e.exemption)}`;
  // Template verdicts only: which unknown an UNKNOWN depends on, and the document property the verdict is about.
  const unknown = e.unknown === undefined ? "" : `,"unknown":${JSON.stringify(e.unknown)}`;
  const at = e.documentPointer === undefined ? "" : `,"documentPointer":${JSON.stringify(e.documentPointer)}`;
  return head + resourcePart(e) + exemption + sourcePart(e) + unknown + at + "}";
}

let lastResource: { source: object; type: string; id: string; text: string } | undefined;

function resourcePart(e: Evaluation): string {
  const cached = lastResource;
  if (
    cached &&
    e.source &&
    cached.source === e.source &&
    cached.type === e.resourceType &&
    cached.id === e.resourceId
  ) {
    return cached.text;
  }
  let text = `,"resourceType":${JSON.stringify(e.resourceType)},"resourceId":${JSON.stringify(e.resourceId)}`;
  if (e.resourceName !== undefined) text += `,"resourceName":${JSON.stringify(e.resourceName)}`;
  if (e.arn !== undefined) text += `,"arn":${JSON.stringify(e.arn)}`;
  text += `,"accountId":${JSON.stringify(e.accountId)},"region":${JSON.stringify(e.region)}`;
  if (e.source) lastResource = { source: e.source, type: e.resourceType, id: e.resourceId, text };
  return text;
}

let lastSource: { source: object; text: string } | undefined;

function sourcePart(e: Evaluation): string {
  if (e.source === undefined) return "";
  if (lastSource?.source === e.source) return lastSource.text;
  const text = `,"source":${JSON.stringify(e.source)}`;
  lastSource = { source: e.source, text };
  return text;
}

export function createJsonWriter(opts: ReportOptions): ReportWriter {
  const sink = new Sink(opts.out);
  let count = 0;
  return {
    add(e) {
      sink.push((count === 0 ? '{"results":[\n' : ",\n") + jsonRecordEncoder.encode(e));
      count++;
    },
    addEncoded(records, n) {
      if (n === 0) return;
      sink.push((count === 0 ? '{"results":[\n' : ",\n") + records);
      count += n;
    },
    ready: () => sink.write(""),
    async finish(summary: ScanSummary) {
      const { tool, problems, ...rest } = summary;
      const head = count === 0 ? '{"results":[' : "\n";
      await sink.write(
        `${head}],\n"tool":${JSON.stringify(tool)},\n"summary":${JSON.stringify(rest)},\n"frameworks":${JSON.stringify(complianceView(summary, frameworks()))},\n"problems":${JSON.stringify(problems)}}\n`,
      );
      await sink.end();
    },
  };
}
