import { createHash, randomUUID } from "node:crypto";
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import type { VirtualClock } from "../clock";

/**
 * A local standard SQS queue with the semantics Guardrail depends on (SQS Developer Guide: visibility timeout,
 * ApproximateReceiveCount, redrive policy; Lambda Developer Guide "Using Lambda with Amazon SQS": record shape,
 * partial batch responses):
 *  - a received message is invisible for the visibility timeout, then comes back unless it was deleted;
 *  - every receive increments ApproximateReceiveCount and issues a new receipt handle (only the latest one
 *    deletes or changes visibility, as in SQS);
 *  - with a redrive policy, a message received maxReceiveCount times that comes back is moved to the dead-letter
 *    queue instead of being delivered again;
 *  - `deliverTwice` models at-least-once delivery: each message is stored twice under the same MessageId.
 * Time is the pipeline's VirtualClock.
 */

export interface QueueOptions {
  name: string;
  accountId: string;
  region: string;
  visibilityTimeoutSeconds: number;
  redrive?: { deadLetter: LocalQueue; maxReceiveCount: number };
  deliverTwice?: boolean;
}

export interface SqsMessageAttribute {
  stringValue?: string;
  binaryValue?: string;
  stringListValues: string[];
  binaryListValues: string[];
  dataType: string;
}

interface StoredMessage {
  messageId: string;
  body: string;
  md5OfBody: string;
  messageAttributes: Record<string, SqsMessageAttribute>;
  senderId: string;
  sentAt: number;
  visibleAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  receiptHandle?: string;
}

export class ReceiptHandleIsInvalid extends Error {
  constructor(handle: string) {
    super(`The input receipt handle "${handle.slice(0, 40)}…" is not a valid receipt handle.`);
    this.name = "ReceiptHandleIsInvalid";
  }
}

const md5 = (s: string) => createHash("md5").update(s).digest("hex");

export class LocalQueue {
  readonly arn: string;
  readonly url: string;
  private messages: StoredMessage[] = [];
  /** Counters for the summary: sent, received (deliveries), deleted, moved to the DLQ. */
  readonly stats = { sent: 0, received: 0, deleted: 0, deadLettered: 0 };

  constructor(
    readonly options: QueueOptions,
    private readonly clock: VirtualClock,
  ) {
    this.arn = `arn:aws:sqs:${options.region}:${options.accountId}:${options.name}`;
    this.url = `https://sqs.${options.region}.amazonaws.com/${options.accountId}/${options.name}`;
  }

  send(
    body: string,
    opts: { messageAttributes?: Record<string, SqsMessageAttribute>; delaySeconds?: number; senderId?: string } = {},
  ): { MessageId: string; MD5OfMessageBody: string } {
    const messageId = randomUUID();
    const now = this.clock.millis();
    const stored: StoredMessage = {
      messageId,
      body,
      md5OfBody: md5(body),
      messageAttributes: opts.messageAttributes ?? {},
      senderId: opts.senderId ?? "AIDAIT2UOQQY3AUEKVGXU",
      sentAt: now,
      visibleAt: now + (opts.delaySeconds ?? 0) * 1000,
      receiveCount: 0,
    };
    this.messages.push(stored);
    if (this.options.deliverTwice)
      this.messages.push({ ...stored, messageAttributes: { ...stored.messageAttributes } });
    this.stats.sent++;
    return { MessageId: messageId, MD5OfMessageBody: stored.md5OfBody };
  }

  /** Up to `max` visible messages as Lambda SQS event records; redrives what has been received too often. */
  receive(max = 10): SQSRecord[] {
    const now = this.clock.millis();
    const out: SQSRecord[] = [];
    for (const m of [...this.messages]) {
      if (out.length >= max) break;
      if (m.visibleAt > now) continue;
      const redrive = this.options.redrive;
      if (redrive && m.receiveCount >= redrive.maxReceiveCount) {
        this.remove(m);
        redrive.deadLetter.acceptDeadLetter(m);
        this.stats.deadLettered++;
        continue;
      }
      m.receiveCount++;
      m.firstReceivedAt ??= now;
      m.receiptHandle = Buffer.from(`${m.messageId}#${m.receiveCount}#${randomUUID()}`).toString("base64");
      m.visibleAt = now + this.options.visibilityTimeoutSeconds * 1000;
      this.stats.received++;
      out.push(this.record(m));
    }
    return out;
  }

