import { resourceFromConfigItem } from "./resources/adapter";
import { ConfigItemError, toConfigItem } from "./resources/config-item";
import { resourceAdapters } from "./resources/registry";
import { listItemFiles, readItemFile, InputFileError, type ItemFile } from "./sources/config-files";
import type { Compliance, Engine, Evaluation } from "./engine/evaluate";
import type { InputProblem, PolicyInfo, ReportWriter, ScanSummary } from "./report/types";
import { SEVERITIES, resourceTypesOf, type Severity } from "./policy/types";
import { isObject } from "./util/json";
import { VERSION } from "./version";

export interface ScanProgress {
  filesDone: number;
  filesTotal: number;
  bytes: number;
  items: number;
}

export interface ScanOptions {
  inputs: string[];
  engine: Engine;
  writer: ReportWriter;
  onProgress?: (p: ScanProgress) => void;
}

function emptyCounts(): Record<Compliance, number> {
  return { COMPLIANT: 0, NON_COMPLIANT: 0, NOT_APPLICABLE: 0, EXEMPT: 0 };
}

/**
 * Scans Config snapshot / API output files: one file at a time (memory does not grow with the number of files),
 * every item normalised by its adapter and judged by every policy of its type, every verdict streamed to the
 * writer. A file or item that cannot be read is reported with its place and skipped; the rest is still scanned.
 */
