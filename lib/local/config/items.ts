import { createHash } from "node:crypto";
import type { ConfigItem } from "../../resources/config-item";

/**
 * A ConfigItem (lib/resources/config-item.ts) back in AWS Config's two namings (sources there): the
 * invocation naming of rule events (`ARN`, `awsAccountId`, `configurationStateMd5Hash`, objects) and the API
 * naming of GetResourceConfigHistory / BatchGetResourceConfig as the SDK deserialises it (`arn`, `accountId`,
 * `configurationItemMD5Hash`, `configuration` and supplementary values as JSON strings, Dates as Date,
 * `relationshipName`).
 */

const ITEM_VERSION = "1.3";

function md5(item: ConfigItem): string {
  return createHash("md5")
    .update(JSON.stringify(item.configuration ?? null))
    .digest("hex");
}

/** The invocation naming (ConfigurationItemChangeNotification's `configurationItem`). */
export function invocationItem(item: ConfigItem): Record<string, unknown> {
  return {
    relatedEvents: [],
    relationships: item.relationships.map((r) => ({
      resourceId: r.resourceId ?? null,
      resourceName: r.resourceName ?? null,
      resourceType: r.resourceType,
      name: r.name,
    })),
    configuration: item.configuration,
    supplementaryConfiguration: item.supplementaryConfiguration,
    tags: item.tags,
    configurationItemVersion: ITEM_VERSION,
    configurationItemCaptureTime: item.captureTime ?? new Date().toISOString(),
    configurationStateId: Number(item.configurationStateId ?? 1),
    awsAccountId: item.accountId,
    configurationItemStatus: item.status,
    resourceType: item.resourceType,
    resourceId: item.resourceId,
    resourceName: item.resourceName ?? null,
    ARN: item.arn ?? null,
    awsRegion: item.region,
    availabilityZone: "Not Applicable",
    configurationStateMd5Hash: md5(item),
  };
}

function supplementaryStrings(item: ConfigItem): Record<string, string> {
  return Object.fromEntries(Object.entries(item.supplementaryConfiguration).map(([k, v]) => [k, JSON.stringify(v)]));
}

/** BatchGetResourceConfig's BaseConfigurationItem (no tags, no relationships: the API returns neither). */
export function baseConfigurationItem(item: ConfigItem): Record<string, unknown> {
  return {
    version: ITEM_VERSION,
    accountId: item.accountId,
    configurationItemCaptureTime: new Date(item.captureTime ?? Date.now()),
    configurationItemStatus: item.status,
    configurationStateId: item.configurationStateId ?? "1",
    arn: item.arn,
    resourceType: item.resourceType,
    resourceId: item.resourceId,
    resourceName: item.resourceName,
    awsRegion: item.region,
    availabilityZone: "Not Applicable",
    configuration: JSON.stringify(item.configuration),
    supplementaryConfiguration: supplementaryStrings(item),
  };
}

/** GetResourceConfigHistory's ConfigurationItem (tags and relationships included). */
export function historyConfigurationItem(item: ConfigItem): Record<string, unknown> {
  return {
    ...baseConfigurationItem(item),
    configurationItemMD5Hash: md5(item),
    tags: item.tags,
    relatedEvents: [],
    relationships: item.relationships.map((r) => ({
      resourceType: r.resourceType,
      resourceId: r.resourceId,
      resourceName: r.resourceName,
      relationshipName: r.name,
    })),
  };
}
