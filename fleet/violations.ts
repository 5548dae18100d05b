import { editJsonString, type FleetConfigItem, type PolicyDoc, type PolicyStatement } from "./model";

/**
 * The generator's ground truth: for every resource policy of the pack (scratch/pack-spec.md), the resource type it
 * judges, when it applies, and the smallest change to a clean configuration item that breaks it and nothing else.
 * Deliberately written without loading the policies: if the engine and this catalogue disagree on a fleet, one
 * of them is wrong, and the fleet test says which pair.
 *
 * CloudTrail-subject policies (apigateway-no-console-changes-in-production, cloudtrail-no-stop-logging,
 * config-no-recorder-tampering, iam-root-account-use) judge API calls, not configuration items: not listed.
 */
export interface ViolationSpec {
  policyId: string;
  resourceType: string;
  /** The policy's `applies`, on the clean item; absent = every item of the type. */
  appliesTo?: (ci: FleetConfigItem) => boolean;
  /** Breaks the policy in place; composes with every other mutation of the same type. */
  mutate: (ci: FleetConfigItem) => void;
}

/** Tag read by lib/engine/exemptions.ts (EXEMPT_TAG); repeated here so the generator stays engine-independent. */
export const EXEMPT_TAG = "guardrail:exempt";

type Obj = Record<string, unknown>;

/** The object at `path` under the item's configuration (or another root); throws if the clean shape lacks it. */
function at(root: Obj, ...path: string[]): Obj {
  let cur: unknown = root;
  for (const key of path) {
    cur = (cur as Obj | undefined)?.[key];
    if (typeof cur !== "object" || cur === null) throw new Error(`fleet: no object at ${path.join(".")}`);
  }
  return cur as Obj;
}

const isTlsDeny = (s: PolicyStatement): boolean =>
  s.Effect === "Deny" && s.Condition?.Bool?.["aws:SecureTransport"] === "false";

const withoutTlsDeny = (doc: PolicyDoc): PolicyDoc => ({
  ...doc,
  Statement: doc.Statement.filter((s) => !isTlsDeny(s)),
});

const withPublicAllow =
  (sid: string, principal: unknown, action: string, resource: string) =>
  (doc: PolicyDoc): PolicyDoc => ({
    ...doc,
    Statement: [
      ...doc.Statement,
      { Sid: sid, Effect: "Allow", Principal: principal, Action: action, Resource: resource },
    ],
  });

const stageDefaults = (ci: FleetConfigItem): Obj => at(ci.configuration, "methodSettings", "*/*");

