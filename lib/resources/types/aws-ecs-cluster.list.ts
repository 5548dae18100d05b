import { paginateListClusters } from "@aws-sdk/client-ecs";
import { clientFor } from "../../aws/clients";
import { service as ecs } from "../../aws/services/ecs";
import type { Lister } from "../list";

/** Clusters by name (Config's resourceId), from every page of ListClusters' ARNs (`...:cluster/<name>`). */
export const lister: Lister = {
  type: "AWS::ECS::Cluster",
  async *list({ accountId, region }) {
    const client = clientFor(ecs, region);
    for await (const page of paginateListClusters({ client }, {})) {
      for (const arn of page.clusterArns ?? []) {
        const name = arn.slice(arn.indexOf(":cluster/") + 9);
        if (arn.includes(":cluster/") && name) yield { type: lister.type, id: name, arn, accountId, region };
      }
    }
  },
};
