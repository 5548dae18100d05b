import type { ConfigItem } from "../../../resources/config-item";
import { isObject, type JsonObject } from "../../../util/json";
import { fail, queryOperation, required, type OperationContext, type ServiceEmulation } from "./types";

/**
 * SQS queue attributes (the JSON protocol's errors, as @aws-sdk/client-sqs raises them). A queue's Config item
 * holds GetQueueAttributes(All)'s string map as its `configuration` (RECORDED:
 * test/fixtures/aws-recorded/eventbridge-config-item-change-sqs-queue.json), so reads return it and writes
 * change it. Value ranges, and the SSE options being exclusive: SQS API Reference, SetQueueAttributes.
 */

const SERVICE = "SQS";
const QUEUE = "AWS::SQS::Queue";

/** https://sqs.<region>.amazonaws.com/<acct>/<name>, the legacy https://<region>.queue.amazonaws.com/..., or an emulator's. */
function parseQueueUrl(url: string): { region?: string; accountId: string; name: string } | undefined {
  const m = /^https?:\/\/([^/]+)\/(\d{12})\/([A-Za-z0-9_-]{1,80}(?:\.fifo)?)$/.exec(url);
  if (!m) return undefined;
  const host = m[1] as string;
  const region =
    /^sqs\.([a-z0-9-]+)\.amazonaws\.com$/.exec(host)?.[1] ?? /^([a-z0-9-]+)\.queue\.amazonaws\.com$/.exec(host)?.[1];
  return {
    region: region ?? (host === "queue.amazonaws.com" ? "us-east-1" : undefined),
    accountId: m[2] as string,
    name: m[3] as string,
  };
}

function queueItem(ctx: OperationContext, input: JsonObject): ConfigItem {
  const url = required(SERVICE, input, "QueueUrl", "MissingParameter");
  const gone = (): never => fail(SERVICE, "QueueDoesNotExist", "The specified queue does not exist.");
  const parsed = parseQueueUrl(url) ?? gone();
  const region = parsed.region ?? ctx.region;
  if (parsed.accountId !== ctx.accountId) {
    fail(SERVICE, "AccessDenied", `Access to the resource ${url} is denied.`, 403);
  }
  const canonical = `https://sqs.${region}.amazonaws.com/${parsed.accountId}/${parsed.name}`;
  return ctx.store.get(QUEUE, parsed.accountId, region, canonical) ?? gone();
}

const READ_ONLY_ATTRIBUTES = [
  "ApproximateNumberOfMessages",
  "ApproximateNumberOfMessagesNotVisible",
  "ApproximateNumberOfMessagesDelayed",
  "CreatedTimestamp",
  "LastModifiedTimestamp",
  "QueueArn",
  "FifoQueue",
];

/** Settable attributes and their checks (undefined: any text). */
const SETTABLE: Record<string, ((v: string) => boolean) | undefined> = {
  DelaySeconds: range(0, 900),
  MaximumMessageSize: range(1024, 1048576),
  MessageRetentionPeriod: range(60, 1209600),
  ReceiveMessageWaitTimeSeconds: range(0, 20),
  VisibilityTimeout: range(0, 43200),
  KmsDataKeyReusePeriodSeconds: range(60, 86400),
  SqsManagedSseEnabled: (v) => v === "true" || v === "false",
  KmsMasterKeyId: undefined,
  Policy: (v) => v === "" || jsonObject(v),
  RedrivePolicy: (v) => v === "" || jsonObject(v),
  RedriveAllowPolicy: (v) => v === "" || jsonObject(v),
  ContentBasedDeduplication: (v) => v === "true" || v === "false",
  DeduplicationScope: (v) => v === "messageGroup" || v === "queue",
  FifoThroughputLimit: (v) => v === "perQueue" || v === "perMessageGroupId",
};
const FIFO_ONLY = new Set(["ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit"]);

function range(min: number, max: number): (v: string) => boolean {
  return (v) => /^\d+$/.test(v) && Number(v) >= min && Number(v) <= max;
}

function jsonObject(v: string): boolean {
  try {
    return isObject(JSON.parse(v));
  } catch {
    return false;
  }
}

function invalidValue(name: string): never {
  fail(SERVICE, "InvalidAttributeValue", `Invalid value for the parameter ${name}.`);
}

