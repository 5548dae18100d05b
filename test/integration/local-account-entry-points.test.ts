import {
  CloudFrontClient,
  CreateDistributionWithTagsCommand,
  GetDistributionConfigCommand,
  UpdateDistributionCommand,
  type DistributionConfig,
} from "@aws-sdk/client-cloudfront";
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  EC2Client,
} from "@aws-sdk/client-ec2";
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeLoadBalancerAttributesCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
  ModifyLoadBalancerAttributesCommand,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import {
  CreateDBClusterCommand,
  CreateDBInstanceCommand,
  DescribeDBInstancesCommand,
  ModifyDBClusterCommand,
  ModifyDBInstanceCommand,
  RDSClient,
} from "@aws-sdk/client-rds";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Ajv from "ajv";
import { clientFor } from "../../lib/aws/clients";
import { service as cloudfrontService } from "../../lib/aws/services/cloudfront";
import { service as elbService } from "../../lib/aws/services/elasticloadbalancing";
import { service as rdsService } from "../../lib/aws/services/rds";
import { cloudTrailRecordSchema } from "../../lib/cloudtrail/record-schema";
import { Engine } from "../../lib/engine/evaluate";
import { LocalAccount, consoleUser, guardrailRole } from "../../lib/local/account";
import { loadPolicies } from "../../lib/policy/load";
import { execute } from "../../lib/remediation/executor";
import { requireAction } from "../../lib/remediation/planning/registry";
import type { Resource, ResourceRef } from "../../lib/resources/adapter";
import { resourceFromConfigItem } from "../../lib/resources/adapter";
import { toConfigItem, type ConfigItem } from "../../lib/resources/config-item";
import { describeResource } from "../../lib/resources/describe";
import { adapterFor } from "../../lib/resources/registry";
import { isObject, type JsonObject } from "../../lib/util/json";
import { MOTO_ACCOUNT, MOTO_REGION, useMoto } from "./moto";

/**
 * The local account's emulation of the entry-point and data services (lib/local/account/services/
 * elasticloadbalancing.ts, cloudfront.ts, rds.ts): every call the ELBv2, CloudFront and RDS describes and the elb-*,
 * cloudfront-* and rds-* actions make.
 *
 * Part one runs the same calls on moto and on the local account (moto's resources recorded into the local account
 * as Config would record them: the items the adapters build from moto's describes), and compares outcomes and
 * Guardrail's describe afterwards: DescribeLoadBalancers, DescribeLoadBalancerAttributes, DescribeListeners,
 * DescribeTags, ModifyListener (redirect, security policy; ListenerNotFound, SSLPolicyNotFound),
 * ModifyLoadBalancerAttributes (InvalidConfigurationRequest for an unknown key), GetDistribution,
 * ListTagsForResource, UpdateDistribution through the cloudfront-viewer-https action (NoSuchDistribution),
 * DescribeDBInstances, DescribeDBClusters, ModifyDBInstance through rds-disable-public-access (DBInstanceNotFound),
 * ModifyDBCluster (deletion protection, backups, tag copying).
 *
 * Where moto differs from AWS the local account follows AWS, and the comparison leaves the difference out, each
 * named here: moto's HTTP listeners carry an SslPolicy and an empty AlpnPolicy (AWS's have neither: ELB API
 * Reference, Listener, "[HTTPS or TLS listener]"; left out of listener comparisons); moto writes distribution ARNs
 * without the empty Region field (the local account answers AWS's `arn:aws:cloudfront::<account>:...`); moto's
 * DescribeLoadBalancerAttributes lists only the attributes set (AWS lists every one with its default; compared on
 * moto's keys); moto never changes a distribution's ETag and accepts any IfMatch (AWS: a new ETag per change,
 * PreconditionFailed for a stale one; eTag left out); moto applies every ModifyDBInstance change at once and ignores
 * ModifyDBCluster's EnableIAMDatabaseAuthentication (AWS: pending modifications, IAM authentication applied).
 * Part two checks those AWS behaviours on the local account alone, over Config items in the snapshot naming (the
 * policies' examples), with the demo's three changes planted, detected, fixed, and recorded in CloudTrail.
 */

const moto = useMoto();

// ---- part one: against moto ------------------------------------------------------------------------------------

let contract: LocalAccount;
let contractDir = "";
let detach: (() => void) | undefined;
const refs: Record<string, ResourceRef> = {};
let httpListenerArn = "";
let lbArn = "";
let distributionId = "";

const ref = (type: string, id: string, arn?: string): ResourceRef => ({
  type,
  id,
  region: MOTO_REGION,
  accountId: MOTO_ACCOUNT,
  ...(arn ? { arn } : {}),
});

