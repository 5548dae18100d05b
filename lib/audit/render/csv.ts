import { csvField } from "../../report/csv";
import type { AuditReport } from "../model";
import { plural } from "../../util/words";

/**
 * CSV for other tools: one row per finding (a CloudTrail policy violation, a breaking change with its remediation,
 * a denied call), every row, ordered by section then time; then what the report does not cover: each file not read
 * (`file-not-read`) and each problem named in the files read (`input-problem`: the file in `resource`, the record
 * and the reason in `detail`), with one more row counting the problems not named. Fields are formula-guarded like
 * the scan's CSV.
 */
export const AUDIT_CSV_COLUMNS = [
  "section", "event_time", "event_id", "account_id", "region", "principal", "actor", "source_ip", "event_name",
  "policy_id", "severity", "resource", "team", "outcome", "time_to_remediate_ms", "open", "detail",
] as const; // prettier-ignore

function row(values: (string | number | boolean | undefined)[]): string {
  return values.map((v) => csvField(v === undefined ? undefined : typeof v === "number" ? String(v) : v)).join(",");
}

export function renderCsv(r: AuditReport): string {
  const lines = [AUDIT_CSV_COLUMNS.join(",")];
  for (const v of r.policyViolations.rows) {
    lines.push(row(["policy-violation", v.eventTime, v.eventID, v.accountId, v.region, v.principal, v.actor, v.sourceIPAddress, `${v.service}:${v.eventName}`, v.policyId, v.severity, "", "", "", undefined, "", v.annotation])); // prettier-ignore
  }
  for (const b of r.remediation.rows) {
    lines.push(row(["breaking-change", b.changedAt, b.eventID, b.accountId, b.region, b.principal, "", b.sourceIPAddress, b.eventName, b.policyId, b.severity, `${b.resourceType}|${b.resourceId}`, b.team, b.outcome, b.timeToRemediateMs, b.open, b.recordId])); // prettier-ignore
  }
  for (const d of r.denied.rows) {
    lines.push(row(["denied", d.eventTime, d.eventID, d.accountId, d.region, d.principal, d.actor, d.sourceIPAddress, `${d.service}:${d.eventName}`, "", "", d.resources.join(" "), "", d.errorCode, undefined, "", ""])); // prettier-ignore
  }
  const c = r.coverage;
  for (const f of c.skipped) {
    lines.push(row(["file-not-read", "", "", "", "", "", "", "", "", "", "", f.file, "", "", undefined, "", f.reason])); // prettier-ignore
  }
  for (const p of c.problems.listed) {
    const where = p.record === undefined ? "" : `/Records/${p.record}: `;
    lines.push(row(["input-problem", "", "", "", "", "", "", "", "", "", "", p.file, "", "", undefined, "", `${where}${p.reason}`])); // prettier-ignore
  }
  const more = c.problems.total - c.problems.listed.length;
  if (more > 0) {
    lines.push(row(["input-problem", "", "", "", "", "", "", "", "", "", "", "", "", "", undefined, "", `${plural(more, "more problem")}, counted but not named (${c.problems.total} in all)`])); // prettier-ignore
  }
  return lines.join("\r\n") + "\r\n";
}
