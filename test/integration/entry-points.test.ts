import {
  CloudFrontClient,
  CreateDistributionCommand,
  GetDistributionConfigCommand,
  type DistributionConfig,
} from "@aws-sdk/client-cloudfront";
import { CreateSubnetCommand, CreateVpcCommand, EC2Client } from "@aws-sdk/client-ec2";
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeListenersCommand,
  DescribeLoadBalancerAttributesCommand,
  ElasticLoadBalancingV2Client,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { execute } from "../../lib/remediation/executor";
import type { Resource } from "../../lib/resources/adapter";
import { action as viewerHttps } from "../../remediations/actions/cloudfront-viewer-https";
import { action as originHttps } from "../../remediations/actions/cloudfront-origin-https";
import { action as originSsl } from "../../remediations/actions/cloudfront-origin-ssl-protocols";
import { action as viewerTls } from "../../remediations/actions/cloudfront-viewer-tls";
import { action as httpsRedirect } from "../../remediations/actions/elb-listener-https-redirect";
import { action as tlsPolicy } from "../../remediations/actions/elb-listener-tls-policy";
import { action as lbAttributes } from "../../remediations/actions/elb-load-balancer-attributes";
import { described, fix, ref, verdict } from "./guardrail";
import { MOTO_ACCOUNT, MOTO_REGION, useMoto } from "./moto";

/*
 * CloudFront and ELBv2 describes, fixes and undos against moto. moto stores and echoes every value these fixes
 * send (../moto coverage notes: CreateDistribution / UpdateDistribution, ModifyListener, ModifyLoadBalancerAttributes
 * work), with two gaps the unit tests cover instead: moto accepts any IfMatch and never changes a distribution's
 * ETag (real CloudFront answers PreconditionFailed to a stale one: CloudFront API Reference, UpdateDistribution),
 * and leaves load balancer attributes that were never set out of DescribeLoadBalancerAttributes (real ELB lists
 * every key with its default: Elastic Load Balancing API Reference, DescribeLoadBalancerAttributes).
 */

jest.setTimeout(60_000);

const moto = useMoto();

async function undo(
  a: { restore(before: Resource, after: Resource): ReturnType<typeof viewerHttps.restore> },
  before: Resource,
  after: Resource,
) {
  const calls = a.restore(before, after);
  expect(calls.length).toBeGreaterThan(0);
  const report = await execute(calls, { region: before.region });
  if (!report.ok) throw new Error(JSON.stringify(report.failure));
}

const CERT = `arn:aws:acm:us-east-1:${MOTO_ACCOUNT}:certificate/4f0c2a9e-7b1d-4c55-9e3a-2d8f6b1a0c77`;

/**
 * The HTTPS listener's certificate: an IAM server certificate ARN, which moto's CreateListener takes as it is (an
 * ACM ARN must be in moto's ACM, and no ACM client is installed). The certificate is not what these tests judge.
 */
const SERVER_CERT = `arn:aws:iam::${MOTO_ACCOUNT}:server-certificate/orders-api`;

/** A distribution with every weak setting: allow-all viewers, an http-only origin offering SSLv3, TLSv1 viewers. */
function weakConfig(): DistributionConfig {
  const behaviour = {
    TargetOriginId: "orders-alb",
    ViewerProtocolPolicy: "allow-all" as const,
    ForwardedValues: { QueryString: false, Cookies: { Forward: "none" as const } },
    MinTTL: 0,
  };
  return {
    CallerReference: "guardrail-entry-points",
    Comment: "storefront",
    Enabled: true,
    DefaultRootObject: "index.html",
    Aliases: { Quantity: 1, Items: ["shop.example.com"] },
    Origins: {
      Quantity: 1,
      Items: [
        {
          Id: "orders-alb",
          DomainName: "orders-alb-1234567890.us-east-1.elb.amazonaws.com",
          CustomOriginConfig: {
            HTTPPort: 80,
            HTTPSPort: 443,
            OriginProtocolPolicy: "http-only",
            OriginSslProtocols: { Quantity: 2, Items: ["SSLv3", "TLSv1"] },
          },
        },
      ],
    },
    DefaultCacheBehavior: behaviour,
    CacheBehaviors: { Quantity: 1, Items: [{ ...behaviour, PathPattern: "/api/*" }] },
    ViewerCertificate: { ACMCertificateArn: CERT, SSLSupportMethod: "sni-only", MinimumProtocolVersion: "TLSv1" },
  };
}

