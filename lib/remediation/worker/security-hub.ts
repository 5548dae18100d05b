import type { ImportLog } from "../../aws/securityhub";
import type { Evaluation } from "../../engine/evaluate";
import type { CompiledPolicy } from "../../policy/load";
import type { Resource } from "../../resources/adapter";
import { asffFinding, findingPolicy } from "../../report/asff";

/**
 * The worker's side of the Security Hub findings (the `securityHub` deployment option): a fix verified compliant, or
 * a resource found compliant already, updates the policy's finding for the resource to Compliance PASSED and
 * RecordState ARCHIVED at once, without waiting for Config's next evaluation. The finding is the one the Config
 * rule imported (the same Id: lib/report/asff.ts), updated with BatchImportFindings as its provider does
 * ("BatchImportFindings for finding providers").
 */
export interface FindingUpdates {
  resolved(policy: CompiledPolicy, resource: Resource, reason: string, at: Date): Promise<void>;
}

export class SecurityHubFindingUpdates implements FindingUpdates {
  constructor(private readonly log: ImportLog) {}

  async resolved(policy: CompiledPolicy, resource: Resource, reason: string, at: Date): Promise<void> {
    const evaluation: Evaluation = {
      policyId: policy.policy.id,
      severity: policy.policy.severity,
      compliance: "COMPLIANT",
      annotation: reason,
      resourceType: resource.type,
      resourceId: resource.id,
      resourceName: resource.name,
      arn: resource.arn,
      accountId: resource.accountId,
      region: resource.region,
    };
    await (
      await loadSecurityHub()
    ).importFindings([asffFinding(evaluation, findingPolicy(policy.policy), at.toISOString())], {
      log: this.log,
    });
  }
}

/** The Security Hub client is loaded only when the option is on: a deployment without it keeps its cold start. */
const loadSecurityHub = () => import("../../aws/securityhub");
