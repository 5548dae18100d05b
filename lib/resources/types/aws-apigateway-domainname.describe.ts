import { GetDomainNameCommand } from "@aws-sdk/client-api-gateway";
import { clientFor } from "../../aws/clients";
import { unlessAbsent } from "../../aws/errors";
import { service as apigateway } from "../../aws/services/apigateway";
import type { Describer } from "../describe";

/** A custom domain by name (Config's resourceId): GetDomainName. */
export const describer: Describer = {
  type: "AWS::ApiGateway::DomainName",
  async describe(ref) {
    const domain = await unlessAbsent(
      clientFor(apigateway, ref.region).send(new GetDomainNameCommand({ domainName: ref.id })),
      apigateway.notFound,
    );
    return domain ? { ref, GetDomainName: domain } : undefined;
  },
};
