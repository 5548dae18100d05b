import type { AnyEvaluation as Evaluation } from "../engine/evaluate";
import type { Severity } from "../policy/types";
import { Sink, orderedPolicies, problemLine } from "./common";
import type { ReportOptions, ReportWriter, ScanSummary } from "./types";

/**
 * Text for XML 1.0 content and attributes: markup characters as entities; characters XML 1.0 forbids outright (C0
 * controls other than tab, LF and CR; U+FFFE, U+FFFF; lone surrogates), which not even a character reference may
 * carry, as a visible "\uXXXX". In attributes tab, LF and CR become character references, or parsers would fold
 * them into spaces.
 */
export function xmlEscape(s: string, attribute = true): string {
  return s.replace(
    // eslint-disable-next-line no-control-regex
    /[&<>"'\u0000-\u0008\u000b\u000c\u000e-\u001f\t\n\r\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    (c) => {
      switch (c) {
        case "&":
          return "&amp;";
        case "<":
          return "&lt;";
        case ">":
          return "&gt;";
        case '"':
          return attribute ? "&quot;" : c;
        case "'":
          return attribute ? "&apos;" : c;
        case "\t":
          return attribute ? "&#9;" : c;
        case "\n":
          return attribute ? "&#10;" : c;
        case "\r":
          return attribute ? "&#13;" : c;
        default:
          return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
      }
    },
  );
}

const text = (s: string) => xmlEscape(s, false);
const attr = (s: string) => xmlEscape(s, true);

function details(e: Evaluation): string {
  const lines = [
    `resource: ${e.resourceType} ${e.resourceId}${e.resourceName && e.resourceName !== e.resourceId ? ` (${e.resourceName})` : ""}`,
    ...(e.arn ? [`arn: ${e.arn}`] : []),
    `account: ${e.accountId}`,
    `region: ${e.region}`,
    `severity: ${e.severity}`,
    ...(e.annotation ? [e.annotation] : []),
  ];
  if (e.exemption) {
    const x = e.exemption;
    lines.push(
      `exemption: ${x.active ? "active" : "expired"} (${x.source})${x.owner ? ` owner ${x.owner}` : ""}${x.expires ? ` expires ${x.expires}` : ""}${x.justification ? `: ${x.justification}` : ""}`,
    );
  }
  return text(lines.join("\n"));
}

/** One <testcase>, rendered when the evaluation arrives: the writer keeps strings, not evaluations. */
export function junitTestcase(e: Evaluation): string {
  const open = `<testcase classname="${attr(e.resourceType)}" name="${attr(e.resourceId)}"`;
  switch (e.compliance) {
    case "NON_COMPLIANT":
      return `    ${open}>\n      <failure message="${attr(e.annotation ?? "non-compliant")}" type="${attr(e.severity)}">${details(e)}</failure>\n    </testcase>\n`;
    case "EXEMPT":
      return `    ${open}>\n      <skipped message="${attr(e.annotation ?? "exempt")}"/>\n    </testcase>\n`;
    case "NOT_APPLICABLE":
      return `    ${open}>\n      <skipped message="not applicable"/>\n    </testcase>\n`;
    case "UNKNOWN":
      // Neither passed nor failed: the verdict needs a value known only at deploy.
      return `    ${open}>\n      <skipped message="${attr(e.annotation ?? "unknown before deploy")}"/>\n    </testcase>\n`;
    default:
      return `    ${open}/>\n`;
  }
}

interface Suite {
  severity: Severity;
  cases: string[];
  tests: number;
  failures: number;
  skipped: number;
}

/**
 * JUnit XML: one <testsuite> per policy (name = policy id), one <testcase> per evaluated resource (classname =
 * resource type, name = resource id); NON_COMPLIANT fails, NOT_APPLICABLE, EXEMPT and UNKNOWN are skipped. Input problems
 * make a "guardrail.inputs" suite whose errors fail the build, so a CI reading only this file still sees them.
 */
export function createJunitWriter(opts: ReportOptions): ReportWriter {
  const suites = new Map<string, Suite>();
  return {
    add(e) {
      let s = suites.get(e.policyId);
      if (!s) {
        s = { severity: e.severity, cases: [], tests: 0, failures: 0, skipped: 0 };
        suites.set(e.policyId, s);
      }
      s.tests++;
      if (e.compliance === "NON_COMPLIANT") s.failures++;
      else if (e.compliance === "EXEMPT" || e.compliance === "NOT_APPLICABLE" || e.compliance === "UNKNOWN")
        s.skipped++;
      s.cases.push(junitTestcase(e));
    },
    async finish(summary: ScanSummary) {
      const sink = new Sink(opts.out);
      const policies = orderedPolicies(
        summary,
        [...suites].map(([id, s]) => [id, s.severity]),
      );
      const errors = summary.problems.filter((p) => p.level === "error").length;
      const total = { tests: summary.problems.length, failures: 0, skipped: 0 };
      for (const s of suites.values()) {
        total.tests += s.tests;
        total.failures += s.failures;
        total.skipped += s.skipped;
      }
      const seconds = (summary.durationMs / 1000).toFixed(3);
      sink.push('<?xml version="1.0" encoding="UTF-8"?>\n');
      sink.push(
        `<testsuites name="guardrail" tests="${total.tests}" failures="${total.failures}" errors="${errors}" skipped="${total.skipped}" time="${seconds}" timestamp="${attr(summary.startedAt)}">\n`,
      );
      for (const p of policies) {
        const s = suites.get(p.id) ?? { severity: p.severity, cases: [], tests: 0, failures: 0, skipped: 0 };
        await sink.write(
          `  <testsuite name="${attr(p.id)}" tests="${s.tests}" failures="${s.failures}" errors="0" skipped="${s.skipped}" timestamp="${attr(summary.startedAt)}">\n` +
            `    <properties>\n      <property name="title" value="${attr(p.title)}"/>\n      <property name="severity" value="${attr(p.severity)}"/>\n` +
            Object.entries(p.frameworks ?? {})
              .map(
                ([name, ids]) => `      <property name="framework:${attr(name)}" value="${attr(ids.join(", "))}"/>\n`,
              )
              .join("") +
            `    </properties>\n`,
        );
        for (let i = 0; i < s.cases.length; i += 512) await sink.write(s.cases.slice(i, i + 512).join(""));
        sink.push(`  </testsuite>\n`);
      }
      if (summary.problems.length > 0) {
        sink.push(
          `  <testsuite name="guardrail.inputs" tests="${summary.problems.length}" failures="0" errors="${errors}" skipped="0">\n`,
        );
        for (const p of summary.problems) {
          const open = `    <testcase classname="guardrail.inputs" name="${attr(p.pointer ? `${p.file} ${p.pointer}` : p.file)}"`;
          if (p.level === "error") {
            await sink.write(
              `${open}>\n      <error message="${attr(p.message)}" type="input">${text(problemLine(p))}</error>\n    </testcase>\n`,
            );
          } else {
            await sink.write(`${open}>\n      <system-out>${text(problemLine(p))}</system-out>\n    </testcase>\n`);
          }
        }
        sink.push(`  </testsuite>\n`);
      }
      sink.push("</testsuites>\n");
      await sink.end();
    },
  };
}
