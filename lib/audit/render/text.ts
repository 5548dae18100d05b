/** Small text helpers shared by the audit's formats. */

import { formatCount } from "../../util/words";

// One way to write counts, sizes and durations across the CLI and every report.
export { formatCount as fmtCount, formatBytes as fmtBytes, formatDuration as fmtDuration } from "../../util/words";

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
    `each with its remediation records: ${formatCount(fromTrail)} raised by a call in this trail, ${formatCount(found)} ` +
    "found by a Config rule (a periodic sweep, or a change outside the trail read)."
  );
}
