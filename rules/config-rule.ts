import type { Context } from "aws-lambda";
import { correlationIdFor, parseRuleEvent } from "../lib/config-rule/event";
import { HandlerPack } from "../lib/lambda/handler-pack";
import { runRule, sweepSettings, type RuleOutcome } from "../lib/config-rule/run";
import { recordOutcome } from "../lib/config-rule/metrics";
import { createTelemetry, instrumented } from "../lib/lambda/telemetry";
import { securityHubEnabled } from "../lib/config-rule/security-hub";

/**
 * The custom AWS Config rule: one Lambda for every policy, the rule's InputParameters `{"policyId": "…"}` naming
 * the one it judges. Change notifications (plain and oversized) judge one item; scheduled notifications sweep
 * every resource of the policy's types, fanning out to the sweep queue (rules/sweep-worker.ts) when large.
 * What happens is in lib/config-rule/run.ts; this file adds the event parsing, logs, metrics and tracing.
 */

const telemetry = createTelemetry("guardrail-config-rule");
const { logger } = telemetry;

// Compiled once per container.
const pack = HandlerPack.load();
for (const problem of pack.problems) logger.error("policy left out of the pack", { ...problem });

export async function handler(event: unknown, context?: Context): Promise<RuleOutcome> {
  const correlationId = correlationIdFor(event);
  return instrumented(telemetry, context, correlationId, async () => {
    const invocation = parseRuleEvent(event);
    logger.appendKeys({
      policyId: invocation.policyId,
      configRuleName: invocation.configRuleName,
      messageType: invocation.message.messageType,
    });
    const outcome = await runRule(invocation, {
      pack,
      log: logger,
      correlationId,
      sweep: sweepSettings(),
      ...(securityHubEnabled()
        ? { securityHub: { accountId: invocation.accountId, region: process.env.AWS_REGION } }
        : {}),
    });
    recordOutcome(telemetry, outcome);
    logger.info("config rule invocation done", { ...outcome });
    return outcome;
  });
}
