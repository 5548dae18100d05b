import type { DistributionConfig } from "@aws-sdk/client-cloudfront";
import type { Resource } from "../resources/adapter";
import { isObject, type JsonObject } from "../util/json";
import { str } from "./document";
import { awsCall, PlanError, type AwsCall } from "./types";

/**
 * CloudFront fixes go through UpdateDistribution, which replaces the whole DistributionConfig (CloudFront API
 * Reference, UpdateDistribution: "submit the entire distribution configuration"; a member left out is reset to its
 * default). The document carries the whole configuration in Config's camelCase; these helpers turn it back into
 * the API's members and send it with the describe's ETag as IfMatch, so a distribution changed since then refuses
 * the call (PreconditionFailed) rather than losing that change.
 */

/**
 * Config's camelCase names whose API spelling starts with an acronym (`camelKey` in lib/resources/described.ts
 * lower-cases a leading run of capitals: `ACMCertificateArn` → `acmCertificateArn`); every other API name is the
 * camelCase name with a capital first letter. The unit test checks the pair against every member name of the
 * CloudFront SDK's models.
 */
const ACRONYM_NAMES: Readonly<Record<string, string>> = {
  acmCertificateArn: "ACMCertificateArn",
  iamCertificateId: "IAMCertificateId",
  sslSupportMethod: "SSLSupportMethod",
  httpPort: "HTTPPort",
  httpsPort: "HTTPSPort",
  cname: "CNAME",
  icpRecordalStatus: "ICPRecordalStatus",
  xssProtection: "XSSProtection",
};

/** One Config (camelCase) member name as the CloudFront API spells it. */
export function apiMemberName(name: string): string {
  return ACRONYM_NAMES[name] ?? name.charAt(0).toUpperCase() + name.slice(1);
}

/** A Config-shaped (camelCase) value in the API's member names, recursively (DistributionConfig has no free maps). */
export function apiMembers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(apiMembers);
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) out[apiMemberName(k)] = apiMembers(v);
    return out;
  }
  return value;
}

/** A deep copy of the document's distributionConfig (camelCase), or a PlanError naming the field. */
export function distributionConfigOf(actionId: string, resource: Resource): JsonObject {
  const config = resource.document.distributionConfig;
  if (!isObject(config) || !isObject(config.origins) || !isObject(config.defaultCacheBehavior)) {
    throw new PlanError(actionId, `distributionConfig: ${resource.id} has no distribution configuration to update`);
  }
  return structuredClone(config);
}

/** The cache behaviours of a configuration: the default one, then each of `cacheBehaviors.items`. */
export function behavioursOf(config: JsonObject): JsonObject[] {
  const items = isObject(config.cacheBehaviors) ? config.cacheBehaviors.items : undefined;
  return [config.defaultCacheBehavior, ...(Array.isArray(items) ? items : [])].filter(isObject);
}

/** The origins of a configuration (`origins.items`). */
export function originsOf(config: JsonObject): JsonObject[] {
  const items = isObject(config.origins) ? config.origins.items : undefined;
  return Array.isArray(items) ? items.filter(isObject) : [];
}

/**
 * UpdateDistribution of `resource` with `config` (camelCase), IfMatch the ETag the resource was described with. A
 * document without an ETag (a Config item: Config records none) cannot be planned: the fix must come from a live
 * describe.
 */
export function updateDistribution(actionId: string, resource: Resource, config: JsonObject): AwsCall {
  const Id = str(resource.document.id) ?? resource.id;
  const IfMatch = str(resource.document.eTag);
  if (!IfMatch) {
    throw new PlanError(
      actionId,
      `eTag: ${Id} was not described live (GetDistribution's ETag); UpdateDistribution needs it as IfMatch`,
    );
  }
  return awsCall("cloudfront", "UpdateDistribution", {
    Id,
    IfMatch,
    DistributionConfig: apiMembers(config) as DistributionConfig,
  });
}
