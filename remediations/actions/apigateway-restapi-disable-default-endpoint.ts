import {
  patchOperationsOf,
  patchOperationsParams,
  redeployCalls,
  restApiIdOf,
  stageNamesFor,
} from "../../lib/remediation/apigateway";
import { assertParams } from "../../lib/remediation/document";
import { awsCall, type AwsCall, type RemediationAction } from "../../lib/remediation/types";

const PATH = "/disableExecuteApiEndpoint";

export const action: RemediationAction = {
  id: "apigateway-restapi-disable-default-endpoint",
  resourceTypes: ["AWS::ApiGateway::RestApi"],
  description:
    'Turns off the REST API\'s default execute-api endpoint (UpdateRestApi, patch /disableExecuteApiEndpoint "True"), so clients can reach it only through its custom domain, then redeploys every stage (CreateDeployment per stage; the stage names are the runtime param stageNames): the setting takes effect only after a redeploy. Clients still calling the execute-api URL break, and a redeploy also publishes any undeployed change to the API\'s methods, hence approve mode. Restore sets "False" and redeploys again.',
  needsRedeploy: true,
  params: patchOperationsParams([PATH]),
  checkParams(params) {
    const { ops, problems } = patchOperationsOf(params);
    for (const op of ops) {
      if (op.op !== "replace" || op.path !== PATH || op.value?.toLowerCase() !== "true") {
        problems.push(
          `the only operation allowed is replace ${PATH} "True", not ${op.op} ${op.path} ${op.value ?? ""}`,
        );
      }
    }
    return problems;
  },
  plan(resource, params) {
    assertParams(action, params);
    if (resource.document.disableExecuteApiEndpoint === true) return [];
    const restApiId = restApiIdOf(action.id, resource);
    const stages = stageNamesFor(action.id, resource, params);
    return [
      awsCall("apigateway", "UpdateRestApi", {
        restApiId,
        patchOperations: [{ op: "replace", path: PATH, value: "True" }],
      }),
      ...redeployCalls(action.id, restApiId, stages),
    ];
  },
  restore(before, after, params): AwsCall[] {
    const was = before.document.disableExecuteApiEndpoint === true;
    const is = after.document.disableExecuteApiEndpoint === true;
    if (was === is) return [];
    const restApiId = restApiIdOf(action.id, before);
    return [
      awsCall("apigateway", "UpdateRestApi", {
        restApiId,
        patchOperations: [{ op: "replace", path: PATH, value: was ? "True" : "False" }],
      }),
      ...redeployCalls(action.id, restApiId, stageNamesFor(action.id, before, params)),
    ];
  },
};
