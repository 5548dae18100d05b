import { ECRClient, PutImageScanningConfigurationCommand, PutImageTagMutabilityCommand } from "@aws-sdk/client-ecr";
import type { OperationTable, ServiceDefinition } from "../service";

/**
 * Amazon ECR. A deleted or unknown repository is RepositoryNotFoundException (Amazon ECR API Reference,
 * DescribeRepositories Errors). A repository without a lifecycle policy answers GetLifecyclePolicy with
 * LifecyclePolicyNotFoundException: that is "no policy", not "gone", so the describe handles it itself.
 */
export const service = {
  name: "ecr",
  serviceId: "ECR",
  package: "@aws-sdk/client-ecr",
  client: ECRClient,
  eventSource: "ecr.amazonaws.com",
  notFound: ["RepositoryNotFoundException"],
} as const satisfies ServiceDefinition;

const REPOSITORIES = ["arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/*"];

export const operations = {
  DescribeRepositories: { action: "ecr:DescribeRepositories", access: "read", resources: REPOSITORIES },
  GetLifecyclePolicy: { action: "ecr:GetLifecyclePolicy", access: "read", resources: REPOSITORIES },
  ListTagsForResource: { action: "ecr:ListTagsForResource", access: "read", resources: REPOSITORIES },
  PutImageScanningConfiguration: {
    action: "ecr:PutImageScanningConfiguration",
    access: "write",
    resources: REPOSITORIES,
    command: PutImageScanningConfigurationCommand,
    service,
  },
  PutImageTagMutability: {
    action: "ecr:PutImageTagMutability",
    access: "write",
    resources: REPOSITORIES,
    command: PutImageTagMutabilityCommand,
    service,
  },
} satisfies OperationTable;