/** An ALB with an HTTP listener (forward) and an HTTPS one, a distribution that allows HTTP, a public DB, a cluster. */
async function createMotoResources(): Promise<void> {
  const c = moto.config();
  const ec2 = new EC2Client(c);
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16" }))).Vpc?.VpcId as string;
  const subnets: string[] = [];
  for (const [i, az] of ["us-east-1a", "us-east-1b"].entries()) {
    const s = await ec2.send(
      new CreateSubnetCommand({ VpcId: vpc, CidrBlock: `10.0.${i}.0/24`, AvailabilityZone: az }),
    );
    subnets.push(s.Subnet?.SubnetId as string);
  }
  const sg = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: "alb", Description: "alb", VpcId: vpc })))
    .GroupId as string;
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: sg,
      IpPermissions: [{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }],
    }),
  );

  const elb = new ElasticLoadBalancingV2Client(c);
  lbArn = (
    await elb.send(
      new CreateLoadBalancerCommand({
        Name: "contract-alb",
        Subnets: subnets,
        SecurityGroups: [sg],
        Type: "application",
        Tags: [{ Key: "team", Value: "contract" }],
      }),
    )
  ).LoadBalancers?.[0]?.LoadBalancerArn as string;
  const tg = (
    await elb.send(new CreateTargetGroupCommand({ Name: "contract-tg", Protocol: "HTTP", Port: 8080, VpcId: vpc }))
  ).TargetGroups?.[0]?.TargetGroupArn as string;
  const forward = [{ Type: "forward" as const, TargetGroupArn: tg }];
  httpListenerArn = (
    await elb.send(
      new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: "HTTP", Port: 80, DefaultActions: forward }),
    )
  ).Listeners?.[0]?.ListenerArn as string;
  const httpsListenerArn = (
    await elb.send(
      new CreateListenerCommand({
        LoadBalancerArn: lbArn,
        Protocol: "HTTPS",
        Port: 443,
        SslPolicy: "ELBSecurityPolicy-2016-08",
        // An IAM server certificate ARN: moto takes it as it is (an ACM one must exist in moto's ACM).
        Certificates: [{ CertificateArn: `arn:aws:iam::${MOTO_ACCOUNT}:server-certificate/contract` }],
        DefaultActions: forward,
      }),
    )
  ).Listeners?.[0]?.ListenerArn as string;

  const cf = new CloudFrontClient(c);
  const created = await cf.send(
    new CreateDistributionWithTagsCommand({
      DistributionConfigWithTags: {
        DistributionConfig: {
          CallerReference: "contract-1",
          Comment: "contract",
          Enabled: true,
          Origins: {
            Quantity: 1,
            Items: [
              {
                Id: "api",
                DomainName: "api.example.com",
                CustomOriginConfig: {
                  HTTPPort: 80,
                  HTTPSPort: 443,
                  OriginProtocolPolicy: "https-only",
                  OriginSslProtocols: { Quantity: 1, Items: ["TLSv1.2"] },
                },
              },
            ],
          },
          DefaultCacheBehavior: {
            TargetOriginId: "api",
            ViewerProtocolPolicy: "allow-all",
            CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6",
          },
        },
        Tags: { Items: [{ Key: "team", Value: "contract" }] },
      },
    }),
  );
  distributionId = created.Distribution?.Id as string;

  const rds = new RDSClient(c);
  await rds.send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: "contract-db",
      Engine: "postgres",
      EngineVersion: "16.3",
      DBInstanceClass: "db.t4g.micro",
      AllocatedStorage: 20,
      MasterUsername: "app",
      MasterUserPassword: "contract-password-1",
      PubliclyAccessible: true,
      DeletionProtection: false,
      Tags: [{ Key: "team", Value: "contract" }],
    }),
  );
  const dbi = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: "contract-db" })))
    .DBInstances?.[0];
  const cluster = await rds.send(
    new CreateDBClusterCommand({
      DBClusterIdentifier: "contract-cluster",
      Engine: "aurora-postgresql",
      MasterUsername: "app",
      MasterUserPassword: "contract-password-1",
    }),
  );

  refs.lb = ref("AWS::ElasticLoadBalancingV2::LoadBalancer", lbArn, lbArn);
  refs.http = ref("AWS::ElasticLoadBalancingV2::Listener", httpListenerArn, httpListenerArn);
  refs.https = ref("AWS::ElasticLoadBalancingV2::Listener", httpsListenerArn, httpsListenerArn);
  refs.distribution = ref("AWS::CloudFront::Distribution", distributionId);
  refs.db = ref("AWS::RDS::DBInstance", dbi?.DbiResourceId as string, dbi?.DBInstanceArn);
  // By identifier: moto's DescribeDBClusters knows no db-cluster-resource-id filter (AWS does; part two uses it).
  refs.cluster = ref("AWS::RDS::DBCluster", "contract-cluster", cluster.DBCluster?.DBClusterArn);
}

