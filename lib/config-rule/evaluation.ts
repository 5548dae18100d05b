import { truncateAnnotation } from "../engine/annotate";
import type { Engine, Evaluation } from "../engine/evaluate";
import type { CompiledPolicy } from "../policy/load";
import { resourceTypesOf } from "../policy/types";
import { resourceFromConfigItem } from "../resources/adapter";
import type { ConfigItem, ConfigurationItemStatus } from "../resources/config-item";
import { adapterFor } from "../resources/registry";

/**
 * Config's Evaluation as PutEvaluations takes it (AWS Config API Reference, PutEvaluations and Evaluation);
 * INSUFFICIENT_DATA is rejected, so absent.
 */
export type ConfigComplianceType = "COMPLIANT" | "NON_COMPLIANT" | "NOT_APPLICABLE";

export interface ConfigEvaluation {
  ComplianceResourceType: string;
  ComplianceResourceId: string;
  ComplianceType: ConfigComplianceType;
  /** 1–256 characters; absent (not empty) when there is nothing to say. */
  Annotation?: string;
  OrderingTimestamp: Date;
}

/**
 * Guardrail's verdict in Config's words.
 *
 * EXEMPT becomes NOT_APPLICABLE, keeping the engine's annotation ("exempt (file by owner until date): what
 * fails"). Config has no EXEMPT, and of the three it has:
 *  - COMPLIANT would state that the control holds when it does not; whoever reads Config, Security Hub or a
 *    conformance pack score (an auditor) would be told something false, whatever the annotation says.
 *  - NON_COMPLIANT would ignore the accepted risk: the compliance-change event would request a remediation of
 *    a resource someone was allowed to keep as it is, and alarms would page for it.
 *  - NOT_APPLICABLE says what an exemption is: this control is not being applied to this resource, for now.
 *    The annotation says why, by whom and until when, and once the exemption expires the next evaluation is
 *    NON_COMPLIANT again (the engine judges expiry; see pack.ts for the clock).
 */
export function toConfigEvaluation(e: Evaluation, orderingTimestamp: Date): ConfigEvaluation {
  const out: ConfigEvaluation = {
    ComplianceResourceType: e.resourceType,
    ComplianceResourceId: e.resourceId,
    ComplianceType: e.compliance === "EXEMPT" ? "NOT_APPLICABLE" : e.compliance,
    OrderingTimestamp: orderingTimestamp,
  };
  if (e.annotation) out.Annotation = truncateAnnotation(e.annotation);
  return out;
}

const GONE: Partial<Record<ConfigurationItemStatus, string>> = {
  ResourceDeleted: "the resource was deleted",
  ResourceDeletedNotRecorded: "the resource was deleted",
  ResourceNotRecorded: "Config does not record this resource type",
};

/** A NOT_APPLICABLE verdict of `policy` for a resource the engine cannot or need not judge, with the reason. */
export function notApplicable(
  policy: CompiledPolicy,
  resource: { resourceType: string; resourceId: string; accountId?: string; region?: string },
  reason: string | undefined,
): Evaluation {
  return {
    policyId: policy.policy.id,
    severity: policy.policy.severity,
    compliance: "NOT_APPLICABLE",
    annotation: reason ? truncateAnnotation(reason) : undefined,
    resourceType: resource.resourceType,
    resourceId: resource.resourceId,
    resourceName: undefined,
    arn: undefined,
    accountId: resource.accountId ?? "",
    region: resource.region ?? "",
    exemption: undefined,
    source: undefined,
  };
}

/**
 * One policy's verdict on one configuration item. Resources the policy does not judge are NOT_APPLICABLE with
 * the reason, never skipped: Config keeps showing a resource it invoked the rule for as "no results" until it
 * gets an evaluation, and an unscoped rule is invoked for every recorded change (AWS Config API Reference, Scope);
 * the recorded EC2 invocation (test/fixtures/aws-recorded/config-rule-invocation-change.json) is such a case.
 */
export function judgeItem(engine: Engine, policy: CompiledPolicy, item: ConfigItem): Evaluation {
  const id = {
    resourceType: item.resourceType,
    resourceId: item.resourceId,
    accountId: item.accountId,
    region: item.region,
  };
  if (!resourceTypesOf(policy.policy).includes(item.resourceType)) {
    return notApplicable(policy, id, `policy ${policy.policy.id} does not judge ${item.resourceType}`);
  }
  const gone = GONE[item.status];
  if (gone) return notApplicable(policy, id, gone);
  const adapter = adapterFor(item.resourceType);
  // Policies only load when every type they name has an adapter (lib/policy/load.ts), so this is a bug.
  if (!adapter) throw new Error(`no resource adapter for ${item.resourceType} (policy ${policy.policy.id})`);
  return engine.evaluatePolicy(policy, resourceFromConfigItem(adapter, item));
}

export type ComplianceCounts = Partial<Record<Evaluation["compliance"], number>>;

export function countCompliance(evaluations: readonly Evaluation[], into: ComplianceCounts = {}): ComplianceCounts {
  for (const e of evaluations) into[e.compliance] = (into[e.compliance] ?? 0) + 1;
  return into;
}
