import { GetStagesCommand, paginateGetRestApis } from "@aws-sdk/client-api-gateway";
import { partitionOf } from "../../cloudtrail/record";
import { clientFor } from "../../aws/clients";
import { unlessAbsent } from "../../aws/errors";
import { service as apigateway } from "../../aws/services/apigateway";
import type { Lister } from "../list";

/**
 * Stages by the ARN Config uses as their resourceId (`arn:aws:apigateway:<region>::/restapis/<id>/stages/<name>`):
 * GetStages of every REST API (GetStages is not paginated: API Gateway API Reference). An API deleted between the
 * two calls is passed over.
 */
export const lister: Lister = {
  type: "AWS::ApiGateway::Stage",
  async *list({ accountId, region }) {
    const client = clientFor(apigateway, region);
    for await (const page of paginateGetRestApis({ client }, { limit: 500 })) {
      for (const api of page.items ?? []) {
        if (!api.id) continue;
        const stages = await unlessAbsent(
          client.send(new GetStagesCommand({ restApiId: api.id })),
          apigateway.notFound,
        );
        for (const stage of stages?.item ?? []) {
          if (!stage.stageName) continue;
          const id = `arn:${partitionOf(region)}:apigateway:${region}::/restapis/${api.id}/stages/${stage.stageName}`;
          yield { type: lister.type, id, arn: id, accountId, region };
        }
      }
    }
  },
};
