import type { Resource } from "../../lib/resources/adapter";
import { assertParams, obj, requireString, str } from "../../lib/remediation/document";
import { awsCall, PlanError, type RemediationAction } from "../../lib/remediation/types";

interface Awsvpc {
  assignPublicIp: "ENABLED" | "DISABLED";
  subnets: string[];
  securityGroups: string[];
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : []);

/** The service's awsvpc configuration as recorded, or undefined when it has none. */
function awsvpcOf(resource: Resource): Awsvpc | undefined {
  const vpc = obj(obj(resource.document.NetworkConfiguration)?.AwsvpcConfiguration);
  if (!vpc) return undefined;
  return {
    assignPublicIp: vpc.AssignPublicIp === "ENABLED" ? "ENABLED" : "DISABLED",
    subnets: strings(vpc.Subnets),
    securityGroups: strings(vpc.SecurityGroups),
  };
}

/** The cluster UpdateService needs: the document's, else the one a long-format service ARN names. */
function clusterOf(resource: Resource): string {
  const recorded = str(resource.document.Cluster);
  if (recorded) return recorded;
  const m = /:service\/([^/]+)\/[^/]+$/.exec(resource.id);
  if (m?.[1]) return m[1];
  throw new PlanError(action.id, `the ${resource.type} document of ${resource.id} has no Cluster`);
}

/**
 * UpdateService replaces the whole awsvpcConfiguration (Amazon ECS API Reference, UpdateService
 * networkConfiguration), so the call carries the recorded subnets and security groups with the new setting.
 */
function update(resource: Resource, vpc: Awsvpc, assignPublicIp: Awsvpc["assignPublicIp"]) {
  if (vpc.subnets.length === 0) {
    throw new PlanError(
      action.id,
      `NetworkConfiguration.AwsvpcConfiguration.Subnets of ${resource.id} is empty: UpdateService needs them`,
    );
  }
  return awsCall("ecs", "UpdateService", {
    cluster: clusterOf(resource),
    service: requireString(action.id, resource, "ServiceName"),
    networkConfiguration: {
      awsvpcConfiguration: {
        subnets: vpc.subnets,
        ...(vpc.securityGroups.length > 0 ? { securityGroups: vpc.securityGroups } : {}),
        assignPublicIp,
      },
    },
  });
}

export const action: RemediationAction = {
  id: "ecs-service-disable-public-ip",
  resourceTypes: ["AWS::ECS::Service"],
  description:
    "Stops giving the service's tasks public IP addresses (UpdateService networkConfiguration with the recorded subnets and security groups, assignPublicIp DISABLED). ECS starts a new deployment: every task is replaced. Tasks in a public subnet without a NAT gateway or VPC endpoints then cannot pull images from ECR or reach the internet and fail to start, so this waits for approval. Restore assigns public IPs again (another deployment).",
  params: { type: "object", additionalProperties: false, properties: {} },
  plan(resource, params) {
    assertParams(action, params);
    const vpc = awsvpcOf(resource);
    if (!vpc || vpc.assignPublicIp === "DISABLED") return [];
    return [update(resource, vpc, "DISABLED")];
  },
  restore(before, after) {
    const was = awsvpcOf(before);
    const is = awsvpcOf(after);
    if (!was || !is || was.assignPublicIp === is.assignPublicIp) return [];
    return [update(before, was, was.assignPublicIp)];
  },
};
