import { paginateDescribeListeners, paginateDescribeLoadBalancers } from "@aws-sdk/client-elastic-load-balancing-v2";
import { clientFor } from "../../aws/clients";
import { unlessAbsent } from "../../aws/errors";
import { service as elb } from "../../aws/services/elasticloadbalancing";
import type { Lister } from "../list";

/**
 * Listeners by ARN (Config's resourceId): every page of DescribeListeners of every load balancer. A load balancer
 * deleted between the two calls is passed over.
 */
export const lister: Lister = {
  type: "AWS::ElasticLoadBalancingV2::Listener",
  async *list({ accountId, region }) {
    const client = clientFor(elb, region);
    for await (const lbs of paginateDescribeLoadBalancers({ client }, {})) {
      for (const lb of lbs.LoadBalancers ?? []) {
        if (!lb.LoadBalancerArn) continue;
        const arns = await unlessAbsent(listenerArns(client, lb.LoadBalancerArn), elb.notFound);
        for (const arn of arns ?? []) yield { type: lister.type, id: arn, arn, accountId, region };
      }
    }
  },
};

async function listenerArns(client: Parameters<typeof paginateDescribeListeners>[0]["client"], lb: string) {
  const arns: string[] = [];
  for await (const page of paginateDescribeListeners({ client }, { LoadBalancerArn: lb })) {
    for (const l of page.Listeners ?? []) if (l.ListenerArn) arns.push(l.ListenerArn);
  }
  return arns;
}
