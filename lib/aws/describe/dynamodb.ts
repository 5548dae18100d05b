import {
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  ListTagsOfResourceCommand,
  type Tag,
} from "@aws-sdk/client-dynamodb";
import type { Described, ResourceRef } from "../../resources/adapter";
import { dynamoDbClient } from "../clients";
import { unlessAbsent } from "./errors";

/**
 * DynamoDB table by name (Config's resourceId): DescribeTable (ResourceNotFoundException: the table is gone), then
 * DescribeContinuousBackups and every page of ListTagsOfResource. IAM: dynamodb:DescribeTable,
 * dynamodb:DescribeContinuousBackups, dynamodb:ListTagsOfResource.
 */
const GONE = ["ResourceNotFoundException", "TableNotFoundException"];

export async function describeTable(ref: ResourceRef): Promise<Described | undefined> {
  const client = dynamoDbClient(ref.region);
  const table = await unlessAbsent(client.send(new DescribeTableCommand({ TableName: ref.id })), GONE);
  if (!table?.Table) return undefined;
  const arn = table.Table.TableArn ?? ref.arn ?? ref.id;
  const listTags = async (): Promise<Tag[] | undefined> => {
    const tags: Tag[] = [];
    let NextToken: string | undefined;
    do {
      const page = await unlessAbsent(
        client.send(new ListTagsOfResourceCommand({ ResourceArn: arn, NextToken })),
        GONE,
      );
      if (!page) return undefined;
      tags.push(...(page.Tags ?? []));
      NextToken = page.NextToken;
    } while (NextToken);
    return tags;
  };
  const [backups, tags] = await Promise.all([
    unlessAbsent(client.send(new DescribeContinuousBackupsCommand({ TableName: ref.id })), GONE),
    listTags(),
  ]);
  if (!backups || !tags) return undefined; // deleted between the calls
  return { ref, DescribeTable: table, DescribeContinuousBackups: backups, ListTagsOfResource: { Tags: tags } };
}
