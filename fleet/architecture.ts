import {
  ACCOUNT_PROFILES,
  COST_CENTERS,
  configItem,
  DAY,
  iso,
  isoSeconds,
  messagingItems,
  messagingNames,
} from "./resources";
import {
  bucketItem,
  serviceContext,
  serviceItems,
  tlsDeny,
  type AccountRegion,
  type ServiceContext,
} from "./resources";
import { FLEET_REGIONS, type FleetConfigItem, type PolicyDoc } from "./model";
import { deriveSeed, Prng } from "./prng";

/**
 * The rest of the AWS microservices reference architecture around the serverless services of resources.ts:
 * container services (Fargate behind an Application Load Balancer, data in Aurora or RDS for PostgreSQL), and the
 * pieces every account and Region shares (CloudFront + S3 front end, ElastiCache, a Kinesis event store, a Step
 * Functions saga, KMS keys, security groups, IAM roles, Secrets Manager secrets, an EKS cluster in the platform
 * account). Every item's shape is the one of the Config item examples of the type's policies (policies/<service>/,
 * whose READMEs name the AWS sources), with names, ids and ARNs of the service, account and Region. Clean for every
 * policy; violations.ts breaks them.
 */

/** How a microservice is built: its entry point, compute and data. */
export type Flavour = "rest-lambda" | "http-lambda" | "fargate-aurora" | "fargate-postgres";
export const FLAVOURS: readonly Flavour[] = ["rest-lambda", "http-lambda", "fargate-aurora", "fargate-postgres"];

/** Items of one service of each flavour (checked by test/unit/fleet-architecture.test.ts). */
export const ITEMS_PER_FLAVOUR: Readonly<Record<Flavour, number>> = {
  "rest-lambda": 14,
  "http-lambda": 11,
  "fargate-aurora": 18,
  "fargate-postgres": 17,
};

/**
 * Mean items per service over a round of the four flavours (sizing: services for a wanted number of items); the
 * exact count of a fleet is serviceItemsTotal plus the shared pieces.
 */
export const ITEMS_PER_SERVICE = 15;

const ACCOUNT_REGIONS = ACCOUNT_PROFILES.length * FLEET_REGIONS.length;

/**
 * Services are dealt round-robin over the account-regions (generate.ts), so the flavour turns once more every
 * round: every account-region gets every flavour.
 */
export function serviceFlavour(index: number): Flavour {
  return FLAVOURS[(index + Math.floor(index / ACCOUNT_REGIONS)) % FLAVOURS.length] as Flavour;
}

/** Configuration items of services 0..services-1. */
export function serviceItemsTotal(services: number): number {
  let total = 0;
  for (let i = 0; i < services; i++) total += ITEMS_PER_FLAVOUR[serviceFlavour(i)];
  return total;
}

/** The Region whose recorder records the account's global resources (IAM), and where CloudFront is recorded. */
export const GLOBAL_RECORDING_REGION = "us-east-1";

/** Route 53 hosted zone of Application Load Balancers, per Region (Elastic Load Balancing endpoints table). */
const ALB_HOSTED_ZONES: Record<string, string> = { "eu-west-1": "Z32O12XQLNTSW2", "us-east-1": "Z35SXDOTRQ7X7K" };
/** Elastic Load Balancing's log delivery account, per Region (Elastic Load Balancing User Guide, access logs). */
export const ELB_LOG_ACCOUNTS: Record<string, string> = { "us-east-1": "127311923021", "eu-west-1": "156460612806" };
/** Route 53 hosted zone of RDS endpoints, per Region (as the recorded examples give for eu-west-1). */
const RDS_HOSTED_ZONES: Record<string, string> = { "eu-west-1": "Z29XKXDKYMONMX", "us-east-1": "Z2R2ITUGPM61AM" };

/** The account-region's VPC: ids derived from the seed, the same for every item that names them. */
interface Vpc {
  vpcId: string;
  cidr: string;
  subnets: [string, string];
  zones: [string, string];
  /** RDS endpoint suffix (`<id>.<suffix>.<region>.rds.amazonaws.com`). */
  rdsSuffix: string;
}

function vpcOf(seed: number, ar: AccountRegion): Vpc {
  const rng = new Prng(deriveSeed(seed, "vpc", ar.account.id, ar.region));
  return {
    vpcId: `vpc-${rng.hex(17)}`,
    cidr: `10.${rng.int(0, 255)}.0.0/16`,
    subnets: [`subnet-${rng.hex(17)}`, `subnet-${rng.hex(17)}`],
    zones: [`${ar.region}a`, `${ar.region}b`],
    rdsSuffix: rng.chars("abcdefghijklmnopqrstuvwxyz0123456789", 12),
  };
}

/** One ingress/egress rule in Config's naming (policies/ec2 examples: both `ipRanges` and `ipv4Ranges`). */
function sgRule(protocol: string, port: number | undefined, cidrs: string[], v6 = false, fromGroup?: [string, string]) {
  return {
    ipProtocol: protocol,
    ...(port !== undefined ? { fromPort: port, toPort: port } : {}),
    userIdGroupPairs: fromGroup ? [{ groupId: fromGroup[0], userId: fromGroup[1] }] : [],
    ipv6Ranges: v6 ? [{ cidrIpv6: "::/0" }] : [],
    prefixListIds: [],
    ipRanges: cidrs,
    ipv4Ranges: cidrs.map((cidrIp) => ({ cidrIp })),
  };
}

interface SecurityGroupSpec {
  id: string;
  name: string;
  description: string;
  ingress: unknown[];
  egress: unknown[];
  tags: Record<string, string>;
}

function securityGroupItem(ar: AccountRegion, vpc: Vpc, g: SecurityGroupSpec, createdMs: number, capturedMs: number) {
  const { account, region } = ar;
  return configItem(ar, {
    resourceType: "AWS::EC2::SecurityGroup",
    resourceId: g.id,
    resourceName: g.name,
    arn: `arn:aws:ec2:${region}:${account.id}:security-group/${g.id}`,
    relationships: [
      { resourceId: vpc.vpcId, resourceName: null, resourceType: "AWS::EC2::VPC", name: "Is contained in Vpc" },
    ],
    configuration: {
      ownerId: account.id,
      groupName: g.name,
      groupId: g.id,
      description: g.description,
      ipPermissions: g.ingress,
      ipPermissionsEgress: g.egress,
      vpcId: vpc.vpcId,
      tags: Object.entries(g.tags).map(([key, value]) => ({ key, value })),
    },
    tags: g.tags,
    createdMs,
    capturedMs,
  });
}

