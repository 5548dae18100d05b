import {
  GetApiCommand,
  GetApiMappingsCommand,
  GetDomainNamesCommand,
  type ApiMapping,
} from "@aws-sdk/client-apigatewayv2";
import { clientFor } from "../../aws/clients";
import { unlessAbsent } from "../../aws/errors";
import { service as apigatewayv2 } from "../../aws/services/apigatewayv2";
import type { Described, ResourceRef } from "../adapter";
import type { Describer } from "../describe";

/*
 * Paging is written out with the Command classes (no paginators), so that every operation sent is an import the
 * deploy test can check against the function's role. GetDomainNames and GetApiMappings page by NextToken with
 * MaxResults as text (API Gateway V2 API Reference, GetDomainNames, GetApiMappings).
 */

/**
 * GetApi, and the API mappings of every custom domain in the Region (GetDomainNames, then GetApiMappings per
 * domain: 1 + domains calls), from which the adapter finds the domains mapped to the API. A domain deleted between
 * the calls has no mappings.
 */
export const describer: Describer = {
  type: "AWS::ApiGatewayV2::Api",
  describe: describeApi,
};

async function describeApi(ref: ResourceRef): Promise<Described | undefined> {
  const client = clientFor(apigatewayv2, ref.region);
  const api = await unlessAbsent(client.send(new GetApiCommand({ ApiId: ref.id })), apigatewayv2.notFound);
  if (!api) return undefined;
  const domains: string[] = [];
  let next: string | undefined;
  do {
    const page = await client.send(
      new GetDomainNamesCommand({ MaxResults: "500", ...(next ? { NextToken: next } : {}) }),
    );
    for (const d of page.Items ?? []) if (d.DomainName) domains.push(d.DomainName);
    next = page.NextToken;
  } while (next);
  const mappings = await Promise.all(
    domains.map(async (domainName) => {
      const items: ApiMapping[] = [];
      let at: string | undefined;
      do {
        const page = await unlessAbsent(
          client.send(
            new GetApiMappingsCommand({ DomainName: domainName, MaxResults: "500", ...(at ? { NextToken: at } : {}) }),
          ),
          apigatewayv2.notFound,
        );
        if (!page) break;
        items.push(...(page.Items ?? []));
        at = page.NextToken;
      } while (at);
      return { domainName, items };
    }),
  );
  return { ref, GetApi: api, GetApiMappings: mappings };
}
