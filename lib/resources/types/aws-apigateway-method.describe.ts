import { GetMethodCommand } from "@aws-sdk/client-api-gateway";
import { clientFor } from "../../aws/clients";
import { unlessAbsent } from "../../aws/errors";
import { service as apigateway } from "../../aws/services/apigateway";
import { idParts } from "../described";
import type { Describer } from "../describe";

/** A method by the ARN Config uses as its resourceId (`.../restapis/<id>/resources/<id>/methods/<verb>`): GetMethod. */
export const describer: Describer = {
  type: "AWS::ApiGateway::Method",
  async describe(ref) {
    const [restApiId, resourceId, httpMethod] = idParts(
      /\/restapis\/([^/]+)\/resources\/([^/]+)\/methods\/([^/]+)$/,
      ref,
    );
    const method = await unlessAbsent(
      clientFor(apigateway, ref.region).send(new GetMethodCommand({ restApiId, resourceId, httpMethod })),
      apigateway.notFound,
    );
    return method ? { ref, GetMethod: method } : undefined;
  },
};
