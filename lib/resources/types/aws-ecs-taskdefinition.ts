import type { DescribeTaskDefinitionResponse } from "@aws-sdk/client-ecs";
import type { Described, ResourceAdapter } from "../adapter";
import { deployTimeValue, templateTags } from "../../cloudformation/document";
import { describedItem, plainObject } from "../described";
import { tagMap } from "../config-item";
import { tagsSchema } from "../schema-parts";
import { readShapedObject } from "../schema-read";
import { isObject, type JsonObject, type JsonSchema } from "../../util/json";
import { eventSourceOf, baseEventName, arnParts, refFromRecord, responseElements } from "../../cloudtrail/record";

/**
 * ECS task definition revision. Config records the CloudFormation resource's shape (`Family`, `NetworkMode`,
 * `PidMode`, `RequiresCompatibilities`, `ContainerDefinitions[]` with `Privileged`, `ReadonlyRootFilesystem`,
 * `User`, `Environment[]`, `LogConfiguration.LogDriver`: the Config resource schema, awslabs/aws-config-resource-schema
 * AWS::ECS::TaskDefinition.properties.json); resourceId = the TaskDefinitionArn is INFERRED from the CloudFormation
 * resource schema's primaryIdentifier. DescribeTaskDefinition gives the same members in camelCase (Amazon ECS API
 * Reference, TaskDefinition and ContainerDefinition), tags beside it with `include: ["TAGS"]`.
 *
 * Environment variables keep their names only: a value may be the very secret a policy looks for, and documents
 * end up in findings, reports and notifications.
 */
const CONTAINER: JsonSchema = {
  type: "object",
  properties: {
    Name: { type: "string" },
    Image: { type: "string" },
    Privileged: { type: "boolean", description: "Absent: not privileged." },
    ReadonlyRootFilesystem: { type: "boolean", description: "Absent: the root filesystem is writable." },
    User: { type: "string", description: "Absent: the image's user, root unless the image says otherwise." },
    Environment: {
      type: "array",
      description: "Environment variables, names only (values are never copied into the document).",
      items: { type: "object", properties: { Name: { type: "string" } } },
    },
    LogConfiguration: { type: "object", properties: { LogDriver: { type: "string" } } },
  },
};

const SHAPE: JsonSchema = {
  type: "object",
  properties: {
    Family: { type: "string" },
    TaskDefinitionArn: { type: "string" },
    NetworkMode: { type: "string", description: "bridge (the default on EC2), host, awsvpc or none." },
    PidMode: { type: "string", description: "host or task; absent: each container has its own namespace." },
    IpcMode: { type: "string" },
    RequiresCompatibilities: { type: "array", items: { type: "string" } },
    ContainerDefinitions: { type: "array", items: CONTAINER },
  },
};

const TASK_DEFINITION_ARN = /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task-definition\/[A-Za-z0-9_-]{1,255}:\d+$/;

export const adapter: ResourceAdapter = {
  type: "AWS::ECS::TaskDefinition",
  service: "ecs",
  nameField: "Family",
  resourceIdPattern: /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task-definition\//,
  arn: (ref, doc) =>
    typeof doc.TaskDefinitionArn === "string" && doc.TaskDefinitionArn !== ""
      ? doc.TaskDefinitionArn
      : TASK_DEFINITION_ARN.test(ref.id)
        ? ref.id
        : undefined,
  // Ref answers the task definition's ARN (CloudFormation reference, AWS::ECS::TaskDefinition return values).
  cloudFormation: { arnAttributes: ["TaskDefinitionArn"], refIsArn: true },
  documentSchema: {
    ...SHAPE,
    properties: { ...(SHAPE as { properties: JsonObject }).properties, tags: tagsSchema },
    required: ["tags"],
  },
  fromConfigItem(item) {
    // The schema lists `Environment[].Name` only, so values are never read.
    const doc = readShapedObject(SHAPE, item.configuration ?? {});
    // DescribeTaskDefinition answers `environment: []` where Config and templates have none: one document for both.
    for (const c of Array.isArray(doc.ContainerDefinitions) ? doc.ContainerDefinitions : []) {
      if (isObject(c) && Array.isArray(c.Environment) && c.Environment.length === 0) delete c.Environment;
    }
    if (doc.TaskDefinitionArn === undefined && TASK_DEFINITION_ARN.test(item.resourceId)) {
      doc.TaskDefinitionArn = item.resourceId;
    }
    doc.tags = item.tags;
    return doc;
  },
  /** Reads DescribeTaskDefinition's taskDefinition and its tags (`include: ["TAGS"]`). */
  fromDescribe(described: Described & { DescribeTaskDefinition: DescribeTaskDefinitionResponse }) {
    const out = plainObject(described.DescribeTaskDefinition);
    const td = isObject(out.taskDefinition) ? out.taskDefinition : {};
    return adapter.fromConfigItem(
      describedItem(described.ref, {
        configuration: td,
        tags: tagMap(out.tags),
        resourceName: typeof td.family === "string" ? td.family : undefined,
        arn: typeof td.taskDefinitionArn === "string" ? td.taskDefinitionArn : undefined,
      }),
    );
  },
  /**
   * A revision RegisterTaskDefinition created or DeregisterTaskDefinition retired: `responseElements.taskDefinition
   * .taskDefinitionArn` (Amazon ECS API Reference, RegisterTaskDefinition response; CloudTrail records ECS responses
   * as the API returns them). Revisions never change otherwise.
   */
  fromCloudTrail(record) {
    if (eventSourceOf(record) !== "ecs.amazonaws.com") return [];
    if (!["RegisterTaskDefinition", "DeregisterTaskDefinition"].includes(baseEventName(record))) return [];
    const td = responseElements(record).taskDefinition;
    const arn = isObject(td) && typeof td.taskDefinitionArn === "string" ? td.taskDefinitionArn : "";
    if (!TASK_DEFINITION_ARN.test(arn)) return [];
    return [refFromRecord(record, adapter.type, arn, arn, arnParts(arn))];
  },
  /** AWS::ECS::TaskDefinition Properties (CloudFormation reference): the names Config records. */
  fromCloudFormation(src) {
    const { resource: r } = src;
    const doc = src.shape(SHAPE, r.properties, "", `${r.pointer}/Properties`) as JsonObject;
    delete doc.TaskDefinitionArn;
    doc.Family ??= deployTimeValue(src, "the generated task definition family");
    doc.tags = templateTags(r.properties.Tags);
    return doc;
  },
};
