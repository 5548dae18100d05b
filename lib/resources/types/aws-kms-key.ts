import type { DescribeKeyResponse, GetKeyRotationStatusResponse, ListResourceTagsResponse } from "@aws-sdk/client-kms";
import type { Described, ResourceAdapter } from "../adapter";
import { deployTimeValue, templateTags } from "../../cloudformation/document";
import { UnknownValue } from "../../cloudformation/unknown";
import { toBool } from "../coerce";
import { camelKeys, describedItem, plainObject } from "../described";
import { fieldSchemas, readFields, type FieldTable } from "../field-table";
import { tagsSchema } from "../schema-parts";
import { isObject, type JsonObject } from "../../util/json";
import {
  arnParts,
  baseEventName,
  eventSourceOf,
  partitionOf,
  refFromRecord,
  requestParameters,
  responseElements,
} from "../../cloudtrail/record";

/**
 * KMS key. Config's `configuration` is DescribeKey's KeyMetadata in camelCase (`keyId`, `arn`, `keyState`,
 * `keyManager`, `customerMasterKeySpec`, `origin`, `enabled`) and the rotation status is
 * `supplementaryConfiguration.KeyRotationStatus` (the Config resource schema, awslabs/aws-config-resource-schema
 * AWS::KMS::Key.properties.json); its resourceId is the key id. A describe gives KeyMetadata in PascalCase (KMS API
 * Reference, KeyMetadata) and GetKeyRotationStatus' KeyRotationEnabled. Config records no `keySpec`:
 * CustomerMasterKeySpec is its deprecated twin and holds the same value (KMS API Reference, KeyMetadata).
 */
const FIELDS = {
  keyId: { type: "string", spellings: ["KeyId"] },
  arn: { type: "string", spellings: ["Arn"] },
  description: { type: "string", spellings: ["Description"] },
  enabled: { type: "boolean", spellings: ["Enabled"] },
  keyState: {
    type: "string",
    spellings: ["KeyState"],
    description:
      "Enabled, Disabled, PendingDeletion, PendingImport, PendingReplicaDeletion, Unavailable, Creating, ...",
  },
  keyManager: { type: "string", spellings: ["KeyManager"], description: "CUSTOMER or AWS (an AWS managed key)." },
  keySpec: { type: "string", spellings: ["KeySpec", "customerMasterKeySpec", "CustomerMasterKeySpec"] },
  keyUsage: { type: "string", spellings: ["KeyUsage"] },
  origin: {
    type: "string",
    spellings: ["Origin"],
    description: "AWS_KMS, EXTERNAL, AWS_CLOUDHSM or EXTERNAL_KEY_STORE.",
  },
} as const satisfies FieldTable;

