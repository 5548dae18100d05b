import type { PolicyFile } from "../../policy/types";
import type { Resource } from "../../resources/adapter";
import { requireAction } from "./registry";
import { PlanError, type AwsCall, type RemediationAction, type RemediationParams } from "../types";

export interface PlannedRemediation {
  action: RemediationAction;
  /** The params the plan was made with: keep them in the remediation record, `restore` takes them again. */
  params: RemediationParams;
  calls: AwsCall[];
}

/**
 * The params of a policy's remediation merged with runtime params, facts about the resource a policy cannot know
 * (`stageNames` for the actions that redeploy). Runtime params win on the same key, so a CLI `--param` can override.
 */
export function remediationParams(
  remediation: NonNullable<PolicyFile["remediation"]>,
  runtime: RemediationParams = {},
): RemediationParams {
  return { ...(remediation.params ?? {}), ...runtime };
}

/** Plans a policy's remediation for one resource: the action, the params used and the calls (none to send: []). */
export function planRemediation(
  remediation: NonNullable<PolicyFile["remediation"]>,
  resource: Resource,
  runtime: RemediationParams = {},
): PlannedRemediation {
  const action = requireAction(remediation.action);
  if (resource.deleted) throw new PlanError(action.id, `${resource.id} no longer exists`);
  if (!action.notifyOnly && !action.resourceTypes.includes(resource.type)) {
    throw new PlanError(action.id, `fixes ${action.resourceTypes.join(", ")}, not ${resource.type}`);
  }
  const params = remediationParams(remediation, runtime);
  return { action, params, calls: action.plan(resource, params) };
}
