import type { ImportLog } from "../aws/securityhub";

export { securityHubEnabled } from "../aws/security-hub-option";
import type { Evaluation } from "../engine/evaluate";
import type { CompiledPolicy } from "../policy/load";
import { resourceTypesOf } from "../policy/types";
import { asffFinding, findingPolicy } from "../report/asff";

/**
 * The deployed pipeline's Security Hub findings (the `securityHub` deployment option, GUARDRAIL_SECURITY_HUB=true):
 * what Config records, Security Hub shows. Each verdict the Config rule records for a resource of its policy's types
 * is imported as the ASFF finding of that policy and resource (lib/report/asff.ts: one Id per policy and resource),
 * so a NON_COMPLIANT verdict creates or reopens the finding (FAILED, ACTIVE), a COMPLIANT one resolves it (PASSED,
 * ARCHIVED), an exemption suppresses it and a deleted resource archives it. Verdicts on resources of other types
 * (an unscoped rule is invoked for every recorded change) make no finding.
 */

const ACCOUNT = /^\d{12}$/;

export interface SecurityHubOutcome {
  imported: number;
  failed: number;
}

/**
 * Imports the findings of `evaluations` (one policy's verdicts, recorded at `at`). An evaluation that names no
 * account or Region (a NOT_APPLICABLE built from a summary) takes the invocation's; without one it is logged and
 * left out, since BatchImportFindings only takes findings of the calling account.
 */
export async function reportToSecurityHub(
  policy: CompiledPolicy,
  evaluations: readonly Evaluation[],
  at: Date,
  ctx: { log: ImportLog; accountId?: string; region?: string },
): Promise<SecurityHubOutcome> {
  const types = new Set(resourceTypesOf(policy.policy));
  const info = findingPolicy(policy.policy);
  const when = at.toISOString();
  const findings = [];
  let skipped = 0;
  for (const e of evaluations) {
    if (!types.has(e.resourceType)) continue;
    const accountId = ACCOUNT.test(e.accountId) ? e.accountId : ctx.accountId;
    const region = e.region || ctx.region;
    if (!accountId || !ACCOUNT.test(accountId) || !region) {
      skipped++;
      continue;
    }
    findings.push(asffFinding({ ...e, accountId, region }, info, when));
  }
  if (skipped > 0) {
    ctx.log.warn("verdicts without an account or Region are not sent to Security Hub", {
      policyId: policy.policy.id,
      count: skipped,
    });
  }
  if (findings.length === 0) return { imported: 0, failed: 0 };
  const result = await (await loadSecurityHub()).importFindings(findings, { log: ctx.log });
  return { imported: result.imported, failed: result.failed.length + skipped };
}

/** The Security Hub client is loaded only when the option is on: a deployment without it keeps its cold start. */
const loadSecurityHub = () => import("../aws/securityhub");
