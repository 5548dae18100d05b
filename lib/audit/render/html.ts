import { createHash } from "node:crypto";
import { htmlEscape as esc, scriptJson } from "../../report/html";
import type { AuditReport, DurationStats } from "../model";
import { filtersText, incompleteText, recordText } from "./markdown";
import { fmtBytes, fmtCount, fmtDuration, headlineLegend, TABLE_ROWS, TOP } from "./text";
import { plural } from "../../util/words";

/**
 * One self-contained HTML file a security lead can forward: inline CSS and SVG charts (violations over time, time
 * to remediate by account, top principals), no script, a Content-Security-Policy that forbids every fetch. Looks
 * like the scan's HTML report (lib/report/html.ts: same palette, cards, bar charts). Every headline figure carries
 * `data-figure="<path in the JSON report>"` and `data-value` (the exact number), so tests and tools can read the
 * page and hold it against the JSON report. The JSON report itself is embedded (application/json, not run).
 */

const STYLE = `
:root{--fg:#1f2937;--muted:#6b7280;--line:#e5e7eb;--bg:#fff;--panel:#f9fafb;--accent:#4f46e5;
--critical:#7f1d1d;--high:#dc2626;--medium:#d97706;--low:#2563eb;--info:#6b7280;--ok:#15803d}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1280px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 12px;border-bottom:1px solid var(--line);padding-bottom:6px}
h3{font-size:15px;margin:18px 0 8px}
.meta{color:var(--muted);margin:0}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;margin-top:20px}
.card{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:12px 14px}
.card .n{font-size:26px;font-weight:600}.card .l{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.card.bad .n{color:var(--high)}.card.crit .n{color:var(--critical)}.card.ok .n{color:var(--ok)}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:16px}
figure{margin:0;background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:12px}
figcaption{font-weight:600;margin-bottom:6px}svg{width:100%;height:auto;display:block}
svg text{font-size:12px;fill:var(--fg)}svg .val{fill:var(--muted)}svg .axis{stroke:var(--line)}
.bar{fill:var(--accent)}.bar-p90{fill:#a5b4fc}.bar-violation{fill:var(--high)}.bar-breaking{fill:var(--medium)}
.legend{font-weight:400;color:var(--muted);font-size:12px}.legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px;border-radius:2px}
.sw-high{background:var(--high)}.sw-medium{background:var(--medium)}.sw-accent{background:var(--accent)}.sw-p90{background:#a5b4fc}
.empty{color:var(--muted);font-style:italic}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid var(--line)}
th{background:var(--panel)}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td{overflow-wrap:anywhere}td.nowrap{white-space:nowrap;overflow-wrap:normal}.sub{color:var(--muted);font-size:12px}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
.badge{display:inline-block;border-radius:10px;padding:1px 8px;font-size:11px;font-weight:600;color:#fff;text-transform:uppercase;white-space:nowrap}
.sev-critical{background:var(--critical)}.sev-high{background:var(--high)}.sev-medium{background:var(--medium)}
.sev-low{background:var(--low)}.sev-info{background:var(--info)}.open{background:var(--high)}.closed{background:var(--ok)}
.note{background:#fffbeb;border:1px solid #fde68a;border-radius:6px;padding:6px 10px}
dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px}dl.kv dt{color:var(--muted)}dl.kv dd{margin:0}
footer{color:var(--muted);margin-top:40px;font-size:12px}
`;

const sha256 = (s: string) => `'sha256-${createHash("sha256").update(s).digest("base64")}'`;
const CSP = `default-src 'none'; style-src ${sha256(STYLE)}; img-src data:; base-uri 'none'; form-action 'none'`;

function card(label: string, figure: string, value: number, cls = ""): string {
  return (
    `<div class="card${cls ? ` ${cls}` : ""}" data-figure="${esc(figure)}" data-value="${value}">` +
    `<div class="n">${fmtCount(value)}</div><div class="l">${esc(label)}</div></div>`
  );
}

interface Bar {
  label: string;
  value: number;
  text?: string;
  cls?: string;
}

