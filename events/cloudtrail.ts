import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { PublishCommand } from "@aws-sdk/client-sns";
import type { Context } from "aws-lambda";
import { clientFor } from "../lib/aws/clients";
import { service as sns } from "../lib/aws/services/sns";
import { canDescribe, describeResource } from "../lib/resources/describe";
import { HandlerPack } from "../lib/lambda/handler-pack";
import { createTelemetry, instrumented } from "../lib/lambda/telemetry";
import { detectCloudTrail, detectComplianceChange, judgeResources, type DetectOptions } from "../lib/detect/detect";
import { correlationIdOf, parseDetectEvent } from "../lib/detect/event";
import { arnParts } from "../lib/cloudtrail/record";
import { alertMessage, requestMessage, type TopicMessage } from "../lib/detect/request";
import type { Resource } from "../lib/resources/adapter";
import { resourceAdapters } from "../lib/resources/registry";

/**
 * The EventBridge target: "AWS API Call via CloudTrail" events seconds after the call, and Config "Config Rules
 * Compliance Change" events. Decisions are lib/detect's; this file describes the resources they name
 * (lib/resources/describe.ts), then publishes every remediation request and alert to REMEDIATION_TOPIC_ARN, with the correlation
 * id (the CloudTrail eventID, or the Config event's id) in the body and as a message attribute. Env:
 * REMEDIATION_TOPIC_ARN (required), GUARDRAIL_REMEDIATION_ROLE_ARN (calls by that role are ignored).
 *
 * Failures throw, after a log line naming the event: a malformed event (DetectInputError naming the field) or an
 * AWS error. EventBridge invokes the function asynchronously, so Lambda retries the event twice and then hands it
 * to the function's on-failure destination or dead-letter queue (the function's, not the rule target's: the
 * target's DLQ only keeps events EventBridge could not deliver). Everything is described before anything is
 * published, so a failing describe publishes nothing twice.
 */

const telemetry = createTelemetry("guardrail-events");
const { logger, metrics } = telemetry;

// Compiled once per container.
const pack = HandlerPack.load();
for (const problem of pack.problems) logger.error("policy left out of the pack", { ...problem });
const adapters = [...resourceAdapters().values()];

/** The time detections are stamped with: the system's in Lambda; local mode's virtual clock when it plays this handler. */
let clock: () => Date = () => new Date();
export function configureDetector(options: { now?: () => Date } = {}): void {
  clock = options.now ?? (() => new Date());
}

export interface DetectionOutcome {
  correlationId: string;
  ignored?: string;
  described: number;
  gone: number;
  alerts: number;
  requests: number;
}

async function publish(topicArn: string, m: TopicMessage): Promise<void> {
  const attributes = Object.entries(m.attributes).map(([k, v]) => [k, { DataType: "String", StringValue: v }]);
  await clientFor(sns, arnParts(topicArn).region).send(
    new PublishCommand({
      TopicArn: topicArn,
      Subject: m.subject,
      Message: m.body,
      MessageAttributes: Object.fromEntries(attributes),
    }),
  );
}

function count(name: string, dimensions: Record<string, string>): void {
  const m = metrics.singleMetric();
  m.addDimensions(dimensions);
  m.addMetric(name, MetricUnit.Count, 1);
}

export async function handler(event: unknown, context?: Context): Promise<DetectionOutcome> {
  return instrumented(telemetry, context, correlationIdOf(event), async () => {
    const topicArn = process.env.REMEDIATION_TOPIC_ARN;
    if (!topicArn) throw new Error("REMEDIATION_TOPIC_ARN is not set: nowhere to publish remediation requests");
    const parsed = parseDetectEvent(event);
    const now = clock();
    const opts: DetectOptions = {
      engine: pack.engine(now),
      adapters,
      remediationRoleArn: process.env.GUARDRAIL_REMEDIATION_ROLE_ARN || undefined,
      now,
    };
    const messages: TopicMessage[] = [];
    const outcome: DetectionOutcome = { correlationId: parsed.id, described: 0, gone: 0, alerts: 0, requests: 0 };

    if (parsed.kind === "config-compliance") {
      const d = detectComplianceChange(parsed, opts);
      logger.appendKeys({ configRuleName: d.configRuleName, policyId: d.policyId });
      if (d.ignored) outcome.ignored = d.ignored;
      if (d.request) messages.push(requestMessage(d.request));
    } else {
      const d = detectCloudTrail(parsed.record, opts);
      outcome.correlationId = d.correlationId;
      logger.appendKeys({ eventSource: d.eventSource, eventName: d.eventName, principal: d.cause.principal });
      if (d.ignored) outcome.ignored = d.ignored;
      const resources: Resource[] = [];
      for (const ref of d.resources) {
        if (!canDescribe(ref.type)) {
          logger.info("not judged live: no describe for this type (the Config rule judges it)", { resource: ref });
          continue;
        }
        const resource = await describeResource(ref);
        if (resource) resources.push(resource);
        else logger.info("resource no longer exists; nothing to judge", { resource: ref });
      }
      outcome.described = resources.length;
      outcome.gone = d.resources.filter((r) => canDescribe(r.type)).length - resources.length;
      const { requests } = judgeResources(d, resources, opts);
      messages.push(...d.alerts.map(alertMessage), ...requests.map(requestMessage));
    }

    for (const m of messages) {
      await publish(topicArn, m);
      const policyId = m.attributes.policyId ?? "";
      if (m.kind === "alert") outcome.alerts++;
      else outcome.requests++;
      count(m.kind === "alert" ? "AlertsPublished" : "ViolationsDetected", { policyId, source: parsed.kind });
    }
    logger.info(outcome.ignored ? `event ignored: ${outcome.ignored}` : "event judged", { ...outcome });
    return outcome;
  });
}
