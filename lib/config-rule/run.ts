import {
  batchGet,
  getLatestConfigurationItem,
  keyOf,
  listResources,
  putEvaluations,
  ruleCompliance,
  type ApiConfigurationItem,
  type ResourceKey,
} from "../aws/config";
import type { Engine, Evaluation } from "../engine/evaluate";
import type { CompiledPolicy } from "../policy/load";
import { isCloudTrailPolicy, resourceTypesOf } from "../policy/types";
import { ConfigItemError, toConfigItem } from "../resources/config-item";
import { resourceAdapters } from "../resources/registry";
import { CHANGE, OVERSIZED, HandlerInputError, type RuleInvocation } from "./event";
import {
  countCompliance,
  judgeItem,
  notApplicable,
  toConfigEvaluation,
  type ComplianceCounts,
  type ConfigEvaluation,
} from "./evaluation";
import type { HandlerPack } from "../lambda/handler-pack";
import { planSweepMessages, SWEEP_KEYS_PER_MESSAGE, type SweepMessage } from "./sweep";
import { sendSweepMessages } from "./sweep-queue";
import { reportToSecurityHub } from "./security-hub";

/**
 * What the Config rule does with one invocation (or one sweep batch), over lib/aws/config.ts. The handlers in
 * rules/ only add parsing, logging context, metrics and tracing around these two functions.
 */

