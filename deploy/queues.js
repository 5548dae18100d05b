// @ts-check
/* eslint-disable @typescript-eslint/no-require-imports */
"use strict";

/**
 * Guardrail's SQS queues, their dead-letter queues and queue policies (serverless.yml `resources`).
 *
 * Every queue: SSE-SQS, a TLS-only Deny for every principal (Guardrail's own sqs-queue-encrypted and
 * sqs-queue-tls-only policies), and a dead-letter queue for the ones that have consumers (sqs-queue-dead-letter).
 * Queues are named `guardrail-<stage>-<name>`, dead-letter queues with the `-dlq` suffix the policy reads to know
 * a dead-letter queue (a DLQ of a DLQ only moves the problem): with names left to CloudFormation, the template scan
 * of Guardrail's own stack could not tell them apart before deploy (docs/decisions.md 25).
 * Visibility timeouts are six times the consuming function's timeout (deploy/functions.js).
 */

const { visibilityTimeout } = require("./functions");
const checkedParams = require("./params");

const FOURTEEN_DAYS = 14 * 24 * 3600;
const MAX_RECEIVE_COUNT = 5;

/** Logical id → what the queue is for. `consumer`: the function its event source mapping feeds. */
const QUEUES = {
  RemediationQueue: {
    name: "remediation",
    description: "remediation requests (subscribed to the Guardrail topic)",
    consumer: "remediationWorker",
    dlq: "RemediationDlq",
  },
  SweepQueue: {
    name: "sweep",
    description: "Config rule sweep batches",
    consumer: "sweepWorker",
    dlq: "SweepDlq",
  },
};

/** Logical id → its name (before `-dlq`) and what ends up there. */
const DEAD_LETTER_QUEUES = {
  RemediationDlq: { name: "remediation", description: "remediation requests that failed 5 times" },
  SweepDlq: { name: "sweep", description: "sweep batches that failed 5 times" },
  EventRulesDlq: {
    name: "event-rules",
    description: "events EventBridge could not deliver to the cloudTrailEvents function",
  },
  AsyncFailuresDlq: {
    name: "async-failures",
    description: "asynchronous invocations (Config rule, EventBridge) that failed after Lambda's retries",
  },
};

const arn = (id) => ({ "Fn::GetAtt": [id, "Arn"] });

function tlsOnly(queueId) {
  return {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: ["sqs:*"],
    Resource: arn(queueId),
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}

/** Statements beyond TLS-only: who else may send. */
function extraStatements(queueId, stage) {
  if (queueId === "RemediationQueue") {
    return [
      {
        Sid: "GuardrailTopicDelivers",
        Effect: "Allow",
        Principal: { Service: "sns.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: arn(queueId),
        Condition: { ArnEquals: { "aws:SourceArn": { Ref: "GuardrailTopic" } } },
      },
    ];
  }
  if (queueId === "EventRulesDlq") {
    return [
      {
        Sid: "GuardrailRulesDeadLetters",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: arn(queueId),
        Condition: {
          ArnLike: {
            "aws:SourceArn": {
              "Fn::Sub": `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:rule/guardrail-${stage}-*`,
            },
          },
        },
      },
    ];
  }
  return [];
}

function resources(stage, teamName) {
  const Resources = {};
  const tags = (purpose, extra = []) => [
    { Key: "guardrail:stage", Value: stage },
    { Key: "guardrail:team", Value: teamName },
    { Key: "guardrail:purpose", Value: purpose },
    ...extra,
  ];
  for (const [id, q] of Object.entries(QUEUES)) {
    Resources[id] = {
      Type: "AWS::SQS::Queue",
      Properties: {
        QueueName: `guardrail-${stage}-${q.name}`,
        SqsManagedSseEnabled: true,
        VisibilityTimeout: visibilityTimeout(q.consumer),
        MessageRetentionPeriod: 4 * 24 * 3600,
        RedrivePolicy: { deadLetterTargetArn: arn(q.dlq), maxReceiveCount: MAX_RECEIVE_COUNT },
        Tags: tags(q.description),
      },
    };
  }
  for (const [id, { name, description }] of Object.entries(DEAD_LETTER_QUEUES)) {
    Resources[id] = {
      Type: "AWS::SQS::Queue",
      Properties: {
        QueueName: `guardrail-${stage}-${name}-dlq`,
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: FOURTEEN_DAYS,
        Tags: tags(description),
      },
    };
  }
  for (const id of [...Object.keys(QUEUES), ...Object.keys(DEAD_LETTER_QUEUES)]) {
    Resources[`${id}Policy`] = {
      Type: "AWS::SQS::QueuePolicy",
      Properties: {
        Queues: [{ Ref: id }],
        PolicyDocument: { Version: "2012-10-17", Statement: [tlsOnly(id), ...extraStatements(id, stage)] },
      },
    };
  }
  return { Resources };
}

module.exports = async ({ resolveVariable }) => {
  const stage = await resolveVariable("sls:stage");
  const { teamName } = await checkedParams({ resolveVariable });
  return resources(stage, teamName);
};
module.exports.QUEUES = QUEUES;
module.exports.DEAD_LETTER_QUEUES = DEAD_LETTER_QUEUES;
module.exports.MAX_RECEIVE_COUNT = MAX_RECEIVE_COUNT;
