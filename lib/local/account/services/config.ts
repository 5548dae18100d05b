import type { ConfigItem } from "../../../resources/config-item";
import type { JsonObject } from "../../../util/json";
import { fail, type Operation, type OperationContext, type ServiceEmulation } from "./types";

/**
 * AWS Config's read API over the account's own items (the periodic sweep's ListDiscoveredResources and
 * BatchGetResourceConfig, the oversized-notification path's GetResourceConfigHistory: lib/aws/config.ts), in the API
 * naming (`configuration` and every supplementary value as JSON text, relationships with `relationshipName`; AWS Config
 * API Reference, ConfigurationItem). The account keeps the current version of each item only: GetResourceConfigHistory
 * answers with it when it was captured at or before `laterTime`, and with an empty page otherwise. Writes to Config
 * (PutEvaluations) are the local pipeline's (serve()).
 */

const SERVICE = "Config Service";
const MAX_KEYS = 100;

function apiItem(item: ConfigItem, full: boolean): JsonObject {
  const supplementary: Record<string, string> = {};
  for (const [k, v] of Object.entries(item.supplementaryConfiguration)) {
    supplementary[k] = typeof v === "string" ? v : JSON.stringify(v);
  }
  return {
    version: "1.3",
    accountId: item.accountId,
    ...(item.captureTime ? { configurationItemCaptureTime: new Date(item.captureTime) } : {}),
    configurationItemStatus: item.status,
    ...(item.configurationStateId ? { configurationStateId: item.configurationStateId } : {}),
    ...(item.arn ? { arn: item.arn } : {}),
    resourceType: item.resourceType,
    resourceId: item.resourceId,
    ...(item.resourceName ? { resourceName: item.resourceName } : {}),
    awsRegion: item.region,
    availabilityZone: "Not Applicable",
    configuration: JSON.stringify(item.configuration),
    supplementaryConfiguration: supplementary,
    ...(full
      ? {
          configurationItemMD5Hash: "",
          tags: { ...item.tags },
          relatedEvents: [],
          relationships: item.relationships.map((r) => ({
            resourceType: r.resourceType,
            ...(r.resourceId ? { resourceId: r.resourceId } : {}),
            ...(r.resourceName ? { resourceName: r.resourceName } : {}),
            relationshipName: r.name,
          })),
        }
      : {}),
  };
}

function items(ctx: OperationContext, resourceType: string): ConfigItem[] {
  return ctx.store
    .list({ resourceType, accountId: ctx.accountId, region: ctx.region })
    .sort((a, b) => a.resourceId.localeCompare(b.resourceId));
}

function offsetOf(token: unknown): number {
  if (token === undefined) return 0;
  const n = typeof token === "string" ? Number.parseInt(token, 10) : Number.NaN;
  if (!Number.isInteger(n) || n < 0) fail(SERVICE, "InvalidNextTokenException", "The nextToken provided is invalid");
  return n;
}

const read = (serve: Operation["serve"]): Operation => ({
  readOnly: true,
  serve,
  request: (input) => JSON.parse(JSON.stringify(input)) as JsonObject,
  response: () => null,
});

export const emulation: ServiceEmulation = {
  serviceId: SERVICE,
  operations: {
    ListDiscoveredResources: read((input, ctx) => {
      const type = typeof input.resourceType === "string" ? input.resourceType : "";
      const limit = typeof input.limit === "number" && input.limit > 0 ? Math.min(input.limit, 100) : 100;
      const all = items(ctx, type);
      const at = offsetOf(input.nextToken);
      const page = all.slice(at, at + limit).map((i) => ({
        resourceType: i.resourceType,
        resourceId: i.resourceId,
        ...(i.resourceName ? { resourceName: i.resourceName } : {}),
      }));
      return { resourceIdentifiers: page, ...(at + limit < all.length ? { nextToken: String(at + limit) } : {}) };
    }),
    BatchGetResourceConfig: read((input, ctx) => {
      const keys = Array.isArray(input.resourceKeys)
        ? (input.resourceKeys as { resourceType?: string; resourceId?: string }[])
        : [];
      if (keys.length === 0 || keys.length > MAX_KEYS) {
        fail(SERVICE, "ValidationException", `resourceKeys must hold 1 to ${MAX_KEYS} keys`);
      }
      const found = keys.flatMap((k) => {
        const item = ctx.store.get(k.resourceType ?? "", ctx.accountId, ctx.region, k.resourceId ?? "");
        return item ? [apiItem(item, false)] : [];
      });
      return { baseConfigurationItems: found, unprocessedResourceKeys: [] };
    }),
    GetResourceConfigHistory: read((input, ctx) => {
      const type = typeof input.resourceType === "string" ? input.resourceType : "";
      const id = typeof input.resourceId === "string" ? input.resourceId : "";
      const item = ctx.store.get(type, ctx.accountId, ctx.region, id);
      if (!item) {
        fail(
          SERVICE,
          "ResourceNotDiscoveredException",
          `Resource ${id} of resourceType:${type} is unknown or has not been discovered`,
        );
      }
      const later = input.laterTime instanceof Date ? input.laterTime.getTime() : Number.POSITIVE_INFINITY;
      const captured = item.captureTime ? Date.parse(item.captureTime) : 0;
      return { configurationItems: captured <= later ? [apiItem(item, true)] : [] };
    }),
  },
};
