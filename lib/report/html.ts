import { createHash } from "node:crypto";
import type { AnyEvaluation as Evaluation } from "../engine/evaluate";
import { frameworks } from "../policy/frameworks";
import { SEVERITIES, type Severity } from "../policy/types";
import {
  Sink,
  TopK,
  compareEvaluations,
  compareStrings,
  formatCount,
  frameworkText,
  orderedPolicies,
  plural,
  policyCounts,
} from "./common";
import { CONTROL_STATUSES, complianceView, totalsText, type FrameworkView } from "./compliance";
import { jsonResult } from "./json";
import type { PolicyInfo, ReportOptions, ReportWriter, ScanSummary } from "./types";

/** Violation rows in the table (and the embedded data); the most severe are kept. */
export const HTML_MAX_VIOLATIONS = 5000;
export const HTML_MAX_EXEMPTIONS = 1000;
export const HTML_MAX_PROBLEMS = 1000;
const CHART_TOP = 15;

/** Text and attribute values: markup characters as entities, control characters (but tab, LF, CR) as U+FFFD. */
export function htmlEscape(s: string | number): string {
  // eslint-disable-next-line no-control-regex
  return String(s).replace(/[&<>"'\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, (c) => {
    switch (c) {
      case "&":
        return "&amp;";
      case "<":
        return "&lt;";
      case ">":
        return "&gt;";
      case '"':
        return "&quot;";
      case "'":
        return "&#39;";
      default:
        return "\ufffd";
    }
  });
}
const esc = htmlEscape;

/**
 * JSON for a <script type="application/json"> block: `<`, `>` and `&` as \u escapes, so no `</script>` or `<!--`
 * can end or change the block; U+2028/2029 too, for anyone who pastes it into a script. JSON.parse reads it back
 * unchanged.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function shorten(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

const STYLE = `
:root{--fg:#1f2937;--muted:#6b7280;--line:#e5e7eb;--bg:#fff;--panel:#f9fafb;--accent:#4f46e5;
--critical:#7f1d1d;--high:#dc2626;--medium:#d97706;--low:#2563eb;--info:#6b7280}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1280px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 12px;border-bottom:1px solid var(--line);padding-bottom:6px}
.meta{color:var(--muted);margin:0}.meta code{color:var(--fg)}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;margin-top:20px}
.card{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:12px 14px}
.card .n{font-size:26px;font-weight:600}.card .l{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.card.bad .n{color:var(--high)}.card.crit .n{color:var(--critical)}.card.ok .n{color:#15803d}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:16px}
figure{margin:0;background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:12px}
figcaption{font-weight:600;margin-bottom:6px}svg{width:100%;height:auto;display:block}
svg text{font-size:12px;fill:var(--fg)}svg .val{fill:var(--muted)}
.bar{fill:var(--accent)}.bar-critical{fill:var(--critical)}.bar-high{fill:var(--high)}.bar-medium{fill:var(--medium)}
.bar-low{fill:var(--low)}.bar-info{fill:var(--info)}
.empty{color:var(--muted);font-style:italic}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid var(--line)}
th{background:var(--panel);position:sticky;top:0}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td{overflow-wrap:anywhere}td.nowrap{white-space:nowrap;overflow-wrap:normal}.sub{color:var(--muted);font-size:12px}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
.badge{display:inline-block;border-radius:10px;padding:1px 8px;font-size:11px;font-weight:600;color:#fff;text-transform:uppercase;white-space:nowrap}
.sev-critical{background:var(--critical)}.sev-high{background:var(--high)}.sev-medium{background:var(--medium)}
.sev-low{background:var(--low)}.sev-info{background:var(--info)}
.st-failed{background:var(--high)}.st-unknown{background:var(--medium)}.st-passed{background:#15803d}
.st-not-evaluated,.st-not-covered{background:var(--info)}details{margin:8px 0}summary{cursor:pointer}
.filters{display:flex;gap:8px;align-items:center;margin-bottom:8px;flex-wrap:wrap}
.filters input{flex:1;min-width:220px;padding:6px 8px;border:1px solid var(--line);border-radius:6px;font:inherit}
.filters select{padding:6px;border:1px solid var(--line);border-radius:6px;font:inherit}
.note{background:#fffbeb;border:1px solid #fde68a;border-radius:6px;padding:6px 10px}
.problems li{margin:2px 0}.problems .error b{color:var(--high)}.problems .warning b{color:var(--medium)}
dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px}dl.kv dt{color:var(--muted)}dl.kv dd{margin:0}
footer{color:var(--muted);margin-top:40px;font-size:12px}
@media print{.filters{display:none}th{position:static}main{max-width:none}}
`;

/** Filters the violations table by text and severity; reads nothing but the DOM, needs no network. */
const SCRIPT = `
(function () {
  var table = document.getElementById("violations-table");
  if (!table) return;
  var q = document.getElementById("violations-q");
  var sev = document.getElementById("violations-sev");
  var shown = document.getElementById("violations-shown");
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var texts = rows.map(function (r) { return r.textContent.toLowerCase(); });
  var timer = 0;
  function apply() {
    var t = q.value.trim().toLowerCase();
    var s = sev.value;
    var n = 0;
    for (var i = 0; i < rows.length; i++) {
      var ok = (!s || rows[i].getAttribute("data-sev") === s) && (!t || texts[i].indexOf(t) !== -1);
      rows[i].hidden = !ok;
      if (ok) n++;
    }
    shown.textContent = n.toLocaleString("en-US");
  }
  q.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(apply, 80); });
  sev.addEventListener("change", apply);
})();
`;

