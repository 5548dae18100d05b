import { paginateListClusters, paginateListServices } from "@aws-sdk/client-ecs";
import { clientFor } from "../../aws/clients";
import { service as ecs } from "../../aws/services/ecs";
import type { Lister } from "../list";

/** Services by ARN (Config's resourceId): every page of ListServices in every cluster ListClusters names. */
export const lister: Lister = {
  type: "AWS::ECS::Service",
  async *list({ accountId, region }) {
    const client = clientFor(ecs, region);
    for await (const clusters of paginateListClusters({ client }, {})) {
      for (const cluster of clusters.clusterArns ?? []) {
        for await (const page of paginateListServices({ client }, { cluster })) {
          for (const arn of page.serviceArns ?? []) yield { type: lister.type, id: arn, arn, accountId, region };
        }
      }
    }
  },
};
