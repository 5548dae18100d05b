import type { Resource } from "../../lib/resources/adapter";
import {
  isTls12OrBetter,
  patchOperationsParams,
  securityPolicyPatch,
  securityPolicyRestorePatch,
  securityPolicyTarget,
} from "../../lib/remediation/apigateway";
import { assertParams, requireString, str } from "../../lib/remediation/document";
import { awsCall, type AwsCall, type RemediationAction } from "../../lib/remediation/types";

/** Identity of a custom domain for UpdateDomainName: the name, and the id a private custom domain also needs. */
function domainKey(resource: Resource): { domainName: string; domainNameId?: string } {
  const domainName = requireString(action.id, resource, "domainName");
  const domainNameId = str(resource.document.domainNameId);
  return domainNameId ? { domainName, domainNameId } : { domainName };
}

export const action: RemediationAction = {
  id: "apigateway-domain-security-policy",
  resourceTypes: ["AWS::ApiGateway::DomainName"],
  description:
    "Sets the custom domain's security policy to TLS_1_2 (or the enhanced policy the params name, with its endpoint access mode, BASIC unless given) with UpdateDomainName, patch /securityPolicy. A domain that already has TLS_1_2 or an enhanced TLS 1.2/1.3 policy is left alone, so an enhanced policy is never replaced by a legacy one. AWS allows up to 60 minutes for the update. Restore puts the previous policy back (absent means the legacy TLS_1_0 default). /endpointAccessMode on domains follows the API's patch convention but is UNCONFIRMED in AWS documentation.",
  params: patchOperationsParams(["/securityPolicy", "/endpointAccessMode"]),
  checkParams: (params) => securityPolicyTarget(params).problems,
  plan(resource, params) {
    assertParams(action, params);
    if (isTls12OrBetter(resource.document.securityPolicy)) return [];
    const { target } = securityPolicyTarget(params);
    return [
      awsCall("apigateway", "UpdateDomainName", {
        ...domainKey(resource),
        patchOperations: securityPolicyPatch(target),
      }),
    ];
  },
  restore(before, after): AwsCall[] {
    const patchOperations = securityPolicyRestorePatch(before, after);
    if (patchOperations.length === 0) return [];
    return [awsCall("apigateway", "UpdateDomainName", { ...domainKey(before), patchOperations })];
  },
};