const sha256 = (s: string) => `'sha256-${createHash("sha256").update(s, "utf8").digest("base64")}'`;
/** Nothing may be fetched; only this file's own style and script run (an injected one would not). */
const CSP = `default-src 'none'; style-src ${sha256(STYLE)}; script-src ${sha256(SCRIPT)}; img-src data:; base-uri 'none'; form-action 'none'`;

interface Bar {
  label: string;
  value: number;
  cls: string;
  /** Tooltip text; the label by default. */
  tip?: string;
}

/** A horizontal bar chart as inline SVG; every label is escaped, long ones are shortened (full text in <title>). */
function barChart(caption: string, bars: Bar[], empty: string): string {
  const max = Math.max(0, ...bars.map((b) => b.value));
  if (max === 0) {
    return `<figure><figcaption>${esc(caption)}</figcaption><p class="empty">${esc(empty)}</p></figure>`;
  }
  const labelW = 210;
  const barW = 240;
  const rowH = 22;
  const width = labelW + barW + 70;
  const height = bars.length * rowH + 6;
  const rows = bars.map((b, i) => {
    const y = 3 + i * rowH;
    const w = b.value > 0 ? Math.max(2, Math.round((b.value / max) * barW)) : 0;
    return (
      `<g><title>${esc(b.tip ?? b.label)}: ${formatCount(b.value)}</title>` +
      `<text x="${labelW - 8}" y="${y + 15}" text-anchor="end">${esc(shorten(b.label, 30))}</text>` +
      `<rect x="${labelW}" y="${y + 4}" width="${w}" height="14" rx="2" class="${esc(b.cls)}"></rect>` +
      `<text class="val" x="${labelW + w + 6}" y="${y + 15}">${formatCount(b.value)}</text></g>`
    );
  });
  return (
    `<figure><figcaption>${esc(caption)}</figcaption>` +
    `<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(caption)}">${rows.join("")}</svg></figure>`
  );
}

function badge(severity: string): string {
  return `<span class="badge sev-${esc(severity)}">${esc(severity)}</span>`;
}

function resourceCell(e: Evaluation): string {
  const name =
    e.resourceName && e.resourceName !== e.resourceId ? ` <span class="sub">(${esc(e.resourceName)})</span>` : "";
  const arn = e.arn ? ` title="${esc(e.arn)}"` : "";
  return `<td${arn}><code>${esc(e.resourceId)}</code>${name}<div class="sub">${esc(e.resourceType)}</div></td>`;
}

function violationRow(e: Evaluation, titles: Map<string, string>): string {
  return (
    `<tr data-sev="${esc(e.severity)}"><td title="${esc(titles.get(e.policyId) ?? e.policyId)}"><code>${esc(e.policyId)}</code></td>` +
    `<td>${badge(e.severity)}</td>${resourceCell(e)}<td class="nowrap">${esc(e.accountId)}</td><td class="nowrap">${esc(e.region)}</td>` +
    `<td>${esc(e.annotation ?? "")}</td></tr>\n`
  );
}

