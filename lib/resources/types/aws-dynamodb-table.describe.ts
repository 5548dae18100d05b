import {
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  ListTagsOfResourceCommand,
  type Tag,
} from "@aws-sdk/client-dynamodb";
import { clientFor } from "../../aws/clients";
import { unlessAbsent } from "../../aws/errors";
import { service as dynamodb } from "../../aws/services/dynamodb";
import type { Describer } from "../describe";

/**
 * DynamoDB table by name (Config's resourceId): DescribeTable (ResourceNotFoundException: the table is gone), then
 * DescribeContinuousBackups and every page of ListTagsOfResource.
 */
export const describer: Describer = {
  type: "AWS::DynamoDB::Table",
  async describe(ref) {
    const GONE = dynamodb.notFound;
    const client = clientFor(dynamodb, ref.region);
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
  },
};
