import { createHash } from "node:crypto";
import { statSync } from "node:fs";
import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import type { AnyEvaluation as Evaluation } from "../engine/evaluate";
import type { Severity } from "../policy/types";
import { Sink, compareEvaluations, frameworkText, orderedPolicies } from "./common";
import type { InputProblem, PolicyInfo, ReportOptions, ReportWriter, ScanSummary } from "./types";

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

export type SarifLevel = "error" | "warning" | "note";

export function sarifLevel(severity: Severity): SarifLevel {
  switch (severity) {
    case "critical":
    case "high":
      return "error";
    case "medium":
      return "warning";
    default:
      return "note";
  }
}

/** GitHub code scanning shows rules with a numeric `security-severity` as Critical (≥9), High (≥7), Medium, Low. */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: "9.5",
  high: "8.0",
  medium: "5.5",
  low: "3.0",
  info: "0.0",
};

/**
 * Stable across scans, so code scanning matches a result to its earlier alert: the policy and the resource
 * (type, account, region and id: a Lambda function name alone is unique only within one account and region).
 */
export function sarifFingerprint(e: Evaluation): string {
  return createHash("sha256")
    .update([e.policyId, e.resourceType, e.accountId, e.region, e.resourceId].join("\u0000"))
    .digest("hex");
}

export const FINGERPRINT_KEY = "guardrailResource/v1";