describe("CloudFront distribution: viewer HTTPS, origin HTTPS, no SSLv3, viewer TLS 1.2 (moto)", () => {
  it("describes the weak distribution, fixes it policy by policy, keeps the rest, and undoes every fix", async () => {
    const cf = new CloudFrontClient(moto.config());
    const created = await cf.send(new CreateDistributionCommand({ DistributionConfig: weakConfig() }));
    const id = created.Distribution?.Id as string;
    const distributionRef = ref("AWS::CloudFront::Distribution", id);

    const before = await described(distributionRef);
    expect(before.document.id).toBe(id);
    expect(typeof before.document.eTag).toBe("string");
    const ids = [
      "cloudfront-viewer-https",
      "cloudfront-origin-https",
      "cloudfront-origin-no-sslv3",
      "cloudfront-viewer-tls-1-2",
    ];
    for (const p of ids) expect([p, verdict(p, before)]).toEqual([p, "NON_COMPLIANT"]);
    expect(verdict("cloudfront-default-root-object", before)).toBe("COMPLIANT");

    let now = before;
    for (const p of ids) {
      const report = await fix(p, now);
      expect(report.done[0]?.input).toMatchObject({ Id: id, IfMatch: now.document.eTag });
      now = await described(distributionRef);
      expect([p, verdict(p, now)]).toEqual([p, "COMPLIANT"]);
    }
    for (const p of ids) expect([p, verdict(p, now)]).toEqual([p, "COMPLIANT"]);

    // What CloudFront (moto) holds, read without Guardrail: the fixes and everything they did not mean to change.
    const config = (await cf.send(new GetDistributionConfigCommand({ Id: id })))
      .DistributionConfig as DistributionConfig;
    expect(config.DefaultCacheBehavior?.ViewerProtocolPolicy).toBe("redirect-to-https");
    expect(config.CacheBehaviors?.Items?.[0]?.ViewerProtocolPolicy).toBe("redirect-to-https");
    expect(config.CacheBehaviors?.Items?.[0]?.PathPattern).toBe("/api/*");
    const origin = config.Origins?.Items?.[0]?.CustomOriginConfig;
    expect(origin?.OriginProtocolPolicy).toBe("https-only");
    expect(origin?.OriginSslProtocols?.Items).toEqual(["TLSv1"]);
    expect(config.ViewerCertificate?.MinimumProtocolVersion).toBe("TLSv1.2_2021");
    expect(config.ViewerCertificate?.ACMCertificateArn).toBe(CERT);
    expect([config.Comment, config.DefaultRootObject, config.Aliases?.Items]).toEqual([
      "storefront",
      "index.html",
      ["shop.example.com"],
    ]);

    // Undo, newest fix first, each from the state the fix left.
    for (const a of [viewerTls, originSsl, originHttps, viewerHttps]) {
      const current = await described(distributionRef);
      await undo(a, before, current);
    }
    const restored = (await cf.send(new GetDistributionConfigCommand({ Id: id })))
      .DistributionConfig as DistributionConfig;
    expect(restored.DefaultCacheBehavior?.ViewerProtocolPolicy).toBe("allow-all");
    expect(restored.CacheBehaviors?.Items?.[0]?.ViewerProtocolPolicy).toBe("allow-all");
    expect(restored.Origins?.Items?.[0]?.CustomOriginConfig?.OriginProtocolPolicy).toBe("http-only");
    expect(restored.Origins?.Items?.[0]?.CustomOriginConfig?.OriginSslProtocols?.Items).toEqual(["SSLv3", "TLSv1"]);
    expect(restored.ViewerCertificate?.MinimumProtocolVersion).toBe("TLSv1");
    cf.destroy();
  });

  it("describes a distribution that no longer exists as gone", async () => {
    const { describeResource } = await import("../../lib/resources/describe");
    expect(await describeResource(ref("AWS::CloudFront::Distribution", "E0000000000000"))).toBeUndefined();
  });
});

