import { DescribeLogGroupsCommand, ListTagsForResourceCommand, type LogGroup } from "@aws-sdk/client-cloudwatch-logs";
import { clientFor } from "../../aws/clients";
import { unlessAbsent } from "../../aws/errors";
import { service as logs } from "../../aws/services/logs";
import type { Describer } from "../describe";

/** Pages of DescribeLogGroups read at most: groups come in name order, so the exact name is on the first. */
const MAX_PAGES = 20;

/**
 * Log group by name (Config's resourceId) or ARN: DescribeLogGroups with the name as logGroupNamePrefix (results in
 * name order: CloudWatch Logs API Reference, DescribeLogGroups), the element of exactly that name (none: gone), then
 * ListTagsForResource on its ARN.
 */
export const describer: Describer = {
  type: "AWS::Logs::LogGroup",
  async describe(ref) {
    const client = clientFor(logs, ref.region);
    const name = ref.id.includes(":log-group:")
      ? ref.id.slice(ref.id.indexOf(":log-group:") + 11).replace(/:\*$/, "")
      : ref.id;
    let group: LogGroup | undefined;
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_PAGES && !group; page++) {
      const out = await client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name, nextToken }));
      group = out.logGroups?.find((g) => g.logGroupName === name);
      if (!out.nextToken || out.nextToken === nextToken) break;
      nextToken = out.nextToken;
    }
    if (!group) return undefined;
    const arn = group.logGroupArn ?? group.arn?.replace(/:\*$/, "");
    const tags = arn
      ? await unlessAbsent(client.send(new ListTagsForResourceCommand({ resourceArn: arn })), logs.notFound)
      : { tags: {} };
    if (!tags) return undefined; // deleted between the calls
    return { ref, DescribeLogGroups: { logGroups: [group] }, ListTagsForResource: { tags: tags.tags ?? {} } };
  },
};
