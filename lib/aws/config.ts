import {
  BatchGetResourceConfigCommand,
  GetComplianceDetailsByConfigRuleCommand,
  GetResourceConfigHistoryCommand,
  ListDiscoveredResourcesCommand,
  PutEvaluationsCommand,
  type ConfigServiceClient,
  type Evaluation,
  type ResourceType,
} from "@aws-sdk/client-config-service";
import { clientFor } from "./clients";
import { service as config } from "./services/config";

/**
 * All AWS Config API access; nothing else in Guardrail talks to Config. Facts and limits, from the AWS Config API
 * Reference: PutEvaluations and Evaluation (at most 100 evaluations a call, annotations 1–256 characters,
 * FailedEvaluations), GetResourceConfigHistory and BatchGetResourceConfig (1–100 keys, unprocessedResourceKeys,
 * no deleted resources, no tags), ConfigurationItem (the API naming of configuration items).
 *
 * Throttling: Config publishes no TPS quotas (UNCONFIRMED: none found in AWS's documentation). The clients
 * already retry in the SDK's adaptive mode (lib/aws/clients.ts); when a call is still throttled after those
 * attempts, the calls here wait longer (exponential backoff with full jitter) and try again a bounded number of
 * times, because a sweep that gives up on the first sustained throttle loses its whole invocation. Any other error
 * is raised at once.
 */

export const MAX_EVALUATIONS_PER_CALL = 100;
export const MAX_KEYS_PER_CALL = 100;
export const MAX_ANNOTATION_LENGTH = 256;

export interface ResourceKey {
  resourceType: string;
  resourceId: string;
  /** The rule's verdict Config holds for the resource now, when the sweep read it (`ruleCompliance`). */
  recorded?: "COMPLIANT" | "NON_COMPLIANT" | "NOT_APPLICABLE";
}

/**
 * A configuration item in the API naming (AWS Config API Reference, ConfigurationItem) as plain JSON: timestamps
 * as ISO strings, `configuration` and `supplementaryConfiguration` values still JSON strings. `toConfigItem` reads
 * it.
 */
export type ApiConfigurationItem = Record<string, unknown>;

