import { paginateListDistributions } from "@aws-sdk/client-cloudfront";
import { clientFor } from "../../aws/clients";
import { service as cloudfront } from "../../aws/services/cloudfront";
import type { Lister } from "../list";

/**
 * Distributions by id (Config's resourceId): every page of ListDistributions (Marker). CloudFront is global: listed
 * once, from us-east-1, the Region Config records it in.
 */
export const lister: Lister = {
  type: "AWS::CloudFront::Distribution",
  global: true,
  async *list({ accountId, region }) {
    const client = clientFor(cloudfront, region);
    for await (const page of paginateListDistributions({ client }, {})) {
      for (const d of page.DistributionList?.Items ?? []) {
        if (d.Id) yield { type: lister.type, id: d.Id, ...(d.ARN ? { arn: d.ARN } : {}), accountId, region };
      }
    }
  },
};
