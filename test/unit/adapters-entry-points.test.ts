import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createPolicyAjv } from "../../lib/policy/ajv";
import { apiMemberName } from "../../lib/remediation/cloudfront";
import type { Described, ResourceAdapter } from "../../lib/resources/adapter";
import { toConfigItem } from "../../lib/resources/config-item";
import { camelKey, camelKeys } from "../../lib/resources/described";
import { adapterFor } from "../../lib/resources/registry";
import { adapter as distributionAdapter } from "../../lib/resources/types/aws-cloudfront-distribution";
import { adapter as listenerAdapter } from "../../lib/resources/types/aws-elasticloadbalancingv2-listener";
import { adapter as lbAdapter } from "../../lib/resources/types/aws-elasticloadbalancingv2-loadbalancer";
import { isObject, type JsonObject } from "../../lib/util/json";

/*
 * The entry-point types (CloudFront distributions, ELBv2 load balancers and listeners): each source gives the same
 * document. The Config items are the policies' examples (policies/cloudfront/, policies/elasticloadbalancing/:
 * shapes from the Config resource schema, awslabs/aws-config-resource-schema
 * AWS::CloudFront::Distribution / AWS::ElasticLoadBalancingV2::LoadBalancer / ::Listener .properties.json); SDK
 * responses have the API's shapes (CloudFront API Reference, GetDistribution and ListTagsForResource; Elastic
 * Load Balancing API Reference, DescribeLoadBalancers, DescribeLoadBalancerAttributes, DescribeListeners,
 * DescribeTags). CloudTrail records follow the services' CloudTrail pages (CloudFront Developer Guide, "Logging
 * Amazon CloudFront API calls using AWS CloudTrail"; Elastic Load Balancing User Guide, "Log API calls for your
 * Application Load Balancer using AWS CloudTrail").
 */

const ajv = createPolicyAjv();
const ACCT = "111122223333";

function example(folder: string, id: string, kind: "compliant" | "noncompliant", index: number): JsonObject {
  const p = JSON.parse(readFileSync(join(__dirname, "../../policies", folder, `${id}.json`), "utf8")) as {
    examples: Record<string, { configurationItem: JsonObject }[]>;
  };
  const ex = p.examples[kind]?.[index];
  if (!ex) throw new Error(`${id} has no ${kind} example ${index}`);
  return ex.configurationItem;
}

const doc = (adapter: ResourceAdapter, raw: unknown) => adapter.fromConfigItem(toConfigItem(raw));

function expectSchemaValid(adapter: ResourceAdapter, d: unknown): void {
  const validate = ajv.compile(adapter.documentSchema as object);
  expect(validate(d) ? [] : validate.errors).toEqual([]);
}

const ref = (type: string, id: string, region = "eu-west-1") => ({ type, id, region, accountId: ACCT });

const cfSnapshot = example("cloudfront", "cloudfront-waf", "compliant", 0);
const cfApi = example("cloudfront", "cloudfront-waf", "compliant", 1);
const lbSnapshot = example("elasticloadbalancing", "elb-access-logs", "compliant", 0);
const lbApi = example("elasticloadbalancing", "elb-access-logs", "compliant", 1);
const listenerSnapshot = example("elasticloadbalancing", "elb-listener-http-redirect", "compliant", 0);
const listenerApi = example("elasticloadbalancing", "elb-listener-http-redirect", "compliant", 1);

