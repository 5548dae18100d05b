/**
 * The remediation worker's settings, from its environment (serverless.yml sets them). Three are required and
 * named as the deploy issue names them; the rest have defaults and a GUARDRAIL_ prefix.
 */
import type { RemediationMode } from "../../policy/types";
import { isRemediationMode } from "./decide";

export interface WorkerSettings {
  /** AUDIT_BUCKET: where remediation records go (records/account=…/region=…/date=…/<recordId>.json). */
  auditBucket: string;
  /** REMEDIATION_TOPIC_ARN: outcomes, approval requests and circuit-breaker alerts are published here. */
  topicArn: string;
  /** IDEMPOTENCY_TABLE: Powertools idempotency records, and the rate-limit and circuit-breaker counters. */
  table: string;
  /** GUARDRAIL_CENTRAL_AUDIT_BUCKET: a bucket (often in an audit account) that gets a copy of every record. */
  centralAuditBucket?: string;
  /** GUARDRAIL_REMEDIATION_MODE: the account's cap on request modes (decide.ts effectiveMode); unset, none. */
  accountMode?: RemediationMode;
  /** GUARDRAIL_EVENT_BUS: where outcome events are put; default "default" (the account's default bus). */
  eventBus: string;
  /** GUARDRAIL_IDEMPOTENCY_TTL_SECONDS (3600): how long the same policy, resource and state is fixed only once. */
  idempotencyTtlSeconds: number;
  /** GUARDRAIL_FIXES_PER_MINUTE (10): fixes sent per account per minute; more are deferred to the next minute. */
  fixesPerMinute: number;
  /** GUARDRAIL_BREAKER_FAILURES (5): failed fixes per window that open the account's circuit breaker. */
  breakerFailures: number;
  /** GUARDRAIL_BREAKER_WINDOW_MINUTES (15). */
  breakerWindowMinutes: number;
  /** GUARDRAIL_BREAKER_COOLDOWN_MINUTES (60): how long an open breaker stops automatic fixes. */
  breakerCooldownMinutes: number;
  /**
   * GUARDRAIL_GRACE_MINUTES (10): a resource tagged aws:cloudformation:stack-name is left alone until the request
   * is this old (its stack may still be creating or updating it); see grace.ts.
   */
  graceMinutes: number;
  /** GUARDRAIL_GRACE_MAX_MINUTES (60): with stack status known, how long an in-progress stack is waited for. */
  graceMaxMinutes: number;
  /** GUARDRAIL_GRACE_POLL_SECONDS (300): with stack status known, how often an in-progress stack is looked at. */
  gracePollSeconds: number;
  /**
   * GUARDRAIL_GRACE_MAX_RECEIVES (3): after this many receives a message is no longer deferred for grace; keep it
   * well below the queue's maxReceiveCount, which must also leave room for retries and rate-limit deferrals.
   */
  graceMaxReceives: number;
  /** GUARDRAIL_VERIFY_DELAYS_SECONDS ("0,5,20"): waits before each verification describe, until one passes. */
  verifyDelaysSeconds: number[];
  /** GUARDRAIL_APPROVAL_TTL_HOURS (168): how long an approval request can be released. */
  approvalTtlHours: number;
}

export class SettingsError extends Error {}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const v = env[name];
  if (!v) throw new SettingsError(`environment variable ${name} is not set`);
  return v;
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new SettingsError(`${name} must be a positive number, not "${raw}"`);
  return n;
}

function delays(env: NodeJS.ProcessEnv, name: string, fallback: number[]): number[] {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const list = raw.split(",").map((s) => Number(s.trim()));
  if (list.length === 0 || list.some((n) => !Number.isFinite(n) || n < 0)) {
    throw new SettingsError(`${name} must be a comma-separated list of seconds, not "${raw}"`);
  }
  return list;
}

function mode(env: NodeJS.ProcessEnv, name: string): RemediationMode | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  if (!isRemediationMode(raw)) throw new SettingsError(`${name} must be auto, approve or notify, not "${raw}"`);
  return raw;
}

export function workerSettings(env: NodeJS.ProcessEnv = process.env): WorkerSettings {
  const centralAuditBucket = env.GUARDRAIL_CENTRAL_AUDIT_BUCKET || undefined;
  const accountMode = mode(env, "GUARDRAIL_REMEDIATION_MODE");
  return {
    auditBucket: required(env, "AUDIT_BUCKET"),
    topicArn: required(env, "REMEDIATION_TOPIC_ARN"),
    table: required(env, "IDEMPOTENCY_TABLE"),
    ...(centralAuditBucket ? { centralAuditBucket } : {}),
    ...(accountMode ? { accountMode } : {}),
    eventBus: env.GUARDRAIL_EVENT_BUS || "default",
    idempotencyTtlSeconds: positive(env, "GUARDRAIL_IDEMPOTENCY_TTL_SECONDS", 3600),
    fixesPerMinute: positive(env, "GUARDRAIL_FIXES_PER_MINUTE", 10),
    breakerFailures: positive(env, "GUARDRAIL_BREAKER_FAILURES", 5),
    breakerWindowMinutes: positive(env, "GUARDRAIL_BREAKER_WINDOW_MINUTES", 15),
    breakerCooldownMinutes: positive(env, "GUARDRAIL_BREAKER_COOLDOWN_MINUTES", 60),
    graceMinutes: positive(env, "GUARDRAIL_GRACE_MINUTES", 10),
    graceMaxMinutes: positive(env, "GUARDRAIL_GRACE_MAX_MINUTES", 60),
    gracePollSeconds: positive(env, "GUARDRAIL_GRACE_POLL_SECONDS", 300),
    graceMaxReceives: positive(env, "GUARDRAIL_GRACE_MAX_RECEIVES", 3),
    verifyDelaysSeconds: delays(env, "GUARDRAIL_VERIFY_DELAYS_SECONDS", [0, 5, 20]),
    approvalTtlHours: positive(env, "GUARDRAIL_APPROVAL_TTL_HOURS", 168),
  };
}
