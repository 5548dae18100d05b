// @ts-check
/* eslint-disable @typescript-eslint/no-require-imports */
"use strict";

/**
 * One IAM role per function (serverless.yml sets `role:` on each), each with only the calls its code makes.
 *
 * - No `*` action and no `service:*` anywhere. Resources are this account's and Region's ARNs wherever the
 *   service supports resource-level permissions; S3 bucket ARNs carry no account, so S3 statements add an
 *   aws:ResourceAccount condition.
 * - Resource "*" in an Allow only where AWS allows nothing else (STAR_ONLY and the service modules' reads that take no resource, which lib/aws/service.ts serviceModuleProblems allows for reads alone): X-Ray's PutTraceSegments and
 *   PutTelemetryRecords, and Config's PutEvaluations, GetResourceConfigHistory, BatchGetResourceConfig and
 *   ListDiscoveredResources (Config has no resource types for them).
 * - osls adds nothing to these roles (it only extends its default role, which no function uses), so logs,
 *   tracing, the SQS event sources and the on-failure destinations are granted here.
 *
 * Every IAM action of an AWS call comes from the service modules (lib/aws/services/, read by ./services.js): the
 * describes' `read` operations and the fixes' `write` operations with the resources they may touch, and the
 * actions of the calls on Guardrail's own resources (`own`), which each role grants on what it owns.
 * test/deploy.test.ts checks that every operation a bundle can send has its IAM action, allowed by its role.
 *
 * The fixes are granted on every resource of their type in the account, Guardrail's own included, so each role
 * carries a second inline policy of explicit Deny statements (selfProtection): every action a fix or a restore sends
 * (derived from the same service modules), denied on the stack's own resources by ARN, and on any resource tagged
 * `guardrail:protected = true` (a team's break-glass resources; serverless.yml's stack tags put it on the stack's
 * own). An explicit Deny wins over any Allow (IAM User Guide, "Policy evaluation logic"), so no request, forged or
 * buggy, can make a Guardrail function change its own audit bucket, functions, queues, topic, table or a protected
 * resource.
 */

const checkedParams = require("./params");
const { serviceTable } = require("./services");
const { functions } = require("./functions");
const { QUEUES, DEAD_LETTER_QUEUES } = require("./queues");

const STAR_ONLY = [
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
  "config:PutEvaluations",
  "config:GetResourceConfigHistory",
  "config:BatchGetResourceConfig",
  "config:ListDiscoveredResources",
  // Elastic Load Balancing's describes take no resource (Service Authorization Reference, Elastic Load Balancing V2).
  "elasticloadbalancing:DescribeLoadBalancers",
  "elasticloadbalancing:DescribeLoadBalancerAttributes",
  "elasticloadbalancing:DescribeListeners",
  "elasticloadbalancing:DescribeTags",
  // ECS's DescribeTaskDefinition takes no resource either (Service Authorization Reference, Amazon ECS).
  "ecs:DescribeTaskDefinition",
  // EC2's Describe* actions take no resource (Service Authorization Reference, Amazon EC2).
  "ec2:DescribeSecurityGroups",
];

const ROLE_IDS = {
  configRule: "ConfigRuleRole",
  sweepWorker: "SweepWorkerRole",
  cloudTrailEvents: "CloudTrailEventsRole",
  remediationWorker: "RemediationWorkerRole",
};

const sub = (s) => ({ "Fn::Sub": s });
const arnOf = (id) => ({ "Fn::GetAtt": [id, "Arn"] });
const inAccount = { StringEquals: { "aws:ResourceAccount": { Ref: "AWS::AccountId" } } };

/**
 * `service:Operation` → IAM action and the resources it may touch, for every `read` (live describe) and `write`
 * (remediation) operation of the service modules. API Gateway authorises by HTTP method on the resource path.
 * @type {Record<string, { action: string, access: string, resources: string[], s3?: boolean }>}
 */
