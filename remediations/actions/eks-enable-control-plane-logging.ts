import { assertParams, obj, requireString } from "../../lib/remediation/document";
import { awsCall, PlanError, type AwsCall, type RemediationAction } from "../../lib/remediation/types";
import type { Resource } from "../../lib/resources/adapter";

/** The control plane log types (Amazon EKS API Reference, LogType). */
const LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;
type LogType = (typeof LOG_TYPES)[number];

function isLogType(v: unknown): v is LogType {
  return typeof v === "string" && (LOG_TYPES as readonly string[]).includes(v);
}

/** The enabled log types of the document (`Logging.ClusterLogging.EnabledTypes [{Type}]`), or undefined if unreadable. */
function enabledTypes(resource: Resource): Set<string> | undefined {
  const types = obj(obj(resource.document.Logging)?.ClusterLogging)?.EnabledTypes;
  if (!Array.isArray(types)) return undefined;
  return new Set(types.flatMap((t) => (typeof obj(t)?.Type === "string" ? [obj(t)?.Type as string] : [])));
}

function wanted(params: Record<string, unknown>): LogType[] {
  return Array.isArray(params.logTypes) ? params.logTypes.filter(isLogType) : ["audit"];
}

function loggingCall(name: string, on: string[], off: string[]): AwsCall {
  const clusterLogging = [
    ...(on.length > 0 ? [{ types: on.filter(isLogType), enabled: true }] : []),
    ...(off.length > 0 ? [{ types: off.filter(isLogType), enabled: false }] : []),
  ];
  return awsCall("eks", "UpdateClusterConfig", { name, logging: { clusterLogging } });
}

export const action: RemediationAction = {
  id: "eks-enable-control-plane-logging",
  resourceTypes: ["AWS::EKS::Cluster"],
  description:
    'Sends the control plane log types in logTypes (params, default ["audit"]) to CloudWatch Logs (UpdateClusterConfig logging, one update; the types already on are left as they are). The cluster keeps serving while the update runs, with no restart; the logs are billed as CloudWatch Logs ingestion and storage (Amazon EKS User Guide, "Send control plane logs to CloudWatch Logs"). Restore turns off exactly the types this fix turned on, leaving every other type as it was.',
  params: {
    type: "object",
    additionalProperties: false,
    properties: {
      logTypes: { type: "array", minItems: 1, uniqueItems: true, items: { enum: [...LOG_TYPES] } },
    },
  },
  checkParams(params) {
    const types = params.logTypes;
    if (types === undefined) return [];
    return Array.isArray(types) && types.length > 0 && types.every(isLogType)
      ? []
      : [`logTypes must be a non-empty list of ${LOG_TYPES.join(", ")}`];
  },
  plan(resource, params) {
    assertParams(action, params);
    const name = requireString(action.id, resource, "Name");
    const enabled = enabledTypes(resource);
    if (!enabled) {
      throw new PlanError(action.id, `Logging.ClusterLogging.EnabledTypes of ${resource.id} is not recorded as a list`);
    }
    const missing = wanted(params).filter((t) => !enabled.has(t));
    return missing.length === 0 ? [] : [loggingCall(name, missing, [])];
  },
  restore(before, after) {
    const was = enabledTypes(before);
    const is = enabledTypes(after);
    if (!was || !is) return [];
    // Per type, back to what it was: off what the fix turned on, on what was on and is now off.
    const off = LOG_TYPES.filter((t) => is.has(t) && !was.has(t));
    const on = LOG_TYPES.filter((t) => was.has(t) && !is.has(t));
    if (off.length === 0 && on.length === 0) return [];
    return [loggingCall(requireString(action.id, before, "Name"), on, off)];
  },
};
