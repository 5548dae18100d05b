import { GetQueueAttributesCommand, ListQueueTagsCommand } from "@aws-sdk/client-sqs";
import { clientFor } from "../../aws/clients";
import { unlessAbsent } from "../../aws/errors";
import { service as sqs } from "../../aws/services/sqs";
import type { Describer } from "../describe";

/** SQS queue by its URL (Config's resourceId): GetQueueAttributes (All) and ListQueueTags. */
export const describer: Describer = {
  type: "AWS::SQS::Queue",
  async describe(ref) {
    const client = clientFor(sqs, ref.region);
    const attributes = await unlessAbsent(
      client.send(new GetQueueAttributesCommand({ QueueUrl: ref.id, AttributeNames: ["All"] })),
      sqs.notFound,
    );
    if (!attributes) return undefined;
    const tags = await unlessAbsent(client.send(new ListQueueTagsCommand({ QueueUrl: ref.id })), sqs.notFound);
    if (!tags) return undefined;
    return { ref, GetQueueAttributes: attributes, ListQueueTags: tags };
  },
};
