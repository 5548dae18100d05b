import type { ResourceAdapter } from "../adapter";
import { deployTimeValue } from "../../cloudformation/document";
import { tagsSchema } from "../schema-parts";
import { isObject, type JsonObject, type JsonSchema } from "../../util/json";
import { shapeBySchema } from "../coerce";
import type { Method } from "@aws-sdk/client-api-gateway";
import type { Described } from "../adapter";
import { describedItem, plainObject } from "../described";
import {
  baseEventName,
  eventSourceOf,
  partitionOf,
  recordRegion,
  refFromRecord,
  requestValue,
} from "../../cloudtrail/record";

/**
 * REST API method (with its integration). AWS::ApiGateway::Method is in Config's ResourceType enum, but no
 * recorded item or advanced-query schema was available: the CI shape and resourceId format are UNCONFIRMED
 * (awslabs/aws-config-resource-schema has no AWS::ApiGateway::Method file).
 *  - resourceId: assumed to be the ARN `arn:aws:apigateway:<region>::/restapis/<apiId>/resources/<resourceId>/methods/<HTTP_METHOD>`
 *    (the same scheme as the recorded Stage ARN); restApiId, resourceId and httpMethod are parsed from it when the
 *    configuration does not carry them.
 *  - configuration: the API's GetMethod shape, camelCase, integration under `methodIntegration` (Amazon API
 *    Gateway API Reference, GetMethod, Method and Integration); or CloudFormation property naming (HttpMethod,
 *    AuthorizationType, RestApiId, ResourceId, Integration: {Type, Uri, IntegrationHttpMethod, ConnectionType,
 *    TlsConfig: {InsecureSkipVerification}, ...}), which is mapped to the same camelCase document.
 * Methods have no tags in API Gateway; `tags` carries whatever the item has.
 */
const METHOD_ARN = /\/restapis\/([^/]+)\/resources\/([^/]+)\/methods\/([^/]+)$/;

const integrationSchema = {
  type: "object",
  properties: {
    type: { type: "string", description: "HTTP, HTTP_PROXY, AWS, AWS_PROXY or MOCK." },
    httpMethod: {
      type: "string",
      description: "Method used to call the backend (CloudFormation: IntegrationHttpMethod).",
    },
    uri: {
      type: "string",
      description: "Backend endpoint: a full http(s):// URL for HTTP and HTTP_PROXY, an ARN for AWS and AWS_PROXY.",
    },
    connectionType: { type: "string", description: "INTERNET or VPC_LINK." },
    connectionId: { type: "string" },
    passthroughBehavior: { type: "string" },
    contentHandling: { type: "string" },
    timeoutInMillis: { type: "number" },
    cacheNamespace: { type: "string" },
    cacheKeyParameters: { type: "array", items: { type: "string" } },
    tlsConfig: {
      type: "object",
      properties: {
        insecureSkipVerification: {
          type: "boolean",
          description: "true: API Gateway does not verify the backend certificate's chain (HTTP and HTTP_PROXY only).",
        },
      },
    },
  },
} satisfies JsonSchema;

const configurationSchema = {
  type: "object",
  properties: {
    restApiId: { type: "string" },
    resourceId: { type: "string", description: "API Gateway resource (path) id, not the Config resourceId." },
    httpMethod: { type: "string" },
    authorizationType: { type: "string", description: "NONE, AWS_IAM, CUSTOM or COGNITO_USER_POOLS." },
    authorizerId: { type: "string" },
    authorizationScopes: { type: "array", items: { type: "string" } },
    apiKeyRequired: { type: "boolean" },
    operationName: { type: "string" },
    requestValidatorId: { type: "string" },
    methodIntegration: integrationSchema,
  },
} satisfies JsonSchema;

