import { notifyOnlyAction } from "../../lib/remediation/notify-only";

export const action = notifyOnlyAction({
  id: "apigatewayv2-stage-access-logging-review",
  resourceTypes: ["AWS::ApiGatewayV2::Stage"],
  description:
    "Notify only. Access logs need a destination the account owns: a CloudWatch Logs log group chosen by the API's owners (its name, retention, KMS key and ingestion cost are theirs to decide), which must already exist; Guardrail creates no resources. Once it exists, UpdateStage AccessLogSettings {DestinationArn, Format} turns logging on without a redeploy, and DeleteAccessLogSettings turns it off (API Gateway V2 API Reference).",
});