const OPERATIONS = {};
/** `service:Operation` → IAM action, for every operation Guardrail sends (own resources' calls included). */
const SDK_ACTIONS = {};
for (const service of serviceTable()) {
  for (const [operation, op] of Object.entries(service.operations)) {
    const key = `${service.name}:${operation}`;
    SDK_ACTIONS[key] = op.action;
    if (op.access === "own") continue;
    if (!op.resources || op.resources.length === 0)
      throw new Error(`lib/aws/services/${service.name}: ${key} names no resources`);
    OPERATIONS[key] = {
      action: op.action,
      access: op.access,
      resources: op.resources,
      ...(op.resourceAccount ? { s3: true } : {}),
    };
  }
}

/**
 * Actions granted for the platform rather than for a call in Guardrail's code: logs and traces, the SQS event
 * source mappings (Lambda polls with the function's role), on-failure destinations (Lambda sends with it), and
 * the topic key (SNS uses it on behalf of whoever publishes).
 */
const PLATFORM_ACTIONS = [
  "logs:CreateLogStream",
  "logs:PutLogEvents",
  "xray:PutTelemetryRecords",
  "xray:PutTraceSegments",
  "sqs:ReceiveMessage",
  "sqs:DeleteMessage",
  "sqs:GetQueueAttributes",
  "sqs:ChangeMessageVisibility",
  "sqs:SendMessage",
  "kms:Decrypt",
  "kms:GenerateDataKey",
];

const DESCRIBES = Object.keys(OPERATIONS).filter((k) => OPERATIONS[k].access === "read");
const REMEDIATION_WRITES = Object.keys(OPERATIONS).filter((k) => OPERATIONS[k].access === "write");
/** Every IAM action a fix (`write`) or a restore sends: what no Guardrail role may do to a protected resource. */
const CHANGE_ACTIONS = [
  ...new Set(
    Object.values(OPERATIONS)
      .filter((op) => op.access === "write" || op.access === "restore")
      .map((op) => op.action),
  ),
].sort();

/**
 * The tag that puts a resource out of every Guardrail role's reach. Honoured where the service evaluates
 * aws:ResourceTag for the action (SQS, SNS, Lambda, DynamoDB, API Gateway; S3 general purpose buckets only once
 * ABAC is enabled on the bucket, PutBucketAbac): see deploy/README.md.
 */
const PROTECTED_TAG = { key: "guardrail:protected", value: "true" };

/** Statements for operations, merged by (resources, condition) so each reads as "these actions on these ARNs". */
function operationStatements(sid, keys) {
  const groups = new Map();
  for (const key of keys) {
    const op = OPERATIONS[key];
    if (!op) throw new Error(`deploy/iam.js: no IAM action for ${key}`);
    const group = JSON.stringify([op.resources, Boolean(op.s3)]);
    if (!groups.has(group)) groups.set(group, { op, actions: new Set() });
    groups.get(group).actions.add(op.action);
  }
  return [...groups.values()].map(({ op, actions }, i) => ({
    Sid: `${sid}${i + 1}`,
    Effect: "Allow",
    Action: [...actions].sort(),
    Resource: op.resources.map((r) => (r === "*" ? "*" : sub(r))),
    ...(op.s3 ? { Condition: inAccount } : {}),
  }));
}

function baseStatements(stage, fn) {
  return [
    {
      Sid: "Logs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: [
        sub(
          `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/guardrail-${stage}-${fn}:*`,
        ),
      ],
    },
    {
      Sid: "XRayResourceStarOnly",
      Effect: "Allow",
      Action: ["xray:PutTelemetryRecords", "xray:PutTraceSegments"],
      Resource: "*",
    },
  ];
}

