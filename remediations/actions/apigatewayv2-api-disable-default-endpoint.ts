import { requireString } from "../../lib/remediation/document";
import { awsCall, type AwsCall, type RemediationAction } from "../../lib/remediation/types";

const ID = "apigatewayv2-api-disable-default-endpoint";

export const action: RemediationAction = {
  id: ID,
  resourceTypes: ["AWS::ApiGatewayV2::Api"],
  description:
    'Turns off the HTTP API\'s default execute-api endpoint (UpdateApi DisableExecuteApiEndpoint true), so clients reach it only through its custom domain. It affects every stage; stages with automatic deployment apply it at once, others at their next deployment (API Gateway Developer Guide, "Disable the default endpoint for HTTP APIs"): no deployment is made here, since one would also publish undeployed route changes. Clients still calling the execute-api URL break, hence approve mode. Restore sets DisableExecuteApiEndpoint false.',
  plan(resource) {
    if (resource.document.disableExecuteApiEndpoint === true) return [];
    return [
      awsCall("apigatewayv2", "UpdateApi", {
        ApiId: requireString(ID, resource, "apiId"),
        DisableExecuteApiEndpoint: true,
      }),
    ];
  },
  restore(before, after): AwsCall[] {
    const was = before.document.disableExecuteApiEndpoint === true;
    const is = after.document.disableExecuteApiEndpoint === true;
    if (was === is) return [];
    return [
      awsCall("apigatewayv2", "UpdateApi", {
        ApiId: requireString(ID, before, "apiId"),
        DisableExecuteApiEndpoint: was,
      }),
    ];
  },
};
