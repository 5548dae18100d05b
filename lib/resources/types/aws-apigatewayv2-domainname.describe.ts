import { GetDomainNameCommand } from "@aws-sdk/client-apigatewayv2";
import { clientFor } from "../../aws/clients";
import { unlessAbsent } from "../../aws/errors";
import { service as apigatewayv2 } from "../../aws/services/apigatewayv2";
import type { Describer } from "../describe";

/** A custom domain by name: GetDomainName (tags are part of it). */
export const describer: Describer = {
  type: "AWS::ApiGatewayV2::DomainName",
  async describe(ref) {
    const domain = await unlessAbsent(
      clientFor(apigatewayv2, ref.region).send(new GetDomainNameCommand({ DomainName: ref.id })),
      apigatewayv2.notFound,
    );
    return domain ? { ref, GetDomainName: domain } : undefined;
  },
};
