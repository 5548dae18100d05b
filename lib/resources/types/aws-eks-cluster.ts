import type { Cluster } from "@aws-sdk/client-eks";
import type { Described, ResourceAdapter } from "../adapter";
import { deployTimeValue, templateTags } from "../../cloudformation/document";
import { UnknownValue } from "../../cloudformation/unknown";
import { toBool } from "../coerce";
import { describedItem, plainObject } from "../described";
import { tagMap } from "../config-item";
import { tagsSchema } from "../schema-parts";
import { isObject, type JsonObject } from "../../util/json";
import {
  baseEventName,
  eventSourceOf,
  namedResource,
  partitionOf,
  refFromRecord,
  requestValue,
  responseElements,
} from "../../cloudtrail/record";

/**
 * EKS cluster. Config records the CloudFormation resource's names (awslabs/aws-config-resource-schema
 * AWS::EKS::Cluster.properties.json: `Name`, `Arn`, `Version`, `RoleArn`, `ResourcesVpcConfig {SubnetIds,
 * SecurityGroupIds, EndpointPublicAccess, EndpointPrivateAccess, PublicAccessCidrs}`, `EncryptionConfig [{Resources,
 * Provider {KeyArn}}]`, `Logging.ClusterLogging.EnabledTypes [{Type}]`); resourceId = resourceName = the cluster
 * name (a recorded item: Cloud Custodian's placebo data, test_eks_config). DescribeCluster says the same in
 * camelCase, with logging as `clusterLogging [{types, enabled}]` (Amazon EKS API Reference, Cluster).
 *
 * The document keeps the settings the policies judge. Endpoint flags an older item omits take EKS's defaults
 * (public on, private off: CreateCluster, VpcConfigRequest), and a public endpoint without CIDRs is open to
 * 0.0.0.0/0 (VpcConfigRequest publicAccessCidrs); the CIDRs of a private endpoint mean nothing and are dropped.
 */

const CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;
/** The control plane log types, in the order the EKS API Reference (LogType) lists them. */
export const EKS_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

function strings(v: unknown): string[] | undefined {
  const list = Array.isArray(v) ? v : typeof v === "string" ? [v] : undefined;
  return list?.filter((x): x is string => typeof x === "string" && x !== "");
}

function ordered(types: Iterable<string>): string[] {
  const set = new Set(types);
  const known = EKS_LOG_TYPES.filter((t) => set.has(t));
  const other = [...set].filter((t) => !(EKS_LOG_TYPES as readonly string[]).includes(t)).sort();
  return [...known, ...other];
}

function loggingOf(enabled: Iterable<string>): JsonObject {
  return { ClusterLogging: { EnabledTypes: ordered(enabled).map((Type) => ({ Type })) } };
}

/** `Logging.ClusterLogging.EnabledTypes` of a Config item or template, one entry or a list. */
function enabledTypesOf(logging: unknown): string[] {
  const cluster = isObject(logging) ? logging.ClusterLogging : undefined;
  const entries = isObject(cluster) ? cluster.EnabledTypes : undefined;
  const list = Array.isArray(entries) ? entries : isObject(entries) ? [entries] : [];
  return list.flatMap((e) => (isObject(e) && typeof e.Type === "string" && e.Type !== "" ? [e.Type] : []));
}

function encryptionOf(v: unknown): JsonObject[] {
  const list = Array.isArray(v) ? v : isObject(v) ? [v] : [];
  return list.flatMap((e) => {
    if (!isObject(e)) return [];
    const resources = strings(e.Resources) ?? [];
    const keyArn = isObject(e.Provider) && typeof e.Provider.KeyArn === "string" ? e.Provider.KeyArn : undefined;
    if (resources.length === 0 && !keyArn) return [];
    return [{ Resources: resources, ...(keyArn ? { Provider: { KeyArn: keyArn } } : {}) }];
  });
}

function vpcConfigOf(v: unknown): JsonObject {
  const c = isObject(v) ? v : {};
  const out: JsonObject = {};
  const subnets = strings(c.SubnetIds);
  if (subnets) out.SubnetIds = subnets;
  const groups = strings(c.SecurityGroupIds);
  if (groups) out.SecurityGroupIds = groups;
  const isPublic = toBool(c.EndpointPublicAccess) ?? true;
  out.EndpointPublicAccess = isPublic;
  out.EndpointPrivateAccess = toBool(c.EndpointPrivateAccess) ?? false;
  if (isPublic) {
    const cidrs = strings(c.PublicAccessCidrs);
    out.PublicAccessCidrs = cidrs && cidrs.length > 0 ? cidrs : ["0.0.0.0/0"];
  }
  return out;
}

