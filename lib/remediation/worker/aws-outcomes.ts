import { PutEventsCommand, type PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import { PublishCommand, type MessageAttributeValue } from "@aws-sdk/client-sns";
import { KIND_ALERT, KIND_OUTCOME, MESSAGE_KIND_ATTRIBUTE } from "./message";
import {
  BREAKER_DETAIL_TYPE,
  EVENT_SOURCE,
  OUTCOME_DETAIL_TYPE,
  breakerText,
  outcomeSubject,
  snsSubject,
  type BreakerAlert,
  type OutcomeMessage,
} from "./outcome";
import { clientFor } from "../../aws/clients";
import { service as eventbridge } from "../../aws/services/eventbridge";
import { service as sns } from "../../aws/services/sns";

/**
 * Publishing remediation outcomes and circuit-breaker alerts:
 *  - SNS Publish to the remediation topic with MessageStructure "json": machine subscribers (SQS, Lambda,
 *    HTTPS) get the JSON message, email subscribers a text (`email` key). Message attributes `guardrail_message`
 *    (remediation-outcome | circuit-breaker-open), `policyId`, `outcome`, `status`, `accountId` let a
 *    subscription filter, e.g. email only failures: {"status": ["failed"]}.
 *  - EventBridge PutEvents on the account's default bus: source `guardrail`, detail-type `Guardrail Remediation
 *    Outcome` (or `Guardrail Circuit Breaker Open`), the resource's ARN in `resources`. PutEvents reports entry
 *    failures in its response rather than throwing; they are raised here.
 * Both are attempted even when one fails; the error names every failure.
 * IAM: sns:Publish on the topic; events:PutEvents on arn:aws:events:<region>:<account>:event-bus/default.
 */
export interface OutcomePublisher {
  publish(message: OutcomeMessage, text: string): Promise<void>;
  alert(alert: BreakerAlert): Promise<void>;
}

export class PublishError extends Error {
  constructor(readonly failures: string[]) {
    super(`publishing failed: ${failures.join("; ")}`);
    this.name = "PublishError";
  }
}

function attr(value: string): MessageAttributeValue {
  return { DataType: "String", StringValue: value };
}

export class AwsOutcomePublisher implements OutcomePublisher {
  constructor(
    readonly topicArn: string,
    readonly eventBus = "default",
    private readonly region?: string,
  ) {}

  async publish(message: OutcomeMessage, text: string): Promise<void> {
    await this.both(
      {
        TopicArn: this.topicArn,
        Subject: outcomeSubject(message),
        MessageStructure: "json",
        Message: JSON.stringify({ default: JSON.stringify(message), email: text }),
        MessageAttributes: {
          [MESSAGE_KIND_ATTRIBUTE]: attr(KIND_OUTCOME),
          policyId: attr(message.policyId),
          outcome: attr(message.outcome),
          status: attr(message.status),
          accountId: attr(message.resource.accountId),
        },
      },
      {
        Source: EVENT_SOURCE,
        DetailType: OUTCOME_DETAIL_TYPE,
        Detail: JSON.stringify(message),
        Resources: message.resource.arn ? [message.resource.arn] : [],
        Time: new Date(message.timings.finishedAt),
      },
    );
  }

  async alert(alert: BreakerAlert): Promise<void> {
    await this.both(
      {
        TopicArn: this.topicArn,
        Subject: snsSubject(`[Guardrail] circuit breaker open: auto-remediation stopped in ${alert.accountId}`),
        MessageStructure: "json",
        Message: JSON.stringify({ default: JSON.stringify(alert), email: breakerText(alert) }),
        MessageAttributes: {
          [MESSAGE_KIND_ATTRIBUTE]: attr(KIND_ALERT),
          status: attr("failed"),
          accountId: attr(alert.accountId),
        },
      },
      {
        Source: EVENT_SOURCE,
        DetailType: BREAKER_DETAIL_TYPE,
        Detail: JSON.stringify(alert),
        Time: new Date(alert.openedAt),
      },
    );
  }

  private async both(publish: ConstructorParameters<typeof PublishCommand>[0], event: PutEventsRequestEntry) {
    const failures: string[] = [];
    const entry: PutEventsRequestEntry =
      this.eventBus === "default" ? event : { ...event, EventBusName: this.eventBus };
    await Promise.all([
      clientFor(sns, this.region)
        .send(new PublishCommand(publish))
        .catch((e: unknown) => {
          failures.push(`SNS Publish ${this.topicArn}: ${errorText(e)}`);
        }),
      clientFor(eventbridge, this.region)
        .send(new PutEventsCommand({ Entries: [entry] }))
        .then((out) => {
          if ((out.FailedEntryCount ?? 0) > 0) {
            const f = out.Entries?.find((x) => x.ErrorCode);
            failures.push(`EventBridge PutEvents: ${f?.ErrorCode ?? "failed"} ${f?.ErrorMessage ?? ""}`.trim());
          }
        })
        .catch((e: unknown) => {
          failures.push(`EventBridge PutEvents: ${errorText(e)}`);
        }),
    ]);
    if (failures.length > 0) throw new PublishError(failures);
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
