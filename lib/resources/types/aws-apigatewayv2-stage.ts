import type { GetStageResponse } from "@aws-sdk/client-apigatewayv2";
import type { Described, ResourceAdapter, ResourceRef } from "../adapter";
import { deployTimeValue, templateTags } from "../../cloudformation/document";
import { shapeBySchema } from "../coerce";
import { tagMap } from "../config-item";
import { describedItem, plainObject } from "../described";
import { tagsSchema } from "../schema-parts";
import type { JsonObject, JsonSchema } from "../../util/json";
import {
  baseEventName,
  eventSourceOf,
  partitionOf,
  recordRegion,
  refFromRecord,
  requestValue,
  type CloudTrailRecord,
} from "../../cloudtrail/record";

/**
 * API Gateway v2 stage. Config records `configuration` in the API's naming, camelCase: stageName, deploymentId,
 * description, autoDeploy, clientCertificateId, apiGatewayManaged, lastDeploymentStatusMessage, accessLogSettings
 * {destinationArn, format}, defaultRouteSettings {dataTraceEnabled, detailedMetricsEnabled, loggingLevel,
 * throttlingBurstLimit, throttlingRateLimit} (AWS Config resource schema, awslabs/aws-config-resource-schema
 * AWS::ApiGatewayV2::Stage.properties.json); a stage without access logging has no accessLogSettings. resourceId =
 * the stage ARN `arn:aws:apigateway:<region>::/apis/<apiId>/stages/<name>` is INFERRED (no recorded item was
 * available) from the REST stage's RECORDED resourceId. GetStage answers the same members in PascalCase (API Gateway
 * V2 API Reference, GetStage). Per-route settings and stage variables are left out: Config's schema lists neither.
 */
const STAGE_ARN = /\/apis\/([^/]+)\/stages\/([^/]+)$/;

const routeSettingsSchema = {
  type: "object",
  properties: {
    dataTraceEnabled: { type: "boolean", description: "WebSocket APIs only." },
    detailedMetricsEnabled: { type: "boolean" },
    loggingLevel: { type: "string", description: "OFF, ERROR or INFO (WebSocket APIs only)." },
    throttlingBurstLimit: { type: "number" },
    throttlingRateLimit: { type: "number" },
  },
} satisfies JsonSchema;

const configurationSchema = {
  type: "object",
  properties: {
    stageName: { type: "string" },
    deploymentId: { type: "string" },
    description: { type: "string" },
    autoDeploy: { type: "boolean", description: "Every change to the API is deployed to the stage at once." },
    clientCertificateId: { type: "string" },
    apiGatewayManaged: { type: "boolean" },
    lastDeploymentStatusMessage: { type: "string" },
    accessLogSettings: {
      type: "object",
      properties: {
        destinationArn: { type: "string", description: "CloudWatch Logs log group ARN receiving the access logs." },
        format: { type: "string" },
      },
    },
    defaultRouteSettings: routeSettingsSchema,
  },
} satisfies JsonSchema;

