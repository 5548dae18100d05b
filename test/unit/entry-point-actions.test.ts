import { readFileSync } from "node:fs";
import { join } from "node:path";
import { resourceFromConfigItem, type Resource } from "../../lib/resources/adapter";
import { toConfigItem } from "../../lib/resources/config-item";
import { adapterFor } from "../../lib/resources/registry";
import { PlanError } from "../../lib/remediation/types";
import type { JsonObject } from "../../lib/util/json";
import { action as viewerHttps } from "../../remediations/actions/cloudfront-viewer-https";
import { action as originHttps } from "../../remediations/actions/cloudfront-origin-https";
import { action as originSsl } from "../../remediations/actions/cloudfront-origin-ssl-protocols";
import { action as viewerTls } from "../../remediations/actions/cloudfront-viewer-tls";
import { action as httpsRedirect } from "../../remediations/actions/elb-listener-https-redirect";
import { action as tlsPolicy } from "../../remediations/actions/elb-listener-tls-policy";
import { action as lbAttributes } from "../../remediations/actions/elb-load-balancer-attributes";

/*
 * Plans and restores of the entry-point actions, from the policies' example items (policies/cloudfront/,
 * policies/elasticloadbalancing/). Inputs are those of CloudFront UpdateDistribution (Id, IfMatch, the whole
 * DistributionConfig in the API's member names) and ELBv2 ModifyListener / ModifyLoadBalancerAttributes (API
 * references).
 */

function resource(folder: string, id: string, kind: string, index: number, eTag?: string): Resource {
  const p = JSON.parse(readFileSync(join(__dirname, "../../policies", folder, `${id}.json`), "utf8")) as {
    examples: Record<string, { configurationItem: JsonObject }[]>;
  };
  const item = toConfigItem(p.examples[kind]?.[index]?.configurationItem);
  const r = resourceFromConfigItem(adapterFor(item.resourceType) as never, item);
  if (eTag) r.document.eTag = eTag;
  return r;
}

const withConfig = (r: Resource, change: (config: JsonObject) => void, eTag?: string): Resource => {
  const copy = structuredClone(r);
  change(copy.document.distributionConfig as JsonObject);
  if (eTag) copy.document.eTag = eTag;
  return copy;
};

type Input = { Id: string; IfMatch: string; DistributionConfig: JsonObject };

