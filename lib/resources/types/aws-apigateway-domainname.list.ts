import { paginateGetDomainNames } from "@aws-sdk/client-api-gateway";
import { clientFor } from "../../aws/clients";
import { service as apigateway } from "../../aws/services/apigateway";
import type { Lister } from "../list";

/** Custom domain names by name (Config's resourceId): every page of GetDomainNames. */
export const lister: Lister = {
  type: "AWS::ApiGateway::DomainName",
  async *list({ accountId, region }) {
    const client = clientFor(apigateway, region);
    for await (const page of paginateGetDomainNames({ client }, { limit: 500 })) {
      for (const d of page.items ?? []) {
        if (d.domainName) yield { type: lister.type, id: d.domainName, accountId, region };
      }
    }
  },
};
