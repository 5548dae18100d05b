import {
  GetBasePathMappingsCommand,
  GetDomainNameCommand,
  GetDomainNamesCommand,
  GetMethodCommand,
  GetRestApiCommand,
  GetStageCommand,
  type BasePathMapping,
} from "@aws-sdk/client-api-gateway";
import type { Described, ResourceRef } from "../../resources/adapter";
import { apiGatewayClient } from "../clients";
import { unlessAbsent } from "./errors";

/**
 * Live describes of API Gateway (REST) resources, one per Config type, keyed as the adapters' `fromDescribe` read
 * them. A resource that no longer exists (NotFoundException) is undefined. IAM: apigateway:GET on
 * /restapis/*, /restapis/*\/stages/*, /restapis/*\/resources/*\/methods/*, /domainnames/* and the collection
 * /domainnames itself (GetDomainNames). Paging is written out with the Command classes (no paginators), so that
 * every operation sent is an import the deploy test can check against the function's role.
 */

const NOT_FOUND = ["NotFoundException"];

const STAGE_ARN = /\/restapis\/([^/]+)\/stages\/([^/]+)$/;
const METHOD_ARN = /\/restapis\/([^/]+)\/resources\/([^/]+)\/methods\/([^/]+)$/;

function parse(pattern: RegExp, ref: ResourceRef): string[] {
  const m = pattern.exec(ref.id);
  if (!m) throw new Error(`${ref.type} id is not the ARN Config uses: ${ref.id}`);
  return m.slice(1).map((s) => decodeURIComponent(s));
}

/**
 * GetRestApi, and the base path mappings of every custom domain in the Region (GetDomainNames, then
 * GetBasePathMappings per domain: 1 + domains calls), from which the adapter finds the domains mapped to the API.
 */
export async function describeRestApi(ref: ResourceRef): Promise<Described | undefined> {
  const client = apiGatewayClient(ref.region);
  const api = await unlessAbsent(client.send(new GetRestApiCommand({ restApiId: ref.id })), NOT_FOUND);
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

export async function describeStage(ref: ResourceRef): Promise<Described | undefined> {
  const [restApiId, stageName] = parse(STAGE_ARN, ref);
  const stage = await unlessAbsent(
    apiGatewayClient(ref.region).send(new GetStageCommand({ restApiId, stageName })),
    NOT_FOUND,
  );
  return stage ? { ref, GetStage: stage } : undefined;
}

export async function describeDomainName(ref: ResourceRef): Promise<Described | undefined> {
  const domain = await unlessAbsent(
    apiGatewayClient(ref.region).send(new GetDomainNameCommand({ domainName: ref.id })),
    NOT_FOUND,
  );
  return domain ? { ref, GetDomainName: domain } : undefined;
}

export async function describeMethod(ref: ResourceRef): Promise<Described | undefined> {
  const [restApiId, resourceId, httpMethod] = parse(METHOD_ARN, ref);
  const method = await unlessAbsent(
    apiGatewayClient(ref.region).send(new GetMethodCommand({ restApiId, resourceId, httpMethod })),
    NOT_FOUND,
  );
  return method ? { ref, GetMethod: method } : undefined;
}
