import { GetApisCommand, GetStagesCommand } from "@aws-sdk/client-apigatewayv2";
import { partitionOf } from "../../cloudtrail/record";
import { clientFor } from "../../aws/clients";
import { unlessAbsent } from "../../aws/errors";
import { service as apigatewayv2 } from "../../aws/services/apigatewayv2";
import type { Lister } from "../list";

/**
 * Stages by their ARN (`arn:aws:apigateway:<region>::/apis/<id>/stages/<name>`): every page of GetStages of every
 * page of GetApis (NextToken: API Gateway V2 API Reference). An API deleted between the calls is passed over.
 */
export const lister: Lister = {
  type: "AWS::ApiGatewayV2::Stage",
  async *list({ accountId, region }) {
    const client = clientFor(apigatewayv2, region);
    let next: string | undefined;
    do {
      const apis = await client.send(new GetApisCommand({ MaxResults: "500", ...(next ? { NextToken: next } : {}) }));
      for (const api of apis.Items ?? []) {
        if (!api.ApiId) continue;
        let at: string | undefined;
        do {
          const stages = await unlessAbsent(
            client.send(
              new GetStagesCommand({ ApiId: api.ApiId, MaxResults: "500", ...(at ? { NextToken: at } : {}) }),
            ),
            apigatewayv2.notFound,
          );
          for (const stage of stages?.Items ?? []) {
            if (!stage.StageName) continue;
            const id = `arn:${partitionOf(region)}:apigateway:${region}::/apis/${api.ApiId}/stages/${stage.StageName}`;
            yield { type: lister.type, id, arn: id, accountId, region };
          }
          at = stages?.NextToken;
        } while (at);
      }
      next = apis.NextToken;
    } while (next);
  },
};