describe("CloudFront actions: UpdateDistribution with the whole configuration and IfMatch", () => {
  const weakDefault = resource("cloudfront", "cloudfront-viewer-https", "noncompliant", 0, "E1ETAG");
  const weakPath = resource("cloudfront", "cloudfront-viewer-https", "noncompliant", 1, "E1ETAG");
  const good = resource("cloudfront", "cloudfront-viewer-https", "compliant", 0, "E1ETAG");

  it("viewer HTTPS: changes only the allow-all behaviours, sends everything else as described", () => {
    const calls = viewerHttps.plan(weakPath, {});
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ service: "cloudfront", operation: "UpdateDistribution" });
    const input = calls[0]?.input as Input;
    expect([input.Id, input.IfMatch]).toEqual(["E2QWRUHAPOMQZL", "E1ETAG"]);
    const config = input.DistributionConfig;
    expect(config).toMatchObject({
      CallerReference: "storefront-2026-03-02",
      Comment: "storefront",
      DefaultCacheBehavior: {
        ViewerProtocolPolicy: "redirect-to-https",
        CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6",
      },
      CacheBehaviors: { Quantity: 1, Items: [{ PathPattern: "/api/*", ViewerProtocolPolicy: "redirect-to-https" }] },
      ViewerCertificate: { ACMCertificateArn: expect.stringContaining("arn:aws:acm:"), SSLSupportMethod: "sni-only" },
      Origins: { Items: [{ CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443 } }, { S3OriginConfig: {} }] },
      WebACLId: expect.stringContaining("arn:aws:wafv2:"),
      IsIPV6Enabled: true,
    });
    expect(viewerHttps.plan(weakDefault, { ViewerProtocolPolicy: "https-only" })[0]?.input).toMatchObject({
      DistributionConfig: { DefaultCacheBehavior: { ViewerProtocolPolicy: "https-only" } },
    });
    expect(viewerHttps.plan(good, {})).toEqual([]);
  });

  it("refuses without an ETag (a Config item) or a configuration, naming the field", () => {
    const noETag = structuredClone(weakDefault);
    delete noETag.document.eTag;
    expect(() => viewerHttps.plan(noETag, {})).toThrow(PlanError);
    expect(() => viewerHttps.plan(noETag, {})).toThrow(/eTag/);
    const broken = structuredClone(weakDefault);
    broken.document.distributionConfig = "nope";
    expect(() => originHttps.plan(broken, {})).toThrow(/distributionConfig/);
    expect(() => viewerHttps.plan(weakDefault, { ViewerProtocolPolicy: "allow-all" })).toThrow(/ViewerProtocolPolicy/);
  });

  it("viewer HTTPS restore puts back each behaviour's policy on the state after the fix, IfMatch its ETag", () => {
    const after = withConfig(
      weakPath,
      (c) => {
        ((c.cacheBehaviors as JsonObject).items as JsonObject[])[0]!.viewerProtocolPolicy = "redirect-to-https";
        c.comment = "changed since";
      },
      "E2ETAG",
    );
    const [call] = viewerHttps.restore(weakPath, after);
    const input = call?.input as Input;
    expect(input.IfMatch).toBe("E2ETAG");
    expect(input.DistributionConfig).toMatchObject({
      Comment: "changed since",
      CacheBehaviors: { Items: [{ PathPattern: "/api/*", ViewerProtocolPolicy: "allow-all" }] },
      DefaultCacheBehavior: { ViewerProtocolPolicy: "redirect-to-https" },
    });
    expect(viewerHttps.restore(weakPath, weakPath)).toEqual([]);
  });

  it("origin HTTPS: only custom origins; restore puts back http-only", () => {
    const weak = resource("cloudfront", "cloudfront-origin-https", "noncompliant", 0, "E1");
    const input = originHttps.plan(weak, {})[0]?.input as Input;
    const origins = (input.DistributionConfig.Origins as JsonObject).Items as JsonObject[];
    expect(origins[0]).toMatchObject({ Id: "orders-alb", CustomOriginConfig: { OriginProtocolPolicy: "https-only" } });
    expect(origins[1]).toMatchObject({ Id: "assets", S3OriginConfig: { OriginAccessIdentity: "" } });
    expect(originHttps.plan(resource("cloudfront", "cloudfront-origin-https", "compliant", 0, "E1"), {})).toEqual([]);
    // match-viewer behind HTTPS-only viewers already fetches over HTTPS: left as it is.
    expect(originHttps.plan(resource("cloudfront", "cloudfront-origin-https", "compliant", 1, "E1"), {})).toEqual([]);
    expect(
      originHttps.plan(resource("cloudfront", "cloudfront-origin-https", "noncompliant", 1, "E1"), {}),
    ).toHaveLength(1);
    const after = withConfig(
      weak,
      (c) => {
        (((c.origins as JsonObject).items as JsonObject[])[0]!.customOriginConfig as JsonObject).originProtocolPolicy =
          "https-only";
      },
      "E2",
    );
    const back = originHttps.restore(weak, after)[0]?.input as Input;
    expect(((back.DistributionConfig.Origins as JsonObject).Items as JsonObject[])[0]).toMatchObject({
      CustomOriginConfig: { OriginProtocolPolicy: "http-only" },
    });
  });

  it("origin SSL protocols: drops SSLv3, never leaves the list empty, restore puts the list back", () => {
    const mixed = resource("cloudfront", "cloudfront-origin-no-sslv3", "noncompliant", 0, "E1");
    const only = resource("cloudfront", "cloudfront-origin-no-sslv3", "noncompliant", 1, "E1");
    const protocols = (r: Resource) =>
      (
        (
          ((originSsl.plan(r, {})[0]?.input as Input).DistributionConfig.Origins as JsonObject).Items as JsonObject[]
        )[0]!.CustomOriginConfig as JsonObject
      ).OriginSslProtocols;
    expect(protocols(mixed)).toEqual({ Quantity: 2, Items: ["TLSv1", "TLSv1.2"] });
    expect(protocols(only)).toEqual({ Quantity: 1, Items: ["TLSv1.2"] });
    expect(originSsl.plan(resource("cloudfront", "cloudfront-origin-no-sslv3", "compliant", 0, "E1"), {})).toEqual([]);
    const after = withConfig(
      mixed,
      (c) => {
        const custom = ((c.origins as JsonObject).items as JsonObject[])[0]!.customOriginConfig as JsonObject;
        custom.originSslProtocols = { quantity: 2, items: ["TLSv1", "TLSv1.2"] };
      },
      "E2",
    );
    const back = originSsl.restore(mixed, after)[0]?.input as Input;
    expect(((back.DistributionConfig.Origins as JsonObject).Items as JsonObject[])[0]).toMatchObject({
      CustomOriginConfig: { OriginSslProtocols: { Quantity: 3, Items: ["SSLv3", "TLSv1", "TLSv1.2"] } },
    });
  });

  it("viewer TLS: only a distribution with its own certificate; restore puts the version back", () => {
    const weak = resource("cloudfront", "cloudfront-viewer-tls-1-2", "noncompliant", 0, "E1");
    const input = viewerTls.plan(weak, {})[0]?.input as Input;
    expect(input.DistributionConfig.ViewerCertificate).toMatchObject({
      MinimumProtocolVersion: "TLSv1.2_2021",
      SSLSupportMethod: "sni-only",
    });
    expect(viewerTls.plan(resource("cloudfront", "cloudfront-viewer-tls-1-2", "notApplicable", 0, "E1"), {})).toEqual(
      [],
    );
    expect(viewerTls.plan(resource("cloudfront", "cloudfront-viewer-tls-1-2", "compliant", 0, "E1"), {})).toEqual([]);
    expect(viewerTls.checkParams?.({ MinimumProtocolVersion: "TLSv1.1_2016" })).toHaveLength(1);
    const after = withConfig(
      weak,
      (c) => void ((c.viewerCertificate as JsonObject).minimumProtocolVersion = "TLSv1.2_2021"),
      "E2",
    );
    expect((viewerTls.restore(weak, after)[0]?.input as Input).DistributionConfig.ViewerCertificate).toMatchObject({
      MinimumProtocolVersion: "TLSv1",
    });
  });
});

