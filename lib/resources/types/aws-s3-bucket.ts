import type { ResourceAdapter } from "../adapter";
import { attachedPolicy, deployTimeValue, templateTags } from "../../cloudformation/document";
import { UnknownValue } from "../../cloudformation/unknown";
import { policyTextMember, toBool, toPolicyDocument } from "../coerce";
import { policyDocumentSchema, policyTextSchema, tagsSchema } from "../schema-parts";
import { isObject, parseEmbeddedJson, type JsonObject, type JsonSchema } from "../../util/json";
import type {
  GetBucketEncryptionOutput,
  GetBucketLoggingOutput,
  GetBucketPolicyOutput,
  GetBucketTaggingOutput,
  GetBucketVersioningOutput,
  GetPublicAccessBlockOutput,
} from "@aws-sdk/client-s3";
import type { Described } from "../adapter";
import { camelKeys, describedItem, plainObject } from "../described";
import { tagMap } from "../config-item";
import {
  baseEventName,
  eventSourceOf,
  partitionOf,
  recordRegion,
  refFromRecord,
  requestValue,
} from "../../cloudtrail/record";

/**
 * S3 bucket. Config's `configuration` is only {name, owner, creationDate}; the settings policies care about are
 * in `supplementaryConfiguration`, one key per bucket sub-resource, camelCase inside:
 *   PublicAccessBlockConfiguration, ServerSideEncryptionConfiguration, BucketVersioningConfiguration,
 *   BucketPolicy {policyText: JSON string | null}, BucketLoggingConfiguration.
 * Shape source: the Config advanced-query resource schema (awslabs/aws-config-resource-schema,
 * AWS::S3::Bucket.properties.json) for the property names, and Cloud Custodian's S3 Config source for the
 * "unset" spellings ({"policyText":null}, {"status":"Off","isMfaDeleteEnabled":null},
 * {"destinationBucketName":null,...}). resourceId = bucket name is INFERRED (third-party samples only).
 * In API naming every supplementary value is a JSON string; toConfigItem parses them, and the literal "null"
 * some values may carry is treated as absent here. Null fields are dropped: absent means "not set".
 */

