import { paginateGetRestApis } from "@aws-sdk/client-api-gateway";
import { clientFor } from "../../aws/clients";
import { service as apigateway } from "../../aws/services/apigateway";
import type { Lister } from "../list";

/** REST APIs by id (Config's resourceId): every page of GetRestApis (position). */
export const lister: Lister = {
  type: "AWS::ApiGateway::RestApi",
  async *list({ accountId, region }) {
    const client = clientFor(apigateway, region);
    for await (const page of paginateGetRestApis({ client }, { limit: 500 })) {
      for (const api of page.items ?? []) {
        if (api.id) yield { type: lister.type, id: api.id, accountId, region };
      }
    }
  },
};