export async function scanConfigFiles(opts: ScanOptions): Promise<ScanSummary> {
  const started = Date.now();
  const { engine, writer } = opts;
  const adapters = resourceAdapters();
  const problems: InputProblem[] = [];
  const byCompliance = emptyCounts();
  const byPolicy: Record<string, Record<Compliance, number>> = {};
  const violationsBySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const violationsByAccount: Record<string, number> = {};
  const notCovered: Record<string, number> = {};
  /** Where each uncovered type was first seen: one warning per type for the whole scan, not one per file. */
  const notCoveredFirst = new Map<string, { file: string; pointer: string }>();
  let filesRead = 0;
  let filesFailed = 0;
  let itemsRead = 0;
  let evaluated = 0;
  let deleted = 0;
  let evaluations = 0;
  let expiredExemptions = 0;
  let bytes = 0;
  for (const p of engine.policies) byPolicy[p.policy.id] = emptyCounts();

  const record = (e: Evaluation) => {
    evaluations++;
    byCompliance[e.compliance]++;
    (byPolicy[e.policyId] as Record<Compliance, number>)[e.compliance]++;
    if (e.compliance === "NON_COMPLIANT") {
      violationsBySeverity[e.severity]++;
      violationsByAccount[e.accountId] = (violationsByAccount[e.accountId] ?? 0) + 1;
      if (e.exemption && !e.exemption.active) expiredExemptions++;
    }
    writer.add(e);
  };

  let files: string[];
  try {
    files = await listItemFiles(opts.inputs);
  } catch (e) {
    if (!(e instanceof InputFileError)) throw e;
    problems.push({ level: "error", file: e.file, message: e.message });
    files = [];
  }

  // Read the next file while the current one is evaluated: I/O and gunzip overlap with evaluation.
  let next: Promise<ItemFile | InputFileError> | undefined = files[0] ? readOrError(files[0]) : undefined;
  for (let i = 0; i < files.length; i++) {
    const current = await (next as Promise<ItemFile | InputFileError>);
    next = files[i + 1] ? readOrError(files[i + 1] as string) : undefined;
    if (current instanceof InputFileError) {
      filesFailed++;
      problems.push({ level: "error", file: current.file, message: current.message });
      continue;
    }
    filesRead++;
    bytes += current.bytes;
    for (const e of current.itemErrors) {
      problems.push({
        level: "error",
        file: current.file,
        pointer: `${current.listPointer}/${e.index}`,
        message: e.message,
      });
    }
    const items = current.items;
    for (let index = 0; index < items.length; index++) {
      const raw = items[index];
      if (raw === undefined) continue;
      itemsRead++;
      let item;
      try {
        item = toConfigItem(withInferredType(raw, adapters));
      } catch (e) {
        const where = e instanceof ConfigItemError ? e.path : "";
        problems.push({
          level: "error",
          file: current.file,
          pointer: `${current.listPointer}/${index}${where}`,
          message: (e as Error).message,
        });
        continue;
      }
      const adapter = adapters.get(item.resourceType);
      if (!adapter || !engine.coversType(item.resourceType)) {
        notCovered[item.resourceType] = (notCovered[item.resourceType] ?? 0) + 1;
        if (!notCoveredFirst.has(item.resourceType)) {
          notCoveredFirst.set(item.resourceType, { file: current.file, pointer: `${current.listPointer}/${index}` });
        }
        continue;
      }
      let resource;
      try {
        resource = resourceFromConfigItem(adapter, item);
      } catch (e) {
        problems.push({
          level: "error",
          file: current.file,
          pointer: `${current.listPointer}/${index}`,
          message: `${item.resourceType} ${item.resourceId}: ${(e as Error).message}`,
        });
        continue;
      }
      evaluated++;
      if (resource.deleted) deleted++;
      const source = { file: current.file, pointer: `${current.listPointer}/${index}` };
      for (const e of engine.evaluate(resource)) {
        e.source = source;
        record(e);
      }
      if (writer.ready && evaluated % 2048 === 0) await writer.ready();
    }
    opts.onProgress?.({ filesDone: i + 1, filesTotal: files.length, bytes, items: itemsRead });
  }

  for (const [type, first] of notCoveredFirst) {
    const n = notCovered[type] ?? 0;
    problems.push({
      level: "warning",
      ...first,
      message: `${type}: no policy covers this type; ${n} item${n === 1 ? "" : "s"} not evaluated (first one here)`,
    });
  }

  const policies: PolicyInfo[] = engine.policies.map((p) => ({
    id: p.policy.id,
    title: p.policy.title,
    severity: p.policy.severity,
    subject: "cloudtrail" in p.policy.subject ? ["CloudTrail"] : resourceTypesOf(p.policy),
    ...(p.policy.frameworks ? { frameworks: p.policy.frameworks } : {}),
    file: p.file,
  }));

  const summary: ScanSummary = {
    tool: { name: "guardrail", version: VERSION },
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    inputs: opts.inputs,
    policies,
    files: { read: filesRead, failed: filesFailed },
    items: { read: itemsRead, evaluated, deleted, notCovered },
    evaluations,
    byCompliance,
    violationsBySeverity,
    byPolicy,
    violationsByAccount,
    expiredExemptions,
    problems,
  };
  await writer.finish(summary);
  return summary;
}

function readOrError(file: string): Promise<ItemFile | InputFileError> {
  return readItemFile(file).catch((e: unknown) => {
    if (e instanceof InputFileError) return e;
    return new InputFileError(file, (e as Error).message);
  });
}

/**
 * SelectResourceConfig returns only the selected fields; a query that did not select `resourceType` still
 * identifies the resource by its resourceId (an ARN for API Gateway stages), which the adapters recognise.
 */
function withInferredType(raw: unknown, adapters: ReturnType<typeof resourceAdapters>): unknown {
  if (!isObject(raw) || typeof raw.resourceType === "string" || typeof raw.resourceId !== "string") return raw;
  const id = raw.resourceId;
  for (const a of adapters.values()) {
    if (a.resourceIdPattern?.test(id)) {
      const region = /^arn:aws[\w-]*:[\w-]+:([a-z0-9-]*):(\d{12})?/.exec(id);
      return {
        ...raw,
        resourceType: a.type,
        ...(raw.awsRegion === undefined && region?.[1] ? { awsRegion: region[1] } : {}),
        ...(raw.accountId === undefined && raw.awsAccountId === undefined && region?.[2]
          ? { accountId: region[2] }
          : {}),
      };
    }
  }
  return raw;
}
