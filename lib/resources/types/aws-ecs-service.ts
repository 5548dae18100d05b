import type { DescribeServicesResponse } from "@aws-sdk/client-ecs";
import type { Described, ResourceAdapter } from "../adapter";
import { deployTimeValue, templateTags } from "../../cloudformation/document";
import { describedItem, plainObject } from "../described";
import { tagMap } from "../config-item";
import { firstOf } from "../field-table";
import { tagsSchema } from "../schema-parts";
import { readShapedObject } from "../schema-read";
import { isObject, type JsonObject, type JsonSchema } from "../../util/json";
import {
  arnParts,
  baseEventName,
  eventSourceOf,
  refFromRecord,
  requestValue,
  responseElements,
} from "../../cloudtrail/record";

/**
 * ECS service. Config records the CloudFormation resource's shape (`ServiceName`, `ServiceArn`, `Cluster`,
 * `LaunchType`, `PlatformVersion`, `TaskDefinition`, `NetworkConfiguration.AwsvpcConfiguration {AssignPublicIp,
 * Subnets, SecurityGroups}`: the Config resource schema, awslabs/aws-config-resource-schema
 * AWS::ECS::Service.properties.json); resourceId = the ServiceArn is INFERRED from the CloudFormation resource
 * schema's primaryIdentifier. DescribeServices gives the same members in camelCase, the cluster as `clusterArn`
 * (Amazon ECS API Reference, Service), tags with `include: ["TAGS"]`.
 */
const SHAPE: JsonSchema = {
  type: "object",
  properties: {
    ServiceName: { type: "string" },
    ServiceArn: { type: "string" },
    Cluster: { type: "string", description: "The cluster's ARN (a template may give its name)." },
    LaunchType: { type: "string", description: "EC2, FARGATE or EXTERNAL; absent with a capacity provider strategy." },
    PlatformVersion: { type: "string", description: "Fargate platform version: LATEST or a version such as 1.4.0." },
    TaskDefinition: { type: "string" },
    DesiredCount: { type: "number" },
    NetworkConfiguration: {
      type: "object",
      properties: {
        AwsvpcConfiguration: {
          type: "object",
          properties: {
            AssignPublicIp: { type: "string", description: "ENABLED or DISABLED (ECS's default)." },
            Subnets: { type: "array", items: { type: "string" } },
            SecurityGroups: { type: "array", items: { type: "string" } },
          },
        },
      },
    },
  },
};

/** Service ARNs, the long format (service/<cluster>/<name>) and the old one (service/<name>). */
const SERVICE_ARN = /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:service\/[A-Za-z0-9_-]+(?:\/[A-Za-z0-9_-]+)?$/;

/** Calls that answer the service (Amazon ECS API Reference: each returns `service`). */
const SERVICE_EVENTS = new Set(["CreateService", "UpdateService", "DeleteService"]);

export const adapter: ResourceAdapter = {
  type: "AWS::ECS::Service",
  service: "ecs",
  nameField: "ServiceName",
  resourceIdPattern: /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:service\//,
  arn: (ref, doc) =>
    typeof doc.ServiceArn === "string" && doc.ServiceArn !== ""
      ? doc.ServiceArn
      : SERVICE_ARN.test(ref.id)
        ? ref.id
        : undefined,
  cloudFormation: { arnAttributes: ["ServiceArn"], refIsArn: true },
  documentSchema: {
    ...SHAPE,
    properties: { ...(SHAPE as { properties: JsonObject }).properties, tags: tagsSchema },
    required: ["ServiceName", "tags"],
  },
  fromConfigItem(item) {
    const cfg = item.configuration ?? {};
    const doc = readShapedObject(SHAPE, cfg);
    doc.ServiceName ??= typeof cfg.Name === "string" && cfg.Name !== "" ? cfg.Name : item.resourceName;
    if (doc.ServiceName === undefined && SERVICE_ARN.test(item.resourceId)) {
      doc.ServiceName = item.resourceId.slice(item.resourceId.lastIndexOf("/") + 1);
    }
    if (doc.ServiceArn === undefined && SERVICE_ARN.test(item.resourceId)) doc.ServiceArn = item.resourceId;
    doc.tags = item.tags;
    return doc;
  },
  /** Reads DescribeServices' one service (`clusterArn` is Config's `Cluster`; tags with include TAGS). */
  fromDescribe(described: Described & { DescribeServices: DescribeServicesResponse }) {
    const s = firstOf(plainObject(described.DescribeServices).services);
    const { tags, clusterArn, ...rest } = s;
    return adapter.fromConfigItem(
      describedItem(described.ref, {
        configuration: { ...rest, Cluster: clusterArn },
        tags: tagMap(tags),
        resourceName: typeof s.serviceName === "string" ? s.serviceName : undefined,
        arn: typeof s.serviceArn === "string" ? s.serviceArn : undefined,
      }),
    );
  },
  /**
   * The service a call answered (`responseElements.service.serviceArn`), or a tagging call's `resourceArn` (Amazon
   * ECS API Reference, CreateService / UpdateService / DeleteService responses and TagResource).
   */
  fromCloudTrail(record) {
    if (eventSourceOf(record) !== "ecs.amazonaws.com") return [];
    const event = baseEventName(record);
    let arn = "";
    if (SERVICE_EVENTS.has(event)) {
      const s = responseElements(record).service;
      arn = isObject(s) && typeof s.serviceArn === "string" ? s.serviceArn : "";
    } else if (event === "TagResource" || event === "UntagResource") {
      arn = requestValue(record, "resourceArn") ?? "";
    }
    if (!SERVICE_ARN.test(arn)) return [];
    return [refFromRecord(record, adapter.type, arn, arn, arnParts(arn))];
  },
  /**
   * AWS::ECS::Service Properties (CloudFormation reference), the names Config records; ECS's defaults filled in
   * (Amazon ECS API Reference, CreateService and AwsVpcConfiguration): no public IP, and a Fargate service without a
   * platform version runs LATEST.
   */
  fromCloudFormation(src) {
    const { resource: r } = src;
    const doc = src.shape(SHAPE, r.properties, "", `${r.pointer}/Properties`) as JsonObject;
    delete doc.ServiceArn;
    doc.ServiceName ??= deployTimeValue(src, "the generated service name");
    const vpc = isObject(doc.NetworkConfiguration) ? doc.NetworkConfiguration.AwsvpcConfiguration : undefined;
    if (isObject(vpc)) vpc.AssignPublicIp ??= "DISABLED";
    if (doc.LaunchType === "FARGATE") doc.PlatformVersion ??= "LATEST";
    doc.tags = templateTags(r.properties.Tags);
    return doc;
  },
};
