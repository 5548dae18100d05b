import type { LoadBalancerAttribute } from "@aws-sdk/client-elastic-load-balancing-v2";
import { assertParams, requireString } from "../../lib/remediation/document";
import { awsCall, type AwsCall, type RemediationAction, type RemediationParams } from "../../lib/remediation/types";
import { isObject } from "../../lib/util/json";

/**
 * The attributes this action sets, each with ELB's default (what an absent key means, and what undo puts back when
 * the recorded state did not list it) and the values it may set (Elastic Load Balancing API Reference,
 * LoadBalancerAttribute).
 */
const SETTABLE: Readonly<Record<string, { default: string; values: readonly string[]; types: readonly string[] }>> = {
  "deletion_protection.enabled": { default: "false", values: ["true"], types: ["application", "network", "gateway"] },
  "routing.http.drop_invalid_header_fields.enabled": { default: "false", values: ["true"], types: ["application"] },
  "routing.http.desync_mitigation_mode": { default: "defensive", values: ["defensive", "strictest"], types: ["application"] },
}; // prettier-ignore

/** The params' Attributes as a map, with the problems found. */
function wanted(params: RemediationParams): { attributes: Map<string, string>; problems: string[] } {
  const attributes = new Map<string, string>();
  const problems: string[] = [];
  const list = params.Attributes;
  if (!Array.isArray(list) || list.length === 0) problems.push("Attributes must list at least one {Key, Value}");
  for (const a of Array.isArray(list) ? list : []) {
    const key = isObject(a) && typeof a.Key === "string" ? a.Key : undefined;
    const value = isObject(a) && typeof a.Value === "string" ? a.Value : undefined;
    const spec = key ? SETTABLE[key] : undefined;
    if (!key || !spec) problems.push(`Attributes: ${String(key)} is not one of ${Object.keys(SETTABLE).join(", ")}`);
    else if (!value || !spec.values.includes(value))
      problems.push(`Attributes: ${key} may be ${spec.values.join(" or ")}`);
    else attributes.set(key, value);
  }
  return { attributes, problems };
}

function current(doc: Record<string, unknown>, key: string): string {
  const attributes = isObject(doc.attributes) ? doc.attributes : {};
  const v = attributes[key];
  return typeof v === "string" ? v : (SETTABLE[key]?.default ?? "");
}

export const action: RemediationAction = {
  id: "elb-load-balancer-attributes",
  resourceTypes: ["AWS::ElasticLoadBalancingV2::LoadBalancer"],
  description:
    'Sets the load balancer attributes the params list (deletion_protection.enabled "true", routing.http.drop_invalid_header_fields.enabled "true", routing.http.desync_mitigation_mode "defensive" or "strictest") with ModifyLoadBalancerAttributes, only those that differ and only those the load balancer\'s type has (the routing.http.* attributes are Application Load Balancer ones). An absent attribute has ELB\'s default. Restore puts back the recorded values (the default where none was recorded).',
  params: {
    type: "object",
    additionalProperties: false,
    required: ["Attributes"],
    properties: {
      Attributes: {
        type: "array",
        minItems: 1,
        items: {
          type: "object",
          additionalProperties: false,
          required: ["Key", "Value"],
          properties: { Key: { enum: Object.keys(SETTABLE) }, Value: { type: "string" } },
        },
      },
    },
  },
  checkParams: (params) => wanted(params).problems,
  plan(resource, params) {
    assertParams(action, params);
    const type = typeof resource.document.type === "string" ? resource.document.type : "application";
    const Attributes: LoadBalancerAttribute[] = [];
    for (const [Key, Value] of wanted(params).attributes) {
      if (!SETTABLE[Key]?.types.includes(type)) continue;
      // A value already acceptable is kept (desync mitigation "strictest" is not lowered to "defensive").
      if (!SETTABLE[Key]?.values.includes(current(resource.document, Key))) Attributes.push({ Key, Value });
    }
    if (Attributes.length === 0) return [];
    const LoadBalancerArn = requireString(action.id, resource, "loadBalancerArn");
    return [awsCall("elasticloadbalancing", "ModifyLoadBalancerAttributes", { LoadBalancerArn, Attributes })];
  },
  restore(before, after): AwsCall[] {
    const Attributes: LoadBalancerAttribute[] = [];
    for (const Key of Object.keys(SETTABLE)) {
      const was = current(before.document, Key);
      if (was !== current(after.document, Key)) Attributes.push({ Key, Value: was });
    }
    if (Attributes.length === 0) return [];
    const LoadBalancerArn = requireString(action.id, before, "loadBalancerArn");
    return [awsCall("elasticloadbalancing", "ModifyLoadBalancerAttributes", { LoadBalancerArn, Attributes })];
  },
};
