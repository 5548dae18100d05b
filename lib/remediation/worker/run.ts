import { IdempotencyAlreadyInProgressError } from "@aws-lambda-powertools/idempotency";
import type { Engine, Evaluation } from "../../engine/evaluate";
import type { CompiledPolicy } from "../../policy/load";
import type { RemediationMode } from "../../policy/types";
import type { Resource } from "../../resources/adapter";
import type { OutcomePublisher } from "./aws-outcomes";
import type { RecordStore } from "./s3-records";
import { restApiIdOf } from "../apigateway";
import { jsonEqual } from "../document";
import { UnsupportedDescribeError } from "../../resources/describe";
import type { CallResult, ExecutionReport } from "../executor";
import { planRemediation, type PlannedRemediation } from "../planning/plan";
import { actionFor } from "../planning/registry";
import { PlanError, type AwsCall, type RemediationAction, type RemediationParams } from "../types";
import {
  approvalCommand,
  documentHash,
  effectiveMode,
  fixGenerationFor,
  fixSubject,
  graceDecision,
  idempotencyKey,
  recordIdFor,
  STACK_NAME_TAG,
} from "./decide";
import type { AccountGuard } from "./guard";
import type { Idempotent } from "./idempotency";
import { describedArnProblem, recordIdProblems, resourceIdentityProblems, type WorkerHome } from "./identity";
import {
  BREAKER_ALERT_TYPE,
  changedAt,
  MessageError,
  principalOf,
  requestSchema,
  type ApprovalRelease,
  type RemediationRequest,
  type ResourceRefShape,
  type WorkerMessage,
} from "./message";
import { outcomeMessage, outcomeText, type BreakerAlert } from "./outcome";
import {
  OUTCOME_STATUS,
  summaryOf,
  type ApprovalRequest,
  type EvaluationSummary,
  type Outcome,
  type RecordSummary,
  type RemediationRecord,
  type Verification,
} from "./record";
import type { WorkerSettings } from "./settings";
import type { FindingUpdates } from "./security-hub";
import { plural } from "../../util/words";

/**
 * One remediation request, start to end. The order of the steps:
 *  1. describe the resource again and judge it again with the same policy: gone, compliant, exempt or not
 *     applicable now → recorded and skipped;
 *  2. everything after the describe runs once per idempotency key (policy, resource, hash of the document now,
 *     mode): duplicates of the same state get the stored outcome;
 *  3. a resource of a CloudFormation stack still in its grace period → deferred (decide.ts graceDecision);
 *  4. plan (pure; in every mode, so notify and approve messages show exactly the calls a fix would make);
 *  5. notify → told; approve → an approval request with the command that releases it; auto (or a released
 *     approval whose plan is still the approved one) → the account's circuit breaker and rate limit, then the
 *     one executor, then verify: describe again and judge again, a fix that did not take being a failure;
 *  6. every end writes the remediation record to S3 and publishes the outcome (SNS and EventBridge).
 * AWS is reached only through `WorkerDeps`, so tests give it fakes or mocked clients.
 */

