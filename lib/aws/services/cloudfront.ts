import { CloudFrontClient, UpdateDistributionCommand } from "@aws-sdk/client-cloudfront";
import type { OperationTable, ServiceDefinition } from "../service";

/**
 * Amazon CloudFront, a global service: its API and its CloudTrail records are in us-east-1 (CloudFront Developer
 * Guide, "Logging Amazon CloudFront API calls using AWS CloudTrail"). A deleted distribution is NoSuchDistribution.
 */
export const service = {
  name: "cloudfront",
  serviceId: "CloudFront",
  package: "@aws-sdk/client-cloudfront",
  client: CloudFrontClient,
  eventSource: "cloudfront.amazonaws.com",
  notFound: ["NoSuchDistribution"],
} as const satisfies ServiceDefinition;

/** Distribution ARNs carry no Region (Service Authorization Reference, Amazon CloudFront: `distribution/${Id}`). */
const DISTRIBUTIONS = ["arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/*"];

export const operations = {
  GetDistribution: { action: "cloudfront:GetDistribution", access: "read", resources: DISTRIBUTIONS },
  ListTagsForResource: { action: "cloudfront:ListTagsForResource", access: "read", resources: DISTRIBUTIONS },
  UpdateDistribution: {
    action: "cloudfront:UpdateDistribution",
    access: "write",
    resources: DISTRIBUTIONS,
    command: UpdateDistributionCommand,
    service,
  },
} satisfies OperationTable;
