import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { clientFor } from "../lib/aws/clients";
import { service as dynamodbService } from "../lib/aws/services/dynamodb";
import { AwsOutcomePublisher } from "../lib/remediation/worker/aws-outcomes";
import { S3RecordStore } from "../lib/remediation/worker/s3-records";
import { HandlerPack } from "../lib/lambda/handler-pack";
import { createTelemetry, errorFields, instrumented } from "../lib/lambda/telemetry";
import { execute } from "../lib/remediation/executor";
import { describeResource } from "../lib/remediation/worker/deps";
import { deferMessage, restApiStageNames, stackStatus } from "../lib/remediation/worker/aws";
import { DynamoAccountGuard } from "../lib/remediation/worker/guard";
import { powertoolsIdempotency, type IdempotencyRunner } from "../lib/remediation/worker/idempotency";
import { workerHomeOf, type WorkerHome } from "../lib/remediation/worker/identity";
import { MessageError, parseWorkerMessage, type WorkerMessage } from "../lib/remediation/worker/message";
import type { OutcomeStatus } from "../lib/remediation/worker/record";
import { handleMessage, type WorkerDeps, type WorkerResult } from "../lib/remediation/worker/run";
import { SecurityHubFindingUpdates } from "../lib/remediation/worker/security-hub";
import { securityHubEnabled } from "../lib/aws/security-hub-option";
import { workerSettings } from "../lib/remediation/worker/settings";

/**
 * The remediation worker: the remediation queue (subscribed to the SNS topic, so each body is an SNS envelope)
 * feeds it batches; each record is one remediation request (or an approval release), handled start to end by
 * lib/remediation/worker/run.ts. Partial batch responses: a record that fails (malformed body, an AWS error, a
 * fix that failed half way) is reported in `batchItemFailures` alone and comes back; after the queue's
 * maxReceiveCount it goes to the DLQ. A request whose type, id, ARN, account and Region do not name one resource of
 * this function's account and Region (its invokedFunctionArn) fails the same way, before any AWS call
 * (lib/remediation/worker/identity.ts). A deferred record (grace period, rate limit) is also reported, after its
 * visibility was set to when it is due. Nothing a record does fails the batch. Records run one after another:
 * they share the account's rate limit, and each record's log lines carry that record's correlation id.
 */

const telemetry = createTelemetry("guardrail-remediation-worker");
const { logger, metrics, tracer } = telemetry;

// Compiled once per container.
const pack = HandlerPack.load();
for (const problem of pack.problems) logger.error("policy left out of the pack", { ...problem });

const processor = new BatchProcessor(EventType.SQS);

let deps: WorkerDeps | undefined;
let idempotency: IdempotencyRunner | undefined;
let overrides: Partial<WorkerDeps> = {};

/** Built on first use (settings come from the environment), once per container. */
function dependencies(): WorkerDeps {
  if (!deps) {
    const settings = workerSettings();
    const dynamodb = clientFor(dynamodbService);
    idempotency = powertoolsIdempotency({
      table: settings.table,
      client: dynamodb,
      expiresAfterSeconds: settings.idempotencyTtlSeconds,
    });
    deps = {
      pack,
      describe: (ref) => describeResource(ref),
      // The clients of lib/aws/clients.ts, traced by X-Ray like every client built there (createTelemetry).
      execute: (calls, region) => execute(calls, { region }),
      stageNames: restApiStageNames,
      stackStatus: (stackName, region) => stackStatus(stackName, region, logger),
      records: new S3RecordStore(
        settings.auditBucket,
        settings.centralAuditBucket ? { centralBucket: settings.centralAuditBucket } : {},
      ),
      outcomes: new AwsOutcomePublisher(settings.topicArn, settings.eventBus),
      guard: new DynamoAccountGuard(dynamodb, settings),
      idempotent: idempotency.run,
      now: () => new Date(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      settings,
      log: logger,
      ...(securityHubEnabled() ? { findings: new SecurityHubFindingUpdates(logger) } : {}),
      ...overrides,
    };
  }
  return deps;
}

/**
 * Replaces some dependencies (a clock, a CloudFormation stack reader) and forgets the built ones, so the next
 * invocation builds them again from the environment. For tests and integration harnesses.
 */
export function configureWorker(replace: Partial<WorkerDeps> = {}): void {
  overrides = replace;
  deps = undefined;
}

class RecordFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RecordFailed";
  }
}

const STATUS_METRIC: Record<OutcomeStatus, string> = {
  succeeded: "RemediationsSucceeded",
  failed: "RemediationsFailed",
  skipped: "RemediationsSkipped",
  "awaiting-approval": "RemediationsAwaitingApproval",
  notified: "RemediationsNotified",
};

/**
 * EMF: one count per status (RemediationsSucceeded, RemediationsFailed, RemediationsSkipped,
 * RemediationsAwaitingApproval, RemediationsNotified; alarms use RemediationsFailed), CircuitBreakerOpen,
 * RemediationOutcomes per policy and outcome, TimeToVerifiedFix (ms from the change to the verified fix),
 * RemediationsDeferred, DuplicateRequests, RemediationRetries, MalformedMessages.
 */
