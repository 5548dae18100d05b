import { DescribeListenersCommand, DescribeTagsCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { clientFor } from "../../aws/clients";
import { unlessAbsent } from "../../aws/errors";
import { service as elb } from "../../aws/services/elasticloadbalancing";
import type { Describer } from "../describe";

/** A listener by ARN (Config's resourceId): DescribeListeners (ListenerNotFound: gone), then DescribeTags. */
export const describer: Describer = {
  type: "AWS::ElasticLoadBalancingV2::Listener",
  async describe(ref) {
    const client = clientFor(elb, ref.region);
    const listeners = await unlessAbsent(
      client.send(new DescribeListenersCommand({ ListenerArns: [ref.id] })),
      elb.notFound,
    );
    if (!listeners?.Listeners?.length) return undefined;
    const tags = await unlessAbsent(client.send(new DescribeTagsCommand({ ResourceArns: [ref.id] })), elb.notFound);
    if (!tags) return undefined;
    return { ref, DescribeListeners: listeners, DescribeTags: tags };
  },
};
