import { createHash } from "node:crypto";
import { ConfigItemError, toConfigItem, type ConfigItem, type ConfigurationItemStatus } from "../resources/config-item";
import { HandlerInputError, UnknownPolicyError } from "../lambda/errors";
import type { JsonObject } from "../util/json";
import {
  object,
  optionalBoolean,
  optionalString,
  optionalTimestamp,
  parseJsonText,
  requiredString,
  requiredTimestamp,
} from "./fields";

/**
 * The custom Config rule's invocation event (AWS Config Developer Guide, "Example events for AWS Config rules"; a real
 * one: test/fixtures/aws-recorded/config-rule-invocation-change.json). `invokingEvent` and `ruleParameters` are JSON
 * text. Unknown keys are ignored (the recorded event carries a `debug` key; `version` grows when AWS adds attributes).
 * Everything wrong is a HandlerInputError naming the field, e.g. `invokingEvent.messageType`.
 */

export { HandlerInputError, UnknownPolicyError };

export const CHANGE = "ConfigurationItemChangeNotification";
export const OVERSIZED = "OversizedConfigurationItemChangeNotification";
export const SCHEDULED = "ScheduledNotification";

export interface ItemChange {
  messageType: typeof CHANGE;
  notificationCreationTime?: string;
  item: ConfigItem;
}

/** What an oversized notification says about the item it left out. */
export interface ItemSummary {
  resourceType: string;
  resourceId: string;
  captureTime: string;
  status: ConfigurationItemStatus;
}

export interface OversizedChange {
  messageType: typeof OVERSIZED;
  notificationCreationTime?: string;
  summary: ItemSummary;
}

export interface Scheduled {
  messageType: typeof SCHEDULED;
  notificationCreationTime: string;
  accountId?: string;
}

export interface RuleInvocation {
  resultToken: string;
  /** The resource left the rule's scope: its evaluation is NOT_APPLICABLE whatever its configuration. */
  eventLeftScope: boolean;
  /** From ruleParameters: the one policy this rule judges. */
  policyId: string;
  configRuleName?: string;
  configRuleId?: string;
  accountId?: string;
  message: ItemChange | OversizedChange | Scheduled;
}

const MESSAGE_TYPES = [CHANGE, OVERSIZED, SCHEDULED] as const;

/** Config's configurationItemStatus values (AWS Config API Reference, ConfigurationItem). */
const STATUSES: readonly ConfigurationItemStatus[] = [
  "OK",
  "ResourceDiscovered",
  "ResourceNotRecorded",
  "ResourceDeleted",
  "ResourceDeletedNotRecorded",
];

function itemStatus(o: JsonObject, at: string, required: true): ConfigurationItemStatus;
function itemStatus(o: JsonObject, at: string, required: false): ConfigurationItemStatus | undefined;
function itemStatus(o: JsonObject, at: string, required: boolean): ConfigurationItemStatus | undefined {
  const v = required
    ? requiredString(o, "configurationItemStatus", at)
    : optionalString(o, "configurationItemStatus", at);
  if (v !== undefined && !(STATUSES as readonly string[]).includes(v)) {
    throw new HandlerInputError(
      `${at}.configurationItemStatus`,
      `must be one of ${STATUSES.join(", ")} (is ${JSON.stringify(v)})`,
    );
  }
  return v as ConfigurationItemStatus | undefined;
}

export function parseRuleEvent(event: unknown): RuleInvocation {
  const e = object(event, "event");
  const invokingText = e.invokingEvent;
  if (typeof invokingText !== "string") {
    throw new HandlerInputError(
      "invokingEvent",
      `must be the invoking event as JSON text (is ${invokingText === undefined ? "missing" : typeof invokingText})`,
    );
  }
  const resultToken = requiredString(e, "resultToken", "", "the token PutEvaluations needs");
  const eventLeftScope = optionalBoolean(e, "eventLeftScope", "") ?? false;

  // JSON text as Config sends it; an object is accepted too (test tools), absent means no parameters.
  const rawParams = e.ruleParameters;
  const params = object(
    typeof rawParams === "string" ? parseJsonText("ruleParameters", rawParams) : (rawParams ?? {}),
    "ruleParameters",
  );
  const policyId = requiredString(params, "policyId", "ruleParameters", 'InputParameters must be {"policyId": "<id>"}');

  const inv = object(parseJsonText("invokingEvent", invokingText), "invokingEvent");
  const messageType = inv.messageType;
  let message: RuleInvocation["message"];
  if (messageType === CHANGE) {
    const at = "invokingEvent.configurationItem";
    const raw = object(inv.configurationItem, at);
    // What Config always sends in a change notification; an item without them is not one to judge.
    requiredString(raw, "resourceType", at);
    requiredString(raw, "resourceId", at);
    itemStatus(raw, at, true);
    requiredTimestamp(raw, "configurationItemCaptureTime", at);
    let item: ConfigItem;
    try {
      item = toConfigItem(raw);
    } catch (err) {
      if (err instanceof ConfigItemError) {
        throw new HandlerInputError(`invokingEvent.configurationItem${err.path.replace(/\//g, ".")}`, err.message);
      }
      throw err;
    }
    message = {
      messageType,
      notificationCreationTime: optionalTimestamp(inv, "notificationCreationTime", "invokingEvent"),
      item,
    };
  } else if (messageType === OVERSIZED) {
    const at = "invokingEvent.configurationItemSummary";
    const s = object(inv.configurationItemSummary, at);
    message = {
      messageType,
      notificationCreationTime: optionalTimestamp(inv, "notificationCreationTime", "invokingEvent"),
      summary: {
        resourceType: requiredString(s, "resourceType", at),
        resourceId: requiredString(s, "resourceId", at),
        captureTime: requiredTimestamp(s, "configurationItemCaptureTime", at),
        status: itemStatus(s, at, false) ?? "OK",
      },
    };
  } else if (messageType === SCHEDULED) {
    message = {
      messageType,
      notificationCreationTime: requiredTimestamp(inv, "notificationCreationTime", "invokingEvent"),
      accountId: optionalString(inv, "awsAccountId", "invokingEvent"),
    };
  } else {
    throw new HandlerInputError(
      "invokingEvent.messageType",
      `must be one of ${MESSAGE_TYPES.join(", ")} (is ${JSON.stringify(messageType)})`,
    );
  }

  return {
    resultToken,
    eventLeftScope,
    policyId,
    configRuleName: optionalString(e, "configRuleName", ""),
    configRuleId: optionalString(e, "configRuleId", ""),
    accountId: optionalString(e, "accountId", ""),
    message,
  };
}

/**
 * The correlation id of one rule invocation: `cfg-` and the first 16 hex digits of the SHA-256 of its
 * resultToken. Chosen over configRuleId + notificationCreationTime because the token is unique per invocation
 * (a burst of changes can share a notification time), identical when Lambda retries the same invocation (so the
 * retries group together), and travels with sweep messages, so the sweep workers log the same id. The token
 * itself (kilobytes of opaque, encrypted text) is never logged. Works on a malformed event too, so the line that
 * reports the malformation carries an id.
 */
export function correlationIdFor(event: unknown): string {
  const token =
    typeof event === "object" && event !== null ? (event as { resultToken?: unknown }).resultToken : undefined;
  if (typeof token !== "string" || token === "") return "cfg-no-result-token";
  return `cfg-${createHash("sha256").update(token).digest("hex").slice(0, 16)}`;
}