function recordMetrics(policyId: string | undefined, result: WorkerResult): void {
  if (result.disposition === "defer") {
    metrics.addMetric("RemediationsDeferred", MetricUnit.Count, 1);
    return;
  }
  if (result.disposition === "done" && result.duplicate) {
    metrics.addMetric("DuplicateRequests", MetricUnit.Count, 1);
    return;
  }
  // 1 whenever the breaker opens or holds a fix back: MAX over a period says "open" (deploy/alarms.js).
  if (result.breakerOpened || result.outcome === "circuit-open") {
    metrics.addMetric("CircuitBreakerOpen", MetricUnit.Count, 1);
  }
  if (result.status === undefined || result.outcome === undefined) {
    metrics.addMetric("RemediationRetries", MetricUnit.Count, 1);
    return;
  }
  metrics.addMetric(STATUS_METRIC[result.status], MetricUnit.Count, 1);
  if (policyId) {
    const m = metrics.singleMetric();
    m.addDimensions({ policyId, outcome: result.outcome });
    m.addMetric("RemediationOutcomes", MetricUnit.Count, 1);
  }
  if (result.changeToVerifiedFixMs !== undefined) {
    metrics.addMetric("TimeToVerifiedFix", MetricUnit.Milliseconds, result.changeToVerifiedFixMs);
  }
}

function parse(record: SQSRecord): WorkerMessage {
  try {
    return parseWorkerMessage(record.body);
  } catch (e) {
    metrics.addMetric("MalformedMessages", MetricUnit.Count, 1);
    logger.error("malformed message: it goes back to the queue and, after maxReceiveCount, to the DLQ", {
      error: e instanceof MessageError ? e.message : e,
      body: record.body.length > 2000 ? `${record.body.slice(0, 2000)}…` : record.body,
    });
    throw e;
  }
}

const RECORD_KEYS = ["messageId", "receiveCount", "correlation_id", "policyId", "resource", "approvalRecordId"];

async function recordHandler(
  record: SQSRecord,
  home: WorkerHome | string,
): Promise<WorkerResult | { ignored: string }> {
  const receiveCount = Number(record.attributes?.ApproximateReceiveCount) || 1;
  logger.appendKeys({ messageId: record.messageId, receiveCount });
  try {
    const message = parse(record);
    if (message.kind === "ignored") {
      logger.info("not a remediation request (Guardrail's own notification); ignored", { type: message.type });
      return { ignored: message.type };
    }
    let policyId: string | undefined;
    if (message.kind === "request") {
      const { request } = message;
      policyId = request.policyId;
      logger.setCorrelationId(request.correlationId);
      logger.appendKeys({ policyId, resource: request.resource });
      tracer.putAnnotation("correlationId", request.correlationId);
    } else {
      logger.setCorrelationId(message.release.correlationId);
      logger.appendKeys({ approvalRecordId: message.release.approvalRecordId });
      tracer.putAnnotation("correlationId", message.release.correlationId);
    }

    if (typeof home === "string") {
      logger.error("the worker cannot tell its account and Region: the message goes back to the queue", {
        reason: home,
      });
      throw new RecordFailed(home);
    }
    let result: WorkerResult;
    try {
      result = await handleMessage(
        message,
        { messageId: record.messageId, receiveCount, worker: home },
        dependencies(),
      );
    } catch (e) {
      if (e instanceof MessageError) {
        metrics.addMetric("MalformedMessages", MetricUnit.Count, 1);
        logger.error("refused message: it goes back to the queue and, after maxReceiveCount, to the DLQ", {
          error: e.message,
        });
        throw e;
      }
      metrics.addMetric("RemediationRetries", MetricUnit.Count, 1);
      logger.error("remediation request failed: it goes back to the queue", errorFields(e));
      throw e;
    }
    recordMetrics(policyId, result);
    switch (result.disposition) {
      case "done":
        logger.info(result.duplicate ? "duplicate request: handled before" : "remediation request handled", {
          ...result,
        });
        return result;
      case "defer":
        logger.info("remediation request deferred", { ...result });
        try {
          await deferMessage(record.eventSourceARN, record.receiptHandle, result.delaySeconds, record.awsRegion);
        } catch (e) {
          logger.warn("could not set the deferred message's visibility; it returns after the queue's timeout", {
            error: e,
          });
        }
        throw new RecordFailed(`deferred ${result.delaySeconds} s: ${result.reason}`);
      case "retry":
        logger.error("remediation attempt failed: the message goes back to the queue", { ...result });
        throw new RecordFailed(result.reason);
    }
  } finally {
    logger.removeKeys(RECORD_KEYS);
  }
}

export async function handler(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
  return instrumented(telemetry, context, undefined, async () => {
    dependencies();
    if (context) idempotency?.registerContext(context);
    const home = workerHomeOf(context?.invokedFunctionArn);
    return processPartialResponse(event, (record: SQSRecord) => recordHandler(record, home), processor, {
      context,
      processInParallel: false,
      throwOnFullBatchFailure: false,
    });
  });
}
