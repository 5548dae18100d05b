// @ts-check
/* eslint-disable @typescript-eslint/no-require-imports */
"use strict";

/**
 * EventBridge rules on the default bus, generated from the policies' `triggers`, all targeting the
 * cloudTrailEvents function (serverless.yml):
 *
 * - One rule per CloudTrail event source (`apigateway.amazonaws.com` → source `aws.apigateway`), detail-type
 *   "AWS API Call via CloudTrail", matching the union of every policy's eventNames for that source. Calls made by
 *   Guardrail's own remediation role are excluded (a fix must never trigger its own detection), while calls
 *   with no role session at all (root, IAM users, AWS services) still match: EventBridge only matches a pattern
 *   whose fields exist in the event, so the exclusion is an `$or` of "issuer is not the remediation role" and
 *   "there is no issuer".
 * - One rule for AWS Config "Config Rules Compliance Change" events that turn NON_COMPLIANT, for this stage's
 *   Guardrail rules only (exact names: another stage in the same account has its own rules and its own worker).
 * - A pattern is at most 4096 characters (PutRule); a source with more event names than fit is split over
 *   several rules. The length is checked with the remediation role ARN at its longest.
 * - Each target retries for an hour and then dead-letters to EventRulesDlq (alarmed, deploy/alarms.js).
 *
 * CloudTrail must be logging in the account for "AWS API Call via CloudTrail" events to exist; IAM and
 * root sign-in events are delivered in us-east-1 only (see deploy/README.md).
 */

const { loadPolicies, pascal } = require("./policies");
const { configRuleNames } = require("./config-rules");

const API_CALL = "AWS API Call via CloudTrail";
/**
 * Console sign-in events (signin.amazonaws.com ConsoleLogin) have their own detail-type. EventBridge's guide
 * spells it "AWS Console Signin via CloudTrail"; events as delivered (and AWS's own sample rules) say
 * "AWS Console Sign In via CloudTrail". Both are listed: a detail-type that never occurs costs nothing.
 */
const SIGN_IN = ["AWS Console Sign In via CloudTrail", "AWS Console Signin via CloudTrail"];
const COMPLIANCE_CHANGE = "Config Rules Compliance Change";
const MAX_PATTERN = 4096;
/** EventBridge rule names: 1-64 characters. */
const MAX_RULE_NAME = 64;
const FUNCTION_ID = "CloudTrailEventsLambdaFunction";
const REMEDIATION_ROLE_ID = "RemediationWorkerRole";
const DLQ_ID = "EventRulesDlq";
/** The longest an IAM role ARN gets (partition, account, 64-character name), for the length check. */
const LONGEST_ROLE_ARN = `arn:aws-iso-b:iam::123456789012:role/${"r".repeat(64)}`;

const sourceOf = (eventSource) => `aws.${eventSource.replace(/\.amazonaws\.com$/, "")}`;
const serviceOf = (eventSource) => eventSource.replace(/\.amazonaws\.com$/, "");

/** The exclusion of the remediation role, as an `$or` member of `detail`. */
function notRemediationRole(roleArn) {
  const issuerArn = (match) => ({ userIdentity: { sessionContext: { sessionIssuer: { arn: [match] } } } });
  return [issuerArn({ "anything-but": roleArn }), issuerArn({ exists: false })];
}

function apiCallPattern(eventSource, eventNames, roleArn) {
  return {
    source: [sourceOf(eventSource)],
    "detail-type": serviceOf(eventSource) === "signin" ? [API_CALL, ...SIGN_IN] : [API_CALL],
    detail: {
      eventSource: [eventSource],
      eventName: eventNames,
      $or: notRemediationRole(roleArn),
    },
  };
}

function compliancePattern(ruleNames) {
  return {
    source: ["aws.config"],
    "detail-type": [COMPLIANCE_CHANGE],
    detail: {
      messageType: ["ComplianceChangeNotification"],
      configRuleName: ruleNames,
      newEvaluationResult: { complianceType: ["NON_COMPLIANT"] },
    },
  };
}