function attributesOf(item: ConfigItem): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(item.configuration ?? {})) {
    if (v === undefined || v === null) continue;
    out[k] = typeof v === "string" ? v : typeof v === "object" ? JSON.stringify(v) : String(v);
  }
  return out;
}

/** The redrive policy's dead-letter queue must exist in the queue's account and Region. */
function checkRedrive(ctx: OperationContext, item: ConfigItem, text: string): void {
  const policy = JSON.parse(text) as JsonObject;
  const target = policy.deadLetterTargetArn;
  const max = Number(policy.maxReceiveCount);
  if (typeof target !== "string" || !Number.isInteger(max) || max < 1 || max > 1000) invalidValue("RedrivePolicy");
  const m = /^arn:aws[a-z-]*:sqs:([a-z0-9-]+):(\d{12}):(.+)$/.exec(target);
  const exists =
    m !== null &&
    ctx.store.get(QUEUE, m[2] as string, m[1] as string, `https://sqs.${m[1]}.amazonaws.com/${m[2]}/${m[3]}`) !==
      undefined;
  if (!exists) {
    fail(
      SERVICE,
      "InvalidParameterValue",
      `Value ${text} for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist.`,
    );
  }
  if (target === item.arn) invalidValue("RedrivePolicy");
}

const op = queryOperation;

export const emulation: ServiceEmulation = {
  serviceId: SERVICE,
  scenarios: true,
  operations: {
    GetQueueAttributes: op(true, (input, ctx) => {
      const item = queueItem(ctx, input);
      const names = Array.isArray(input.AttributeNames) ? (input.AttributeNames as string[]) : [];
      const all = attributesOf(item);
      for (const n of names) {
        if (n !== "All" && !(n in SETTABLE) && !READ_ONLY_ATTRIBUTES.includes(n)) {
          fail(SERVICE, "InvalidAttributeName", `Unknown Attribute ${n}.`);
        }
      }
      const wanted = names.includes("All") ? Object.keys(all) : names.filter((n) => n in all);
      const Attributes = Object.fromEntries(wanted.map((n) => [n, all[n] as string]));
      return Object.keys(Attributes).length > 0 ? { Attributes } : {};
    }),
    ListQueueTags: op(true, (input, ctx) => {
      const item = queueItem(ctx, input);
      return Object.keys(item.tags).length > 0 ? { Tags: { ...item.tags } } : {};
    }),
    SetQueueAttributes: op(false, (input, ctx) => {
      const item = queueItem(ctx, input);
      const given = isObject(input.Attributes) ? (input.Attributes as Record<string, string>) : {};
      const fifo = attributesOf(item).FifoQueue === "true";
      for (const [name, value] of Object.entries(given)) {
        if (!(name in SETTABLE) || (FIFO_ONLY.has(name) && !fifo)) {
          fail(SERVICE, "InvalidAttributeName", `Unknown Attribute ${name}.`);
        }
        const check = SETTABLE[name];
        if (typeof value !== "string" || (check && !check(value))) invalidValue(name);
        if (name === "RedrivePolicy" && value !== "") checkRedrive(ctx, item, value);
      }
      ctx.save(item, (d) => {
        const attrs: JsonObject = { ...(d.configuration ?? {}) };
        for (const [name, value] of Object.entries(given)) {
          if (name === "KmsMasterKeyId") {
            if (value === "") {
              delete attrs.KmsMasterKeyId;
              delete attrs.KmsDataKeyReusePeriodSeconds;
            } else {
              attrs.KmsMasterKeyId = value;
              attrs.KmsDataKeyReusePeriodSeconds ??= "300";
              attrs.SqsManagedSseEnabled = "false";
            }
          } else if (name === "SqsManagedSseEnabled" && value === "true") {
            attrs.SqsManagedSseEnabled = "true";
            delete attrs.KmsMasterKeyId;
            delete attrs.KmsDataKeyReusePeriodSeconds;
          } else if (value === "" && (name === "Policy" || name === "RedrivePolicy" || name === "RedriveAllowPolicy")) {
            delete attrs[name];
          } else {
            attrs[name] = value;
          }
        }
        attrs.LastModifiedTimestamp = String(Math.floor(ctx.now.getTime() / 1000));
        d.configuration = attrs;
      });
      return {};
    }),
  },
};