const ALL_EGRESS = () => [sgRule("-1", undefined, ["0.0.0.0/0"])];

function logGroupItem(
  ar: AccountRegion,
  name: string,
  kmsKeyArn: string,
  tags: Record<string, string>,
  createdMs: number,
  capturedMs: number,
): FleetConfigItem {
  const arn = `arn:aws:logs:${ar.region}:${ar.account.id}:log-group:${name}:*`;
  return configItem(ar, {
    resourceType: "AWS::Logs::LogGroup",
    resourceId: name,
    resourceName: name,
    arn,
    configuration: { LogGroupName: name, Arn: arn, RetentionInDays: 365, KmsKeyId: kmsKeyArn },
    tags,
    createdMs,
    capturedMs,
  });
}

/** A serverless service's Lambda log groups (`/aws/lambda/<function>`), encrypted with the service's key. */
function lambdaLogGroups(seed: number, index: number, ctx: ServiceContext, snapshotMs: number): FleetConfigItem[] {
  const rng = new Prng(deriveSeed(seed, "service-log-groups", index));
  return [`${ctx.svc}-api-handler`, `${ctx.svc}-queue-worker`].map((fn) =>
    logGroupItem(
      ctx.ar,
      `/aws/lambda/${fn}`,
      ctx.kmsKeyArn,
      ctx.tags(),
      snapshotMs - rng.int(30 * DAY, 700 * DAY),
      snapshotMs - rng.int(60_000, 20 * DAY),
    ),
  );
}

/** The clean items of microservice `index`, in a fixed order, whatever its flavour. */
export function microserviceItems(
  seed: number,
  index: number,
  ar: AccountRegion,
  snapshotMs: number,
): FleetConfigItem[] {
  const flavour = serviceFlavour(index);
  if (flavour === "rest-lambda" || flavour === "http-lambda") {
    const items = serviceItems(seed, index, ar, snapshotMs, flavour === "rest-lambda" ? "rest" : "http");
    items.push(...lambdaLogGroups(seed, index, serviceContext(seed, index, ar, snapshotMs), snapshotMs));
    return items;
  }
  return containerServiceItems(seed, index, ar, snapshotMs, flavour);
}

/**
 * A container service: ECR repository, ECS cluster, task definition and Fargate service, an internet-facing ALB
 * with an HTTPS listener and an HTTP listener redirecting to it, security groups (ALB, tasks, database), the
 * database (an Aurora PostgreSQL cluster and its writer, or an RDS for PostgreSQL instance), its credentials in
 * Secrets Manager, the tasks' log group, and the queue, topic and bucket every service has.
 */