/** Splits `items` into the fewest runs whose `pattern(run)` stays under the limit (order kept). */
function chunked(items, pattern, what) {
  const runs = [];
  let run = [];
  for (const item of items) {
    const next = [...run, item];
    if (JSON.stringify(pattern(next)).length < MAX_PATTERN) run = next;
    else if (run.length === 0)
      throw new Error(`${what}: "${item}" alone makes a pattern over ${MAX_PATTERN} characters`);
    else {
      runs.push(run);
      run = [item];
    }
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/**
 * What the rules match, independent of CloudFormation: `{id, name, kind, eventSource?, values, pattern(roleArn)}`.
 * Sources and names are sorted, so the template only changes when the policies do.
 */
function eventRuleSpecs(policies, stage) {
  const bySource = new Map();
  for (const p of policies) {
    for (const t of p.triggers) {
      if (!bySource.has(t.eventSource)) bySource.set(t.eventSource, new Set());
      for (const n of t.eventNames) bySource.get(t.eventSource).add(n);
    }
  }
  const specs = [];
  const add = (idBase, nameBase, kind, extra, runs, pattern) => {
    runs.forEach((values, i) => {
      const suffix = runs.length > 1 ? `${i + 1}` : "";
      const name = `guardrail-${stage}-${nameBase}${suffix ? `-${suffix}` : ""}`;
      if (name.length > MAX_RULE_NAME)
        throw new Error(`EventBridge rule name ${name} is over ${MAX_RULE_NAME} characters`);
      specs.push({
        id: `EventRule${idBase}${suffix}`,
        name,
        kind,
        ...extra,
        values,
        pattern: (role) => pattern(values, role),
      });
    });
  };
  for (const eventSource of [...bySource.keys()].sort()) {
    const names = [...bySource.get(eventSource)].sort();
    const pattern = (values, role) => apiCallPattern(eventSource, values, role);
    const runs = chunked(names, (values) => pattern(values, LONGEST_ROLE_ARN), `event source ${eventSource}`);
    add(pascal(serviceOf(eventSource)), serviceOf(eventSource), "cloudtrail", { eventSource }, runs, pattern);
  }
  const rules = configRuleNames(policies, stage).sort();
  if (rules.length > 0) {
    const runs = chunked(rules, compliancePattern, "Config rule names");
    add("ConfigCompliance", "config-compliance", "compliance", {}, runs, (values) => compliancePattern(values));
  }
  return specs;
}

function eventRules(policies, stage) {
  const Resources = {};
  const roleArn = { "Fn::GetAtt": [REMEDIATION_ROLE_ID, "Arn"] };
  for (const spec of eventRuleSpecs(policies, stage)) {
    Resources[spec.id] = {
      Type: "AWS::Events::Rule",
      Properties: {
        Name: spec.name,
        Description:
          spec.kind === "cloudtrail"
            ? `Guardrail: ${spec.eventSource} calls its policies trigger on (not made by its remediation role)`
            : "Guardrail: this stage's Config rules turning NON_COMPLIANT",
        State: "ENABLED",
        EventPattern: spec.pattern(roleArn),
        Targets: [
          {
            Id: "cloudTrailEvents",
            Arn: { "Fn::GetAtt": [FUNCTION_ID, "Arn"] },
            RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 8 },
            DeadLetterConfig: { Arn: { "Fn::GetAtt": [DLQ_ID, "Arn"] } },
          },
        ],
      },
    };
    Resources[`${spec.id}Permission`] = {
      Type: "AWS::Lambda::Permission",
      Properties: {
        FunctionName: { "Fn::GetAtt": [FUNCTION_ID, "Arn"] },
        Action: "lambda:InvokeFunction",
        Principal: "events.amazonaws.com",
        SourceArn: { "Fn::GetAtt": [spec.id, "Arn"] },
      },
    };
  }
  return { Resources };
}

module.exports = async ({ resolveVariable }) => {
  const stage = await resolveVariable("sls:stage");
  return eventRules(loadPolicies(), stage);
};
module.exports.eventRuleSpecs = eventRuleSpecs;
module.exports.MAX_PATTERN = MAX_PATTERN;
module.exports.LONGEST_ROLE_ARN = LONGEST_ROLE_ARN;
module.exports.REMEDIATION_ROLE_ID = REMEDIATION_ROLE_ID;
