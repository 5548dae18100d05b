import { DescribeServicesCommand } from "@aws-sdk/client-ecs";
import { clientFor } from "../../aws/clients";
import { unlessAbsent } from "../../aws/errors";
import { service as ecs } from "../../aws/services/ecs";
import type { Describer } from "../describe";

/**
 * ECS service by its ARN (Config's resourceId): DescribeServices in the cluster the long ARN format names
 * (service/<cluster>/<name>), with `include: ["TAGS"]` (Amazon ECS API Reference). A service that is gone is a
 * `failures` entry (MISSING) or, once deleted, a service with status INACTIVE; an unknown cluster is
 * ClusterNotFoundException. An old-format ARN (service/<name>) names no cluster: it is looked up in the default one.
 */
export const describer: Describer = {
  type: "AWS::ECS::Service",
  async describe(ref) {
    const m = /:service\/(?:([^/]+)\/)?([^/]+)$/.exec(ref.id);
    if (!m) throw new Error(`${ref.type} id is not the ARN Config uses: ${ref.id}`);
    const client = clientFor(ecs, ref.region);
    const out = await unlessAbsent(
      client.send(
        new DescribeServicesCommand({ ...(m[1] ? { cluster: m[1] } : {}), services: [ref.id], include: ["TAGS"] }),
      ),
      ecs.notFound,
    );
    const service = out?.services?.[0];
    if (!service || service.status === "INACTIVE") return undefined;
    return { ref, DescribeServices: { services: [service] } };
  },
};
