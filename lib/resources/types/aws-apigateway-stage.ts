import type { ResourceAdapter } from "../adapter";
import { deployTimeValue, refersTo, templateTags } from "../../cloudformation/document";
import { UnknownValue } from "../../cloudformation/unknown";
import { tagMap } from "../config-item";
import { tagsSchema } from "../schema-parts";
import { escapePointerToken, isObject, type JsonObject, type JsonSchema } from "../../util/json";
import { shapeBySchema } from "../coerce";
import type { Stage } from "@aws-sdk/client-api-gateway";
import type { Described, ResourceRef } from "../adapter";
import { describedItem, plainObject } from "../described";
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
 * REST API stage. Config's resourceId is the stage ARN `arn:aws:apigateway:<region>::/restapis/<apiId>/stages/<name>`
 * and `configuration` is the API's Stage shape, camelCase (RECORDED:
 * test/fixtures/aws-recorded/config-select-resource-config-apigateway-stage.json). Unset method settings are
 * simply absent in the recorded items (no loggingLevel, no metricsEnabled), and numbers come as numbers
 * (5000.0). Property list: the recording, Config's advanced-query schema (AWS Config resource schema,
 * awslabs/aws-config-resource-schema, AWS::ApiGateway::Stage.properties.json) and the Amazon API Gateway API
 * Reference, Stage and MethodSetting.
 */
const STAGE_ARN = /\/restapis\/([^/]+)\/stages\/([^/]+)$/;

/** One entry of `methodSettings` (API MethodSetting). */
const methodSettingSchema: JsonSchema = {
  type: "object",
  properties: {
    metricsEnabled: { type: "boolean" },
    loggingLevel: { type: "string", description: "Execution logging: OFF, ERROR or INFO; absent means OFF." },
    dataTraceEnabled: { type: "boolean", description: "Full request/response bodies in the execution log." },
    throttlingBurstLimit: { type: "number" },
    throttlingRateLimit: { type: "number" },
    cachingEnabled: { type: "boolean" },
    cacheTtlInSeconds: { type: "number" },
    cacheDataEncrypted: { type: "boolean" },
    requireAuthorizationForCacheControl: { type: "boolean" },
    unauthorizedCacheControlHeaderStrategy: { type: "string" },
  },
};

const timestamp: JsonSchema = {
  type: ["string", "number"],
  description: "ISO 8601 text in recorded items; kept as delivered.",
};

const configurationSchema = {
  type: "object",
  properties: {
    stageName: { type: "string" },
    deploymentId: { type: "string" },
    description: { type: "string" },
    clientCertificateId: {
      type: "string",
      description: "API Gateway's own certificate for authenticating to HTTP backends (not client-facing TLS).",
    },
    cacheClusterEnabled: { type: "boolean" },
    cacheClusterSize: { type: "string", description: 'Cache size in GB as text, e.g. "0.5".' },
    cacheClusterStatus: { type: "string" },
    tracingEnabled: { type: "boolean", description: "AWS X-Ray active tracing." },
    webAclArn: { type: "string", description: "ARN of the associated AWS WAF web ACL; absent when none." },
    accessLogSettings: {
      type: "object",
      properties: {
        destinationArn: { type: "string", description: "CloudWatch Logs log group or Firehose stream ARN." },
        format: { type: "string" },
      },
    },
    canarySettings: {
      type: "object",
      properties: {
        deploymentId: { type: "string" },
        percentTraffic: { type: "number" },
        stageVariableOverrides: { type: "object", additionalProperties: { type: "string" } },
        useStageCache: { type: "boolean" },
      },
    },
    documentationVersion: { type: "string" },
    methodSettings: {
      type: "object",
      description: 'Keyed by "*/*" (the whole stage) or "<resource path, / as ~1>/<HTTP method>", e.g. "~1pets/GET".',
      additionalProperties: methodSettingSchema,
    },
    variables: { type: "object", description: "Stage variables.", additionalProperties: { type: "string" } },
    createdDate: timestamp,
    lastUpdatedDate: timestamp,
  },
} satisfies JsonSchema;

