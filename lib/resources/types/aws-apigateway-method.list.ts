import { paginateGetResources, paginateGetRestApis } from "@aws-sdk/client-api-gateway";
import { partitionOf } from "../../cloudtrail/record";
import { clientFor } from "../../aws/clients";
import { service as apigateway } from "../../aws/services/apigateway";
import type { Lister } from "../list";

/**
 * Methods by the ARN Guardrail uses as their id (`.../restapis/<id>/resources/<id>/methods/<verb>`): every page of
 * GetResources of every REST API, with `embed: ["methods"]` so each resource lists its methods (API Gateway API
 * Reference, GetResources).
 */
export const lister: Lister = {
  type: "AWS::ApiGateway::Method",
  async *list({ accountId, region }) {
    const client = clientFor(apigateway, region);
    for await (const apis of paginateGetRestApis({ client }, { limit: 500 })) {
      for (const api of apis.items ?? []) {
        if (!api.id) continue;
        const pages = paginateGetResources({ client }, { restApiId: api.id, embed: ["methods"], limit: 500 });
        for await (const page of pages) {
          for (const resource of page.items ?? []) {
            for (const verb of Object.keys(resource.resourceMethods ?? {})) {
              const id = `arn:${partitionOf(region)}:apigateway:${region}::/restapis/${api.id}/resources/${resource.id}/methods/${verb}`;
              yield { type: lister.type, id, arn: id, accountId, region };
            }
          }
        }
      }
    }
  },
};
