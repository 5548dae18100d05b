// @ts-check
/* eslint-disable @typescript-eslint/no-require-imports */
"use strict";

/**
 * CloudWatch alarms that notify the Guardrail topic (its e-mail subscribers), and the account's dashboard.
 *
 * - Every dead-letter queue holding a message (deploy/queues.js): something failed for good.
 * - Failed remediations and an open circuit breaker: the worker's EMF metrics (METRICS below) in the
 *   POWERTOOLS_METRICS_NAMESPACE namespace. Powertools publishes each metric with its own dimension set
 *   (service, policy, outcome, ...), and an alarm on a plain metric matches one exact dimension set only, so
 *   these alarms use a Metrics Insights query, which sums the metric over every dimension set.
 */

const { functions } = require("./functions");
const { QUEUES, DEAD_LETTER_QUEUES } = require("./queues");

/** The metric names the handlers publish (EMF); the alarms and the dashboard read these. */
const METRICS = {
  evaluations: "Evaluations",
  remediationsSucceeded: "RemediationsSucceeded",
  remediationsFailed: "RemediationsFailed",
  remediationsSkipped: "RemediationsSkipped",
  circuitBreakerOpen: "CircuitBreakerOpen",
  timeToVerifiedFix: "TimeToVerifiedFix",
};

const TOPIC = { Ref: "GuardrailTopic" };
const kebab = (s) => s.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
const insights = (fn, metric, namespace) => `SELECT ${fn}(${metric}) FROM "${namespace}"`;

function alarms(stage, namespace) {
  const Resources = {};
  const common = {
    ActionsEnabled: true,
    AlarmActions: [TOPIC],
    OKActions: [TOPIC],
    EvaluationPeriods: 1,
    DatapointsToAlarm: 1,
    Threshold: 0,
    ComparisonOperator: "GreaterThanThreshold",
    TreatMissingData: "notBreaching",
  };
  for (const [id, { description: what }] of Object.entries(DEAD_LETTER_QUEUES)) {
    Resources[`${id}Alarm`] = {
      Type: "AWS::CloudWatch::Alarm",
      Properties: {
        AlarmName: `guardrail-${stage}-${kebab(id)}-not-empty`,
        AlarmDescription: `Guardrail ${stage}: ${kebab(id)} has messages: ${what}. Read them, fix the cause, redrive.`,
        Namespace: "AWS/SQS",
        MetricName: "ApproximateNumberOfMessagesVisible",
        Dimensions: [{ Name: "QueueName", Value: { "Fn::GetAtt": [id, "QueueName"] } }],
        Statistic: "Maximum",
        Period: 300,
        ...common,
      },
    };
  }
  const metricAlarm = (id, name, description, query) => {
    Resources[id] = {
      Type: "AWS::CloudWatch::Alarm",
      Properties: {
        AlarmName: `guardrail-${stage}-${name}`,
        AlarmDescription: `Guardrail ${stage}: ${description}`,
        Metrics: [{ Id: "q", Expression: query, Period: 300, ReturnData: true }],
        ...common,
      },
    };
  };
  metricAlarm(
    "RemediationsFailedAlarm",
    "remediations-failed",
    "remediations failed (a fix was not applied or did not verify); see the remediation records in the audit bucket.",
    insights("SUM", METRICS.remediationsFailed, namespace),
  );
  metricAlarm(
    "CircuitBreakerOpenAlarm",
    "circuit-breaker-open",
    "the remediation circuit breaker is open: automatic fixes are stopped for an account.",
    insights("MAX", METRICS.circuitBreakerOpen, namespace),
  );
  Resources.GuardrailDashboard = dashboard(stage, namespace, Object.keys(Resources));
  return { Resources };
}

function dashboard(stage, namespace, alarmIds) {
  const fnNames = Object.keys(functions).map((fn) => `guardrail-${stage}-${fn}`);
  const queueIds = [...Object.keys(QUEUES), ...Object.keys(DEAD_LETTER_QUEUES)];
  const lambda = (metric, stat) =>
    fnNames.map((name) => ["AWS/Lambda", metric, "FunctionName", name, { stat, label: name.split("-").pop() }]);
  const widget = (x, y, w, h, title, metrics, extra = {}) => ({
    type: "metric",
    x,
    y,
    width: w,
    height: h,
    properties: { title, region: "${AWS::Region}", view: "timeSeries", stacked: false, period: 300, metrics, ...extra },
  });
  const query = (expression, label, id) => [{ expression, label, id }];
  const body = {
    widgets: [
      {
        type: "alarm",
        x: 0,
        y: 0,
        width: 24,
        height: 3,
        properties: { title: `Guardrail ${stage} alarms`, alarms: alarmIds.map((id) => `\${${id}.Arn}`) },
      },
      widget(0, 3, 12, 6, "Evaluations (Config rule, by compliance)", [
        query(`${insights("SUM", METRICS.evaluations, namespace)} GROUP BY compliance`, "", "ev"),
      ]),
      widget(12, 3, 12, 6, "Remediations", [
        query(insights("SUM", METRICS.remediationsSucceeded, namespace), "succeeded", "ok"),
        query(insights("SUM", METRICS.remediationsFailed, namespace), "failed", "failed"),
        query(insights("SUM", METRICS.remediationsSkipped, namespace), "skipped", "skipped"),
        query(insights("MAX", METRICS.circuitBreakerOpen, namespace), "circuit breaker open", "breaker"),
      ]),
      widget(0, 9, 12, 6, "Time from change to verified fix (ms)", [
        query(insights("AVG", METRICS.timeToVerifiedFix, namespace), "average", "avg"),
        query(insights("MAX", METRICS.timeToVerifiedFix, namespace), "max", "max"),
      ]),
      widget(
        12,
        9,
        12,
        6,
        "Queue depth",
        queueIds.map((id) => [
          "AWS/SQS",
          "ApproximateNumberOfMessagesVisible",
          "QueueName",
          `\${${id}.QueueName}`,
          { stat: "Maximum", label: id },
        ]),
      ),
      widget(0, 15, 8, 6, "Invocations", lambda("Invocations", "Sum")),
      widget(8, 15, 8, 6, "Errors", lambda("Errors", "Sum")),
      widget(16, 15, 8, 6, "Duration p95 (ms)", lambda("Duration", "p95")),
      widget(
        0,
        21,
        12,
        6,
        "Oldest message age (s)",
        Object.keys(QUEUES).map((id) => [
          "AWS/SQS",
          "ApproximateAgeOfOldestMessage",
          "QueueName",
          `\${${id}.QueueName}`,
          { stat: "Maximum", label: id },
        ]),
      ),
      widget(12, 21, 12, 6, "Throttles", lambda("Throttles", "Sum")),
    ],
  };
  return {
    Type: "AWS::CloudWatch::Dashboard",
    Properties: {
      DashboardName: { "Fn::Sub": `guardrail-${stage}-\${AWS::Region}` },
      DashboardBody: { "Fn::Sub": JSON.stringify(body) },
    },
  };
}

module.exports = async ({ resolveVariable }) => {
  const stage = await resolveVariable("sls:stage");
  const namespace = await resolveVariable("param:metricsNamespace");
  if (!/^[A-Za-z0-9._/#:-]{1,255}$/.test(namespace))
    throw new Error(`param metricsNamespace "${namespace}" is invalid`);
  return alarms(stage, namespace);
};
module.exports.METRICS = METRICS;