const consume = (sid, queueId) => ({
  Sid: sid,
  Effect: "Allow",
  Action: ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"],
  Resource: [arnOf(queueId)],
});
const send = (sid, queueId) => ({ Sid: sid, Effect: "Allow", Action: ["sqs:SendMessage"], Resource: [arnOf(queueId)] });
const publish = [
  { Sid: "PublishToTopic", Effect: "Allow", Action: ["sns:Publish"], Resource: [{ Ref: "GuardrailTopic" }] },
  {
    // Publishing to a topic encrypted with a customer managed key needs the key.
    Sid: "TopicKey",
    Effect: "Allow",
    Action: ["kms:Decrypt", "kms:GenerateDataKey"],
    Resource: [arnOf("GuardrailTopicKey")],
  },
];

/**
 * The securityHub option: BatchImportFindings on the account's own default product ARN only, the one product that
 * takes an account's own findings ("BatchImportFindings for finding providers"; Service Authorization Reference,
 * AWS Security Hub: the action's resource is the product).
 */
const securityHubFindings = {
  Sid: "SecurityHubOwnFindings",
  Effect: "Allow",
  Action: ["securityhub:BatchImportFindings"],
  Resource: [
    sub("arn:${AWS::Partition}:securityhub:${AWS::Region}:${AWS::AccountId}:product/${AWS::AccountId}/default"),
  ],
};