function containerServiceItems(
  seed: number,
  index: number,
  ar: AccountRegion,
  snapshotMs: number,
  flavour: "fargate-aurora" | "fargate-postgres",
): FleetConfigItem[] {
  const ctx = serviceContext(seed, index, ar, snapshotMs);
  // Its own stream, so that the shared context draws as for every flavour.
  const rng = new Prng(deriveSeed(seed, "container-service", index));
  const { svc, region, acct, tags, created, captured, kmsKeyArn } = ctx;
  const vpc = vpcOf(seed, ar);
  const items: FleetConfigItem[] = [];
  const appName = `${svc}-api`;
  const taskRole = `arn:aws:iam::${acct}:role/${appName}-task`;
  const executionRole = `arn:aws:iam::${acct}:role/ecsTaskExecutionRole`;
  const logGroup = `/ecs/${appName}`;

  // Security groups: the ALB takes HTTP and HTTPS from anywhere, the tasks only from the ALB, the database only
  // from the tasks.
  const albSg = `sg-${rng.hex(17)}`;
  const appSg = `sg-${rng.hex(17)}`;
  const dbSg = `sg-${rng.hex(17)}`;
  const groups: SecurityGroupSpec[] = [
    {
      id: albSg,
      name: `${svc}-alb`,
      description: `${svc} load balancer`,
      ingress: [sgRule("tcp", 80, ["0.0.0.0/0"], true), sgRule("tcp", 443, ["0.0.0.0/0"], true)],
      egress: ALL_EGRESS(),
      tags: tags(),
    },
    {
      id: appSg,
      name: `${svc}-tasks`,
      description: `${svc} Fargate tasks`,
      ingress: [sgRule("tcp", 8080, [], false, [albSg, acct])],
      egress: ALL_EGRESS(),
      tags: tags(),
    },
    {
      id: dbSg,
      name: `${svc}-db`,
      description: `${svc} database`,
      ingress: [sgRule("tcp", 5432, [], false, [appSg, acct])],
      egress: ALL_EGRESS(),
      tags: tags(),
    },
  ];
  for (const g of groups) items.push(securityGroupItem(ar, vpc, g, created(), captured()));

  // ECR repository (policies/ecr examples).
  const repoArn = `arn:aws:ecr:${region}:${acct}:repository/${appName}`;
  const repoUri = `${acct}.dkr.ecr.${region}.amazonaws.com/${appName}`;
  items.push(
    configItem(ar, {
      resourceType: "AWS::ECR::Repository",
      resourceId: appName,
      resourceName: appName,
      arn: repoArn,
      configuration: {
        RepositoryName: appName,
        Arn: repoArn,
        RepositoryUri: repoUri,
        ImageTagMutability: "IMMUTABLE",
        ImageScanningConfiguration: { ScanOnPush: true },
        EncryptionConfiguration: { EncryptionType: "AES256" },
        LifecyclePolicy: { LifecyclePolicyText: ECR_LIFECYCLE_POLICY, RegistryId: acct },
      },
      tags: tags(),
      createdMs: created(),
      capturedMs: captured(),
    }),
  );

  // ECS cluster, task definition and service (policies/ecs examples).
  const clusterArn = `arn:aws:ecs:${region}:${acct}:cluster/${svc}`;
  items.push(
    configItem(ar, {
      resourceType: "AWS::ECS::Cluster",
      resourceId: svc,
      resourceName: svc,
      arn: clusterArn,
      configuration: {
        ClusterName: svc,
        Arn: clusterArn,
        CapacityProviders: ["FARGATE", "FARGATE_SPOT"],
        DefaultCapacityProviderStrategy: [{ CapacityProvider: "FARGATE", Weight: 1, Base: 0 }],
        Configuration: { ExecuteCommandConfiguration: { Logging: "DEFAULT" } },
        ClusterSettings: [{ Name: "containerInsights", Value: "enabled" }],
      },
      tags: tags(),
      createdMs: created(),
      capturedMs: captured(),
    }),
  );
  const revision = rng.int(2, 60);
  const taskDefArn = `arn:aws:ecs:${region}:${acct}:task-definition/${appName}:${revision}`;
  const secretArn = `arn:aws:secretsmanager:${region}:${acct}:secret:${svc}/db-${rng.alnum(6)}`;
  const imageTag = `${rng.int(1, 4)}.${rng.int(0, 20)}.${rng.int(0, 9)}`;
  items.push(
    configItem(ar, {
      resourceType: "AWS::ECS::TaskDefinition",
      resourceId: taskDefArn,
      resourceName: `${appName}:${revision}`,
      arn: taskDefArn,
      configuration: {
        TaskDefinitionArn: taskDefArn,
        Family: appName,
        ContainerDefinitions: [
          {
            Name: "app",
            Image: `${repoUri}:${imageTag}`,
            Cpu: 0,
            Essential: true,
            Privileged: false,
            ReadonlyRootFilesystem: true,
            User: "1000:1000",
            PortMappings: [{ ContainerPort: 8080, HostPort: 8080, Protocol: "tcp" }],
            Environment: [
              { Name: "LOG_LEVEL", Value: "info" },
              { Name: "QUEUE_URL", Value: messagingNames(ctx).queueUrl(messagingNames(ctx).queueName) },
            ],
            Secrets: [{ Name: "DB_PASSWORD", ValueFrom: secretArn }],
            LogConfiguration: {
              LogDriver: "awslogs",
              Options: { "awslogs-group": logGroup, "awslogs-region": region, "awslogs-stream-prefix": "app" },
            },
            MountPoints: [],
            VolumesFrom: [],
          },
        ],
        ExecutionRoleArn: executionRole,
        TaskRoleArn: taskRole,
        NetworkMode: "awsvpc",
        RequiresCompatibilities: ["FARGATE"],
        Cpu: "512",
        Memory: "1024",
        Volumes: [],
        PlacementConstraints: [],
        Status: "ACTIVE",
      },
      tags: tags(),
      createdMs: created(),
      capturedMs: captured(),
    }),
  );

  // The ALB, its target group and listeners (policies/elasticloadbalancing examples).
  const lbId = rng.hex(16);
  const lbArn = `arn:aws:elasticloadbalancing:${region}:${acct}:loadbalancer/app/${svc}-alb/${lbId}`;
  const targetGroupArn = `arn:aws:elasticloadbalancing:${region}:${acct}:targetgroup/${appName}/${rng.hex(16)}`;
  const serviceArn = `arn:aws:ecs:${region}:${acct}:service/${svc}/${appName}`;
  items.push(
    configItem(ar, {
      resourceType: "AWS::ECS::Service",
      resourceId: serviceArn,
      resourceName: appName,
      arn: serviceArn,
      configuration: {
        ServiceArn: serviceArn,
        ServiceName: appName,
        Name: appName,
        Cluster: clusterArn,
        LaunchType: "FARGATE",
        PlatformVersion: "LATEST",
        TaskDefinition: taskDefArn,
        DesiredCount: rng.int(2, 6),
        SchedulingStrategy: "REPLICA",
        DeploymentConfiguration: {
          DeploymentCircuitBreaker: { Enable: true, Rollback: true },
          MaximumPercent: 200,
          MinimumHealthyPercent: 100,
        },
        DeploymentController: { Type: "ECS" },
        NetworkConfiguration: {
          AwsvpcConfiguration: { AssignPublicIp: "DISABLED", SecurityGroups: [appSg], Subnets: [...vpc.subnets] },
        },
        LoadBalancers: [{ ContainerName: "app", ContainerPort: 8080, TargetGroupArn: targetGroupArn }],
        EnableECSManagedTags: true,
        EnableExecuteCommand: false,
        PropagateTags: "SERVICE",
      },
      tags: tags(),
      createdMs: created(),
      capturedMs: captured(),
    }),
  );

  const lbCreated = created();
  const lbName = `${svc}-alb`;
  items.push(
    configItem(ar, {
      resourceType: "AWS::ElasticLoadBalancingV2::LoadBalancer",
      resourceId: lbArn,
      resourceName: lbName,
      arn: lbArn,
      configuration: {
        loadBalancerArn: lbArn,
        dNSName: `${lbName}-${rng.int(100_000_000, 1_999_999_999)}.${region}.elb.amazonaws.com`,
        canonicalHostedZoneId: ALB_HOSTED_ZONES[region] ?? "Z35SXDOTRQ7X7K",
        createdTime: iso(lbCreated),
        loadBalancerName: lbName,
        scheme: "internet-facing",
        vpcId: vpc.vpcId,
        state: { code: "active" },
        type: "application",
        availabilityZones: vpc.subnets.map((subnetId, z) => ({
          zoneName: vpc.zones[z],
          subnetId,
          loadBalancerAddresses: [],
        })),
        securityGroups: [albSg],
        ipAddressType: "ipv4",
      },
      supplementaryConfiguration: {
        LoadBalancerAttributes: [
          { key: "access_logs.s3.enabled", value: "true" },
          { key: "access_logs.s3.bucket", value: ar.accessLogBucket },
          { key: "access_logs.s3.prefix", value: lbName },
          { key: "deletion_protection.enabled", value: "true" },
          { key: "idle_timeout.timeout_seconds", value: "60" },
          { key: "routing.http.desync_mitigation_mode", value: "defensive" },
          { key: "routing.http.drop_invalid_header_fields.enabled", value: "true" },
          { key: "routing.http2.enabled", value: "true" },
          { key: "load_balancing.cross_zone.enabled", value: "true" },
        ],
      },
      tags: tags(),
      createdMs: lbCreated,
      capturedMs: captured(),
    }),
  );
  const listenerArn = () =>
    `arn:aws:elasticloadbalancing:${region}:${acct}:listener/app/${lbName}/${lbId}/${rng.hex(16)}`;
  const httpsArn = listenerArn();
  const httpArn = listenerArn();
  items.push(
    configItem(ar, {
      resourceType: "AWS::ElasticLoadBalancingV2::Listener",
      resourceId: httpsArn,
      resourceName: httpsArn,
      arn: httpsArn,
      configuration: {
        ListenerArn: httpsArn,
        LoadBalancerArn: lbArn,
        Port: 443,
        Protocol: "HTTPS",
        Certificates: [{ CertificateArn: `arn:aws:acm:${region}:${acct}:certificate/${rng.uuid()}` }],
        SslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
        DefaultActions: [
          {
            Type: "forward",
            TargetGroupArn: targetGroupArn,
            Order: 1,
            ForwardConfig: {
              TargetGroups: [{ TargetGroupArn: targetGroupArn, Weight: 1 }],
              TargetGroupStickinessConfig: { Enabled: false },
            },
          },
        ],
      },
      tags: tags(),
      createdMs: created(),
      capturedMs: captured(),
    }),
    configItem(ar, {
      resourceType: "AWS::ElasticLoadBalancingV2::Listener",
      resourceId: httpArn,
      resourceName: httpArn,
      arn: httpArn,
      configuration: {
        ListenerArn: httpArn,
        LoadBalancerArn: lbArn,
        Port: 80,
        Protocol: "HTTP",
        DefaultActions: [
          {
            Type: "redirect",
            Order: 1,
            RedirectConfig: {
              Protocol: "HTTPS",
              Port: "443",
              Host: "#{host}",
              Path: "/#{path}",
              Query: "#{query}",
              StatusCode: "HTTP_301",
            },
          },
        ],
      },
      tags: tags(),
      createdMs: created(),
      capturedMs: captured(),
    }),
  );

  // The database and its credentials (policies/rds and policies/secretsmanager examples).
  const dbCreated = created();
  // Point-in-time restore reaches to about five minutes before the capture.
  const latestRestorable = captured() - 300_000;
  const dbTags = tags();
  const dbCommon = (): Record<string, unknown> => ({
    vpcSecurityGroups: [{ vpcSecurityGroupId: dbSg, status: "active" }],
    storageEncrypted: true,
    kmsKeyId: kmsKeyArn,
    copyTagsToSnapshot: true,
    deletionProtection: true,
    enabledCloudwatchLogsExports: ["postgresql"],
    associatedRoles: [],
    domainMemberships: [],
  });
  const instanceFields = (id: string, dbiResourceId: string, clusterId?: string): Record<string, unknown> => ({
    dBInstanceIdentifier: id,
    dBInstanceClass: clusterId ? "db.r7g.large" : "db.t4g.medium",
    engine: clusterId ? "aurora-postgresql" : "postgres",
    dBInstanceStatus: "available",
    masterUsername: "app_admin",
    ...(clusterId ? {} : { dBName: "app" }),
    endpoint: {
      address: `${id}.${vpc.rdsSuffix}.${region}.rds.amazonaws.com`,
      port: 5432,
      hostedZoneId: RDS_HOSTED_ZONES[region] ?? "Z2R2ITUGPM61AM",
    },
    allocatedStorage: clusterId ? 1 : 100,
    instanceCreateTime: iso(dbCreated),
    preferredBackupWindow: "03:00-03:30",
    backupRetentionPeriod: 7,
    dBSecurityGroups: [],
    dBParameterGroups: [
      {
        dBParameterGroupName: clusterId ? "default.aurora-postgresql16" : "default.postgres16",
        parameterApplyStatus: "in-sync",
      },
    ],
    availabilityZone: vpc.zones[0],
    dBSubnetGroup: {
      dBSubnetGroupName: "app-private",
      dBSubnetGroupDescription: "private subnets",
      vpcId: vpc.vpcId,
      subnetGroupStatus: "Complete",
      subnets: vpc.subnets.map((subnetIdentifier, z) => ({
        subnetIdentifier,
        subnetAvailabilityZone: { name: vpc.zones[z] },
        subnetStatus: "Active",
      })),
    },
    preferredMaintenanceWindow: "sun:04:00-sun:04:30",
    pendingModifiedValues: {},
    latestRestorableTime: isoSeconds(latestRestorable),
    multiAZ: !clusterId,
    engineVersion: "16.4",
    autoMinorVersionUpgrade: true,
    readReplicaDBInstanceIdentifiers: [],
    readReplicaDBClusterIdentifiers: [],
    licenseModel: "postgresql-license",
    optionGroupMemberships: [{ optionGroupName: "default:postgres-16", status: "in-sync" }],
    ...(clusterId ? { dBClusterIdentifier: clusterId } : { secondaryAvailabilityZone: vpc.zones[1] }),
    publiclyAccessible: false,
    storageType: clusterId ? "aurora" : "gp3",
    dbInstancePort: 0,
    dbiResourceId,
    cACertificateIdentifier: "rds-ca-rsa2048-g1",
    monitoringInterval: 0,
    dBInstanceArn: `arn:aws:rds:${region}:${acct}:db:${id}`,
    iAMDatabaseAuthenticationEnabled: true,
    performanceInsightsEnabled: false,
    processorFeatures: [],
    ...(clusterId ? {} : { maxAllocatedStorage: 200 }),
    customerOwnedIpEnabled: false,
    ...dbCommon(),
  });
  const resourceId = (prefix: string) => `${prefix}-${rng.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 26)}`;
  const rdsRelationships = [
    {
      resourceId: dbSg,
      resourceName: null,
      resourceType: "AWS::EC2::SecurityGroup",
      name: "Is associated with SecurityGroup",
    },
  ];
  if (flavour === "fargate-aurora") {
    const clusterId = `${svc}-aurora`;
    const clusterResourceId = resourceId("cluster");
    const clusterArnDb = `arn:aws:rds:${region}:${acct}:cluster:${clusterId}`;
    const writer = `${clusterId}-1`;
    const endpointSuffix = `cluster-${vpc.rdsSuffix}.${region}.rds.amazonaws.com`;
    items.push(
      configItem(ar, {
        resourceType: "AWS::RDS::DBCluster",
        resourceId: clusterResourceId,
        resourceName: clusterId,
        arn: clusterArnDb,
        relationships: rdsRelationships,
        configuration: {
          allocatedStorage: 1,
          backupRetentionPeriod: 7,
          databaseName: "app",
          dbclusterIdentifier: clusterId,
          dbclusterParameterGroup: "default.aurora-postgresql16",
          dbsubnetGroup: "app-private",
          status: "available",
          earliestRestorableTime: iso(Math.max(dbCreated, latestRestorable - 7 * DAY)),
          endpoint: `${clusterId}.${endpointSuffix}`,
          readerEndpoint: `${clusterId}.${endpointSuffix.replace(/^cluster-/, "cluster-ro-")}`,
          multiAZ: true,
          engine: "aurora-postgresql",
          engineVersion: "16.4",
          port: 5432,
          masterUsername: "app_admin",
          preferredBackupWindow: "03:00-03:30",
          preferredMaintenanceWindow: "sun:04:00-sun:04:30",
          readReplicaIdentifiers: [],
          dbclusterMembers: [
            {
              dbinstanceIdentifier: writer,
              isClusterWriter: true,
              dbclusterParameterGroupStatus: "in-sync",
              promotionTier: 1,
            },
            {
              dbinstanceIdentifier: `${clusterId}-2`,
              isClusterWriter: false,
              dbclusterParameterGroupStatus: "in-sync",
              promotionTier: 1,
            },
          ],
          hostedZoneId: RDS_HOSTED_ZONES[region] ?? "Z2R2ITUGPM61AM",
          dbClusterResourceId: clusterResourceId,
          dbclusterArn: clusterArnDb,
          iamdatabaseAuthenticationEnabled: true,
          clusterCreateTime: iso(dbCreated),
          engineMode: "provisioned",
          httpEndpointEnabled: false,
          crossAccountClone: false,
          ...dbCommon(),
        },
        tags: dbTags,
        createdMs: dbCreated,
        capturedMs: captured(),
      }),
    );
    const dbiResourceId = resourceId("db");
    items.push(
      configItem(ar, {
        resourceType: "AWS::RDS::DBInstance",
        resourceId: dbiResourceId,
        resourceName: writer,
        arn: `arn:aws:rds:${region}:${acct}:db:${writer}`,
        relationships: rdsRelationships,
        configuration: instanceFields(writer, dbiResourceId, clusterId),
        tags: tags(),
        createdMs: dbCreated,
        capturedMs: captured(),
      }),
    );
  } else {
    const id = `${svc}-db`;
    const dbiResourceId = resourceId("db");
    items.push(
      configItem(ar, {
        resourceType: "AWS::RDS::DBInstance",
        resourceId: dbiResourceId,
        resourceName: id,
        arn: `arn:aws:rds:${region}:${acct}:db:${id}`,
        relationships: rdsRelationships,
        configuration: instanceFields(id, dbiResourceId),
        tags: dbTags,
        createdMs: dbCreated,
        capturedMs: captured(),
      }),
    );
  }
  items.push(secretItem(ar, secretArn, `${svc}/db`, `${svc} database credentials`, tags(), created(), captured()));
  const logCreated = created();
  items.push(logGroupItem(ar, logGroup, kmsKeyArn, tags(), logCreated, captured()));
  items.push(...messagingItems(ctx, taskRole));
  return items;
}

