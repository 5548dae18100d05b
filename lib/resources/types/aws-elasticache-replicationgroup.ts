import type { CacheCluster, ReplicationGroup, Tag } from "@aws-sdk/client-elasticache";
import type { Described, ResourceAdapter } from "../adapter";
import { deployTimeValue, templateTags } from "../../cloudformation/document";
import { toBool, toNumber } from "../coerce";
import { describedItem, plainObject } from "../described";
import { tagMap } from "../config-item";
import { tagsSchema } from "../schema-parts";
import type { JsonObject } from "../../util/json";
import {
  baseEventName,
  eventSourceOf,
  partitionOf,
  refFromRecord,
  requestValue,
  responseElements,
} from "../../cloudtrail/record";

/**
 * ElastiCache (Valkey / Redis OSS) replication group. The document uses the ElastiCache API's ReplicationGroup
 * names and values (ElastiCache API Reference, ReplicationGroup: `AutomaticFailover` and `MultiAZ` are
 * "enabled"/"disabled", `SnapshotRetentionLimit` 0 means no automatic backups), plus the engine version of its
 * nodes (CacheCluster.EngineVersion: a group has none of its own).
 *
 * AWS Config records the type (the managed rules elasticache-repl-grp-encrypted-at-rest, -encrypted-in-transit and
 * -auto-failover-enabled evaluate it), but no public Config resource schema or recorded item of it was available:
 * the configuration is read in the API's names with either initial case (PascalCase as the API, camelCase as
 * Config's Java-bean spelling of older types) and in the CloudFormation names (`AutomaticFailoverEnabled`,
 * `MultiAZEnabled` booleans). That reading is INFERRED, and tolerant of each. resourceId = the group id, INFERRED.
 */

const GROUP_ID = /^[A-Za-z][A-Za-z0-9-]{0,39}$/;

/** `configuration[Name]` in PascalCase or camelCase. */
function field(cfg: JsonObject, name: string): unknown {
  return cfg[name] ?? cfg[name.charAt(0).toLowerCase() + name.slice(1)];
}