/** A key id (a UUID, or `mrk-` and 32 hex digits for a multi-Region key: KMS API Reference, KeyMetadata KeyId). */
const KEY_ID = /^(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** Calls that change a key and name it in `requestParameters.keyId` (key id or key ARN: KMS API Reference). */
const KEY_EVENTS = new Set([
  "EnableKeyRotation",
  "DisableKeyRotation",
  "RotateKeyOnDemand",
  "ScheduleKeyDeletion",
  "CancelKeyDeletion",
  "EnableKey",
  "DisableKey",
  "PutKeyPolicy",
  "UpdateKeyDescription",
  "TagResource",
  "UntagResource",
  "ImportKeyMaterial",
  "DeleteImportedKeyMaterial",
]);

function keyIdOf(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const id = value.startsWith("arn:") ? value.slice(value.indexOf(":key/") + 5) : value;
  return value.startsWith("arn:") && !value.includes(":key/") ? undefined : KEY_ID.test(id) ? id : undefined;
}

export const adapter: ResourceAdapter = {
  type: "AWS::KMS::Key",
  service: "kms",
  nameField: "keyId",
  resourceIdPattern: KEY_ID,
  arn: (ref, doc) =>
    typeof doc.arn === "string" && doc.arn.startsWith("arn:")
      ? doc.arn
      : KEY_ID.test(ref.id)
        ? `arn:${partitionOf(ref.region)}:kms:${ref.region}:${ref.accountId}:key/${ref.id}`
        : undefined,
  cloudFormation: { arnAttributes: ["Arn"] },
  documentSchema: {
    type: "object",
    properties: {
      ...fieldSchemas(FIELDS),
      keyRotationEnabled: {
        type: "boolean",
        description: "Automatic rotation of the key material (symmetric customer managed keys only).",
      },
      tags: tagsSchema,
    },
    required: ["keyId", "tags"],
  },
  fromConfigItem(item) {
    const doc = readFields(FIELDS, item.configuration ?? {});
    doc.keyId ??= item.resourceId;
    const rotation = toBool(item.supplementaryConfiguration.KeyRotationStatus);
    if (rotation !== undefined) doc.keyRotationEnabled = rotation;
    doc.tags = item.tags;
    return doc;
  },
  /**
   * Reads DescribeKey's KeyMetadata, GetKeyRotationStatus' KeyRotationEnabled (absent where the key cannot rotate)
   * and ListResourceTags' Tags (`TagKey`, `TagValue`: KMS API Reference, Tag).
   */
  fromDescribe(
    described: Described & {
      DescribeKey: DescribeKeyResponse;
      GetKeyRotationStatus?: GetKeyRotationStatusResponse;
      ListResourceTags?: ListResourceTagsResponse;
    },
  ) {
    const metadata = plainObject(plainObject(described.DescribeKey).KeyMetadata);
    const tags: Record<string, string> = {};
    const list = plainObject(described.ListResourceTags).Tags;
    for (const t of Array.isArray(list) ? list : []) {
      if (isObject(t) && typeof t.TagKey === "string")
        tags[t.TagKey] = typeof t.TagValue === "string" ? t.TagValue : "";
    }
    const rotation = plainObject(described.GetKeyRotationStatus).KeyRotationEnabled;
    return adapter.fromConfigItem(
      describedItem(described.ref, {
        configuration: camelKeys(metadata) as JsonObject,
        supplementaryConfiguration: typeof rotation === "boolean" ? { KeyRotationStatus: rotation } : {},
        tags,
        arn: typeof metadata.Arn === "string" ? metadata.Arn : undefined,
      }),
    );
  },
  /**
   * The key a call names: `requestParameters.keyId` (key id or ARN), or for CreateKey the new key's
   * `responseElements.keyMetadata` ("Logging AWS KMS API calls with AWS CloudTrail", CreateKey example).
   */
  fromCloudTrail(record) {
    if (eventSourceOf(record) !== "kms.amazonaws.com") return [];
    const name = baseEventName(record);
    let value: unknown;
    if (name === "CreateKey" || name === "ReplicateKey") {
      const metadata = responseElements(record)[name === "CreateKey" ? "keyMetadata" : "replicaKeyMetadata"];
      value = isObject(metadata) ? (metadata.arn ?? metadata.keyId) : undefined;
    } else if (KEY_EVENTS.has(name)) {
      value = requestParameters(record).keyId;
    }
    const id = keyIdOf(value);
    if (!id) return [];
    const where = typeof value === "string" && value.startsWith("arn:") ? arnParts(value) : {};
    const ref = refFromRecord(record, adapter.type, id, undefined, where);
    return [{ ...ref, arn: `arn:${partitionOf(ref.region)}:kms:${ref.region}:${ref.accountId}:key/${id}` }];
  },
  /**
   * AWS::KMS::Key Properties (CloudFormation reference) with KMS's create defaults: Enabled true, EnableKeyRotation
   * false, KeySpec SYMMETRIC_DEFAULT, KeyUsage ENCRYPT_DECRYPT, Origin AWS_KMS. A template's key is always customer
   * managed; a key with Origin EXTERNAL waits for its key material (PendingImport).
   */
  fromCloudFormation(src) {
    const { resource: r } = src;
    const base = `${r.pointer}/Properties`;
    const doc = src.shape(
      {
        type: "object",
        properties: {
          description: { type: "string" },
          enabled: { type: "boolean" },
          keyRotationEnabled: { type: "boolean" },
          keySpec: { type: "string" },
          keyUsage: { type: "string" },
          origin: { type: "string" },
        },
      },
      r.properties,
      "",
      base,
      { keyRotationEnabled: "EnableKeyRotation" },
    ) as JsonObject;
    doc.keyId = deployTimeValue(src, "the generated key id");
    doc.keyManager = "CUSTOMER";
    doc.enabled ??= true;
    doc.keyRotationEnabled ??= false;
    doc.keySpec ??= "SYMMETRIC_DEFAULT";
    doc.keyUsage ??= "ENCRYPT_DECRYPT";
    doc.origin ??= "AWS_KMS";
    doc.keyState =
      doc.origin === "EXTERNAL"
        ? "PendingImport"
        : doc.enabled === true
          ? "Enabled"
          : doc.enabled === false
            ? "Disabled"
            : new UnknownValue(`Enabled of ${r.logicalId} is known at deploy`, base, undefined, [
                "Enabled",
                "Disabled",
              ]);
    doc.tags = templateTags(r.properties.Tags);
    return doc;
  },
};
