import type { DescribeDBClustersMessage } from "@aws-sdk/client-rds";
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
 * RDS DB cluster (Aurora, or a Multi-AZ DB cluster). Config's `configuration` is DescribeDBClusters' DBCluster with
 * the `DB` prefix lower-cased whole (`dbclusterIdentifier`, `dbclusterArn`, `iamdatabaseAuthenticationEnabled`)
 * but `dbClusterResourceId` (the Config resource schema, awslabs/aws-config-resource-schema
 * AWS::RDS::DBCluster.properties.json); its resourceId is the DbClusterResourceId (`cluster-` and 26 capitals and
 * digits), its resourceName the DBClusterIdentifier. A describe gives PascalCase (RDS API Reference, DBCluster).
 */
const FIELDS = {
  dbClusterIdentifier: {
    type: "string",
    spellings: ["dbclusterIdentifier", "dBClusterIdentifier", "DBClusterIdentifier"],
  },
  dbClusterArn: { type: "string", spellings: ["dbclusterArn", "dBClusterArn", "DBClusterArn"] },
  dbClusterResourceId: { type: "string", spellings: ["DbClusterResourceId"] },
  status: { type: "string", spellings: ["Status"] },
  engine: { type: "string", spellings: ["Engine"] },
  engineVersion: { type: "string", spellings: ["EngineVersion"] },
  engineMode: { type: "string", spellings: ["EngineMode"] },
  kmsKeyId: { type: "string", spellings: ["KmsKeyId"] },
  storageEncrypted: { type: "boolean", spellings: ["StorageEncrypted"] },
  publiclyAccessible: { type: "boolean", spellings: ["PubliclyAccessible"] },
  deletionProtection: { type: "boolean", spellings: ["DeletionProtection"] },
  autoMinorVersionUpgrade: { type: "boolean", spellings: ["AutoMinorVersionUpgrade"] },
  backupRetentionPeriod: { type: "number", spellings: ["BackupRetentionPeriod"] },
  iamDatabaseAuthenticationEnabled: {
    type: "boolean",
    spellings: [
      "iamdatabaseAuthenticationEnabled",
      "iAMDatabaseAuthenticationEnabled",
      "IAMDatabaseAuthenticationEnabled",
    ],
  },
  multiAZ: {
    type: "boolean",
    spellings: ["MultiAZ"],
    description: "True when the cluster has DB instances in more than one Availability Zone.",
  },
  copyTagsToSnapshot: { type: "boolean", spellings: ["CopyTagsToSnapshot"] },
} as const satisfies FieldTable;

const TEMPLATE_NAMES = {
  dbClusterIdentifier: "DBClusterIdentifier",
  iamDatabaseAuthenticationEnabled: "EnableIAMDatabaseAuthentication",
};

/**
 * What RDS sets when a template leaves a property out (CloudFormation reference, AWS::RDS::DBCluster, and RDS API
 * Reference, CreateDBCluster): unencrypted storage, no deletion protection, one day of backups, no IAM
 * authentication, tags not copied. Multi-AZ follows from the instances the cluster gets, so it stays unknown.
 */
const CREATE_DEFAULTS: JsonObject = {
  storageEncrypted: false,
  deletionProtection: false,
  backupRetentionPeriod: 1,
  iamDatabaseAuthenticationEnabled: false,
  copyTagsToSnapshot: false,
};

/** RDS stores identifiers in lower case (RDS API Reference, CreateDBCluster: "stored as a lowercase string"). */
const IDENTIFIER = /^[a-z][a-z0-9-]{0,62}$/;

/** Calls whose response is the DBCluster (RDS API Reference: each returns `DBCluster`). */
const CLUSTER_EVENTS = new Set([
  "CreateDBCluster",
  "ModifyDBCluster",
  "RestoreDBClusterFromSnapshot",
  "RestoreDBClusterToPointInTime",
  "RestoreDBClusterFromS3",
  "FailoverDBCluster",
  "StartDBCluster",
  "StopDBCluster",
  "DeleteDBCluster",
]);