/** What Config would record for each of moto's resources: the item the adapter's fromDescribe builds. */
async function recordItems(): Promise<ConfigItem[]> {
  const items: ConfigItem[] = [];
  for (const r of Object.values(refs)) {
    const adapter = adapterFor(r.type)!;
    const spy = jest.spyOn(adapter, "fromConfigItem");
    try {
      expect(await describeResource(r)).toBeDefined();
      const item = spy.mock.calls[0]?.[0] as ConfigItem;
      const recorded: ConfigItem = {
        ...item,
        status: "OK",
        captureTime: "2026-01-01T00:00:00Z",
        configurationStateId: "1",
      };
      // Config's resource name: the identifiers RDS and ELB name the resource by.
      if (r.type === "AWS::RDS::DBInstance") recorded.resourceName = "contract-db";
      if (r.type === "AWS::RDS::DBCluster") recorded.resourceName = "contract-cluster";
      items.push(recorded);
    } finally {
      spy.mockRestore();
    }
  }
  return items;
}

const DATES = new Set(["createdTime", "lastModifiedTime"]);

/** The document without what the header lists as moto's differences (and each side's own dates and versions). */
function comparable(doc: JsonObject | undefined, motoDoc?: JsonObject): unknown {
  if (!doc) return doc;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(doc)) {
    if (k === "eTag" || DATES.has(k)) continue;
    if ((k === "SslPolicy" || k === "AlpnPolicy") && doc.Protocol === "HTTP") continue;
    if (k === "arn" && typeof v === "string" && v.includes(":cloudfront:")) continue;
    if (k === "attributes" && isObject(v) && motoDoc && isObject(motoDoc.attributes)) {
      const keys = Object.keys(motoDoc.attributes);
      out[k] = Object.fromEntries(Object.entries(v).filter(([key]) => keys.includes(key)));
      continue;
    }
    out[k] = v;
  }
  return out;
}

type Outcome = { ok: true } | { error: string };

async function outcome(call: () => Promise<unknown>): Promise<Outcome> {
  try {
    await call();
    return { ok: true };
  } catch (e) {
    return { error: (e as Error).name };
  }
}

/** Runs `call` on moto, then on the local account; the outcomes and the describes of `r` afterwards must agree. */
async function same(r: ResourceRef, call: () => Promise<unknown>, expected: string): Promise<void> {
  detach?.();
  detach = undefined;
  const onMoto = await outcome(call);
  const motoDoc = (await describeResource(r))?.document;
  detach = contract.attach();
  const onLocal = await outcome(call);
  const localDoc = (await describeResource(r))?.document;
  detach();
  detach = undefined;
  expect(onMoto).toEqual(expected === "ok" ? { ok: true } : { error: expected });
  expect(onLocal).toEqual(onMoto);
  expect(comparable(localDoc, motoDoc)).toEqual(comparable(motoDoc, motoDoc));
}

/** Plans `actionId` on a live describe of `r` (on whichever side is attached) and sends the plan. */
async function fix(actionId: string, r: ResourceRef, params: JsonObject = {}): Promise<void> {
  const resource = await describeResource(r);
  if (!resource) throw new Error(`${r.id} is gone`);
  const calls = requireAction(actionId).plan(resource, params);
  expect(calls.length).toBeGreaterThan(0);
  const report = await execute(calls, { region: r.region });
  if (report.failure) throw Object.assign(new Error(report.failure.error.message), { name: report.failure.error.name });
}

const elb = () => clientFor(elbService, MOTO_REGION);
const rds = () => clientFor(rdsService, MOTO_REGION);

