import {
  GetBasePathMappingsCommand,
  GetDomainNamesCommand,
  GetRestApiCommand,
  type BasePathMapping,
} from "@aws-sdk/client-api-gateway";
import { clientFor } from "../../aws/clients";
import { unlessAbsent } from "../../aws/errors";
import { service as apigateway } from "../../aws/services/apigateway";
import type { Described, ResourceRef } from "../adapter";
import type { Describer } from "../describe";

/*
 * Paging is written out with the Command classes (no paginators), so that every operation sent is an import the
 * deploy test can check against the function's role.
 */

/**
 * GetRestApi, and the base path mappings of every custom domain in the Region (GetDomainNames, then
 * GetBasePathMappings per domain: 1 + domains calls), from which the adapter finds the domains mapped to the API.
 */
export const describer: Describer = {
  type: "AWS::ApiGateway::RestApi",
  describe: describeRestApi,
};

async function describeRestApi(ref: ResourceRef): Promise<Described | undefined> {
  const client = clientFor(apigateway, ref.region);
  const api = await unlessAbsent(client.send(new GetRestApiCommand({ restApiId: ref.id })), apigateway.notFound);
  if (!api) return undefined;
  const domains: { domainName: string; domainNameId?: string }[] = [];
  let position: string | undefined;
  do {
    const page = await client.send(new GetDomainNamesCommand({ limit: 500, ...(position ? { position } : {}) }));
    for (const d of page.items ?? []) {
      if (d.domainName)
        domains.push({ domainName: d.domainName, ...(d.domainNameId ? { domainNameId: d.domainNameId } : {}) });
    }
    position = page.position;
  } while (position);
  const mappings = await Promise.all(
    domains.map(async (d) => {
      const items: BasePathMapping[] = [];
      let at: string | undefined;
      do {
        const page = await client.send(
          new GetBasePathMappingsCommand({ ...d, limit: 500, ...(at ? { position: at } : {}) }),
        );
        items.push(...(page.items ?? []));
        at = page.position;
      } while (at);
      return { domainName: d.domainName, items };
    }),
  );
  return { ref, GetRestApi: api, GetBasePathMappings: mappings };
}