function secretItem(
  ar: AccountRegion,
  arn: string,
  name: string,
  description: string,
  tags: Record<string, string>,
  createdMs: number,
  capturedMs: number,
): FleetConfigItem {
  return configItem(ar, {
    resourceType: "AWS::SecretsManager::Secret",
    resourceId: arn,
    resourceName: name,
    arn,
    configuration: {
      ARN: arn,
      Name: name,
      Description: description,
      Deleted: false,
      RotationEnabled: true,
      RotationLambdaARN: `arn:aws:lambda:${ar.region}:${ar.account.id}:function:SecretsManagerRDSPostgreSQLRotationSingleUser`,
      RotationRules: { AutomaticallyAfterDays: 30 },
      RotationOccurringAsScheduled: true,
    },
    tags,
    createdMs,
    capturedMs,
  });
}

const ECR_LIFECYCLE_POLICY = JSON.stringify({
  rules: [
    {
      rulePriority: 1,
      description: "expire untagged images after 14 days",
      selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 14 },
      action: { type: "expire" },
    },
  ],
});

/**
 * What every account and Region shares: the platform KMS keys (data, logs), the default security group of the VPC,
 * the access-log bucket, a Kinesis stream (the event store), a Step Functions state machine (the order saga) and
 * its log group, an ElastiCache replication group (sessions) with its security group and AUTH token secret; in the platform account an EKS
 * cluster; in us-east-1 the CloudFront distribution of the storefront and its S3 bucket (CloudFront is recorded
 * there) and the account's IAM roles (global: recorded once, with awsRegion `global`).
 */
