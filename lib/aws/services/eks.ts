import { EKSClient, UpdateClusterConfigCommand } from "@aws-sdk/client-eks";
import type { OperationTable, ServiceDefinition } from "../service";

/**
 * Amazon EKS. A deleted cluster is ResourceNotFoundException (Amazon EKS API Reference, DescribeCluster Errors).
 * UpdateClusterConfig changes either the endpoint access or the control plane logging in one update (the API
 * refuses both in one request), and returns the `update` it started.
 */
export const service = {
  name: "eks",
  serviceId: "EKS",
  package: "@aws-sdk/client-eks",
  client: EKSClient,
  eventSource: "eks.amazonaws.com",
  notFound: ["ResourceNotFoundException"],
} as const satisfies ServiceDefinition;

const CLUSTERS = ["arn:${AWS::Partition}:eks:${AWS::Region}:${AWS::AccountId}:cluster/*"];

export const operations = {
  DescribeCluster: { action: "eks:DescribeCluster", access: "read", resources: CLUSTERS },
  UpdateClusterConfig: {
    action: "eks:UpdateClusterConfig",
    access: "write",
    resources: CLUSTERS,
    command: UpdateClusterConfigCommand,
    service,
  },
} satisfies OperationTable;
