import type { ResourceKey } from "../aws/config";
import { HandlerInputError } from "../lambda/errors";
import { object, parseJsonText, requiredInteger, requiredString, requiredTimestamp } from "./fields";

/**
 * The periodic sweep's unit of work on the sweep queue: at most 100 resource keys (one BatchGetResourceConfig
 * call, one PutEvaluations call) with what is needed to report them for the rule invocation that listed them.
 *
 * The resultToken travels with the keys because PutEvaluations needs it; how long Config accepts a token after
 * its invocation ended is not documented (AWS Config API Reference, PutEvaluations, gives no lifetime), so the
 * queue should be drained in minutes, not hours (the sweep worker's concurrency and the queue's retention are the
 * deploy's concern).
 */
export interface SweepMessage {
  version: 1;
  correlationId: string;
  policyId: string;
  resultToken: string;
  /** The scheduled notification's time, ISO 8601: every evaluation of the sweep carries it. */
  orderingTimestamp: string;
  /** 1-based position of this batch in the sweep, and the sweep's number of batches (for the logs). */
  part: number;
  parts: number;
  keys: ResourceKey[];
}

export const SWEEP_KEYS_PER_MESSAGE = 100;

/** The verdicts a key may say Config holds for it (`ResourceKey.recorded`). */
const RECORDED: readonly string[] = ["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"];

/** An SQS record body as a SweepMessage; anything else is a HandlerInputError naming the field (`body.keys.3.resourceId`). */
export function parseSweepMessage(body: string): SweepMessage {
  const m = object(parseJsonText("body", body), "body");
  if (m.version !== 1) throw new HandlerInputError("body.version", `must be 1 (is ${JSON.stringify(m.version)})`);
  const rawKeys = m.keys;
  if (!Array.isArray(rawKeys) || rawKeys.length === 0 || rawKeys.length > SWEEP_KEYS_PER_MESSAGE) {
    const is = Array.isArray(rawKeys) ? `${rawKeys.length} keys` : typeof rawKeys;
    throw new HandlerInputError("body.keys", `must hold 1 to ${SWEEP_KEYS_PER_MESSAGE} resource keys (is ${is})`);
  }
  const keys = rawKeys.map((k: unknown, i) => {
    const key = object(k, `body.keys.${i}`);
    const recorded = key.recorded;
    if (recorded !== undefined && !RECORDED.includes(recorded as string)) {
      throw new HandlerInputError(`body.keys.${i}.recorded`, `must be one of ${RECORDED.join(", ")} (is ${JSON.stringify(recorded)})`); // prettier-ignore
    }
    return {
      resourceType: requiredString(key, "resourceType", `body.keys.${i}`),
      resourceId: requiredString(key, "resourceId", `body.keys.${i}`),
      ...(recorded !== undefined ? { recorded: recorded as ResourceKey["recorded"] } : {}),
    };
  });
  return {
    version: 1,
    correlationId: requiredString(m, "correlationId", "body"),
    policyId: requiredString(m, "policyId", "body"),
    resultToken: requiredString(m, "resultToken", "body"),
    orderingTimestamp: requiredTimestamp(m, "orderingTimestamp", "body"),
    part: requiredInteger(m, "part", "body", 1),
    parts: requiredInteger(m, "parts", "body", 1),
    keys,
  };
}

export function planSweepMessages(
  keys: readonly ResourceKey[],
  base: Pick<SweepMessage, "correlationId" | "policyId" | "resultToken" | "orderingTimestamp">,
): SweepMessage[] {
  const parts = Math.ceil(keys.length / SWEEP_KEYS_PER_MESSAGE);
  const out: SweepMessage[] = [];
  for (let i = 0; i < parts; i++) {
    const slice = keys.slice(i * SWEEP_KEYS_PER_MESSAGE, (i + 1) * SWEEP_KEYS_PER_MESSAGE);
    out.push({ version: 1, ...base, part: i + 1, parts, keys: slice.map((k) => ({ ...k })) });
  }
  return out;
}

/** SendMessageBatch limits: 10 entries, and (conservatively, the pre-2025 quota) 256 KiB for the whole batch. */
export const SQS_BATCH_ENTRIES = 10;
export const SQS_BATCH_BYTES = 256 * 1024;

/** Message bodies grouped into SendMessageBatch calls within both limits (one body is far below 256 KiB). */
export function batchBodies(bodies: readonly string[]): string[][] {
  const out: string[][] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const body of bodies) {
    const size = Buffer.byteLength(body, "utf8");
    if (size > SQS_BATCH_BYTES) throw new Error(`sweep message of ${size} bytes exceeds the SQS limit`);
    if (current.length === SQS_BATCH_ENTRIES || bytes + size > SQS_BATCH_BYTES) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(body);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}
