import { ECSClient, UpdateClusterSettingsCommand, UpdateServiceCommand } from "@aws-sdk/client-ecs";
import type { OperationTable, ServiceDefinition } from "../service";

/**
 * Amazon ECS. An unknown cluster is ClusterNotFoundException, an unknown service ServiceNotFoundException (Amazon ECS
 * API Reference, Common Errors); DescribeServices reports a missing service in `failures` (reason MISSING) and
 * DescribeTaskDefinition an unknown revision as ClientException, which the describes read themselves.
 * DescribeTaskDefinition takes no resource-level permission (Service Authorization Reference, Amazon ECS: "*").
 */
export const service = {
  name: "ecs",
  serviceId: "ECS",
  package: "@aws-sdk/client-ecs",
  client: ECSClient,
  eventSource: "ecs.amazonaws.com",
  notFound: ["ClusterNotFoundException", "ServiceNotFoundException"],
} as const satisfies ServiceDefinition;

const SERVICES = ["arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:service/*"];
const CLUSTERS = ["arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:cluster/*"];

export const operations = {
  DescribeTaskDefinition: { action: "ecs:DescribeTaskDefinition", access: "read", resources: ["*"] },
  DescribeServices: { action: "ecs:DescribeServices", access: "read", resources: SERVICES },
  DescribeClusters: { action: "ecs:DescribeClusters", access: "read", resources: CLUSTERS },
  UpdateService: {
    action: "ecs:UpdateService",
    access: "write",
    resources: SERVICES,
    command: UpdateServiceCommand,
    service,
  },
  UpdateClusterSettings: {
    action: "ecs:UpdateClusterSettings",
    access: "write",
    resources: CLUSTERS,
    command: UpdateClusterSettingsCommand,
    service,
  },
} satisfies OperationTable;