export const VIOLATIONS: readonly ViolationSpec[] = [
  // API Gateway
  {
    policyId: "apigateway-domain-tls-1-2",
    resourceType: "AWS::ApiGateway::DomainName",
    mutate: (ci) => {
      ci.configuration.SecurityPolicy = "TLS_1_0";
    },
  },
  {
    policyId: "apigateway-restapi-tls-1-2",
    resourceType: "AWS::ApiGateway::RestApi",
    mutate: (ci) => {
      ci.configuration.securityPolicy = "TLS_1_0";
    },
  },
  {
    policyId: "apigateway-restapi-default-endpoint-disabled",
    resourceType: "AWS::ApiGateway::RestApi",
    appliesTo: (ci) => ci.relationships.some((r) => r.resourceType === "AWS::ApiGateway::DomainName"),
    mutate: (ci) => {
      ci.configuration.disableExecuteApiEndpoint = false;
    },
  },
  {
    policyId: "apigateway-integration-https-backend",
    resourceType: "AWS::ApiGateway::Method",
    appliesTo: (ci) => ["HTTP", "HTTP_PROXY"].includes(at(ci.configuration, "methodIntegration").type as string),
    mutate: (ci) => {
      const integration = at(ci.configuration, "methodIntegration");
      integration.uri = String(integration.uri).replace(/^https:\/\//, "http://");
    },
  },
  {
    policyId: "apigateway-stage-execution-logging",
    resourceType: "AWS::ApiGateway::Stage",
    mutate: (ci) => {
      stageDefaults(ci).loggingLevel = "OFF";
    },
  },
  {
    policyId: "apigateway-stage-access-logging",
    resourceType: "AWS::ApiGateway::Stage",
    mutate: (ci) => {
      delete ci.configuration.accessLogSettings;
    },
  },
  {
    policyId: "apigateway-stage-xray-tracing",
    resourceType: "AWS::ApiGateway::Stage",
    mutate: (ci) => {
      ci.configuration.tracingEnabled = false;
    },
  },
  {
    policyId: "apigateway-stage-cache-encrypted",
    resourceType: "AWS::ApiGateway::Stage",
    mutate: (ci) => {
      // Method caching needs the stage cache cluster; a real stage with caching on has both.
      Object.assign(ci.configuration, {
        cacheClusterEnabled: true,
        cacheClusterSize: "0.5",
        cacheClusterStatus: "AVAILABLE",
      });
      Object.assign(stageDefaults(ci), { cachingEnabled: true, cacheDataEncrypted: false });
    },
  },
  {
    policyId: "apigateway-stage-waf",
    resourceType: "AWS::ApiGateway::Stage",
    mutate: (ci) => {
      delete ci.configuration.webAclArn;
    },
  },
  {
    policyId: "apigateway-stage-data-trace-off",
    resourceType: "AWS::ApiGateway::Stage",
    mutate: (ci) => {
      stageDefaults(ci).dataTraceEnabled = true;
    },
  },

  // SQS
  {
    policyId: "sqs-queue-encrypted",
    resourceType: "AWS::SQS::Queue",
    mutate: (ci) => {
      ci.configuration.SqsManagedSseEnabled = "false";
      delete ci.configuration.KmsMasterKeyId;
    },
  },
  {
    policyId: "sqs-queue-dead-letter",
    resourceType: "AWS::SQS::Queue",
    appliesTo: (ci) =>
      !/-(dlq|deadletter)$/i.test(ci.resourceName) && ci.configuration.RedriveAllowPolicy === undefined,
    mutate: (ci) => {
      delete ci.configuration.RedrivePolicy;
    },
  },
  {
    policyId: "sqs-queue-tls-only",
    resourceType: "AWS::SQS::Queue",
    mutate: (ci) => {
      ci.configuration.Policy = editJsonString(ci.configuration.Policy, withoutTlsDeny);
    },
  },
  {
    policyId: "sqs-queue-not-public",
    resourceType: "AWS::SQS::Queue",
    mutate: (ci) => {
      ci.configuration.Policy = editJsonString(
        ci.configuration.Policy,
        withPublicAllow("AllowAnyoneToSend", "*", "sqs:SendMessage", ci.ARN),
      );
    },
  },

  // SNS
  {
    policyId: "sns-topic-encrypted-kms",
    resourceType: "AWS::SNS::Topic",
    mutate: (ci) => {
      delete ci.configuration.KmsMasterKeyId;
    },
  },
  {
    policyId: "sns-topic-tls-only",
    resourceType: "AWS::SNS::Topic",
    mutate: (ci) => {
      ci.configuration.Policy = editJsonString(ci.configuration.Policy, withoutTlsDeny);
    },
  },
  {
    policyId: "sns-topic-not-public",
    resourceType: "AWS::SNS::Topic",
    mutate: (ci) => {
      ci.configuration.Policy = editJsonString(
        ci.configuration.Policy,
        withPublicAllow("AllowAnyoneToSubscribe", { AWS: "*" }, "SNS:Subscribe", ci.ARN),
      );
    },
  },

  // S3
  {
    policyId: "s3-bucket-public-access-block",
    resourceType: "AWS::S3::Bucket",
    mutate: (ci) => {
      Object.assign(at(ci.supplementaryConfiguration, "PublicAccessBlockConfiguration"), {
        blockPublicPolicy: false,
        restrictPublicBuckets: false,
      });
    },
  },
  {
    policyId: "s3-bucket-default-encryption",
    resourceType: "AWS::S3::Bucket",
    mutate: (ci) => {
      delete ci.supplementaryConfiguration.ServerSideEncryptionConfiguration;
    },
  },
  {
    policyId: "s3-bucket-tls-only",
    resourceType: "AWS::S3::Bucket",
    mutate: (ci) => {
      const policy = at(ci.supplementaryConfiguration, "BucketPolicy");
      policy.policyText = editJsonString(policy.policyText, withoutTlsDeny);
    },
  },
  {
    policyId: "s3-bucket-versioning",
    resourceType: "AWS::S3::Bucket",
    mutate: (ci) => {
      at(ci.supplementaryConfiguration, "BucketVersioningConfiguration").status = "Suspended";
    },
  },

  // Lambda
  {
    policyId: "lambda-function-supported-runtime",
    resourceType: "AWS::Lambda::Function",
    appliesTo: (ci) => ci.configuration.packageType !== "Image",
    mutate: (ci) => {
      ci.configuration.runtime = "nodejs18.x";
    },
  },
  {
    policyId: "lambda-function-xray-tracing",
    resourceType: "AWS::Lambda::Function",
    mutate: (ci) => {
      at(ci.configuration, "tracingConfig").mode = "PassThrough";
    },
  },
  {
    policyId: "lambda-function-not-public",
    resourceType: "AWS::Lambda::Function",
    mutate: (ci) => {
      const supp = ci.supplementaryConfiguration;
      const base =
        typeof supp.Policy === "string"
          ? supp.Policy
          : JSON.stringify({ Version: "2012-10-17", Id: "default", Statement: [] });
      supp.Policy = editJsonString(base, withPublicAllow("public-invoke", "*", "lambda:InvokeFunction", ci.ARN));
    },
  },

  // DynamoDB
  {
    policyId: "dynamodb-table-pitr",
    resourceType: "AWS::DynamoDB::Table",
    mutate: (ci) => {
      const pitr = at(ci.supplementaryConfiguration, "ContinuousBackupsDescription", "pointInTimeRecoveryDescription");
      pitr.pointInTimeRecoveryStatus = "DISABLED";
      delete pitr.earliestRestorableDateTime;
      delete pitr.latestRestorableDateTime;
    },
  },
  {
    policyId: "dynamodb-table-deletion-protection",
    resourceType: "AWS::DynamoDB::Table",
    mutate: (ci) => {
      ci.configuration.deletionProtectionEnabled = false;
    },
  },

  // CloudTrail
  {
    policyId: "cloudtrail-trail-multi-region",
    resourceType: "AWS::CloudTrail::Trail",
    mutate: (ci) => {
      ci.configuration.isMultiRegionTrail = false;
    },
  },
  {
    policyId: "cloudtrail-trail-log-file-validation",
    resourceType: "AWS::CloudTrail::Trail",
    mutate: (ci) => {
      ci.configuration.logFileValidationEnabled = false;
    },
  },
  {
    policyId: "cloudtrail-trail-kms-encryption",
    resourceType: "AWS::CloudTrail::Trail",
    mutate: (ci) => {
      delete ci.configuration.kmsKeyId;
    },
  },
];

const byType = new Map<string, ViolationSpec[]>();
for (const v of VIOLATIONS) byType.set(v.resourceType, [...(byType.get(v.resourceType) ?? []), v]);

/** Catalogue entries for one resource type, in catalogue order (empty for a type no policy judges). */
export function violationsFor(resourceType: string): readonly ViolationSpec[] {
  return byType.get(resourceType) ?? [];
}

/**
 * Sets a tag everywhere the item carries tags: the `tags` map, and the copies some types keep in their own
 * naming (SQS `supplementaryConfiguration.Tags` map, SNS `supplementaryConfiguration.Tags` [{key, value}],
 * DomainName `configuration.Tags` [{Key, Value}]), so that every reader sees the same value.
 */
export function setTag(ci: FleetConfigItem, key: string, value: string): void {
  ci.tags[key] = value;
  const copies = [ci.supplementaryConfiguration.Tags, ci.configuration.Tags];
  for (const copy of copies) {
    if (Array.isArray(copy)) {
      const list = copy as Obj[];
      const pascal = list.length > 0 && "Key" in (list[0] as Obj);
      const [k, v] = pascal ? ["Key", "Value"] : ["key", "value"];
      const existing = list.find((t) => t[k as string] === key);
      if (existing) existing[v as string] = value;
      else list.push({ [k as string]: key, [v as string]: value });
    } else if (copy && typeof copy === "object") {
      (copy as Obj)[key] = value;
    }
  }
}

/** AWS's limit on tag values. */
const MAX_TAG_VALUE = 256;

/**
 * Adds `token` (`<policyId>` or `<policyId>@YYYY-MM-DD`) to the item's exemption tag, space-separated as
 * lib/engine/exemptions.ts reads it. Returns false (and changes nothing) if the value would exceed AWS's limit.
 */
export function addExemptionToken(ci: FleetConfigItem, token: string): boolean {
  const current = ci.tags[EXEMPT_TAG];
  const value = current ? `${current} ${token}` : token;
  if (value.length > MAX_TAG_VALUE) return false;
  setTag(ci, EXEMPT_TAG, value);
  return true;
}