function statements(stage, fn, centralAuditBucket, securityHub = false) {
  const hub = securityHub ? [securityHubFindings] : [];
  switch (fn) {
    case "configRule":
      return [
        ...baseStatements(stage, fn),
        {
          Sid: "ConfigResourceStarOnly",
          Effect: "Allow",
          Action: [
            "config:BatchGetResourceConfig",
            "config:GetResourceConfigHistory",
            "config:ListDiscoveredResources",
            "config:PutEvaluations",
          ],
          Resource: "*",
        },
        {
          // The sweep reads the rule's recorded verdicts to send only those that change (lib/config-rule/run.ts).
          Sid: "ReadOwnRulesCompliance",
          Effect: "Allow",
          Action: ["config:GetComplianceDetailsByConfigRule"],
          Resource: sub("arn:${AWS::Partition}:config:${AWS::Region}:${AWS::AccountId}:config-rule/*"),
        },
        send("FanOutSweeps", "SweepQueue"),
        send("OnFailureDestination", "AsyncFailuresDlq"),
        ...hub,
      ];
    case "sweepWorker":
      return [
        ...baseStatements(stage, fn),
        {
          Sid: "ConfigResourceStarOnly",
          Effect: "Allow",
          Action: ["config:BatchGetResourceConfig", "config:GetResourceConfigHistory", "config:PutEvaluations"],
          Resource: "*",
        },
        consume("SweepQueueSource", "SweepQueue"),
        ...hub,
      ];
    case "cloudTrailEvents":
      return [
        ...baseStatements(stage, fn),
        ...operationStatements("Describe", DESCRIBES),
        ...publish,
        send("OnFailureDestination", "AsyncFailuresDlq"),
      ];
    case "remediationWorker":
      return [
        ...baseStatements(stage, fn),
        consume("RemediationQueueSource", "RemediationQueue"),
        ...operationStatements("Describe", DESCRIBES),
        ...operationStatements("Remediate", REMEDIATION_WRITES),
        {
          Sid: "IdempotencyAndRateLimits",
          Effect: "Allow",
          Action: ["dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
          Resource: [arnOf("IdempotencyTable")],
        },
        {
          Sid: "AuditRecords",
          Effect: "Allow",
          Action: ["s3:GetObject", "s3:PutObject"],
          Resource: [{ "Fn::Sub": "${AuditBucket.Arn}/*" }],
        },
        ...(centralAuditBucket
          ? [
              {
                Sid: "CentralAuditRecords",
                Effect: "Allow",
                Action: ["s3:PutObject"],
                Resource: [sub(`arn:\${AWS::Partition}:s3:::${centralAuditBucket}/*`)],
              },
            ]
          : []),
        ...publish,
        {
          // The grace period reads the status of the stack a resource's aws:cloudformation:stack-name tag names.
          Sid: "StackStatus",
          Effect: "Allow",
          Action: ["cloudformation:DescribeStacks"],
          Resource: [sub("arn:${AWS::Partition}:cloudformation:${AWS::Region}:${AWS::AccountId}:stack/*/*")],
        },
        {
          Sid: "OutcomeEvents",
          Effect: "Allow",
          Action: ["events:PutEvents"],
          Resource: [sub("arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/default")],
        },
        ...hub,
      ];
    default:
      throw new Error(`deploy/iam.js: no role for function ${fn}`);
  }
}

/**
 * The stack's own resources, by the service prefix of the IAM actions that act on them. Functions and EventBridge
 * rules are named, not referenced: they depend on the roles (a function on its role, a rule on its target), so a
 * role that referenced them would be a circular dependency. Config rules are left to the tag: their ARNs carry an
 * id AWS assigns, and no Guardrail role holds a Config write.
 */
function ownResources(stage, centralAuditBucket, deploymentBucket) {
  const prefix = `guardrail-${stage}-`;
  return {
    s3: [
      arnOf("AuditBucket"),
      deploymentBucket ? sub(`arn:\${AWS::Partition}:s3:::${deploymentBucket}`) : arnOf("ServerlessDeploymentBucket"),
      ...(centralAuditBucket ? [sub(`arn:\${AWS::Partition}:s3:::${centralAuditBucket}`)] : []),
    ],
    lambda: Object.keys(functions).map((fn) =>
      sub(`arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:${prefix}${fn}`),
    ),
    sqs: [...Object.keys(QUEUES), ...Object.keys(DEAD_LETTER_QUEUES)].map(arnOf),
    sns: [{ Ref: "GuardrailTopic" }],
    dynamodb: [arnOf("IdempotencyTable")],
    kms: [arnOf("GuardrailTopicKey")],
    events: [sub(`arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:rule/${prefix}*`)],
    logs: [sub(`arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${prefix}*`)],
  };
}

/**
 * The Deny statements every role carries (an inline policy of their own): each change action denied on the stack's
 * own resources of its service, and on every resource carrying the protected tag. A change action of a service
 * Guardrail deploys nothing of (API Gateway, an extension pack's EC2) has no ARN statement, only the tag's.
 * aws:ResourceTag is absent from the request context where a service does not evaluate it, so the tag statement
 * then never matches: it cannot deny more than it says.
 */
function selfProtection(stage, centralAuditBucket, deploymentBucket) {
  const own = ownResources(stage, centralAuditBucket, deploymentBucket);
  const byService = new Map();
  for (const action of CHANGE_ACTIONS) {
    const service = action.split(":")[0];
    if (!own[service]) continue;
    if (!byService.has(service)) byService.set(service, []);
    byService.get(service).push(action);
  }
  const pascal = (s) => s.charAt(0).toUpperCase() + s.slice(1);
  return [
    ...[...byService].map(([service, actions]) => ({
      Sid: `DenyOwn${pascal(service)}`,
      Effect: "Deny",
      Action: actions,
      Resource: own[service],
    })),
    ...(CHANGE_ACTIONS.length > 0
      ? [
          {
            Sid: "DenyProtectedTag",
            Effect: "Deny",
            Action: CHANGE_ACTIONS,
            Resource: "*",
            Condition: { StringEqualsIgnoreCase: { [`aws:ResourceTag/${PROTECTED_TAG.key}`]: PROTECTED_TAG.value } },
          },
        ]
      : []),
  ];
}

/**
 * IAM's quotas (IAM User Guide, "IAM and AWS STS quotas"): a role's inline policies together hold 10,240 characters,
 * a managed policy 6,144, and a role takes 10 managed policies. Each role's grants go into managed policies of at
 * most this many characters as generated (whitespace aside), which leaves room for the longest partition, Region
 * and generated names once CloudFormation resolves them (test/deploy.test.ts checks the resolved sizes); the
 * self-protection Denies stay inline, so no grant can exist without them.
 */
const MANAGED_POLICY_BUDGET = 5000;
const MAX_MANAGED_POLICIES = 10;

/** Statements in order, cut into runs whose documents stay within the budget. */
function policyChunks(statements, fn) {
  const size = (st) => JSON.stringify(st).length;
  const chunks = [];
  let current = [];
  let used = 0;
  const frame = size({ Version: "2012-10-17", Statement: [] });
  for (const st of statements) {
    const n = size(st) + 1;
    if (frame + n > MANAGED_POLICY_BUDGET)
      throw new Error(`${fn}: one IAM statement (${st.Sid}) is over ${MANAGED_POLICY_BUDGET} characters`);
    if (current.length > 0 && frame + used + n > MANAGED_POLICY_BUDGET) {
      chunks.push(current);
      current = [];
      used = 0;
    }
    current.push(st);
    used += n;
  }
  if (current.length > 0) chunks.push(current);
  if (chunks.length > MAX_MANAGED_POLICIES) {
    throw new Error(`${fn}: ${chunks.length} managed policies needed, more than IAM's ${MAX_MANAGED_POLICIES} a role`);
  }
  return chunks;
}

function roles(stage, centralAuditBucket, deploymentBucket, securityHub = false) {
  const Resources = {};
  for (const [fn, id] of Object.entries(ROLE_IDS)) {
    const chunks = policyChunks(statements(stage, fn, centralAuditBucket, securityHub), fn);
    const policyIds = chunks.map((_, i) => `${id}Policy${i + 1}`);
    chunks.forEach((chunk, i) => {
      Resources[policyIds[i]] = {
        Type: "AWS::IAM::ManagedPolicy",
        Properties: {
          Description: `Guardrail ${stage}: what the ${fn} function may do (${i + 1} of ${chunks.length})`,
          PolicyDocument: { Version: "2012-10-17", Statement: chunk },
        },
      };
    });
    Resources[id] = {
      Type: "AWS::IAM::Role",
      Properties: {
        Description: `Guardrail ${stage}: execution role of the ${fn} function`,
        AssumeRolePolicyDocument: {
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
        },
        // Attached from the role, so that the role (and the function, which needs the role) waits for them.
        ManagedPolicyArns: policyIds.map((p) => ({ Ref: p })),
        Policies: [
          {
            PolicyName: `guardrail-${fn}-self-protection`,
            PolicyDocument: {
              Version: "2012-10-17",
              Statement: selfProtection(stage, centralAuditBucket, deploymentBucket),
            },
          },
        ],
        Tags: [
          { Key: "guardrail:stage", Value: stage },
          { Key: "guardrail:function", Value: fn },
        ],
      },
    };
  }
  return { Resources };
}

module.exports = async ({ resolveVariable }) => {
  const stage = await resolveVariable("sls:stage");
  const { centralAuditBucket, securityHub } = await checkedParams({ resolveVariable });
  // A deployment bucket named in serverless.yml is an existing one; otherwise osls adds ServerlessDeploymentBucket.
  const deploymentBucket = String((await resolveVariable("self:provider.deploymentBucket.name, ''")) ?? "");
  return roles(stage, centralAuditBucket, deploymentBucket, securityHub === "true");
};
module.exports.OPERATIONS = OPERATIONS;
module.exports.SDK_ACTIONS = SDK_ACTIONS;
module.exports.PLATFORM_ACTIONS = PLATFORM_ACTIONS;
module.exports.STAR_ONLY = STAR_ONLY;
module.exports.ROLE_IDS = ROLE_IDS;
module.exports.statements = statements;
module.exports.roles = roles;
module.exports.selfProtection = selfProtection;
module.exports.CHANGE_ACTIONS = CHANGE_ACTIONS;
module.exports.PROTECTED_TAG = PROTECTED_TAG;
