import type { Resource } from "../../lib/resources/adapter";
import { assertParams, obj, requireString, str } from "../../lib/remediation/document";
import { awsCall, type RemediationAction } from "../../lib/remediation/types";

/** The cluster's containerInsights setting as recorded; absent is disabled (ECS's default without an account setting). */
function insightsOf(resource: Resource): string {
  const settings = Array.isArray(resource.document.ClusterSettings) ? resource.document.ClusterSettings : [];
  const s = settings.map(obj).find((x) => x?.Name === "containerInsights");
  return str(s?.Value) ?? "disabled";
}

/** The values UpdateClusterSettings takes for containerInsights (Amazon ECS API Reference, ClusterSetting). */
const VALUES: readonly string[] = ["enabled", "disabled", "enhanced"] as const;

export const action: RemediationAction = {
  id: "ecs-cluster-enable-container-insights",
  resourceTypes: ["AWS::ECS::Cluster"],
  description:
    "Turns Container Insights on (UpdateClusterSettings containerInsights enabled): ECS publishes per-cluster, service and task metrics and performance log events to CloudWatch, which are billed as custom metrics and logs. No task is restarted. A cluster with enhanced observability is left alone. Restore sets the recorded value again.",
  params: { type: "object", additionalProperties: false, properties: {} },
  plan(resource, params) {
    assertParams(action, params);
    const now = insightsOf(resource);
    if (now === "enabled" || now === "enhanced") return [];
    return [
      awsCall("ecs", "UpdateClusterSettings", {
        cluster: requireString(action.id, resource, "ClusterName"),
        settings: [{ name: "containerInsights", value: "enabled" }],
      }),
    ];
  },
  restore(before, after) {
    const was = insightsOf(before);
    if (was === insightsOf(after) || !VALUES.includes(was)) return [];
    return [
      awsCall("ecs", "UpdateClusterSettings", {
        cluster: requireString(action.id, before, "ClusterName"),
        settings: [{ name: "containerInsights", value: was as "enabled" | "disabled" | "enhanced" }],
      }),
    ];
  },
};