/** A relative path as a URI reference (forward slashes, each segment percent-encoded); an absolute one as file://. */
export function pathToUri(path: string): { uri: string; uriBaseId?: string } {
  if (isAbsolute(path)) return { uri: pathToFileURL(path).href };
  const segments = path
    .split(/[\\/]+/)
    .filter((s) => s !== "" && s !== ".")
    .map(encodeURIComponent);
  return { uri: segments.join("/"), uriBaseId: "%SRCROOT%" };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function rule(p: PolicyInfo) {
  const frameworks = p.frameworks ?? {};
  return {
    id: p.id,
    name: p.id,
    shortDescription: { text: p.title || p.id },
    ...(frameworkText(p.frameworks)
      ? { fullDescription: { text: `${p.title} (${frameworkText(p.frameworks)})` } }
      : {}),
    defaultConfiguration: { level: sarifLevel(p.severity) },
    properties: {
      severity: p.severity,
      frameworks,
      "security-severity": SECURITY_SEVERITY[p.severity] ?? "0.0",
      tags: [...new Set(["security", "compliance", ...Object.keys(frameworks)])],
      ...(p.subject.length > 0 ? { resourceTypes: p.subject } : {}),
    },
  };
}

function notification(p: InputProblem) {
  return {
    level: p.level,
    message: { text: p.pointer ? `${p.pointer}: ${p.message}` : p.message },
    locations: [
      {
        physicalLocation: { artifactLocation: pathToUri(p.file) },
        ...(p.pointer ? { logicalLocations: [{ fullyQualifiedName: p.pointer, kind: "element" }] } : {}),
      },
    ],
  };
}

/**
 * SARIF 2.1.0, one run. Rules are the policies; results are the NON_COMPLIANT evaluations, the EXEMPT ones as
 * suppressed results and the UNKNOWN ones (template scans) as `review` results. A result is located by a logical location (the resource ARN, kind "resource") and by the
 * file the item was read from (`Evaluation.source`, with line and column when the source has them), else the one
 * input file. Input problems become tool execution notifications.
 */
export function createSarifWriter(opts: ReportOptions): ReportWriter {
  const kept: Evaluation[] = [];
  return {
    accepts: "violations",
    add(e) {
      if (e.compliance === "NON_COMPLIANT" || e.compliance === "EXEMPT" || e.compliance === "UNKNOWN") kept.push(e);
    },
    async finish(summary: ScanSummary) {
      const sink = new Sink(opts.out);
      const policies = orderedPolicies(
        summary,
        kept.map((e) => [e.policyId, e.severity]),
      );
      const ruleIndex = new Map(policies.map((p, i) => [p.id, i]));
      const artifact =
        summary.inputs.length === 1 && isFile(summary.inputs[0] as string) ? (summary.inputs[0] as string) : undefined;
      const artifactLocation = artifact !== undefined ? { ...pathToUri(artifact), index: 0 } : undefined;
      const started = Date.parse(summary.startedAt);
      const invocation = {
        executionSuccessful: !summary.problems.some((p) => p.level === "error"),
        ...(Number.isNaN(started)
          ? {}
          : {
              startTimeUtc: new Date(started).toISOString(),
              endTimeUtc: new Date(started + summary.durationMs).toISOString(),
            }),
        ...(summary.problems.length > 0 ? { toolExecutionNotifications: summary.problems.map(notification) } : {}),
      };
      const run = {
        tool: {
          driver: {
            name: "guardrail",
            version: summary.tool.version,
            semanticVersion: summary.tool.version,
            rules: policies.map(rule),
          },
        },
        invocations: [invocation],
        ...(artifactLocation ? { artifacts: [{ location: pathToUri(artifact as string) }] } : {}),
        properties: {
          resourcesEvaluated: summary.items.evaluated,
          evaluations: summary.evaluations,
          byCompliance: summary.byCompliance,
          violationsBySeverity: summary.violationsBySeverity,
          expiredExemptions: summary.expiredExemptions,
        },
      };
      // Everything but the results, then the results one per line: no single huge string for a big fleet.
      const head = JSON.stringify({ $schema: SARIF_SCHEMA, version: "2.1.0", runs: [run] });
      const cut = head.length - "}]}".length;
      await sink.write(`${head.slice(0, cut)},"results":[`);
      kept.sort(compareEvaluations);
      for (let i = 0; i < kept.length; i++) {
        const e = kept[i] as Evaluation;
        const result = {
          ruleId: e.policyId,
          ruleIndex: ruleIndex.get(e.policyId),
          // UNKNOWN (template scans): SARIF's "review" kind, "unable to determine whether the rule was satisfied";
          // the spec requires level "none" for any kind but "fail".
          ...(e.compliance === "UNKNOWN" ? { kind: "review" } : {}),
          level: e.compliance === "UNKNOWN" ? "none" : sarifLevel(e.severity),
          message: { text: e.annotation || `${e.resourceType} ${e.resourceId} violates ${e.policyId}` },
          locations: [
            {
              ...(e.source
                ? {
                    physicalLocation: {
                      artifactLocation: pathToUri(e.source.file),
                      ...(e.source.line
                        ? { region: { startLine: e.source.line, startColumn: e.source.column ?? 1 } }
                        : {}),
                    },
                  }
                : artifactLocation
                  ? { physicalLocation: { artifactLocation } }
                  : {}),
              logicalLocations: [
                {
                  name: e.resourceId,
                  fullyQualifiedName: e.arn ?? e.resourceId,
                  kind: "resource",
                },
              ],
            },
          ],
          partialFingerprints: { [FINGERPRINT_KEY]: sarifFingerprint(e) },
          ...(e.compliance === "EXEMPT"
            ? {
                suppressions: [
                  {
                    // A suppression written in the scanned file itself is "inSource"; exemptions and baselines are "external".
                    kind: e.exemption?.source === "template" ? "inSource" : "external",
                    status: "accepted",
                    justification: e.exemption?.justification ?? e.annotation ?? "exempt",
                  },
                ],
              }
            : {}),
          properties: {
            compliance: e.compliance,
            severity: e.severity,
            resourceType: e.resourceType,
            resourceId: e.resourceId,
            ...(e.resourceName ? { resourceName: e.resourceName } : {}),
            accountId: e.accountId,
            region: e.region,
            ...(e.exemption ? { exemption: e.exemption } : {}),
            ...(e.unknown ? { unknown: e.unknown } : {}),
          },
        };
        const text = (i === 0 ? "\n" : ",\n") + JSON.stringify(result);
        if (i % 256 === 255) await sink.write(text);
        else sink.push(text);
      }
      await sink.write("\n]}]}\n");
      await sink.end();
    },
  };
}
