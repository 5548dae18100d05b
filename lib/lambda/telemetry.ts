import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { Tracer } from "@aws-lambda-powertools/tracer";
import type { Context } from "aws-lambda";
import { instrumentClients } from "../aws/clients";
import { HandlerInputError, UnknownPolicyError } from "./errors";

/**
 * Powertools wiring of every Lambda handler (rules/, events/, remediations/): structured JSON logs with the
 * invocation's correlation id on every line, EMF metrics, X-Ray tracing of the handler and of every AWS call. Namespace: POWERTOOLS_METRICS_NAMESPACE,
 * default "Guardrail".
 */
export interface Telemetry {
  logger: Logger;
  metrics: Metrics;
  tracer: Tracer;
}

/** Built once per container, at the handler's module scope. */
export function createTelemetry(serviceName: string): Telemetry {
  const logger = new Logger({ serviceName });
  const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? "Guardrail", serviceName });
  const tracer = new Tracer({ serviceName });
  instrumentClients((client) => tracer.captureAWSv3Client(client));
  return { logger, metrics, tracer };
}

/** Error fields for a log line; input errors say which field or policy id is wrong. */
export function errorFields(e: unknown): Record<string, unknown> {
  const fields: Record<string, unknown> = { error: e };
  if (e instanceof HandlerInputError) fields.field = e.field;
  if (e instanceof UnknownPolicyError) fields.policyId = e.policyId;
  return fields;
}

/**
 * One handler invocation: in its own X-Ray subsegment, with the correlation id on every log line until it ends;
 * a failure is logged (naming the bad field when it is input) and raised again, so Lambda reports the
 * invocation as failed and Config's asynchronous invocation is retried.
 */
export async function instrumented<T>(
  t: Telemetry,
  context: Context | undefined,
  correlationId: string | undefined,
  fn: () => Promise<T>,
): Promise<T> {
  if (context) t.logger.addContext(context);
  if (correlationId) t.logger.setCorrelationId(correlationId);
  // With tracing off the tracer hands out a dummy segment: making subsegments of it would only cost random ids.
  const segment = t.tracer.isTracingEnabled() ? t.tracer.getSegment() : undefined;
  const subsegment = segment?.addNewSubsegment(`## ${process.env._HANDLER ?? "handler"}`);
  if (subsegment) t.tracer.setSegment(subsegment);
  t.tracer.annotateColdStart();
  t.tracer.addServiceNameAnnotation();
  if (correlationId) t.tracer.putAnnotation("correlationId", correlationId);
  try {
    const result = await fn();
    t.tracer.addResponseAsMetadata(result as Record<string, unknown>);
    return result;
  } catch (e) {
    t.tracer.addErrorAsMetadata(e as Error);
    t.logger.error("invocation failed", errorFields(e));
    throw e;
  } finally {
    subsegment?.close();
    if (segment) t.tracer.setSegment(segment);
    if (t.metrics.hasStoredMetrics()) t.metrics.publishStoredMetrics();
    t.logger.resetKeys();
  }
}
