import type { ResourceAdapter } from "../adapter";
import { deployTimeValue, templateTags } from "../../cloudformation/document";
import { UnknownValue } from "../../cloudformation/unknown";
import { tagMap } from "../config-item";
import { tagsSchema } from "../schema-parts";
import { isObject, type JsonObject, type JsonSchema } from "../../util/json";
import type { GetDistributionResult, ListTagsForResourceResult } from "@aws-sdk/client-cloudfront";
import type { Described } from "../adapter";
import { camelKeys, describedItem, plainObject } from "../described";
import { eventSourceOf, recordAccount, refFromRecord, requestValue } from "../../cloudtrail/record";

/**
 * CloudFront distribution. Config's `configuration` is GetDistribution's Distribution in camelCase, lists as
 * `{quantity, items}` (the Config resource schema, awslabs/aws-config-resource-schema
 * AWS::CloudFront::Distribution.properties.json: `distributionConfig.defaultCacheBehavior.viewerProtocolPolicy`,
 * `distributionConfig.origins.items.customOriginConfig.originSslProtocols.items`,
 * `distributionConfig.viewerCertificate.acmCertificateArn`, `distributionConfig.webACLId`, ...). resourceId is the
 * distribution id. The whole distributionConfig is kept, not only what policies read: UpdateDistribution replaces
 * the whole configuration, so a fix sends back everything it did not mean to change.
 *
 * `eTag` is GetDistribution's ETag, present only in a live describe (Config records none): the version a fix's
 * UpdateDistribution names in IfMatch, so a distribution changed since the describe refuses the fix
 * (PreconditionFailed) instead of losing the other change. Policies never read it.
 */
const behaviourSchema = {
  type: "object",
  properties: {
    pathPattern: { type: "string" },
    targetOriginId: { type: "string" },
    viewerProtocolPolicy: { enum: ["allow-all", "https-only", "redirect-to-https"] },
  },
} satisfies JsonSchema;

const listOf = (items: JsonSchema): JsonSchema => ({
  type: "object",
  properties: { quantity: { type: "number" }, items: { type: "array", items } },
});

export const distributionConfigSchema = {
  type: "object",
  properties: {
    callerReference: { type: "string" },
    comment: { type: "string" },
    enabled: { type: "boolean" },
    defaultRootObject: { type: "string", description: '"" when none.' },
    aliases: listOf({ type: "string" }),
    defaultCacheBehavior: behaviourSchema,
    cacheBehaviors: listOf(behaviourSchema),
    origins: listOf({
      type: "object",
      properties: {
        id: { type: "string" },
        domainName: { type: "string" },
        originPath: { type: "string" },
        customOriginConfig: {
          type: "object",
          description: "Set for a custom origin (an ALB, an API, a website endpoint); absent for an S3 origin.",
          properties: {
            httpPort: { type: "number" },
            httpsPort: { type: "number" },
            originProtocolPolicy: { enum: ["http-only", "match-viewer", "https-only"] },
            originSslProtocols: listOf({ enum: ["SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2"] }),
          },
        },
        s3OriginConfig: { type: "object", properties: { originAccessIdentity: { type: "string" } } },
      },
    }),
    viewerCertificate: {
      type: "object",
      properties: {
        cloudFrontDefaultCertificate: { type: "boolean", description: "The *.cloudfront.net certificate." },
        acmCertificateArn: { type: "string" },
        iamCertificateId: { type: "string" },
        sslSupportMethod: { enum: ["sni-only", "vip", "static-ip"] },
        minimumProtocolVersion: { type: "string", description: "TLSv1, TLSv1.2_2021, TLSv1.3_2025, ..." },
        certificateSource: { type: "string" },
      },
    },
    logging: {
      type: "object",
      description: "Standard logging (legacy) to S3; logging through CloudWatch Logs delivery is not part of it.",
      properties: {
        enabled: { type: "boolean" },
        bucket: { type: "string" },
        prefix: { type: "string" },
        includeCookies: { type: "boolean" },
      },
    },
    webACLId: { type: "string", description: 'The AWS WAF web ACL (a WAFv2 ARN or a WAF Classic id); "" when none.' },
    httpVersion: { type: "string" },
    isIPV6Enabled: { type: "boolean" },
    priceClass: { type: "string" },
  },
} satisfies JsonSchema;

