import { Engine, type Compliance } from "../../lib/engine/evaluate";
import { loadPolicies } from "../../lib/policy/load";
import type { PolicyFile } from "../../lib/policy/types";
import { describeResource } from "../../lib/resources/describe";
import { execute, type ExecutionReport } from "../../lib/remediation/executor";
import { planRemediation } from "../../lib/remediation/planning/plan";
import type { RemediationParams } from "../../lib/remediation/types";
import type { Resource, ResourceRef } from "../../lib/resources/adapter";
import { MOTO_ACCOUNT, MOTO_REGION } from "./moto";

/** The shipped policies and one engine over them, as the worker and the Config rule use them. */
const loaded = loadPolicies();
if (loaded.problems.length > 0) throw new Error("the shipped policies do not load");
export const engine = new Engine(loaded.policies);

export function policy(id: string): PolicyFile {
  const p = loaded.policies.find((x) => x.policy.id === id)?.policy;
  if (!p) throw new Error(`no policy ${id}`);
  return p;
}

export function verdict(policyId: string, resource: Resource): Compliance | undefined {
  return engine.evaluate(resource).find((e) => e.policyId === policyId)?.compliance;
}

export function ref(type: string, id: string, arn?: string): ResourceRef {
  return { type, id, region: MOTO_REGION, accountId: MOTO_ACCOUNT, ...(arn ? { arn } : {}) };
}

/** describeResource, failing the test when the resource is not found. */
export async function described(r: ResourceRef): Promise<Resource> {
  const resource = await describeResource(r);
  if (!resource) throw new Error(`${r.type} ${r.id} was not found by describeResource`);
  return resource;
}

/** Plans the policy's remediation for the resource and sends it with the executor; the report must be ok. */
export async function fix(
  policyId: string,
  resource: Resource,
  runtime: RemediationParams = {},
): Promise<ExecutionReport> {
  const remediation = policy(policyId).remediation;
  if (!remediation) throw new Error(`${policyId} has no remediation`);
  const planned = planRemediation(remediation, resource, runtime);
  expect(planned.calls.length).toBeGreaterThan(0);
  const report = await execute(planned.calls, { region: resource.region });
  if (!report.ok) throw new Error(`${policyId}: ${JSON.stringify(report.failure)}`);
  return report;
}
