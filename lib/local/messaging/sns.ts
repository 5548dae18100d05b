import { createHmac, randomBytes, randomUUID } from "node:crypto";
import type { VirtualClock } from "../clock";
import type { LocalQueue } from "./sqs";

/**
 * A local SNS topic fanning out to SQS subscriptions, with the notification envelope SNS puts in the SQS body
 * when raw message delivery is off (SNS Developer Guide, "Amazon SNS message and JSON formats"):
 * Type, MessageId, TopicArn, Subject, Message, Timestamp, SignatureVersion, Signature, SigningCertURL,
 * UnsubscribeURL and MessageAttributes ({Type, Value}). MessageStructure "json" delivers the `sqs` key of the
 * message, else its `default`. Subscription filter policies on message attributes are applied (exact strings,
 * prefix, anything-but, exists: the attribute operators Guardrail's subscriptions use).
 *
 * The signature is an HMAC over SNS's canonical string with a per-process key: the envelope has every field a
 * consumer parses, but nothing outside this process can verify it (there is no AWS certificate to check it
 * against), and `SigningCertURL` says so by pointing at a local, non-AWS host.
 */

export interface PublishInput {
  TopicArn?: string;
  Message?: string;
  Subject?: string;
  MessageStructure?: string;
  MessageAttributes?: Record<string, { DataType?: string; StringValue?: string; BinaryValue?: Uint8Array }>;
}

export class InvalidParameterException extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidParameterException";
  }
}

type FilterPolicy = Record<string, unknown[]>;

interface Subscription {
  arn: string;
  queue: LocalQueue;
  rawMessageDelivery: boolean;
  filterPolicy?: FilterPolicy;
}

const SIGNING_KEY = randomBytes(32);

function attributeMatches(conditions: unknown[], value: string | undefined): boolean {
  return conditions.some((c) => {
    if (typeof c === "string") return value === c;
    if (typeof c === "object" && c !== null) {
      const o = c as Record<string, unknown>;
      if ("exists" in o) return o.exists === (value !== undefined);
      if (value === undefined) return false;
      if (typeof o.prefix === "string") return value.startsWith(o.prefix);
      if ("anything-but" in o) {
        const ab = o["anything-but"];
        return Array.isArray(ab) ? !ab.includes(value) : value !== ab;
      }
    }
    return false;
  });
}

export class LocalTopic {
  readonly arn: string;
  private readonly subscriptions: Subscription[] = [];
  readonly stats = { published: 0, delivered: 0, filtered: 0 };

  constructor(
    readonly name: string,
    readonly accountId: string,
    readonly region: string,
    private readonly clock: VirtualClock,
  ) {
    this.arn = `arn:aws:sns:${region}:${accountId}:${name}`;
  }

  subscribe(queue: LocalQueue, opts: { rawMessageDelivery?: boolean; filterPolicy?: FilterPolicy } = {}): string {
    const arn = `${this.arn}:${randomUUID()}`;
    this.subscriptions.push({
      arn,
      queue,
      rawMessageDelivery: opts.rawMessageDelivery ?? false,
      filterPolicy: opts.filterPolicy,
    });
    return arn;
  }

  /** SNS Publish: the envelope to every subscribed queue whose filter policy matches. */
  publish(input: PublishInput): { MessageId: string } {
    if (input.TopicArn && input.TopicArn !== this.arn) {
      throw new InvalidParameterException(`Invalid parameter: TopicArn ${input.TopicArn}`);
    }
    if (typeof input.Message !== "string" || input.Message === "") {
      throw new InvalidParameterException("Invalid parameter: Empty message");
    }
    let message = input.Message;
    if (input.MessageStructure === "json") {
      let parsed: unknown;
      try {
        parsed = JSON.parse(input.Message);
      } catch {
        throw new InvalidParameterException("Invalid parameter: Message Structure - No JSON message body is parseable");
      }
      const keys = parsed as Record<string, unknown>;
      if (typeof keys.default !== "string") {
        throw new InvalidParameterException(
          "Invalid parameter: Message Structure - No default entry in JSON message body",
        );
      }
      message = typeof keys.sqs === "string" ? keys.sqs : keys.default;
    }
    const messageId = randomUUID();
    const timestamp = this.clock.now().toISOString();
    const attributes: Record<string, { Type: string; Value: string }> = {};
    for (const [k, v] of Object.entries(input.MessageAttributes ?? {})) {
      const value = v.StringValue ?? (v.BinaryValue ? Buffer.from(v.BinaryValue).toString("base64") : "");
      attributes[k] = { Type: v.DataType ?? "String", Value: value };
    }
    this.stats.published++;
    for (const sub of this.subscriptions) {
      if (sub.filterPolicy) {
        const ok = Object.entries(sub.filterPolicy).every(([k, conds]) =>
          attributeMatches(conds, attributes[k]?.Value),
        );
        if (!ok) {
          this.stats.filtered++;
          continue;
        }
      }
      const body = sub.rawMessageDelivery
        ? message
        : this.envelope(sub, messageId, message, input.Subject, timestamp, attributes);
      sub.queue.send(body, { senderId: "AIDAIT2UOQQY3AUEKVGXU" });
      this.stats.delivered++;
    }
    return { MessageId: messageId };
  }

  private envelope(
    sub: Subscription,
    messageId: string,
    message: string,
    subject: string | undefined,
    timestamp: string,
    attributes: Record<string, { Type: string; Value: string }>,
  ): string {
    // SNS's canonical string for Notification signatures (SNS Developer Guide, "Verifying the signatures").
    const canonical = [
      ["Message", message],
      ["MessageId", messageId],
      ...(subject !== undefined ? [["Subject", subject]] : []),
      ["Timestamp", timestamp],
      ["TopicArn", this.arn],
      ["Type", "Notification"],
    ]
      .map(([k, v]) => `${k}\n${v}\n`)
      .join("");
    const envelope: Record<string, unknown> = {
      Type: "Notification",
      MessageId: messageId,
      TopicArn: this.arn,
      ...(subject !== undefined ? { Subject: subject } : {}),
      Message: message,
      Timestamp: timestamp,
      SignatureVersion: "2",
      Signature: createHmac("sha256", SIGNING_KEY).update(canonical).digest("base64"),
      SigningCertURL: "https://sns.local.guardrail.invalid/SimpleNotificationService-local.pem",
      UnsubscribeURL: `https://sns.${this.region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${sub.arn}`,
      ...(Object.keys(attributes).length > 0 ? { MessageAttributes: attributes } : {}),
    };
    return JSON.stringify(envelope, null, 2);
  }
}
