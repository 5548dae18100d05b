import { paginateListClusters } from "@aws-sdk/client-eks";
import { clientFor } from "../../aws/clients";
import { service as eks } from "../../aws/services/eks";
import type { Lister } from "../list";

/** Clusters by name (Config's resourceId): every page of ListClusters. */
export const lister: Lister = {
  type: "AWS::EKS::Cluster",
  async *list({ accountId, region }) {
    const client = clientFor(eks, region);
    for await (const page of paginateListClusters({ client }, {})) {
      for (const name of page.clusters ?? []) yield { type: lister.type, id: name, accountId, region };
    }
  },
};
