import type { DescribeDBInstancesMessage } from "@aws-sdk/client-rds";
import type { Described, ResourceAdapter } from "../adapter";
import { deployTimeValue, templateTags } from "../../cloudformation/document";
import { UnknownValue } from "../../cloudformation/unknown";
import { describedItem, plainObject } from "../described";
import { tagMap } from "../config-item";
import { fieldSchemas, firstOf, readFields, type FieldTable } from "../field-table";
import { tagsSchema } from "../schema-parts";
import type { JsonObject } from "../../util/json";
import {
  arnParts,
  baseEventName,
  eventSourceOf,
  partitionOf,
  refFromRecord,
  responseElements,
} from "../../cloudtrail/record";

/**
 * RDS DB instance. Config's `configuration` is DescribeDBInstances' DBInstance in Java-bean camelCase
 * (`dBInstanceIdentifier`, `dbiResourceId`, `iAMDatabaseAuthenticationEnabled`, `multiAZ`: the Config resource schema,
 * awslabs/aws-config-resource-schema AWS::RDS::DBInstance.properties.json); its resourceId is the DbiResourceId
 * (`db-` and 26 capitals and digits), its resourceName the DBInstanceIdentifier. A describe gives the same members in
 * PascalCase (RDS API Reference, DBInstance). The document names them in plain camelCase.
 */
const FIELDS = {
  dbInstanceIdentifier: { type: "string", spellings: ["dBInstanceIdentifier", "DBInstanceIdentifier"] },
  dbInstanceArn: { type: "string", spellings: ["dBInstanceArn", "DBInstanceArn"] },
  dbiResourceId: { type: "string", spellings: ["DbiResourceId"] },
  dbInstanceClass: { type: "string", spellings: ["dBInstanceClass", "DBInstanceClass"] },
  dbInstanceStatus: { type: "string", spellings: ["dBInstanceStatus", "DBInstanceStatus"] },
  dbClusterIdentifier: {
    type: "string",
    spellings: ["dBClusterIdentifier", "DBClusterIdentifier"],
    description: "Set on an Aurora instance: the cluster holds its storage, encryption and backups.",
  },
  engine: { type: "string", spellings: ["Engine"] },
  engineVersion: { type: "string", spellings: ["EngineVersion"] },
  kmsKeyId: { type: "string", spellings: ["KmsKeyId"] },
  storageEncrypted: { type: "boolean", spellings: ["StorageEncrypted"] },
  publiclyAccessible: { type: "boolean", spellings: ["PubliclyAccessible"] },
  deletionProtection: { type: "boolean", spellings: ["DeletionProtection"] },
  autoMinorVersionUpgrade: { type: "boolean", spellings: ["AutoMinorVersionUpgrade"] },
  backupRetentionPeriod: {
    type: "number",
    spellings: ["BackupRetentionPeriod"],
    description: "Days automated backups are kept; 0 turns automated backups off.",
  },
  iamDatabaseAuthenticationEnabled: {
    type: "boolean",
    spellings: ["iAMDatabaseAuthenticationEnabled", "IAMDatabaseAuthenticationEnabled"],
  },
  multiAZ: { type: "boolean", spellings: ["MultiAZ"] },
  copyTagsToSnapshot: { type: "boolean", spellings: ["CopyTagsToSnapshot"] },
} as const satisfies FieldTable;

/** CloudFormation's names where they differ from the document's with a capital first letter. */
const TEMPLATE_NAMES = {
  dbInstanceIdentifier: "DBInstanceIdentifier",
  dbInstanceClass: "DBInstanceClass",
  dbClusterIdentifier: "DBClusterIdentifier",
  iamDatabaseAuthenticationEnabled: "EnableIAMDatabaseAuthentication",
  multiAZ: "MultiAZ",
};

/**
 * What RDS sets when a template leaves a property out (CloudFormation reference, AWS::RDS::DBInstance, and RDS API
 * Reference, CreateDBInstance): unencrypted storage, no deletion protection, minor upgrades on, one day of backups,
 * no IAM authentication, one Availability Zone, tags not copied. PubliclyAccessible's default depends on the subnet
 * group's VPC, so an absent one stays unknown.
 */
const CREATE_DEFAULTS: JsonObject = {
  storageEncrypted: false,
  deletionProtection: false,
  autoMinorVersionUpgrade: true,
  backupRetentionPeriod: 1,
  iamDatabaseAuthenticationEnabled: false,
  multiAZ: false,
  copyTagsToSnapshot: false,
};

/** What an Aurora DB instance takes from its cluster (RDS API Reference, CreateDBInstance: "Not applicable" for Aurora). */
const CLUSTER_MANAGED = new Set([
  "storageEncrypted",
  "deletionProtection",
  "backupRetentionPeriod",
  "iamDatabaseAuthenticationEnabled",
  "multiAZ",
  "copyTagsToSnapshot",
]);

/** RDS stores identifiers in lower case (RDS API Reference, CreateDBInstance: "stored as a lowercase string"). */
const IDENTIFIER = /^[a-z][a-z0-9-]{0,62}$/;