describe("ELBv2 load balancer and listeners (moto)", () => {
  it("redirects HTTP, upgrades the TLS policy, sets attributes, verifies, and undoes each", async () => {
    const cfg = moto.config();
    const ec2 = new EC2Client(cfg);
    const elb = new ElasticLoadBalancingV2Client(cfg);
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16" }))).Vpc?.VpcId as string;
    const subnets: string[] = [];
    for (const [cidr, az] of [
      ["10.0.1.0/24", `${MOTO_REGION}a`],
      ["10.0.2.0/24", `${MOTO_REGION}b`],
    ]) {
      const s = await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: cidr, AvailabilityZone: az }));
      subnets.push(s.Subnet?.SubnetId as string);
    }
    const lb = await elb.send(
      new CreateLoadBalancerCommand({
        Name: "orders-alb",
        Subnets: subnets,
        Type: "application",
        Tags: [{ Key: "team", Value: "orders" }],
      }),
    );
    const lbArn = lb.LoadBalancers?.[0]?.LoadBalancerArn as string;
    const tg = await elb.send(
      new CreateTargetGroupCommand({ Name: "orders-api", Protocol: "HTTP", Port: 8080, VpcId: vpc }),
    );
    const forward = [{ Type: "forward" as const, TargetGroupArn: tg.TargetGroups?.[0]?.TargetGroupArn as string }];
    const http = await elb.send(
      new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: "HTTP", Port: 80, DefaultActions: forward }),
    );
    const https = await elb.send(
      new CreateListenerCommand({
        LoadBalancerArn: lbArn,
        Protocol: "HTTPS",
        Port: 443,
        SslPolicy: "ELBSecurityPolicy-2016-08",
        Certificates: [
          {
            CertificateArn: SERVER_CERT,
          },
        ],
        DefaultActions: forward,
      }),
    );
    const httpRef = ref("AWS::ElasticLoadBalancingV2::Listener", http.Listeners?.[0]?.ListenerArn as string);
    const httpsRef = ref("AWS::ElasticLoadBalancingV2::Listener", https.Listeners?.[0]?.ListenerArn as string);
    const lbRef = ref("AWS::ElasticLoadBalancingV2::LoadBalancer", lbArn);

    // The load balancer.
    const lbBefore = await described(lbRef);
    expect(lbBefore.name).toBe("orders-alb");
    expect(lbBefore.tags).toEqual({ team: "orders" });
    expect(verdict("elb-deletion-protection", lbBefore)).toBe("NON_COMPLIANT");
    expect(verdict("elb-drop-invalid-headers", lbBefore)).toBe("NON_COMPLIANT");
    expect(verdict("elb-desync-mitigation", lbBefore)).toBe("COMPLIANT"); // absent: ELB's default, defensive
    expect(verdict("elb-access-logs", lbBefore)).toBe("NON_COMPLIANT");
    await fix("elb-deletion-protection", lbBefore);
    await fix("elb-drop-invalid-headers", await described(lbRef));
    const lbAfter = await described(lbRef);
    expect(verdict("elb-deletion-protection", lbAfter)).toBe("COMPLIANT");
    expect(verdict("elb-drop-invalid-headers", lbAfter)).toBe("COMPLIANT");
    const attributes = async () =>
      Object.fromEntries(
        ((await elb.send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: lbArn }))).Attributes ?? []).map(
          (a) => [a.Key, a.Value],
        ),
      );
    expect(await attributes()).toMatchObject({
      "deletion_protection.enabled": "true",
      "routing.http.drop_invalid_header_fields.enabled": "true",
    });
    await undo(lbAttributes, lbBefore, lbAfter);
    expect(await attributes()).toMatchObject({
      "deletion_protection.enabled": "false",
      "routing.http.drop_invalid_header_fields.enabled": "false",
    });

    // The HTTP listener: a redirect, then its forward action back.
    const httpBefore = await described(httpRef);
    expect(verdict("elb-listener-http-redirect", httpBefore)).toBe("NON_COMPLIANT");
    expect(verdict("elb-listener-tls-1-2", httpBefore)).toBe("NOT_APPLICABLE"); // moto reports an SslPolicy on HTTP
    await fix("elb-listener-http-redirect", httpBefore);
    const httpAfter = await described(httpRef);
    expect(verdict("elb-listener-http-redirect", httpAfter)).toBe("COMPLIANT");
    await undo(httpsRedirect, httpBefore, httpAfter);
    const listenerNow = async (arn: string) =>
      (await elb.send(new DescribeListenersCommand({ ListenerArns: [arn] }))).Listeners?.[0];
    expect((await listenerNow(httpRef.id))?.DefaultActions?.map((a) => [a.Type, a.TargetGroupArn])).toEqual([
      ["forward", forward[0]?.TargetGroupArn],
    ]);

    // The HTTPS listener: the TLS 1.2 policy, then 2016-08 back.
    const httpsBefore = await described(httpsRef);
    expect(verdict("elb-listener-tls-1-2", httpsBefore)).toBe("NON_COMPLIANT");
    expect(verdict("elb-listener-http-redirect", httpsBefore)).toBe("NOT_APPLICABLE");
    await fix("elb-listener-tls-1-2", httpsBefore);
    const httpsAfter = await described(httpsRef);
    expect(verdict("elb-listener-tls-1-2", httpsAfter)).toBe("COMPLIANT");
    expect(httpsAfter.document.Certificates).toEqual(httpsBefore.document.Certificates);
    await undo(tlsPolicy, httpsBefore, httpsAfter);
    expect((await listenerNow(httpsRef.id))?.SslPolicy).toBe("ELBSecurityPolicy-2016-08");
    ec2.destroy();
    elb.destroy();
  });
});
