import { GetQueueAttributesCommand, ListQueueTagsCommand } from "@aws-sdk/client-sqs";
import type { Described, ResourceRef } from "../../resources/adapter";
import { sqsClient } from "../clients";
import { unlessAbsent } from "./errors";

/**
 * SQS queue by its URL (Config's resourceId): GetQueueAttributes (All) and ListQueueTags. A deleted queue is
 * QueueDoesNotExist (the JSON protocol's name; the query protocol's code is AWS.SimpleQueueService.NonExistentQueue).
 * IAM: sqs:GetQueueAttributes, sqs:ListQueueTags.
 */
const GONE = ["QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue"];

export async function describeQueue(ref: ResourceRef): Promise<Described | undefined> {
  const client = sqsClient(ref.region);
  const attributes = await unlessAbsent(
    client.send(new GetQueueAttributesCommand({ QueueUrl: ref.id, AttributeNames: ["All"] })),
    GONE,
  );
  if (!attributes) return undefined;
  const tags = await unlessAbsent(client.send(new ListQueueTagsCommand({ QueueUrl: ref.id })), GONE);
  if (!tags) return undefined;
  return { ref, GetQueueAttributes: attributes, ListQueueTags: tags };
}
