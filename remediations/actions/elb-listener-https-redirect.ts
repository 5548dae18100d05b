import type { Action } from "@aws-sdk/client-elastic-load-balancing-v2";
import { assertParams, jsonEqual, requireString } from "../../lib/remediation/document";
import {
  awsCall,
  PlanError,
  type AwsCall,
  type RemediationAction,
  type RemediationParams,
} from "../../lib/remediation/types";
import { isObject } from "../../lib/util/json";

/** A default action that already sends HTTP clients to HTTPS. */
export function redirectsToHttps(actions: unknown): boolean {
  return (
    Array.isArray(actions) &&
    actions.some(
      (a) =>
        isObject(a) && a.Type === "redirect" && isObject(a.RedirectConfig) && a.RedirectConfig.Protocol === "HTTPS",
    )
  );
}

function redirect(params: RemediationParams): Action {
  return {
    Type: "redirect",
    RedirectConfig: {
      Protocol: "HTTPS",
      Port: typeof params.Port === "string" ? params.Port : "443",
      Host: "#{host}",
      Path: "/#{path}",
      Query: "#{query}",
      StatusCode: params.StatusCode === "HTTP_302" ? "HTTP_302" : "HTTP_301",
    },
  };
}

export const action: RemediationAction = {
  id: "elb-listener-https-redirect",
  resourceTypes: ["AWS::ElasticLoadBalancingV2::Listener"],
  description:
    "Replaces an Application Load Balancer HTTP listener's default actions with a redirect to HTTPS (ModifyListener DefaultActions [{Type redirect, RedirectConfig {Protocol HTTPS, Port 443 or the params' Port, Host #{host}, Path /#{path}, Query #{query}, StatusCode HTTP_301 or the params' StatusCode}}]), the form of the Elastic Load Balancing User Guide's \"Redirect actions\". Requests matched by the listener's rules are not affected. The load balancer must have an HTTPS listener on that port, or clients are redirected to nothing: hence approval. Restore puts back the recorded default actions.",
  params: {
    type: "object",
    additionalProperties: false,
    properties: {
      Port: { type: "string", pattern: "^([1-9][0-9]{0,4}|#\\{port\\})$" },
      StatusCode: { enum: ["HTTP_301", "HTTP_302"] },
    },
  },
  checkParams: (params) =>
    params.Port === undefined || (typeof params.Port === "string" && /^([1-9]\d{0,4}|#\{port\})$/.test(params.Port))
      ? []
      : ["Port must be a port number as a string (443) or #{port}"],
  plan(resource, params) {
    assertParams(action, params);
    if (resource.document.Protocol !== "HTTP" || redirectsToHttps(resource.document.DefaultActions)) return [];
    const ListenerArn = requireString(action.id, resource, "ListenerArn");
    return [awsCall("elasticloadbalancing", "ModifyListener", { ListenerArn, DefaultActions: [redirect(params)] })];
  },
  restore(before, after): AwsCall[] {
    const was = before.document.DefaultActions;
    if (jsonEqual(was, after.document.DefaultActions)) return [];
    if (!Array.isArray(was) || was.length === 0) {
      throw new PlanError(action.id, `DefaultActions: the recorded state of ${before.id} has none to put back`);
    }
    return [
      awsCall("elasticloadbalancing", "ModifyListener", {
        ListenerArn: requireString(action.id, before, "ListenerArn"),
        DefaultActions: was as Action[],
      }),
    ];
  },
};
