import type { Framework } from "../policy/frameworks";
import { compareStrings } from "./common";
import type { ScanSummary } from "./types";

/**
 * A control's standing in one scan:
 * - failed: a policy mapped to it judged a resource NON_COMPLIANT;
 * - unknown: none failed, but a verdict depends on a value known only at deploy (template scans);
 * - passed: every evaluation of its policies was COMPLIANT or EXEMPT (suppressed findings count as passed, as
 *   Security Hub counts a suppressed finding's control);
 * - not-evaluated: policies map to it, but they judged no resource (none of their types was read);
 * - not-covered: the framework lists it and no policy of the pack maps to it.
 */
export type ControlStatus = "failed" | "unknown" | "passed" | "not-evaluated" | "not-covered";
export const CONTROL_STATUSES: readonly ControlStatus[] = [
  "failed",
  "unknown",
  "passed",
  "not-evaluated",
  "not-covered",
];

export interface ControlView {
  id: string;
  title: string;
  status: ControlStatus;
  /** The pack's policies mapped to it, by id. */
  policies: string[];
  /** Its policies' NON_COMPLIANT evaluations. */
  failed: number;
}

export interface FrameworkView {
  id: string;
  name: string;
  version: string;
  source: string;
  /** Controls per status; `total` is every control the view lists. */
  totals: Record<ControlStatus, number> & { total: number };
  /** In the framework's order; controls policies map to that the data file does not list come last. */
  controls: ControlView[];
}

/**
 * The compliance view of a scan, one per framework: the known frameworks (data files) that the scan's policies map
 * to, then any framework the policies name without a data file (its controls: those mapped, titles unknown). A
 * framework none of the scan's policies maps to is left out: a scan of SQS templates says nothing about CIS.
 */
export function complianceView(summary: ScanSummary, known: ReadonlyMap<string, Framework>): FrameworkView[] {
  const mapped = new Map<string, Map<string, string[]>>();
  for (const p of summary.policies) {
    for (const [fw, ids] of Object.entries(p.frameworks ?? {})) {
      let controls = mapped.get(fw);
      if (!controls) mapped.set(fw, (controls = new Map()));
      for (const id of ids) controls.set(id, [...(controls.get(id) ?? []), p.id]);
    }
  }
  const ids = [
    ...[...known.keys()].filter((id) => mapped.has(id)),
    ...[...mapped.keys()].filter((id) => !known.has(id)).sort(compareStrings),
  ];
  return ids.map((fwId) => {
    const fw = known.get(fwId);
    const byControl = mapped.get(fwId) ?? new Map<string, string[]>();
    const listed = fw?.controls ?? [];
    const listedIds = new Set(listed.map((c) => c.id));
    const extra = [...byControl.keys()].filter((id) => !listedIds.has(id)).sort(compareStrings);
    const controls = [...listed, ...extra.map((id) => ({ id, title: "" }))].map((c) =>
      controlView(c.id, c.title, byControl.get(c.id) ?? [], summary),
    );
    const totals = { failed: 0, unknown: 0, passed: 0, "not-evaluated": 0, "not-covered": 0, total: controls.length };
    for (const c of controls) totals[c.status]++;
    return { id: fwId, name: fw?.name ?? fwId, version: fw?.version ?? "", source: fw?.source ?? "", totals, controls };
  });
}

function controlView(id: string, title: string, policies: string[], summary: ScanSummary): ControlView {
  let failed = 0;
  let unknown = 0;
  let judged = 0;
  for (const p of policies) {
    const n = summary.byPolicy[p];
    if (!n) continue;
    failed += n.NON_COMPLIANT;
    unknown += n.UNKNOWN ?? 0;
    judged += n.COMPLIANT + n.EXEMPT;
  }
  const status: ControlStatus =
    policies.length === 0
      ? "not-covered"
      : failed > 0
        ? "failed"
        : unknown > 0
          ? "unknown"
          : judged > 0
            ? "passed"
            : "not-evaluated";
  return { id, title, status, policies, failed };
}

/** "12 failed, 40 passed, 3 not evaluated, 235 not covered (of 290)" */
export function totalsText(t: FrameworkView["totals"]): string {
  const parts = CONTROL_STATUSES.filter((s) => t[s] > 0).map((s) => `${t[s]} ${s.replace("-", " ")}`);
  return `${parts.join(", ") || "no controls"} (of ${t.total})`;
}
