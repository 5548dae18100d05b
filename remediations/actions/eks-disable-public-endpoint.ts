import { obj, requireString } from "../../lib/remediation/document";
import { awsCall, PlanError, type RemediationAction } from "../../lib/remediation/types";
import type { Resource } from "../../lib/resources/adapter";

function vpcConfig(resource: Resource) {
  const vpc = obj(resource.document.ResourcesVpcConfig);
  const isPublic = vpc?.EndpointPublicAccess;
  const isPrivate = vpc?.EndpointPrivateAccess;
  if (typeof isPublic !== "boolean" || typeof isPrivate !== "boolean") {
    throw new PlanError(
      "eks-disable-public-endpoint",
      `ResourcesVpcConfig.EndpointPublicAccess/EndpointPrivateAccess of ${resource.id} are not recorded as booleans`,
    );
  }
  const cidrs = Array.isArray(vpc?.PublicAccessCidrs)
    ? vpc.PublicAccessCidrs.filter((c): c is string => typeof c === "string")
    : undefined;
  return { isPublic, isPrivate, cidrs };
}

export const action: RemediationAction = {
  id: "eks-disable-public-endpoint",
  resourceTypes: ["AWS::EKS::Cluster"],
  description:
    'Makes the Kubernetes API server endpoint private: one UpdateClusterConfig with endpointPublicAccess false and endpointPrivateAccess true, so the endpoint is never left with neither (Amazon EKS User Guide, "Cluster API server endpoint"). kubectl, CI runners and anything else outside the VPC (and its peered or connected networks) lose access to the cluster API; nodes and workloads inside keep it. No restart. Restore puts back public access, the public CIDRs and the private flag as they were.',
  plan(resource) {
    const name = requireString(action.id, resource, "Name");
    const { isPublic } = vpcConfig(resource);
    if (!isPublic) return [];
    return [
      awsCall("eks", "UpdateClusterConfig", {
        name,
        resourcesVpcConfig: { endpointPublicAccess: false, endpointPrivateAccess: true },
      }),
    ];
  },
  restore(before, after) {
    const was = vpcConfig(before);
    const is = vpcConfig(after);
    if (!was.isPublic || is.isPublic) return [];
    return [
      awsCall("eks", "UpdateClusterConfig", {
        name: requireString(action.id, before, "Name"),
        resourcesVpcConfig: {
          endpointPublicAccess: true,
          endpointPrivateAccess: was.isPrivate,
          ...(was.cidrs && was.cidrs.length > 0 ? { publicAccessCidrs: was.cidrs } : {}),
        },
      }),
    ];
  },
};