export function sharedItems(seed: number, ar: AccountRegion, snapshotMs: number): FleetConfigItem[] {
  const rng = new Prng(deriveSeed(seed, "shared", ar.account.id, ar.region));
  const { account, region } = ar;
  const acct = account.id;
  const vpc = vpcOf(seed, ar);
  const tags = (team: string, service: string): Record<string, string> => ({
    service,
    team,
    environment: account.environment,
    "cost-center": COST_CENTERS[team] ?? "CC-1000",
  });
  const platform = (service: string) => tags("platform", service);
  const builtMs = snapshotMs - rng.int(200 * DAY, 900 * DAY);
  const created = () => builtMs + rng.int(0, 3_600_000);
  const captured = () => snapshotMs - rng.int(60_000, 20 * DAY);
  const items: FleetConfigItem[] = [];

  // The platform's customer managed keys: data (streams, caches, clusters) and logs (policies/kms examples).
  const key = (purpose: string) => {
    const keyId = rng.uuid();
    const keyArn = `arn:aws:kms:${region}:${acct}:key/${keyId}`;
    const keyCreated = created();
    items.push(
      configItem(ar, {
        resourceType: "AWS::KMS::Key",
        resourceId: keyId,
        resourceName: keyId,
        arn: keyArn,
        configuration: {
          awsaccountId: acct,
          keyId,
          arn: keyArn,
          creationDate: iso(keyCreated),
          enabled: true,
          description: `${account.name} ${purpose} key`,
          keyUsage: "ENCRYPT_DECRYPT",
          keyState: "Enabled",
          origin: "AWS_KMS",
          keyManager: "CUSTOMER",
          customerMasterKeySpec: "SYMMETRIC_DEFAULT",
          encryptionAlgorithms: ["SYMMETRIC_DEFAULT"],
          signingAlgorithms: [],
        },
        supplementaryConfiguration: { KeyRotationStatus: true },
        tags: platform("platform-keys"),
        createdMs: keyCreated,
        capturedMs: captured(),
      }),
    );
    return keyArn;
  };
  const keyArn = key("data");
  const logsKeyArn = key("logs");

  // The VPC's default security group, with its default rules removed (policies/ec2 examples).
  const defaultSg = `sg-${rng.hex(17)}`;
  items.push(
    securityGroupItem(
      ar,
      vpc,
      {
        id: defaultSg,
        name: "default",
        description: "default VPC security group",
        ingress: [],
        egress: [],
        tags: platform("network"),
      },
      created(),
      captured(),
    ),
  );

  // The account-region's log bucket: S3 server access logs and load balancer access logs are delivered here
  // (SSE-S3: the only encryption either delivery supports; Amazon S3 User Guide, "Enabling Amazon S3 server access
  // logging"; Elastic Load Balancing User Guide, "Enable access logs for your Application Load Balancer").
  const logBucket = ar.accessLogBucket;
  const logBucketArn = `arn:aws:s3:::${logBucket}`;
  const logBucketCreated = created();
  items.push(
    configItem(ar, {
      resourceType: "AWS::S3::Bucket",
      resourceId: logBucket,
      resourceName: logBucket,
      arn: logBucketArn,
      configuration: {
        name: logBucket,
        owner: { displayName: null, id: ar.s3OwnerId },
        creationDate: iso(logBucketCreated),
      },
      supplementaryConfiguration: {
        AccessControlList: JSON.stringify({
          grantSet: null,
          grantList: [{ grantee: { id: ar.s3OwnerId, displayName: null }, permission: "FullControl" }],
          owner: { displayName: null, id: ar.s3OwnerId },
          isRequesterCharged: false,
        }),
        BucketLoggingConfiguration: { destinationBucketName: null, logFilePrefix: null },
        BucketPolicy: {
          policyText: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              tlsDeny("s3:*", [logBucketArn, `${logBucketArn}/*`]),
              {
                Sid: "S3ServerAccessLogs",
                Effect: "Allow",
                Principal: { Service: "logging.s3.amazonaws.com" },
                Action: "s3:PutObject",
                Resource: `${logBucketArn}/*`,
                Condition: { StringEquals: { "aws:SourceAccount": acct } },
              },
              {
                // Regions opened before August 2022 deliver load balancer logs from the Region's Elastic Load
                // Balancing account (Elastic Load Balancing User Guide, "Enable access logs for your Application
                // Load Balancer").
                Sid: "LoadBalancerAccessLogs",
                Effect: "Allow",
                Principal: { AWS: `arn:aws:iam::${ELB_LOG_ACCOUNTS[region] ?? "127311923021"}:root` },
                Action: "s3:PutObject",
                Resource: `${logBucketArn}/AWSLogs/${acct}/*`,
              },
            ],
          } satisfies PolicyDoc),
        },
        BucketVersioningConfiguration: { status: "Enabled", isMfaDeleteEnabled: null },
        IsRequesterPaysEnabled: false,
        PublicAccessBlockConfiguration: {
          blockPublicAcls: true,
          ignorePublicAcls: true,
          blockPublicPolicy: true,
          restrictPublicBuckets: true,
        },
        ServerSideEncryptionConfiguration: {
          rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: false }],
        },
      },
      tags: tags("security", "access-logs"),
      createdMs: logBucketCreated,
      capturedMs: captured(),
    }),
  );

  // The event store (policies/kinesis examples).
  const streamName = `${account.name}-domain-events`;
  const streamArn = `arn:aws:kinesis:${region}:${acct}:stream/${streamName}`;
  items.push(
    configItem(ar, {
      resourceType: "AWS::Kinesis::Stream",
      resourceId: streamName,
      resourceName: streamName,
      arn: streamArn,
      configuration: {
        Name: streamName,
        Arn: streamArn,
        RetentionPeriodHours: 168,
        ShardCount: rng.int(2, 8),
        StreamEncryption: { EncryptionType: "KMS", KeyId: keyArn },
      },
      tags: platform("event-store"),
      createdMs: created(),
      capturedMs: captured(),
    }),
  );

  // The order saga and its execution log group (policies/stepfunctions and policies/logs examples).
  const sagaName = `${account.name}-order-saga`;
  const sagaArn = `arn:aws:states:${region}:${acct}:stateMachine:${sagaName}`;
  const sagaLogGroup = `/aws/vendedlogs/states/${sagaName}`;
  items.push(
    configItem(ar, {
      resourceType: "AWS::StepFunctions::StateMachine",
      resourceId: sagaArn,
      resourceName: sagaName,
      arn: sagaArn,
      configuration: {
        Arn: sagaArn,
        StateMachineName: sagaName,
        StateMachineType: "STANDARD",
        RoleArn: `arn:aws:iam::${acct}:role/${account.name}-order-saga-${region}`,
        LoggingConfiguration: {
          Level: "ERROR",
          IncludeExecutionData: false,
          Destinations: [
            { CloudWatchLogsLogGroup: { LogGroupArn: `arn:aws:logs:${region}:${acct}:log-group:${sagaLogGroup}:*` } },
          ],
        },
        TracingConfiguration: { Enabled: true },
      },
      tags: tags("commerce", "order-saga"),
      createdMs: created(),
      capturedMs: captured(),
    }),
    logGroupItem(ar, sagaLogGroup, logsKeyArn, tags("commerce", "order-saga"), created(), captured()),
  );

  // The session cache, its security group and AUTH token (policies/elasticache examples). Production runs
  // Valkey; the other accounts still run Redis OSS 5, where AUTH is judged.
  const cacheId = `${account.name}-sessions`.slice(0, 40);
  const cacheSg = `sg-${rng.hex(17)}`;
  const valkey = account.environment === "prod";
  items.push(
    securityGroupItem(
      ar,
      vpc,
      {
        id: cacheSg,
        name: "sessions-cache",
        description: "session cache",
        ingress: [sgRule("tcp", 6379, [vpc.cidr])],
        egress: ALL_EGRESS(),
        tags: platform("sessions"),
      },
      created(),
      captured(),
    ),
    configItem(ar, {
      resourceType: "AWS::ElastiCache::ReplicationGroup",
      resourceId: cacheId,
      resourceName: cacheId,
      arn: `arn:aws:elasticache:${region}:${acct}:replicationgroup:${cacheId}`,
      configuration: {
        ReplicationGroupId: cacheId,
        Description: "session store",
        Status: "available",
        MemberClusters: [`${cacheId}-001`, `${cacheId}-002`],
        AutomaticFailover: "enabled",
        MultiAZ: "enabled",
        SnapshotRetentionLimit: 7,
        SnapshotWindow: "03:30-04:30",
        ClusterEnabled: false,
        CacheNodeType: "cache.r7g.large",
        AuthTokenEnabled: true,
        TransitEncryptionEnabled: true,
        TransitEncryptionMode: "required",
        AtRestEncryptionEnabled: true,
        KmsKeyId: keyArn,
        ARN: `arn:aws:elasticache:${region}:${acct}:replicationgroup:${cacheId}`,
        Engine: valkey ? "valkey" : "redis",
        EngineVersion: valkey ? "8.0" : "5.0.6",
      },
      tags: platform("sessions"),
      createdMs: created(),
      capturedMs: captured(),
    }),
  );
  const tokenName = `${account.name}/sessions-auth-token`;
  items.push(
    secretItem(
      ar,
      `arn:aws:secretsmanager:${region}:${acct}:secret:${tokenName}-${rng.alnum(6)}`,
      tokenName,
      "session cache AUTH token",
      platform("sessions"),
      created(),
      captured(),
    ),
  );

  // The platform team's Kubernetes cluster (policies/eks examples).
  if (account.environment === "shared-services") {
    const eksName = `${account.name}-eks`;
    const eksArn = `arn:aws:eks:${region}:${acct}:cluster/${eksName}`;
    items.push(
      configItem(ar, {
        resourceType: "AWS::EKS::Cluster",
        resourceId: eksName,
        resourceName: eksName,
        arn: eksArn,
        configuration: {
          Arn: eksArn,
          Endpoint: `https://${rng.chars("0123456789ABCDEF", 32)}.gr7.${region}.eks.amazonaws.com`,
          Name: eksName,
          ResourcesVpcConfig: {
            SecurityGroupIds: [`sg-${rng.hex(17)}`],
            SubnetIds: [...vpc.subnets],
            EndpointPublicAccess: false,
            EndpointPrivateAccess: true,
          },
          RoleArn: `arn:aws:iam::${acct}:role/${eksName}-cluster-role`,
          Version: "1.33",
          EncryptionConfig: [{ Resources: ["secrets"], Provider: { KeyArn: keyArn } }],
          Logging: { ClusterLogging: { EnabledTypes: [{ Type: "api" }, { Type: "audit" }] } },
        },
        tags: platform("kubernetes"),
        createdMs: created(),
        capturedMs: captured(),
      }),
    );
  }

  if (region === GLOBAL_RECORDING_REGION) {
    items.push(...storefrontItems(ar, rng, created, captured, tags("discovery", "storefront")));
    items.push(...iamRoleItems(ar, rng, created, captured, platform("iam")));
  }
  return items;
}

