import { notifyOnlyAction } from "../../lib/remediation/notify-only";

export const action = notifyOnlyAction({
  id: "apigateway-integration-https",
  resourceTypes: ["AWS::ApiGateway::Method"],
  description:
    "Notify only. Rewriting an integration's http:// URI to https:// works only if the backend serves TLS on that host with a certificate from a CA API Gateway trusts; otherwise every request through the method fails. The change also needs a redeploy. The owner moves the backend to HTTPS and redeploys.",
});