export const adapter: ResourceAdapter = {
  type: "AWS::EKS::Cluster",
  service: "eks",
  nameField: "Name",
  arn: (ref, doc) =>
    typeof doc.Arn === "string" && doc.Arn !== ""
      ? doc.Arn
      : CLUSTER_NAME.test(ref.id)
        ? `arn:${partitionOf(ref.region)}:eks:${ref.region}:${ref.accountId}:cluster/${ref.id}`
        : undefined,
  cloudFormation: { arnAttributes: ["Arn"] },
  documentSchema: {
    type: "object",
    properties: {
      Name: { type: "string" },
      Arn: { type: "string" },
      Version: { type: "string", description: "Kubernetes minor version, e.g. 1.33." },
      RoleArn: { type: "string" },
      ResourcesVpcConfig: {
        type: "object",
        properties: {
          SubnetIds: { type: "array", items: { type: "string" } },
          SecurityGroupIds: { type: "array", items: { type: "string" } },
          EndpointPublicAccess: {
            type: "boolean",
            description: "The API server endpoint is reachable from the internet.",
          },
          EndpointPrivateAccess: { type: "boolean", description: "The API server endpoint is reachable from the VPC." },
          PublicAccessCidrs: {
            type: "array",
            items: { type: "string" },
            description: "Who may reach the public endpoint; absent when the endpoint is private.",
          },
        },
        required: ["EndpointPublicAccess", "EndpointPrivateAccess"],
      },
      EncryptionConfig: {
        type: "array",
        description: "Envelope encryption of Kubernetes resources (secrets) with a KMS key; empty when off.",
        items: {
          type: "object",
          properties: {
            Resources: { type: "array", items: { type: "string" } },
            Provider: { type: "object", properties: { KeyArn: { type: "string" } } },
          },
        },
      },
      Logging: {
        type: "object",
        properties: {
          ClusterLogging: {
            type: "object",
            properties: {
              EnabledTypes: {
                type: "array",
                description: "Control plane log types sent to CloudWatch Logs (api, audit, authenticator, ...).",
                items: { type: "object", properties: { Type: { type: "string" } }, required: ["Type"] },
              },
            },
          },
        },
      },
      tags: tagsSchema,
    },
    required: ["Name", "ResourcesVpcConfig", "EncryptionConfig", "Logging", "tags"],
  },
  fromConfigItem(item) {
    const cfg = item.configuration ?? {};
    const doc: JsonObject = {};
    doc.Name = typeof cfg.Name === "string" && cfg.Name !== "" ? cfg.Name : (item.resourceName ?? item.resourceId);
    for (const k of ["Arn", "Version", "RoleArn"]) {
      if (typeof cfg[k] === "string" && cfg[k] !== "") doc[k] = cfg[k];
    }
    doc.ResourcesVpcConfig = vpcConfigOf(cfg.ResourcesVpcConfig);
    doc.EncryptionConfig = encryptionOf(cfg.EncryptionConfig);
    doc.Logging = loggingOf(enabledTypesOf(cfg.Logging));
    doc.tags = item.tags;
    return doc;
  },
  /** Reads DescribeCluster's `cluster` (tags included). */
  fromDescribe(described: Described & { DescribeCluster: { cluster?: Cluster } }) {
    const c = plainObject(plainObject(described.DescribeCluster).cluster);
    const vpc = plainObject(c.resourcesVpcConfig);
    const logging = plainObject(c.logging);
    const enabled = (Array.isArray(logging.clusterLogging) ? logging.clusterLogging : []).flatMap((s) =>
      isObject(s) && s.enabled === true ? (strings(s.types) ?? []) : [],
    );
    const encryption = (Array.isArray(c.encryptionConfig) ? c.encryptionConfig : []).map((e) => {
      const p = plainObject(e);
      return { Resources: p.resources ?? [], Provider: { KeyArn: plainObject(p.provider).keyArn } };
    });
    const configuration: JsonObject = {
      Name: c.name,
      Arn: c.arn,
      Version: c.version,
      RoleArn: c.roleArn,
      ResourcesVpcConfig: {
        SubnetIds: vpc.subnetIds,
        SecurityGroupIds: vpc.securityGroupIds,
        EndpointPublicAccess: vpc.endpointPublicAccess,
        EndpointPrivateAccess: vpc.endpointPrivateAccess,
        PublicAccessCidrs: vpc.publicAccessCidrs,
      },
      EncryptionConfig: encryption,
      Logging: loggingOf(enabled),
    };
    return adapter.fromConfigItem(
      describedItem(described.ref, {
        configuration,
        tags: isObject(c.tags) ? tagMap(c.tags) : {},
        resourceName: typeof c.name === "string" ? c.name : undefined,
        arn: typeof c.arn === "string" ? c.arn : undefined,
      }),
    );
  },
  /**
   * The cluster a call names: `name` (UpdateClusterConfig, UpdateClusterVersion, DeleteCluster: the URI's name),
   * `clusterName` (CreateCluster and AssociateEncryptionConfig as CloudTrail records them: "Logging Amazon EKS API
   * calls with AWS CloudTrail"), else the `cluster` of the response; TagResource names the cluster's ARN.
   */
  fromCloudTrail(record) {
    if (eventSourceOf(record) !== "eks.amazonaws.com" || !CLUSTER_EVENTS.has(baseEventName(record))) return [];
    const cluster = responseElements(record).cluster;
    const fromResponse = isObject(cluster)
      ? typeof cluster.arn === "string"
        ? cluster.arn
        : typeof cluster.name === "string"
          ? cluster.name
          : undefined
      : undefined;
    const arnParam = requestValue(record, "resourceArn");
    const value =
      requestValue(record, "name") ??
      requestValue(record, "clusterName") ??
      fromResponse ??
      (arnParam?.includes(":cluster/") ? arnParam : undefined);
    if (!value) return [];
    const { name, region, accountId } = namedResource(record, value, ":cluster/");
    if (!CLUSTER_NAME.test(name)) return [];
    const arn = `arn:${partitionOf(region)}:eks:${region}:${accountId}:cluster/${name}`;
    return [refFromRecord(record, adapter.type, name, arn, { region, accountId })];
  },
  /**
   * AWS::EKS::Cluster Properties (CloudFormation reference): Name, Version (EKS's default when absent: known at
   * deploy time), RoleArn, ResourcesVpcConfig (EndpointPublicAccess true and EndpointPrivateAccess false when
   * absent), EncryptionConfig, Logging.ClusterLogging.EnabledTypes (none when absent), Tags.
   */
  fromCloudFormation(src) {
    const { resource: r } = src;
    const base = `${r.pointer}/Properties`;
    const doc = src.shape(CFN_SHAPE, r.properties, "", base) as JsonObject;
    doc.Name ??= deployTimeValue(src, "the generated cluster name");
    doc.Version ??= deployTimeValue(src, "EKS's default Kubernetes version");
    const vpc = doc.ResourcesVpcConfig;
    if (vpc === undefined || (isObject(vpc) && !(vpc instanceof UnknownValue))) {
      const v: JsonObject = (vpc as JsonObject | undefined) ?? {};
      v.EndpointPublicAccess ??= true;
      v.EndpointPrivateAccess ??= false;
      if (v.EndpointPublicAccess === true) v.PublicAccessCidrs ??= ["0.0.0.0/0"];
      else if (v.EndpointPublicAccess === false) delete v.PublicAccessCidrs;
      doc.ResourcesVpcConfig = v;
    }
    doc.EncryptionConfig ??= [];
    const logging = doc.Logging;
    if (logging === undefined) doc.Logging = loggingOf([]);
    else if (isObject(logging) && !(logging instanceof UnknownValue)) {
      const cl = logging.ClusterLogging;
      if (cl === undefined) doc.Logging = loggingOf([]);
      else if (isObject(cl) && !(cl instanceof UnknownValue)) {
        const types = cl.EnabledTypes;
        if (types === undefined) cl.EnabledTypes = [];
        else if (Array.isArray(types) && types.every((t) => isObject(t) && typeof t.Type === "string")) {
          doc.Logging = loggingOf(enabledTypesOf(logging));
        }
      }
    }
    doc.tags = templateTags(r.properties.Tags);
    return doc;
  },
};