function exemptionRow(e: Evaluation): string {
  const x = e.exemption;
  return (
    `<tr><td><code>${esc(e.policyId)}</code></td>${resourceCell(e)}<td>${esc(e.accountId)}</td><td>${esc(e.region)}</td>` +
    `<td>${esc(x?.source ?? "")}</td><td>${esc(x?.owner ?? "")}</td><td>${esc(x?.expires ?? "")}</td>` +
    `<td>${esc(x?.justification ?? e.annotation ?? "")}</td></tr>\n`
  );
}

function policyRow(p: PolicyInfo, summary: ScanSummary): string {
  const n = policyCounts(summary, p.id);
  const noncompliant = n.NON_COMPLIANT > 0 ? `<b>${formatCount(n.NON_COMPLIANT)}</b>` : "0";
  return (
    `<tr><td><code>${esc(p.id)}</code><div class="sub">${esc(p.title)}</div></td><td>${badge(p.severity)}</td>` +
    `<td>${esc(frameworkText(p.frameworks))}</td><td class="num">${formatCount(n.COMPLIANT)}</td>` +
    `<td class="num">${noncompliant}</td><td class="num">${formatCount(n.EXEMPT)}</td>` +
    `<td class="num">${formatCount(n.NOT_APPLICABLE)}</td></tr>\n`
  );
}

const STATUS_LABEL: Record<string, string> = {
  failed: "failed",
  unknown: "unknown before deploy",
  passed: "passed",
  "not-evaluated": "not evaluated",
  "not-covered": "not covered",
};

/**
 * One framework's controls: the totals, then a table of the controls its policies judged (failed first), and the
 * ones not evaluated or not covered folded away.
 */
function frameworkSection(view: FrameworkView): string {
  const rank = (s: string) => CONTROL_STATUSES.indexOf(s as (typeof CONTROL_STATUSES)[number]);
  const rows = [...view.controls].sort((a, b) => rank(a.status) - rank(b.status));
  const row = (c: FrameworkView["controls"][number]) =>
    `<tr><td class="nowrap"><code>${esc(c.id)}</code></td><td><span class="badge st-${esc(c.status)}">${esc(STATUS_LABEL[c.status] ?? c.status)}</span></td>` +
    `<td class="num">${formatCount(c.failed)}</td><td>${c.policies.map((p) => `<code>${esc(p)}</code>`).join(", ")}</td><td>${esc(c.title)}</td></tr>\n`;
  const table = (list: typeof rows) =>
    `<table><thead><tr><th>Control</th><th>Status</th><th class="num">Violations</th><th>Policies</th><th>Title</th></tr></thead>\n<tbody>\n` +
    list.map(row).join("") +
    `</tbody></table>\n`;
  const judged = rows.filter((c) => c.status !== "not-evaluated" && c.status !== "not-covered");
  const rest = rows.filter((c) => c.status === "not-evaluated" || c.status === "not-covered");
  const source = view.source ? ` · <a href="${esc(view.source)}" rel="noreferrer">control list</a>` : "";
  return (
    `<h3>${esc(view.name)}${view.version ? ` ${esc(view.version)}` : ""}</h3>\n<p class="meta">${esc(totalsText(view.totals))}${source}</p>\n` +
    (judged.length > 0
      ? table(judged)
      : `<p class="empty">No control was judged: no resource of its policies' types.</p>\n`) +
    (rest.length > 0
      ? `<details><summary>${formatCount(rest.length)} controls not evaluated or not covered</summary>\n${table(rest)}</details>\n`
      : "")
  );
}

function card(label: string, value: number, cls = ""): string {
  return `<div class="card${cls ? ` ${cls}` : ""}"><div class="n">${formatCount(value)}</div><div class="l">${esc(label)}</div></div>`;
}

/**
 * One self-contained HTML file (inline CSS, SVG and JS; a Content-Security-Policy that forbids any fetch): totals,
 * charts of violations by severity, policy and account, the violations table (at most HTML_MAX_VIOLATIONS rows,
 * most severe first) with a text and severity filter, exemptions, per-policy counts, coverage and input problems.
 * The same data is embedded as JSON in <script type="application/json" id="guardrail-data">.
 */
