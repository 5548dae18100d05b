import type {
  DescribeRepositoriesResponse,
  GetLifecyclePolicyResponse,
  ListTagsForResourceResponse,
} from "@aws-sdk/client-ecr";
import type { Described, ResourceAdapter } from "../adapter";
import { deployTimeValue, templateTags } from "../../cloudformation/document";
import { describedItem, plainObject } from "../described";
import { tagMap } from "../config-item";
import { firstOf } from "../field-table";
import { tagsSchema } from "../schema-parts";
import { readShapedObject } from "../schema-read";
import { isObject, type JsonObject, type JsonSchema } from "../../util/json";
import {
  baseEventName,
  eventSourceOf,
  namedResource,
  partitionOf,
  refFromRecord,
  requestValue,
} from "../../cloudtrail/record";

/**
 * ECR private repository. Config records the CloudFormation resource's shape (`RepositoryName`, `Arn`,
 * `ImageScanningConfiguration.ScanOnPush`, `ImageTagMutability`, `LifecyclePolicy {LifecyclePolicyText,
 * RegistryId}`, `EncryptionConfiguration`: the Config resource schema, awslabs/aws-config-resource-schema
 * AWS::ECR::Repository.properties.json, and the CloudFormation reference, AWS::ECR::Repository). resourceId = the
 * repository name is INFERRED from the CloudFormation resource schema's primaryIdentifier (RepositoryName). A
 * describe gives the same members in camelCase: DescribeRepositories' Repository, GetLifecyclePolicy's
 * lifecyclePolicyText and registryId, ListTagsForResource's tags (Amazon ECR API Reference).
 */
const SHAPE: JsonSchema = {
  type: "object",
  properties: {
    RepositoryName: { type: "string" },
    Arn: { type: "string" },
    ImageTagMutability: {
      type: "string",
      description: "MUTABLE, IMMUTABLE, or either WITH_EXCLUSION (tags matching an exclusion filter stay mutable).",
    },
    ImageScanningConfiguration: {
      type: "object",
      properties: { ScanOnPush: { type: "boolean", description: "Basic scanning of every pushed image." } },
    },
    LifecyclePolicy: {
      type: "object",
      description: "Absent when the repository has no lifecycle policy.",
      properties: { LifecyclePolicyText: { type: "string" }, RegistryId: { type: "string" } },
    },
    EncryptionConfiguration: {
      type: "object",
      description: "Fixed at creation: AES256 (S3-managed keys, ECR's default) or KMS (KmsKey, else aws/ecr).",
      properties: { EncryptionType: { type: "string" }, KmsKey: { type: "string" } },
    },
  },
};