export const adapter: ResourceAdapter = {
  type: "AWS::ApiGateway::Stage",
  service: "apigateway",
  nameField: "stageName",
  arn: (ref) => ref.id,
  cloudFormation: { attachments: ["AWS::WAFv2::WebACLAssociation"] },
  resourceIdPattern: /^arn:aws[a-z-]*:apigateway:[a-z0-9-]+::\/restapis\/[^/]+\/stages\/[^/]+$/,
  documentSchema: {
    type: "object",
    properties: {
      ...configurationSchema.properties,
      restApiId: { type: "string", description: "Id of the REST API, parsed from the stage ARN." },
      tags: tagsSchema,
    },
    required: ["stageName", "tags"],
  },
  fromConfigItem(item) {
    const cfg = item.configuration ?? {};
    const doc = shapeBySchema(configurationSchema, cfg) as JsonObject;
    const m = STAGE_ARN.exec(item.resourceId) ?? (item.arn ? STAGE_ARN.exec(item.arn) : null);
    if (m?.[1]) doc.restApiId = m[1];
    if (doc.stageName === undefined && (m?.[2] ?? item.resourceName)) doc.stageName = m?.[2] ?? item.resourceName;
    doc.tags = { ...tagMap(cfg.tags), ...item.tags };
    return doc;
  },
  /** Reads `GetStage` (the API's Stage; tags are part of it); restApiId comes from the stage ARN, as for items. */
  fromDescribe(described: Described & { GetStage: Stage }) {
    const stage = plainObject(described.GetStage);
    return adapter.fromConfigItem(
      describedItem(described.ref, {
        configuration: stage,
        tags: tagMap(stage.tags),
        resourceName: typeof stage.stageName === "string" ? stage.stageName : undefined,
      }),
    );
  },
  /**
   * API Gateway calls name the stage by `restApiId` and `stageName` (RECORDED for CreateStage, whose stageName is
   * in `createStageInput`; INFERRED for UpdateStage, DeleteStage and CreateDeployment's target stage), tagging by
   * the stage ARN in `resourceArn`; WAF (wafv2, waf-regional) Associate/DisassociateWebACL by the stage ARN in
   * `resourceArn`.
   */
  fromCloudTrail(record) {
    const source = eventSourceOf(record);
    const event = baseEventName(record);
    if (source === "apigateway.amazonaws.com") {
      if (STAGE_EVENTS.has(event)) {
        const restApiId = requestValue(record, "restApiId");
        const stageName = requestValue(record, "stageName");
        if (!restApiId || !stageName) return [];
        // Each is one segment of the stage ARN, which the describe splits and decodes: no slash, no escape.
        const segments = /^[^/%]+$/.test(restApiId) && /^[^/%]+$/.test(stageName);
        return segments ? [stageRef(record, restApiId, stageName)] : [];
      }
      if (event === "TagResource" || event === "UntagResource") return stageFromArn(record);
      return [];
    }
    if (WAF_SOURCES.has(source) && (event === "AssociateWebACL" || event === "DisassociateWebACL")) {
      return stageFromArn(record);
    }
    return [];
  },
  /**
   * AWS::ApiGateway::Stage Properties (CloudFormation reference, "AWS::ApiGateway::Stage": StageName, RestApiId,
   * DeploymentId, Description, TracingEnabled, AccessLogSetting {DestinationArn, Format}, CacheClusterEnabled,
   * CacheClusterSize, Variables, Tags, and MethodSettings, a list of "AWS::ApiGateway::Stage MethodSetting"
   * {ResourcePath, HttpMethod, LoggingLevel, DataTraceEnabled, MetricsEnabled, CachingEnabled, CacheDataEncrypted,
   * ...}) in GetStage's naming. MethodSettings become the API's map keyed `<path>/<method>`: the stage-wide entry
   * (ResourcePath slash-star, HttpMethod star) is the `"*" + "/" + "*"` key Config records; for other paths the key
   * is INFERRED: the path without its leading slash, still `~1`-encoded, then `/` and the method.
   * `webAclArn` comes from the AWS::WAFv2::WebACLAssociation whose ResourceArn names this stage (or its REST API
   * and this stage's name). Stages that an AWS::ApiGateway::Deployment creates through its StageName are not
   * Stage resources and are not judged here.
   */
  fromCloudFormation(src) {
    const { resource: r } = src;
    const p = r.properties;
    const base = `${r.pointer}/Properties`;
    const { methodSettings: settingsSchema, ...rest } = configurationSchema.properties as Record<string, JsonSchema>;
    const doc = src.shape({ type: "object", properties: rest }, p, "", base, {
      accessLogSettings: "AccessLogSetting",
    }) as JsonObject;
    if (typeof p.RestApiId === "string") doc.restApiId = p.RestApiId;
    else if (p.RestApiId !== undefined) doc.restApiId = deployTimeValue(src, "the REST API id");
    if (p.MethodSettings !== undefined) {
      const list = p.MethodSettings;
      if (!Array.isArray(list))
        doc.methodSettings = new UnknownValue("MethodSettings computed at deploy", `${base}/MethodSettings`);
      else {
        const settings: JsonObject = {};
        const itemSchema =
          isObject(settingsSchema) && isObject(settingsSchema.additionalProperties)
            ? settingsSchema.additionalProperties
            : {};
        list.forEach((m, i) => {
          if (!isObject(m) || m instanceof UnknownValue) return;
          const path = m.ResourcePath ?? "/*";
          const method = m.HttpMethod ?? "*";
          if (typeof path !== "string" || typeof method !== "string") {
            settings[`${String(i)}`] = new UnknownValue(
              "a method setting whose path is computed at deploy",
              `${base}/MethodSettings/${i}`,
            );
            return;
          }
          const key = `${path === "/*" ? "*" : path.replace(/^\//, "")}/${method}`;
          settings[key] = src.shape(
            itemSchema,
            m,
            `/methodSettings/${escapePointerToken(key)}`,
            `${base}/MethodSettings/${i}`,
          );
        });
        doc.methodSettings = settings;
      }
    }
    const stageName = doc.stageName;
    const associations = src.resources("AWS::WAFv2::WebACLAssociation").filter((a) => {
      const arn = a.raw.ResourceArn;
      if (refersTo(arn, r.logicalId)) return true;
      const api = isObject(p) ? r.raw.RestApiId : undefined;
      const apiId = isObject(api) && typeof api.Ref === "string" ? api.Ref : undefined;
      const text = isObject(arn) && typeof arn["Fn::Sub"] === "string" ? arn["Fn::Sub"] : undefined;
      return (
        apiId !== undefined &&
        text !== undefined &&
        typeof stageName === "string" &&
        refersTo(arn, apiId) &&
        text.endsWith(`/stages/${stageName}`)
      );
    });
    if (associations.length === 1) {
      const a = associations[0] as { pointer: string; properties: JsonObject };
      doc.webAclArn = src.shape(
        { type: "string" },
        a.properties.WebACLArn,
        "/webAclArn",
        `${a.pointer}/Properties/WebACLArn`,
      );
    } else if (associations.length > 1) {
      doc.webAclArn = new UnknownValue(
        "which of several AWS::WAFv2::WebACLAssociation resources is deployed last",
        base,
      );
    }
    doc.tags = templateTags(p.Tags);
    return doc;
  },
};

const STAGE_EVENTS = new Set(["CreateStage", "UpdateStage", "DeleteStage", "CreateDeployment"]);
const WAF_SOURCES = new Set(["wafv2.amazonaws.com", "waf-regional.amazonaws.com"]);
const STAGE_RESOURCE_ARN = /^arn:aws[a-z-]*:apigateway:([a-z0-9-]+)::\/restapis\/([^/]+)\/stages\/([^/]+)$/;

function stageRef(record: CloudTrailRecord, restApiId: string, stageName: string, region = recordRegion(record)) {
  const arn = `arn:${partitionOf(region)}:apigateway:${region}::/restapis/${restApiId}/stages/${stageName}`;
  return refFromRecord(record, adapter.type, arn, arn, { region });
}

function stageFromArn(record: CloudTrailRecord): ResourceRef[] {
  const m = STAGE_RESOURCE_ARN.exec(requestValue(record, "resourceArn") ?? "");
  return m?.[1] && m[2] && m[3] ? [stageRef(record, m[2], m[3], m[1])] : [];
}
