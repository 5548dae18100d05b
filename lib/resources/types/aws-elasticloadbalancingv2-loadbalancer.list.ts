import { paginateDescribeLoadBalancers } from "@aws-sdk/client-elastic-load-balancing-v2";
import { clientFor } from "../../aws/clients";
import { service as elb } from "../../aws/services/elasticloadbalancing";
import type { Lister } from "../list";

/** Load balancers by ARN (Config's resourceId): every page of DescribeLoadBalancers (Marker). */
export const lister: Lister = {
  type: "AWS::ElasticLoadBalancingV2::LoadBalancer",
  async *list({ accountId, region }) {
    const client = clientFor(elb, region);
    for await (const page of paginateDescribeLoadBalancers({ client }, {})) {
      for (const lb of page.LoadBalancers ?? []) {
        const arn = lb.LoadBalancerArn;
        if (arn) yield { type: lister.type, id: arn, arn, accountId, region };
      }
    }
  },
};