/** The subset of a Powertools Logger used here. */
export interface Log {
  debug(message: string, ...extra: Record<string, unknown>[]): void;
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

export interface SweepSettings {
  /** Sweeps of more keys than this are fanned out to the sweep queue instead of evaluated in the invocation. */
  inlineMaxKeys: number;
  queueUrl?: string;
}

export const DEFAULT_SWEEP_INLINE_MAX_KEYS = 1000;

/**
 * SWEEP_QUEUE_URL and SWEEP_INLINE_MAX_KEYS (default 1000: ten BatchGetResourceConfig and ten PutEvaluations
 * calls, seconds of work, far inside any sensible rule timeout).
 */
export function sweepSettings(env: NodeJS.ProcessEnv = process.env): SweepSettings {
  const n = Number.parseInt(env.SWEEP_INLINE_MAX_KEYS ?? "", 10);
  return {
    inlineMaxKeys: Number.isFinite(n) && n >= 0 ? n : DEFAULT_SWEEP_INLINE_MAX_KEYS,
    ...(env.SWEEP_QUEUE_URL ? { queueUrl: env.SWEEP_QUEUE_URL } : {}),
  };
}

export interface RuleContext {
  pack: HandlerPack;
  log: Log;
  correlationId: string;
  sweep?: SweepSettings;
  /** The clock exemptions are judged against (default: now). */
  now?: Date;
  /**
   * Set when the deployment's securityHub option is on: every verdict recorded is imported into Security Hub too
   * (./security-hub.ts), with this account and Region for verdicts that name none.
   */
  securityHub?: { accountId?: string; region?: string };
}

export interface RuleOutcome {
  policyId: string;
  messageType: string;
  /** Guardrail's verdicts (EXEMPT counted as EXEMPT, though Config is told NOT_APPLICABLE). */
  counts: ComplianceCounts;
  /** Evaluations Config accepted. */
  sent: number;
  /** Sweeps handed to the sweep queue. */
  fannedOut?: { messages: number; keys: number };
  /** Sweep verdicts not sent because Config already holds them. */
  unchanged?: number;
  /** Listed keys BatchGetResourceConfig returned nothing for (deleted in between). */
  missing?: number;
  /** Items that could not be read (logged with their resource). */
  unreadable?: number;
  /** Findings imported into Security Hub, and those it did not take (logged by id). */
  securityHub?: { imported: number; failed: number };
}

function policyFor(ctx: RuleContext, policyId: string): CompiledPolicy {
  const policy = ctx.pack.policy(policyId);
  if (isCloudTrailPolicy(policy.policy)) {
    throw new HandlerInputError(
      "ruleParameters.policyId",
      `policy "${policyId}" judges CloudTrail records, not configuration items, so no Config rule can run it`,
    );
  }
  return policy;
}

function timestamp(field: string, ...candidates: (string | undefined)[]): Date {
  const value = candidates.find((c) => c !== undefined && c !== "");
  const t = value === undefined ? NaN : Date.parse(value);
  if (Number.isNaN(t)) throw new HandlerInputError(field, `missing or not a timestamp (${String(value)})`);
  return new Date(t);
}

async function send(
  ctx: RuleContext,
  policy: CompiledPolicy,
  resultToken: string,
  evaluations: Evaluation[],
  at: Date,
  hub?: { imported: number; failed: number },
): Promise<number> {
  if (evaluations.length === 0) return 0;
  const config: ConfigEvaluation[] = evaluations.map((e) => toConfigEvaluation(e, at));
  await putEvaluations(resultToken, config, { log: ctx.log });
  // After Config has them: Security Hub mirrors what Config recorded, and its failures never undo that.
  if (ctx.securityHub && hub) {
    const r = await reportToSecurityHub(policy, evaluations, at, { log: ctx.log, ...ctx.securityHub });
    hub.imported += r.imported;
    hub.failed += r.failed;
  }
  return config.length;
}

export async function runRule(inv: RuleInvocation, ctx: RuleContext): Promise<RuleOutcome> {
  const policy = policyFor(ctx, inv.policyId);
  const engine = ctx.pack.engine(ctx.now ?? new Date());
  const msg = inv.message;
  const hub = { imported: 0, failed: 0 };
  const outcome = (evaluations: Evaluation[], sent: number): RuleOutcome => ({
    policyId: inv.policyId,
    messageType: msg.messageType,
    counts: countCompliance(evaluations),
    sent,
    ...(ctx.securityHub ? { securityHub: hub } : {}),
  });

  if (msg.messageType === CHANGE) {
    const item = msg.item;
    const at = timestamp(
      "invokingEvent.configurationItem.configurationItemCaptureTime",
      item.captureTime,
      msg.notificationCreationTime,
    );
    const evaluation = inv.eventLeftScope
      ? notApplicable(policy, item, "the resource left the rule's scope")
      : judgeItem(engine, policy, item);
    ctx.log.info("judged configuration item", {
      resourceType: item.resourceType,
      resourceId: item.resourceId,
      compliance: evaluation.compliance,
    });
    return outcome([evaluation], await send(ctx, policy, inv.resultToken, [evaluation], at, hub));
  }

  if (msg.messageType === OVERSIZED) {
    const s = msg.summary;
    const at = timestamp("invokingEvent.configurationItemSummary.configurationItemCaptureTime", s.captureTime);
    let evaluation: Evaluation;
    if (inv.eventLeftScope) {
      evaluation = notApplicable(policy, s, "the resource left the rule's scope");
    } else if (s.status === "ResourceDeleted" || s.status === "ResourceDeletedNotRecorded") {
      evaluation = notApplicable(policy, s, "the resource was deleted");
    } else {
      const raw = await getLatestConfigurationItem(s.resourceType, s.resourceId, at, { log: ctx.log });
      if (raw) {
        evaluation = judgeItem(engine, policy, toConfigItem(raw));
      } else {
        ctx.log.warn("oversized item: Config has no configuration item for the resource", { ...s });
        evaluation = notApplicable(policy, s, "Config has no configuration item for this resource (deleted?)");
      }
    }
    ctx.log.info("judged oversized configuration item", {
      resourceType: s.resourceType,
      resourceId: s.resourceId,
      compliance: evaluation.compliance,
    });
    return outcome([evaluation], await send(ctx, policy, inv.resultToken, [evaluation], at, hub));
  }

  // ScheduledNotification: the periodic sweep over every resource of the policy's types.
  const at = timestamp("invokingEvent.notificationCreationTime", msg.notificationCreationTime);
  const types = resourceTypesOf(policy.policy);
  const keys = withRecorded(await listResources(types, { log: ctx.log }), await recordedVerdicts(inv, ctx));
  const settings = ctx.sweep ?? sweepSettings();
  ctx.log.info("sweep listed resources", {
    resourceTypes: types,
    keys: keys.length,
    inlineMaxKeys: settings.inlineMaxKeys,
  });
  if (keys.length > settings.inlineMaxKeys) {
    if (!settings.queueUrl) {
      throw new Error(
        `sweep of ${keys.length} resources exceeds SWEEP_INLINE_MAX_KEYS=${settings.inlineMaxKeys} and SWEEP_QUEUE_URL is not set`,
      );
    }
    const messages = planSweepMessages(keys, {
      correlationId: ctx.correlationId,
      policyId: inv.policyId,
      resultToken: inv.resultToken,
      orderingTimestamp: at.toISOString(),
    });
    await sendSweepMessages(settings.queueUrl, messages, ctx.log);
    ctx.log.info("sweep fanned out to the sweep queue", { messages: messages.length, keys: keys.length });
    return {
      policyId: inv.policyId,
      messageType: msg.messageType,
      counts: {},
      sent: 0,
      fannedOut: { messages: messages.length, keys: keys.length },
    };
  }
  return { messageType: msg.messageType, ...(await sweepKeys(ctx, policy, engine, keys, inv.resultToken, at)) };
}

/**
 * The rule's verdicts Config holds now, so that the sweep records only those that change: Config bills every
 * evaluation recorded, and a daily sweep that re-sent every verdict would make the bill grow with resources that did
 * not change. Reading them is free. When they cannot be read (an older role without the permission, an emulator
 * without the call), every verdict is sent, as before.
 */
async function recordedVerdicts(inv: RuleInvocation, ctx: RuleContext): Promise<Map<string, ResourceKey["recorded"]>> {
  const ruleName = inv.configRuleName;
  if (!ruleName) return new Map();
  try {
    return await ruleCompliance(ruleName, { log: ctx.log });
  } catch (e) {
    ctx.log.warn("sweep: the rule's recorded verdicts could not be read; every verdict is sent", {
      configRuleName: ruleName,
      error: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
    });
    return new Map();
  }
}

function withRecorded(keys: ResourceKey[], recorded: Map<string, ResourceKey["recorded"]>): ResourceKey[] {
  if (recorded.size === 0) return keys;
  return keys.map((k) => {
    const was = recorded.get(keyOf(k));
    return was ? { ...k, recorded: was } : k;
  });
}

/** One batch of a fanned-out sweep, as the sweep worker received it from the queue. */
export async function runSweepMessage(m: SweepMessage, ctx: RuleContext): Promise<RuleOutcome> {
  const policy = policyFor(ctx, m.policyId);
  const engine = ctx.pack.engine(ctx.now ?? new Date());
  const outcome = await sweepKeys(ctx, policy, engine, m.keys, m.resultToken, new Date(m.orderingTimestamp));
  return { messageType: "SweepBatch", ...outcome };
}

/**
 * BatchGetResourceConfig returns no tags (AWS Config API Reference, BatchGetResourceConfig), and some types carry none
 * in supplementaryConfiguration either; without them a `guardrail:exempt` tag is invisible and a sweep would report an
 * exempt resource NON_COMPLIANT, flipping it back and forth with every change event (and requesting remediations for
 * it).
 */
function lacksTags(raw: ApiConfigurationItem): boolean {
  if (raw.tags !== undefined) return false;
  const supp = raw.supplementaryConfiguration;
  return !(typeof supp === "object" && supp !== null && "Tags" in supp);
}

/**
 * Nor does it return relationships: a type whose document is built from them (a REST API's custom domains,
 * which decide whether apigateway-restapi-default-endpoint-disabled applies) is judged on its full item, whatever
 * the partial one says, or the sweep and the change notifications would disagree.
 */
function lacksNeededRelationships(raw: ApiConfigurationItem): boolean {
  return (
    raw.relationships === undefined && resourceAdapters().get(String(raw.resourceType))?.readsRelationships === true
  );
}

async function sweepKeys(
  ctx: RuleContext,
  policy: CompiledPolicy,
  engine: Engine,
  keys: readonly ResourceKey[],
  resultToken: string,
  at: Date,
): Promise<Omit<RuleOutcome, "messageType">> {
  const counts: ComplianceCounts = {};
  let sent = 0;
  let missing = 0;
  let unreadable = 0;
  let rechecked = 0;
  let unchanged = 0;
  const hub = { imported: 0, failed: 0 };
  for (let i = 0; i < keys.length; i += SWEEP_KEYS_PER_MESSAGE) {
    const chunk = keys.slice(i, i + SWEEP_KEYS_PER_MESSAGE);
    const got = await batchGet(chunk, { log: ctx.log });
    missing += got.missing.length;
    const evaluations: Evaluation[] = [];
    for (const raw of got.items) {
      try {
        let evaluation = judgeItem(engine, policy, toConfigItem(raw));
        if ((evaluation.compliance === "NON_COMPLIANT" && lacksTags(raw)) || lacksNeededRelationships(raw)) {
          // A violation is only reported once the tags (a possible exemption) have been seen; a type built from
          // relationships is only judged once they have been seen.
          const full = await getLatestConfigurationItem(evaluation.resourceType, evaluation.resourceId, new Date(), {
            log: ctx.log,
          });
          if (full) evaluation = judgeItem(engine, policy, toConfigItem(full));
          rechecked++;
        }
        evaluations.push(evaluation);
      } catch (e) {
        if (!(e instanceof ConfigItemError)) throw e;
        unreadable++;
        ctx.log.error("unreadable configuration item skipped", {
          resourceType: raw.resourceType,
          resourceId: raw.resourceId,
          error: e.message,
        });
      }
    }
    // Only what Config does not already hold: an unchanged verdict is not recorded (and billed) again.
    const recorded = new Map(chunk.map((k) => [keyOf(k), k.recorded]));
    const changed = evaluations.filter((e) => recorded.get(keyOf(e)) !== toConfigEvaluation(e, at).ComplianceType);
    unchanged += evaluations.length - changed.length;
    sent += await send(ctx, policy, resultToken, changed, at, hub);
    countCompliance(evaluations, counts);
  }
  if (missing > 0) ctx.log.info("listed resources no longer in Config (deleted meanwhile)", { missing });
  ctx.log.info("sweep evaluated", { keys: keys.length, sent, unchanged, rechecked, counts });
  return {
    policyId: policy.policy.id,
    counts,
    sent,
    unchanged,
    missing,
    unreadable,
    ...(ctx.securityHub ? { securityHub: hub } : {}),
  };
}
