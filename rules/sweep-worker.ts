import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { HandlerPack } from "../lib/lambda/handler-pack";
import { runSweepMessage, type RuleOutcome } from "../lib/config-rule/run";
import { parseSweepMessage } from "../lib/config-rule/sweep";
import { recordOutcome } from "../lib/config-rule/metrics";
import { createTelemetry, errorFields, instrumented } from "../lib/lambda/telemetry";
import { securityHubEnabled } from "../lib/config-rule/security-hub";

/**
 * The sweep queue's worker: each message is one batch (≤100 keys) of a Config rule sweep too large for one
 * invocation (rules/config-rule.ts). A batch that fails returns to the queue alone (partial batch response) and,
 * after the queue's maxReceiveCount, goes to its dead-letter queue. Records run one after another: they share
 * the account's Config API throttle, and each record's log lines carry that record's correlation id.
 */

const telemetry = createTelemetry("guardrail-sweep-worker");
const { logger } = telemetry;

// Compiled once per container.
const pack = HandlerPack.load();
for (const problem of pack.problems) logger.error("policy left out of the pack", { ...problem });

const processor = new BatchProcessor(EventType.SQS);

async function recordHandler(record: SQSRecord): Promise<RuleOutcome> {
  logger.appendKeys({ messageId: record.messageId });
  try {
    const message = parseSweepMessage(record.body);
    logger.setCorrelationId(message.correlationId);
    logger.appendKeys({ policyId: message.policyId, part: `${message.part}/${message.parts}` });
    const outcome = await runSweepMessage(message, {
      pack,
      log: logger,
      correlationId: message.correlationId,
      ...(securityHubEnabled() ? { securityHub: { region: process.env.AWS_REGION } } : {}),
    });
    recordOutcome(telemetry, outcome);
    logger.info("sweep batch done", { ...outcome });
    return outcome;
  } catch (e) {
    logger.error("sweep batch failed; the message goes back to the queue", errorFields(e));
    throw e;
  } finally {
    logger.removeKeys(["messageId", "correlation_id", "policyId", "part"]);
  }
}

export async function handler(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
  return instrumented(telemetry, context, undefined, () =>
    // A batch whose every record failed is answered like any other, naming each record: Powertools' default
    // throws instead, failing the invocation with an error that names none (Lambda Developer Guide, "Handling
    // errors for an SQS event source in Lambda": the response lists the failed messages).
    processPartialResponse(event, recordHandler, processor, {
      context,
      processInParallel: false,
      throwOnFullBatchFailure: false,
    }),
  );
}
