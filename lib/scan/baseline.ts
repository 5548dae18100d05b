import { dirname, resolve } from "node:path";
import { baselineEntryOfEvaluation, baselineText, type Baseline, type BaselineEntry } from "../engine/baseline";
import type { AnyEvaluation as Evaluation } from "../engine/evaluate";
import type { ReportWriter, ScanSummary } from "../report/types";
import { writeFileAtomic } from "../util/atomic-file";
import { plural } from "../util/words";

export interface BaselineRun {
  /** `--baseline`: the baseline in use (the engine's), to report the entries no longer found. */
  baseline?: Baseline;
  /** `--create-baseline FILE`: where to write this scan's violations. */
  create?: string;
}

/**
 * The report writer of a scan with a baseline: it sees every violation and baseline match (scan workers then send
 * evaluations rather than encoded records), so it can write `--create-baseline` and count the `--baseline` entries
 * that matched; the report itself is the given writer's. Entries no longer found are a warning in the summary,
 * counted only for the scan's own policies (a `--policy` filter leaves the rest alone).
 */
export function baselineWriter(inner: ReportWriter, run: BaselineRun): ReportWriter & { created: () => number } {
  const found = new Set<number>();
  const entries: BaselineEntry[] = [];
  const dir = run.create ? dirname(resolve(run.create)) : "";
  return {
    accepts: inner.accepts ?? "all",
    add(e: Evaluation): void {
      if (e.exemption?.source === "baseline" && e.exemption.baselineEntry !== undefined) {
        found.add(e.exemption.baselineEntry);
      }
      // Violations, and those the old baseline accepted: both are still there.
      const violating =
        e.compliance === "NON_COMPLIANT" || (e.compliance === "EXEMPT" && e.exemption?.source === "baseline");
      if (run.create && violating) entries.push(baselineEntryOfEvaluation(e, dir));
      inner.add(e);
    },
    ...(inner.ready ? { ready: () => (inner.ready as () => Promise<void>)() } : {}),
    async finish(summary: ScanSummary): Promise<void> {
      const problems = [...summary.problems];
      const baseline = run.baseline;
      if (baseline) {
        const policies = new Set(summary.policies.map((p) => p.id));
        const gone = baseline.entries.filter((e, i) => policies.has(e.policy) && !found.has(i));
        if (gone.length > 0) {
          const first = gone[0] as BaselineEntry;
          const what =
            "arn" in first ? first.arn : "file" in first ? `${first.file}#${first.logicalId}` : first.resourceId;
          problems.push({
            level: "warning",
            file: baseline.file,
            message:
              `${plural(gone.length, "baseline entry", "baseline entries")} no longer found ` +
              `(first: ${first.policy} on ${what}); refresh with --create-baseline`,
          });
        }
      }
      if (run.create) await writeFileAtomic(run.create, baselineText(entries), { durable: true });
      await inner.finish({ ...summary, problems });
    },
    created: () => new Set(entries.map((e) => JSON.stringify(e))).size,
  };
}
