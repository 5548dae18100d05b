import type { DescribeClustersResponse } from "@aws-sdk/client-ecs";
import type { Described, ResourceAdapter } from "../adapter";
import { deployTimeValue, templateTags } from "../../cloudformation/document";
import { UnknownValue } from "../../cloudformation/unknown";
import { describedItem, plainObject } from "../described";
import { tagMap } from "../config-item";
import { firstOf } from "../field-table";
import { tagsSchema } from "../schema-parts";
import { readShapedObject } from "../schema-read";
import type { JsonObject, JsonSchema } from "../../util/json";
import {
  baseEventName,
  eventSourceOf,
  namedResource,
  partitionOf,
  refFromRecord,
  requestValue,
} from "../../cloudtrail/record";

/**
 * ECS cluster. Config records the CloudFormation resource's shape (`ClusterName`, `Arn`, `ClusterSettings[] {Name,
 * Value}`: the Config resource schema, awslabs/aws-config-resource-schema AWS::ECS::Cluster.properties.json);
 * resourceId = the cluster name is INFERRED from the CloudFormation resource schema's primaryIdentifier.
 * DescribeClusters with `include: ["SETTINGS", "TAGS"]` gives `clusterName`, `clusterArn` and `settings[] {name,
 * value}` (Amazon ECS API Reference, Cluster).
 */
const SHAPE: JsonSchema = {
  type: "object",
  properties: {
    ClusterName: { type: "string" },
    Arn: { type: "string" },
    ClusterSettings: {
      type: "array",
      description: "containerInsights: enabled, enhanced or disabled.",
      items: { type: "object", properties: { Name: { type: "string" }, Value: { type: "string" } } },
    },
  },
};

const CLUSTER_NAME = /^[A-Za-z0-9_-]{1,255}$/;
/** Calls naming one cluster in `cluster` (Amazon ECS API Reference, each request). */
const CLUSTER_EVENTS = new Set(["CreateCluster", "UpdateCluster", "UpdateClusterSettings", "DeleteCluster"]);

export const adapter: ResourceAdapter = {
  type: "AWS::ECS::Cluster",
  service: "ecs",
  nameField: "ClusterName",
  arn: (ref, doc) =>
    typeof doc.Arn === "string" && doc.Arn !== ""
      ? doc.Arn
      : CLUSTER_NAME.test(ref.id)
        ? `arn:${partitionOf(ref.region)}:ecs:${ref.region}:${ref.accountId}:cluster/${ref.id}`
        : undefined,
  cloudFormation: { arnAttributes: ["Arn"] },
  documentSchema: {
    ...SHAPE,
    properties: { ...(SHAPE as { properties: JsonObject }).properties, tags: tagsSchema },
    required: ["ClusterName", "tags"],
  },
  fromConfigItem(item) {
    const doc = readShapedObject(SHAPE, item.configuration ?? {});
    doc.ClusterName ??= item.resourceName ?? item.resourceId;
    doc.tags = item.tags;
    return doc;
  },
  /** Reads DescribeClusters' one cluster (`settings` is Config's ClusterSettings). */
  fromDescribe(described: Described & { DescribeClusters: DescribeClustersResponse }) {
    const c = firstOf(plainObject(described.DescribeClusters).clusters);
    return adapter.fromConfigItem(
      describedItem(described.ref, {
        configuration: { ClusterName: c.clusterName, Arn: c.clusterArn, ClusterSettings: c.settings },
        tags: tagMap(c.tags),
        resourceName: typeof c.clusterName === "string" ? c.clusterName : undefined,
        arn: typeof c.clusterArn === "string" ? c.clusterArn : undefined,
      }),
    );
  },
  /** The cluster a call named: `requestParameters.clusterName` (CreateCluster) or `cluster` (name or ARN). */
  fromCloudTrail(record) {
    if (eventSourceOf(record) !== "ecs.amazonaws.com" || !CLUSTER_EVENTS.has(baseEventName(record))) return [];
    const value = requestValue(record, "cluster") ?? requestValue(record, "clusterName");
    if (!value) return [];
    const { name, region, accountId } = namedResource(record, value, ":cluster/");
    if (!CLUSTER_NAME.test(name)) return [];
    const arn = `arn:${partitionOf(region)}:ecs:${region}:${accountId}:cluster/${name}`;
    return [refFromRecord(record, adapter.type, name, arn, { region, accountId })];
  },
  /**
   * AWS::ECS::Cluster Properties (CloudFormation reference). Without ClusterSettings the cluster takes the account's
   * containerInsights default (Amazon ECS API Reference, PutAccountSettingDefault), which a template cannot tell.
   */
  fromCloudFormation(src) {
    const { resource: r } = src;
    const base = `${r.pointer}/Properties`;
    const doc = src.shape(SHAPE, r.properties, "", base) as JsonObject;
    delete doc.Arn;
    doc.ClusterName ??= deployTimeValue(src, "the generated cluster name");
    doc.ClusterSettings ??= new UnknownValue(
      `ClusterSettings of ${r.logicalId} is not set: the account's containerInsights default decides at deploy`,
      base,
      undefined,
      [[{ Name: "containerInsights", Value: "disabled" }], [{ Name: "containerInsights", Value: "enabled" }]],
    );
    doc.tags = templateTags(r.properties.Tags);
    return doc;
  },
};
