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
  /**
   * Where the catalogue plants it: the policy's `applies`, on the clean item (absent = every item of the type).
   * Narrower where breaking one policy would make another stop applying (rotation off makes the rotation-period
   * policies not applicable; a key pending deletion is out of the rotation policy): those are planted on different
   * items, so that every violation's verdict is independent of the others and a higher rate plants a superset.
   */
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

const customOrigin = (ci: FleetConfigItem): Obj => {
  const origins = at(ci.configuration, "distributionConfig", "origins").items as Obj[];
  const custom = origins.find((o) => typeof o.customOriginConfig === "object");
  if (!custom) throw new Error("fleet: the distribution has no custom origin");
  return custom.customOriginConfig as Obj;
};

const firstContainer = (ci: FleetConfigItem): Obj => {
  const containers = ci.configuration.ContainerDefinitions;
  if (!Array.isArray(containers) || containers.length === 0) throw new Error("fleet: no container definitions");
  return containers[0] as Obj;
};

function setLoadBalancerAttribute(ci: FleetConfigItem, key: string, value: string): void {
  const attrs = ci.supplementaryConfiguration.LoadBalancerAttributes as { key: string; value: string }[];
  const attr = attrs.find((a) => a.key === key);
  if (attr) attr.value = value;
  else attrs.push({ key, value });
}

/** The fleet's second key per account-region (log groups): the one planted pending deletion. */
const isLogsKey = (ci: FleetConfigItem): boolean => String(ci.configuration.description).endsWith(" logs key");
/** The cache AUTH token secret: the one planted with rotation off. */
const isAuthToken = (ci: FleetConfigItem): boolean => ci.resourceName.endsWith("/sessions-auth-token");