describe("entry-point adapters: Config items", () => {
  it.each([
    ["AWS::CloudFront::Distribution", distributionAdapter, cfSnapshot, cfApi],
    ["AWS::ElasticLoadBalancingV2::LoadBalancer", lbAdapter, lbSnapshot, lbApi],
    ["AWS::ElasticLoadBalancingV2::Listener", listenerAdapter, listenerSnapshot, listenerApi],
  ] as const)("%s: both namings give the same document, which satisfies the schema", (type, adapter, snap, api) => {
    expect(adapterFor(type)).toBe(adapter);
    const a = doc(adapter, snap);
    expect(doc(adapter, api)).toEqual(a);
    expect(Object.keys(a).length).toBeGreaterThan(3);
    expectSchemaValid(adapter, a);
  });

  it("every example of these types in their policies satisfies the document schema", () => {
    let checked = 0;
    for (const folder of ["cloudfront", "elasticloadbalancing"]) {
      for (const f of readdirSync(join(__dirname, "../../policies", folder))) {
        const p = JSON.parse(readFileSync(join(__dirname, "../../policies", folder, f), "utf8")) as {
          examples: Record<string, { configurationItem: JsonObject }[]>;
        };
        for (const list of Object.values(p.examples)) {
          for (const ex of list) {
            const item = toConfigItem(ex.configurationItem);
            const adapter = adapterFor(item.resourceType) as ResourceAdapter;
            expectSchemaValid(adapter, adapter.fromConfigItem(item));
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it("reads the load balancer's attributes as a map and its DNS name in Config's spelling", () => {
    const d = doc(lbAdapter, lbSnapshot);
    expect(d.dnsName).toBe("orders-alb-1234567890.eu-west-1.elb.amazonaws.com");
    expect(d.attributes).toMatchObject({
      "deletion_protection.enabled": "true",
      "access_logs.s3.bucket": "orders-alb-logs",
    });
    expect(d.type).toBe("application");
  });

  it.each([
    [distributionAdapter, { distributionConfig: "nope", id: 7 }],
    [distributionAdapter, { distributionConfig: { origins: 5, cacheBehaviors: { items: null }, logging: [] } }],
    [lbAdapter, { type: 3, state: "active", securityGroups: "sg-1", availabilityZones: [null, 4] }],
    [listenerAdapter, { Protocol: ["HTTP"], DefaultActions: "forward", Port: "eighty" }],
  ] as const)("a malformed configuration does not throw (%#)", (adapter, configuration) => {
    const raw = {
      ...(adapter === distributionAdapter ? cfSnapshot : adapter === lbAdapter ? lbSnapshot : listenerSnapshot),
    };
    raw.configuration = configuration;
    raw.supplementaryConfiguration = { LoadBalancerAttributes: "garbage" };
    expect(() => doc(adapter, raw)).not.toThrow();
  });
});

describe("entry-point adapters: live describes give the Config item's document", () => {
  it("AWS::CloudFront::Distribution: equal but for the ETag, which only a describe has", () => {
    const configuration = (toConfigItem(cfSnapshot).configuration ?? {}) as JsonObject;
    // GetDistribution's Distribution in the API's member names (PascalCase; LastModifiedTime a Date).
    const toApi = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(toApi)
        : isObject(v)
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k === "arn" ? "ARN" : apiMemberName(k), toApi(x)]))
          : v;
    const distribution = toApi(configuration) as JsonObject;
    distribution.LastModifiedTime = new Date("2026-10-28T14:02:11.412Z");
    const described: Described = {
      ref: ref(distributionAdapter.type, "E2QWRUHAPOMQZL", "us-east-1"),
      GetDistribution: { ETag: "E2QWRUHEXAMPLE", Distribution: distribution, $metadata: {} },
      ListTagsForResource: { Tags: { Items: [{ Key: "team", Value: "storefront" }] } },
    };
    const live = distributionAdapter.fromDescribe?.(described) as JsonObject;
    const { eTag, ...rest } = live;
    expect(eTag).toBe("E2QWRUHEXAMPLE");
    expect(rest).toEqual(doc(distributionAdapter, cfSnapshot));
    expectSchemaValid(distributionAdapter, live);
  });

  it("AWS::ElasticLoadBalancingV2::LoadBalancer", () => {
    const cfg = toConfigItem(lbSnapshot);
    const described: Described = {
      ref: ref(lbAdapter.type, cfg.resourceId),
      DescribeLoadBalancers: {
        LoadBalancers: [
          {
            LoadBalancerArn: cfg.resourceId,
            DNSName: "orders-alb-1234567890.eu-west-1.elb.amazonaws.com",
            CanonicalHostedZoneId: "Z32O12XQLNTSW2",
            CreatedTime: new Date("2026-03-02T10:39:51.000Z"),
            LoadBalancerName: "orders-alb",
            Scheme: "internet-facing",
            VpcId: "vpc-0a1b2c3d4e5f60718",
            State: { Code: "active" },
            Type: "application",
            AvailabilityZones: [
              { ZoneName: "eu-west-1a", SubnetId: "subnet-0a1b2c3d4e5f60001", LoadBalancerAddresses: [] },
              { ZoneName: "eu-west-1b", SubnetId: "subnet-0a1b2c3d4e5f60002", LoadBalancerAddresses: [] },
            ],
            SecurityGroups: ["sg-0a1b2c3d4e5f60718"],
            IpAddressType: "ipv4",
          },
        ],
      },
      DescribeLoadBalancerAttributes: {
        Attributes: (cfg.supplementaryConfiguration.LoadBalancerAttributes as { key: string; value: string }[]).map(
          (a) => ({ Key: a.key, Value: a.value }),
        ),
      },
      DescribeTags: { TagDescriptions: [{ ResourceArn: cfg.resourceId, Tags: [{ Key: "team", Value: "orders" }] }] },
    };
    const live = lbAdapter.fromDescribe?.(described);
    expect(live).toEqual(doc(lbAdapter, lbSnapshot));
    expectSchemaValid(lbAdapter, live);
  });

  it("AWS::ElasticLoadBalancingV2::Listener", () => {
    const cfg = toConfigItem(listenerSnapshot);
    const described: Described = {
      ref: ref(listenerAdapter.type, cfg.resourceId),
      DescribeListeners: { Listeners: [cfg.configuration] },
      DescribeTags: { TagDescriptions: [{ ResourceArn: cfg.resourceId, Tags: [] }] },
    };
    const live = listenerAdapter.fromDescribe?.(described);
    expect(live).toEqual(doc(listenerAdapter, listenerSnapshot));
    expect((live as JsonObject).DefaultActions).toEqual((cfg.configuration as JsonObject).DefaultActions);
  });
});

describe("entry-point adapters: CloudTrail references", () => {
  const record = (source: string, eventName: string, rest: JsonObject) => ({
    eventVersion: "1.09",
    userIdentity: { type: "AssumedRole", accountId: ACCT },
    eventTime: "2026-11-02T09:14:03Z",
    eventSource: source,
    eventName,
    awsRegion: source.startsWith("cloudfront") ? "us-east-1" : "eu-west-1",
    recipientAccountId: ACCT,
    requestParameters: null,
    responseElements: null,
    ...rest,
  });
  const lbArn = `arn:aws:elasticloadbalancing:eu-west-1:${ACCT}:loadbalancer/app/orders-alb/50dc6c495c0c9188`;
  const listenerArn = `arn:aws:elasticloadbalancing:eu-west-1:${ACCT}:listener/app/orders-alb/50dc6c495c0c9188/f2f7dc8efc522ab2`;

  it.each([
    [
      "UpdateDistribution",
      { requestParameters: { id: "EDFDVBD6EXAMPLE", ifMatch: "E9LHASXEXAMPLE", distributionConfig: {} } },
    ],
    ["UpdateDistribution2014_01_31", { requestParameters: { id: "EDFDVBD6EXAMPLE" } }],
    ["CreateDistributionWithTags", { responseElements: { distribution: { id: "EDFDVBD6EXAMPLE" }, eTag: "E1" } }],
    [
      "TagResource",
      { requestParameters: { resource: `arn:aws:cloudfront::${ACCT}:distribution/EDFDVBD6EXAMPLE`, tags: {} } },
    ],
  ])("CloudFront %s names the distribution", (eventName, rest) => {
    expect(distributionAdapter.fromCloudTrail?.(record("cloudfront.amazonaws.com", eventName, rest))).toEqual([
      {
        type: distributionAdapter.type,
        id: "EDFDVBD6EXAMPLE",
        region: "us-east-1",
        accountId: ACCT,
        arn: `arn:aws:cloudfront::${ACCT}:distribution/EDFDVBD6EXAMPLE`,
      },
    ]);
  });

  it("CloudFront reads and other services' calls name nothing", () => {
    expect(
      distributionAdapter.fromCloudTrail?.(
        record("cloudfront.amazonaws.com", "GetDistribution", { requestParameters: { id: "EDFDVBD6EXAMPLE" } }),
      ),
    ).toEqual([]);
    expect(
      distributionAdapter.fromCloudTrail?.(
        record("s3.amazonaws.com", "UpdateDistribution", { requestParameters: { id: "EDFDVBD6EXAMPLE" } }),
      ),
    ).toEqual([]);
  });

  it.each([
    [
      lbAdapter,
      "ModifyLoadBalancerAttributes",
      { requestParameters: { loadBalancerArn: lbArn, attributes: [] } },
      lbArn,
    ],
    [lbAdapter, "CreateLoadBalancer", { responseElements: { loadBalancers: [{ loadBalancerArn: lbArn }] } }, lbArn],
    [lbAdapter, "AddTags", { requestParameters: { resourceArns: [lbArn, listenerArn], tags: [] } }, lbArn],
    [listenerAdapter, "ModifyListener", { requestParameters: { listenerArn, sslPolicy: "x" } }, listenerArn],
    [listenerAdapter, "CreateListener", { responseElements: { listeners: [{ listenerArn }] } }, listenerArn],
    [listenerAdapter, "AddTags", { requestParameters: { resourceArns: [lbArn, listenerArn], tags: [] } }, listenerArn],
  ] as const)("%#: ELB calls name the resource by ARN", (adapter, eventName, rest, arn) => {
    expect(
      adapter.fromCloudTrail?.(record("elasticloadbalancing.amazonaws.com", eventName, rest as JsonObject)),
    ).toEqual([{ type: adapter.type, id: arn, region: "eu-west-1", accountId: ACCT, arn }]);
  });

  it("a Classic Load Balancer call (by name) names no ELBv2 resource", () => {
    const classic = record("elasticloadbalancing.amazonaws.com", "ModifyLoadBalancerAttributes", {
      requestParameters: { loadBalancerName: "legacy-elb", loadBalancerAttributes: {} },
    });
    expect(lbAdapter.fromCloudTrail?.(classic)).toEqual([]);
    expect(listenerAdapter.fromCloudTrail?.(classic)).toEqual([]);
  });
});

describe("CloudFront member names", () => {
  it("Config's camelCase name of every CloudFront SDK member spells the API's name back", () => {
    // The SDK's model declarations list every member (`  Name?: Type;`). `Arn` and `ARN` both read `arn` and
    // neither is a DistributionConfig member: the fix never sends them.
    const dir = join(__dirname, "../../node_modules/@aws-sdk/client-cloudfront/dist-types/models");
    const names = new Set<string>();
    for (const f of readdirSync(dir)) {
      for (const m of readFileSync(join(dir, f), "utf8").matchAll(/^\s+([A-Z][A-Za-z0-9]*)\??: /gm))
        names.add(m[1] as string);
    }
    expect(names.size).toBeGreaterThan(300);
    const wrong = [...names].filter((n) => n !== "Arn" && n !== "ARN" && apiMemberName(camelKey(n)) !== n);
    expect(wrong).toEqual([]);
    expect(camelKeys({ ACMCertificateArn: 1 })).toEqual({ acmCertificateArn: 1 });
  });
});