export interface RetryOptions {
  /** Tries of one call, the first included (default 5). */
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface ConfigApiOptions {
  client?: ConfigServiceClient;
  retry?: RetryOptions;
  /** Told about every retry (throttling, unprocessed keys), e.g. a Powertools logger. */
  log?: { warn(message: string, ...extra: Record<string, unknown>[]): void };
}

/** PutEvaluations answered with FailedEvaluations: Config did not store these; the invocation must fail. */
export class FailedEvaluationsError extends Error {
  constructor(
    readonly failed: Evaluation[],
    readonly sent: number,
  ) {
    const first = failed[0];
    const example = first ? ` (first: ${first.ComplianceResourceType} ${first.ComplianceResourceId})` : "";
    super(`PutEvaluations: Config rejected ${failed.length} of ${sent} evaluations${example}`);
    this.name = "FailedEvaluationsError";
  }
}

/** BatchGetResourceConfig kept returning these keys as unprocessed after every retry. */
export class UnprocessedKeysError extends Error {
  constructor(readonly keys: ResourceKey[]) {
    super(
      `BatchGetResourceConfig: ${keys.length} resource keys still unprocessed after retries ` +
        `(first: ${keys[0]?.resourceType} ${keys[0]?.resourceId})`,
    );
    this.name = "UnprocessedKeysError";
  }
}

const THROTTLING_ERRORS = new Set([
  "ThrottlingException",
  "Throttling",
  "ThrottledException",
  "RequestThrottledException",
  "RequestThrottled",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "SlowDown",
]);

export function isThrottlingError(e: unknown): boolean {
  if (typeof e !== "object" || e === null) return false;
  const err = e as { name?: unknown; $retryable?: { throttling?: boolean }; $metadata?: { httpStatusCode?: number } };
  return (
    (typeof err.name === "string" && THROTTLING_ERRORS.has(err.name)) ||
    err.$retryable?.throttling === true ||
    err.$metadata?.httpStatusCode === 429
  );
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function backoff(retry: RetryOptions | undefined, attempt: number): number {
  const base = retry?.baseDelayMs ?? 100;
  const cap = retry?.maxDelayMs ?? 3000;
  return Math.floor(Math.random() * Math.min(cap, base * 2 ** (attempt - 1)));
}

async function withThrottleRetry<T>(operation: string, opts: ConfigApiOptions, call: () => Promise<T>): Promise<T> {
  const attempts = Math.max(1, opts.retry?.attempts ?? 5);
  const sleep = opts.retry?.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (e) {
      if (!isThrottlingError(e) || attempt >= attempts) throw e;
      const delayMs = backoff(opts.retry, attempt);
      opts.log?.warn(`${operation} throttled; retrying`, { operation, attempt, delayMs, error: (e as Error).name });
      await sleep(delayMs);
    }
  }
}

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** Everything PutEvaluations would reject is a bug on our side: say which evaluation and why, before sending. */
function assertValid(e: Evaluation, index: number): void {
  const where = `evaluation ${index} (${e.ComplianceResourceType} ${e.ComplianceResourceId})`;
  if (!e.ComplianceResourceType || !e.ComplianceResourceId) throw new Error(`${where}: resource type and id required`);
  if (e.ComplianceType === "INSUFFICIENT_DATA") throw new Error(`${where}: PutEvaluations rejects INSUFFICIENT_DATA`);
  if (e.Annotation !== undefined && (e.Annotation.length === 0 || e.Annotation.length > MAX_ANNOTATION_LENGTH)) {
    throw new Error(`${where}: annotation must be 1-${MAX_ANNOTATION_LENGTH} characters (is ${e.Annotation.length})`);
  }
  if (!(e.OrderingTimestamp instanceof Date) || Number.isNaN(e.OrderingTimestamp.getTime())) {
    throw new Error(`${where}: OrderingTimestamp must be a valid Date`);
  }
}

/**
 * Sends evaluations in calls of at most 100. Every chunk is sent even when an earlier one had failures, so Config
 * keeps what it accepted; then any FailedEvaluations are raised together as a FailedEvaluationsError.
 */
export async function putEvaluations(
  resultToken: string,
  evaluations: readonly Evaluation[],
  opts: ConfigApiOptions & { testMode?: boolean } = {},
): Promise<{ calls: number; sent: number }> {
  evaluations.forEach(assertValid);
  const client = opts.client ?? clientFor(config);
  const failed: Evaluation[] = [];
  let calls = 0;
  for (const chunk of chunks(evaluations, MAX_EVALUATIONS_PER_CALL)) {
    const input = { ResultToken: resultToken, Evaluations: chunk, ...(opts.testMode ? { TestMode: true } : {}) };
    const out = await withThrottleRetry("PutEvaluations", opts, () => client.send(new PutEvaluationsCommand(input)));
    calls++;
    failed.push(...(out.FailedEvaluations ?? []));
  }
  if (failed.length > 0) throw new FailedEvaluationsError(failed, evaluations.length);
  return { calls, sent: evaluations.length };
}

/** SDK items to plain JSON: Dates as ISO strings (what `toConfigItem` reads), undefined fields dropped. */
function plainItem(item: object): ApiConfigurationItem {
  const out: ApiConfigurationItem = {};
  for (const [k, v] of Object.entries(item)) {
    if (v === undefined) continue;
    out[k] = v instanceof Date ? v.toISOString() : v;
  }
  return out;
}

/**
 * Pages followed when GetResourceConfigHistory answers an empty page with a nextToken (each call spans at most
 * 7 days: AWS Config API Reference, GetResourceConfigHistory).
 */
const MAX_HISTORY_PAGES = 5;

/**
 * The configuration item of a resource as it was at `laterTime` (the newest item captured at or before it): what
 * an OversizedConfigurationItemChangeNotification leaves out (AWS Config Developer Guide, "Example Events for AWS
 * Config Rules"; the call is the one in "Example AWS Lambda Functions for AWS Config Rules (Node.js)").
 * `undefined` when Config has no such item (ResourceNotDiscoveredException, or no item in the window).
 */
export async function getLatestConfigurationItem(
  resourceType: string,
  resourceId: string,
  laterTime: Date,
  opts: ConfigApiOptions = {},
): Promise<ApiConfigurationItem | undefined> {
  const client = opts.client ?? clientFor(config);
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_HISTORY_PAGES; page++) {
    const input = {
      resourceType: resourceType as ResourceType,
      resourceId,
      laterTime,
      limit: 1,
      ...(nextToken ? { nextToken } : {}),
    };
    let out;
    try {
      out = await withThrottleRetry("GetResourceConfigHistory", opts, () =>
        client.send(new GetResourceConfigHistoryCommand(input)),
      );
    } catch (e) {
      if ((e as Error).name === "ResourceNotDiscoveredException") return undefined;
      throw e;
    }
    const item = out.configurationItems?.[0];
    if (item) return plainItem(item);
    if (!out.nextToken) return undefined;
    nextToken = out.nextToken;
  }
  return undefined;
}

/** Every resource Config has discovered (not deleted) of the given types, via ListDiscoveredResources pages. */
export async function listResources(
  resourceTypes: readonly string[],
  opts: ConfigApiOptions = {},
): Promise<ResourceKey[]> {
  const client = opts.client ?? clientFor(config);
  const keys: ResourceKey[] = [];
  for (const resourceType of resourceTypes) {
    let nextToken: string | undefined;
    const seen = new Set<string>();
    do {
      const input = { resourceType: resourceType as ResourceType, limit: 100, ...(nextToken ? { nextToken } : {}) };
      const out = await withThrottleRetry("ListDiscoveredResources", opts, () =>
        client.send(new ListDiscoveredResourcesCommand(input)),
      );
      for (const r of out.resourceIdentifiers ?? []) {
        if (r.resourceId && !r.resourceDeletionTime) keys.push({ resourceType, resourceId: r.resourceId });
      }
      nextToken = out.nextToken;
      if (nextToken && seen.has(nextToken))
        throw new Error(`ListDiscoveredResources ${resourceType}: nextToken repeats`);
      if (nextToken) seen.add(nextToken);
    } while (nextToken);
  }
  return keys;
}

