import { paginateListStreams } from "@aws-sdk/client-kinesis";
import { clientFor } from "../../aws/clients";
import { service as kinesis } from "../../aws/services/kinesis";
import type { Lister } from "../list";

/** Streams by name (Config's resourceId): every page of ListStreams. */
export const lister: Lister = {
  type: "AWS::Kinesis::Stream",
  async *list({ accountId, region }) {
    const client = clientFor(kinesis, region);
    for await (const page of paginateListStreams({ client }, {})) {
      for (const name of page.StreamNames ?? []) yield { type: lister.type, id: name, accountId, region };
    }
  },
};