/** A supplementary value as an object: already parsed, a JSON string, or nothing ("null", null, absent). */
function objectValue(v: unknown): JsonObject | undefined {
  const parsed = typeof v === "string" ? parseEmbeddedJson(v) : v;
  return isObject(parsed) ? parsed : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

function publicAccessBlock(v: unknown): JsonObject | undefined {
  const pab = objectValue(v);
  if (!pab) return undefined;
  const out: JsonObject = {};
  for (const k of ["blockPublicAcls", "ignorePublicAcls", "blockPublicPolicy", "restrictPublicBuckets"]) {
    const b = toBool(pab[k]);
    if (b !== undefined) out[k] = b;
  }
  return out;
}

function encryption(v: unknown): JsonObject | undefined {
  const sse = objectValue(v);
  if (!sse) return undefined;
  const rules = Array.isArray(sse.rules) ? sse.rules : [];
  return {
    rules: rules.filter(isObject).map((r) => {
      const out: JsonObject = {};
      const byDefault = objectValue(r.applyServerSideEncryptionByDefault);
      if (byDefault) {
        const d: JsonObject = {};
        const algorithm = str(byDefault.sseAlgorithm);
        const key = str(byDefault.kmsMasterKeyID);
        if (algorithm) d.sseAlgorithm = algorithm;
        if (key) d.kmsMasterKeyID = key;
        out.applyServerSideEncryptionByDefault = d;
      }
      const bucketKey = toBool(r.bucketKeyEnabled);
      if (bucketKey !== undefined) out.bucketKeyEnabled = bucketKey;
      return out;
    }),
  };
}

function versioning(v: unknown): JsonObject | undefined {
  const ver = objectValue(v);
  if (!ver) return undefined;
  const out: JsonObject = {};
  const status = str(ver.status);
  const mfaDelete = toBool(ver.isMfaDeleteEnabled);
  if (status) out.status = status;
  if (mfaDelete !== undefined) out.isMfaDeleteEnabled = mfaDelete;
  return out;
}

function logging(v: unknown): JsonObject | undefined {
  const log = objectValue(v);
  const destination = str(log?.destinationBucketName);
  if (!log || !destination) return undefined; // {"destinationBucketName": null} = logging off
  const prefix = str(log.logFilePrefix);
  return { destinationBucketName: destination, ...(prefix ? { logFilePrefix: prefix } : {}) };
}

export const adapter: ResourceAdapter = {
  type: "AWS::S3::Bucket",
  service: "s3",
  nameField: "name",
  arn: (ref) => `arn:${partitionOf(ref.region)}:s3:::${ref.id}`,
  cloudFormation: { arnAttributes: ["Arn"], attachments: ["AWS::S3::BucketPolicy"] },
  documentSchema: {
    type: "object",
    properties: {
      name: { type: "string" },
      creationDate: { type: "string" },
      owner: { type: "object", properties: { displayName: { type: "string" }, id: { type: "string" } } },
      publicAccessBlockConfiguration: {
        type: "object",
        description:
          "Bucket-level Block Public Access; absent when the bucket has none (account level is a separate type).",
        properties: {
          blockPublicAcls: { type: "boolean" },
          ignorePublicAcls: { type: "boolean" },
          blockPublicPolicy: { type: "boolean" },
          restrictPublicBuckets: { type: "boolean" },
        },
      },
      serverSideEncryptionConfiguration: {
        type: "object",
        description: "Default encryption; absent when Config recorded none.",
        properties: {
          rules: {
            type: "array",
            items: {
              type: "object",
              properties: {
                applyServerSideEncryptionByDefault: {
                  type: "object",
                  properties: {
                    sseAlgorithm: { type: "string", description: "AES256, aws:kms or aws:kms:dsse." },
                    kmsMasterKeyID: { type: "string" },
                  },
                },
                bucketKeyEnabled: { type: "boolean" },
              },
            },
          },
        },
      },
      versioningConfiguration: {
        type: "object",
        properties: {
          status: { enum: ["Off", "Enabled", "Suspended"] },
          isMfaDeleteEnabled: { type: "boolean" },
        },
      },
      policy: {
        ...(policyDocumentSchema as object),
        description: "The bucket policy; absent when the bucket has none.",
      },
      policyText: policyTextSchema,
      loggingConfiguration: {
        type: "object",
        description: "Server access logging; absent when logging is off.",
        properties: { destinationBucketName: { type: "string" }, logFilePrefix: { type: "string" } },
      },
      tags: tagsSchema,
    },
    required: ["name", "tags"],
  },
  fromConfigItem(item) {
    const cfg = item.configuration ?? {};
    const supp = item.supplementaryConfiguration;
    const owner = objectValue(cfg.owner);
    const parts: JsonObject = {
      publicAccessBlockConfiguration: publicAccessBlock(supp.PublicAccessBlockConfiguration),
      serverSideEncryptionConfiguration: encryption(supp.ServerSideEncryptionConfiguration),
      versioningConfiguration: versioning(supp.BucketVersioningConfiguration),
      policy: toPolicyDocument(objectValue(supp.BucketPolicy)?.policyText),
      loggingConfiguration: logging(supp.BucketLoggingConfiguration),
    };
    return {
      name: str(cfg.name) ?? item.resourceName ?? item.resourceId,
      ...(str(cfg.creationDate) ? { creationDate: cfg.creationDate } : {}),
      ...(owner
        ? {
            owner: {
              ...(str(owner.displayName) ? { displayName: owner.displayName } : {}),
              ...(str(owner.id) ? { id: owner.id } : {}),
            },
          }
        : {}),
      ...Object.fromEntries(Object.entries(parts).filter(([, v]) => v !== undefined)),
      ...policyTextMember("policyText", objectValue(supp.BucketPolicy)?.policyText),
      tags: item.tags,
    };
  },
  /**
   * Reads GetBucketVersioning, GetBucketPolicy, GetPublicAccessBlock, GetBucketEncryption, GetBucketLogging and
   * GetBucketTagging; a sub-resource the bucket does not have (NoSuchBucketPolicy, NoSuchPublicAccessBlock-
   * Configuration, ...) is an absent key. They become the supplementary configuration Config records, with its
   * "unset" spellings: versioning never enabled is status "Off", no policy is `{policyText: null}`, logging off is
   * `{destinationBucketName: null}`. Not read: the owner and creation date of `configuration` (GetBucketAcl and
   * ListBuckets; no policy reads them), so a described bucket's document has neither.
   */
  fromDescribe(
    described: Described & {
      GetBucketVersioning: GetBucketVersioningOutput;
      GetBucketPolicy?: GetBucketPolicyOutput;
      GetPublicAccessBlock?: GetPublicAccessBlockOutput;
      GetBucketEncryption?: GetBucketEncryptionOutput;
      GetBucketLogging?: GetBucketLoggingOutput;
      GetBucketTagging?: GetBucketTaggingOutput;
    },
  ) {
    const name = described.ref.id;
    const versioning = plainObject(described.GetBucketVersioning);
    const mfa = versioning.MFADelete;
    const logging = plainObject(plainObject(described.GetBucketLogging).LoggingEnabled);
    const supplementary: JsonObject = {
      BucketPolicy: { policyText: str(plainObject(described.GetBucketPolicy).Policy) ?? null },
      BucketVersioningConfiguration: {
        status: str(versioning.Status) ?? "Off",
        isMfaDeleteEnabled: mfa === "Enabled" ? true : mfa === "Disabled" ? false : null,
      },
      BucketLoggingConfiguration: {
        destinationBucketName: str(logging.TargetBucket) ?? null,
        logFilePrefix: str(logging.TargetPrefix) ?? null,
      },
    };
    const pab = plainObject(described.GetPublicAccessBlock).PublicAccessBlockConfiguration;
    if (isObject(pab)) supplementary.PublicAccessBlockConfiguration = camelKeys(pab);
    const sse = plainObject(described.GetBucketEncryption).ServerSideEncryptionConfiguration;
    if (isObject(sse)) supplementary.ServerSideEncryptionConfiguration = camelKeys(sse);
    return adapter.fromConfigItem(
      describedItem(described.ref, {
        configuration: { name },
        supplementaryConfiguration: supplementary,
        tags: tagMap(plainObject(described.GetBucketTagging).TagSet),
        resourceName: name,
        arn: `arn:${partitionOf(described.ref.region)}:s3:::${name}`,
      }),
    );
  },
  /** Bucket-level calls name the bucket in `requestParameters.bucketName`; the record's Region is the bucket's. */
  fromCloudTrail(record) {
    if (eventSourceOf(record) !== "s3.amazonaws.com" || !BUCKET_EVENTS.has(baseEventName(record))) return [];
    const name = requestValue(record, "bucketName");
    if (!name) return [];
    const region = recordRegion(record);
    return [refFromRecord(record, adapter.type, name, `arn:${partitionOf(region)}:s3:::${name}`)];
  },
  /**
   * AWS::S3::Bucket Properties (CloudFormation reference, "AWS::S3::Bucket": BucketName, BucketEncryption
   * {ServerSideEncryptionConfiguration: [{ServerSideEncryptionByDefault: {SSEAlgorithm, KMSMasterKeyID},
   * BucketKeyEnabled}]}, PublicAccessBlockConfiguration, VersioningConfiguration {Status}, LoggingConfiguration
   * {DestinationBucketName, LogFilePrefix}, Tags) and the AWS::S3::BucketPolicy whose `Bucket` names it become
   * the supplementary-configuration document Config records. Defaults: without BucketEncryption the bucket has
   * S3's default SSE-S3 (AES256) encryption, applied to every bucket since January 2023 and recorded by Config as
   * such; without PublicAccessBlockConfiguration the bucket-level setting is S3's default for NEW buckets (all
   * four on since April 2023) but whatever an existing bucket has, so it is left unknown.
   */
  fromCloudFormation(src) {
    const { resource: r } = src;
    const p = r.properties;
    const base = `${r.pointer}/Properties`;
    const schema = adapter.documentSchema as { properties: Record<string, JsonSchema> };
    const part = (doc: string, cfn: string, aliases?: Record<string, string>) =>
      p[cfn] === undefined
        ? undefined
        : src.shape(schema.properties[doc] ?? {}, p[cfn], `/${doc}`, `${base}/${cfn}`, aliases);
    const doc: JsonObject = {
      name:
        p.BucketName !== undefined
          ? src.shape({ type: "string" }, p.BucketName, "/name", `${base}/BucketName`)
          : deployTimeValue(src, "the generated bucket name"),
    };
    doc.publicAccessBlockConfiguration =
      part("publicAccessBlockConfiguration", "PublicAccessBlockConfiguration") ??
      new UnknownValue(
        "S3's default, as the template sets none (all four on for buckets created since 2023-04; an existing bucket keeps its own)",
        base,
      );
    doc.serverSideEncryptionConfiguration = part("serverSideEncryptionConfiguration", "BucketEncryption", {
      rules: "ServerSideEncryptionConfiguration",
      applyServerSideEncryptionByDefault: "ServerSideEncryptionByDefault",
      sseAlgorithm: "SSEAlgorithm",
      kmsMasterKeyID: "KMSMasterKeyID",
    }) ?? { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: false }] };
    const versioning = part("versioningConfiguration", "VersioningConfiguration");
    if (versioning !== undefined) doc.versioningConfiguration = versioning;
    const logging = part("loggingConfiguration", "LoggingConfiguration");
    if (logging !== undefined) doc.loggingConfiguration = logging;
    const policy = attachedPolicy(src, "AWS::S3::BucketPolicy", "Bucket", "/policy", schema.properties.policy ?? {});
    if (policy !== undefined) doc.policy = policy;
    doc.tags = templateTags(p.Tags);
    return doc;
  },
};

const BUCKET_EVENTS = new Set([
  "CreateBucket", "DeleteBucket", "PutBucketPolicy", "DeleteBucketPolicy", "PutBucketEncryption",
  "DeleteBucketEncryption", "PutBucketPublicAccessBlock", "DeleteBucketPublicAccessBlock", "PutBucketVersioning",
  "PutBucketLogging", "PutBucketTagging", "DeleteBucketTagging",
]); // prettier-ignore
