import type { ResourceAdapter } from "../adapter";
import { deployTimeValue, templateTags } from "../../cloudformation/document";
import { tagMap } from "../config-item";
import { tagsSchema } from "../schema-parts";
import type { JsonObject, JsonSchema } from "../../util/json";
import { shapeBySchema } from "../coerce";
import { endpointConfigurationSchema } from "./aws-apigateway-restapi";
import type { DomainName } from "@aws-sdk/client-api-gateway";
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
 * REST API custom domain name. Config's resourceId is the domain name; the ARN is
 * `arn:aws:apigateway:<region>::/domainnames/<name>`.
 *
 * The `configuration` shape is INFERRED: AWS::ApiGateway::DomainName is not in Config's ResourceType enum, but
 * the managed rule apigateway-domain-name-tls-check is triggered by it and reads `configuration.SecurityPolicy`,
 * which suggests CloudFormation property naming (DomainName, SecurityPolicy, EndpointConfiguration.Types,
 * RegionalCertificateArn, Tags as [{Key, Value}]). The API's GetDomainName naming (camelCase, tags as a map)
 * is accepted too (Amazon API Gateway API Reference, GetDomainName); both give the same camelCase document. See
 * the AWS Config Developer Guide, "apigateway-domain-name-tls-check".
 */
const configurationSchema = {
  type: "object",
  properties: {
    domainName: { type: "string" },
    domainNameId: { type: "string", description: "Set for private custom domains only." },
    domainNameArn: { type: "string" },
    securityPolicy: {
      type: "string",
      description: "Minimum TLS / cipher policy: TLS_1_0, TLS_1_2 or an enhanced SecurityPolicy_*.",
    },
    endpointAccessMode: { type: "string", description: "BASIC or STRICT (required with an enhanced policy)." },
    endpointConfiguration: endpointConfigurationSchema,
    certificateName: { type: "string" },
    certificateArn: { type: "string", description: "ACM certificate of an edge-optimized domain." },
    certificateUploadDate: { type: ["string", "number"] },
    regionalDomainName: { type: "string" },
    regionalHostedZoneId: { type: "string" },
    regionalCertificateName: { type: "string" },
    regionalCertificateArn: { type: "string", description: "ACM certificate of a regional domain." },
    distributionDomainName: { type: "string" },
    distributionHostedZoneId: { type: "string" },
    mutualTlsAuthentication: {
      type: "object",
      properties: {
        truststoreUri: { type: "string" },
        truststoreVersion: { type: "string" },
        truststoreWarnings: { type: "array", items: { type: "string" } },
      },
    },
    ownershipVerificationCertificateArn: { type: "string" },
    domainNameStatus: { type: "string", description: "AVAILABLE, UPDATING, PENDING, ..." },
    domainNameStatusMessage: { type: "string" },
    routingMode: { type: "string" },
  },
} satisfies JsonSchema;

export const adapter: ResourceAdapter = {
  type: "AWS::ApiGateway::DomainName",
  service: "apigateway",
  nameField: "domainName",
  arn: (ref) => `arn:${partitionOf(ref.region)}:apigateway:${ref.region}::/domainnames/${ref.id}`,
  documentSchema: {
    type: "object",
    properties: { ...configurationSchema.properties, tags: tagsSchema },
    required: ["domainName", "tags"],
  },
  fromConfigItem(item) {
    const cfg = item.configuration ?? {};
    const doc = shapeBySchema(configurationSchema, cfg, { pascal: true }) as JsonObject;
    doc.domainName ??= item.resourceName ?? item.resourceId;
    doc.tags = { ...tagMap(cfg.Tags ?? cfg.tags), ...item.tags };
    return doc;
  },
  /** Reads `GetDomainName` (the API's DomainName; tags are part of it). */
  fromDescribe(described: Described & { GetDomainName: DomainName }) {
    const domain = plainObject(described.GetDomainName);
    return adapter.fromConfigItem(
      describedItem(described.ref, {
        configuration: domain,
        tags: tagMap(domain.tags),
        resourceName: typeof domain.domainName === "string" ? domain.domainName : undefined,
      }),
    );
  },
  /**
   * Create/Update/DeleteDomainName name the domain in `domainName` (INFERRED: no recorded UpdateDomainName; the
   * recorded CreateStage puts path parameters at the top of requestParameters), TagResource/UntagResource in
   * `resourceArn` (`arn:aws:apigateway:<region>::/domainnames/<name>`).
   */
  fromCloudTrail(record) {
    if (eventSourceOf(record) !== "apigateway.amazonaws.com") return [];
    const event = baseEventName(record);
    let name: string | undefined;
    if (DOMAIN_EVENTS.has(event)) name = requestValue(record, "domainName");
    else if (event === "TagResource" || event === "UntagResource") {
      name = DOMAIN_ARN.exec(requestValue(record, "resourceArn") ?? "")?.[1];
    }
    if (!name) return [];
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
   * AWS::ApiGateway::DomainName Properties (CloudFormation reference, "AWS::ApiGateway::DomainName": DomainName,
   * SecurityPolicy, EndpointAccessMode, EndpointConfiguration {Types}, RegionalCertificateArn, CertificateArn,
   * MutualTlsAuthentication, OwnershipVerificationCertificateArn, Tags): the same names `fromConfigItem` reads.
   */
  fromCloudFormation(src) {
    const { resource: r } = src;
    const doc = src.shape(configurationSchema, r.properties, "", `${r.pointer}/Properties`) as JsonObject;
    doc.domainName ??= deployTimeValue(src, "the domain name");
    doc.tags = templateTags(r.properties.Tags);
    return doc;
  },
};

const DOMAIN_EVENTS = new Set(["CreateDomainName", "UpdateDomainName", "DeleteDomainName"]);
const DOMAIN_ARN = /^arn:aws[a-z-]*:apigateway:[a-z0-9-]+::\/domainnames\/([^/]+)$/;
