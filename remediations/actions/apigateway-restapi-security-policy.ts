import {
  isTls12OrBetter,
  patchOperationsParams,
  redeployCalls,
  restApiIdOf,
  securityPolicyPatch,
  securityPolicyRestorePatch,
  securityPolicyTarget,
  stageNamesFor,
} from "../../lib/remediation/apigateway";
import { assertParams } from "../../lib/remediation/document";
import { awsCall, type AwsCall, type RemediationAction } from "../../lib/remediation/types";

export const action: RemediationAction = {
  id: "apigateway-restapi-security-policy",
  resourceTypes: ["AWS::ApiGateway::RestApi"],
  description:
    "Sets the REST API's own security policy to TLS_1_2 (or the enhanced policy the params name, with /endpointAccessMode in the same UpdateRestApi call, BASIC unless given), then redeploys every stage (CreateDeployment per stage; the stage names are the runtime param stageNames), because the API's policy takes effect only after a redeploy. An API that already has TLS_1_2 or an enhanced TLS 1.2/1.3 policy is left alone. The change takes about 15 minutes (apiStatus UPDATING, the API stays invocable). A redeploy also publishes any undeployed change to the API's methods, hence approve mode. Restore puts the previous policy back (absent means TLS_1_0) and redeploys again.",
  needsRedeploy: true,
  params: patchOperationsParams(["/securityPolicy", "/endpointAccessMode"]),
  checkParams: (params) => securityPolicyTarget(params).problems,
  plan(resource, params) {
    assertParams(action, params);
    if (isTls12OrBetter(resource.document.securityPolicy)) return [];
    const restApiId = restApiIdOf(action.id, resource);
    const stages = stageNamesFor(action.id, resource, params);
    const { target } = securityPolicyTarget(params);
    return [
      awsCall("apigateway", "UpdateRestApi", { restApiId, patchOperations: securityPolicyPatch(target) }),
      ...redeployCalls(action.id, restApiId, stages),
    ];
  },
  restore(before, after, params): AwsCall[] {
    const patchOperations = securityPolicyRestorePatch(before, after);
    if (patchOperations.length === 0) return [];
    const restApiId = restApiIdOf(action.id, before);
    return [
      awsCall("apigateway", "UpdateRestApi", { restApiId, patchOperations }),
      ...redeployCalls(action.id, restApiId, stageNamesFor(action.id, before, params)),
    ];
  },
};