export function createHtmlWriter(opts: ReportOptions): ReportWriter {
  const violations = new TopK<Evaluation>(HTML_MAX_VIOLATIONS, compareEvaluations);
  const exemptions = new TopK<Evaluation>(HTML_MAX_EXEMPTIONS, compareEvaluations);
  const unknowns = new TopK<Evaluation>(HTML_MAX_VIOLATIONS, compareEvaluations);
  const seen = new Map<string, Severity>();
  return {
    accepts: "violations",
    add(e) {
      if (e.compliance === "NON_COMPLIANT") violations.push(e);
      else if (e.compliance === "EXEMPT") exemptions.push(e);
      else if (e.compliance === "UNKNOWN") unknowns.push(e);
      else return;
      if (!seen.has(e.policyId)) seen.set(e.policyId, e.severity);
    },
    async finish(summary: ScanSummary) {
      const sink = new Sink(opts.out);
      const generatedAt = new Date().toISOString();
      const policies = orderedPolicies(summary, seen);
      const titles = new Map(policies.map((p) => [p.id, p.title]));
      const severityOf = new Map(policies.map((p) => [p.id, p.severity]));
      const vRows = violations.values();
      const xRows = exemptions.values();
      const problems = summary.problems.slice(0, HTML_MAX_PROBLEMS);
      const totals = {
        resources: summary.items.evaluated,
        evaluations: summary.evaluations,
        violations: summary.byCompliance.NON_COMPLIANT,
        exempt: summary.byCompliance.EXEMPT,
        compliant: summary.byCompliance.COMPLIANT,
        notApplicable: summary.byCompliance.NOT_APPLICABLE,
        unknown: summary.byCompliance.UNKNOWN ?? 0,
        critical: summary.violationsBySeverity.critical,
        high: summary.violationsBySeverity.high,
        expiredExemptions: summary.expiredExemptions,
      };
      const views = complianceView(summary, frameworks());
      const data = {
        tool: summary.tool,
        generatedAt,
        startedAt: summary.startedAt,
        durationMs: summary.durationMs,
        inputs: summary.inputs,
        totals,
        violationsBySeverity: summary.violationsBySeverity,
        violationsByAccount: summary.violationsByAccount,
        byPolicy: summary.byPolicy,
        policies: summary.policies,
        frameworks: views,
        files: summary.files,
        items: summary.items,
        problems: {
          total: summary.problems.length,
          omitted: summary.problems.length - problems.length,
          list: problems,
        },
        violations: { total: violations.total, omitted: violations.omitted, rows: vRows.map(jsonResult) },
        exemptions: { total: exemptions.total, omitted: exemptions.omitted, rows: xRows.map(jsonResult) },
      };

      const title = `Guardrail compliance report: ${formatCount(totals.violations)} violations`;
      const inputs = summary.inputs.slice(0, 20).map((i) => `<code>${esc(i)}</code>`);
      if (summary.inputs.length > 20) inputs.push(`… and ${formatCount(summary.inputs.length - 20)} more`);
      sink.push(
        `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n` +
          `<meta http-equiv="Content-Security-Policy" content="${CSP}">\n` +
          `<meta name="viewport" content="width=device-width, initial-scale=1">\n<meta name="generator" content="guardrail ${esc(summary.tool.version)}">\n` +
          `<title>${esc(title)}</title>\n<style>${STYLE}</style>\n</head>\n<body>\n<main>\n` +
          `<header><h1>Guardrail compliance report</h1>\n` +
          `<p class="meta">Generated <time datetime="${esc(generatedAt)}">${esc(generatedAt)}</time> by guardrail ${esc(summary.tool.version)}` +
          ` · scan started ${esc(summary.startedAt)}, took ${esc((summary.durationMs / 1000).toFixed(1))} s` +
          ` · ${plural(summary.policies.length, "policy", "policies")}</p>\n` +
          `<p class="meta">Inputs: ${inputs.join(", ") || "none"}</p></header>\n`,
      );

      // Totals and charts.
      sink.push(
        `<section class="cards">` +
          card("Resources evaluated", totals.resources) +
          card("Evaluations", totals.evaluations) +
          card("Violations", totals.violations, totals.violations > 0 ? "bad" : "ok") +
          card("Exempt", totals.exempt) +
          card("Critical", totals.critical, totals.critical > 0 ? "crit" : "") +
          card("High", totals.high, totals.high > 0 ? "bad" : "") +
          (totals.unknown > 0 ? card("Unknown before deploy", totals.unknown) : "") +
          `</section>\n`,
      );
      const byPolicy = Object.entries(summary.byPolicy)
        .map(([id, n]) => ({ id, n: n.NON_COMPLIANT ?? 0 }))
        .filter((x) => x.n > 0)
        .sort((a, b) => b.n - a.n || compareStrings(a.id, b.id));
      const byAccount = Object.entries(summary.violationsByAccount)
        .filter(([, n]) => n > 0)
        .sort((a, b) => b[1] - a[1] || compareStrings(a[0], b[0]));
      const more = (n: number, what: string) =>
        n > CHART_TOP ? ` (top ${CHART_TOP} of ${formatCount(n)} ${what})` : "";
      sink.push(
        `<h2>Violations at a glance</h2>\n<section class="charts">\n` +
          barChart(
            "By severity",
            SEVERITIES.map((s) => ({ label: s, value: summary.violationsBySeverity[s] ?? 0, cls: `bar bar-${s}` })),
            "No violations.",
          ) +
          "\n" +
          barChart(
            `By policy${more(byPolicy.length, "policies")}`,
            byPolicy.slice(0, CHART_TOP).map((x) => ({
              label: x.id,
              tip: `${x.id} (${titles.get(x.id) ?? x.id})`,
              value: x.n,
              cls: `bar bar-${severityOf.get(x.id) ?? "info"}`,
            })),
            "No violations.",
          ) +
          "\n" +
          barChart(
            `By account${more(byAccount.length, "accounts")}`,
            byAccount.slice(0, CHART_TOP).map(([account, n]) => ({ label: account || "(none)", value: n, cls: "bar" })),
            "No violations.",
          ) +
          `\n</section>\n`,
      );

      // Violations table.
      sink.push(`<h2 id="violations">Violations (${formatCount(violations.total)})</h2>\n`);
      if (violations.total === 0) {
        sink.push(`<p class="empty">No violations.</p>\n`);
      } else {
        if (violations.omitted > 0) {
          sink.push(
            `<p class="note">Showing the ${formatCount(vRows.length)} most severe of ${formatCount(violations.total)} violations; ` +
              `${formatCount(violations.omitted)} left out. The json, csv and sarif reports list them all.</p>\n`,
          );
        }
        const present = SEVERITIES.filter(
          (s) => (summary.violationsBySeverity[s] ?? 0) > 0 || vRows.some((e) => e.severity === s),
        );
        sink.push(
          `<div class="filters"><input type="search" id="violations-q" placeholder="Filter by policy, resource, account, region or text" aria-label="Filter violations">` +
            `<select id="violations-sev" aria-label="Severity"><option value="">All severities</option>` +
            present.map((s) => `<option value="${esc(s)}">${esc(s)}</option>`).join("") +
            `</select><span><span id="violations-shown">${formatCount(vRows.length)}</span> of ${formatCount(vRows.length)} rows shown</span></div>\n` +
            `<table id="violations-table"><thead><tr><th>Policy</th><th>Severity</th><th>Resource</th><th>Account</th><th>Region</th><th>Annotation</th></tr></thead>\n<tbody>\n`,
        );
        for (let i = 0; i < vRows.length; i += 500) {
          await sink.write(
            vRows
              .slice(i, i + 500)
              .map((e) => violationRow(e, titles))
              .join(""),
          );
        }
        sink.push(`</tbody></table>\n`);
      }

      // Exemptions.
      if (exemptions.total > 0) {
        sink.push(`<h2 id="exemptions">Exemptions (${formatCount(exemptions.total)})</h2>\n`);
        if (exemptions.omitted > 0) {
          sink.push(
            `<p class="note">Showing ${formatCount(xRows.length)} of ${formatCount(exemptions.total)} exemptions.</p>\n`,
          );
        }
        sink.push(
          `<table><thead><tr><th>Policy</th><th>Resource</th><th>Account</th><th>Region</th><th>Source</th><th>Owner</th><th>Expires</th><th>Justification</th></tr></thead>\n<tbody>\n`,
        );
        await sink.write(xRows.map(exemptionRow).join(""));
        sink.push(`</tbody></table>\n`);
      }
      // Template scans: verdicts that need a value known only at deploy.
      if (unknowns.total > 0) {
        sink.push(`<h2 id="unknown">Unknown before deploy (${formatCount(unknowns.total)})</h2>\n`);
        sink.push(
          `<table><thead><tr><th>Policy</th><th>Severity</th><th>Resource</th><th>File</th><th>Line</th><th>Why</th></tr></thead>\n<tbody>\n`,
        );
        await sink.write(
          unknowns
            .values()
            .map(
              (e) =>
                `<tr><td><code>${esc(e.policyId)}</code></td><td>${badge(e.severity)}</td>${resourceCell(e)}` +
                `<td>${esc(e.source?.file ?? "")}</td><td class="num">${e.source?.line ?? ""}</td><td>${esc(e.annotation ?? "")}</td></tr>\n`,
            )
            .join(""),
        );
        sink.push(`</tbody></table>\n`);
      }
      if (summary.expiredExemptions > 0) {
        sink.push(
          `<p class="note">${plural(summary.expiredExemptions, "exemption")} expired; those resources are reported as violations again.</p>\n`,
        );
      }

      // Per-policy table.
      sink.push(
        `<h2 id="policies">Policies (${formatCount(policies.length)})</h2>\n` +
          `<table><thead><tr><th>Policy</th><th>Severity</th><th>Frameworks</th><th class="num">Compliant</th><th class="num">Non-compliant</th><th class="num">Exempt</th><th class="num">N/A</th></tr></thead>\n<tbody>\n`,
      );
      await sink.write(policies.map((p) => policyRow(p, summary)).join(""));
      sink.push(`</tbody></table>\n`);

      // Compliance frameworks.
      if (views.length > 0) {
        sink.push(`<h2 id="frameworks">Compliance frameworks</h2>\n`);
        for (const v of views) await sink.write(frameworkSection(v));
      }

      // Coverage and problems.
      const notCovered = Object.entries(summary.items.notCovered).sort(
        (a, b) => b[1] - a[1] || compareStrings(a[0], b[0]),
      );
      const notCoveredTotal = notCovered.reduce((n, [, k]) => n + k, 0);
      sink.push(
        `<h2 id="coverage">Coverage</h2>\n<dl class="kv">` +
          `<dt>Files read</dt><dd>${formatCount(summary.files.read)}</dd>` +
          `<dt>Files failed</dt><dd>${formatCount(summary.files.failed)}</dd>` +
          `<dt>Items read</dt><dd>${formatCount(summary.items.read)}</dd>` +
          `<dt>Resources evaluated</dt><dd>${formatCount(summary.items.evaluated)}</dd>` +
          `<dt>Deleted resources</dt><dd>${formatCount(summary.items.deleted)}</dd>` +
          `<dt>Items of types no policy covers</dt><dd>${formatCount(notCoveredTotal)}</dd>` +
          `<dt>Expired exemptions</dt><dd>${formatCount(summary.expiredExemptions)}</dd></dl>\n`,
      );
      if (notCovered.length > 0) {
        sink.push(
          `<h3>Resource types no policy covers</h3>\n<table><thead><tr><th>Resource type</th><th class="num">Items</th></tr></thead><tbody>\n` +
            notCovered
              .map(([type, n]) => `<tr><td><code>${esc(type)}</code></td><td class="num">${formatCount(n)}</td></tr>\n`)
              .join("") +
            `</tbody></table>\n`,
        );
      }
      sink.push(`<h3>Input problems (${formatCount(summary.problems.length)})</h3>\n`);
      if (summary.problems.length === 0) {
        sink.push(`<p class="empty">None: every input was read.</p>\n`);
      } else {
        const sorted = [...problems].sort((a, b) => (a.level === b.level ? 0 : a.level === "error" ? -1 : 1));
        sink.push(
          `<ul class="problems">\n` +
            sorted
              .map(
                (p) =>
                  `<li class="${p.level === "error" ? "error" : "warning"}"><b>${esc(p.level)}</b> <code>${esc(p.file)}</code>` +
                  `${p.pointer ? ` <code>${esc(p.pointer)}</code>` : ""}: ${esc(p.message)}</li>\n`,
              )
              .join("") +
            `</ul>\n`,
        );
        if (summary.problems.length > problems.length) {
          sink.push(
            `<p class="note">${formatCount(summary.problems.length - problems.length)} more problems left out.</p>\n`,
          );
        }
      }

      sink.push(
        `<footer>guardrail ${esc(summary.tool.version)} · generated ${esc(generatedAt)} · data embedded as JSON in #guardrail-data</footer>\n</main>\n`,
      );
      await sink.write(`<script type="application/json" id="guardrail-data">${scriptJson(data)}</script>\n`);
      sink.push(`<script>${SCRIPT}</script>\n</body>\n</html>\n`);
      await sink.end();
    },
  };
}
