import { GetTopicAttributesCommand, ListTagsForResourceCommand } from "@aws-sdk/client-sns";
import { clientFor } from "../../aws/clients";
import { unlessAbsent } from "../../aws/errors";
import { service as sns } from "../../aws/services/sns";
import type { Describer } from "../describe";

/** SNS topic by its ARN (Config's resourceId): GetTopicAttributes and ListTagsForResource. */
export const describer: Describer = {
  type: "AWS::SNS::Topic",
  async describe(ref) {
    const client = clientFor(sns, ref.region);
    const attributes = await unlessAbsent(
      client.send(new GetTopicAttributesCommand({ TopicArn: ref.id })),
      sns.notFound,
    );
    if (!attributes) return undefined;
    const tags = await unlessAbsent(client.send(new ListTagsForResourceCommand({ ResourceArn: ref.id })), sns.notFound);
    if (!tags) return undefined;
    return { ref, GetTopicAttributes: attributes, ListTagsForResource: tags };
  },
};
