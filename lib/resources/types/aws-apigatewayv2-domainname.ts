import type { GetDomainNameResponse } from "@aws-sdk/client-apigatewayv2";
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
  requestParameters,
  requestValue,
} from "../../cloudtrail/record";

/**
 * API Gateway v2 custom domain name (HTTP and WebSocket APIs). AWS Config does NOT record this type: it is in
 * neither "Supported Resource Types for AWS Config" nor Config's resource schemas (awslabs/aws-config-resource-schema
 * lists AWS::ApiGatewayV2::Api and ::Stage only). So there is no Config item shape to read: the document comes from
 * a live describe (GetDomainName, API Gateway V2 API Reference), a template or a CloudTrail reference, and
 * `fromConfigItem` is only the path a describe goes through (`describedItem`), reading GetDomainName's members in
 * either case. The Config rule never sees one; the CloudTrail detector and template scans do.
 *
 * Each entry of `domainNameConfigurations` is one endpoint of the domain (one today: API Gateway V2 API Reference,
 * DomainNameConfiguration) with its certificate, endpoint type and TLS `securityPolicy` (TLS_1_0 or TLS_1_2).
 */
const domainConfigurationSchema = {
  type: "object",
  properties: {
    apiGatewayDomainName: { type: "string", description: "The endpoint's own execute-api domain name." },
    certificateArn: { type: "string", description: "ACM certificate the endpoint serves." },
    certificateName: { type: "string" },
    domainNameStatus: { type: "string", description: "AVAILABLE, UPDATING, PENDING_CERTIFICATE_REIMPORT, ..." },
    domainNameStatusMessage: { type: "string" },
    endpointType: { type: "string", description: "REGIONAL (EDGE is for REST APIs)." },
    hostedZoneId: { type: "string" },
    ipAddressType: { type: "string", description: "ipv4 or dualstack." },
    securityPolicy: { type: "string", description: "Minimum TLS version: TLS_1_0 or TLS_1_2." },
    ownershipVerificationCertificateArn: { type: "string" },
  },
} satisfies JsonSchema;

const configurationSchema = {
  type: "object",
  properties: {
    domainName: { type: "string" },
    domainNameArn: { type: "string" },
    apiMappingSelectionExpression: { type: "string" },
    routingMode: { type: "string" },
    domainNameConfigurations: { type: "array", items: domainConfigurationSchema },
    mutualTlsAuthentication: {
      type: "object",
      properties: {
        truststoreUri: { type: "string" },
        truststoreVersion: { type: "string" },
        truststoreWarnings: { type: "array", items: { type: "string" } },
      },
    },
  },
} satisfies JsonSchema;

export const adapter: ResourceAdapter = {
  type: "AWS::ApiGatewayV2::DomainName",
  service: "apigatewayv2",
  arnService: "apigateway",
  nameField: "domainName",
  arn: (ref) => `arn:${partitionOf(ref.region)}:apigateway:${ref.region}::/domainnames/${ref.id}`,
  documentSchema: {
    type: "object",
    properties: { ...configurationSchema.properties, tags: tagsSchema },
    required: ["domainName", "domainNameConfigurations", "tags"],
  },
  fromConfigItem(item) {
    const cfg = item.configuration ?? {};
    const doc = shapeBySchema(configurationSchema, cfg, { pascal: true }) as JsonObject;
    doc.domainName ??= item.resourceName ?? item.resourceId;
    doc.domainNameConfigurations ??= [];
    doc.tags = { ...tagMap(cfg.tags ?? cfg.Tags), ...item.tags };
    return doc;
  },
  /** Reads `GetDomainName` (tags are part of it). */
  fromDescribe(described: Described & { GetDomainName: GetDomainNameResponse }) {
    const domain = plainObject(described.GetDomainName);
    return adapter.fromConfigItem(
      describedItem(described.ref, {
        configuration: domain,
        tags: tagMap(domain.Tags),
        resourceName: typeof domain.DomainName === "string" ? domain.DomainName : undefined,
      }),
    );
  },
  /**
   * Create/UpdateDomainName carry `domainName` and a v2 body (`domainNameConfigurations`), which is what tells them
   * from the REST API's calls of the same names (a REST body has securityPolicy, certificateArn or patchOperations
   * instead); DeleteDomainName and the v2-only Create/Update/DeleteApiMapping name the domain in `domainName`.
   * Tagging names it by ARN in `resourceArn`, which the REST domain shares: both types are named then. INFERRED: no
   * recorded v2 record was available (layout as the recorded REST CreateStage's).
   */
  fromCloudTrail(record) {
    if (eventSourceOf(record) !== "apigateway.amazonaws.com") return [];
    const event = baseEventName(record);
    let name: string | undefined;
    if (event === "CreateDomainName" || event === "UpdateDomainName") {
      if (hasV2Body(requestParameters(record))) name = requestValue(record, "domainName");
    } else if (DOMAIN_EVENTS.has(event)) name = requestValue(record, "domainName");
    else if (event === "TagResource" || event === "UntagResource") {
      name = DOMAIN_ARN.exec(requestValue(record, "resourceArn") ?? "")?.[1];
    }
    if (!name || !/^[A-Za-z0-9.*-]+$/.test(name)) return [];
    const region = recordRegion(record);
    return [
      refFromRecord(
        record,
        adapter.type,
        name,
        `arn:${partitionOf(region)}:apigateway:${region}::/domainnames/${name}`,
      ),
    ];
  },
  /**
   * AWS::ApiGatewayV2::DomainName Properties (CloudFormation reference, "AWS::ApiGatewayV2::DomainName": DomainName,
   * DomainNameConfigurations [{CertificateArn, CertificateName, EndpointType, IpAddressType, SecurityPolicy,
   * OwnershipVerificationCertificateArn}], MutualTlsAuthentication {TruststoreUri, TruststoreVersion}, RoutingMode,
   * Tags as a map): GetDomainName's names with a capital first letter.
   */
  fromCloudFormation(src) {
    const { resource: r } = src;
    const doc = src.shape(configurationSchema, r.properties, "", `${r.pointer}/Properties`) as JsonObject;
    delete doc.domainNameArn;
    doc.domainName ??= deployTimeValue(src, "the domain name");
    doc.domainNameConfigurations ??= [];
    doc.tags = templateTags(r.properties.Tags);
    return doc;
  },
};

const DOMAIN_EVENTS = new Set(["DeleteDomainName", "CreateApiMapping", "UpdateApiMapping", "DeleteApiMapping"]);
const DOMAIN_ARN = /^arn:aws[a-z-]*:apigateway:[a-z0-9-]+::\/domainnames\/([^/]+)$/;

function hasV2Body(rp: JsonObject): boolean {
  if (rp.domainNameConfigurations !== undefined) return true;
  return Object.entries(rp).some(
    ([k, v]) => k.endsWith("Input") && isObject(v) && v.domainNameConfigurations !== undefined,
  );
}