export const adapter: ResourceAdapter = {
  type: "AWS::ApiGatewayV2::Stage",
  service: "apigatewayv2",
  arnService: "apigateway",
  nameField: "stageName",
  arn: (ref) => (STAGE_RESOURCE_ARN.test(ref.id) ? ref.id : undefined),
  resourceIdPattern: /^arn:aws[a-z-]*:apigateway:[a-z0-9-]+::\/apis\/[^/]+\/stages\/[^/]+$/,
  documentSchema: {
    type: "object",
    properties: {
      ...configurationSchema.properties,
      apiId: { type: "string", description: "Id of the API, parsed from the stage ARN." },
      tags: tagsSchema,
    },
    required: ["stageName", "tags"],
  },
  fromConfigItem(item) {
    const cfg = item.configuration ?? {};
    const doc = shapeBySchema(configurationSchema, cfg, { pascal: true }) as JsonObject;
    const m = STAGE_ARN.exec(item.resourceId) ?? (item.arn ? STAGE_ARN.exec(item.arn) : null);
    if (m?.[1]) doc.apiId = m[1];
    if (doc.stageName === undefined && (m?.[2] ?? item.resourceName)) doc.stageName = m?.[2] ?? item.resourceName;
    doc.tags = { ...tagMap(cfg.tags ?? cfg.Tags), ...item.tags };
    return doc;
  },
  /** Reads `GetStage` (tags are part of it); apiId comes from the stage ARN, as for items. */
  fromDescribe(described: Described & { GetStage: GetStageResponse }) {
    const stage = plainObject(described.GetStage);
    return adapter.fromConfigItem(
      describedItem(described.ref, {
        configuration: stage,
        tags: tagMap(stage.Tags),
        resourceName: typeof stage.StageName === "string" ? stage.StageName : undefined,
      }),
    );
  },
  /**
   * v2 calls name the stage by `apiId` and `stageName` (CreateStage, UpdateStage, DeleteStage,
   * DeleteAccessLogSettings, DeleteRouteSettings, and CreateDeployment's target stage), tagging by the stage ARN in
   * `resourceArn`. The REST API's calls of the same names carry `restApiId`, not `apiId`, so they are not read as v2 ones.
   * INFERRED: no recorded v2 record was available; the layout (path parameters at the top of requestParameters, body
   * members there or in a `*Input` object) is the recorded REST CreateStage's.
   */
  fromCloudTrail(record) {
    if (eventSourceOf(record) !== "apigateway.amazonaws.com") return [];
    const event = baseEventName(record);
    if (STAGE_EVENTS.has(event)) {
      const apiId = requestValue(record, "apiId");
      const stageName = requestValue(record, "stageName");
      if (!apiId || !stageName) return [];
      // Each is one segment of the stage ARN, which the describe splits and decodes: no slash, no escape.
      const segments = /^[^/%]+$/.test(apiId) && /^[^/%]+$/.test(stageName);
      return segments ? [stageRef(record, apiId, stageName)] : [];
    }
    if (event === "TagResource" || event === "UntagResource") {
      const m = STAGE_RESOURCE_ARN.exec(requestValue(record, "resourceArn") ?? "");
      return m?.[1] && m[2] && m[3] ? [stageRef(record, m[2], m[3], m[1])] : [];
    }
    return [];
  },
  /**
   * AWS::ApiGatewayV2::Stage Properties (CloudFormation reference, "AWS::ApiGatewayV2::Stage": ApiId, StageName,
   * DeploymentId, Description, AutoDeploy, ClientCertificateId, AccessLogSettings {DestinationArn, Format},
   * DefaultRouteSettings {DataTraceEnabled, DetailedMetricsEnabled, LoggingLevel, ThrottlingBurstLimit,
   * ThrottlingRateLimit}, Tags as a map): the API's names with a capital first letter. The `$default` stage an API's
   * quick create (Target) makes is not a Stage resource and is not judged here.
   */
  fromCloudFormation(src) {
    const { resource: r } = src;
    const p = r.properties;
    const doc = src.shape(configurationSchema, p, "", `${r.pointer}/Properties`) as JsonObject;
    delete doc.apiGatewayManaged;
    delete doc.lastDeploymentStatusMessage;
    if (typeof p.ApiId === "string") doc.apiId = p.ApiId;
    else if (p.ApiId !== undefined) doc.apiId = deployTimeValue(src, "the API id");
    doc.stageName ??= deployTimeValue(src, "the stage name");
    doc.tags = templateTags(p.Tags);
    return doc;
  },
};

const STAGE_EVENTS = new Set([
  "CreateStage",
  "UpdateStage",
  "DeleteStage",
  "DeleteAccessLogSettings",
  "DeleteRouteSettings",
  "CreateDeployment",
]);
const STAGE_RESOURCE_ARN = /^arn:aws[a-z-]*:apigateway:([a-z0-9-]+)::\/apis\/([^/]+)\/stages\/([^/]+)$/;

function stageRef(
  record: CloudTrailRecord,
  apiId: string,
  stageName: string,
  region = recordRegion(record),
): ResourceRef {
  const arn = `arn:${partitionOf(region)}:apigateway:${region}::/apis/${apiId}/stages/${stageName}`;
  return refFromRecord(record, adapter.type, arn, arn, { region });
}
