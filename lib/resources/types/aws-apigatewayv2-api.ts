import type { ApiMapping, GetApiResponse } from "@aws-sdk/client-apigatewayv2";
import type { Described, ResourceAdapter } from "../adapter";
import { deployTimeValue, templateTags } from "../../cloudformation/document";
import { shapeBySchema } from "../coerce";
import { tagMap } from "../config-item";
import { describedItem, plainObject } from "../described";
import { tagsSchema } from "../schema-parts";
import { isObject, type JsonObject, type JsonSchema } from "../../util/json";
import {
  baseEventName,
  eventSourceOf,
  partitionOf,
  recordRegion,
  refFromRecord,
  requestValue,
  responseValue,
} from "../../cloudtrail/record";

/**
 * API Gateway v2 API (HTTP or WebSocket). Config records `configuration` in the API's naming, camelCase: apiId,
 * apiEndpoint, name, protocolType, disableExecuteApiEndpoint, corsConfiguration {allowOrigins, ...}, ... (AWS Config
 * resource schema, awslabs/aws-config-resource-schema AWS::ApiGatewayV2::Api.properties.json). resourceId = the API
 * id and the ARN `arn:aws:apigateway:<region>::/apis/<id>` are INFERRED (no recorded item was available), as the
 * REST API's are. GetApi answers the same members in PascalCase (API Gateway V2 API Reference, GetApi), read with
 * the same schema.
 *
 * `customDomainNames` (custom domains with an API mapping to this API; absent when there are none) is known from a
 * describe (GetDomainNames, then GetApiMappings of each) and a template (AWS::ApiGatewayV2::ApiMapping). Config
 * records no v2 domain names and no relationship to them, so a Config item's document has none, and a policy that
 * needs them does not apply to it: the CloudTrail detector's describe judges it.
 */
const stringList: JsonSchema = { type: "array", items: { type: "string" } };

const configurationSchema = {
  type: "object",
  properties: {
    apiId: { type: "string" },
    name: { type: "string" },
    protocolType: { type: "string", description: "HTTP or WEBSOCKET." },
    apiEndpoint: { type: "string", description: "The default execute-api endpoint URL." },
    disableExecuteApiEndpoint: {
      type: "boolean",
      description: "true: clients can reach the API only through a custom domain. Absent means false.",
    },
    description: { type: "string" },
    version: { type: "string" },
    apiKeySelectionExpression: { type: "string" },
    routeSelectionExpression: { type: "string" },
    apiGatewayManaged: { type: "boolean" },
    ipAddressType: { type: "string", description: "ipv4 or dualstack." },
    corsConfiguration: {
      type: "object",
      properties: {
        allowCredentials: { type: "boolean" },
        allowHeaders: stringList,
        allowMethods: stringList,
        allowOrigins: stringList,
        exposeHeaders: stringList,
        maxAge: { type: "number" },
      },
    },
  },
} satisfies JsonSchema;

const DOMAIN_TYPE = "AWS::ApiGatewayV2::DomainName";