function hbars(caption: string, groups: { label: string; bars: Bar[] }[], empty: string, legend = ""): string {
  const max = Math.max(0, ...groups.flatMap((g) => g.bars.map((b) => b.value)));
  if (max === 0 || groups.length === 0) {
    return `<figure><figcaption>${esc(caption)}</figcaption><p class="empty">${esc(empty)}</p></figure>`;
  }
  const labelW = 230;
  const barW = 240;
  const rowH = 20;
  const per = Math.max(...groups.map((g) => g.bars.length));
  const groupH = per * rowH + 6;
  const width = labelW + barW + 110;
  const height = groups.length * groupH + 6;
  const parts = groups.map((g, i) => {
    const y0 = 3 + i * groupH;
    const label = g.label.length > 34 ? `…${g.label.slice(-33)}` : g.label;
    const rows = g.bars.map((b, j) => {
      const y = y0 + j * rowH;
      const w = b.value > 0 ? Math.max(2, Math.round((b.value / max) * barW)) : 0;
      return (
        `<rect x="${labelW}" y="${y + 4}" width="${w}" height="13" rx="2" class="${esc(b.cls ?? "bar")}"></rect>` +
        `<text class="val" x="${labelW + w + 6}" y="${y + 15}">${esc(b.text ?? fmtCount(b.value))}</text>`
      );
    });
    return (
      `<g><title>${esc(g.label)}: ${esc(g.bars.map((b) => b.text ?? fmtCount(b.value)).join(", "))}</title>` +
      `<text x="${labelW - 8}" y="${y0 + 15}" text-anchor="end">${esc(label)}</text>${rows.join("")}</g>`
    );
  });
  return (
    `<figure><figcaption>${esc(caption)}${legend}</figcaption>` +
    `<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(caption)}">${parts.join("")}</svg></figure>`
  );
}