/** Calls whose response is the DBInstance (RDS API Reference: each returns `DBInstance`). */
const INSTANCE_EVENTS = new Set([
  "CreateDBInstance",
  "CreateDBInstanceReadReplica",
  "ModifyDBInstance",
  "RebootDBInstance",
  "RestoreDBInstanceFromDBSnapshot",
  "RestoreDBInstanceToPointInTime",
  "RestoreDBInstanceFromS3",
  "PromoteReadReplica",
  "StartDBInstance",
  "StopDBInstance",
  "DeleteDBInstance",
]);

export const adapter: ResourceAdapter = {
  type: "AWS::RDS::DBInstance",
  service: "rds",
  nameField: "dbInstanceIdentifier",
  resourceIdPattern: /^db-[A-Z0-9]{26}$/,
  arn: (ref, doc) =>
    typeof doc.dbInstanceArn === "string" && doc.dbInstanceArn !== ""
      ? doc.dbInstanceArn
      : typeof doc.dbInstanceIdentifier === "string" && IDENTIFIER.test(doc.dbInstanceIdentifier)
        ? `arn:${partitionOf(ref.region)}:rds:${ref.region}:${ref.accountId}:db:${doc.dbInstanceIdentifier}`
        : undefined,
  cloudFormation: { arnAttributes: ["DBInstanceArn"] },
  documentSchema: {
    type: "object",
    properties: { ...fieldSchemas(FIELDS), tags: tagsSchema },
    required: ["dbInstanceIdentifier", "tags"],
  },
  fromConfigItem(item) {
    const doc = readFields(FIELDS, item.configuration ?? {});
    doc.dbInstanceIdentifier ??= item.resourceName ?? item.resourceId;
    if (doc.dbiResourceId === undefined && /^db-/.test(item.resourceId)) doc.dbiResourceId = item.resourceId;
    doc.tags = item.tags;
    return doc;
  },
  /** Reads DescribeDBInstances' one DBInstance (tags in its TagList). */
  fromDescribe(described: Described & { DescribeDBInstances: DescribeDBInstancesMessage }) {
    const instance = firstOf(plainObject(described.DescribeDBInstances).DBInstances);
    const { TagList, ...configuration } = instance;
    return adapter.fromConfigItem(
      describedItem(described.ref, {
        configuration,
        tags: tagMap(TagList),
        resourceName: typeof instance.DBInstanceIdentifier === "string" ? instance.DBInstanceIdentifier : undefined,
        arn: typeof instance.DBInstanceArn === "string" ? instance.DBInstanceArn : undefined,
      }),
    );
  },
  /**
   * The instance a call returned: `responseElements` is the DBInstance in CloudTrail's camelCase (`dbiResourceId`,
   * `dBInstanceArn`; "Monitoring Amazon RDS API calls in AWS CloudTrail", CreateDBInstance example). A call without
   * one (failed, or a tagging call naming only the ARN) names no instance Config would know by its resource id.
   */
  fromCloudTrail(record) {
    if (eventSourceOf(record) !== "rds.amazonaws.com" || !INSTANCE_EVENTS.has(baseEventName(record))) return [];
    const out = responseElements(record);
    const id = typeof out.dbiResourceId === "string" ? out.dbiResourceId : undefined;
    if (!id) return [];
    const arn = typeof out.dBInstanceArn === "string" && out.dBInstanceArn.startsWith("arn:") ? out.dBInstanceArn : "";
    return [refFromRecord(record, adapter.type, id, arn || undefined, arn ? arnParts(arn) : {})];
  },
  /** AWS::RDS::DBInstance Properties (CloudFormation reference) in the document's naming, RDS's defaults filled in. */
  fromCloudFormation(src) {
    const { resource: r } = src;
    const base = `${r.pointer}/Properties`;
    const { tags: _tags, ...schemaFields } = (adapter.documentSchema as { properties: JsonObject }).properties;
    const doc = src.shape(
      { type: "object", properties: schemaFields },
      r.properties,
      "",
      base,
      TEMPLATE_NAMES,
    ) as JsonObject;
    for (const k of ["dbInstanceArn", "dbiResourceId", "dbInstanceStatus"]) delete doc[k];
    doc.dbInstanceIdentifier ??= deployTimeValue(src, "the generated DB instance identifier");
    for (const [k, v] of Object.entries(CREATE_DEFAULTS)) {
      if (doc[k] !== undefined) continue;
      // An Aurora instance takes these from its cluster (AWS::RDS::DBCluster), not from RDS's instance defaults.
      doc[k] =
        doc.dbClusterIdentifier !== undefined && CLUSTER_MANAGED.has(k)
          ? new UnknownValue(`${k} of ${r.logicalId} comes from its DB cluster`, base)
          : v;
    }
    doc.publiclyAccessible ??= new UnknownValue(
      `PubliclyAccessible of ${r.logicalId} is not set: RDS decides from the subnet group's VPC at deploy`,
      base,
      undefined,
      [true, false],
    );
    doc.tags = templateTags(r.properties.Tags);
    return doc;
  },
};