/** Edits a URL-encoded policy document (IAM's encoding in Config items). */
function editEncoded(value: unknown, edit: (doc: PolicyDoc) => PolicyDoc): string {
  const doc = JSON.parse(decodeURIComponent(String(value))) as PolicyDoc;
  return encodeURIComponent(JSON.stringify(edit(doc)));
}

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
  // API Gateway v2 (HTTP APIs). `apigatewayv2-api-default-endpoint-disabled` does not apply to a Config item (Config
  // records no custom domain of an HTTP API) and `apigatewayv2-domain-tls-1-2` judges a type Config does not record.
  {
    policyId: "apigatewayv2-stage-access-logging",
    resourceType: "AWS::ApiGatewayV2::Stage",
    mutate: (ci) => {
      delete ci.configuration.accessLogSettings;
    },
  },
  {
    policyId: "apigatewayv2-stage-throttling",
    resourceType: "AWS::ApiGatewayV2::Stage",
    mutate: (ci) => {
      const route = at(ci.configuration, "defaultRouteSettings");
      delete route.throttlingBurstLimit;
      delete route.throttlingRateLimit;
    },
  },

  // CloudFront
  {
    policyId: "cloudfront-default-root-object",
    resourceType: "AWS::CloudFront::Distribution",
    mutate: (ci) => {
      at(ci.configuration, "distributionConfig").defaultRootObject = "";
    },
  },
  {
    policyId: "cloudfront-logging",
    resourceType: "AWS::CloudFront::Distribution",
    mutate: (ci) => {
      at(ci.configuration, "distributionConfig", "logging").enabled = false;
    },
  },
  {
    policyId: "cloudfront-origin-https",
    resourceType: "AWS::CloudFront::Distribution",
    mutate: (ci) => {
      customOrigin(ci).originProtocolPolicy = "http-only";
    },
  },
  {
    policyId: "cloudfront-origin-no-sslv3",
    resourceType: "AWS::CloudFront::Distribution",
    mutate: (ci) => {
      customOrigin(ci).originSslProtocols = { quantity: 2, items: ["SSLv3", "TLSv1.2"] };
    },
  },
  {
    policyId: "cloudfront-viewer-https",
    resourceType: "AWS::CloudFront::Distribution",
    mutate: (ci) => {
      at(ci.configuration, "distributionConfig", "defaultCacheBehavior").viewerProtocolPolicy = "allow-all";
    },
  },
  {
    policyId: "cloudfront-viewer-tls-1-2",
    resourceType: "AWS::CloudFront::Distribution",
    appliesTo: (ci) =>
      typeof at(ci.configuration, "distributionConfig", "viewerCertificate").acmCertificateArn === "string",
    mutate: (ci) => {
      at(ci.configuration, "distributionConfig", "viewerCertificate").minimumProtocolVersion = "TLSv1";
    },
  },
  {
    policyId: "cloudfront-waf",
    resourceType: "AWS::CloudFront::Distribution",
    mutate: (ci) => {
      at(ci.configuration, "distributionConfig").webACLId = "";
    },
  },

  // Elastic Load Balancing (the fleet's load balancers are all application load balancers)
  ...(
    [
      ["elb-access-logs", "access_logs.s3.enabled", "false"],
      ["elb-deletion-protection", "deletion_protection.enabled", "false"],
      ["elb-desync-mitigation", "routing.http.desync_mitigation_mode", "monitor"],
      ["elb-drop-invalid-headers", "routing.http.drop_invalid_header_fields.enabled", "false"],
    ] as const
  ).map(([policyId, key, value]): ViolationSpec => ({
    policyId,
    resourceType: "AWS::ElasticLoadBalancingV2::LoadBalancer",
    mutate: (ci) => {
      setLoadBalancerAttribute(ci, key, value);
    },
  })),
  {
    policyId: "elb-listener-http-redirect",
    resourceType: "AWS::ElasticLoadBalancingV2::Listener",
    appliesTo: (ci) => ci.configuration.Protocol === "HTTP",
    mutate: (ci) => {
      // Serves the application over plain HTTP instead of redirecting (a fixed response stands in for the app).
      ci.configuration.DefaultActions = [
        {
          Type: "fixed-response",
          Order: 1,
          FixedResponseConfig: { StatusCode: "200", ContentType: "text/plain", MessageBody: "ok" },
        },
      ];
    },
  },
  {
    policyId: "elb-listener-tls-1-2",
    resourceType: "AWS::ElasticLoadBalancingV2::Listener",
    appliesTo: (ci) => ci.configuration.Protocol === "HTTPS" || ci.configuration.Protocol === "TLS",
    mutate: (ci) => {
      ci.configuration.SslPolicy = "ELBSecurityPolicy-2016-08";
    },
  },

  // ECS and ECR. `ecs-task-definition-host-mode-user` applies to host network mode only (Fargate tasks use awsvpc).
  {
    policyId: "ecs-cluster-container-insights",
    resourceType: "AWS::ECS::Cluster",
    mutate: (ci) => {
      ci.configuration.ClusterSettings = [{ Name: "containerInsights", Value: "disabled" }];
    },
  },
  {
    policyId: "ecs-service-fargate-latest-platform",
    resourceType: "AWS::ECS::Service",
    appliesTo: (ci) => ci.configuration.LaunchType === "FARGATE",
    mutate: (ci) => {
      ci.configuration.PlatformVersion = "1.3.0";
    },
  },
  {
    policyId: "ecs-service-no-public-ip",
    resourceType: "AWS::ECS::Service",
    mutate: (ci) => {
      at(ci.configuration, "NetworkConfiguration", "AwsvpcConfiguration").AssignPublicIp = "ENABLED";
    },
  },
  {
    policyId: "ecs-task-definition-logging",
    resourceType: "AWS::ECS::TaskDefinition",
    mutate: (ci) => {
      delete firstContainer(ci).LogConfiguration;
    },
  },
  {
    policyId: "ecs-task-definition-no-environment-secrets",
    resourceType: "AWS::ECS::TaskDefinition",
    mutate: (ci) => {
      const container = firstContainer(ci);
      container.Environment = [
        ...(container.Environment as Obj[]),
        { Name: "AWS_SECRET_ACCESS_KEY", Value: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
      ];
    },
  },
  {
    policyId: "ecs-task-definition-no-host-pid",
    resourceType: "AWS::ECS::TaskDefinition",
    mutate: (ci) => {
      ci.configuration.PidMode = "host";
    },
  },
  {
    policyId: "ecs-task-definition-nonprivileged",
    resourceType: "AWS::ECS::TaskDefinition",
    mutate: (ci) => {
      firstContainer(ci).Privileged = true;
    },
  },
  {
    policyId: "ecs-task-definition-readonly-root",
    resourceType: "AWS::ECS::TaskDefinition",
    mutate: (ci) => {
      firstContainer(ci).ReadonlyRootFilesystem = false;
    },
  },
  {
    policyId: "ecr-repository-lifecycle-policy",
    resourceType: "AWS::ECR::Repository",
    mutate: (ci) => {
      delete ci.configuration.LifecyclePolicy;
    },
  },
  {
    policyId: "ecr-repository-scan-on-push",
    resourceType: "AWS::ECR::Repository",
    mutate: (ci) => {
      at(ci.configuration, "ImageScanningConfiguration").ScanOnPush = false;
    },
  },
  {
    policyId: "ecr-repository-tag-immutability",
    resourceType: "AWS::ECR::Repository",
    mutate: (ci) => {
      ci.configuration.ImageTagMutability = "MUTABLE";
    },
  },

  // EC2 security groups. A rule open to the world on port 22 or 3389 (or another high-risk port) also breaks
  // ec2-security-group-no-public-high-risk-ports and ec2-security-group-only-authorized-public-ports: no change
  // breaks one of those three policies alone, so the catalogue plants only the two that can be broken alone.
  {
    policyId: "ec2-default-security-group-no-rules",
    resourceType: "AWS::EC2::SecurityGroup",
    appliesTo: (ci) => ci.configuration.groupName === "default",
    mutate: (ci) => {
      // The rules a new VPC's default group comes with (Amazon VPC User Guide, "Default security groups").
      const c = ci.configuration;
      const self = { groupId: c.groupId, userId: c.ownerId };
      const rule = (pairs: unknown[], cidrs: string[]) => ({
        ipProtocol: "-1",
        userIdGroupPairs: pairs,
        ipv6Ranges: [],
        prefixListIds: [],
        ipRanges: cidrs,
        ipv4Ranges: cidrs.map((cidrIp) => ({ cidrIp })),
      });
      c.ipPermissions = [rule([self], [])];
      c.ipPermissionsEgress = [rule([], ["0.0.0.0/0"])];
    },
  },
  {
    policyId: "ec2-security-group-only-authorized-public-ports",
    resourceType: "AWS::EC2::SecurityGroup",
    appliesTo: (ci) => ci.configuration.groupName !== "default",
    mutate: (ci) => {
      // 8443 is on no high-risk list: only the authorised-ports policy sees it.
      ci.configuration.ipPermissions = [
        ...(ci.configuration.ipPermissions as Obj[]),
        {
          ipProtocol: "tcp",
          fromPort: 8443,
          toPort: 8443,
          userIdGroupPairs: [],
          ipv6Ranges: [],
          prefixListIds: [],
          ipRanges: ["0.0.0.0/0"],
          ipv4Ranges: [{ cidrIp: "0.0.0.0/0" }],
        },
      ];
    },
  },

  // RDS. Instances of an Aurora cluster: backups, copy tags, deletion protection, IAM auth and Multi-AZ are the
  // cluster's (the instance policies do not apply).
  ...(
    [
      ["rds-cluster-backups", "backupRetentionPeriod", 1],
      ["rds-cluster-copy-tags-to-snapshot", "copyTagsToSnapshot", false],
      ["rds-cluster-deletion-protection", "deletionProtection", false],
      ["rds-cluster-encrypted", "storageEncrypted", false],
      ["rds-cluster-iam-auth", "iamdatabaseAuthenticationEnabled", false],
      ["rds-cluster-multi-az", "multiAZ", false],
    ] as const
  ).map(([policyId, key, value]): ViolationSpec => ({
    policyId,
    resourceType: "AWS::RDS::DBCluster",
    mutate: (ci) => {
      ci.configuration[key] = value;
      if (key === "storageEncrypted") delete ci.configuration.kmsKeyId;
    },
  })),
  ...(
    [
      ["rds-instance-auto-minor-upgrade", "autoMinorVersionUpgrade", false, true],
      ["rds-instance-backups", "backupRetentionPeriod", 1, false],
      ["rds-instance-copy-tags-to-snapshot", "copyTagsToSnapshot", false, false],
      ["rds-instance-deletion-protection", "deletionProtection", false, false],
      ["rds-instance-encrypted", "storageEncrypted", false, true],
      ["rds-instance-iam-auth", "iAMDatabaseAuthenticationEnabled", false, false],
      ["rds-instance-multi-az", "multiAZ", false, false],
      ["rds-instance-not-public", "publiclyAccessible", true, true],
    ] as const
  ).map(([policyId, key, value, clusterMembers]): ViolationSpec => ({
    policyId,
    resourceType: "AWS::RDS::DBInstance",
    ...(clusterMembers
      ? {}
      : { appliesTo: (ci: FleetConfigItem) => ci.configuration.dBClusterIdentifier === undefined }),
    mutate: (ci) => {
      ci.configuration[key] = value;
      if (key === "storageEncrypted") delete ci.configuration.kmsKeyId;
      if (key === "multiAZ") delete ci.configuration.secondaryAvailabilityZone;
    },
  })),

  // ElastiCache
  {
    policyId: "elasticache-automatic-backups",
    resourceType: "AWS::ElastiCache::ReplicationGroup",
    mutate: (ci) => {
      ci.configuration.SnapshotRetentionLimit = 0;
      delete ci.configuration.SnapshotWindow;
    },
  },
  {
    policyId: "elasticache-automatic-failover",
    resourceType: "AWS::ElastiCache::ReplicationGroup",
    mutate: (ci) => {
      Object.assign(ci.configuration, { AutomaticFailover: "disabled", MultiAZ: "disabled" });
    },
  },
  {
    policyId: "elasticache-encrypted-at-rest",
    resourceType: "AWS::ElastiCache::ReplicationGroup",
    mutate: (ci) => {
      ci.configuration.AtRestEncryptionEnabled = false;
      delete ci.configuration.KmsKeyId;
    },
  },
  {
    policyId: "elasticache-encrypted-in-transit",
    resourceType: "AWS::ElastiCache::ReplicationGroup",
    mutate: (ci) => {
      // Mid-migration to TLS: plaintext connections still accepted (AUTH keeps working).
      ci.configuration.TransitEncryptionMode = "preferred";
    },
  },
  {
    policyId: "elasticache-redis-auth",
    resourceType: "AWS::ElastiCache::ReplicationGroup",
    appliesTo: (ci) => ci.configuration.Engine !== "valkey" && /^[2-5]\./.test(String(ci.configuration.EngineVersion)),
    mutate: (ci) => {
      ci.configuration.AuthTokenEnabled = false;
    },
  },

  // EKS
  {
    policyId: "eks-audit-logging",
    resourceType: "AWS::EKS::Cluster",
    mutate: (ci) => {
      at(ci.configuration, "Logging", "ClusterLogging").EnabledTypes = [{ Type: "api" }];
    },
  },
  {
    policyId: "eks-endpoint-not-public",
    resourceType: "AWS::EKS::Cluster",
    mutate: (ci) => {
      Object.assign(at(ci.configuration, "ResourcesVpcConfig"), {
        EndpointPublicAccess: true,
        PublicAccessCidrs: ["0.0.0.0/0"],
      });
    },
  },
  {
    policyId: "eks-secrets-encrypted",
    resourceType: "AWS::EKS::Cluster",
    mutate: (ci) => {
      delete ci.configuration.EncryptionConfig;
    },
  },
  {
    policyId: "eks-supported-version",
    resourceType: "AWS::EKS::Cluster",
    mutate: (ci) => {
      ci.configuration.Version = "1.29";
    },
  },

  // IAM roles (URL-encoded policy documents, as Config records them)
  {
    policyId: "iam-role-github-oidc-sub-restricted",
    resourceType: "AWS::IAM::Role",
    appliesTo: (ci) =>
      String(ci.configuration.assumeRolePolicyDocument).includes("token.actions.githubusercontent.com"),
    mutate: (ci) => {
      ci.configuration.assumeRolePolicyDocument = editEncoded(ci.configuration.assumeRolePolicyDocument, (doc) => {
        for (const s of doc.Statement) delete s.Condition?.StringEquals?.["token.actions.githubusercontent.com:sub"];
        return doc;
      });
    },
  },
  {
    policyId: "iam-role-no-inline-admin",
    resourceType: "AWS::IAM::Role",
    mutate: (ci) => {
      ci.configuration.rolePolicyList = [
        ...(ci.configuration.rolePolicyList as Obj[]),
        {
          policyName: "break-glass",
          policyDocument: encodeURIComponent(
            JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }),
          ),
        },
      ];
    },
  },
  {
    policyId: "iam-role-trust-not-public",
    resourceType: "AWS::IAM::Role",
    mutate: (ci) => {
      ci.configuration.assumeRolePolicyDocument = editEncoded(ci.configuration.assumeRolePolicyDocument, (doc) => ({
        ...doc,
        Statement: [...doc.Statement, { Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }],
      }));
    },
  },

  // Kinesis
  {
    policyId: "kinesis-stream-encrypted",
    resourceType: "AWS::Kinesis::Stream",
    mutate: (ci) => {
      delete ci.configuration.StreamEncryption;
    },
  },
  {
    policyId: "kinesis-stream-retention",
    resourceType: "AWS::Kinesis::Stream",
    mutate: (ci) => {
      ci.configuration.RetentionPeriodHours = 24;
    },
  },

  // KMS
  {
    policyId: "kms-key-not-pending-deletion",
    resourceType: "AWS::KMS::Key",
    appliesTo: (ci) => ci.configuration.keyManager === "CUSTOMER" && isLogsKey(ci),
    mutate: (ci) => {
      Object.assign(ci.configuration, {
        enabled: false,
        keyState: "PendingDeletion",
        deletionDate: new Date(Date.parse(ci.configurationItemCaptureTime) + 30 * 86_400_000).toISOString(),
      });
    },
  },
  {
    policyId: "kms-key-rotation",
    resourceType: "AWS::KMS::Key",
    appliesTo: (ci) =>
      ci.configuration.keyManager === "CUSTOMER" &&
      ci.configuration.customerMasterKeySpec === "SYMMETRIC_DEFAULT" &&
      ci.configuration.origin === "AWS_KMS" &&
      ci.configuration.keyState === "Enabled" &&
      !isLogsKey(ci),
    mutate: (ci) => {
      ci.supplementaryConfiguration.KeyRotationStatus = false;
    },
  },

  // CloudWatch Logs
  {
    policyId: "logs-group-encrypted",
    resourceType: "AWS::Logs::LogGroup",
    mutate: (ci) => {
      delete ci.configuration.KmsKeyId;
    },
  },
  {
    policyId: "logs-group-retention",
    resourceType: "AWS::Logs::LogGroup",
    mutate: (ci) => {
      ci.configuration.RetentionInDays = 14;
    },
  },

  // Secrets Manager
  {
    policyId: "secretsmanager-rotation-enabled",
    resourceType: "AWS::SecretsManager::Secret",
    appliesTo: (ci) => ci.configuration.Deleted === false && isAuthToken(ci),
    mutate: (ci) => {
      ci.configuration.RotationEnabled = false;
      for (const k of ["RotationLambdaARN", "RotationRules", "RotationOccurringAsScheduled"])
        delete ci.configuration[k];
    },
  },
  {
    policyId: "secretsmanager-rotation-90-days",
    resourceType: "AWS::SecretsManager::Secret",
    appliesTo: (ci) =>
      ci.configuration.RotationEnabled === true && ci.configuration.Deleted === false && !isAuthToken(ci),
    mutate: (ci) => {
      at(ci.configuration, "RotationRules").AutomaticallyAfterDays = 365;
    },
  },
  {
    policyId: "secretsmanager-rotation-succeeded",
    resourceType: "AWS::SecretsManager::Secret",
    appliesTo: (ci) =>
      ci.configuration.RotationEnabled === true && ci.configuration.Deleted === false && !isAuthToken(ci),
    mutate: (ci) => {
      ci.configuration.RotationOccurringAsScheduled = false;
    },
  },

  // Step Functions
  {
    policyId: "stepfunctions-logging",
    resourceType: "AWS::StepFunctions::StateMachine",
    mutate: (ci) => {
      ci.configuration.LoggingConfiguration = { Level: "OFF", IncludeExecutionData: false };
    },
  },
  {
    policyId: "stepfunctions-tracing",
    resourceType: "AWS::StepFunctions::StateMachine",
    mutate: (ci) => {
      at(ci.configuration, "TracingConfiguration").Enabled = false;
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
 * DomainName `configuration.Tags` [{Key, Value}], IAM role and security group `configuration.tags` [{key, value}]),
 * so that every reader sees the same value.
 */
export function setTag(ci: FleetConfigItem, key: string, value: string): void {
  ci.tags[key] = value;
  const copies = [ci.supplementaryConfiguration.Tags, ci.configuration.Tags, ci.configuration.tags];
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
