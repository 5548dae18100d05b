import { GetStageCommand } from "@aws-sdk/client-apigatewayv2";
import { clientFor } from "../../aws/clients";
import { unlessAbsent } from "../../aws/errors";
import { service as apigatewayv2 } from "../../aws/services/apigatewayv2";
import { idParts } from "../described";
import type { Describer } from "../describe";

/** A stage by its ARN (`arn:aws:apigateway:<region>::/apis/<apiId>/stages/<name>`): GetStage. */
export const describer: Describer = {
  type: "AWS::ApiGatewayV2::Stage",
  async describe(ref) {
    const [ApiId, StageName] = idParts(/\/apis\/([^/]+)\/stages\/([^/]+)$/, ref);
    const stage = await unlessAbsent(
      clientFor(apigatewayv2, ref.region).send(new GetStageCommand({ ApiId, StageName })),
      apigatewayv2.notFound,
    );
    return stage ? { ref, GetStage: stage } : undefined;
  },
};