/** Shared items of one account-region: 10 everywhere, 5 more in us-east-1, 1 more in the platform account. */
export function sharedItemCount(environment: string, region: string): number {
  return 10 + (region === GLOBAL_RECORDING_REGION ? 5 : 0) + (environment === "shared-services" ? 1 : 0);
}

/** CloudFront distribution of the storefront and its S3 origin bucket (policies/cloudfront examples). */
function storefrontItems(
  ar: AccountRegion,
  rng: Prng,
  created: () => number,
  captured: () => number,
  tags: Record<string, string>,
): FleetConfigItem[] {
  const { account, region } = ar;
  const acct = account.id;
  const distId = `E${rng.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 13)}`;
  const distArn = `arn:aws:cloudfront::${acct}:distribution/${distId}`;
  const bucket = `${account.name}-storefront-${acct}`;
  const bucketArn = `arn:aws:s3:::${bucket}`;
  const host = account.environment === "prod" ? "shop.example.com" : `shop.${account.environment}.example.com`;
  const certificate = `arn:aws:acm:us-east-1:${acct}:certificate/${rng.uuid()}`;
  const distCreated = created();
  const behaviour = (extra: Record<string, unknown>) => ({
    ...extra,
    trustedSigners: { enabled: false, quantity: 0, items: [] },
    trustedKeyGroups: { enabled: false, quantity: 0, items: [] },
    smoothStreaming: false,
    compress: true,
    lambdaFunctionAssociations: { quantity: 0, items: [] },
    functionAssociations: { quantity: 0, items: [] },
    fieldLevelEncryptionId: "",
  });
  const apiOrigin = `api.${host.replace(/^shop\./, "")}`;
  const distribution = configItem(ar, {
    resourceType: "AWS::CloudFront::Distribution",
    resourceId: distId,
    resourceName: distId,
    arn: distArn,
    configuration: {
      id: distId,
      arn: distArn,
      status: "Deployed",
      lastModifiedTime: iso(distCreated + rng.int(DAY, 100 * DAY)),
      inProgressInvalidationBatches: 0,
      domainName: `d${rng.chars("abcdefghijklmnopqrstuvwxyz0123456789", 13)}.cloudfront.net`,
      activeTrustedSigners: { enabled: false, quantity: 0, items: [] },
      activeTrustedKeyGroups: { enabled: false, quantity: 0, items: [] },
      distributionConfig: {
        callerReference: `${account.name}-storefront`,
        aliases: { quantity: 1, items: [host] },
        defaultRootObject: "index.html",
        origins: {
          quantity: 2,
          items: [
            {
              id: "api",
              domainName: apiOrigin,
              originPath: "",
              customHeaders: { quantity: 0, items: [] },
              customOriginConfig: {
                httpPort: 80,
                httpsPort: 443,
                originProtocolPolicy: "https-only",
                originSslProtocols: { quantity: 1, items: ["TLSv1.2"] },
                originReadTimeout: 30,
                originKeepaliveTimeout: 5,
              },
              connectionAttempts: 3,
              connectionTimeout: 10,
              originShield: { enabled: false },
              originAccessControlId: "",
            },
            {
              id: "assets",
              domainName: `${bucket}.s3.${region}.amazonaws.com`,
              originPath: "",
              customHeaders: { quantity: 0, items: [] },
              s3OriginConfig: { originAccessIdentity: "" },
              connectionAttempts: 3,
              connectionTimeout: 10,
              originShield: { enabled: false },
              originAccessControlId: `E${rng.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 13)}`,
            },
          ],
        },
        originGroups: { quantity: 0, items: [] },
        defaultCacheBehavior: behaviour({
          targetOriginId: "assets",
          viewerProtocolPolicy: "redirect-to-https",
          allowedMethods: {
            quantity: 2,
            items: ["HEAD", "GET"],
            cachedMethods: { quantity: 2, items: ["HEAD", "GET"] },
          },
          cachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6",
        }),
        cacheBehaviors: {
          quantity: 1,
          items: [
            behaviour({
              pathPattern: "/api/*",
              targetOriginId: "api",
              viewerProtocolPolicy: "https-only",
              allowedMethods: {
                quantity: 7,
                items: ["HEAD", "DELETE", "POST", "GET", "OPTIONS", "PUT", "PATCH"],
                cachedMethods: { quantity: 2, items: ["HEAD", "GET"] },
              },
              cachePolicyId: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
              originRequestPolicyId: "b689b0a8-53d0-40ab-baf2-68738e2966ac",
            }),
          ],
        },
        customErrorResponses: { quantity: 0, items: [] },
        comment: `${account.name} storefront`,
        logging: {
          enabled: true,
          includeCookies: false,
          bucket: `${ar.accessLogBucket}.s3.amazonaws.com`,
          prefix: "cloudfront/",
        },
        priceClass: "PriceClass_100",
        enabled: true,
        viewerCertificate: {
          cloudFrontDefaultCertificate: false,
          acmCertificateArn: certificate,
          sslSupportMethod: "sni-only",
          minimumProtocolVersion: "TLSv1.2_2021",
          certificate,
          certificateSource: "acm",
        },
        restrictions: { geoRestriction: { restrictionType: "none", quantity: 0, items: [] } },
        webACLId: `arn:aws:wafv2:us-east-1:${acct}:global/webacl/${account.name}-storefront/${rng.uuid()}`,
        httpVersion: "http2",
        isIPV6Enabled: true,
        staging: false,
      },
    },
    tags,
    createdMs: distCreated,
    capturedMs: captured(),
  });

  const bucketCreated = created();
  const bucketConfig = bucketItem(ar, {
    bucket,
    // Origin access control: only this distribution reads (CloudFront Developer Guide, "Restrict access to an
    // Amazon S3 origin").
    grant: {
      Sid: "AllowCloudFrontServicePrincipalReadOnly",
      Effect: "Allow",
      Principal: { Service: "cloudfront.amazonaws.com" },
      Action: "s3:GetObject",
      Resource: `${bucketArn}/*`,
      Condition: { StringEquals: { "AWS:SourceArn": distArn } },
    },
    encryption: { sseAlgorithm: "AES256" },
    tags,
    createdMs: bucketCreated,
    capturedMs: captured(),
  });
  return [distribution, bucketConfig];
}

