import type { AnyEvaluation as Evaluation, Verdict } from "../engine/evaluate";
import type { Engine } from "../engine/evaluate";
import type { InputProblem, ScanSummary } from "../report/types";
import { resourceTypesOf, SEVERITIES, type Severity } from "../policy/types";
import { VERSION } from "../util/version";
import { notCoveredWarning } from "../report/table";

function emptyCounts(): Record<Verdict, number> {
  return { COMPLIANT: 0, NON_COMPLIANT: 0, NOT_APPLICABLE: 0, EXEMPT: 0, UNKNOWN: 0 };
}

/**
 * The counts a scan report needs. Plain data, so a scan worker's tally for one file crosses to the main thread
 * and is merged there.
 */
export interface TallyData {
  filesRead: number;
  filesFailed: number;
  bytes: number;
  itemsRead: number;
  evaluated: number;
  deleted: number;
  evaluations: number;
  expiredExemptions: number;
  byCompliance: Record<Verdict, number>;
  byPolicy: Record<string, Record<Verdict, number>>;
  violationsBySeverity: Record<Severity, number>;
  violationsByAccount: Record<string, number>;
  notCovered: Record<string, number>;
  /** Where each uncovered type was first seen. */
  notCoveredFirst: Record<string, { file: string; pointer: string }>;
  problems: InputProblem[];
}

function emptyData(): TallyData {
  return {
    filesRead: 0,
    filesFailed: 0,
    bytes: 0,
    itemsRead: 0,
    evaluated: 0,
    deleted: 0,
    evaluations: 0,
    expiredExemptions: 0,
    byCompliance: emptyCounts(),
    byPolicy: {},
    violationsBySeverity: Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>,
    violationsByAccount: {},
    notCovered: {},
    notCoveredFirst: {},
    problems: [],
  };
}

export class ScanTally {
  private current: TallyData = emptyData();

  get data(): TallyData {
    return this.current;
  }

  /** The counts so far, and zero from here on: a scan worker sends a file's counts part by part. */
  take(): TallyData {
    const d = this.current;
    this.current = emptyData();
    return d;
  }

  count(e: Evaluation): void {
    const d = this.data;
    d.evaluations++;
    d.byCompliance[e.compliance]++;
    (d.byPolicy[e.policyId] ??= emptyCounts())[e.compliance]++;
    if (e.compliance === "NON_COMPLIANT") {
      d.violationsBySeverity[e.severity]++;
      d.violationsByAccount[e.accountId] = (d.violationsByAccount[e.accountId] ?? 0) + 1;
      if (e.exemption && !e.exemption.active) d.expiredExemptions++;
    }
  }

  notCovered(type: string, file: string, pointer: string): void {
    const d = this.data;
    d.notCovered[type] = (d.notCovered[type] ?? 0) + 1;
    d.notCoveredFirst[type] ??= { file, pointer };
  }

  merge(o: TallyData): void {
    const d = this.data;
    d.filesRead += o.filesRead;
    d.filesFailed += o.filesFailed;
    d.bytes += o.bytes;
    d.itemsRead += o.itemsRead;
    d.evaluated += o.evaluated;
    d.deleted += o.deleted;
    d.evaluations += o.evaluations;
    d.expiredExemptions += o.expiredExemptions;
    addInto(d.byCompliance, o.byCompliance);
    addInto(d.violationsBySeverity, o.violationsBySeverity);
    addInto(d.violationsByAccount, o.violationsByAccount);
    addInto(d.notCovered, o.notCovered);
    for (const [id, counts] of Object.entries(o.byPolicy)) addInto((d.byPolicy[id] ??= emptyCounts()), counts);
    for (const [type, first] of Object.entries(o.notCoveredFirst)) d.notCoveredFirst[type] ??= first;
    d.problems.push(...o.problems);
  }

  /** The report's summary of this scan (snapshot or template), with the uncovered-type warnings at the end. */
  summary(engine: Engine, inputs: string[], started: number): ScanSummary {
    const d = this.data;
    return {
      tool: { name: "guardrail", version: VERSION },
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      inputs,
      policies: engine.policies.map((p) => ({
        id: p.policy.id,
        title: p.policy.title,
        severity: p.policy.severity,
        subject: "cloudtrail" in p.policy.subject ? ["CloudTrail"] : resourceTypesOf(p.policy),
        ...(p.policy.frameworks ? { frameworks: p.policy.frameworks } : {}),
        file: p.file,
      })),
      files: { read: d.filesRead, failed: d.filesFailed },
      items: { read: d.itemsRead, evaluated: d.evaluated, deleted: d.deleted, notCovered: d.notCovered },
      evaluations: d.evaluations,
      byCompliance: d.byCompliance,
      violationsBySeverity: d.violationsBySeverity,
      byPolicy: d.byPolicy,
      violationsByAccount: d.violationsByAccount,
      expiredExemptions: d.expiredExemptions,
      problems: [...d.problems, ...this.notCoveredWarnings()],
    };
  }

  /**
   * One warning for every type no policy covers, for the whole scan (not per file or per type), with counts per
   * type, placed at the first such item of the type with the most.
   */
  notCoveredWarnings(): InputProblem[] {
    const message = notCoveredWarning(this.data.notCovered);
    if (message === undefined) return [];
    const [top] = Object.entries(this.data.notCovered).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const first = top ? this.data.notCoveredFirst[top[0]] : undefined;
    return [
      { level: "warning", file: first?.file ?? "", ...(first?.pointer ? { pointer: first.pointer } : {}), message },
    ];
  }
}

function addInto<K extends string>(target: Record<K, number>, source: Record<K, number>): void {
  for (const k of Object.keys(source) as K[]) target[k] = (target[k] ?? 0) + (source[k] ?? 0);
}

export function emptyComplianceCounts(): Record<Verdict, number> {
  return emptyCounts();
}
