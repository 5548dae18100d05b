import type { AnyEvaluation as Evaluation } from "../engine/evaluate";
import { frameworks } from "../policy/frameworks";
import { SEVERITIES } from "../policy/types";
import { Sink, TopK, compareEvaluations, formatCount, orderedPolicies, plural } from "./common";
import {
  CONTROL_STATUSES,
  complianceView,
  totalsText,
  type ControlStatus,
  type ControlView,
  type FrameworkView,
} from "./compliance";
import type { ReportOptions, ReportWriter, ScanSummary } from "./types";

/** Findings listed; the rest are counted. A job summary is at most 1 MiB (GitHub Actions, "Adding a job summary"). */
export const MD_MAX_FINDINGS = 50;
/** Controls listed per framework and status group. */
export const MD_MAX_CONTROLS = 100;
const CELL_MAX = 200;

/**
 * Text for GitHub-flavoured Markdown: HTML's markup characters as entities (GitHub renders inline HTML), Markdown's
 * own as backslash escapes, a `|` escaped so it cannot end a table cell, line breaks and control characters as
 * spaces.
 */
export function mdText(s: string | number, max = CELL_MAX): string {
  let t = String(s)
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, " ")
    .trim();
  if (t.length > max) t = `${t.slice(0, max - 1)}…`;
  return t
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/[\\`*_[\]|#~!]/g, (c) => `\\${c}`);
}

const STATUS_WORDS: Record<ControlStatus, string> = {
  failed: "❌ failed",
  unknown: "❔ unknown before deploy",
  passed: "✅ passed",
  "not-evaluated": "➖ not evaluated",
  "not-covered": "not covered",
};

function findingRow(e: Evaluation): string {
  const where = e.source?.line !== undefined ? ` (${mdText(e.source.file)}:${e.source.line})` : "";
  const name = e.resourceName && e.resourceName !== e.resourceId ? ` (${mdText(e.resourceName)})` : "";
  return (
    `| ${mdText(e.severity)} | ${mdText(e.policyId)} | ${mdText(e.resourceType)} ${mdText(e.resourceId)}${name}${where} ` +
    `| ${
      [e.accountId, e.region]
        .filter((x) => x)
        .map((x) => mdText(x))
        .join(" ") || "—"
    } | ${mdText(e.annotation ?? "")} |`
  );
}

function frameworkSection(view: FrameworkView): string[] {
  const lines = [
    "",
    `### ${mdText(`${view.name}${view.version ? ` ${view.version}` : ""}`)}`,
    "",
    `${totalsText(view.totals)}${view.source ? ` · [control list](${encodeURI(view.source).replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16)}`)})` : ""}`,
  ];
  const rank = (c: ControlView) => CONTROL_STATUSES.indexOf(c.status);
  const shown = view.controls
    .filter((c) => c.status === "failed" || c.status === "unknown" || c.status === "passed")
    .sort((a, b) => rank(a) - rank(b));
  if (shown.length > 0) {
    lines.push("", "| Control | Status | Violations | Policies | Title |", "| --- | --- | --: | --- | --- |");
    for (const c of shown.slice(0, MD_MAX_CONTROLS)) {
      lines.push(
        `| ${mdText(c.id)} | ${STATUS_WORDS[c.status]} | ${formatCount(c.failed)} | ${c.policies.map((p) => mdText(p)).join(", ")} | ${mdText(c.title)} |`,
      );
    }
    if (shown.length > MD_MAX_CONTROLS) lines.push("", `… and ${formatCount(shown.length - MD_MAX_CONTROLS)} more.`);
  }
  const notEvaluated = view.controls.filter((c) => c.status === "not-evaluated");
  if (notEvaluated.length > 0) {
    const ids = notEvaluated.slice(0, MD_MAX_CONTROLS).map((c) => mdText(c.id));
    const more =
      notEvaluated.length > MD_MAX_CONTROLS ? ` and ${formatCount(notEvaluated.length - MD_MAX_CONTROLS)} more` : "";
    lines.push("", `Not evaluated (no resource of their policies' types): ${ids.join(", ")}${more}.`);
  }
  return lines;
}

/**
 * A GitHub-flavoured Markdown summary for a pull request comment or `$GITHUB_STEP_SUMMARY`: the headline, violations
 * by severity, the most severe findings (at most MD_MAX_FINDINGS), and each framework's controls as passed, failed,
 * not evaluated and not covered. Kept small: the json, csv and sarif reports list every finding.
 */
export function createMarkdownWriter(opts: ReportOptions): ReportWriter {
  const findings = new TopK<Evaluation>(MD_MAX_FINDINGS, compareEvaluations);
  return {
    accepts: "violations",
    add(e) {
      if (e.compliance === "NON_COMPLIANT") findings.push(e);
    },
    async finish(summary: ScanSummary) {
      const sink = new Sink(opts.out);
      const violations = summary.byCompliance.NON_COMPLIANT;
      const exempt = summary.byCompliance.EXEMPT;
      const unknown = summary.byCompliance.UNKNOWN ?? 0;
      const policies = orderedPolicies(summary);
      const headline =
        violations === 0
          ? `✅ No violations`
          : `❌ ${plural(violations, "violation")}` +
            (summary.violationsBySeverity.critical + summary.violationsBySeverity.high > 0
              ? ` (${formatCount(summary.violationsBySeverity.critical)} critical, ${formatCount(summary.violationsBySeverity.high)} high)`
              : "");
      const lines = [
        `## Guardrail: ${headline}`,
        "",
        `${plural(summary.evaluations, "evaluation")} of ${plural(summary.items.evaluated, "resource")} by ` +
          `${plural(policies.length, "policy", "policies")}` +
          (exempt > 0 ? `; ${formatCount(exempt)} suppressed (exempt)` : "") +
          (unknown > 0 ? `; ${formatCount(unknown)} unknown before deploy` : "") +
          (summary.problems.length > 0 ? `; ${plural(summary.problems.length, "input problem")}` : "") +
          ".",
      ];
      if (violations > 0) {
        lines.push(
          "",
          "| Severity | Violations |",
          "| --- | --: |",
          ...SEVERITIES.filter((s) => summary.violationsBySeverity[s] > 0).map(
            (s) => `| ${s} | ${formatCount(summary.violationsBySeverity[s])} |`,
          ),
          "",
          `### Findings${findings.omitted > 0 ? ` (the ${formatCount(findings.values().length)} most severe of ${formatCount(findings.total)})` : ""}`,
          "",
          "| Severity | Policy | Resource | Account, Region | Why |",
          "| --- | --- | --- | --- | --- |",
          ...findings.values().map(findingRow),
        );
      }
      const views = complianceView(summary, frameworks());
      if (views.length > 0) {
        lines.push("", "## Compliance frameworks");
        for (const v of views) lines.push(...frameworkSection(v));
      }
      await sink.write(lines.join("\n") + "\n");
      await sink.end();
    },
  };
}
