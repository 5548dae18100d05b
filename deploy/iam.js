/* eslint-disable @typescript-eslint/no-require-imports */
"use strict";

/**
 * One IAM role per function (serverless.yml sets `role:` on each), each with only the calls its code makes.
 *
 * - No `*` action and no `service:*` anywhere. Resources are this account's and Region's ARNs wherever the
 *   service supports resource-level permissions; S3 bucket ARNs carry no account, so S3 statements add an
 *   aws:ResourceAccount condition.
 * - Resource "*" only where AWS allows nothing else (RESOURCE_STAR_ONLY): X-Ray's PutTraceSegments and
 *   PutTelemetryRecords, and Config's PutEvaluations, GetResourceConfigHistory, BatchGetResourceConfig and
 *   ListDiscoveredResources (Config has no resource types for them).
 * - osls adds nothing to these roles (it only extends its default role, which no function uses), so logs,
 *   tracing, the SQS event sources and the on-failure destinations are granted here.
 *
 * The remediation worker's write actions come from the executor's operations (lib/remediation/executor.ts
 * COMMANDS), the describe actions from lib/aws/describe/; test/deploy.test.ts checks that every operation there
 * has its IAM action here.
 */

const checkedParams = require("./params");

const STAR_ONLY = [
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
  "config:PutEvaluations",
  "config:GetResourceConfigHistory",
  "config:BatchGetResourceConfig",
  "config:ListDiscoveredResources",
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

const APIGW = "arn:${AWS::Partition}:apigateway:${AWS::Region}::";
const SQS_ANY = "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:*";
const SNS_ANY = "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:*";
const S3_BUCKETS = "arn:${AWS::Partition}:s3:::*";
const DDB_TABLES = "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/*";
const LAMBDA_FUNCTIONS = "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:*";

/**
 * SDK operation → IAM action and the resources it may touch, for the live describes (lib/aws/describe/) and the
 * remediation executor's operations (lib/remediation/executor.ts COMMANDS), keyed `service:Operation`.
 * API Gateway authorises by HTTP method on the resource path.
 */
const OPERATIONS = {
  // describes
  "apigateway:GetRestApi": { action: "apigateway:GET", resources: [`${APIGW}/restapis/*`] },
  "apigateway:GetStage": { action: "apigateway:GET", resources: [`${APIGW}/restapis/*`] },
  "apigateway:GetStages": { action: "apigateway:GET", resources: [`${APIGW}/restapis/*`] },
  "apigateway:GetMethod": { action: "apigateway:GET", resources: [`${APIGW}/restapis/*`] },
  "apigateway:GetDomainName": { action: "apigateway:GET", resources: [`${APIGW}/domainnames/*`] },
  "apigateway:GetDomainNames": { action: "apigateway:GET", resources: [`${APIGW}/domainnames`] },
  "apigateway:GetBasePathMappings": { action: "apigateway:GET", resources: [`${APIGW}/domainnames/*`] },
  "sqs:GetQueueAttributes": { action: "sqs:GetQueueAttributes", resources: [SQS_ANY] },
  "sqs:ListQueueTags": { action: "sqs:ListQueueTags", resources: [SQS_ANY] },
  "sns:GetTopicAttributes": { action: "sns:GetTopicAttributes", resources: [SNS_ANY] },
  "sns:ListTagsForResource": { action: "sns:ListTagsForResource", resources: [SNS_ANY] },
  "s3:GetBucketEncryption": { action: "s3:GetEncryptionConfiguration", resources: [S3_BUCKETS], s3: true },
  "s3:GetBucketLogging": { action: "s3:GetBucketLogging", resources: [S3_BUCKETS], s3: true },
  "s3:GetBucketPolicy": { action: "s3:GetBucketPolicy", resources: [S3_BUCKETS], s3: true },
  "s3:GetBucketTagging": { action: "s3:GetBucketTagging", resources: [S3_BUCKETS], s3: true },
  "s3:GetBucketVersioning": { action: "s3:GetBucketVersioning", resources: [S3_BUCKETS], s3: true },
  "s3:GetPublicAccessBlock": { action: "s3:GetBucketPublicAccessBlock", resources: [S3_BUCKETS], s3: true },
  "dynamodb:DescribeTable": { action: "dynamodb:DescribeTable", resources: [DDB_TABLES] },
  "dynamodb:DescribeContinuousBackups": { action: "dynamodb:DescribeContinuousBackups", resources: [DDB_TABLES] },
  "dynamodb:ListTagsOfResource": { action: "dynamodb:ListTagsOfResource", resources: [DDB_TABLES] },
  "lambda:GetFunctionConfiguration": { action: "lambda:GetFunctionConfiguration", resources: [LAMBDA_FUNCTIONS] },
  "lambda:GetFunctionConcurrency": { action: "lambda:GetFunctionConcurrency", resources: [LAMBDA_FUNCTIONS] },
  "lambda:GetPolicy": { action: "lambda:GetPolicy", resources: [LAMBDA_FUNCTIONS] },
  "lambda:ListTags": { action: "lambda:ListTags", resources: [LAMBDA_FUNCTIONS] },
  // remediation executor
  "apigateway:UpdateDomainName": { action: "apigateway:PATCH", resources: [`${APIGW}/domainnames/*`] },
  "apigateway:UpdateRestApi": { action: "apigateway:PATCH", resources: [`${APIGW}/restapis/*`] },
  "apigateway:UpdateStage": { action: "apigateway:PATCH", resources: [`${APIGW}/restapis/*`] },
  "apigateway:CreateDeployment": { action: "apigateway:POST", resources: [`${APIGW}/restapis/*/deployments`] },
  "sqs:SetQueueAttributes": { action: "sqs:SetQueueAttributes", resources: [SQS_ANY] },
  "sns:SetTopicAttributes": { action: "sns:SetTopicAttributes", resources: [SNS_ANY] },
  "s3:PutPublicAccessBlock": { action: "s3:PutBucketPublicAccessBlock", resources: [S3_BUCKETS], s3: true },
  "s3:DeletePublicAccessBlock": { action: "s3:PutBucketPublicAccessBlock", resources: [S3_BUCKETS], s3: true },
  "s3:PutBucketEncryption": { action: "s3:PutEncryptionConfiguration", resources: [S3_BUCKETS], s3: true },
  "s3:DeleteBucketEncryption": { action: "s3:PutEncryptionConfiguration", resources: [S3_BUCKETS], s3: true },
  "s3:PutBucketVersioning": { action: "s3:PutBucketVersioning", resources: [S3_BUCKETS], s3: true },
  "s3:PutBucketPolicy": { action: "s3:PutBucketPolicy", resources: [S3_BUCKETS], s3: true },
  "s3:DeleteBucketPolicy": { action: "s3:DeleteBucketPolicy", resources: [S3_BUCKETS], s3: true },
  "dynamodb:UpdateContinuousBackups": { action: "dynamodb:UpdateContinuousBackups", resources: [DDB_TABLES] },
  "lambda:UpdateFunctionConfiguration": { action: "lambda:UpdateFunctionConfiguration", resources: [LAMBDA_FUNCTIONS] },
};

/**
 * The IAM action of every other SDK operation Guardrail's code sends (granted by the statements below, on the
 * resources each role needs): test/deploy.test.ts checks every Command a function's bundle imports has one here
 * or in OPERATIONS, and that the function's role allows it.
 */
const OTHER_ACTIONS = {
  "config:PutEvaluations": "config:PutEvaluations",
  "config:GetResourceConfigHistory": "config:GetResourceConfigHistory",
  "config:BatchGetResourceConfig": "config:BatchGetResourceConfig",
  "config:ListDiscoveredResources": "config:ListDiscoveredResources",
  "sqs:SendMessage": "sqs:SendMessage",
  "sqs:SendMessageBatch": "sqs:SendMessage",
  "sqs:ChangeMessageVisibility": "sqs:ChangeMessageVisibility",
  "sns:Publish": "sns:Publish",
  "events:PutEvents": "events:PutEvents",
  "dynamodb:GetItem": "dynamodb:GetItem",
  "dynamodb:PutItem": "dynamodb:PutItem",
  "dynamodb:UpdateItem": "dynamodb:UpdateItem",
  "dynamodb:DeleteItem": "dynamodb:DeleteItem",
  "s3:GetObject": "s3:GetObject",
  "s3:PutObject": "s3:PutObject",
  "cloudformation:DescribeStacks": "cloudformation:DescribeStacks",
};

/** `service:Operation` → IAM action, for every operation Guardrail sends. */
const SDK_ACTIONS = {
  ...Object.fromEntries(Object.entries(OPERATIONS).map(([k, v]) => [k, v.action])),
  ...OTHER_ACTIONS,
};

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

const DESCRIBES = Object.keys(OPERATIONS).filter((k) => /:(Get|Describe|List)/.test(k));
const REMEDIATION_WRITES = Object.keys(OPERATIONS).filter((k) => !/:(Get|Describe|List)/.test(k));

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
    Resource: op.resources.map(sub),
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

function statements(stage, fn, centralAuditBucket) {
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
        send("FanOutSweeps", "SweepQueue"),
        send("OnFailureDestination", "AsyncFailuresDlq"),
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
      ];
    default:
      throw new Error(`deploy/iam.js: no role for function ${fn}`);
  }
}

function roles(stage, centralAuditBucket) {
  const Resources = {};
  for (const [fn, id] of Object.entries(ROLE_IDS)) {
    Resources[id] = {
      Type: "AWS::IAM::Role",
      Properties: {
        Description: `Guardrail ${stage}: execution role of the ${fn} function`,
        AssumeRolePolicyDocument: {
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
        },
        Policies: [
          {
            PolicyName: `guardrail-${fn}`,
            PolicyDocument: { Version: "2012-10-17", Statement: statements(stage, fn, centralAuditBucket) },
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
  const { centralAuditBucket } = await checkedParams({ resolveVariable });
  return roles(stage, centralAuditBucket);
};
module.exports.OPERATIONS = OPERATIONS;
module.exports.SDK_ACTIONS = SDK_ACTIONS;
module.exports.PLATFORM_ACTIONS = PLATFORM_ACTIONS;
module.exports.STAR_ONLY = STAR_ONLY;
module.exports.ROLE_IDS = ROLE_IDS;
