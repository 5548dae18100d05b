import type { ConfigItem } from "./config-item";
import type { JsonSchema } from "../util/json";

/**
 * What every policy sees: one resource, identified, with the one document its adapter built.
 * The same shape comes from a Config item today and from a live describe or a CloudFormation
 * template in later sources, so a policy has a single meaning everywhere.
 */
export interface Resource {
  type: string;
  id: string;
  name?: string;
  arn?: string;
  accountId: string;
  region: string;
  tags: Record<string, string>;
  /** Capture time of the configuration this document was built from (Config items). */
  capturedAt?: string;
  /** The resource is gone (deleted or no longer recorded): every policy answers NOT_APPLICABLE. */
  deleted: boolean;
  document: Record<string, unknown>;
}

export interface ResourceAdapter {
  /** AWS Config resource type name, e.g. `AWS::ApiGateway::Stage`. */
  type: string;
  /** Folder under policies/ for this type's service, e.g. `apigateway`. */
  service: string;
  /**
   * JSON Schema (draft 2020-12) of the document policies see. `guardrail validate` checks every property a
   * policy names against it, and the tests check that every document an adapter builds satisfies it.
   */
  documentSchema: JsonSchema;
  /**
   * Recognises this type's Config resourceId when an item does not say its type (a SelectResourceConfig query
   * that did not select `resourceType`). Optional.
   */
  resourceIdPattern?: RegExp;
  /** Builds the document from a normalised Config item (either naming; see config-item.ts). */
  fromConfigItem(item: ConfigItem): Record<string, unknown>;
}

/** Identity fields shared by every source. */
export function resourceFromConfigItem(adapter: ResourceAdapter, item: ConfigItem): Resource {
  const deleted =
    item.status === "ResourceDeleted" || item.status === "ResourceDeletedNotRecorded" || item.configuration === null;
  const document = deleted ? {} : adapter.fromConfigItem(item);
  return {
    type: item.resourceType,
    id: item.resourceId,
    name: item.resourceName,
    arn: item.arn,
    accountId: item.accountId,
    region: item.region,
    // One source of tags: the document's (adapters fold in tags that some types also keep in `configuration`),
    // so exemption tags are read from the same map policies see.
    tags: isTagMap(document.tags) ? document.tags : item.tags,
    capturedAt: item.captureTime,
    deleted,
    document,
  };
}

function isTagMap(v: unknown): v is Record<string, string> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
