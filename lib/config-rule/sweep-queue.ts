import { SendMessageBatchCommand, type SendMessageBatchRequestEntry } from "@aws-sdk/client-sqs";
import { clientFor } from "../aws/clients";
import { service as sqs } from "../aws/services/sqs";
import { batchBodies, type SweepMessage } from "./sweep";

const MAX_SEND_ROUNDS = 3;

/**
 * Puts sweep batches on the sweep queue (SendMessageBatch, within its entry and size limits). Entries SQS reports
 * as Failed are sent again, a bounded number of times; then the sweep fails loudly rather than lose resources.
 */
export async function sendSweepMessages(
  queueUrl: string,
  messages: readonly SweepMessage[],
  log?: { warn(message: string, ...extra: Record<string, unknown>[]): void },
): Promise<{ calls: number }> {
  const client = clientFor(sqs);
  let calls = 0;
  for (const group of batchBodies(messages.map((m) => JSON.stringify(m)))) {
    let entries: SendMessageBatchRequestEntry[] = group.map((body, i) => ({ Id: String(i), MessageBody: body }));
    for (let round = 1; entries.length > 0; round++) {
      if (round > MAX_SEND_ROUNDS) {
        throw new Error(`SendMessageBatch ${queueUrl}: ${entries.length} sweep messages still failing after retries`);
      }
      const out = await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
      calls++;
      const failed = new Set((out.Failed ?? []).map((f) => f.Id));
      if (failed.size > 0) {
        log?.warn("SendMessageBatch failed some sweep messages; retrying", {
          failed: out.Failed?.map((f) => ({ id: f.Id, code: f.Code, senderFault: f.SenderFault })),
        });
      }
      entries = entries.filter((e) => failed.has(e.Id));
    }
  }
  return { calls };
}
