import type { ConfigItem } from "../../../resources/config-item";
import type { JsonObject } from "../../../util/json";
import { fail, queryOperation, required, type OperationContext, type ServiceEmulation } from "./types";

/**
 * SNS topic attributes. A topic's Config item holds GetTopicAttributes' map as its `configuration` (numbers as
 * numbers in Config, strings on the API), so reads return it as strings and SetTopicAttributes changes one
 * attribute per call. Attribute names and values: SNS API Reference, SetTopicAttributes.
 */

const SERVICE = "SNS";
const TOPIC = "AWS::SNS::Topic";

function topicItem(ctx: OperationContext, arn: string): ConfigItem {
  const m = /^arn:aws[a-z-]*:sns:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,256}(?:\.fifo)?)$/.exec(arn);
  if (!m) fail(SERVICE, "InvalidParameterException", "Invalid parameter: TopicArn");
  if (m[2] !== ctx.accountId) {
    fail(SERVICE, "AuthorizationErrorException", `User is not authorized to access this topic: ${arn}`, 403);
  }
  return (
    ctx.store.get(TOPIC, m[2], m[1] as string, arn) ?? fail(SERVICE, "NotFoundException", "Topic does not exist", 404)
  );
}

/** Settable attributes and their checks (undefined: any text). */
const SETTABLE: Record<string, ((v: string) => boolean) | undefined> = {
  DisplayName: (v) => v.length <= 100,
  Policy: jsonObject,
  DeliveryPolicy: (v) => v === "" || jsonObject(v),
  KmsMasterKeyId: undefined,
  SignatureVersion: (v) => v === "1" || v === "2",
  TracingConfig: (v) => v === "Active" || v === "PassThrough",
  ArchivePolicy: (v) => v === "" || jsonObject(v),
  ContentBasedDeduplication: (v) => v === "true" || v === "false",
  FifoThroughputScope: (v) => v === "Topic" || v === "MessageGroup",
  ...Object.fromEntries(
    ["HTTP", "Firehose", "Lambda", "SQS", "Application"].flatMap((p) => [
      [`${p}SuccessFeedbackRoleArn`, undefined],
      [`${p}SuccessFeedbackSampleRate`, (v: string) => /^\d+$/.test(v) && Number(v) <= 100],
      [`${p}FailureFeedbackRoleArn`, undefined],
    ]),
  ),
};
const FIFO_ONLY = new Set(["ContentBasedDeduplication", "FifoThroughputScope", "ArchivePolicy"]);

function jsonObject(v: string): boolean {
  try {
    const parsed: unknown = JSON.parse(v);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed);
  } catch {
    return false;
  }
}

function attributesOf(item: ConfigItem): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(item.configuration ?? {})) {
    if (v === undefined || v === null) continue;
    out[k] = typeof v === "string" ? v : typeof v === "object" ? JSON.stringify(v) : String(v);
  }
  return out;
}

const op = queryOperation;

export const emulation: ServiceEmulation = {
  serviceId: SERVICE,
  scenarios: true,
  operations: {
    GetTopicAttributes: op(true, (input, ctx) => ({
      Attributes: attributesOf(topicItem(ctx, required(SERVICE, input, "TopicArn", "InvalidParameterException"))),
    })),
    ListTagsForResource: op(true, (input, ctx) => {
      const arn = required(SERVICE, input, "ResourceArn", "InvalidParameterException");
      let item: ConfigItem;
      try {
        item = topicItem(ctx, arn);
      } catch (e) {
        if ((e as Error).name === "NotFoundException")
          fail(SERVICE, "ResourceNotFoundException", "Resource does not exist", 404);
        throw e;
      }
      return { Tags: Object.entries(item.tags).map(([Key, Value]) => ({ Key, Value })) };
    }),
    SetTopicAttributes: op(false, (input, ctx) => {
      const item = topicItem(ctx, required(SERVICE, input, "TopicArn", "InvalidParameterException"));
      const name = required(SERVICE, input, "AttributeName", "InvalidParameterException");
      const value = typeof input.AttributeValue === "string" ? input.AttributeValue : "";
      const fifo = attributesOf(item).FifoTopic === "true";
      if (!(name in SETTABLE) || (FIFO_ONLY.has(name) && !fifo)) {
        fail(SERVICE, "InvalidParameterException", "Invalid parameter: AttributeName");
      }
      const check = SETTABLE[name];
      if (check && !check(value)) {
        fail(
          SERVICE,
          "InvalidParameterException",
          `Invalid parameter: ${name === "Policy" ? "Policy Error: null" : name}`,
        );
      }
      ctx.save(item, (d) => {
        const attrs: JsonObject = { ...(d.configuration ?? {}) };
        if (value === "" && name !== "DisplayName") delete attrs[name];
        else attrs[name] = value;
        d.configuration = attrs;
      });
      return {};
    }),
  },
};
