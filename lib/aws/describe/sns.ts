import { GetTopicAttributesCommand, ListTagsForResourceCommand } from "@aws-sdk/client-sns";
import type { Described, ResourceRef } from "../../resources/adapter";
import { snsClient } from "../clients";
import { unlessAbsent } from "./errors";

/**
 * SNS topic by its ARN (Config's resourceId): GetTopicAttributes and ListTagsForResource. A deleted topic is
 * NotFoundException (code NotFound). IAM: sns:GetTopicAttributes, sns:ListTagsForResource.
 */
const GONE = ["NotFoundException", "NotFound", "ResourceNotFoundException"];

export async function describeTopic(ref: ResourceRef): Promise<Described | undefined> {
  const client = snsClient(ref.region);
  const attributes = await unlessAbsent(client.send(new GetTopicAttributesCommand({ TopicArn: ref.id })), GONE);
  if (!attributes) return undefined;
  const tags = await unlessAbsent(client.send(new ListTagsForResourceCommand({ ResourceArn: ref.id })), GONE);
  if (!tags) return undefined;
  return { ref, GetTopicAttributes: attributes, ListTagsForResource: tags };
}
