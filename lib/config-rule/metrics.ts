import { MetricUnit } from "@aws-lambda-powertools/metrics";
import type { Telemetry } from "../lambda/telemetry";
import type { RuleOutcome } from "./run";

/**
 * EMF: `Evaluations` per policy and compliance (EXEMPT as EXEMPT), `SweepBatchesQueued` per policy, and
 * `SecurityHubFindingsFailed` (findings Security Hub did not take; an alarm can watch it) when the option is on.
 */
export function recordOutcome(t: Telemetry, outcome: RuleOutcome): void {
  for (const [compliance, count] of Object.entries(outcome.counts)) {
    const m = t.metrics.singleMetric();
    m.addDimensions({ policyId: outcome.policyId, compliance });
    m.addMetric("Evaluations", MetricUnit.Count, count);
  }
  if (outcome.fannedOut) {
    const m = t.metrics.singleMetric();
    m.addDimensions({ policyId: outcome.policyId });
    m.addMetric("SweepBatchesQueued", MetricUnit.Count, outcome.fannedOut.messages);
  }
  if (outcome.securityHub) {
    const m = t.metrics.singleMetric();
    m.addDimensions({ policyId: outcome.policyId });
    m.addMetric("SecurityHubFindingsImported", MetricUnit.Count, outcome.securityHub.imported);
    m.addMetric("SecurityHubFindingsFailed", MetricUnit.Count, outcome.securityHub.failed);
  }
}
