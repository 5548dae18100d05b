import { GetApisCommand } from "@aws-sdk/client-apigatewayv2";
import { clientFor } from "../../aws/clients";
import { service as apigatewayv2 } from "../../aws/services/apigatewayv2";
import type { Lister } from "../list";

/**
 * HTTP and WebSocket APIs by id (Config's resourceId): every page of GetApis (NextToken, MaxResults as text: API
 * Gateway V2 API Reference, GetApis; the SDK has no paginator for it).
 */
export const lister: Lister = {
  type: "AWS::ApiGatewayV2::Api",
  async *list({ accountId, region }) {
    const client = clientFor(apigatewayv2, region);
    let next: string | undefined;
    do {
      const page = await client.send(new GetApisCommand({ MaxResults: "500", ...(next ? { NextToken: next } : {}) }));
      for (const api of page.Items ?? []) {
        if (api.ApiId) yield { type: lister.type, id: api.ApiId, accountId, region };
      }
      next = page.NextToken;
    } while (next);
  },
};
