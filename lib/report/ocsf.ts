import type { AnyEvaluation as Evaluation } from "../engine/evaluate";
import type { Severity } from "../policy/types";
import { VERSION } from "../util/version";
import { asffFindingId, partitionOf } from "./asff";
import { createFindingsArrayWriter } from "./common";
import type { PolicyInfo, ReportOptions, ReportWriter } from "./types";

/**
 * Open Cybersecurity Schema Framework (OCSF) 1.1.0, class Compliance Finding (`compliance_finding`, uid 2003, in
 * category Findings, uid 2), the OCSF version Amazon Security Lake stores. Attribute names, requirements and enums
 * are those of the OCSF schema (schema.ocsf.io, 1.1.0: events/findings/compliance_finding.json, finding.json,
 * base_event.json and the objects compliance, finding_info, metadata, product, cloud, resource_details,
 * remediation). In 1.1.0 the class has one `resource`; later versions add `resources`.
 */
export const OCSF_VERSION = "1.1.0";
export const OCSF_CLASS_UID = 2003;
export const OCSF_CATEGORY_UID = 2;

/** finding.activity_id: 1 Create. type_uid is class_uid × 100 + activity_id (base_event). */
const ACTIVITY_CREATE = 1;

/** base_event.severity_id: 1 Informational … 5 Critical. */
const SEVERITY_ID: Record<Severity, number> = { info: 1, low: 2, medium: 3, high: 4, critical: 5 };
const SEVERITY_NAME = ["Unknown", "Informational", "Low", "Medium", "High", "Critical"];

/** compliance.status_id: 1 Pass, 2 Warning ("did not yield a result due to missing information"), 3 Fail. */
function complianceStatus(e: Evaluation): [number, string] {
  switch (e.compliance) {
    case "COMPLIANT":
      return [1, "Pass"];
    case "NON_COMPLIANT":
    case "EXEMPT":
      return [3, "Fail"];
    default:
      return [2, "Warning"];
  }
}

/** finding.status_id: 1 New, 3 Suppressed (an exemption: reviewed, no action), 4 Resolved. */
function findingStatus(e: Evaluation): [number, string] {
  switch (e.compliance) {
    case "EXEMPT":
      return [3, "Suppressed"];
    case "COMPLIANT":
      return [4, "Resolved"];
    default:
      return [1, "New"];
  }
}

/** One evaluation as an OCSF 1.1.0 Compliance Finding; `time` is when Guardrail judged it (epoch milliseconds). */
export function ocsfFinding(e: Evaluation, policy: PolicyInfo, time: number): Record<string, unknown> {
  const severityId = SEVERITY_ID[e.severity] ?? 0;
  const [complianceId, complianceName] = complianceStatus(e);
  const [statusId, statusName] = findingStatus(e);
  const frameworks = policy.frameworks ?? {};
  const requirements = Object.entries(frameworks).flatMap(([name, ids]) => ids.map((id) => `${name} ${id}`));
  const exemption = e.exemption;
  return {
    class_uid: OCSF_CLASS_UID,
    class_name: "Compliance Finding",
    category_uid: OCSF_CATEGORY_UID,
    category_name: "Findings",
    activity_id: ACTIVITY_CREATE,
    activity_name: "Create",
    type_uid: OCSF_CLASS_UID * 100 + ACTIVITY_CREATE,
    type_name: "Compliance Finding: Create",
    time,
    severity_id: severityId,
    severity: SEVERITY_NAME[severityId] ?? "Unknown",
    status_id: statusId,
    status: statusName,
    message: e.annotation ?? `${e.resourceType} ${e.resourceId}: ${e.compliance} for ${e.policyId}`,
    metadata: {
      version: OCSF_VERSION,
      product: { name: "Guardrail", vendor_name: "Guardrail", version: VERSION },
    },
    finding_info: {
      // The same id as the ASFF finding and the SARIF fingerprint: one finding per policy and resource.
      uid: asffFindingId(e),
      title: policy.title || policy.id,
      ...(e.annotation ? { desc: e.annotation } : {}),
      analytic: { uid: e.policyId, name: e.policyId, type_id: 1, type: "Rule" },
      types: ["Software and Configuration Checks"],
    },
    compliance: {
      control: e.policyId,
      // Required: the standards the check belongs to; a policy mapped to none belongs to its pack.
      standards: Object.keys(frameworks).length > 0 ? Object.keys(frameworks) : ["guardrail"],
      ...(requirements.length > 0 ? { requirements } : {}),
      status_id: complianceId,
      status: complianceName,
      ...(exemption
        ? {
            status_detail: `exempt (${exemption.source}${exemption.owner ? `, owner ${exemption.owner}` : ""}${exemption.expires ? `, until ${exemption.expires}` : ""}): ${exemption.justification ?? "no justification given"}`,
          }
        : e.unknown
          ? { status_detail: `${e.unknown.pointer}: ${e.unknown.reason}` }
          : {}),
    },
    resource: {
      uid: e.arn ?? e.resourceId,
      ...(e.resourceName ? { name: e.resourceName } : {}),
      type: e.resourceType,
      ...(e.region ? { region: e.region, cloud_partition: partitionOf(e.arn, e.region) } : {}),
    },
    cloud: {
      provider: "AWS",
      ...(e.region ? { region: e.region } : {}),
      ...(e.accountId ? { account: { uid: e.accountId, type_id: 10, type: "AWS Account" } } : {}),
    },
    remediation: {
      desc: `Change the resource so that it satisfies policy ${policy.id}; see guardrail explain ${policy.id}.`,
    },
  };
}

/**
 * `--format ocsf`: a JSON array of Compliance Findings for the NON_COMPLIANT, EXEMPT and UNKNOWN evaluations, as
 * Prowler writes its OCSF output; kept and written as createFindingsArrayWriter does.
 */
export function createOcsfWriter(opts: ReportOptions & { now?: () => Date }): ReportWriter {
  const time = (opts.now ?? (() => new Date()))().getTime();
  return createFindingsArrayWriter(opts.out, (e, policy) => ocsfFinding(e, policy, time));
}
