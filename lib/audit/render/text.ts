/** Small text helpers shared by the audit's formats. */

export function fmtDuration(ms: number): string {
  if (!Number.isFinite(ms)) return "–";
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, "0")} s`;
  const h = Math.floor(m / 60);
  return `${h} h ${String(m % 60).padStart(2, "0")} min`;
}

export function fmtCount(n: number): string {
  return n.toLocaleString("en-US");
}

export function fmtBytes(n: number): string {
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GB`;
}

/** Rows shown in Markdown and HTML tables per section; the JSON and CSV carry every row. */
export const TABLE_ROWS = 200;
export const TOP = 15;

/**
 * The headline's two counts look alike and count different things: calls (anyone's, Guardrail's fixes included)
 * and violations a remediation record answers (some raised by no call in the trail: a Config rule's sweep found
 * them). Said under the headline in every format a person reads.
 */
export function headlineLegend(r: { remediation: { rows: { inTrail: boolean }[] } }): string {
  const fromTrail = r.remediation.rows.filter((b) => b.inTrail).length;
  const found = r.remediation.rows.length - fromTrail;
  return (
    "Governed changes: successful calls that changed a resource of a type the policies cover, by anyone (Guardrail's " +
    "own fixes included). Breaking changes: violations Guardrail handled, one per change, policy and resource, " +
    `each with its remediation records: ${fmtCount(fromTrail)} raised by a call in this trail, ${fmtCount(found)} ` +
    "found by a Config rule (a periodic sweep, or a change outside the trail read)."
  );
}
