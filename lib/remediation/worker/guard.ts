import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from "@aws-sdk/client-dynamodb";
import { minuteWindow, windowStart } from "./decide";

/**
 * Per-account brakes on automatic fixing:
 *  - a rate limit: at most `fixesPerMinute` fixes sent per account per calendar minute; a request over it is
 *    deferred to the next minute (its message comes back);
 *  - a circuit breaker: `breakerFailures` failed fixes (a call failed, or the fix did not take) within a window of
 *    `breakerWindowMinutes` open it for `breakerCooldownMinutes`. While open, auto-mode requests change nothing:
 *    each is recorded as circuit-open with the command that releases it; the one request whose failure opened
 *    the breaker publishes the alert, so it is sent once per opening.
 * Counters live in the idempotency table (key attribute `id`, TTL attribute `expiration`, as Powertools uses
 * them), under ids no idempotency key can take (`guardrail#…`), with conditional writes so that concurrent
 * workers agree. IAM: dynamodb:UpdateItem, GetItem, PutItem (DeleteItem to close a breaker by hand).
 */
export interface AccountGuard {
  isOpen(accountId: string, now: Date): Promise<{ open: boolean; openUntil?: string }>;
  /** Takes one fix from the account's budget for this minute. */
  acquireFix(
    accountId: string,
    now: Date,
  ): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number; limit: number }>;
  /** Counts a failed fix; `opened` is true for the one caller whose failure opened the breaker. */
  recordFailure(accountId: string, now: Date): Promise<{ failures: number; opened: boolean; openUntil?: string }>;
  /**
   * How many verified fixes a (policy, resource) subject has had: part of the idempotency key, so that a violation
   * put back after a fix is a new configuration state even when its document is byte for byte the old one.
   */
  fixGeneration(subject: string): Promise<{ count: number; lastFixedAt?: string }>;
  /** Counts one verified fix of the subject; kept `keepSeconds` (longer than any idempotency record). */
  recordFix(subject: string, now: Date, keepSeconds: number): Promise<void>;
}

export interface GuardSettings {
  table: string;
  fixesPerMinute: number;
  breakerFailures: number;
  breakerWindowMinutes: number;
  breakerCooldownMinutes: number;
}

const DAY = 86400;

export const rateKey = (accountId: string, minute: string) => `guardrail#rate#${accountId}#${minute}`;
export const failuresKey = (accountId: string, start: number) => `guardrail#failures#${accountId}#${start}`;
export const breakerKey = (accountId: string) => `guardrail#breaker#${accountId}`;
export const fixesKey = (subject: string) => `guardrail#fixes#${subject}`;

const epoch = (d: Date) => Math.floor(d.getTime() / 1000);

export class DynamoAccountGuard implements AccountGuard {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly settings: GuardSettings,
  ) {}

  async isOpen(accountId: string, now: Date): Promise<{ open: boolean; openUntil?: string }> {
    const out = await this.client.send(
      new GetItemCommand({
        TableName: this.settings.table,
        Key: { id: { S: breakerKey(accountId) } },
        ConsistentRead: true,
      }),
    );
    const until = Number(out.Item?.openUntil?.N ?? 0);
    if (until > epoch(now)) return { open: true, openUntil: new Date(until * 1000).toISOString() };
    return { open: false };
  }

  async acquireFix(
    accountId: string,
    now: Date,
  ): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number; limit: number }> {
    const minute = minuteWindow(now);
    const limit = Math.floor(this.settings.fixesPerMinute);
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.settings.table,
          Key: { id: { S: rateKey(accountId, minute.id) } },
          UpdateExpression: "ADD #count :one SET #expiration = :expiration",
          ConditionExpression: "attribute_not_exists(#count) OR #count < :limit",
          ExpressionAttributeNames: { "#count": "count", "#expiration": "expiration" },
          ExpressionAttributeValues: {
            ":one": { N: "1" },
            ":limit": { N: String(limit) },
            ":expiration": { N: String(epoch(now) + DAY) },
          },
        }),
      );
      return { allowed: true };
    } catch (e) {
      if (isConditionFailure(e)) {
        return { allowed: false, retryAfterSeconds: Math.ceil(minute.secondsLeft) + 1, limit };
      }
      throw e;
    }
  }

  async recordFailure(
    accountId: string,
    now: Date,
  ): Promise<{ failures: number; opened: boolean; openUntil?: string }> {
    const s = this.settings;
    const start = windowStart(now, s.breakerWindowMinutes);
    const out = await this.client.send(
      new UpdateItemCommand({
        TableName: s.table,
        Key: { id: { S: failuresKey(accountId, start) } },
        UpdateExpression: "ADD #count :one SET #expiration = :expiration",
        ExpressionAttributeNames: { "#count": "count", "#expiration": "expiration" },
        ExpressionAttributeValues: {
          ":one": { N: "1" },
          ":expiration": { N: String(start + Math.round(s.breakerWindowMinutes * 60) + DAY) },
        },
        ReturnValues: "UPDATED_NEW",
      }),
    );
    const failures = Number(out.Attributes?.count?.N ?? 1);
    if (failures < s.breakerFailures) return { failures, opened: false };
    const openUntil = epoch(now) + Math.round(s.breakerCooldownMinutes * 60);
    const openUntilIso = new Date(openUntil * 1000).toISOString();
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: s.table,
          Item: {
            id: { S: breakerKey(accountId) },
            openedAt: { S: now.toISOString() },
            openUntil: { N: String(openUntil) },
            failures: { N: String(failures) },
            expiration: { N: String(openUntil + DAY) },
          },
          ConditionExpression: "attribute_not_exists(#id) OR #openUntil < :now",
          ExpressionAttributeNames: { "#id": "id", "#openUntil": "openUntil" },
          ExpressionAttributeValues: { ":now": { N: String(epoch(now)) } },
        }),
      );
      return { failures, opened: true, openUntil: openUntilIso };
    } catch (e) {
      if (isConditionFailure(e)) return { failures, opened: false };
      throw e;
    }
  }

  async fixGeneration(subject: string): Promise<{ count: number; lastFixedAt?: string }> {
    const out = await this.client.send(
      new GetItemCommand({
        TableName: this.settings.table,
        Key: { id: { S: fixesKey(subject) } },
        ConsistentRead: true,
      }),
    );
    const lastFixedAt = out.Item?.lastFixedAt?.S;
    return { count: Number(out.Item?.generation?.N ?? 0), ...(lastFixedAt ? { lastFixedAt } : {}) };
  }

  async recordFix(subject: string, now: Date, keepSeconds: number): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.settings.table,
        Key: { id: { S: fixesKey(subject) } },
        UpdateExpression: "ADD #generation :one SET #expiration = :expiration, #lastFixedAt = :now",
        ExpressionAttributeNames: {
          "#generation": "generation",
          "#expiration": "expiration",
          "#lastFixedAt": "lastFixedAt",
        },
        ExpressionAttributeValues: {
          ":one": { N: "1" },
          ":expiration": { N: String(epoch(now) + keepSeconds) },
          ":now": { S: now.toISOString() },
        },
      }),
    );
  }

  /** Closes an account's breaker now (a person looked at the failures). */
  async close(accountId: string): Promise<void> {
    await this.client.send(
      new DeleteItemCommand({ TableName: this.settings.table, Key: { id: { S: breakerKey(accountId) } } }),
    );
  }
}

function isConditionFailure(e: unknown): boolean {
  return (
    e instanceof ConditionalCheckFailedException || (e as { name?: string }).name === "ConditionalCheckFailedException"
  );
}