function text(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

/** "enabled"/"disabled" (and the transitions) from the API's value, or from a CloudFormation boolean. */
function status(apiValue: unknown, flag: unknown): string {
  if (typeof apiValue === "string" && /^(enabled|disabled|enabling|disabling)$/.test(apiValue)) return apiValue;
  return toBool(flag) === true ? "enabled" : "disabled";
}

export const adapter: ResourceAdapter = {
  type: "AWS::ElastiCache::ReplicationGroup",
  service: "elasticache",
  nameField: "ReplicationGroupId",
  arn: (ref, doc) =>
    typeof doc.ARN === "string" && doc.ARN !== ""
      ? doc.ARN
      : GROUP_ID.test(ref.id)
        ? `arn:${partitionOf(ref.region)}:elasticache:${ref.region}:${ref.accountId}:replicationgroup:${ref.id}`
        : undefined,
  cloudFormation: { arnAttributes: [] },
  documentSchema: {
    type: "object",
    properties: {
      ReplicationGroupId: { type: "string" },
      ARN: { type: "string" },
      Engine: { type: "string", description: "valkey or redis." },
      EngineVersion: { type: "string", description: "Engine version of the group's nodes, when known." },
      CacheNodeType: { type: "string" },
      ClusterEnabled: { type: "boolean" },
      MemberClusters: { type: "array", items: { type: "string" }, description: "The group's cache clusters (nodes)." },
      AutomaticFailover: { enum: ["enabled", "disabled", "enabling", "disabling"] },
      MultiAZ: { enum: ["enabled", "disabled"] },
      SnapshotRetentionLimit: { type: "number", description: "Days automatic backups are kept; 0: none are taken." },
      AtRestEncryptionEnabled: { type: "boolean" },
      KmsKeyId: { type: "string" },
      TransitEncryptionEnabled: { type: "boolean" },
      TransitEncryptionMode: {
        enum: ["preferred", "required"],
        description: "preferred accepts plaintext connections too; absent when transit encryption is off.",
      },
      AuthTokenEnabled: { type: "boolean", description: "Commands need an AUTH token (password)." },
      tags: tagsSchema,
    },
    required: [
      "ReplicationGroupId",
      "AutomaticFailover",
      "MultiAZ",
      "SnapshotRetentionLimit",
      "AtRestEncryptionEnabled",
      "TransitEncryptionEnabled",
      "AuthTokenEnabled",
      "tags",
    ],
  },
  fromConfigItem(item) {
    const cfg = item.configuration ?? {};
    const doc: JsonObject = {};
    doc.ReplicationGroupId = text(field(cfg, "ReplicationGroupId")) ?? item.resourceName ?? item.resourceId;
    const arn = text(field(cfg, "ARN")) ?? text(cfg.arn);
    if (arn) doc.ARN = arn;
    for (const k of ["Engine", "EngineVersion", "CacheNodeType", "KmsKeyId"]) {
      const v = text(field(cfg, k));
      if (v) doc[k] = v;
    }
    const clusterEnabled = toBool(field(cfg, "ClusterEnabled"));
    if (clusterEnabled !== undefined) doc.ClusterEnabled = clusterEnabled;
    const members = field(cfg, "MemberClusters");
    if (Array.isArray(members)) doc.MemberClusters = members.filter((m): m is string => typeof m === "string");
    doc.AutomaticFailover = status(field(cfg, "AutomaticFailover"), field(cfg, "AutomaticFailoverEnabled"));
    const multiAz = status(field(cfg, "MultiAZ"), field(cfg, "MultiAZEnabled"));
    doc.MultiAZ = multiAz === "enabled" || multiAz === "enabling" ? "enabled" : "disabled";
    doc.SnapshotRetentionLimit = toNumber(field(cfg, "SnapshotRetentionLimit")) ?? 0;
    doc.AtRestEncryptionEnabled = toBool(field(cfg, "AtRestEncryptionEnabled")) ?? false;
    const transit = toBool(field(cfg, "TransitEncryptionEnabled")) ?? false;
    doc.TransitEncryptionEnabled = transit;
    if (transit) {
      // Groups from before TransitEncryptionMode existed accept TLS only (ElastiCache User Guide, "Enabling
      // in-transit encryption on an existing cluster").
      const mode = field(cfg, "TransitEncryptionMode");
      doc.TransitEncryptionMode = mode === "preferred" ? "preferred" : "required";
    }
    doc.AuthTokenEnabled = toBool(field(cfg, "AuthTokenEnabled")) ?? false;
    doc.tags = item.tags;
    return doc;
  },
  /**
   * Reads DescribeReplicationGroups' group, ListTagsForResource's TagList, and the EngineVersion of the first member
   * cluster (DescribeCacheClusters), when it was found.
   */
  fromDescribe(
    described: Described & {
      DescribeReplicationGroups: { ReplicationGroups?: ReplicationGroup[] };
      ListTagsForResource?: { TagList?: Tag[] };
      DescribeCacheClusters?: { CacheClusters?: CacheCluster[] };
    },
  ) {
    const groups = plainObject(described.DescribeReplicationGroups).ReplicationGroups;
    const g = plainObject(Array.isArray(groups) ? groups[0] : undefined);
    const clusters = plainObject(described.DescribeCacheClusters).CacheClusters;
    const member = plainObject(Array.isArray(clusters) ? clusters[0] : undefined);
    const configuration: JsonObject = { ...g };
    if (typeof member.EngineVersion === "string") configuration.EngineVersion = member.EngineVersion;
    if (configuration.Engine === undefined && typeof member.Engine === "string") configuration.Engine = member.Engine;
    return adapter.fromConfigItem(
      describedItem(described.ref, {
        configuration,
        tags: tagMap(plainObject(described.ListTagsForResource).TagList),
        resourceName: text(g.ReplicationGroupId),
        arn: text(g.ARN),
      }),
    );
  },
  /**
   * The group is `requestParameters.replicationGroupId` (every replication group call takes it: ElastiCache API
   * Reference; "Logging Amazon ElastiCache API calls using AWS CloudTrail"), else the response's.
   */
  fromCloudTrail(record) {
    if (eventSourceOf(record) !== "elasticache.amazonaws.com" || !GROUP_EVENTS.has(baseEventName(record))) return [];
    const response = responseElements(record);
    const id = requestValue(record, "replicationGroupId") ?? text(response.replicationGroupId);
    if (!id || !GROUP_ID.test(id)) return [];
    // ElastiCache stores group ids in lowercase (CreateReplicationGroup, ReplicationGroupId).
    const ref = refFromRecord(record, adapter.type, id.toLowerCase());
    const arn = `arn:${partitionOf(ref.region)}:elasticache:${ref.region}:${ref.accountId}:replicationgroup:${ref.id}`;
    return [{ ...ref, arn }];
  },
  /**
   * AWS::ElastiCache::ReplicationGroup Properties (CloudFormation reference), with ElastiCache's defaults when
   * absent: AtRestEncryptionEnabled, TransitEncryptionEnabled, AutomaticFailoverEnabled and MultiAZEnabled false,
   * SnapshotRetentionLimit 0; AuthToken only says that AUTH is on (its value never enters the document).
   */
  fromCloudFormation(src) {
    const { resource: r } = src;
    const base = `${r.pointer}/Properties`;
    const p = src.shape(CFN_SHAPE, r.properties, "", base) as JsonObject;
    const doc: JsonObject = {};
    doc.ReplicationGroupId = p.ReplicationGroupId ?? deployTimeValue(src, "the generated replication group id");
    for (const k of ["Engine", "EngineVersion", "CacheNodeType", "KmsKeyId"]) if (p[k] !== undefined) doc[k] = p[k];
    doc.AutomaticFailover =
      p.AutomaticFailoverEnabled === undefined ? "disabled" : flagStatus(p.AutomaticFailoverEnabled);
    doc.MultiAZ = p.MultiAZEnabled === undefined ? "disabled" : flagStatus(p.MultiAZEnabled);
    doc.SnapshotRetentionLimit = p.SnapshotRetentionLimit ?? 0;
    doc.AtRestEncryptionEnabled = p.AtRestEncryptionEnabled ?? false;
    doc.TransitEncryptionEnabled = p.TransitEncryptionEnabled ?? false;
    // Encryption on without a mode is TLS only (required); a mode under an unknown flag is kept as it is.
    if (p.TransitEncryptionEnabled === true) doc.TransitEncryptionMode = p.TransitEncryptionMode ?? "required";
    else if (
      p.TransitEncryptionEnabled !== undefined &&
      p.TransitEncryptionEnabled !== false &&
      p.TransitEncryptionMode !== undefined
    ) {
      doc.TransitEncryptionMode = p.TransitEncryptionMode;
    }
    doc.AuthTokenEnabled = r.properties.AuthToken !== undefined && r.properties.AuthToken !== "";
    if (doc.AuthTokenEnabled) src.origin("/AuthTokenEnabled", `${base}/AuthToken`);
    doc.tags = templateTags(r.properties.Tags);
    return doc;
  },
};

/** A template boolean as the API's status; an unknown one stays unknown. */
function flagStatus(v: unknown): unknown {
  if (v === true) return "enabled";
  if (v === false) return "disabled";
  return v;
}

const CFN_SHAPE = {
  type: "object",
  properties: {
    ReplicationGroupId: { type: "string" },
    Engine: { type: "string" },
    EngineVersion: { type: "string" },
    CacheNodeType: { type: "string" },
    KmsKeyId: { type: "string" },
    AutomaticFailoverEnabled: { type: "boolean" },
    MultiAZEnabled: { type: "boolean" },
    SnapshotRetentionLimit: { type: "number" },
    AtRestEncryptionEnabled: { type: "boolean" },
    TransitEncryptionEnabled: { type: "boolean" },
    TransitEncryptionMode: { type: "string" },
  },
} as const;

const GROUP_EVENTS = new Set([
  "CreateReplicationGroup",
  "ModifyReplicationGroup",
  "DeleteReplicationGroup",
  "ModifyReplicationGroupShardConfiguration",
  "IncreaseReplicaCount",
  "DecreaseReplicaCount",
  "TestFailover",
]);
