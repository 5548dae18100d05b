import type { ResourceAdapter } from "../adapter";
import { deployTimeValue, templatePolicyDocument, templateTags } from "../../cloudformation/document";
import { tagMap } from "../config-item";
import { shapeBySchema, toPolicyDocument } from "../coerce";
import { policyDocumentSchema, tagsSchema } from "../schema-parts";
import { isObject, type JsonObject, type JsonSchema } from "../../util/json";
import type { BasePathMapping, RestApi } from "@aws-sdk/client-api-gateway";
import type { Described } from "../adapter";
import { describedItem, plainObject } from "../described";
import {
  baseEventName,
  eventSourceOf,
  partitionOf,
  recordRegion,
  refFromRecord,
  requestValue,
  responseValue,
} from "../../cloudtrail/record";

const stringList: JsonSchema = { type: "array", items: { type: "string" } };
const timestamp: JsonSchema = {
  type: ["string", "number"],
  description: "ISO 8601 text in recorded items; kept as delivered.",
};

/** endpointConfiguration, shared with the DomainName document. */
export const endpointConfigurationSchema: JsonSchema = {
  type: "object",
  properties: {
    types: { ...stringList, description: "EDGE, REGIONAL or PRIVATE." },
    vpcEndpointIds: stringList,
    ipAddressType: { type: "string", description: "ipv4 or dualstack." },
  },
};

/**
 * The fields read from `configuration`. Shape: the API's RestApi (GetRestApi), camelCase.
 * Sources: id, name, description, createdDate, version, apiKeySource, binaryMediaTypes, minimumCompressionSize,
 * endpointConfiguration.types are in Config's advanced-query schema for this type (AWS Config resource schema,
 * awslabs/aws-config-resource-schema, AWS::ApiGateway::RestApi.properties.json); the others are from the Amazon
 * API Gateway API Reference (RestApi, GetRestApi) and UNCONFIRMED in Config items
 * (disableExecuteApiEndpoint, policy, securityPolicy, endpointAccessMode, apiStatus).
 */
const configurationSchema = {
  type: "object",
  properties: {
    id: { type: "string" },
    name: { type: "string" },
    description: { type: "string" },
    createdDate: timestamp,
    version: { type: "string" },
    warnings: stringList,
    binaryMediaTypes: stringList,
    minimumCompressionSize: { type: "number" },
    apiKeySource: { type: "string", description: "HEADER or AUTHORIZER." },
    endpointConfiguration: endpointConfigurationSchema,
    disableExecuteApiEndpoint: {
      type: "boolean",
      description: "true: clients can reach the API only through a custom domain, not the execute-api endpoint.",
    },
    securityPolicy: {
      type: "string",
      description:
        "Minimum TLS / cipher policy of the execute-api endpoint: TLS_1_0, TLS_1_2 or an enhanced SecurityPolicy_*; absent means the TLS_1_0 default.",
    },
    endpointAccessMode: { type: "string", description: "BASIC or STRICT (required with an enhanced policy)." },
    apiStatus: { type: "string", description: "UPDATING while a security policy change is applied, else AVAILABLE." },
    apiStatusMessage: { type: "string" },
    rootResourceId: { type: "string" },
  },
} satisfies JsonSchema;

