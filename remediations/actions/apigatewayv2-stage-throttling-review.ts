import { notifyOnlyAction } from "../../lib/remediation/notify-only";

export const action = notifyOnlyAction({
  id: "apigatewayv2-stage-throttling-review",
  resourceTypes: ["AWS::ApiGatewayV2::Stage"],
  description:
    'Notify only. The right steady-state rate and burst for a stage depend on its backends and clients; a limit set too low rejects legitimate traffic with 429 responses. The owners pick them and set UpdateStage DefaultRouteSettings {ThrottlingRateLimit, ThrottlingBurstLimit} (API Gateway Developer Guide, "Throttle requests to your HTTP APIs").',
});