/** Repository names (Amazon ECR API Reference, CreateRepository repositoryName). */
const REPOSITORY_NAME = /^(?=.{2,256}$)(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/** Calls on one repository, named by `repositoryName` (Amazon ECR API Reference, each request). */
const REPOSITORY_EVENTS = new Set([
  "CreateRepository",
  "DeleteRepository",
  "PutImageScanningConfiguration",
  "PutImageTagMutability",
  "PutLifecyclePolicy",
  "DeleteLifecyclePolicy",
]);
/** Tagging calls name the repository by `resourceArn`. */
const TAG_EVENTS = new Set(["TagResource", "UntagResource"]);

function arnOf(region: string, accountId: string, name: string): string {
  return `arn:${partitionOf(region)}:ecr:${region}:${accountId}:repository/${name}`;
}

export const adapter: ResourceAdapter = {
  type: "AWS::ECR::Repository",
  service: "ecr",
  nameField: "RepositoryName",
  arn: (ref, doc) =>
    typeof doc.Arn === "string" && doc.Arn !== ""
      ? doc.Arn
      : REPOSITORY_NAME.test(ref.id)
        ? arnOf(ref.region, ref.accountId, ref.id)
        : undefined,
  cloudFormation: { arnAttributes: ["Arn"] },
  documentSchema: {
    ...SHAPE,
    properties: { ...(SHAPE as { properties: JsonObject }).properties, tags: tagsSchema },
    required: ["RepositoryName", "tags"],
  },
  fromConfigItem(item) {
    const doc = readShapedObject(SHAPE, item.configuration ?? {});
    doc.RepositoryName ??= item.resourceName ?? item.resourceId;
    // A lifecycle policy without its text says nothing a policy can judge.
    if (isObject(doc.LifecyclePolicy) && doc.LifecyclePolicy.LifecyclePolicyText === undefined) {
      delete doc.LifecyclePolicy;
    }
    doc.tags = item.tags;
    return doc;
  },
  /** Reads DescribeRepositories' one repository, GetLifecyclePolicy (absent: none) and ListTagsForResource. */
  fromDescribe(
    described: Described & {
      DescribeRepositories: DescribeRepositoriesResponse;
      GetLifecyclePolicy?: GetLifecyclePolicyResponse;
      ListTagsForResource?: ListTagsForResourceResponse;
    },
  ) {
    const repo = firstOf(plainObject(described.DescribeRepositories).repositories);
    const lifecycle = plainObject(described.GetLifecyclePolicy);
    const configuration: JsonObject = {
      RepositoryName: repo.repositoryName,
      Arn: repo.repositoryArn,
      ImageTagMutability: repo.imageTagMutability,
      ImageScanningConfiguration: repo.imageScanningConfiguration,
      EncryptionConfiguration: repo.encryptionConfiguration,
      ...(typeof lifecycle.lifecyclePolicyText === "string"
        ? {
            LifecyclePolicy: {
              LifecyclePolicyText: lifecycle.lifecyclePolicyText,
              RegistryId: lifecycle.registryId,
            },
          }
        : {}),
    };
    return adapter.fromConfigItem(
      describedItem(described.ref, {
        configuration,
        tags: tagMap(plainObject(described.ListTagsForResource).tags),
        resourceName: typeof repo.repositoryName === "string" ? repo.repositoryName : undefined,
        arn: typeof repo.repositoryArn === "string" ? repo.repositoryArn : undefined,
      }),
    );
  },
  /**
   * The repository a call changed: `requestParameters.repositoryName` (with `registryId`, the account, when given),
   * or a tagging call's `resourceArn` ("Logging Amazon ECR actions with AWS CloudTrail").
   */
  fromCloudTrail(record) {
    if (eventSourceOf(record) !== "ecr.amazonaws.com") return [];
    const event = baseEventName(record);
    let value: string | undefined;
    if (REPOSITORY_EVENTS.has(event)) {
      value = requestValue(record, "repositoryName");
    } else if (TAG_EVENTS.has(event)) {
      value = requestValue(record, "resourceArn");
      if (value !== undefined && !value.includes(":repository/")) return [];
    } else return [];
    if (!value) return [];
    const where = namedResource(record, value, ":repository/");
    // A name may hold slashes (namespaces): take everything after the ARN's "repository/".
    const name = value.startsWith("arn:") ? value.slice(value.indexOf(":repository/") + 12) : value;
    const registry = requestValue(record, "registryId");
    const accountId = registry && /^\d{12}$/.test(registry) ? registry : where.accountId;
    if (!REPOSITORY_NAME.test(name)) return [];
    return [
      refFromRecord(record, adapter.type, name, arnOf(where.region, accountId, name), {
        region: where.region,
        accountId,
      }),
    ];
  },
  /**
   * AWS::ECR::Repository Properties (CloudFormation reference), the names Config records, ECR's create defaults
   * filled in (Amazon ECR API Reference, CreateRepository): MUTABLE tags, no scan on push, AES256 encryption.
   */
  fromCloudFormation(src) {
    const { resource: r } = src;
    const base = `${r.pointer}/Properties`;
    const doc = src.shape(SHAPE, r.properties, "", base) as JsonObject;
    delete doc.Arn;
    doc.RepositoryName ??= deployTimeValue(src, "the generated repository name");
    doc.ImageTagMutability ??= "MUTABLE";
    doc.ImageScanningConfiguration ??= { ScanOnPush: false };
    if (isObject(doc.ImageScanningConfiguration)) doc.ImageScanningConfiguration.ScanOnPush ??= false;
    doc.EncryptionConfiguration ??= { EncryptionType: "AES256" };
    doc.tags = templateTags(r.properties.Tags);
    return doc;
  },
};
