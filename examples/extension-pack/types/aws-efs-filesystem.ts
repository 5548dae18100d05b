import type { FileSystemPolicyDescription, DescribeFileSystemsResponse } from "@aws-sdk/client-efs";
import {
  baseEventName,
  deployTimeValue,
  describedItem,
  eventSourceOf,
  isObject,
  partitionOf,
  plainObject,
  policyDocumentSchema,
  policyTextMember,
  refFromRecord,
  requestValue,
  tagMap,
  tagsSchema,
  templatePolicyDocument,
  templateTags,
  toBool,
  toPolicyDocument,
  UnknownValue,
  type CloudFormationSource,
  type ConfigItem,
  type Described,
  type JsonObject,
  type ResourceAdapter,
} from "guardrail";

/**
 * Amazon EFS file system. Config records the CloudFormation resource's names (`Arn`, `FileSystemId`, `Encrypted`,
 * `KmsKeyId`, `PerformanceMode`, `ThroughputMode`: the Config resource schema, awslabs/aws-config-resource-schema
 * AWS::EFS::FileSystem.properties.json); `FileSystemPolicy` (a JSON object, as in the CloudFormation resource) is
 * INFERRED from the CloudFormation resource, the schema listing only members Config can query. The document keeps
 * the policy parsed (`FileSystemPolicy`, Statement, Action and Resource as lists) and, from a describe, its text as
 * DescribeFileSystemPolicy returned it (`FileSystemPolicyText`), which the fix edits and an undo puts back.
 * resourceId is the file system id.
 */
const FILE_SYSTEM_ID = /^fs-[0-9a-f]{8,40}$/;

const text = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

const FILE_SYSTEM_EVENTS = new Set([
  "CreateFileSystem",
  "DeleteFileSystem",
  "UpdateFileSystem",
  "PutFileSystemPolicy",
  "DeleteFileSystemPolicy",
]);

export const adapter: ResourceAdapter = {
  type: "AWS::EFS::FileSystem",
  service: "elasticfilesystem",
  nameField: "FileSystemId",
  arn: (ref, doc) =>
    text(doc.Arn) ??
    (FILE_SYSTEM_ID.test(ref.id)
      ? `arn:${partitionOf(ref.region)}:elasticfilesystem:${ref.region}:${ref.accountId}:file-system/${ref.id}`
      : undefined),
  cloudFormation: { arnAttributes: ["Arn"] },
  resourceIdPattern: FILE_SYSTEM_ID,
  documentSchema: {
    type: "object",
    properties: {
      FileSystemId: { type: "string" },
      Arn: { type: "string" },
      Encrypted: { type: "boolean" },
      KmsKeyId: { type: "string" },
      PerformanceMode: { type: "string" },
      ThroughputMode: { type: "string" },
      FileSystemPolicy: {
        ...(policyDocumentSchema as object),
        description:
          "The file system policy; absent when the file system has none (every client with network access may mount it).",
      },
      FileSystemPolicyText: { type: "string", description: "The policy's text as the service returned it." },
      tags: tagsSchema,
    },
    required: ["FileSystemId", "tags"],
  },
  fromConfigItem(item: ConfigItem) {
    const c = item.configuration ?? {};
    const doc: JsonObject = { FileSystemId: text(c.FileSystemId) ?? item.resourceId };
    for (const k of ["Arn", "KmsKeyId", "PerformanceMode", "ThroughputMode"]) if (text(c[k])) doc[k] = c[k];
    const encrypted = toBool(c.Encrypted);
    if (encrypted !== undefined) doc.Encrypted = encrypted;
    const policy = toPolicyDocument(c.FileSystemPolicy);
    if (policy !== undefined) doc.FileSystemPolicy = policy;
    Object.assign(doc, policyTextMember("FileSystemPolicyText", c.FileSystemPolicyText));
    doc.tags = item.tags;
    return doc;
  },
  /** DescribeFileSystems' FileSystemDescription and DescribeFileSystemPolicy's Policy (absent: no policy). */
  fromDescribe(
    described: Described & {
      DescribeFileSystems: DescribeFileSystemsResponse;
      DescribeFileSystemPolicy: Partial<FileSystemPolicyDescription>;
    },
  ) {
    const fs = plainObject((plainObject(described.DescribeFileSystems).FileSystems as unknown[] | undefined)?.[0]);
    const policyText = plainObject(described.DescribeFileSystemPolicy).Policy;
    return adapter.fromConfigItem(
      describedItem(described.ref, {
        configuration: {
          FileSystemId: fs.FileSystemId,
          Arn: fs.FileSystemArn,
          Encrypted: fs.Encrypted,
          KmsKeyId: fs.KmsKeyId,
          PerformanceMode: fs.PerformanceMode,
          ThroughputMode: fs.ThroughputMode,
          FileSystemPolicy: policyText,
          FileSystemPolicyText: policyText,
        },
        tags: tagMap(fs.Tags),
        resourceName: text(fs.Name),
        arn: text(fs.FileSystemArn),
      }),
    );
  },
  /**
   * The file system a call names: `requestParameters.fileSystemId`, or CreateFileSystem's
   * `responseElements.fileSystemId` ("Logging Amazon EFS API calls with AWS CloudTrail").
   */
  fromCloudTrail(record) {
    if (eventSourceOf(record) !== "elasticfilesystem.amazonaws.com") return [];
    if (!FILE_SYSTEM_EVENTS.has(baseEventName(record))) return [];
    const id = requestValue(record, "fileSystemId");
    if (!id || !FILE_SYSTEM_ID.test(id)) return [];
    const ref = refFromRecord(record, adapter.type, id);
    return [
      {
        ...ref,
        arn: `arn:${partitionOf(ref.region)}:elasticfilesystem:${ref.region}:${ref.accountId}:file-system/${id}`,
      },
    ];
  },
  /**
   * AWS::EFS::FileSystem Properties (CloudFormation reference): Encrypted, KmsKeyId, PerformanceMode (generalPurpose
   * when absent), ThroughputMode (bursting when absent), FileSystemPolicy (a JSON object), FileSystemTags.
   */
  fromCloudFormation(src: CloudFormationSource) {
    const p = src.resource.properties;
    const doc: JsonObject = {
      FileSystemId: deployTimeValue(src, "the file system id"),
      PerformanceMode: p.PerformanceMode ?? "generalPurpose",
      ThroughputMode: p.ThroughputMode ?? "bursting",
    };
    if (p.Encrypted !== undefined)
      doc.Encrypted = p.Encrypted instanceof UnknownValue ? p.Encrypted : toBool(p.Encrypted);
    if (p.KmsKeyId !== undefined) doc.KmsKeyId = p.KmsKeyId;
    if (isObject(p.FileSystemPolicy) || p.FileSystemPolicy instanceof UnknownValue) {
      doc.FileSystemPolicy = templatePolicyDocument(p.FileSystemPolicy) as JsonObject;
    }
    doc.tags = templateTags(p.FileSystemTags);
    return doc;
  },
};