describe("the local account against moto", () => {
  beforeAll(async () => {
    await createMotoResources();
    const items = await recordItems();
    contractDir = await mkdtemp(join(tmpdir(), "guardrail-entry-contract-"));
    contract = LocalAccount.fromItems(items, { stateDir: contractDir, accountId: MOTO_ACCOUNT, region: MOTO_REGION });
  }, 60_000);

  afterAll(async () => {
    detach?.();
    await rm(contractDir, { recursive: true, force: true });
  });

  it("describes every resource alike", async () => {
    for (const r of Object.values(refs)) await same(r, async () => undefined, "ok");
  });

  it("ELBv2: ModifyListener (redirect, security policy), ModifyLoadBalancerAttributes, and their errors", async () => {
    await same(refs.http!, () => fix("elb-listener-https-redirect", refs.http!), "ok");
    await same(refs.https!, () => fix("elb-listener-tls-policy", refs.https!), "ok");
    const missing = httpListenerArn.replace(/\/[0-9a-f]+$/, "/0123456789abcdef");
    await same(
      refs.http!,
      () => elb().send(new ModifyListenerCommand({ ListenerArn: missing, Port: 8080 })),
      "ListenerNotFoundException",
    );
    await same(
      refs.https!,
      () => elb().send(new ModifyListenerCommand({ ListenerArn: refs.https!.id, SslPolicy: "Bogus-Policy" })),
      "SSLPolicyNotFoundException",
    );
    await same(
      refs.lb!,
      () =>
        elb().send(
          new ModifyLoadBalancerAttributesCommand({
            LoadBalancerArn: lbArn,
            Attributes: [
              { Key: "deletion_protection.enabled", Value: "true" },
              { Key: "routing.http.drop_invalid_header_fields.enabled", Value: "true" },
            ],
          }),
        ),
      "ok",
    );
    await same(
      refs.lb!,
      () =>
        elb().send(
          new ModifyLoadBalancerAttributesCommand({
            LoadBalancerArn: lbArn,
            Attributes: [{ Key: "no.such.key", Value: "true" }],
          }),
        ),
      "InvalidConfigurationRequestException",
    );
  });

  it("CloudFront: UpdateDistribution through cloudfront-viewer-https (IfMatch the live ETag); NoSuchDistribution", async () => {
    await same(refs.distribution!, () => fix("cloudfront-viewer-https", refs.distribution!), "ok");
    const missing = { ...refs.distribution!, id: "E0000000000000" };
    await same(refs.distribution!, () => describeResource(missing).then((r) => expect(r).toBeUndefined()), "ok");
    await same(
      refs.distribution!,
      () => clientFor(cloudfrontService, "us-east-1").send(new GetDistributionConfigCommand({ Id: "E0000000000000" })),
      "NoSuchDistribution",
    );
  });

  it("RDS: ModifyDBInstance through rds-disable-public-access, ModifyDBCluster; DBInstanceNotFound", async () => {
    await same(refs.db!, () => fix("rds-disable-public-access", refs.db!), "ok");
    await same(
      refs.db!,
      () =>
        rds().send(
          new ModifyDBInstanceCommand({
            DBInstanceIdentifier: "contract-db",
            DeletionProtection: true,
            ApplyImmediately: true,
          }),
        ),
      "ok",
    );
    await same(
      refs.db!,
      () => rds().send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: "nope-db", DeletionProtection: true })),
      "DBInstanceNotFoundFault",
    );
    await same(
      refs.cluster!,
      () =>
        rds().send(
          new ModifyDBClusterCommand({
            DBClusterIdentifier: "contract-cluster",
            DeletionProtection: true,
            BackupRetentionPeriod: 7,
            CopyTagsToSnapshot: true,
            ApplyImmediately: true,
          }),
        ),
      "ok",
    );
  });
});

// ---- part two: AWS's behaviour, on Config items ----------------------------------------------------------------

const ACCT = "111122223333";
const REGION = "eu-west-1";
const T0 = Date.UTC(2026, 10, 3, 9, 0, 0);
let now = T0;

function example(path: string, kind: "compliant" | "noncompliant", index = 0): ConfigItem {
  const p = JSON.parse(readFileSync(join(__dirname, "../../policies", `${path}.json`), "utf8")) as {
    examples: Record<string, { configurationItem: JsonObject }[]>;
  };
  return toConfigItem(p.examples[kind]![index]!.configurationItem);
}

/** The ALB, its HTTP (redirect) and HTTPS listeners, a distribution on HTTPS, a private DB, an Aurora cluster. */
function items(): ConfigItem[] {
  const lb = example("elasticloadbalancing/elb-access-logs", "compliant");
  const http = example("elasticloadbalancing/elb-listener-http-redirect", "compliant");
  const https = example("elasticloadbalancing/elb-listener-tls-1-2", "compliant");
  const distribution = example("cloudfront/cloudfront-viewer-https", "compliant");
  const db = example("rds/rds-instance-not-public", "compliant");
  const cluster = example("rds/rds-cluster-deletion-protection", "noncompliant");
  // An Aurora member of the cluster: the private DB's item with its cluster named (derived from the example).
  const aurora: ConfigItem = structuredClone(db);
  aurora.resourceId = "db-AURORA0MEMBER0000000000001";
  aurora.resourceName = "orders-aurora-legacy-1";
  aurora.arn = `arn:aws:rds:${REGION}:${ACCT}:db:orders-aurora-legacy-1`;
  aurora.configuration = {
    ...aurora.configuration,
    dBInstanceIdentifier: "orders-aurora-legacy-1",
    dbiResourceId: aurora.resourceId,
    dBClusterIdentifier: "orders-aurora-legacy",
    engine: "aurora-postgresql",
  };
  // The access-log bucket, so that turning logs on finds it.
  const bucket = toConfigItem({
    ...JSON.parse(JSON.stringify(lb)),
    resourceType: "AWS::S3::Bucket",
    resourceId: "orders-alb-logs",
    resourceName: "orders-alb-logs",
    ARN: "arn:aws:s3:::orders-alb-logs",
    awsAccountId: ACCT,
    awsRegion: REGION,
    configuration: { name: "orders-alb-logs" },
    supplementaryConfiguration: {},
    configurationItemStatus: "OK",
  });
  return [lb, http, https, distribution, db, cluster, aurora, bucket];
}

let account: LocalAccount;
let accountDir = "";
let detachLocal: () => void;
let records: JsonObject[] = [];
const validRecord = new Ajv({ strict: false }).compile(cloudTrailRecordSchema as object);

