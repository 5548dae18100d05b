import type { ResourceAdapter } from "../adapter";
import { deployTimeValue, templateTags } from "../../cloudformation/document";
import { UnknownValue } from "../../cloudformation/unknown";
import { tagMap } from "../config-item";
import { tagsSchema } from "../schema-parts";
import { escapePointerToken, isObject, type JsonObject, type JsonSchema } from "../../util/json";
import type {
  DescribeLoadBalancerAttributesOutput,
  DescribeLoadBalancersOutput,
  DescribeTagsOutput,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import type { Described } from "../adapter";
import { camelKeys, describedItem, plainObject } from "../described";
import {
  arnParts,
  eventSourceOf,
  baseEventName,
  refFromRecord,
  requestParameters,
  responseElements,
} from "../../cloudtrail/record";

/**
 * Application, Network or Gateway Load Balancer (ELBv2). Config's `configuration` is DescribeLoadBalancers' entry
 * in camelCase with the DNS name spelt `dNSName` (the Config resource schema, awslabs/aws-config-resource-schema
 * AWS::ElasticLoadBalancingV2::LoadBalancer.properties.json); the attributes (DescribeLoadBalancerAttributes) are
 * `supplementaryConfiguration.LoadBalancerAttributes`, a list of `{key, value}` (INFERRED: the managed rules
 * elb-deletion-protection-enabled and alb-http-drop-invalid-header-enabled judge them on Config items; no public
 * recorded item). resourceId is the load balancer ARN.
 *
 * The document's `attributes` is that list as a map, values as ELB writes them (strings: "true", "defensive"). An
 * attribute that is absent has its default (Elastic Load Balancing API Reference, LoadBalancerAttribute: deletion
 * protection, access logs and dropping invalid header fields off, desync mitigation "defensive").
 */
const configurationSchema = {
  type: "object",
  properties: {
    loadBalancerArn: { type: "string" },
    loadBalancerName: { type: "string" },
    type: { enum: ["application", "network", "gateway"] },
    scheme: { enum: ["internet-facing", "internal"] },
    dnsName: { type: "string" },
    canonicalHostedZoneId: { type: "string" },
    vpcId: { type: "string" },
    ipAddressType: { type: "string" },
    state: { type: "object", properties: { code: { type: "string" }, reason: { type: "string" } } },
    securityGroups: { type: "array", items: { type: "string" } },
    availabilityZones: {
      type: "array",
      items: { type: "object", properties: { zoneName: { type: "string" }, subnetId: { type: "string" } } },
    },
  },
} satisfies JsonSchema;

const attributesSchema: JsonSchema = {
  type: "object",
  description: "LoadBalancerAttributes by key; an absent key has ELB's default.",
  properties: {
    "deletion_protection.enabled": { enum: ["true", "false"] },
    "access_logs.s3.enabled": { enum: ["true", "false"] },
    "access_logs.s3.bucket": { type: "string" },
    "access_logs.s3.prefix": { type: "string" },
    "routing.http.drop_invalid_header_fields.enabled": { enum: ["true", "false"] },
    "routing.http.desync_mitigation_mode": { enum: ["monitor", "defensive", "strictest"] },
  },
  additionalProperties: { type: "string" },
};

/** `{key, value}` / `{Key, Value}` pairs as a map; values as strings (booleans written as ELB writes them). */
function attributeMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(v)) return out;
  for (const a of v) {
    if (!isObject(a)) continue;
    const key = a.key ?? a.Key;
    const value = a.value ?? a.Value;
    if (typeof key === "string" && key !== "" && (typeof value === "string" || typeof value === "boolean")) {
      out[key] = String(value);
    }
  }
  return out;
}

/** A load balancer ARN (Elastic Load Balancing User Guide: `loadbalancer/app|net|gwy/<name>/<id>`). */
const LB_ARN =
  /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:loadbalancer\/(app|net|gwy)\/([^/]+)\/[0-9a-f]+$/;

