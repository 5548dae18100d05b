import {
  DescribeLoadBalancerAttributesCommand,
  DescribeLoadBalancersCommand,
  DescribeTagsCommand,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { clientFor } from "../../aws/clients";
import { unlessAbsent } from "../../aws/errors";
import { service as elb } from "../../aws/services/elasticloadbalancing";
import type { Describer } from "../describe";

/**
 * A load balancer by ARN (Config's resourceId): DescribeLoadBalancers (LoadBalancerNotFound: gone), then its
 * attributes and tags.
 */
export const describer: Describer = {
  type: "AWS::ElasticLoadBalancingV2::LoadBalancer",
  async describe(ref) {
    const client = clientFor(elb, ref.region);
    const lbs = await unlessAbsent(
      client.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [ref.id] })),
      elb.notFound,
    );
    if (!lbs?.LoadBalancers?.length) return undefined;
    const [attributes, tags] = await Promise.all([
      unlessAbsent(client.send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: ref.id })), elb.notFound),
      unlessAbsent(client.send(new DescribeTagsCommand({ ResourceArns: [ref.id] })), elb.notFound),
    ]);
    if (!attributes || !tags) return undefined; // deleted between the calls
    return { ref, DescribeLoadBalancers: lbs, DescribeLoadBalancerAttributes: attributes, DescribeTags: tags };
  },
};