export const adapter: ResourceAdapter = {
  type: "AWS::RDS::DBCluster",
  service: "rds",
  nameField: "dbClusterIdentifier",
  resourceIdPattern: /^cluster-[A-Z0-9]{26}$/,
  arn: (ref, doc) =>
    typeof doc.dbClusterArn === "string" && doc.dbClusterArn !== ""
      ? doc.dbClusterArn
      : typeof doc.dbClusterIdentifier === "string" && IDENTIFIER.test(doc.dbClusterIdentifier)
        ? `arn:${partitionOf(ref.region)}:rds:${ref.region}:${ref.accountId}:cluster:${doc.dbClusterIdentifier}`
        : undefined,
  cloudFormation: { arnAttributes: ["DBClusterArn"] },
  documentSchema: {
    type: "object",
    properties: { ...fieldSchemas(FIELDS), tags: tagsSchema },
    required: ["dbClusterIdentifier", "tags"],
  },
  fromConfigItem(item) {
    const doc = readFields(FIELDS, item.configuration ?? {});
    doc.dbClusterIdentifier ??= item.resourceName ?? item.resourceId;
    if (doc.dbClusterResourceId === undefined && /^cluster-/.test(item.resourceId))
      doc.dbClusterResourceId = item.resourceId;
    doc.tags = item.tags;
    return doc;
  },
  /** Reads DescribeDBClusters' one DBCluster (tags in its TagList). */
  fromDescribe(described: Described & { DescribeDBClusters: DescribeDBClustersMessage }) {
    const cluster = firstOf(plainObject(described.DescribeDBClusters).DBClusters);
    const { TagList, ...configuration } = cluster;
    return adapter.fromConfigItem(
      describedItem(described.ref, {
        configuration,
        tags: tagMap(TagList),
        resourceName: typeof cluster.DBClusterIdentifier === "string" ? cluster.DBClusterIdentifier : undefined,
        arn: typeof cluster.DBClusterArn === "string" ? cluster.DBClusterArn : undefined,
      }),
    );
  },
  /**
   * The cluster a call returned: `responseElements` is the DBCluster in CloudTrail's camelCase
   * (`dbClusterResourceId`, `dBClusterArn`, INFERRED from the DBInstance records of "Monitoring Amazon RDS API calls
   * in AWS CloudTrail"). A call without one names no cluster Config would know by its resource id.
   */
  fromCloudTrail(record) {
    if (eventSourceOf(record) !== "rds.amazonaws.com" || !CLUSTER_EVENTS.has(baseEventName(record))) return [];
    const out = responseElements(record);
    const id = typeof out.dbClusterResourceId === "string" ? out.dbClusterResourceId : undefined;
    if (!id) return [];
    const arnValue = out.dBClusterArn ?? out.dbClusterArn;
    const arn = typeof arnValue === "string" && arnValue.startsWith("arn:") ? arnValue : "";
    return [refFromRecord(record, adapter.type, id, arn || undefined, arn ? arnParts(arn) : {})];
  },
  /** AWS::RDS::DBCluster Properties (CloudFormation reference) in the document's naming, RDS's defaults filled in. */
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
    for (const k of ["dbClusterArn", "dbClusterResourceId", "status", "multiAZ"]) delete doc[k];
    doc.dbClusterIdentifier ??= deployTimeValue(src, "the generated DB cluster identifier");
    for (const [k, v] of Object.entries(CREATE_DEFAULTS)) doc[k] ??= v;
    doc.multiAZ = new UnknownValue(
      `multiAZ of ${r.logicalId} follows from the Availability Zones of the DB instances it gets at deploy`,
      base,
      undefined,
      [true, false],
    );
    doc.tags = templateTags(r.properties.Tags);
    return doc;
  },
};