/** A resource key as one text (`type\nid`), for maps and sets. */
export const keyOf = (k: { resourceType?: string; resourceId?: string }) =>
  `${k.resourceType ?? ""}\n${k.resourceId ?? ""}`;

/** The compliance types GetComplianceDetailsByConfigRule filters by (INSUFFICIENT_DATA cannot be a filter). */
const RECORDED_TYPES = ["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"] as const;

/**
 * The verdict Config holds for each resource of a rule now (`type\nid` → compliance), every page of
 * GetComplianceDetailsByConfigRule (AWS Config API Reference: Limit up to 100, NextToken). Reading is free, unlike
 * the evaluations a sweep records, so the sweep sends only the verdicts that differ.
 */
export async function ruleCompliance(
  configRuleName: string,
  opts: ConfigApiOptions = {},
): Promise<Map<string, NonNullable<ResourceKey["recorded"]>>> {
  const client = opts.client ?? clientFor(config);
  const out = new Map<string, NonNullable<ResourceKey["recorded"]>>();
  const seen = new Set<string>();
  let nextToken: string | undefined;
  do {
    const input = { ConfigRuleName: configRuleName, ComplianceTypes: [...RECORDED_TYPES], Limit: 100, ...(nextToken ? { NextToken: nextToken } : {}) }; // prettier-ignore
    const page = await withThrottleRetry("GetComplianceDetailsByConfigRule", opts, () =>
      client.send(new GetComplianceDetailsByConfigRuleCommand(input)),
    );
    for (const r of page?.EvaluationResults ?? []) {
      const q = r.EvaluationResultIdentifier?.EvaluationResultQualifier;
      const type = r.ComplianceType as string | undefined;
      if (q?.ResourceType && q.ResourceId && RECORDED_TYPES.includes(type as (typeof RECORDED_TYPES)[number])) {
        out.set(
          keyOf({ resourceType: q.ResourceType, resourceId: q.ResourceId }),
          type as NonNullable<ResourceKey["recorded"]>,
        );
      }
    }
    nextToken = page?.NextToken;
    if (nextToken && seen.has(nextToken)) throw new Error(`GetComplianceDetailsByConfigRule ${configRuleName}: NextToken repeats`); // prettier-ignore
    if (nextToken) seen.add(nextToken);
  } while (nextToken);
  return out;
}

/**
 * The current configuration items of `keys`, at most 100 keys a call. `unprocessedResourceKeys` are asked again
 * (with backoff) up to `unprocessedAttempts` times, then an UnprocessedKeysError is raised; nothing is dropped
 * silently. Keys Config returns nothing for (deleted resources: BatchGetResourceConfig omits them) are `missing`.
 * Items carry no tags (the API does not return them).
 */
export async function batchGet(
  keys: readonly ResourceKey[],
  opts: ConfigApiOptions & { unprocessedAttempts?: number } = {},
): Promise<{ items: ApiConfigurationItem[]; missing: ResourceKey[] }> {
  const client = opts.client ?? clientFor(config);
  const maxRounds = Math.max(1, opts.unprocessedAttempts ?? 5);
  const sleep = opts.retry?.sleep ?? defaultSleep;
  const items: ApiConfigurationItem[] = [];
  const returned = new Set<string>();
  for (const chunk of chunks(keys, MAX_KEYS_PER_CALL)) {
    let pending: ResourceKey[] = chunk;
    for (let round = 1; pending.length > 0; round++) {
      if (round > maxRounds) throw new UnprocessedKeysError(pending);
      if (round > 1) {
        const delayMs = backoff(opts.retry, round - 1);
        opts.log?.warn("BatchGetResourceConfig left keys unprocessed; retrying", {
          unprocessed: pending.length,
          round,
          delayMs,
        });
        await sleep(delayMs);
      }
      const input = {
        resourceKeys: pending.map((k) => ({ resourceType: k.resourceType as ResourceType, resourceId: k.resourceId })),
      };
      const out = await withThrottleRetry("BatchGetResourceConfig", opts, () =>
        client.send(new BatchGetResourceConfigCommand(input)),
      );
      for (const item of out.baseConfigurationItems ?? []) {
        items.push(plainItem(item));
        returned.add(keyOf(item));
      }
      pending = (out.unprocessedResourceKeys ?? []).map((k) => ({
        resourceType: k.resourceType ?? "",
        resourceId: k.resourceId ?? "",
      }));
    }
  }
  const missing = keys.filter((k) => !returned.has(keyOf(k)));
  return { items, missing };
}
