import { MetricUnit } from "@aws-lambda-powertools/metrics";
import type { Telemetry } from "../lambda/telemetry";
import type { RuleOutcome } from "./run";

/** EMF: `Evaluations` per policy and compliance (EXEMPT as EXEMPT), and `SweepBatchesQueued` per policy. */
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
}