const CFN_SHAPE = {
  type: "object",
  properties: {
    Name: { type: "string" },
    Version: { type: "string" },
    RoleArn: { type: "string" },
    ResourcesVpcConfig: {
      type: "object",
      properties: {
        SubnetIds: { type: "array", items: { type: "string" } },
        SecurityGroupIds: { type: "array", items: { type: "string" } },
        EndpointPublicAccess: { type: "boolean" },
        EndpointPrivateAccess: { type: "boolean" },
        PublicAccessCidrs: { type: "array", items: { type: "string" } },
      },
    },
    EncryptionConfig: {
      type: "array",
      items: {
        type: "object",
        properties: {
          Resources: { type: "array", items: { type: "string" } },
          Provider: { type: "object", properties: { KeyArn: { type: "string" } } },
        },
      },
    },
    Logging: {
      type: "object",
      properties: {
        ClusterLogging: {
          type: "object",
          properties: {
            EnabledTypes: { type: "array", items: { type: "object", properties: { Type: { type: "string" } } } },
          },
        },
      },
    },
  },
} as const;

const CLUSTER_EVENTS = new Set([
  "CreateCluster",
  "DeleteCluster",
  "UpdateClusterConfig",
  "UpdateClusterVersion",
  "AssociateEncryptionConfig",
  "TagResource",
  "UntagResource",
]);
