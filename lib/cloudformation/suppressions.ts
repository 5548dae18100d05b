import { escapePointerToken, isObject } from "../util/json";
import type { ParsedTemplate } from "./template";

/**
 * Inline suppressions: a resource's CloudFormation `Metadata` attribute (free-form JSON that CloudFormation keeps
 * and does not interpret; AWS CloudFormation User Guide, "Metadata attribute") may accept a policy's violation on
 * that resource, with a justification, in the template that declares it:
 *
 *   Metadata:
 *     guardrail:
 *       suppress:
 *         - policy: s3-bucket-tls-only
 *           justification: Public website assets, served only through CloudFront over HTTPS
 *           expires: 2027-06-30        # optional, inclusive (UTC)
 *
 * A Serverless service's `resources.Resources` keep their Metadata in the template `serverless package` writes.
 * A suppression only turns a violation into EXEMPT (source "template"); a malformed entry is an input error and
 * suppresses nothing.
 */
export const SUPPRESSION_KEY = "guardrail";

export interface TemplateSuppression {
  policy: string;
  justification: string;
  /** Last day (UTC) on which it applies, YYYY-MM-DD. */
  expires?: string;
  /** JSON pointer of the entry in the template. */
  pointer: string;
}

/** The same minimum as an exemptions file's justification: a word or two is not a reason. */
export const MIN_JUSTIFICATION = 10;

export interface SuppressionProblem {
  pointer: string;
  line: number;
  column: number;
  message: string;
}

const ENTRY_KEYS = new Set(["policy", "justification", "expires"]);

function isDay(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(text);
}

/**
 * The suppressions of resource `logicalId` (at `resourcePointer`, `/Resources/<logicalId>`), and what is wrong with
 * the entries that are not (each located in the template). A resource without `Metadata.guardrail` has none.
 */
export function readSuppressions(
  parsed: ParsedTemplate,
  logicalId: string,
  resourcePointer: string,
): { suppressions: TemplateSuppression[]; problems: SuppressionProblem[] } {
  const suppressions: TemplateSuppression[] = [];
  const problems: SuppressionProblem[] = [];
  const resources = parsed.template.Resources;
  const resource = isObject(resources) ? resources[logicalId] : undefined;
  if (!isObject(resource) || !isObject(resource.Metadata) || !(SUPPRESSION_KEY in resource.Metadata)) {
    return { suppressions, problems };
  }
  const problem = (pointer: string, message: string, key = false) =>
    problems.push({ pointer, ...parsed.map.locate(pointer, { key }), message });
  const base = `${resourcePointer}/Metadata/${SUPPRESSION_KEY}`;
  const block = resource.Metadata[SUPPRESSION_KEY];
  if (!isObject(block)) {
    problem(base, `Metadata.${SUPPRESSION_KEY} must be a mapping with "suppress" (a list of {policy, justification})`);
    return { suppressions, problems };
  }
  for (const k of Object.keys(block)) {
    if (k !== "suppress")
      problem(`${base}/${escapePointerToken(k)}`, `unknown property "${k}" (only "suppress")`, true);
  }
  const list = block.suppress;
  if (!Array.isArray(list)) {
    problem(
      list === undefined ? base : `${base}/suppress`,
      `Metadata.${SUPPRESSION_KEY}.suppress must be a list of {policy, justification}`,
    );
    return { suppressions, problems };
  }
  list.forEach((entry, i) => {
    const at = `${base}/suppress/${i}`;
    if (!isObject(entry)) {
      problem(at, "a suppression must be a mapping with policy and justification");
      return;
    }
    let ok = true;
    for (const k of Object.keys(entry)) {
      if (!ENTRY_KEYS.has(k)) {
        problem(`${at}/${escapePointerToken(k)}`, `unknown property "${k}" (policy, justification, expires)`, true);
        ok = false;
      }
    }
    const { policy, justification, expires } = entry;
    if (typeof policy !== "string" || policy.trim() === "") {
      problem(policy === undefined ? at : `${at}/policy`, "policy is required: the id of the policy suppressed");
      ok = false;
    }
    if (typeof justification !== "string" || justification.trim().length < MIN_JUSTIFICATION) {
      problem(
        justification === undefined ? at : `${at}/justification`,
        `justification is required: why this violation is accepted (at least ${MIN_JUSTIFICATION} characters)`,
      );
      ok = false;
    }
    if (expires !== undefined && (typeof expires !== "string" || !isDay(expires))) {
      problem(`${at}/expires`, `expires must be a date, YYYY-MM-DD (is ${JSON.stringify(expires)})`);
      ok = false;
    }
    if (!ok) return;
    suppressions.push({
      policy: policy as string,
      justification: (justification as string).trim(),
      ...(typeof expires === "string" ? { expires } : {}),
      pointer: at,
    });
  });
  return { suppressions, problems };
}