export const adapter: ResourceAdapter = {
  type: "AWS::ApiGateway::Method",
  service: "apigateway",
  nameField: "httpMethod",
  arn: (ref) => ref.id,
  documentSchema: {
    type: "object",
    properties: { ...configurationSchema.properties, tags: tagsSchema },
    required: ["httpMethod", "tags"],
  },
  fromConfigItem(item) {
    const cfg = { ...(item.configuration ?? {}) };
    // CloudFormation names the integration `Integration` and its backend method `IntegrationHttpMethod`.
    if (cfg.methodIntegration === undefined && isObject(cfg.Integration)) {
      const { IntegrationHttpMethod, ...rest } = cfg.Integration;
      cfg.methodIntegration = {
        ...rest,
        ...(IntegrationHttpMethod !== undefined ? { httpMethod: IntegrationHttpMethod } : {}),
      };
    }
    const doc = shapeBySchema(configurationSchema, cfg, { pascal: true }) as JsonObject;
    const m = METHOD_ARN.exec(item.resourceId) ?? (item.arn ? METHOD_ARN.exec(item.arn) : null);
    if (m) {
      doc.restApiId ??= m[1];
      doc.resourceId ??= m[2];
      doc.httpMethod ??= m[3];
    }
    doc.tags = { ...item.tags };
    return doc;
  },
  /** Reads `GetMethod` (the API's Method with its integration); restApiId, resourceId come from the method ARN. */
  fromDescribe(described: Described & { GetMethod: Method }) {
    const method = plainObject(described.GetMethod);
    return adapter.fromConfigItem(
      describedItem(described.ref, {
        configuration: method,
        resourceName: typeof method.httpMethod === "string" ? method.httpMethod : undefined,
      }),
    );
  },
  /**
   * Put/Update/DeleteMethod and Put/Update/DeleteIntegration name the method by `restApiId`, `resourceId` and
   * `httpMethod` (INFERRED, as the recorded CreateStage lays out path parameters). ImportRestApi and PutRestApi
   * replace every method at once without naming them: those are left to the Config rule.
   */
  fromCloudTrail(record) {
    if (eventSourceOf(record) !== "apigateway.amazonaws.com" || !METHOD_EVENTS.has(baseEventName(record))) return [];
    const restApiId = requestValue(record, "restApiId");
    const resourceId = requestValue(record, "resourceId");
    const httpMethod = requestValue(record, "httpMethod");
    if (!restApiId || !resourceId || !httpMethod) return [];
    // Each is one segment of the method ARN, which the describe splits and decodes: no slash, no escape.
    if (![restApiId, resourceId, httpMethod].every((v) => /^[^/%]+$/.test(v))) return [];
    const region = recordRegion(record);
    const arn = `arn:${partitionOf(region)}:apigateway:${region}::/restapis/${restApiId}/resources/${resourceId}/methods/${httpMethod}`;
    return [refFromRecord(record, adapter.type, arn, arn)];
  },
  /**
   * AWS::ApiGateway::Method Properties (CloudFormation reference, "AWS::ApiGateway::Method": HttpMethod,
   * AuthorizationType, AuthorizerId, AuthorizationScopes, ApiKeyRequired, OperationName, RequestValidatorId,
   * RestApiId, ResourceId, and Integration {Type, Uri, IntegrationHttpMethod, ConnectionType, TlsConfig
   * {InsecureSkipVerification}, ...}): the same names `fromConfigItem` reads for CloudFormation-named items.
   */
  fromCloudFormation(src) {
    const { resource: r } = src;
    const doc = src.shape(configurationSchema, r.properties, "", `${r.pointer}/Properties`, {
      methodIntegration: "Integration",
      httpMethod: "IntegrationHttpMethod",
    }) as JsonObject;
    // The top-level HttpMethod is the method's own (the alias above is for the integration's).
    doc.httpMethod = src.shape(
      { type: "string" },
      r.properties.HttpMethod,
      "/httpMethod",
      `${r.pointer}/Properties/HttpMethod`,
    );
    for (const k of ["restApiId", "resourceId"] as const) {
      if (doc[k] === undefined || typeof doc[k] !== "string")
        doc[k] = deployTimeValue(src, k === "restApiId" ? "the REST API id" : "the resource id");
    }
    doc.tags = {};
    return doc;
  },
};

const METHOD_EVENTS = new Set([
  "PutMethod", "UpdateMethod", "DeleteMethod", "PutIntegration", "UpdateIntegration", "DeleteIntegration",
]); // prettier-ignore
