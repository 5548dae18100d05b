import { paginateListQueues } from "@aws-sdk/client-sqs";
import { clientFor } from "../../aws/clients";
import { service as sqs } from "../../aws/services/sqs";
import type { Lister } from "../list";

/** Queues by URL (Config's resourceId): every page of ListQueues (MaxResults 1000, NextToken). */
export const lister: Lister = {
  type: "AWS::SQS::Queue",
  async *list({ accountId, region }) {
    const client = clientFor(sqs, region);
    for await (const page of paginateListQueues({ client }, { MaxResults: 1000 })) {
      for (const url of page.QueueUrls ?? []) yield { type: lister.type, id: url, accountId, region };
    }
  },
};