export const adapter: ResourceAdapter = {
  type: "AWS::ElasticLoadBalancingV2::LoadBalancer",
  service: "elasticloadbalancing",
  nameField: "loadBalancerName",
  resourceIdPattern: LB_ARN,
  arn: (ref) => (LB_ARN.test(ref.id) ? ref.id : undefined),
  cloudFormation: { arnAttributes: ["LoadBalancerArn"], refIsArn: true },
  documentSchema: {
    type: "object",
    properties: { ...configurationSchema.properties, attributes: attributesSchema, tags: tagsSchema },
    required: ["loadBalancerArn", "attributes", "tags"],
  },
  fromConfigItem(item) {
    const cfg = item.configuration ?? {};
    const doc: JsonObject = {};
    for (const [k, schema] of Object.entries(configurationSchema.properties)) {
      const v = k === "dnsName" ? (cfg.dnsName ?? cfg.dNSName ?? cfg.DNSName) : cfg[k];
      if (v === undefined || v === null) continue;
      if ("enum" in schema || schema.type === "string") {
        if (typeof v === "string") doc[k] = v;
      } else if (k === "securityGroups" && Array.isArray(v)) {
        doc[k] = v.map((g) => (isObject(g) ? g.value : g)).filter((g): g is string => typeof g === "string");
      } else if (k === "state" && isObject(v)) {
        const state: JsonObject = {};
        for (const s of ["code", "reason"]) if (typeof v[s] === "string") state[s] = v[s];
        doc[k] = state;
      } else if (k === "availabilityZones" && Array.isArray(v)) {
        doc[k] = v.filter(isObject).map((z) => {
          const zone: JsonObject = {};
          for (const s of ["zoneName", "subnetId"]) if (typeof z[s] === "string") zone[s] = z[s];
          return zone;
        });
      }
    }
    doc.loadBalancerArn ??= item.resourceId;
    if (doc.loadBalancerName === undefined && item.resourceName) doc.loadBalancerName = item.resourceName;
    doc.attributes = attributeMap(item.supplementaryConfiguration.LoadBalancerAttributes);
    doc.tags = item.tags;
    return doc;
  },
  /** Reads DescribeLoadBalancers (the one entry), DescribeLoadBalancerAttributes and DescribeTags. */
  fromDescribe(
    described: Described & {
      DescribeLoadBalancers: DescribeLoadBalancersOutput;
      DescribeLoadBalancerAttributes?: DescribeLoadBalancerAttributesOutput;
      DescribeTags?: DescribeTagsOutput;
    },
  ) {
    const lbs = plainObject(described.DescribeLoadBalancers).LoadBalancers;
    const lb = camelKeys(Array.isArray(lbs) && isObject(lbs[0]) ? lbs[0] : {}) as JsonObject;
    const descriptions = plainObject(described.DescribeTags).TagDescriptions;
    const tags = Array.isArray(descriptions) && isObject(descriptions[0]) ? descriptions[0].Tags : undefined;
    return adapter.fromConfigItem(
      describedItem(described.ref, {
        configuration: lb,
        supplementaryConfiguration: {
          LoadBalancerAttributes: camelKeys(plainObject(described.DescribeLoadBalancerAttributes).Attributes ?? []),
        },
        tags: tagMap(tags),
        resourceName: typeof lb.loadBalancerName === "string" ? lb.loadBalancerName : undefined,
        arn: typeof lb.loadBalancerArn === "string" ? lb.loadBalancerArn : undefined,
      }),
    );
  },
  /**
   * ELBv2 calls name the load balancer by ARN: `requestParameters.loadBalancerArn` (ModifyLoadBalancerAttributes,
   * SetSecurityGroups, SetSubnets, SetIpAddressType, DeleteLoadBalancer), `requestParameters.resourceArns`
   * (AddTags, RemoveTags), `responseElements.loadBalancers[].loadBalancerArn` (CreateLoadBalancer). Classic Load
   * Balancer calls share the event source but name the load balancer by `loadBalancerName`: never matched.
   */
  fromCloudTrail(record) {
    if (eventSourceOf(record) !== "elasticloadbalancing.amazonaws.com") return [];
    const event = baseEventName(record);
    const rp = requestParameters(record);
    let arns: unknown[] = [];
    if (LB_EVENTS.has(event)) arns = [rp.loadBalancerArn];
    else if (event === "AddTags" || event === "RemoveTags")
      arns = Array.isArray(rp.resourceArns) ? rp.resourceArns : [];
    else if (event === "CreateLoadBalancer") {
      const created = responseElements(record).loadBalancers;
      arns = Array.isArray(created) ? created.map((l) => (isObject(l) ? l.loadBalancerArn : undefined)) : [];
    }
    return arns
      .filter((a): a is string => typeof a === "string" && LB_ARN.test(a))
      .map((arn) => {
        const { region, accountId } = arnParts(arn);
        return refFromRecord(record, adapter.type, arn, arn, { region, accountId });
      });
  },
  /**
   * AWS::ElasticLoadBalancingV2::LoadBalancer Properties (CloudFormation reference: Name, Type (default
   * application), Scheme (default internet-facing), IpAddressType, SecurityGroups, LoadBalancerAttributes
   * [{Key, Value}], Tags). Attributes the template leaves out keep ELB's defaults, absent as the policies read them.
   */
  fromCloudFormation(src) {
    const { resource: r } = src;
    const p = r.properties;
    const base = `${r.pointer}/Properties`;
    const doc = src.shape(
      {
        type: "object",
        properties: {
          loadBalancerName: { type: "string" },
          type: { type: "string" },
          scheme: { type: "string" },
          ipAddressType: { type: "string" },
          securityGroups: { type: "array", items: { type: "string" } },
        },
      },
      p,
      "",
      base,
      { loadBalancerName: "Name" },
    ) as JsonObject;
    doc.loadBalancerArn = deployTimeValue(src, "the load balancer ARN");
    doc.loadBalancerName ??= deployTimeValue(src, "the generated load balancer name");
    doc.type ??= "application";
    doc.scheme ??= "internet-facing";
    const attributes: JsonObject = {};
    const raw = p.LoadBalancerAttributes;
    if (raw instanceof UnknownValue) doc.attributes = new UnknownValue(raw.reason, `${base}/LoadBalancerAttributes`);
    else {
      (Array.isArray(raw) ? raw : []).forEach((a, i) => {
        const shaped = src.shape(
          { type: "object", properties: { key: { type: "string" }, value: { type: "string" } } },
          a,
          "",
          `${base}/LoadBalancerAttributes/${i}`,
        );
        if (!isObject(shaped) || typeof shaped.key !== "string" || shaped.value === undefined) return;
        attributes[shaped.key] = typeof shaped.value === "boolean" ? String(shaped.value) : shaped.value;
        src.origin(`/attributes/${escapePointerToken(shaped.key)}`, `${base}/LoadBalancerAttributes/${i}/Value`);
      });
      doc.attributes = attributes;
    }
    doc.tags = templateTags(p.Tags);
    return doc;
  },
};

const LB_EVENTS = new Set([
  "ModifyLoadBalancerAttributes", "SetSecurityGroups", "SetSubnets", "SetIpAddressType", "DeleteLoadBalancer",
]); // prettier-ignore
