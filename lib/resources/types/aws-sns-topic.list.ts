import { paginateListTopics } from "@aws-sdk/client-sns";
import { clientFor } from "../../aws/clients";
import { service as sns } from "../../aws/services/sns";
import type { Lister } from "../list";

/** Topics by ARN (Config's resourceId): every page of ListTopics. */
export const lister: Lister = {
  type: "AWS::SNS::Topic",
  async *list({ accountId, region }) {
    const client = clientFor(sns, region);
    for await (const page of paginateListTopics({ client }, {})) {
      for (const t of page.Topics ?? []) {
        if (t.TopicArn) yield { type: lister.type, id: t.TopicArn, arn: t.TopicArn, accountId, region };
      }
    }
  },
};
