import {
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
  ModifyLoadBalancerAttributesCommand,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import type { OperationTable, ServiceDefinition } from "../service";

/**
 * Elastic Load Balancing v2 (Application, Network and Gateway Load Balancers). IAM: the Describe* calls take no
 * resource (Service Authorization Reference, Elastic Load Balancing V2: "*"); ModifyListener is on the listener,
 * ModifyLoadBalancerAttributes on the load balancer.
 */
export const service = {
  name: "elasticloadbalancing",
  serviceId: "Elastic Load Balancing v2",
  package: "@aws-sdk/client-elastic-load-balancing-v2",
  client: ElasticLoadBalancingV2Client,
  eventSource: "elasticloadbalancing.amazonaws.com",
  notFound: ["LoadBalancerNotFoundException", "ListenerNotFoundException", "LoadBalancerNotFound", "ListenerNotFound"],
} as const satisfies ServiceDefinition;

const LOAD_BALANCERS = [
  "arn:${AWS::Partition}:elasticloadbalancing:${AWS::Region}:${AWS::AccountId}:loadbalancer/app/*",
  "arn:${AWS::Partition}:elasticloadbalancing:${AWS::Region}:${AWS::AccountId}:loadbalancer/net/*",
];
const LISTENERS = [
  "arn:${AWS::Partition}:elasticloadbalancing:${AWS::Region}:${AWS::AccountId}:listener/app/*",
  "arn:${AWS::Partition}:elasticloadbalancing:${AWS::Region}:${AWS::AccountId}:listener/net/*",
];

export const operations = {
  DescribeLoadBalancers: { action: "elasticloadbalancing:DescribeLoadBalancers", access: "read", resources: ["*"] },
  DescribeLoadBalancerAttributes: {
    action: "elasticloadbalancing:DescribeLoadBalancerAttributes",
    access: "read",
    resources: ["*"],
  },
  DescribeListeners: { action: "elasticloadbalancing:DescribeListeners", access: "read", resources: ["*"] },
  DescribeTags: { action: "elasticloadbalancing:DescribeTags", access: "read", resources: ["*"] },
  ModifyListener: {
    action: "elasticloadbalancing:ModifyListener",
    access: "write",
    resources: LISTENERS,
    command: ModifyListenerCommand,
    service,
  },
  ModifyLoadBalancerAttributes: {
    action: "elasticloadbalancing:ModifyLoadBalancerAttributes",
    access: "write",
    resources: LOAD_BALANCERS,
    command: ModifyLoadBalancerAttributesCommand,
    service,
  },
} satisfies OperationTable;