export const adapter: ResourceAdapter = {
  type: "AWS::ApiGatewayV2::Api",
  service: "apigatewayv2",
  arnService: "apigateway",
  nameField: "name",
  arn: (ref) =>
    /^[a-z0-9]+$/.test(ref.id) ? `arn:${partitionOf(ref.region)}:apigateway:${ref.region}::/apis/${ref.id}` : undefined,
  cloudFormation: { attachments: ["AWS::ApiGatewayV2::ApiMapping"] },
  documentSchema: {
    type: "object",
    properties: {
      ...configurationSchema.properties,
      customDomainNames: {
        ...stringList,
        description:
          "Custom domain names with an API mapping to this API; absent when none is known (always, for a Config item).",
      },
      tags: tagsSchema,
    },
    required: ["apiId", "tags"],
  },
  fromConfigItem(item) {
    const cfg = item.configuration ?? {};
    const doc = shapeBySchema(configurationSchema, cfg, { pascal: true }) as JsonObject;
    const id = cfg.apiId ?? cfg.ApiId;
    doc.apiId = typeof id === "string" && id !== "" ? id : item.resourceId;
    if (doc.name === undefined && item.resourceName) doc.name = item.resourceName;
    const domains = item.relationships
      .filter((r) => r.resourceType === DOMAIN_TYPE)
      .map((r) => r.resourceName ?? r.resourceId)
      .filter((n): n is string => typeof n === "string" && n !== "");
    if (domains.length > 0) doc.customDomainNames = [...new Set(domains)].sort();
    doc.tags = { ...tagMap(cfg.tags ?? cfg.Tags), ...item.tags };
    return doc;
  },
  /**
   * Reads `GetApi` (tags are part of it) and `GetApiMappings`, the API mappings of every custom domain in the Region
   * (`[{domainName, items}]`): each domain with a mapping to this API becomes a relationship of the described item
   * (Guardrail's own: Config records none), and so one of `customDomainNames`.
   */
  fromDescribe(
    described: Described & {
      GetApi: GetApiResponse;
      GetApiMappings?: { domainName: string; items?: ApiMapping[] }[];
    },
  ) {
    const api = plainObject(described.GetApi);
    const apiId = typeof api.ApiId === "string" ? api.ApiId : described.ref.id;
    const mapped = (described.GetApiMappings ?? [])
      .filter((d) => (d.items ?? []).some((m) => m.ApiId === apiId))
      .map((d) => d.domainName);
    return adapter.fromConfigItem(
      describedItem(described.ref, {
        configuration: api,
        tags: tagMap(api.Tags),
        resourceName: typeof api.Name === "string" ? api.Name : undefined,
        relationships: [...new Set(mapped)].map((name) => ({
          resourceType: DOMAIN_TYPE,
          resourceId: name,
          resourceName: name,
          name: "Is associated with DomainName",
        })),
      }),
    );
  },
  /**
   * CreateApi and ImportApi answer with the new API's `apiId`; UpdateApi, ReimportApi and DeleteApi name it in
   * `apiId`, as do CreateApiMapping and UpdateApiMapping (a mapping changes the API's custom domains); tagging names it
   * by ARN in `resourceArn`. INFERRED: no recorded v2 record was available; the layout (path parameters at the top
   * of requestParameters, body members there or in a `*Input` object) is the recorded REST CreateStage's.
   */
  fromCloudTrail(record) {
    if (eventSourceOf(record) !== "apigateway.amazonaws.com") return [];
    const event = baseEventName(record);
    let id: string | undefined;
    if (event === "CreateApi" || event === "ImportApi") id = responseValue(record, "apiId");
    else if (API_EVENTS.has(event)) id = requestValue(record, "apiId");
    else if (event === "TagResource" || event === "UntagResource") {
      id = API_ARN.exec(requestValue(record, "resourceArn") ?? "")?.[1];
    }
    if (!id || !/^[a-z0-9]+$/.test(id)) return [];
    const region = recordRegion(record);
    return [refFromRecord(record, adapter.type, id, `arn:${partitionOf(region)}:apigateway:${region}::/apis/${id}`)];
  },
  /**
   * AWS::ApiGatewayV2::Api Properties (CloudFormation reference, "AWS::ApiGatewayV2::Api": Name, ProtocolType,
   * Description, Version, DisableExecuteApiEndpoint, ApiKeySelectionExpression, RouteSelectionExpression,
   * IpAddressType, CorsConfiguration {AllowOrigins, ...}, Tags as a map). `customDomainNames` are the domains an
   * AWS::ApiGatewayV2::ApiMapping maps to this API: the DomainName resource's name when the mapping refers to one,
   * else the mapping's own DomainName text (unknown when it is computed).
   */
  fromCloudFormation(src) {
    const { resource: r } = src;
    const p = r.properties;
    const base = `${r.pointer}/Properties`;
    const doc = src.shape(configurationSchema, p, "", base) as JsonObject;
    delete doc.apiId;
    delete doc.apiEndpoint;
    delete doc.apiGatewayManaged;
    doc.apiId = deployTimeValue(src, "the API id");
    const names: unknown[] = [];
    src.referencing("AWS::ApiGatewayV2::ApiMapping", "ApiId").forEach((m, i) => {
      src.origin(`/customDomainNames/${i}`, m.pointer);
      const named = m.raw.DomainName;
      const domainId = isObject(named) && typeof named.Ref === "string" ? named.Ref : undefined;
      const domain = domainId ? src.resourceNamed(domainId) : undefined;
      names.push(
        domain?.properties.DomainName ?? m.properties.DomainName ?? deployTimeValue(src, "a mapped domain name"),
      );
    });
    const unique = names.filter((n, i) => typeof n !== "string" || names.indexOf(n) === i);
    if (unique.length > 0) {
      doc.customDomainNames = unique.every((n) => typeof n === "string") ? [...(unique as string[])].sort() : unique;
    }
    doc.tags = templateTags(p.Tags);
    return doc;
  },
};

const API_EVENTS = new Set(["UpdateApi", "ReimportApi", "DeleteApi", "CreateApiMapping", "UpdateApiMapping"]);
const API_ARN = /^arn:aws[a-z-]*:apigateway:[a-z0-9-]+::\/apis\/([^/]+)$/;