  private record(m: StoredMessage): SQSRecord {
    return {
      messageId: m.messageId,
      receiptHandle: m.receiptHandle as string,
      body: m.body,
      attributes: {
        ApproximateReceiveCount: String(m.receiveCount),
        SentTimestamp: String(m.sentAt),
        SenderId: m.senderId,
        ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt ?? m.sentAt),
      },
      messageAttributes: m.messageAttributes,
      md5OfBody: m.md5OfBody,
      eventSource: "aws:sqs",
      eventSourceARN: this.arn,
      awsRegion: this.options.region,
    };
  }

  private byHandle(handle: string): StoredMessage {
    const m = this.messages.find((x) => x.receiptHandle === handle);
    if (!m) throw new ReceiptHandleIsInvalid(handle);
    return m;
  }

  private remove(m: StoredMessage): void {
    this.messages = this.messages.filter((x) => x !== m);
  }

  delete(receiptHandle: string): void {
    this.remove(this.byHandle(receiptHandle));
    this.stats.deleted++;
  }

  changeVisibility(receiptHandle: string, seconds: number): void {
    this.byHandle(receiptHandle).visibleAt = this.clock.millis() + seconds * 1000;
  }

  private acceptDeadLetter(m: StoredMessage): void {
    // SQS keeps the message id and body; the receive count restarts in the dead-letter queue.
    this.messages.push({ ...m, receiveCount: 0, receiptHandle: undefined, visibleAt: this.clock.millis() });
  }

  /** Messages in the queue: visible now, in flight (received, not deleted) or delayed. */
  depth(): { visible: number; notVisible: number; total: number } {
    const now = this.clock.millis();
    const visible = this.messages.filter((m) => m.visibleAt <= now).length;
    return { visible, notVisible: this.messages.length - visible, total: this.messages.length };
  }

  /** When the next message becomes visible (undefined when the queue is empty). */
  nextVisibleAt(): number | undefined {
    let next: number | undefined;
    for (const m of this.messages) if (next === undefined || m.visibleAt < next) next = m.visibleAt;
    return next;
  }

  /** The bodies held (for the dead-letter queue's report). */
  peek(): { messageId: string; body: string; receiveCount: number }[] {
    return this.messages.map((m) => ({ messageId: m.messageId, body: m.body, receiveCount: m.receiveCount }));
  }
}

export type SqsHandler = (event: SQSEvent) => Promise<SQSBatchResponse | void | null | undefined>;

export interface BatchResult {
  records: number;
  deleted: number;
  failed: number;
  /** The whole batch failed (the handler threw, or its response was invalid). */
  batchFailed: boolean;
  error?: unknown;
}

/**
 * One poll of a Lambda event source mapping with ReportBatchItemFailures: receive up to `batchSize` records,
 * invoke, delete the records that succeeded. A thrown error or an invalid response (empty or unknown
 * itemIdentifier) fails the whole batch: every record comes back after its visibility timeout.
 */
export async function pollOnce(
  queue: LocalQueue,
  handler: SqsHandler,
  batchSize = 10,
): Promise<BatchResult | undefined> {
  const records = queue.receive(batchSize);
  if (records.length === 0) return undefined;
  let response: SQSBatchResponse | void | null | undefined;
  try {
    response = await handler({ Records: records });
  } catch (error) {
    return { records: records.length, deleted: 0, failed: records.length, batchFailed: true, error };
  }
  const failures = response?.batchItemFailures ?? [];
  const ids = new Set(records.map((r) => r.messageId));
  if (failures.some((f) => !f.itemIdentifier || !ids.has(f.itemIdentifier))) {
    return { records: records.length, deleted: 0, failed: records.length, batchFailed: true };
  }
  const failed = new Set(failures.map((f) => f.itemIdentifier));
  let deleted = 0;
  for (const r of records) {
    if (failed.has(r.messageId)) continue;
    queue.delete(r.receiptHandle);
    deleted++;
  }
  return { records: records.length, deleted, failed: failed.size, batchFailed: false };
}
