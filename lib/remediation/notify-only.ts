import type { RemediationAction } from "./types";

/**
 * An action that exists so that a policy can name it, but has no automatic fix: the description says why none is
 * safe, and the notification carries it. Plan and restore are always empty; the worker only tells.
 */
export function notifyOnlyAction(spec: {
  id: string;
  resourceTypes: string[];
  description: string;
}): RemediationAction {
  return {
    ...spec,
    notifyOnly: true,
    // What the owners should set, carried in the notification and never applied: any settings the policy names.
    params: { type: "object" },
    plan: () => [],
    restore: () => [],
  };
}
