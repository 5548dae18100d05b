import { createColors } from "picocolors";
import type { AnyEvaluation as Evaluation } from "../engine/evaluate";
import { SEVERITIES, type Severity } from "../policy/types";
import { Sink, TopK, compareStrings, formatCount, orderedPolicies, plural, policyCounts, problemLine } from "./common";
import type { ReportOptions, ReportWriter, ScanSummary } from "./types";

/** Resources listed per policy before "… and N more". */
export const TABLE_RESOURCES_PER_POLICY = 20;
/** Input problems listed before "… and N more". */
export const TABLE_MAX_PROBLEMS = 50;

/** Types named in the "not covered" line and warning before "… N more types". */
export const NOT_COVERED_TYPES_SHOWN = 10;
/** Idle policies named before "and N more". */
export const IDLE_POLICIES_SHOWN = 5;

/** "AWS::EC2::Instance 7, AWS::IAM::User 2, … 3 more types": most items first. */
function notCoveredList(notCovered: Record<string, number>): {
  total: number;
  types: number;
  list: string;
  top: string;
} {
  const sorted = Object.entries(notCovered).sort((a, b) => b[1] - a[1] || compareStrings(a[0], b[0]));
  const shown = sorted
    .slice(0, NOT_COVERED_TYPES_SHOWN)
    .map(([type, n]) => `${terminalSafe(type)} ${formatCount(n)}`)
    .join(", ");
  const more = sorted.length - NOT_COVERED_TYPES_SHOWN;
  return {
    total: sorted.reduce((n, [, k]) => n + k, 0),
    types: sorted.length,
    list: more > 0 ? `${shown}, … ${plural(more, "more type", "more types")}` : shown,
    top: terminalSafe(sorted[0]?.[0] ?? ""),
  };
}

/**
 * The one warning a scan gives for every item of a type no policy covers (lib/scan/tally.ts), with counts per type;
 * real snapshots hold hundreds of types, and a line per type buried the errors. Undefined when there are none.
 */
export function notCoveredWarning(notCovered: Record<string, number>): string | undefined {
  const { total, types, list, top } = notCoveredList(notCovered);
  if (types === 0) return undefined;
  return `no policy covers ${plural(types, "resource type")}; ${plural(total, "item")} not evaluated (${list}), the first ${top} here`;
}

/**
 * Terminal text from user data: control characters (an annotation or resource name could carry ANSI escapes that
 * rewrite the terminal) and bidi overrides are shown as \u escapes instead.
 */
export function terminalSafe(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
}

function compareListed(a: Evaluation, b: Evaluation): number {
  return (
    (a.compliance === "NON_COMPLIANT" ? 0 : 1) - (b.compliance === "NON_COMPLIANT" ? 0 : 1) ||
    compareStrings(a.accountId, b.accountId) ||
    compareStrings(a.region, b.region) ||
    compareStrings(a.resourceType, b.resourceType) ||
    compareStrings(a.resourceId, b.resourceId)
  );
}

type Colors = ReturnType<typeof createColors>;

interface PolicyFindings {
  severity: Severity;
  listed: TopK<Evaluation>;
  violations: number;
  exempt: number;
  unknown: number;
}

function severityLabel(c: Colors, s: Severity): string {
  const label = s.toUpperCase().padEnd(8);
  switch (s) {
    case "critical":
      return c.bold(c.red(label));
    case "high":
      return c.red(label);
    case "medium":
      return c.yellow(label);
    case "low":
      return c.cyan(label);
    default:
      return c.dim(label);
  }
}

function resourceLabel(e: Evaluation): string {
  const id = terminalSafe(e.resourceId);
  const name = e.resourceName && e.resourceName !== e.resourceId ? ` (${terminalSafe(e.resourceName)})` : "";
  return `${terminalSafe(e.resourceType)} ${id}${name}`;
}

/**
 * Human terminal output: violations and exemptions grouped by policy (critical first), at most
 * TABLE_RESOURCES_PER_POLICY resources each, then per-policy counts, a summary and the input problems.
 * Keeps only what it lists, so a fleet of any size costs O(policies × cap) memory.
 */
