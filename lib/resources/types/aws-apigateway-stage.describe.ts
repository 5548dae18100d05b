import { GetStageCommand } from "@aws-sdk/client-api-gateway";
import { clientFor } from "../../aws/clients";
import { unlessAbsent } from "../../aws/errors";
import { service as apigateway } from "../../aws/services/apigateway";
import { idParts } from "../described";
import type { Describer } from "../describe";

/** A stage by the ARN Config uses as its resourceId (`arn:aws:apigateway:<region>::/restapis/<id>/stages/<name>`): GetStage. */
export const describer: Describer = {
  type: "AWS::ApiGateway::Stage",
  async describe(ref) {
    const [restApiId, stageName] = idParts(/\/restapis\/([^/]+)\/stages\/([^/]+)$/, ref);
    const stage = await unlessAbsent(
      clientFor(apigateway, ref.region).send(new GetStageCommand({ restApiId, stageName })),
      apigateway.notFound,
    );
    return stage ? { ref, GetStage: stage } : undefined;
  },
};