/** Drops nulls (Config writes absent members as null), recursively; never throws. */
function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((x) => x !== null && x !== undefined).map(withoutNulls);
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[k] = withoutNulls(x);
    return out;
  }
  return v;
}

/** A distribution id (CloudFront API Reference, GetDistribution: Id), as Config's resourceId. */
const DISTRIBUTION_ID = /^[A-Z0-9]{1,64}$/;

export const adapter: ResourceAdapter = {
  type: "AWS::CloudFront::Distribution",
  service: "cloudfront",
  nameField: "id",
  resourceIdPattern: /^E[A-Z0-9]{7,20}$/,
  arn: (ref, doc) =>
    typeof doc.arn === "string" && doc.arn !== ""
      ? doc.arn
      : DISTRIBUTION_ID.test(ref.id)
        ? `arn:${ref.region.startsWith("cn-") ? "aws-cn" : "aws"}:cloudfront::${ref.accountId}:distribution/${ref.id}`
        : undefined,
  cloudFormation: { arnAttributes: [] },
  documentSchema: {
    type: "object",
    properties: {
      id: { type: "string" },
      arn: { type: "string" },
      domainName: { type: "string" },
      distributionConfig: distributionConfigSchema,
      eTag: { type: "string", description: "GetDistribution's ETag: live describes only (see the adapter)." },
      tags: tagsSchema,
    },
    required: ["id", "distributionConfig", "tags"],
  },
  fromConfigItem(item) {
    const cfg = item.configuration ?? {};
    const doc: JsonObject = {};
    doc.id = typeof cfg.id === "string" && cfg.id !== "" ? cfg.id : item.resourceId;
    for (const k of ["arn", "domainName"]) if (typeof cfg[k] === "string") doc[k] = cfg[k];
    const config = withoutNulls(cfg.distributionConfig);
    doc.distributionConfig = isObject(config) ? config : {};
    if (typeof cfg.eTag === "string" && cfg.eTag !== "") doc.eTag = cfg.eTag;
    doc.tags = item.tags;
    return doc;
  },
  /** Reads GetDistribution (Distribution and ETag; camelCase, as Config records it) and ListTagsForResource. */
  fromDescribe(
    described: Described & { GetDistribution: GetDistributionResult; ListTagsForResource?: ListTagsForResourceResult },
  ) {
    const got = plainObject(described.GetDistribution);
    const distribution = camelKeys(plainObject(got.Distribution)) as JsonObject;
    const configuration: JsonObject = {};
    for (const k of ["id", "arn", "domainName", "distributionConfig"]) {
      if (distribution[k] !== undefined) configuration[k] = distribution[k];
    }
    if (typeof got.ETag === "string") configuration.eTag = got.ETag;
    const tags = plainObject(plainObject(described.ListTagsForResource).Tags).Items;
    return adapter.fromConfigItem(
      describedItem(described.ref, {
        configuration,
        tags: tagMap(tags),
        resourceName: typeof distribution.id === "string" ? distribution.id : undefined,
        arn: typeof distribution.arn === "string" ? distribution.arn : undefined,
      }),
    );
  },
  /**
   * CloudFront records its calls in us-east-1 with the distribution in `requestParameters.id` (UpdateDistribution,
   * DeleteDistribution), `responseElements.distribution.id` (CreateDistribution, CreateDistributionWithTags) or the
   * ARN in `requestParameters.resource` (TagResource, UntagResource). Older records add the API version to the
   * name (`UpdateDistribution2014_01_31`; CloudFront Developer Guide, "Logging Amazon CloudFront API calls using AWS
   * CloudTrail").
   */
  fromCloudTrail(record) {
    if (eventSourceOf(record) !== "cloudfront.amazonaws.com") return [];
    const event = (typeof record.eventName === "string" ? record.eventName : "").replace(/\d{4}_\d{2}_\d{2}$/, "");
    let id: string | undefined;
    if (event === "UpdateDistribution" || event === "DeleteDistribution") id = requestValue(record, "id");
    else if (event === "CreateDistribution" || event === "CreateDistributionWithTags") {
      const created = isObject(record.responseElements) ? record.responseElements.distribution : undefined;
      id = isObject(created) && typeof created.id === "string" ? created.id : undefined;
    } else if (event === "TagResource" || event === "UntagResource") {
      id = /:distribution\/([A-Z0-9]+)$/.exec(requestValue(record, "resource") ?? "")?.[1];
    }
    if (!id || !DISTRIBUTION_ID.test(id)) return [];
    const accountId = recordAccount(record);
    return [
      refFromRecord(record, adapter.type, id, `arn:aws:cloudfront::${accountId}:distribution/${id}`, {
        region: "us-east-1",
      }),
    ];
  },
  /**
   * AWS::CloudFront::Distribution Properties (CloudFormation reference, "AWS::CloudFront::Distribution
   * DistributionConfig"): the API's members with plain lists where the API has `{Quantity, Items}` (Aliases,
   * CacheBehaviors, Origins, OriginSSLProtocols), ViewerCertificate's AcmCertificateArn / IamCertificateId /
   * SslSupportMethod, IPV6Enabled, and Logging without Enabled (present means on). Left out, CloudFront's defaults
   * apply as GetDistribution then shows them: the default certificate, logging off, no web ACL, no root object.
   */
  fromCloudFormation(src) {
    const { resource: r } = src;
    const base = `${r.pointer}/Properties/DistributionConfig`;
    const raw = isObject(r.properties.DistributionConfig) ? r.properties.DistributionConfig : {};
    const list = (items: JsonSchema): JsonSchema => ({ type: "array", items });
    const behaviour = behaviourSchema;
    const shaped = src.shape(
      {
        type: "object",
        properties: {
          comment: { type: "string" },
          enabled: { type: "boolean" },
          defaultRootObject: { type: "string" },
          aliases: list({ type: "string" }),
          defaultCacheBehavior: behaviour,
          cacheBehaviors: list(behaviour),
          origins: list({
            type: "object",
            properties: {
              id: { type: "string" },
              domainName: { type: "string" },
              originPath: { type: "string" },
              customOriginConfig: {
                type: "object",
                properties: {
                  httpPort: { type: "number" },
                  httpsPort: { type: "number" },
                  originProtocolPolicy: { type: "string" },
                  originSslProtocols: list({ type: "string" }),
                },
              },
              s3OriginConfig: { type: "object", properties: { originAccessIdentity: { type: "string" } } },
            },
          }),
          viewerCertificate: {
            type: "object",
            properties: {
              cloudFrontDefaultCertificate: { type: "boolean" },
              acmCertificateArn: { type: "string" },
              iamCertificateId: { type: "string" },
              sslSupportMethod: { type: "string" },
              minimumProtocolVersion: { type: "string" },
            },
          },
          logging: {
            type: "object",
            properties: { bucket: { type: "string" }, prefix: { type: "string" }, includeCookies: { type: "boolean" } },
          },
          webACLId: { type: "string" },
          httpVersion: { type: "string" },
          isIPV6Enabled: { type: "boolean" },
          priceClass: { type: "string" },
        },
      },
      raw,
      "/distributionConfig",
      base,
      {
        httpPort: "HTTPPort",
        httpsPort: "HTTPSPort",
        originSslProtocols: "OriginSSLProtocols",
        acmCertificateArn: "AcmCertificateArn",
        iamCertificateId: "IamCertificateId",
        sslSupportMethod: "SslSupportMethod",
        isIPV6Enabled: "IPV6Enabled",
        webACLId: "WebACLId",
      },
    );
    const config = (isObject(shaped) ? shaped : {}) as JsonObject;
    const quantityList = (v: unknown): unknown =>
      Array.isArray(v) ? { quantity: v.length, items: v } : v instanceof UnknownValue ? { items: v } : v;
    for (const k of ["aliases", "cacheBehaviors", "origins"]) {
      config[k] = config[k] === undefined ? { quantity: 0 } : quantityList(config[k]);
    }
    const origins = (config.origins as JsonObject).items;
    if (Array.isArray(origins)) {
      for (const o of origins) {
        const custom = isObject(o) ? o.customOriginConfig : undefined;
        if (isObject(custom) && custom.originSslProtocols !== undefined) {
          custom.originSslProtocols = quantityList(custom.originSslProtocols);
        }
      }
    }
    config.viewerCertificate ??= { cloudFrontDefaultCertificate: true };
    config.logging = isObject(config.logging) ? { enabled: true, ...config.logging } : { enabled: false };
    config.webACLId ??= "";
    config.defaultRootObject ??= "";
    return {
      id: deployTimeValue(src, "the distribution id"),
      distributionConfig: config,
      tags: templateTags(r.properties.Tags),
    };
  },
};
