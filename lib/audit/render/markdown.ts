import type { AuditReport, Count, DurationStats } from "../model";
import { fmtBytes, fmtCount, fmtDuration, headlineLegend, TABLE_ROWS, TOP } from "./text";
import { plural } from "../../util/words";

/** Markdown for tickets and pull requests: every section, tables cut at TABLE_ROWS rows with the rest counted. */

function cell(s: string | number): string {
  return String(s).replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

function table(head: string[], rows: (string | number)[][], total = rows.length): string {
  if (rows.length === 0) return "_None._\n";
  const lines = [`| ${head.join(" | ")} |`, `| ${head.map(() => "---").join(" | ")} |`];
  for (const r of rows.slice(0, TABLE_ROWS)) lines.push(`| ${r.map(cell).join(" | ")} |`);
  if (total > TABLE_ROWS) lines.push("", `_…and ${fmtCount(total - TABLE_ROWS)} more (see the JSON or CSV report)._`);
  return lines.join("\n") + "\n";
}

function countTable(title: string, counts: Count[], top = TOP): string {
  const more = counts.length > top ? ` (top ${top} of ${fmtCount(counts.length)})` : "";
  return `**${title}**${more}\n\n${table(
    [title.replace(/^By /, ""), "changes"],
    counts.slice(0, top).map((c) => [c.key, fmtCount(c.count)]),
  )}`;
}

function ttrTable(title: string, stats: DurationStats[]): string {
  return `**${title}**\n\n${table(
    [title.replace(/^By /, ""), "fixed", "median", "p90"],
    stats.map((s) => [s.key, fmtCount(s.count), fmtDuration(s.medianMs), fmtDuration(s.p90Ms)]),
  )}`;
}

export function renderMarkdown(r: AuditReport): string {
  const c = r.coverage;
  const out: string[] = [];
  out.push(`# Guardrail audit report\n`);
  out.push(
    `Generated ${r.generatedAt} by guardrail ${r.tool.version} from \`${r.trail}\`${r.records ? ` and remediation records \`${r.records}\`` : ""}.\n`,
  );
  const incomplete = incompleteText(r);
  if (incomplete) out.push(`> **Incomplete:** ${incomplete} (see Coverage).\n`);
  out.push(
    `| Governed changes | CloudTrail policy violations | Breaking changes | Still open | Denied calls | Repeat offenders |`,
  );
  out.push(`| ---: | ---: | ---: | ---: | ---: | ---: |`);
  out.push(
    `| ${fmtCount(r.changes.total)} | ${fmtCount(r.policyViolations.total)} | ${fmtCount(r.remediation.total)} | ${fmtCount(r.remediation.open)} | ${fmtCount(r.denied.total)} | ${fmtCount(r.repeatOffenders.length)} |\n`,
  );
  out.push(`${headlineLegend(r)}\n`);

  out.push(`## 1. Changes to governed resources\n`);
  out.push(`${fmtCount(r.changes.total)} successful mutating calls on resource types the policies cover.\n`);
  out.push(countTable("By account", r.changes.byAccount));
  out.push(countTable("By service", r.changes.byService));
  out.push(countTable("By principal", r.changes.byPrincipal));
  out.push(countTable("By day", r.changes.byDay, 366));

  out.push(`## 2. Violations of CloudTrail policies\n`);
  out.push(
    table(
      ["time", "policy", "severity", "principal", "from", "account", "region", "call"],
      r.policyViolations.rows.map((v) => [v.eventTime, v.policyId, v.severity, v.principal, v.sourceIPAddress, v.accountId, v.region, `${v.service}:${v.eventName}`]),
      r.policyViolations.total,
    ),
  ); // prettier-ignore

  out.push(`## 3. Changes that broke a policy, and what was done\n`);
  const t = r.remediation.timeToRemediate;
  const otherwise = r.remediation.total - r.remediation.fixed - r.remediation.open;
  out.push(
    `${plural(r.remediation.total, "breaking change")}; ${fmtCount(r.remediation.fixed)} fixed and verified, ${fmtCount(r.remediation.open)} still open` +
      (otherwise > 0 ? `, ${fmtCount(otherwise)} closed without a fix (already compliant, exempt or gone). ` : ". ") +
      `Time to remediate: median ${fmtDuration(t.overall.medianMs)}, p90 ${fmtDuration(t.overall.p90Ms)}.\n`,
  );
  out.push(ttrTable("By account", t.byAccount));
  out.push(ttrTable("By team", t.byTeam));
  out.push(ttrTable("By policy", t.byPolicy));
  out.push(`**Changes**\n`);
  out.push(
    table(
      ["changed", "principal", "call", "policy", "resource", "team", "detected", "outcome", "verified", "time to remediate", "open"],
      r.remediation.rows.map((b) => [
        b.changedAt, b.principal, b.eventName, b.policyId, b.resourceId, b.team, b.detectedAt, b.outcome,
        b.verification ? `${b.verification.compliance} ${b.verification.verifiedAt}` : "–",
        b.timeToRemediateMs === undefined ? "–" : fmtDuration(b.timeToRemediateMs), b.open ? "**open**" : "closed",
      ]),
      r.remediation.total,
    ),
  ); // prettier-ignore

  out.push(`## 4. Changes outside the deployment pipeline\n`);
  out.push(
    table(
      ["made by", "changes"],
      r.actors.byKind.map((k) => [k.key, fmtCount(k.count)]),
    ),
  );
  out.push(`**Outside the pipeline (console, people, root)**\n`);
  out.push(
    table(
      ["kind", "principal", "changes"],
      r.actors.outsidePipeline.map((k) => [...k.key.split("\t"), fmtCount(k.count)]),
    ),
  );
  out.push(`**Pipeline and services**\n`);
  out.push(table(["kind", "principal", "changes"], r.actors.pipeline.slice(0, TOP).map((k) => [...k.key.split("\t"), fmtCount(k.count)]), r.actors.pipeline.length)); // prettier-ignore

  out.push(`## 5. Denied calls on governed resources\n`);
  out.push(
    table(
      ["time", "principal", "call", "error", "resources", "account", "region"],
      r.denied.rows.map((d) => [d.eventTime, d.principal, `${d.service}:${d.eventName}`, d.errorCode, d.resources.join(", "), d.accountId, d.region]),
      r.denied.total,
    ),
  ); // prettier-ignore

  out.push(`## 6. Repeat offenders\n`);
  out.push(
    table(
      ["principal", "breaking changes", "policies", "accounts"],
      r.repeatOffenders.map((o) => [o.principal, fmtCount(o.breaks), o.policies.join(", "), o.accounts.join(", ")]),
    ),
  );

  out.push(`## 7. Coverage\n`);
  out.push(
    table(
      ["", ""],
      [
        ["accounts", c.accounts.join(", ") || "–"],
        ["regions", c.regions.join(", ") || "–"],
        ["date folders", c.firstDate ? `${c.firstDate} … ${c.lastDate}` : "–"],
        ["filters", filtersText(r)],
        ["files read", fmtCount(c.files)],
        ["files skipped", fmtCount(c.filesSkipped)],
        ["problems in the files read", fmtCount(c.problems.total)],
        ["records left out for a problem", fmtCount(c.problems.recordsLeftOut)],
        ["records (deduplicated)", fmtCount(c.records)],
        ["mutating records", fmtCount(c.mutating)],
        ["duplicate deliveries dropped", fmtCount(c.duplicates)],
        [c.engine === "athena" ? "bytes scanned by Athena" : "uncompressed bytes", fmtBytes(c.bytes)],
        ["remediation records", fmtCount(c.remediationRecords)],
      ],
    ),
  );
  if (c.skipped.length > 0) {
    out.push(`**Skipped files**\n`);
    out.push(
      table(
        ["file", "reason"],
        c.skipped.map((s) => [s.file, s.reason]),
      ),
    );
  }
  if (c.problems.total > 0) {
    out.push(`**Problems in the files read**\n`);
    out.push(
      table(
        ["file", "record", "problem"],
        c.problems.listed.map((p) => [p.file, recordText(p.record), p.reason]),
      ),
    );
    const more = c.problems.total - c.problems.listed.length;
    if (more > 0) out.push(`_…and ${fmtCount(more)} more, counted but not named (the first ${c.problems.listed.length} are)._\n`); // prettier-ignore
  }
  return out.join("\n");
}

/** Where in its file a problem is: the record's JSON pointer, or the file itself. */
export function recordText(record: number | undefined): string {
  return record === undefined ? "(the file)" : `/Records/${record}`;
}

/** What the report does not cover, in words (undefined: everything was read). */
export function incompleteText(r: AuditReport): string | undefined {
  const c = r.coverage;
  const parts: string[] = [];
  if (c.filesSkipped > 0) parts.push(`${plural(c.filesSkipped, "file")} could not be read (skipped)`);
  if (c.problems.total > 0) {
    const left = c.problems.recordsLeftOut;
    parts.push(`${plural(c.problems.total, "problem")} in the files read${left > 0 ? `, ${plural(left, "record")} left out` : ""}`); // prettier-ignore
  }
  return parts.length > 0 ? parts.join("; ") : undefined;
}

export function filtersText(r: AuditReport): string {
  const f = r.filters;
  const parts = [
    f.from ? `from ${f.from}` : "",
    f.to ? `to ${f.to}` : "",
    f.accounts?.length ? `accounts ${f.accounts.join(", ")}` : "",
    f.regions?.length ? `regions ${f.regions.join(", ")}` : "",
  ].filter(Boolean);
  return parts.length > 0 ? parts.join("; ") : "none";
}
