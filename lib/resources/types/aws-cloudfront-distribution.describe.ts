import { GetDistributionCommand, ListTagsForResourceCommand } from "@aws-sdk/client-cloudfront";
import { clientFor } from "../../aws/clients";
import { unlessAbsent } from "../../aws/errors";
import { service as cloudfront } from "../../aws/services/cloudfront";
import type { Describer } from "../describe";

/**
 * A distribution by id (Config's resourceId): GetDistribution (configuration and ETag), then ListTagsForResource
 * on its ARN. CloudFront's API is global and answered in us-east-1 (cn-northwest-1 in the China partition), whatever
 * Region the reference carries.
 */
export const describer: Describer = {
  type: "AWS::CloudFront::Distribution",
  async describe(ref) {
    const client = clientFor(cloudfront, ref.region.startsWith("cn-") ? "cn-northwest-1" : "us-east-1");
    const got = await unlessAbsent(client.send(new GetDistributionCommand({ Id: ref.id })), cloudfront.notFound);
    if (!got?.Distribution) return undefined;
    const arn = got.Distribution.ARN ?? ref.arn;
    const tags = arn
      ? await unlessAbsent(client.send(new ListTagsForResourceCommand({ Resource: arn })), cloudfront.notFound)
      : { Tags: { Items: [] } };
    if (!tags) return undefined;
    return { ref, GetDistribution: got, ListTagsForResource: tags };
  },
};