export const adapter: ResourceAdapter = {
  type: "AWS::ApiGateway::RestApi",
  service: "apigateway",
  nameField: "name",
  arn: (ref) => `arn:${partitionOf(ref.region)}:apigateway:${ref.region}::/restapis/${ref.id}`,
  cloudFormation: { attachments: ["AWS::ApiGateway::BasePathMapping", "AWS::ApiGateway::BasePathMappingV2"] },
  readsRelationships: true,
  documentSchema: {
    type: "object",
    properties: {
      ...configurationSchema.properties,
      policy: {
        description:
          "Resource policy, parsed and normalised (Statement, Action, Resource always lists); a policy that does not parse is kept as text.",
        anyOf: [policyDocumentSchema, { type: "string" }],
      },
      customDomainNames: {
        ...stringList,
        description:
          "Custom domain names mapped to this API (from the item's AWS::ApiGateway::DomainName relationships; INFERRED shape).",
      },
      tags: tagsSchema,
    },
    required: ["id", "customDomainNames", "tags"],
  },
  fromConfigItem(item) {
    const cfg = item.configuration ?? {};
    const doc = shapeBySchema(configurationSchema, cfg) as JsonObject;
    doc.id ??= item.resourceId;
    if (doc.name === undefined && item.resourceName) doc.name = item.resourceName;
    const policy = restApiPolicy(cfg.policy);
    if (policy !== undefined) doc.policy = policy;
    doc.customDomainNames = [
      ...new Set(
        item.relationships
          .filter((r) => r.resourceType === "AWS::ApiGateway::DomainName")
          .map((r) => r.resourceName ?? r.resourceId)
          .filter((n): n is string => typeof n === "string" && n !== ""),
      ),
    ];
    doc.tags = { ...tagMap(cfg.tags), ...item.tags };
    return doc;
  },
  /**
   * Reads `GetRestApi` (the API's RestApi; tags and the escaped policy are part of it) and `GetBasePathMappings`,
   * the base path mappings of every custom domain in the Region (`[{domainName, items}]`): the domains with a
   * mapping to this API are the item's AWS::ApiGateway::DomainName relationships, so `customDomainNames` is the
   * same from both sources.
   */
  fromDescribe(
    described: Described & {
      GetRestApi: RestApi;
      GetBasePathMappings?: { domainName: string; items?: BasePathMapping[] }[];
    },
  ) {
    const api = plainObject(described.GetRestApi);
    const apiId = typeof api.id === "string" ? api.id : described.ref.id;
    const domains = (described.GetBasePathMappings ?? []).filter((d) =>
      (d.items ?? []).some((m) => m.restApiId === apiId),
    );
    return adapter.fromConfigItem(
      describedItem(described.ref, {
        configuration: api,
        tags: tagMap(api.tags),
        resourceName: typeof api.name === "string" ? api.name : undefined,
        relationships: domains.map((d) => ({
          resourceType: "AWS::ApiGateway::DomainName",
          resourceId: d.domainName,
          resourceName: d.domainName,
          name: "Is associated with DomainName",
        })),
      }),
    );
  },
  /**
   * CreateRestApi and ImportRestApi answer with the new API's `id`; UpdateRestApi, PutRestApi and DeleteRestApi
   * name it in `restApiId`, as does CreateBasePathMapping (its mapping changes the API's custom domains); tagging
   * names it by ARN in `resourceArn`. INFERRED from the recorded CreateStage's layout and the API model.
   */
  fromCloudTrail(record) {
    if (eventSourceOf(record) !== "apigateway.amazonaws.com") return [];
    const event = baseEventName(record);
    let id: string | undefined;
    if (event === "CreateRestApi" || event === "ImportRestApi") id = responseValue(record, "id");
    else if (REST_API_EVENTS.has(event)) id = requestValue(record, "restApiId");
    else if (event === "TagResource" || event === "UntagResource") {
      id = REST_API_ARN.exec(requestValue(record, "resourceArn") ?? "")?.[1];
    }
    if (!id) return [];
    const region = recordRegion(record);
    return [
      refFromRecord(record, adapter.type, id, `arn:${partitionOf(region)}:apigateway:${region}::/restapis/${id}`),
    ];
  },
  /**
   * AWS::ApiGateway::RestApi Properties (CloudFormation reference, "AWS::ApiGateway::RestApi": Name, Description,
   * EndpointConfiguration {Types}, DisableExecuteApiEndpoint, SecurityPolicy, EndpointAccessMode, ApiKeySourceType,
   * BinaryMediaTypes, MinimumCompressionSize, Policy (object or JSON text), Tags). `customDomainNames` are the
   * domains an AWS::ApiGateway::BasePathMapping (or BasePathMappingV2) maps to this API: the DomainName resource's
   * name when the mapping refers to one, else the mapping's own DomainName text (unknown when it is computed).
   */
  fromCloudFormation(src) {
    const { resource: r } = src;
    const p = r.properties;
    const base = `${r.pointer}/Properties`;
    const doc = src.shape(configurationSchema, p, "", base, { apiKeySource: "ApiKeySourceType" }) as JsonObject;
    delete doc.id;
    doc.id = deployTimeValue(src, "the REST API id");
    if (p.Policy !== undefined) {
      doc.policy = src.shape(
        (adapter.documentSchema as { properties: { policy: JsonSchema } }).properties.policy,
        templatePolicyDocument(p.Policy),
        "/policy",
        `${base}/Policy`,
      );
    }
    const mappings = [
      ...src.referencing("AWS::ApiGateway::BasePathMapping", "RestApiId"),
      ...src.referencing("AWS::ApiGateway::BasePathMappingV2", "RestApiId"),
    ];
    const names: unknown[] = [];
    mappings.forEach((m, i) => {
      src.origin(`/customDomainNames/${i}`, m.pointer);
      const named = m.raw.DomainName ?? m.raw.DomainNameArn;
      const domainId = isObject(named) && typeof named.Ref === "string" ? named.Ref : undefined;
      const domain = domainId ? src.resourceNamed(domainId) : undefined;
      names.push(
        domain?.properties.DomainName ?? m.properties.DomainName ?? deployTimeValue(src, "a mapped domain name"),
      );
    });
    doc.customDomainNames = names.filter((n, i) => typeof n !== "string" || names.indexOf(n) === i);
    doc.tags = templateTags(p.Tags);
    return doc;
  },
};

const REST_API_EVENTS = new Set(["UpdateRestApi", "PutRestApi", "DeleteRestApi", "CreateBasePathMapping"]);
const REST_API_ARN = /^arn:aws[a-z-]*:apigateway:[a-z0-9-]+::\/restapis\/([^/]+)$/;

/**
 * GetRestApi returns `policy` with its quotes backslash-escaped (`{\"Version\":...}`): unescape when the text
 * does not parse as it is (INFERRED from the API's documented behaviour and community code; a plain JSON
 * string is parsed first).
 */
function restApiPolicy(v: unknown): JsonObject | string | undefined {
  const doc = toPolicyDocument(v);
  if (typeof doc !== "string") return doc;
  try {
    const unescaped = JSON.parse(`"${doc}"`) as unknown;
    const parsed = toPolicyDocument(unescaped);
    return parsed ?? doc;
  } catch {
    return doc;
  }
}