function only(type: string, id?: string): ConfigItem {
  const found = account.configItems({ resourceType: type }).filter((i) => id === undefined || i.resourceId === id);
  if (!found[0]) throw new Error(`no ${type}`);
  return found[0];
}

function refOf(item: ConfigItem): ResourceRef {
  return {
    type: item.resourceType,
    id: item.resourceId,
    region: item.region,
    accountId: item.accountId,
    arn: item.arn,
  };
}

async function live(item: ConfigItem): Promise<Resource> {
  const r = await describeResource(refOf(item));
  if (!r) throw new Error(`${item.resourceId} is gone`);
  return r;
}

const lbClient = () => clientFor(elbService, REGION);
const rdsClient = () => clientFor(rdsService, REGION);
const cfClient = () => clientFor(cloudfrontService, "us-east-1");

async function errorOf(p: Promise<unknown>): Promise<{ name: string; status?: number; message: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: err.name, status: err.$metadata?.httpStatusCode, message: err.message };
  }
  throw new Error("the call succeeded");
}

describe("the local account as AWS documents it", () => {
  beforeAll(async () => {
    accountDir = await mkdtemp(join(tmpdir(), "guardrail-entry-local-"));
    account = LocalAccount.fromItems(items(), {
      stateDir: accountDir,
      accountId: ACCT,
      region: REGION,
      clock: () => new Date(now),
    });
    detachLocal = account.attach();
    account.onRecord((r) => records.push(r));
  });

  beforeEach(() => {
    records = [];
    now += 60_000;
  });

  afterAll(async () => {
    detachLocal();
    await rm(accountDir, { recursive: true, force: true });
  });

  let loaded: Engine | undefined;
  const engine = () => (loaded ??= new Engine(loadPolicies().policies));
  const verdict = (resource: Resource, policyId: string) =>
    engine()
      .evaluate(resource)
      .find((e) => e.policyId === policyId)?.compliance;

  /**
   * The demo's changes: each planted by a person in the console, detected on the live describe by its policy,
   * fixed by the policy's action as Guardrail's role, and recorded: the write's CloudTrail record names the
   * resource the way the detection handlers read it, and is a valid record.
   */
  const demo = [
    {
      name: "an ALB listener moved back to plain HTTP",
      type: "AWS::ElasticLoadBalancingV2::Listener",
      id: "arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener/app/orders-alb/50dc6c495c0c9188/f2f7dc8efc522ab2",
      policy: "elb-listener-http-redirect",
      action: "elb-listener-https-redirect",
      params: { StatusCode: "HTTP_301" },
      eventName: "ModifyListener",
      plant: (item: ConfigItem) =>
        // The HTTPS listener made plain HTTP on a free port, its forward action kept: certificates and policy go.
        lbClient().send(new ModifyListenerCommand({ ListenerArn: item.resourceId, Protocol: "HTTP", Port: 8080 })),
    },
    {
      name: "a CloudFront behaviour set to allow-all",
      type: "AWS::CloudFront::Distribution",
      id: "E2QWRUHAPOMQZL",
      policy: "cloudfront-viewer-https",
      action: "cloudfront-viewer-https",
      params: { ViewerProtocolPolicy: "redirect-to-https" },
      eventName: "UpdateDistribution",
      plant: async (item: ConfigItem) => {
        const got = await cfClient().send(new GetDistributionConfigCommand({ Id: item.resourceId }));
        const config = got.DistributionConfig as DistributionConfig;
        config.DefaultCacheBehavior!.ViewerProtocolPolicy = "allow-all";
        return cfClient().send(
          new UpdateDistributionCommand({ Id: item.resourceId, IfMatch: got.ETag, DistributionConfig: config }),
        );
      },
    },
    {
      name: "an RDS instance made public",
      type: "AWS::RDS::DBInstance",
      id: undefined as string | undefined,
      policy: "rds-instance-not-public",
      action: "rds-disable-public-access",
      params: {},
      eventName: "ModifyDBInstance",
      // No ApplyImmediately: public access changes at once all the same (RDS User Guide, "Settings for DB instances").
      plant: (item: ConfigItem) =>
        rdsClient().send(
          new ModifyDBInstanceCommand({ DBInstanceIdentifier: item.resourceName as string, PubliclyAccessible: true }),
        ),
    },
  ];

  it.each(demo)("$name: planted, detected, fixed, recorded", async (c) => {
    const item = c.id
      ? only(c.type, c.id)
      : only(c.type, example("rds/rds-instance-not-public", "compliant").resourceId);
    const before = verdict(await live(item), c.policy);
    expect(before === "COMPLIANT" || before === "NOT_APPLICABLE").toBe(true);

    await account.as(consoleUser(ACCT), () => c.plant(item) as Promise<unknown>);
    const planted = records.filter((r) => r.readOnly === false);
    expect(planted.map((r) => r.eventName)).toEqual([c.eventName]);
    expect((planted[0]!.userIdentity as JsonObject).arn).toBe(consoleUser(ACCT).userIdentity.arn);
    const broken = await live(item);
    expect(verdict(broken, c.policy)).toBe("NON_COMPLIANT");
    // The change reached the Config item too (what the Config rule judges).
    const changed = account.configItem(c.type, item.resourceId)!;
    expect(verdict(resourceFromConfigItem(adapterFor(c.type)!, changed), c.policy)).toBe("NON_COMPLIANT");

    records = [];
    const calls = requireAction(c.action).plan(broken, c.params);
    const report = await account.as(guardrailRole(ACCT), () => execute(calls, { region: item.region }));
    expect(report.failure).toBeUndefined();
    expect(verdict(await live(item), c.policy)).toBe("COMPLIANT");

    const writes = records.filter((r) => r.readOnly === false);
    expect(writes.map((r) => r.eventName)).toEqual([c.eventName]);
    for (const r of [...planted, ...writes]) {
      expect(validRecord(r) ? [] : validRecord.errors).toEqual([]);
      expect(adapterFor(c.type)!.fromCloudTrail!(r).map((x) => x.id)).toEqual([item.resourceId]);
      expect(r.eventSource).toBe(
        `${c.type.includes("CloudFront") ? "cloudfront" : c.type.includes("RDS") ? "rds" : "elasticloadbalancing"}.amazonaws.com`,
      );
    }
  });

  it("CloudTrail records ELB, CloudFront and RDS writes in their services' shapes", async () => {
    const listener = only("AWS::ElasticLoadBalancingV2::Listener", demo[0]!.id);
    await lbClient().send(new ModifyListenerCommand({ ListenerArn: listener.resourceId, Port: 8081 }));
    const [elbRecord] = records;
    expect(elbRecord).toMatchObject({
      eventSource: "elasticloadbalancing.amazonaws.com",
      eventName: "ModifyListener",
      awsRegion: REGION,
      requestParameters: { listenerArn: listener.resourceId, port: 8081 },
      responseElements: { listeners: [{ listenerArn: listener.resourceId, port: 8081, protocol: "HTTP" }] },
    });

    records = [];
    const distribution = only("AWS::CloudFront::Distribution");
    const got = await cfClient().send(new GetDistributionConfigCommand({ Id: distribution.resourceId }));
    const updated = await cfClient().send(
      new UpdateDistributionCommand({
        Id: distribution.resourceId,
        IfMatch: got.ETag,
        DistributionConfig: { ...got.DistributionConfig!, Comment: "changed" },
      }),
    );
    const cf = records.find((r) => r.readOnly === false)!;
    expect(cf).toMatchObject({
      eventSource: "cloudfront.amazonaws.com",
      eventName: "UpdateDistribution",
      awsRegion: "us-east-1",
      requestParameters: { id: distribution.resourceId, ifMatch: got.ETag, distributionConfig: { comment: "changed" } },
      responseElements: { eTag: updated.ETag, distribution: { id: distribution.resourceId, status: "InProgress" } },
    });
    expect(records.find((r) => r.readOnly === true)?.eventName).toBe("GetDistributionConfig");
    // Times as CloudFront's Java service writes them ("Jul 11, 2022 7:37:48 PM").
    const lastModified = ((cf.responseElements as JsonObject).distribution as JsonObject).lastModifiedTime;
    expect(lastModified).toMatch(/^[A-Z][a-z]{2} \d{1,2}, \d{4} \d{1,2}:\d{2}:\d{2} [AP]M$/);

    records = [];
    const db = only("AWS::RDS::DBInstance", example("rds/rds-instance-not-public", "compliant").resourceId);
    await rdsClient().send(
      new ModifyDBInstanceCommand({
        DBInstanceIdentifier: db.resourceName,
        CopyTagsToSnapshot: true,
        ApplyImmediately: true,
      }),
    );
    expect(records[0]).toMatchObject({
      eventSource: "rds.amazonaws.com",
      eventName: "ModifyDBInstance",
      requestParameters: { dBInstanceIdentifier: db.resourceName, copyTagsToSnapshot: true, applyImmediately: true },
      responseElements: {
        dBInstanceIdentifier: db.resourceName,
        dbiResourceId: db.resourceId,
        copyTagsToSnapshot: true,
      },
    });
    for (const r of [elbRecord!, cf, records[0]!]) expect(validRecord(r) ? [] : validRecord.errors).toEqual([]);
  });

  it("a resource of another fleet account is found there (the describe by resource id, outside `as`)", async () => {
    const other = structuredClone(example("rds/rds-instance-not-public", "compliant"));
    other.accountId = "444455556666";
    other.resourceId = "db-OTHERACCOUNT0000000000000";
    other.resourceName = "payments-db";
    other.arn = `arn:aws:rds:${REGION}:444455556666:db:payments-db`;
    other.configuration = {
      ...other.configuration,
      dBInstanceIdentifier: "payments-db",
      dbiResourceId: other.resourceId,
    };
    account.put(other);
    const found = await describeResource(refOf(other));
    expect(found?.document).toMatchObject({ dbInstanceIdentifier: "payments-db", dbiResourceId: other.resourceId });
    // Answered in that account, as Guardrail's role there; only that attempt is recorded.
    expect(records.map((r) => r.recipientAccountId)).toEqual(["444455556666"]);
  });

  describe("CloudFront's versions (moto accepts any IfMatch and never changes the ETag)", () => {
    it("each update gives a new ETag; a stale IfMatch is PreconditionFailed (412), none InvalidIfMatchVersion", async () => {
      const id = only("AWS::CloudFront::Distribution").resourceId;
      const first = await cfClient().send(new GetDistributionConfigCommand({ Id: id }));
      const config = first.DistributionConfig!;
      const after = await cfClient().send(
        new UpdateDistributionCommand({
          Id: id,
          IfMatch: first.ETag,
          DistributionConfig: { ...config, Comment: "one" },
        }),
      );
      expect(after.ETag).toMatch(/^E[A-Z0-9]{13}$/);
      expect(after.ETag).not.toBe(first.ETag);
      const stale = await errorOf(
        cfClient().send(new UpdateDistributionCommand({ Id: id, IfMatch: first.ETag, DistributionConfig: config })),
      );
      expect(stale).toMatchObject({ name: "PreconditionFailed", status: 412 });
      const none = await errorOf(
        cfClient().send(new UpdateDistributionCommand({ Id: id, DistributionConfig: config })),
      );
      expect(none.name).toBe("InvalidIfMatchVersion");
      // A refused update changed nothing.
      const now2 = await cfClient().send(new GetDistributionConfigCommand({ Id: id }));
      expect(now2.ETag).toBe(after.ETag);
      expect(now2.DistributionConfig?.Comment).toBe("one");
    });

    it("the whole configuration is checked: CallerReference, quantities, origins", async () => {
      const id = only("AWS::CloudFront::Distribution").resourceId;
      const update = async (change: (c: DistributionConfig) => void) => {
        const got = await cfClient().send(new GetDistributionConfigCommand({ Id: id }));
        const config = structuredClone(got.DistributionConfig!);
        change(config);
        return errorOf(
          cfClient().send(new UpdateDistributionCommand({ Id: id, IfMatch: got.ETag, DistributionConfig: config })),
        );
      };
      expect((await update((c) => (c.CallerReference = "other"))).name).toBe("IllegalUpdate");
      expect((await update((c) => (c.Origins!.Quantity = 5))).name).toBe("InconsistentQuantities");
      expect((await update((c) => (c.DefaultCacheBehavior!.TargetOriginId = "nope"))).name).toBe("NoSuchOrigin");
      expect((await update((c) => (c.DefaultCacheBehavior!.ViewerProtocolPolicy = "sometimes" as never))).name).toBe(
        "InvalidArgument",
      );
    });
  });

  describe("ELBv2 listeners and attributes", () => {
    const listenerId = () => demo[0]!.id as string;

    it("a listener made HTTPS needs a certificate; one made HTTP keeps no policy or certificate", async () => {
      const https = listenerId().replace(/[0-9a-f]+$/, "0467ef3c8400ae65");
      const err = await errorOf(
        lbClient().send(new ModifyListenerCommand({ ListenerArn: https, Protocol: "HTTPS", Port: 8443 })),
      );
      expect(err.name).toBe("ValidationError");
      const ok = await lbClient().send(
        new ModifyListenerCommand({
          ListenerArn: https,
          Protocol: "HTTPS",
          Port: 8443,
          Certificates: [{ CertificateArn: "arn:aws:acm:eu-west-1:111122223333:certificate/3c1a9e8d" }],
        }),
      );
      // Without a policy named, the User Guide's default policy.
      expect(ok.Listeners?.[0]).toMatchObject({ Protocol: "HTTPS", SslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" });
      const back = await lbClient().send(new ModifyListenerCommand({ ListenerArn: https, Protocol: "HTTP", Port: 80 }));
      expect(back.Listeners?.[0]).not.toHaveProperty("SslPolicy");
      expect(back.Listeners?.[0]).not.toHaveProperty("Certificates");
    });

    it("a port in use is DuplicateListener; a TCP listener on an ALB is refused; unknown listener ListenerNotFound", async () => {
      const dup = await errorOf(lbClient().send(new ModifyListenerCommand({ ListenerArn: listenerId(), Port: 80 })));
      expect(dup.name).toBe("DuplicateListenerException");
      const tcp = await errorOf(
        lbClient().send(new ModifyListenerCommand({ ListenerArn: listenerId(), Protocol: "TCP" })),
      );
      expect(tcp).toMatchObject({
        name: "ValidationError",
        message: "Listener protocol 'TCP' must be one of 'HTTP, HTTPS'",
      });
      const gone = await errorOf(
        lbClient().send(
          new ModifyListenerCommand({ ListenerArn: listenerId().replace(/[0-9a-f]+$/, "ffffffffffffffff"), Port: 81 }),
        ),
      );
      expect(gone.name).toBe("ListenerNotFoundException");
    });

    it("attributes: every one listed with its default; access logs need an existing bucket", async () => {
      const lb = only("AWS::ElasticLoadBalancingV2::LoadBalancer");
      const out = await lbClient().send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: lb.resourceId }));
      const map = Object.fromEntries((out.Attributes ?? []).map((a) => [a.Key, a.Value]));
      expect(map).toMatchObject({ "routing.http2.enabled": "true", "access_logs.s3.bucket": "orders-alb-logs" });
      const bad = await errorOf(
        lbClient().send(
          new ModifyLoadBalancerAttributesCommand({
            LoadBalancerArn: lb.resourceId,
            Attributes: [{ Key: "access_logs.s3.bucket", Value: "no-such-bucket" }],
          }),
        ),
      );
      expect(bad.name).toBe("InvalidConfigurationRequestException");
      const nlbOnly = await errorOf(
        lbClient().send(
          new ModifyLoadBalancerAttributesCommand({
            LoadBalancerArn: lb.resourceId,
            Attributes: [{ Key: "dns_record.client_routing_policy", Value: "any_availability_zone" }],
          }),
        ),
      );
      expect(nlbOnly.name).toBe("InvalidConfigurationRequestException");
    });
  });

  describe("RDS pending modifications (moto applies everything at once)", () => {
    const dbName = () =>
      only("AWS::RDS::DBInstance", example("rds/rds-instance-not-public", "compliant").resourceId)
        .resourceName as string;
    const describe1 = async () =>
      (await rdsClient().send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: dbName() }))).DBInstances![0]!;

    it("without ApplyImmediately the class change waits in PendingModifiedValues; with it, the queue applies", async () => {
      const before = await describe1();
      await rdsClient().send(
        new ModifyDBInstanceCommand({ DBInstanceIdentifier: dbName(), DBInstanceClass: "db.r6g.large" }),
      );
      const waiting = await describe1();
      expect(waiting.DBInstanceClass).toBe(before.DBInstanceClass);
      expect(waiting.PendingModifiedValues).toEqual({ DBInstanceClass: "db.r6g.large" });
      // Turning backups off waits too (it restarts the instance); deletion protection does not.
      await rdsClient().send(
        new ModifyDBInstanceCommand({
          DBInstanceIdentifier: dbName(),
          BackupRetentionPeriod: 0,
          DeletionProtection: true,
        }),
      );
      const both = await describe1();
      expect(both.PendingModifiedValues).toEqual({ DBInstanceClass: "db.r6g.large", BackupRetentionPeriod: 0 });
      expect(both.DeletionProtection).toBe(true);
      expect(both.BackupRetentionPeriod).toBe(before.BackupRetentionPeriod);

      await rdsClient().send(
        new ModifyDBInstanceCommand({
          DBInstanceIdentifier: dbName(),
          AutoMinorVersionUpgrade: true,
          ApplyImmediately: true,
        }),
      );
      const applied = await describe1();
      expect(applied).toMatchObject({
        DBInstanceClass: "db.r6g.large",
        BackupRetentionPeriod: 0,
        PendingModifiedValues: {},
      });
      // The Config item carries the change in Config's naming.
      const item = account.configItem("AWS::RDS::DBInstance", applied.DbiResourceId!)!;
      expect(item.configuration).toMatchObject({ dBInstanceClass: "db.r6g.large", backupRetentionPeriod: 0 });
    });

    it("an Aurora instance's backups are its cluster's; unknown instances and filters", async () => {
      const aurora = await errorOf(
        rdsClient().send(
          new ModifyDBInstanceCommand({ DBInstanceIdentifier: "orders-aurora-legacy-1", BackupRetentionPeriod: 7 }),
        ),
      );
      expect(aurora.name).toBe("InvalidParameterCombination");
      const gone = await errorOf(rdsClient().send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: "nope" })));
      expect(gone).toMatchObject({ name: "DBInstanceNotFoundFault", status: 404 });
      const byId = await rdsClient().send(
        new DescribeDBInstancesCommand({
          Filters: [{ Name: "dbi-resource-id", Values: ["db-NOPE0000000000000000000000"] }],
        }),
      );
      expect(byId.DBInstances).toEqual([]);
      const cluster = await rdsClient().send(
        new ModifyDBClusterCommand({
          DBClusterIdentifier: "orders-aurora-legacy",
          EnableIAMDatabaseAuthentication: true,
        }),
      );
      expect(cluster.DBCluster?.IAMDatabaseAuthenticationEnabled).toBe(true);
      const item = account.configItems({ resourceType: "AWS::RDS::DBCluster" })[0]!;
      expect(item.configuration).toMatchObject({ iamdatabaseAuthenticationEnabled: true });
    });
  });
});