/** Columns per day: CloudTrail policy violations and breaking changes, stacked. */
function timeline(r: AuditReport): string {
  const days = new Map<string, { v: number; b: number }>();
  for (const d of r.policyViolations.byDay) days.set(d.key, { v: d.count, b: 0 });
  for (const b of r.remediation.rows) {
    const k = b.changedAt.slice(0, 10);
    const e = days.get(k) ?? { v: 0, b: 0 };
    e.b++;
    days.set(k, e);
  }
  const list = [...days.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const caption = "Violations over time";
  const legend =
    `<span class="legend"><span class="sw-high"></span>CloudTrail policy violations` +
    `<span class="sw-medium"></span>changes that broke a policy</span>`;
  if (list.length === 0)
    return `<figure><figcaption>${caption}</figcaption><p class="empty">No violations.</p></figure>`;
  const max = Math.max(...list.map(([, e]) => e.v + e.b));
  const plotH = 160;
  const colW = Math.max(6, Math.min(28, Math.floor(580 / list.length)));
  const width = Math.max(640, list.length * colW + 60);
  const height = plotH + 40;
  const cols = list.map(([day, e], i) => {
    const x = 40 + i * colW;
    const hv = Math.round((e.v / max) * plotH);
    const hb = Math.round((e.b / max) * plotH);
    const label = list.length <= 16 || i % Math.ceil(list.length / 16) === 0;
    return (
      `<g><title>${esc(day)}: ${plural(e.v, "CloudTrail policy violation")}, ${plural(e.b, "breaking change")}</title>` +
      `<rect class="bar-violation" x="${x}" y="${plotH - hv}" width="${colW - 2}" height="${hv}"></rect>` +
      `<rect class="bar-breaking" x="${x}" y="${plotH - hv - hb}" width="${colW - 2}" height="${hb}"></rect>` +
      (label ? `<text x="${x}" y="${plotH + 16}" class="val">${esc(day.slice(5))}</text>` : "") +
      `</g>`
    );
  });
  return (
    `<figure><figcaption>${caption} ${legend}</figcaption><svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${caption}">` +
    `<line class="axis" x1="38" y1="${plotH}" x2="${width}" y2="${plotH}"></line>` +
    `<text x="0" y="12" class="val">${max}</text>${cols.join("")}</svg></figure>`
  );
}

function ttrChart(stats: DurationStats[]): string {
  const legend =
    `<span class="legend"><span class="sw-accent"></span>median` + `<span class="sw-p90"></span>p90</span>`;
  return hbars(
    "Time to remediate by account",
    stats.map((s) => ({
      label: s.key,
      bars: [
        { label: "median", value: s.medianMs, text: `median ${fmtDuration(s.medianMs)}`, cls: "bar" },
        { label: "p90", value: s.p90Ms, text: `p90 ${fmtDuration(s.p90Ms)}`, cls: "bar-p90" },
      ],
    })),
    "No fixed changes.",
    legend,
  );
}

function table(head: string[], rows: string[][], total: number, numeric: number[] = []): string {
  if (total === 0) return `<p class="empty">None.</p>\n`;
  const th = head.map((h, i) => `<th${numeric.includes(i) ? ' class="num"' : ""}>${esc(h)}</th>`).join("");
  const body = rows
    .slice(0, TABLE_ROWS)
    .map((r) => `<tr>${r.map((c, i) => `<td${numeric.includes(i) ? ' class="num"' : ""}>${c}</td>`).join("")}</tr>`)
    .join("\n");
  const more =
    total > TABLE_ROWS
      ? `<p class="note">…and ${fmtCount(total - TABLE_ROWS)} more: see the JSON or CSV report.</p>`
      : "";
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>${more}\n`;
}

const code = (s: string) => `<code>${esc(s)}</code>`;
const badge = (s: string, cls = `sev-${s}`) => `<span class="badge ${esc(cls)}">${esc(s)}</span>`;

function ttrTable(title: string, path: string, stats: DurationStats[]): string {
  const rows = stats.map((s) => [
    esc(s.key),
    `<span data-figure="${esc(`${path}.${s.key}.count`)}" data-value="${s.count}">${fmtCount(s.count)}</span>`,
    `<span data-figure="${esc(`${path}.${s.key}.medianMs`)}" data-value="${s.medianMs}">${esc(fmtDuration(s.medianMs))}</span>`,
    `<span data-figure="${esc(`${path}.${s.key}.p90Ms`)}" data-value="${s.p90Ms}">${esc(fmtDuration(s.p90Ms))}</span>`,
  ]);
  return `<h3>${esc(title)}</h3>\n${table([title.replace(/^By /, ""), "fixed", "median", "p90"], rows, rows.length, [1, 2, 3])}`;
}

export function renderHtml(r: AuditReport): string {
  const c = r.coverage;
  const t = r.remediation.timeToRemediate;
  const s: string[] = [];
  s.push(
    `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n` +
      `<meta http-equiv="Content-Security-Policy" content="${CSP}">\n` +
      `<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
      `<title>Guardrail audit report</title>\n<style>${STYLE}</style>\n</head>\n<body>\n<main>\n` +
      `<header><h1>Guardrail audit report</h1>\n` +
      `<p class="meta">Generated <time datetime="${esc(r.generatedAt)}">${esc(r.generatedAt)}</time> by guardrail ${esc(r.tool.version)}` +
      ` · trail ${code(r.trail)}${r.records ? ` · remediation records ${code(r.records)}` : ""}</p>\n` +
      `<p class="meta">Date folders ${esc(c.firstDate ?? "–")} … ${esc(c.lastDate ?? "–")} · filters: ${esc(filtersText(r))}</p></header>\n`,
  );
  const incomplete = incompleteText(r);
  if (incomplete) s.push(`<p class="note">Incomplete: ${esc(incomplete)} (see Coverage).</p>\n`);
  s.push(
    `<section class="cards">` +
      card("Governed changes", "changes.total", r.changes.total) +
      card("CloudTrail policy violations", "policyViolations.total", r.policyViolations.total, r.policyViolations.total > 0 ? "crit" : "ok") +
      card("Breaking changes", "remediation.total", r.remediation.total, r.remediation.total > 0 ? "bad" : "ok") +
      card("Fixed and verified", "remediation.fixed", r.remediation.fixed) +
      card("Still open", "remediation.open", r.remediation.open, r.remediation.open > 0 ? "bad" : "ok") +
      card("Denied calls", "denied.total", r.denied.total) +
      card("Repeat offenders", "repeatOffenders.length", r.repeatOffenders.length) +
      `</section>\n`,
  ); // prettier-ignore
  s.push(`<p class="meta">${esc(headlineLegend(r))}</p>\n`);
  s.push(
    `<h2>At a glance</h2>\n<section class="charts">\n${timeline(r)}\n${ttrChart(t.byAccount)}\n` +
      hbars(
        `Top principals by governed changes${r.changes.byPrincipal.length > TOP ? ` (top ${TOP} of ${fmtCount(r.changes.byPrincipal.length)})` : ""}`,
        r.changes.byPrincipal.slice(0, TOP).map((p) => ({ label: p.key, bars: [{ label: p.key, value: p.count }] })),
        "No changes.",
      ) +
      `\n</section>\n`,
  );

  s.push(
    `<h2 id="changes">1. Changes to governed resources (${fmtCount(r.changes.total)})</h2>\n<section class="charts">\n`,
  );
  const countChart = (title: string, list: { key: string; count: number }[]) =>
    hbars(
      title,
      list.slice(0, TOP).map((x) => ({ label: x.key, bars: [{ label: x.key, value: x.count }] })),
      "No changes.",
    );
  s.push(countChart("By account", r.changes.byAccount) + countChart("By service", r.changes.byService));
  s.push(countChart("By day", r.changes.byDay) + countChart("By resource type", r.changes.byResourceType));
  s.push(`</section>\n`);

  s.push(
    `<h2 id="policy-violations">2. Violations of CloudTrail policies (${fmtCount(r.policyViolations.total)})</h2>\n`,
  );
  s.push(
    table(
      ["time", "policy", "severity", "principal", "from", "account / region", "call"],
      r.policyViolations.rows.slice(0, TABLE_ROWS).map((v) => [
        `<span class="nowrap">${esc(v.eventTime)}</span>`, code(v.policyId), badge(v.severity), code(v.principal),
        esc(v.sourceIPAddress), `${esc(v.accountId)}<div class="sub">${esc(v.region)}</div>`, `${esc(v.service)}:${esc(v.eventName)}`,
      ]),
      r.policyViolations.total,
    ),
  ); // prettier-ignore

  s.push(
    `<h2 id="remediation">3. Changes that broke a policy, and what was done (${fmtCount(r.remediation.total)})</h2>\n`,
  );
  s.push(
    `<dl class="kv"><dt>Time to remediate, all</dt><dd><span data-figure="remediation.timeToRemediate.overall.medianMs" data-value="${t.overall.medianMs}">median ${esc(fmtDuration(t.overall.medianMs))}</span>, ` +
      `<span data-figure="remediation.timeToRemediate.overall.p90Ms" data-value="${t.overall.p90Ms}">p90 ${esc(fmtDuration(t.overall.p90Ms))}</span> over ${plural(t.overall.count, "fixed change")}</dd></dl>\n`,
  );
  s.push(ttrTable("By account", "remediation.timeToRemediate.byAccount", t.byAccount));
  s.push(ttrTable("By team", "remediation.timeToRemediate.byTeam", t.byTeam));
  s.push(ttrTable("By policy", "remediation.timeToRemediate.byPolicy", t.byPolicy));
  s.push(`<h3>Changes</h3>\n`);
  s.push(
    table(
      ["changed", "principal", "call", "policy", "resource", "team", "detected", "outcome", "verified", "time to remediate", ""],
      r.remediation.rows.slice(0, TABLE_ROWS).map((b) => [
        `<span class="nowrap">${esc(b.changedAt)}</span>`, code(b.principal), esc(b.eventName), code(b.policyId),
        `${code(b.resourceId)}<div class="sub">${esc(b.resourceType)} · ${esc(b.accountId)} ${esc(b.region)}</div>`, esc(b.team),
        esc(b.detectedAt), `${esc(b.outcome)}${b.attempts > 1 ? `<div class="sub">${b.attempts} attempts</div>` : ""}`,
        b.verification ? `${esc(b.verification.compliance)}<div class="sub">${esc(b.verification.verifiedAt)}</div>` : "–",
        b.timeToRemediateMs === undefined ? "–" : esc(fmtDuration(b.timeToRemediateMs)),
        b.open ? badge("open", "open") : badge("closed", "closed"),
      ]),
      r.remediation.total,
    ),
  ); // prettier-ignore

  s.push(`<h2 id="actors">4. Changes outside the deployment pipeline</h2>\n`);
  s.push(
    `<section class="cards">${r.actors.byKind.map((k) => card(k.key, `actors.byKind.${k.key}.count`, k.count)).join("")}</section>\n`,
  );
  const actorRows = (list: { key: string; count: number }[]) =>
    list.slice(0, TABLE_ROWS).map((k) => {
      const [kind = "", principal = ""] = k.key.split("\t");
      return [esc(kind), code(principal), fmtCount(k.count)];
    });
  s.push(`<h3>Outside the pipeline (console, people, root)</h3>\n`);
  s.push(
    table(["kind", "principal", "changes"], actorRows(r.actors.outsidePipeline), r.actors.outsidePipeline.length, [2]),
  );
  s.push(`<h3>Pipeline and services</h3>\n`);
  s.push(table(["kind", "principal", "changes"], actorRows(r.actors.pipeline), r.actors.pipeline.length, [2]));

  s.push(`<h2 id="denied">5. Denied calls on governed resources (${fmtCount(r.denied.total)})</h2>\n`);
  s.push(
    table(
      ["time", "principal", "call", "error", "resources", "account / region"],
      r.denied.rows.slice(0, TABLE_ROWS).map((d) => [
        `<span class="nowrap">${esc(d.eventTime)}</span>`, code(d.principal), `${esc(d.service)}:${esc(d.eventName)}`,
        code(d.errorCode), d.resources.map(code).join("<br>"), `${esc(d.accountId)}<div class="sub">${esc(d.region)}</div>`,
      ]),
      r.denied.total,
    ),
  ); // prettier-ignore

  s.push(`<h2 id="repeat-offenders">6. Repeat offenders (${fmtCount(r.repeatOffenders.length)})</h2>\n`);
  s.push(
    table(
      ["principal", "breaking changes", "policies", "accounts"],
      r.repeatOffenders.map((o) => [code(o.principal), fmtCount(o.breaks), o.policies.map(code).join(" "), esc(o.accounts.join(", "))]),
      r.repeatOffenders.length,
      [1],
    ),
  ); // prettier-ignore

  s.push(`<h2 id="coverage">7. Coverage</h2>\n<section class="cards">`);
  s.push(
    card("Files read", "coverage.files", c.files) +
      card("Files skipped", "coverage.filesSkipped", c.filesSkipped, c.filesSkipped > 0 ? "bad" : "ok") +
      card("Problems in files read", "coverage.problems.total", c.problems.total, c.problems.total > 0 ? "bad" : "ok") +
      card(
        "Records left out",
        "coverage.problems.recordsLeftOut",
        c.problems.recordsLeftOut,
        c.problems.recordsLeftOut > 0 ? "bad" : "ok",
      ) +
      card("Records", "coverage.records", c.records) +
      card("Mutating records", "coverage.mutating", c.mutating) +
      card("Duplicates dropped", "coverage.duplicates", c.duplicates) +
      card("Remediation records", "coverage.remediationRecords", c.remediationRecords),
  );
  s.push(`</section>\n<dl class="kv">`);
  s.push(
    `<dt>Accounts</dt><dd>${esc(c.accounts.join(", ") || "–")}</dd><dt>Regions</dt><dd>${esc(c.regions.join(", ") || "–")}</dd>` +
      `<dt>Date folders</dt><dd>${esc(c.firstDate ?? "–")} … ${esc(c.lastDate ?? "–")}</dd>` +
      `<dt>Event times</dt><dd>${esc(c.firstEventTime ?? "–")} … ${esc(c.lastEventTime ?? "–")}</dd>` +
      `<dt>${c.engine === "athena" ? "Scanned by Athena" : "Uncompressed"}</dt><dd>${esc(fmtBytes(c.bytes))}</dd></dl>\n`,
  );
  if (c.skipped.length > 0) {
    s.push(`<h3>Skipped files</h3>\n`);
    s.push(
      table(
        ["file", "reason"],
        c.skipped.map((x) => [code(x.file), esc(x.reason)]),
        c.skipped.length,
      ),
    );
  }
  if (c.problems.total > 0) {
    s.push(`<h3>Problems in the files read</h3>\n`);
    s.push(
      table(
        ["file", "record", "problem"],
        c.problems.listed.map((p) => [code(p.file), code(recordText(p.record)), esc(p.reason)]),
        c.problems.listed.length,
      ),
    );
    const more = c.problems.total - c.problems.listed.length;
    if (more > 0) s.push(`<p class="sub">…and ${fmtCount(more)} more, counted but not named (the first ${c.problems.listed.length} are).</p>\n`); // prettier-ignore
  }
  s.push(
    `<footer>guardrail audit · the figures above are the JSON report's, embedded below.</footer>\n` +
      `<script type="application/json" id="audit-report">${scriptJson(r)}</script>\n</main>\n</body>\n</html>\n`,
  );
  return s.join("");
}
