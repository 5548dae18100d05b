import { assertParams, requireString, str } from "../../lib/remediation/document";
import { awsCall, PlanError, type AwsCall, type RemediationAction } from "../../lib/remediation/types";

/**
 * Predefined security policies whose minimum is TLS 1.2 (Elastic Load Balancing User Guide, "Security policies for
 * your Application Load Balancer" and "... for your Network Load Balancer"): the TLS13-1-2 and TLS13-1-3 families
 * (FIPS and post-quantum variants included), TLS-1-2-* and FS-1-2-*. TLS13-1-0 / TLS13-1-1 and the 2016-08 family
 * still accept TLS 1.0 or 1.1.
 */
export const TLS12_POLICY = /^ELBSecurityPolicy-(TLS13-1-[23]-|TLS-1-2-|FS-1-2-)/;

const DEFAULT_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

export const action: RemediationAction = {
  id: "elb-listener-tls-policy",
  resourceTypes: ["AWS::ElasticLoadBalancingV2::Listener"],
  description:
    "Sets an HTTPS or TLS listener's security policy to ELBSecurityPolicy-TLS13-1-2-2021-06 (TLS 1.3 and 1.2, AWS's recommended policy; or the params' SslPolicy) with ModifyListener, when its policy still accepts TLS 1.0 or 1.1. Clients that cannot negotiate TLS 1.2 lose access, hence approval. Certificates and actions are kept. Restore puts back the recorded policy.",
  params: {
    type: "object",
    additionalProperties: false,
    properties: { SslPolicy: { type: "string", pattern: TLS12_POLICY.source } },
  },
  checkParams: (params) =>
    params.SslPolicy === undefined || (typeof params.SslPolicy === "string" && TLS12_POLICY.test(params.SslPolicy))
      ? []
      : [
          "SslPolicy must be a TLS 1.2+ predefined policy (ELBSecurityPolicy-TLS13-1-2-*, -TLS13-1-3-*, -TLS-1-2-*, -FS-1-2-*)",
        ],
  plan(resource, params) {
    assertParams(action, params);
    const protocol = resource.document.Protocol;
    if (protocol !== "HTTPS" && protocol !== "TLS") return [];
    if (TLS12_POLICY.test(str(resource.document.SslPolicy) ?? "")) return [];
    return [
      awsCall("elasticloadbalancing", "ModifyListener", {
        ListenerArn: requireString(action.id, resource, "ListenerArn"),
        SslPolicy: typeof params.SslPolicy === "string" ? params.SslPolicy : DEFAULT_POLICY,
      }),
    ];
  },
  restore(before, after): AwsCall[] {
    const was = str(before.document.SslPolicy);
    if (was === str(after.document.SslPolicy)) return [];
    if (!was) throw new PlanError(action.id, `SslPolicy: the recorded state of ${before.id} has none to put back`);
    return [
      awsCall("elasticloadbalancing", "ModifyListener", {
        ListenerArn: requireString(action.id, before, "ListenerArn"),
        SslPolicy: was,
      }),
    ];
  },
};
