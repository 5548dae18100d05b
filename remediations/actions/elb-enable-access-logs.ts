import { notifyOnlyAction } from "../../lib/remediation/notify-only";

export const action = notifyOnlyAction({
  id: "elb-enable-access-logs",
  resourceTypes: ["AWS::ElasticLoadBalancingV2::LoadBalancer"],
  description:
    "Notify only. Access logs need an S3 bucket in the load balancer's Region whose policy lets Elastic Load Balancing write (ModifyLoadBalancerAttributes fails otherwise), and the owner's choice of prefix and retention: no bucket can be guessed. The owner sets access_logs.s3.enabled and access_logs.s3.bucket in LoadBalancerAttributes.",
});