export interface WorkerLog {
  debug(message: string, ...extra: Record<string, unknown>[]): void;
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

export interface WorkerDeps {
  pack: { policy(id: string): CompiledPolicy; engine(now: Date): Engine };
  /** The live describe: the Resource policies judge, undefined when the resource no longer exists. */
  describe(ref: ResourceRefShape): Promise<Resource | undefined>;
  /** The one executor (lib/remediation/executor.ts), with the resource's Region. */
  execute(calls: readonly AwsCall[], region: string): Promise<ExecutionReport>;
  /** A REST API's stage names, for the actions that redeploy. */
  stageNames(restApiId: string, region: string): Promise<string[]>;
  /** A CloudFormation stack's status; absent when the worker cannot read stacks (grace by tag and age only). */
  stackStatus?(stackName: string, region: string): Promise<string | undefined>;
  records: RecordStore;
  outcomes: OutcomePublisher;
  guard: AccountGuard;
  idempotent: Idempotent;
  now(): Date;
  sleep(ms: number): Promise<void>;
  settings: WorkerSettings;
  log: WorkerLog;
  /** Security Hub findings to resolve when a resource is found compliant (the securityHub option); absent, none. */
  findings?: FindingUpdates;
}

export interface Delivery {
  messageId: string;
  receiveCount: number;
  /** The account and Region of the function the record was delivered to: the only ones whose resources it fixes. */
  worker: WorkerHome;
}

/** What the idempotency record keeps: plain JSON, no undefined members. */
export interface StoredResult extends RecordSummary {
  breakerOpened?: boolean;
  changeToVerifiedFixMs?: number;
}

/**
 * done: the message is finished (deleted from the queue); retry: it failed and comes back (finally to the DLQ);
 * defer: it comes back after `delaySeconds` (grace period, rate limit), not an error.
 */
export type WorkerResult =
  | ({ disposition: "done"; duplicate: boolean } & StoredResult)
  | ({ disposition: "retry"; reason: string } & Partial<StoredResult>)
  | { disposition: "defer"; delaySeconds: number; reason: string };

class Deferral extends Error {
  constructor(
    readonly delaySeconds: number,
    message: string,
  ) {
    super(message);
    this.name = "Deferral";
  }
}

/** A fix attempt that failed after its record was written: the message must come back. */
class AttemptFailed extends Error {
  constructor(readonly result: StoredResult) {
    super(result.reason);
    this.name = "AttemptFailed";
  }
}

interface Ctx {
  deps: WorkerDeps;
  delivery: Delivery;
  request: RemediationRequest;
  rawRequest: Record<string, unknown>;
  release?: ApprovalRelease;
  approvalRecord?: RemediationRecord;
  policy: CompiledPolicy;
  action?: RemediationAction;
  mode: RemediationMode;
  before?: Resource;
  evaluation?: EvaluationSummary;
  recordId: string;
  startedAt: Date;
  stack?: { name: string; note?: string };
  /** Why the resource cannot be described live (UnsupportedDescribeError). */
  undescribable?: string;
}

interface Finish {
  outcome: Outcome;
  reason: string;
  planned?: PlannedRemediation;
  planError?: string;
  results?: CallResult[];
  after?: Resource;
  verification?: Verification;
  approval?: ApprovalRequest;
}

function summarize(e: Evaluation): EvaluationSummary {
  return e.annotation ? { compliance: e.compliance, annotation: e.annotation } : { compliance: e.compliance };
}

/** A request whose resource is not one resource of the worker's account and Region: refused, naming the fields. */
function refuseOtherResources(what: string, request: RemediationRequest, home: WorkerHome): void {
  const problems = resourceIdentityProblems(request.resource, home);
  if (problems.length > 0)
    throw new MessageError(`${what} names no one resource this worker may fix: ${problems.join("; ")}`);
}

/**
 * The request and its context: a request message as it came, or the request of a released approval's record.
 * Either is refused unless it names one resource of the worker's account and Region (./identity.ts).
 */
async function resolve(
  message: Exclude<WorkerMessage, { kind: "ignored" }>,
  deps: WorkerDeps,
  home: WorkerHome,
): Promise<Pick<Ctx, "request" | "rawRequest" | "release" | "approvalRecord">> {
  if (message.kind === "request") {
    refuseOtherResources(`remediation request ${message.snsMessageId}`, message.request, home);
    return { request: message.request, rawRequest: message.raw };
  }
  const id = message.release.approvalRecordId;
  const elsewhere = recordIdProblems(id, home);
  if (elsewhere.length > 0) throw new MessageError(`approval release ${message.snsMessageId}: ${elsewhere.join("; ")}`);
  const record = await deps.records.get(id);
  if (!record) throw new MessageError(`approval release: no record ${id} (${deps.records.uriOf(id)})`);
  if (!record.approval) {
    throw new MessageError(
      `approval release: record ${id} is not an approval request (its outcome is ${record.outcome})`,
    );
  }
  const parsed = requestSchema.safeParse(record.request);
  if (!parsed.success) throw new MessageError(`approval release: record ${id} holds no valid request`);
  refuseOtherResources(`approval release: record ${id}`, parsed.data, home);
  return { request: parsed.data, rawRequest: record.request, release: message.release, approvalRecord: record };
}

/** A subject's fix count outlives its idempotency records by a day, so no old key can come back. */
const FIX_COUNT_MARGIN_SECONDS = 86400;

export async function handleMessage(
  message: Exclude<WorkerMessage, { kind: "ignored" }>,
  delivery: Delivery,
  deps: WorkerDeps,
): Promise<WorkerResult> {
  const startedAt = deps.now();
  const resolved = await resolve(message, deps, delivery.worker);
  const { request } = resolved;
  const policy = deps.pack.policy(request.policyId);
  const remediation = policy.policy.remediation;
  const action = remediation ? actionFor(remediation.action) : undefined;
  if (remediation && !action) throw new Error(`policy ${policy.policy.id} names unknown action ${remediation.action}`);
  const mode = effectiveMode(request.mode, remediation, action, deps.settings.accountMode);

  // A type without a live describe (a CloudTrail trail: the Config rule judges it) cannot be judged again or a fix
  // verified, so Guardrail only tells; retrying would only carry the request to the dead-letter queue.
  let undescribable: string | undefined;
  const before = await deps.describe(request.resource).catch((e: unknown) => {
    if (!(e instanceof UnsupportedDescribeError)) throw e;
    undescribable = e.message;
    return undefined;
  });
  const mismatch = before ? describedArnProblem(request.resource, before.document) : undefined;
  if (mismatch) throw new MessageError(`remediation request names two resources: ${mismatch}`);
  const evaluation = before ? summarize(deps.pack.engine(startedAt).evaluatePolicy(policy, before)) : undefined;
  const subject = fixSubject(request.policyId, request.resource);
  const key = idempotencyKey({
    policyId: request.policyId,
    resource: request.resource,
    documentHash: documentHash(before?.document),
    mode,
    fixGeneration: fixGenerationFor(request.detectedAt, await deps.guard.fixGeneration(subject)),
    ...(resolved.release ? { releaseOf: resolved.release.approvalRecordId } : {}),
  });
  const recordId = recordIdFor({
    startedAt,
    resource: request.resource,
    idempotencyKey: key,
    correlationId: request.correlationId,
    receiveCount: delivery.receiveCount,
  });
  const ctx: Ctx = {
    deps,
    delivery,
    ...resolved,
    policy,
    ...(action ? { action } : {}),
    mode,
    ...(before ? { before } : {}),
    ...(evaluation ? { evaluation } : {}),
    ...(undescribable ? { undescribable } : {}),
    recordId,
    startedAt,
  };

  let ran = false;
  try {
    const stored = await deps.idempotent(key, () => {
      ran = true;
      return act(ctx);
    });
    if (!ran) deps.log.info("duplicate: this policy, resource and state was already handled", { ...stored });
    if (ran && stored.outcome === "fixed") {
      await deps.guard.recordFix(subject, deps.now(), deps.settings.idempotencyTtlSeconds + FIX_COUNT_MARGIN_SECONDS);
    }
    return { disposition: "done", duplicate: !ran, ...stored };
  } catch (e) {
    if (e instanceof Deferral) return { disposition: "defer", delaySeconds: e.delaySeconds, reason: e.message };
    if (e instanceof AttemptFailed) return { disposition: "retry", ...e.result };
    if (e instanceof IdempotencyAlreadyInProgressError) {
      return {
        disposition: "retry",
        reason: "another delivery with the same policy, resource and state is being handled; this one comes back",
      };
    }
    throw e;
  }
}

async function act(ctx: Ctx): Promise<StoredResult> {
  const { deps, request, before, evaluation } = ctx;
  const ref = request.resource;
  const what = `${ref.type} ${ref.id}`;
  if (ctx.undescribable) {
    const reason = `${request.evaluation.annotation ?? "non-compliant"}; not fixed: ${ctx.undescribable}, so Guardrail cannot judge it again or verify a fix`;
    return finish(ctx, { outcome: "notified", reason });
  }
  if (!before || !evaluation) return finish(ctx, { outcome: "resource-gone", reason: `${what} no longer exists` });
  switch (evaluation.compliance) {
    case "COMPLIANT":
      return finish(ctx, { outcome: "already-compliant", reason: `${what} complies with ${request.policyId} now` });
    case "EXEMPT":
      return finish(ctx, { outcome: "exempt", reason: evaluation.annotation ?? `${what} is exempt` });
    case "NOT_APPLICABLE":
      return finish(ctx, { outcome: "not-applicable", reason: `${request.policyId} no longer applies to ${what}` });
    case "NON_COMPLIANT":
      break;
  }

  // A released approval was decided by a person, so it does not wait for a stack's grace period.
  const stackName = before.tags[STACK_NAME_TAG];
  if (stackName && !ctx.release) {
    const stackStatus = deps.stackStatus ? await deps.stackStatus(stackName, ref.region) : undefined;
    const grace = graceDecision({
      tags: before.tags,
      detectedAt: request.detectedAt,
      now: deps.now(),
      receiveCount: ctx.delivery.receiveCount,
      ...(stackStatus !== undefined ? { stackStatus } : {}),
      settings: deps.settings,
    });
    if (grace.defer) throw new Deferral(grace.delaySeconds, grace.reason);
    ctx.stack = grace.reason ? { name: stackName, note: grace.reason } : { name: stackName };
  }

  const { planned, planError } = await plan(ctx, before);
  const violation = evaluation.annotation ?? "non-compliant";
  if (ctx.mode === "notify") {
    const why = ctx.action?.notifyOnly ? ` (no automatic fix: ${ctx.action.description})` : "";
    return finish(ctx, {
      outcome: "notified",
      reason: `${what} violates ${request.policyId}: ${violation}${why}`,
      ...(planned ? { planned } : {}),
      ...(planError ? { planError } : {}),
    });
  }
  if (!planned)
    return finish(ctx, { outcome: "plan-failed", reason: planError ?? "no plan", planError: planError ?? "" });
  if (planned.calls.length === 0) {
    return finish(ctx, {
      outcome: "nothing-planned",
      planned,
      reason: `${planned.action.id} planned no call, but ${what} still violates ${request.policyId}: ${violation}`,
    });
  }

  const accountId = ref.accountId;
  if (ctx.release && ctx.approvalRecord?.approval) {
    const approval = ctx.approvalRecord.approval;
    if (Date.parse(approval.expiresAt) < deps.now().getTime()) {
      return finish(ctx, {
        outcome: "approval-expired",
        planned,
        reason: `approval ${ctx.release.approvalRecordId} expired at ${approval.expiresAt}; the next detection asks again`,
      });
    }
    if (!jsonEqual(ctx.approvalRecord.plan, planned.calls)) {
      return finish(ctx, {
        outcome: "approval-stale",
        planned,
        reason: `${what} changed since approval ${ctx.release.approvalRecordId}: the fix would now make other calls, which need their own approval`,
        approval: approvalFor(ctx, "the resource changed after the previous approval request"),
      });
    }
  } else if (ctx.mode === "approve") {
    return finish(ctx, {
      outcome: "awaiting-approval",
      planned,
      reason: `${what} violates ${request.policyId}: ${violation}; ${request.policyId} fixes only with approval`,
      approval: approvalFor(ctx, `policy ${request.policyId} runs in approve mode`),
    });
  } else {
    const breaker = await deps.guard.isOpen(accountId, deps.now());
    if (breaker.open) {
      return finish(ctx, {
        outcome: "circuit-open",
        planned,
        reason: `automatic fixes in account ${accountId} are stopped until ${breaker.openUntil} (circuit breaker open); nothing was changed`,
        approval: approvalFor(ctx, `the circuit breaker of account ${accountId} is open`),
      });
    }
  }

  const slot = await deps.guard.acquireFix(accountId, deps.now());
  if (!slot.allowed) {
    throw new Deferral(
      slot.retryAfterSeconds,
      `rate limit: ${slot.limit} fixes per minute in account ${accountId}; deferred ${slot.retryAfterSeconds} s`,
    );
  }

  const report = await deps.execute(planned.calls, ref.region);
  if (!report.ok) {
    const f = report.failure;
    const failed = f ? `${f.call.service}:${f.call.operation} failed: ${f.error.name}: ${f.error.message}` : "failed";
    const partial = report.done.length > 0;
    const counted = await countFailure(ctx);
    const result = await finish(ctx, {
      outcome: partial ? "partially-applied" : "fix-failed",
      planned,
      results: report.results,
      reason: `${failed}; ${report.done.length} of ${planned.calls.length} calls applied${partial ? " (see results): the resource is partly changed" : ", nothing changed"}`,
    });
    throw new AttemptFailed({ ...result, ...counted });
  }

  const verified = await verify(ctx);
  const took = verified.verification.compliance === "COMPLIANT";
  const failedVerify = verified.error !== undefined;
  const counted = took ? {} : await countFailure(ctx);
  const result = await finish(ctx, {
    outcome: took ? "fixed" : failedVerify ? "verification-failed" : "fix-did-not-take",
    planned,
    results: report.results,
    ...(verified.after ? { after: verified.after } : {}),
    verification: verified.verification,
    reason: took
      ? `${what} fixed with ${plural(planned.calls.length, "call")} and verified compliant`
      : failedVerify
        ? `the calls succeeded but ${what} could not be described again to verify: ${verified.error}`
        : `the calls succeeded but ${what} still violates ${request.policyId}: ${verified.verification.annotation ?? verified.verification.compliance}`,
  });
  return { ...result, ...counted };
}

/** The plan, with the runtime params the actions that redeploy need; a PlanError becomes `planError`. */
async function plan(ctx: Ctx, before: Resource): Promise<{ planned?: PlannedRemediation; planError?: string }> {
  const remediation = ctx.policy.policy.remediation;
  if (!remediation || !ctx.action) return {};
  try {
    const runtime: RemediationParams = {};
    if (
      ctx.action.needsRedeploy &&
      remediation.params?.stageNames === undefined &&
      before.document.stageNames === undefined
    ) {
      runtime.stageNames = await ctx.deps.stageNames(restApiIdOf(ctx.action.id, before), before.region);
    }
    return { planned: planRemediation(remediation, before, runtime) };
  } catch (e) {
    if (e instanceof PlanError) return { planError: e.message };
    throw e;
  }
}

function approvalFor(ctx: Ctx, reason: string): ApprovalRequest {
  const expires = new Date(ctx.deps.now().getTime() + ctx.deps.settings.approvalTtlHours * 3600_000);
  const { auditBucket: bucket, topicArn } = ctx.deps.settings;
  return { command: approvalCommand(ctx.recordId, { bucket, topicArn }), reason, expiresAt: expires.toISOString() };
}

/** Describe again and judge again, at the configured delays, until compliant or out of attempts. */
async function verify(ctx: Ctx): Promise<{ after?: Resource; verification: Verification; error?: string }> {
  const { deps, request } = ctx;
  let after: Resource | undefined;
  let verification: Verification | undefined;
  let error: string | undefined;
  const delays = deps.settings.verifyDelaysSeconds.length > 0 ? deps.settings.verifyDelaysSeconds : [0];
  for (const [i, delay] of delays.entries()) {
    if (delay > 0) await deps.sleep(delay * 1000);
    try {
      after = await deps.describe(request.resource);
      error = undefined;
    } catch (e) {
      error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      deps.log.warn("verification describe failed", { attempt: i + 1, error: e });
      continue;
    }
    const now = deps.now();
    const judged = after
      ? summarize(deps.pack.engine(now).evaluatePolicy(ctx.policy, after))
      : ({ compliance: "NOT_APPLICABLE", annotation: "the resource no longer exists" } as EvaluationSummary);
    verification = { ...judged, attempts: i + 1, verifiedAt: now.toISOString() };
    if (judged.compliance === "COMPLIANT") break;
  }
  if (!verification) {
    const v: Verification = {
      compliance: "NOT_APPLICABLE",
      annotation: `not verified: ${error ?? "no describe"}`,
      attempts: delays.length,
      verifiedAt: deps.now().toISOString(),
    };
    return { verification: v, error: error ?? "no describe" };
  }
  if (after === undefined && verification.compliance !== "COMPLIANT") {
    return { verification, error: "the resource no longer exists" };
  }
  return after ? { after, verification } : { verification };
}

/** A failed fix counts towards the account's breaker; the failure that opens it sends the alert (once). */
async function countFailure(ctx: Ctx): Promise<{ breakerOpened?: boolean }> {
  const { deps, request } = ctx;
  const accountId = request.resource.accountId;
  try {
    const b = await deps.guard.recordFailure(accountId, deps.now());
    if (!b.opened) return {};
    const alert: BreakerAlert = {
      type: BREAKER_ALERT_TYPE,
      version: 1,
      accountId,
      openedAt: deps.now().toISOString(),
      openUntil: b.openUntil ?? "",
      failures: b.failures,
      windowMinutes: deps.settings.breakerWindowMinutes,
      correlationId: request.correlationId,
      recordId: ctx.recordId,
    };
    deps.log.error("circuit breaker opened: automatic fixes stopped for the account", { ...alert });
    try {
      await deps.outcomes.alert(alert);
    } catch (e) {
      deps.log.error("circuit breaker alert could not be published", { error: e });
    }
    return { breakerOpened: true };
  } catch (e) {
    deps.log.error("failed fix could not be counted for the circuit breaker", { error: e });
    return {};
  }
}

/**
 * A fix verified compliant, or a resource compliant already: its Security Hub finding is resolved now. A failure is
 * logged (the finding follows at Config's next evaluation), never a reason to repeat the fix.
 */
async function resolveFinding(ctx: Ctx, f: Finish, at: Date): Promise<void> {
  const { deps } = ctx;
  const resource = f.after ?? ctx.before;
  if (!deps.findings || !resource) return;
  if (f.outcome !== "fixed" && f.outcome !== "already-compliant") return;
  try {
    await deps.findings.resolved(ctx.policy, resource, f.reason, at);
  } catch (e) {
    deps.log.error("Security Hub finding could not be resolved", { error: e, recordId: ctx.recordId });
  }
}

/** Writes the record, publishes the outcome, and returns what the idempotency record keeps. */
async function finish(ctx: Ctx, f: Finish): Promise<StoredResult> {
  const { deps, request } = ctx;
  const finishedAt = deps.now();
  const changed = changedAt(request);
  const record: RemediationRecord = {
    recordVersion: 1,
    recordId: ctx.recordId,
    correlationId: request.correlationId,
    request: ctx.rawRequest,
    policy: {
      id: ctx.policy.policy.id,
      title: ctx.policy.policy.title,
      severity: ctx.policy.policy.severity,
      ...(ctx.action ? { action: ctx.action.id } : {}),
      mode: ctx.mode,
      requestedMode: request.mode,
      ...(f.planned ? { params: f.planned.params } : {}),
    },
    before: ctx.before ?? null,
    evaluation: ctx.evaluation ?? null,
    plan: f.planned?.calls ?? [],
    ...(f.planError ? { planError: f.planError } : {}),
    results: f.results ?? [],
    after: f.after ?? null,
    verification: f.verification ?? null,
    outcome: f.outcome,
    status: OUTCOME_STATUS[f.outcome],
    reason: f.reason,
    principal: principalOf(request) ?? null,
    cause: request.cause as Record<string, unknown>,
    ...(f.approval ? { approval: f.approval } : {}),
    ...(ctx.release
      ? {
          release: {
            approvalRecordId: ctx.release.approvalRecordId,
            approvedBy: ctx.release.approvedBy,
            approvedAt: ctx.release.approvedAt,
          },
        }
      : {}),
    ...(ctx.stack ? { stack: ctx.stack } : {}),
    delivery: { messageId: ctx.delivery.messageId, receiveCount: ctx.delivery.receiveCount },
    timings: {
      detectedAt: request.detectedAt,
      changedAt: changed,
      startedAt: ctx.startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      ...(f.outcome === "fixed" ? { changeToVerifiedFixMs: finishedAt.getTime() - Date.parse(changed) } : {}),
    },
  };

  const changedSomething = record.results.some((r) => r.status === "done");
  try {
    const put = await deps.records.put(record);
    if (put.copyError) {
      deps.log.error("remediation record could not be copied to the central audit bucket", {
        recordId: record.recordId,
        error: put.copyError,
      });
    }
  } catch (e) {
    // The record is the audit trail: with calls applied, keep it in the log at least, whatever happens next.
    deps.log.error("remediation record could not be written to S3", { error: e, record });
    throw e;
  }
  const message = outcomeMessage(record, deps.records.uriOf(record.recordId));
  try {
    await deps.outcomes.publish(message, outcomeText(message, record));
  } catch (e) {
    // After a change, the fix is not undone nor repeated to send a notification again: the record stands.
    // Without a change, the notification is the whole point (approve, notify): the message comes back.
    deps.log.error("remediation outcome could not be published", { error: e, recordId: record.recordId });
    if (!changedSomething) throw e;
  }
  await resolveFinding(ctx, f, finishedAt);
  const summary = summaryOf(record);
  return record.timings.changeToVerifiedFixMs !== undefined
    ? { ...summary, changeToVerifiedFixMs: record.timings.changeToVerifiedFixMs }
    : summary;
}
