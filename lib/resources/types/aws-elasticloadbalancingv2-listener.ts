import type { ResourceAdapter } from "../adapter";
import { deployTimeValue } from "../../cloudformation/document";
import { shapeBySchema } from "../coerce";
import { tagMap } from "../config-item";
import { tagsSchema } from "../schema-parts";
import { isObject, type JsonObject, type JsonSchema } from "../../util/json";
import type { DescribeListenersOutput, DescribeTagsOutput } from "@aws-sdk/client-elastic-load-balancing-v2";
import type { Described } from "../adapter";
import { describedItem, plainObject } from "../described";
import {
  arnParts,
  baseEventName,
  eventSourceOf,
  refFromRecord,
  requestParameters,
  responseElements,
} from "../../cloudtrail/record";

/**
 * ELBv2 listener. Config's `configuration` is DescribeListeners' entry as the API names it, PascalCase (the Config
 * resource schema, awslabs/aws-config-resource-schema AWS::ElasticLoadBalancingV2::Listener.properties.json:
 * `Protocol`, `SslPolicy`, `Certificates.CertificateArn`, `DefaultActions.RedirectConfig.Protocol`, ...), and so
 * is the document. resourceId is the listener ARN. DefaultActions are kept whole (every member the API returns):
 * a fix that replaces them records them, and undo sends them back.
 */
const actionSchema = {
  type: "object",
  properties: {
    Type: { enum: ["forward", "authenticate-oidc", "authenticate-cognito", "redirect", "fixed-response"] },
    Order: { type: "number" },
    TargetGroupArn: { type: "string" },
    RedirectConfig: {
      type: "object",
      properties: {
        Protocol: { type: "string", description: "HTTP, HTTPS or #{protocol} (keep the request's)." },
        Port: { type: "string" },
        Host: { type: "string" },
        Path: { type: "string" },
        Query: { type: "string" },
        StatusCode: { enum: ["HTTP_301", "HTTP_302"] },
      },
    },
  },
  additionalProperties: true,
} satisfies JsonSchema;

const configurationSchema = {
  type: "object",
  properties: {
    ListenerArn: { type: "string" },
    LoadBalancerArn: { type: "string" },
    Port: { type: "number" },
    Protocol: { enum: ["HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP", "GENEVE", "QUIC", "TCP_QUIC"] },
    SslPolicy: { type: "string", description: "The security policy of an HTTPS or TLS listener." },
    Certificates: {
      type: "array",
      items: { type: "object", properties: { CertificateArn: { type: "string" }, IsDefault: { type: "boolean" } } },
    },
    DefaultActions: { type: "array", items: actionSchema },
    AlpnPolicy: { type: "array", items: { type: "string" } },
    MutualAuthentication: { type: "object" },
  },
} satisfies JsonSchema;

/** Drops nulls, recursively (Config writes absent members as null). */
function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((x) => x !== null && x !== undefined).map(withoutNulls);
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[k] = withoutNulls(x);
    return out;
  }
  return v;
}

/** A listener ARN (Elastic Load Balancing User Guide: `listener/app|net|gwy/<lb name>/<lb id>/<listener id>`). */
const LISTENER_ARN =
  /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:listener\/(app|net|gwy)\/[^/]+\/[0-9a-f]+\/[0-9a-f]+$/;

export const adapter: ResourceAdapter = {
  type: "AWS::ElasticLoadBalancingV2::Listener",
  service: "elasticloadbalancing",
  nameField: "ListenerArn",
  resourceIdPattern: LISTENER_ARN,
  arn: (ref) => (LISTENER_ARN.test(ref.id) ? ref.id : undefined),
  cloudFormation: { arnAttributes: ["ListenerArn"], refIsArn: true },
  documentSchema: {
    type: "object",
    properties: { ...configurationSchema.properties, tags: tagsSchema },
    required: ["ListenerArn", "tags"],
  },
  fromConfigItem(item) {
    const cfg = (withoutNulls(item.configuration ?? {}) ?? {}) as JsonObject;
    const doc = shapeBySchema(configurationSchema, cfg) as JsonObject;
    // DefaultActions whole: shapeBySchema keeps only what the schema lists, a fix's undo needs every member.
    if (Array.isArray(cfg.DefaultActions)) doc.DefaultActions = cfg.DefaultActions.filter(isObject);
    doc.ListenerArn ??= item.resourceId;
    doc.tags = item.tags;
    return doc;
  },
  /** Reads DescribeListeners (the one entry; the API's own naming, as Config records it) and DescribeTags. */
  fromDescribe(
    described: Described & { DescribeListeners: DescribeListenersOutput; DescribeTags?: DescribeTagsOutput },
  ) {
    const listeners = plainObject(described.DescribeListeners).Listeners;
    const listener = Array.isArray(listeners) && isObject(listeners[0]) ? listeners[0] : {};
    const descriptions = plainObject(described.DescribeTags).TagDescriptions;
    const tags = Array.isArray(descriptions) && isObject(descriptions[0]) ? descriptions[0].Tags : undefined;
    return adapter.fromConfigItem(
      describedItem(described.ref, {
        configuration: listener,
        tags: tagMap(tags),
        arn: typeof listener.ListenerArn === "string" ? listener.ListenerArn : undefined,
      }),
    );
  },
  /**
   * `requestParameters.listenerArn` (ModifyListener, DeleteListener, AddListenerCertificates,
   * RemoveListenerCertificates), `requestParameters.resourceArns` (AddTags, RemoveTags),
   * `responseElements.listeners[].listenerArn` (CreateListener).
   */
  fromCloudTrail(record) {
    if (eventSourceOf(record) !== "elasticloadbalancing.amazonaws.com") return [];
    const event = baseEventName(record);
    const rp = requestParameters(record);
    let arns: unknown[] = [];
    if (LISTENER_EVENTS.has(event)) arns = [rp.listenerArn];
    else if (event === "AddTags" || event === "RemoveTags")
      arns = Array.isArray(rp.resourceArns) ? rp.resourceArns : [];
    else if (event === "CreateListener") {
      const created = responseElements(record).listeners;
      arns = Array.isArray(created) ? created.map((l) => (isObject(l) ? l.listenerArn : undefined)) : [];
    }
    return arns
      .filter((a): a is string => typeof a === "string" && LISTENER_ARN.test(a))
      .map((arn) => {
        const { region, accountId } = arnParts(arn);
        return refFromRecord(record, adapter.type, arn, arn, { region, accountId });
      });
  },
  /**
   * AWS::ElasticLoadBalancingV2::Listener Properties (CloudFormation reference: LoadBalancerArn, Port, Protocol,
   * SslPolicy, Certificates [{CertificateArn}], DefaultActions [{Type, TargetGroupArn, RedirectConfig, ...}],
   * AlpnPolicy): the API's names. Listener tags are not a template property.
   */
  fromCloudFormation(src) {
    const { resource: r } = src;
    const doc = src.shape(configurationSchema, r.properties, "", `${r.pointer}/Properties`) as JsonObject;
    doc.ListenerArn = deployTimeValue(src, "the listener ARN");
    doc.tags = {};
    return doc;
  },
};

const LISTENER_EVENTS = new Set([
  "ModifyListener", "DeleteListener", "AddListenerCertificates", "RemoveListenerCertificates",
]); // prettier-ignore
