import { DescribeStreamSummaryCommand, ListTagsForStreamCommand, type Tag } from "@aws-sdk/client-kinesis";
import { clientFor } from "../../aws/clients";
import { unlessAbsent } from "../../aws/errors";
import { service as kinesis } from "../../aws/services/kinesis";
import type { Describer } from "../describe";

/**
 * Kinesis stream by name (Config's resourceId): DescribeStreamSummary (ResourceNotFoundException: gone), then every
 * page of ListTagsForStream (HasMoreTags, ExclusiveStartTagKey: Kinesis API Reference, ListTagsForStream).
 */
export const describer: Describer = {
  type: "AWS::Kinesis::Stream",
  async describe(ref) {
    const GONE = kinesis.notFound;
    const client = clientFor(kinesis, ref.region);
    const summary = await unlessAbsent(client.send(new DescribeStreamSummaryCommand({ StreamName: ref.id })), GONE);
    if (!summary?.StreamDescriptionSummary) return undefined;
    const tags: Tag[] = [];
    let ExclusiveStartTagKey: string | undefined;
    for (;;) {
      const page = await unlessAbsent(
        client.send(new ListTagsForStreamCommand({ StreamName: ref.id, ExclusiveStartTagKey })),
        GONE,
      );
      if (!page) return undefined; // deleted between the calls
      tags.push(...(page.Tags ?? []));
      const last = page.Tags?.[page.Tags.length - 1]?.Key;
      if (!page.HasMoreTags || last === undefined || last === ExclusiveStartTagKey) break;
      ExclusiveStartTagKey = last;
    }
    return { ref, DescribeStreamSummary: summary, ListTagsForStream: { Tags: tags } };
  },
};
