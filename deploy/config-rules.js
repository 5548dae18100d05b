// @ts-check
/* eslint-disable @typescript-eslint/no-require-imports */
"use strict";

/**
 * One AWS::Config::ConfigRule per resource policy (subject.resourceTypes), generated from policies/ when
 * serverless.yml is packaged, all served by the one configRule function; its InputParameters name the policy.
 *
 * - Scope: the policy's resource types. An unscoped custom rule would be invoked for every recorded change.
 * - Triggers: both change notification types (plain and oversized) and a periodic ScheduledNotification, the
 *   sweep that catches what change notifications missed (param sweepFrequency, default TwentyFour_Hours).
 * - The function's resource policy lets config.amazonaws.com invoke it from this account only (SourceAccount;
 *   SourceArn would need the rule's ARN, and the rule must depend on the permission: PutConfigRule fails with
 *   InsufficientPermissionsException if Config cannot invoke the function yet).
 * CloudTrail-subject policies have no Config rule: they judge API calls (deploy/event-rules.js).
 */

const { loadPolicies, pascal } = require("./policies");

const MESSAGE_TYPES = ["ConfigurationItemChangeNotification", "OversizedConfigurationItemChangeNotification"];
const FREQUENCIES = ["One_Hour", "Three_Hours", "Six_Hours", "Twelve_Hours", "TwentyFour_Hours"];
const PERMISSION_ID = "ConfigRuleInvokePermission";
const FUNCTION_ID = "ConfigRuleLambdaFunction";
/** AWS::Config::ConfigRule ConfigRuleName: 1-128 characters. */
const MAX_RULE_NAME = 128;

function ruleName(policyId, stage) {
  return `guardrail-${policyId}-${stage}`;
}

function configRules(policies, { stage, frequency }) {
  if (!FREQUENCIES.includes(frequency)) {
    throw new Error(`param sweepFrequency must be one of ${FREQUENCIES.join(", ")}, not "${frequency}"`);
  }
  const Resources = {
    [PERMISSION_ID]: {
      Type: "AWS::Lambda::Permission",
      Properties: {
        FunctionName: { "Fn::GetAtt": [FUNCTION_ID, "Arn"] },
        Action: "lambda:InvokeFunction",
        Principal: "config.amazonaws.com",
        SourceAccount: { Ref: "AWS::AccountId" },
      },
    },
  };
  for (const p of policies) {
    if (p.cloudtrail || p.resourceTypes.length === 0) continue;
    const name = ruleName(p.id, stage);
    if (name.length > MAX_RULE_NAME) {
      throw new Error(`${p.file}: Config rule name ${name} is longer than ${MAX_RULE_NAME} characters`);
    }
    const inputParameters = { policyId: p.id };
    if (JSON.stringify(inputParameters).length > 1024)
      throw new Error(`${p.file}: InputParameters over 1024 characters`);
    Resources[`ConfigRule${pascal(p.id)}`] = {
      Type: "AWS::Config::ConfigRule",
      DependsOn: [PERMISSION_ID],
      Properties: {
        ConfigRuleName: name,
        Description: `Guardrail policy ${p.id}: ${p.title}`.slice(0, 256),
        Scope: { ComplianceResourceTypes: p.resourceTypes },
        InputParameters: inputParameters,
        Source: {
          Owner: "CUSTOM_LAMBDA",
          SourceIdentifier: { "Fn::GetAtt": [FUNCTION_ID, "Arn"] },
          SourceDetails: [
            ...MESSAGE_TYPES.map((MessageType) => ({ EventSource: "aws.config", MessageType })),
            {
              EventSource: "aws.config",
              MessageType: "ScheduledNotification",
              MaximumExecutionFrequency: frequency,
            },
          ],
        },
      },
    };
  }
  return { Resources };
}

/** The Config rule names of a stage, for the compliance-change event rule. */
function configRuleNames(policies, stage) {
  return policies.filter((p) => !p.cloudtrail && p.resourceTypes.length > 0).map((p) => ruleName(p.id, stage));
}

module.exports = async ({ resolveVariable }) => {
  const stage = await resolveVariable("sls:stage");
  const frequency = await resolveVariable("param:sweepFrequency");
  return configRules(loadPolicies(), { stage, frequency });
};
module.exports.configRules = configRules;
module.exports.configRuleNames = configRuleNames;
module.exports.ruleName = ruleName;