export function createTableWriter(opts: ReportOptions): ReportWriter {
  const c = createColors(opts.color);
  const findings = new Map<string, PolicyFindings>();
  return {
    accepts: "violations",
    add(e) {
      if (e.compliance !== "NON_COMPLIANT" && e.compliance !== "EXEMPT" && e.compliance !== "UNKNOWN") return;
      let f = findings.get(e.policyId);
      if (!f) {
        f = {
          severity: e.severity,
          listed: new TopK(TABLE_RESOURCES_PER_POLICY, compareListed),
          violations: 0,
          exempt: 0,
          unknown: 0,
        };
        findings.set(e.policyId, f);
      }
      if (e.compliance === "NON_COMPLIANT") f.violations++;
      else if (e.compliance === "UNKNOWN") f.unknown++;
      else f.exempt++;
      f.listed.push(e);
    },
    async finish(summary: ScanSummary) {
      const sink = new Sink(opts.out);
      const line = (s = "") => sink.push(s + "\n");
      const policies = orderedPolicies(
        summary,
        [...findings].map(([id, f]) => [id, f.severity]),
      );

      // Findings, grouped by policy.
      const withFindings = policies.filter((p) => findings.has(p.id));
      if (withFindings.length === 0) {
        const unread = summary.problems.some((p) => p.level === "error");
        if (summary.items.evaluated === 0)
          line(c.yellow("Nothing was evaluated: no resource of a type the policies cover was read."));
        else if (unread)
          line(c.yellow("No violations in what could be read; some input could not be read (see below)."));
        else line(c.green("No violations."));
      }
      for (const p of withFindings) {
        const f = findings.get(p.id) as PolicyFindings;
        const counts = [
          f.violations > 0 ? c.red(plural(f.violations, "violation")) : "",
          f.exempt > 0 ? c.dim(`${formatCount(f.exempt)} exempt`) : "",
          f.unknown > 0 ? c.yellow(`${formatCount(f.unknown)} unknown before deploy`) : "",
        ]
          .filter(Boolean)
          .join(", ");
        line(`${severityLabel(c, p.severity)} ${c.bold(terminalSafe(p.id))}  ${terminalSafe(p.title)}  (${counts})`);
        for (const e of f.listed.values()) {
          // Template verdicts have no account or region yet; they have a file and line.
          const where = c.dim(
            e.source?.line !== undefined
              ? `${terminalSafe(e.source.file)}:${e.source.line}:${e.source.column ?? 1}`
              : `${terminalSafe(e.accountId) || "-"} ${terminalSafe(e.region) || "-"}`,
          );
          const mark =
            e.compliance === "NON_COMPLIANT" ? c.red("✗") : e.compliance === "UNKNOWN" ? c.yellow("?") : c.dim("○");
          const tag = e.compliance === "EXEMPT" ? c.dim(" [exempt]") : "";
          line(`  ${mark} ${resourceLabel(e)}  ${where}${tag}`);
          if (e.annotation) line(`      ${c.dim(terminalSafe(e.annotation))}`);
        }
        if (f.listed.omitted > 0) {
          const shown = f.listed.values();
          const moreViolations = f.violations - shown.filter((e) => e.compliance === "NON_COMPLIANT").length;
          const moreExempt = f.exempt - shown.filter((e) => e.compliance === "EXEMPT").length;
          const moreUnknown = f.unknown - shown.filter((e) => e.compliance === "UNKNOWN").length;
          const parts = [
            moreViolations > 0 ? plural(moreViolations, "violation") : "",
            moreExempt > 0 ? `${formatCount(moreExempt)} exempt` : "",
            moreUnknown > 0 ? `${formatCount(moreUnknown)} unknown` : "",
          ].filter(Boolean);
          line(c.dim(`  … and ${formatCount(f.listed.omitted)} more (${parts.join(", ")})`));
        }
        line();
      }

      // Per-policy counts, for every policy that judged something.
      const judged = policies.filter((p) => {
        const n = policyCounts(summary, p.id);
        return n.COMPLIANT + n.NON_COMPLIANT + n.EXEMPT + n.NOT_APPLICABLE + (n.UNKNOWN ?? 0) > 0;
      });
      // The UNKNOWN column appears only when something was unknown (template scans).
      const withUnknown = (summary.byCompliance.UNKNOWN ?? 0) > 0;
      if (judged.length > 0) {
        const idWidth = Math.min(60, Math.max(6, ...judged.map((p) => terminalSafe(p.id).length)));
        const heads = ["COMPLIANT", "NONCOMPLIANT", "EXEMPT", "N/A", ...(withUnknown ? ["UNKNOWN"] : [])];
        line(
          c.bold(`${"SEVERITY".padEnd(9)}${"POLICY".padEnd(idWidth + 2)}${heads.map((h) => h.padStart(13)).join("")}`),
        );
        for (const p of judged) {
          const n = policyCounts(summary, p.id);
          const counts = [
            n.COMPLIANT,
            n.NON_COMPLIANT,
            n.EXEMPT,
            n.NOT_APPLICABLE,
            ...(withUnknown ? [n.UNKNOWN ?? 0] : []),
          ];
          const cells = counts.map((v) => formatCount(v).padStart(13));
          if (n.NON_COMPLIANT > 0) cells[1] = c.red(cells[1] as string);
          line(`${severityLabel(c, p.severity)} ${terminalSafe(p.id).padEnd(idWidth + 2)}${cells.join("")}`);
        }
        const idle = policies.filter((p) => !judged.includes(p)).map((p) => terminalSafe(p.id));
        if (idle.length > 0) {
          const more = idle.length - IDLE_POLICIES_SHOWN;
          const named = idle.slice(0, IDLE_POLICIES_SHOWN).join(", ") + (more > 0 ? ` and ${formatCount(more)} more` : ""); // prettier-ignore
          line(c.dim(`${plural(idle.length, "policy", "policies")} had nothing to evaluate: ${named}`));
        }
        line();
      }

      // Summary.
      const violations = summary.byCompliance.NON_COMPLIANT;
      const bySeverity = SEVERITIES.map((s) => `${formatCount(summary.violationsBySeverity[s] ?? 0)} ${s}`).join(", ");
      const seconds = (summary.durationMs / 1000).toFixed(1);
      line(
        `${c.bold("Scanned")} ${plural(summary.items.evaluated, "resource")} (${plural(summary.evaluations, "evaluation")}) ` +
          `against ${plural(summary.policies.length, "policy", "policies")} in ${seconds}s`,
      );
      const v = violations > 0 ? c.red(c.bold(plural(violations, "violation"))) : c.green("0 violations");
      const expired =
        summary.expiredExemptions > 0 ? `, ${c.yellow(plural(summary.expiredExemptions, "expired exemption"))}` : "";
      const unknown = withUnknown
        ? `, ${c.yellow(`${formatCount(summary.byCompliance.UNKNOWN ?? 0)} unknown before deploy`)}`
        : "";
      line(`${v} (${bySeverity}), ${formatCount(summary.byCompliance.EXEMPT)} exempt${expired}${unknown}`);
      const failed = summary.files.failed > 0 ? c.red(`${formatCount(summary.files.failed)} failed`) : "0 failed";
      const deleted = summary.items.deleted > 0 ? `, ${formatCount(summary.items.deleted)} deleted` : "";
      line(
        `Files: ${formatCount(summary.files.read)} read, ${failed}; items: ${formatCount(summary.items.read)} read${deleted}`,
      );
      const notCovered = notCoveredList(summary.items.notCovered);
      if (notCovered.types > 0) {
        line(c.dim(`Not covered by any policy: ${plural(notCovered.total, "item")} (${notCovered.list})`));
      }

      // Input problems, errors first; the not-covered warning is the line above.
      const folded = notCoveredWarning(summary.items.notCovered);
      const problems = summary.problems
        .filter((p) => !(p.level === "warning" && p.message === folded))
        .sort((a, b) => (a.level === b.level ? 0 : a.level === "error" ? -1 : 1));
      for (const p of problems.slice(0, TABLE_MAX_PROBLEMS)) {
        const text = terminalSafe(problemLine(p));
        line(p.level === "error" ? c.red(text) : c.yellow(text));
      }
      if (problems.length > TABLE_MAX_PROBLEMS) {
        line(
          c.dim(
            `… and ${formatCount(problems.length - TABLE_MAX_PROBLEMS)} more problems (the json report lists them all)`,
          ),
        );
      }
      await sink.end();
    },
  };
}