const encodedPolicy = (doc: object): string => encodeURIComponent(JSON.stringify(doc));

/**
 * The account's IAM roles Config records as global resources (policies/iam examples: URL-encoded policy documents,
 * awsRegion `global`): the ECS task execution role, the saga's role and the CI deploy role GitHub Actions assumes.
 */
function iamRoleItems(
  ar: AccountRegion,
  rng: Prng,
  created: () => number,
  captured: () => number,
  tags: Record<string, string>,
): FleetConfigItem[] {
  const { account } = ar;
  const acct = account.id;
  const global: AccountRegion = { ...ar, region: "global" };
  const trustService = (service: string) => ({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
  });
  const roles = [
    {
      name: "ecsTaskExecutionRole",
      trust: trustService("ecs-tasks.amazonaws.com"),
      inline: [] as { policyName: string; policyDocument: object }[],
      managed: [
        {
          policyArn: "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
          policyName: "AmazonECSTaskExecutionRolePolicy",
        },
      ],
    },
    {
      name: `${account.name}-order-saga`,
      trust: trustService("states.amazonaws.com"),
      inline: [
        {
          policyName: "invoke-services",
          policyDocument: {
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Action: ["lambda:InvokeFunction", "sqs:SendMessage", "sns:Publish"],
                Resource: [`arn:aws:lambda:*:${acct}:function:*`, `arn:aws:sqs:*:${acct}:*`, `arn:aws:sns:*:${acct}:*`],
              },
            ],
          },
        },
      ],
      managed: [],
    },
    {
      name: `${account.name}-github-deploy`,
      trust: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Federated: `arn:aws:iam::${acct}:oidc-provider/token.actions.githubusercontent.com` },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
              StringEquals: {
                "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                "token.actions.githubusercontent.com:sub": `repo:example-retail/${account.name}-infra:ref:refs/heads/main`,
              },
            },
          },
        ],
      },
      inline: [],
      managed: [{ policyArn: "arn:aws:iam::aws:policy/PowerUserAccess", policyName: "PowerUserAccess" }],
    },
  ];
  return roles.map((r) => {
    const roleId = `AROA${rng.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 17)}`;
    const arn = `arn:aws:iam::${acct}:role/${r.name}`;
    const createdMs = Math.floor(created() / 1000) * 1000;
    return configItem(global, {
      resourceType: "AWS::IAM::Role",
      resourceId: roleId,
      resourceName: r.name,
      arn,
      configuration: {
        path: "/",
        roleName: r.name,
        roleId,
        arn,
        createDate: iso(createdMs),
        assumeRolePolicyDocument: encodedPolicy(r.trust),
        instanceProfileList: [],
        rolePolicyList: r.inline.map((p) => ({
          policyName: p.policyName,
          policyDocument: encodedPolicy(p.policyDocument),
        })),
        attachedManagedPolicies: r.managed,
        permissionsBoundary: null,
        tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
      },
      tags: { ...tags },
      createdMs,
      capturedMs: captured(),
    });
  });
}