describe("ELB listener actions: ModifyListener", () => {
  const httpForward = resource("elasticloadbalancing", "elb-listener-http-redirect", "noncompliant", 0);
  const httpRedirect = resource("elasticloadbalancing", "elb-listener-http-redirect", "compliant", 0);
  const https2016 = resource("elasticloadbalancing", "elb-listener-tls-1-2", "noncompliant", 0);
  const httpsGood = resource("elasticloadbalancing", "elb-listener-tls-1-2", "compliant", 0);

  it("redirect: an HTTP listener's default actions become a 301 to HTTPS:443; others are left alone", () => {
    expect(httpsRedirect.plan(httpForward, {})).toEqual([
      {
        service: "elasticloadbalancing",
        operation: "ModifyListener",
        input: {
          ListenerArn: httpForward.id,
          DefaultActions: [
            {
              Type: "redirect",
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
      },
    ]);
    expect(httpsRedirect.plan(httpRedirect, {})).toEqual([]);
    expect(httpsRedirect.plan(httpsGood, {})).toEqual([]);
    expect(() => httpsRedirect.plan(httpForward, { Port: "https" })).toThrow(/Port/);
  });

  it("redirect restore sends the recorded default actions back, whole", () => {
    const after = structuredClone(httpRedirect);
    after.id = httpForward.id;
    after.document.ListenerArn = httpForward.id;
    const [call] = httpsRedirect.restore(httpForward, after);
    expect(call?.input).toEqual({ ListenerArn: httpForward.id, DefaultActions: httpForward.document.DefaultActions });
    expect((call?.input as { DefaultActions: JsonObject[] }).DefaultActions[0]).toMatchObject({
      Type: "forward",
      ForwardConfig: { TargetGroups: [{ Weight: 1 }] },
    });
    expect(httpsRedirect.restore(httpForward, httpForward)).toEqual([]);
  });

  it("TLS policy: upgrades a policy that accepts TLS 1.0/1.1, restore puts it back", () => {
    expect(tlsPolicy.plan(https2016, {})).toEqual([
      {
        service: "elasticloadbalancing",
        operation: "ModifyListener",
        input: { ListenerArn: https2016.id, SslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" },
      },
    ]);
    expect(tlsPolicy.plan(httpsGood, {})).toEqual([]);
    expect(tlsPolicy.plan(httpForward, {})).toEqual([]);
    expect(tlsPolicy.checkParams?.({ SslPolicy: "ELBSecurityPolicy-TLS13-1-1-2021-06" })).toHaveLength(1);
    const after = structuredClone(https2016);
    after.document.SslPolicy = "ELBSecurityPolicy-TLS13-1-2-2021-06";
    expect(tlsPolicy.restore(https2016, after)[0]?.input).toEqual({
      ListenerArn: https2016.id,
      SslPolicy: "ELBSecurityPolicy-2016-08",
    });
  });
});

describe("ELB load balancer attributes: ModifyLoadBalancerAttributes", () => {
  const off = resource("elasticloadbalancing", "elb-deletion-protection", "noncompliant", 0);
  const unset = resource("elasticloadbalancing", "elb-deletion-protection", "noncompliant", 1);
  const nlb = resource("elasticloadbalancing", "elb-drop-invalid-headers", "notApplicable", 0);
  const params = {
    Attributes: [
      { Key: "deletion_protection.enabled", Value: "true" },
      { Key: "routing.http.drop_invalid_header_fields.enabled", Value: "true" },
    ],
  };

  it("sets only the attributes that differ, and only those of the load balancer's type", () => {
    expect(lbAttributes.plan(off, params)[0]?.input).toEqual({
      LoadBalancerArn: off.id,
      Attributes: [{ Key: "deletion_protection.enabled", Value: "true" }],
    });
    expect(lbAttributes.plan(unset, params)[0]?.input).toMatchObject({
      Attributes: [{ Key: "deletion_protection.enabled", Value: "true" }],
    });
    const nlbOff = structuredClone(nlb);
    (nlbOff.document.attributes as JsonObject)["deletion_protection.enabled"] = "false";
    expect(lbAttributes.plan(nlbOff, params)[0]?.input).toMatchObject({
      Attributes: [{ Key: "deletion_protection.enabled", Value: "true" }],
    });
    expect(lbAttributes.plan(nlb, params)).toEqual([]);
    // "strictest" is already acceptable: never lowered to the params' "defensive".
    const strictest = resource("elasticloadbalancing", "elb-desync-mitigation", "compliant", 1);
    const desync = { Attributes: [{ Key: "routing.http.desync_mitigation_mode", Value: "defensive" }] };
    expect(lbAttributes.plan(strictest, desync)).toEqual([]);
    expect(
      lbAttributes.plan(resource("elasticloadbalancing", "elb-desync-mitigation", "noncompliant", 0), desync),
    ).toHaveLength(1);
  });

  it("refuses keys and values it does not set", () => {
    expect(lbAttributes.checkParams?.({ Attributes: [{ Key: "access_logs.s3.enabled", Value: "true" }] })).toHaveLength(
      1,
    );
    expect(
      lbAttributes.checkParams?.({ Attributes: [{ Key: "deletion_protection.enabled", Value: "false" }] }),
    ).toHaveLength(1);
    expect(() => lbAttributes.plan(off, {})).toThrow(/Attributes/);
  });

  it("restore puts back the recorded values, ELB's default where none was recorded", () => {
    const after = structuredClone(unset);
    (after.document.attributes as JsonObject)["deletion_protection.enabled"] = "true";
    (after.document.attributes as JsonObject)["routing.http.desync_mitigation_mode"] = "strictest";
    expect(lbAttributes.restore(unset, after)[0]?.input).toEqual({
      LoadBalancerArn: unset.id,
      Attributes: [
        { Key: "deletion_protection.enabled", Value: "false" },
        { Key: "routing.http.desync_mitigation_mode", Value: "defensive" },
      ],
    });
    expect(lbAttributes.restore(off, off)).toEqual([]);
  });
});
