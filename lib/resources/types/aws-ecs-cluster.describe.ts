import { DescribeClustersCommand } from "@aws-sdk/client-ecs";
import { clientFor } from "../../aws/clients";
import { unlessAbsent } from "../../aws/errors";
import { service as ecs } from "../../aws/services/ecs";
import type { Describer } from "../describe";

/**
 * ECS cluster by name (Config's resourceId): DescribeClusters with `include: ["SETTINGS", "TAGS"]` (without SETTINGS
 * AWS leaves `settings` out; Amazon ECS API Reference, DescribeClusters). A cluster that is gone is a `failures`
 * entry (MISSING) or, once deleted, a cluster with status INACTIVE.
 */
export const describer: Describer = {
  type: "AWS::ECS::Cluster",
  async describe(ref) {
    const client = clientFor(ecs, ref.region);
    const out = await unlessAbsent(
      client.send(new DescribeClustersCommand({ clusters: [ref.id], include: ["SETTINGS", "TAGS"] })),
      ecs.notFound,
    );
    const cluster = out?.clusters?.[0];
    if (!cluster || cluster.status === "INACTIVE") return undefined;
    return { ref, DescribeClusters: { clusters: [cluster] } };
  },
};
