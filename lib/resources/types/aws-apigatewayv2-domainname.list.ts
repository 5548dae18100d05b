import { GetDomainNamesCommand } from "@aws-sdk/client-apigatewayv2";
import { clientFor } from "../../aws/clients";
import { service as apigatewayv2 } from "../../aws/services/apigatewayv2";
import type { Lister } from "../list";

/**
 * Custom domain names by name: every page of GetDomainNames (NextToken: API Gateway V2 API Reference). The REST
 * API's GetDomainNames lists the same domains (custom domain names are shared by the two APIs), so a domain may be
 * judged as both types, each by its own policies.
 */
export const lister: Lister = {
  type: "AWS::ApiGatewayV2::DomainName",
  async *list({ accountId, region }) {
    const client = clientFor(apigatewayv2, region);
    let next: string | undefined;
    do {
      const page = await client.send(
        new GetDomainNamesCommand({ MaxResults: "500", ...(next ? { NextToken: next } : {}) }),
      );
      for (const d of page.Items ?? []) {
        if (d.DomainName) yield { type: lister.type, id: d.DomainName, accountId, region };
      }
      next = page.NextToken;
    } while (next);
  },
};
