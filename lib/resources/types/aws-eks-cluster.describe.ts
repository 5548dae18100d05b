import { DescribeClusterCommand } from "@aws-sdk/client-eks";
import { clientFor } from "../../aws/clients";
import { unlessAbsent } from "../../aws/errors";
import { service as eks } from "../../aws/services/eks";
import type { Describer } from "../describe";

/** EKS cluster by name (Config's resourceId): DescribeCluster, which carries the tags (ResourceNotFoundException: gone). */
export const describer: Describer = {
  type: "AWS::EKS::Cluster",
  async describe(ref) {
    const client = clientFor(eks, ref.region);
    const out = await unlessAbsent(client.send(new DescribeClusterCommand({ name: ref.id })), eks.notFound);
    if (!out?.cluster) return undefined;
    return { ref, DescribeCluster: out };
  },
};
