import {
  camelKeys,
  describedItem,
  deployTimeValue,
  isObject,
  partitionOf,
  plainObject,
  recordRegion,
  refFromRecord,
  requestValue,
  responseValue,
  tagMap,
  tagsSchema,
  templateTags,
  eventSourceOf,
  baseEventName,
  type CloudFormationSource,
  type ConfigItem,
  type Described,
  type JsonObject,
  type JsonSchema,
  type ResourceAdapter,
} from "guardrail";

/**
 * EC2 security group. Config records DescribeSecurityGroups' SecurityGroup in camelCase (AWS Config resource schema
 * AWS::EC2::SecurityGroup; Amazon EC2 API Reference, SecurityGroup and IpPermission), where each permission's IPv4
 * ranges appear twice: `ipv4Ranges` ({cidrIp, description}, the API's IpRanges) and `ipRanges` (the CIDRs alone, as
 * items recorded before ipv4Ranges existed have them). The document keeps one form, `ipv4Ranges`, built from either.
 * Config's resourceId is the group id.
 */
const ipv4Ranges: JsonSchema = {
  type: "array",
  items: { type: "object", properties: { cidrIp: { type: "string" }, description: { type: "string" } } },
};
const ipv6Ranges: JsonSchema = {
  type: "array",
  items: { type: "object", properties: { cidrIpv6: { type: "string" }, description: { type: "string" } } },
};
const permission: JsonSchema = {
  type: "object",
  properties: {
    ipProtocol: { type: "string", description: "tcp, udp, icmp, icmpv6, a protocol number, or -1 for all traffic." },
    fromPort: { type: "integer" },
    toPort: { type: "integer" },
    ipv4Ranges,
    ipv6Ranges,
    prefixListIds: { type: "array" },
    userIdGroupPairs: { type: "array" },
  },
};

const text = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const port = (v: unknown): number | undefined =>
  typeof v === "number" ? v : typeof v === "string" && /^-?\d+$/.test(v) ? Number(v) : undefined;
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** One permission in the document's form, from a Config item's (either range form). */
function documentPermission(p: unknown): JsonObject {
  const r = isObject(p) ? p : {};
  const v4 = Array.isArray(r.ipv4Ranges)
    ? r.ipv4Ranges.filter(isObject).map((x) => ({ ...x }))
    : list(r.ipRanges)
        .filter((x): x is string => typeof x === "string")
        .map((cidrIp) => ({ cidrIp }));
  const out: JsonObject = {
    ipProtocol: String(r.ipProtocol ?? ""),
    ipv4Ranges: v4,
    ipv6Ranges: list(r.ipv6Ranges).filter(isObject),
    prefixListIds: list(r.prefixListIds),
    userIdGroupPairs: list(r.userIdGroupPairs),
  };
  const from = port(r.fromPort);
  const to = port(r.toPort);
  if (from !== undefined) out.fromPort = from;
  if (to !== undefined) out.toPort = to;
  return out;
}

const GROUP_EVENTS = new Set([
  "CreateSecurityGroup", "AuthorizeSecurityGroupIngress", "RevokeSecurityGroupIngress",
  "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupEgress", "ModifySecurityGroupRules", "DeleteSecurityGroup",
]); // prettier-ignore

export const adapter: ResourceAdapter = {
  type: "AWS::EC2::SecurityGroup",
  service: "ec2",
  nameField: "groupName",
  arn: (ref) => `arn:${partitionOf(ref.region)}:ec2:${ref.region}:${ref.accountId}:security-group/${ref.id}`,
  cloudFormation: { attachments: ["AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress"] },
  resourceIdPattern: /^sg-[0-9a-f]{8,17}$/,
  documentSchema: {
    type: "object",
    properties: {
      groupId: { type: "string" },
      groupName: { type: "string" },
      description: { type: "string" },
      vpcId: { type: "string" },
      ownerId: { type: "string" },
      ipPermissions: { type: "array", items: permission, description: "Inbound rules." },
      ipPermissionsEgress: { type: "array", items: permission, description: "Outbound rules." },
      tags: tagsSchema,
    },
    required: ["groupId", "ipPermissions", "tags"],
  },
  fromConfigItem(item: ConfigItem) {
    const c = item.configuration ?? {};
    const doc: JsonObject = {
      groupId: text(c.groupId) ?? item.resourceId,
      ipPermissions: list(c.ipPermissions).map(documentPermission),
      ipPermissionsEgress: list(c.ipPermissionsEgress).map(documentPermission),
      tags: item.tags,
    };
    for (const k of ["groupName", "description", "vpcId", "ownerId"]) if (text(c[k])) doc[k] = c[k];
    doc.groupName ??= item.resourceName;
    if (doc.groupName === undefined) delete doc.groupName;
    return doc;
  },
  /** Reads `DescribeSecurityGroups` (its one group): the API's IpRanges are Config's ipv4Ranges. */
  fromDescribe(described: Described) {
    const group = plainObject((plainObject(described.DescribeSecurityGroups).SecurityGroups as unknown[])?.[0]);
    const { tags: _tags, ...configuration } = camelKeys(group) as JsonObject;
    const inConfigForm = (p: unknown) => {
      const { ipRanges, ...rest } = isObject(p) ? p : {};
      return { ...rest, ipv4Ranges: ipRanges ?? [] };
    };
    configuration.ipPermissions = list(configuration.ipPermissions).map(inConfigForm);
    configuration.ipPermissionsEgress = list(configuration.ipPermissionsEgress).map(inConfigForm);
    return adapter.fromConfigItem(
      describedItem(described.ref, {
        configuration,
        tags: tagMap(group.Tags),
        resourceName: text(group.GroupName),
        arn: text(group.SecurityGroupArn),
      }),
    );
  },
  /** The group a call changed: `requestParameters.groupId` (CreateSecurityGroup: `responseElements.groupId`). */
  fromCloudTrail(record) {
    if (eventSourceOf(record) !== "ec2.amazonaws.com" || !GROUP_EVENTS.has(baseEventName(record))) return [];
    const id = requestValue(record, "groupId") ?? responseValue(record, "groupId");
    if (!id || !/^sg-[0-9a-f]+$/.test(id)) return [];
    const region = recordRegion(record);
    return [refFromRecord(record, adapter.type, id)].map((ref) => ({
      ...ref,
      arn: `arn:${partitionOf(region)}:ec2:${region}:${ref.accountId}:security-group/${id}`,
    }));
  },
  /**
   * AWS::EC2::SecurityGroup Properties (CloudFormation reference: GroupName, GroupDescription, VpcId,
   * SecurityGroupIngress and SecurityGroupEgress rules with IpProtocol, FromPort, ToPort, CidrIp, CidrIpv6,
   * SourceSecurityGroupId, Tags), and the AWS::EC2::SecurityGroupIngress resources whose GroupId names the group.
   */
  fromCloudFormation(src: CloudFormationSource) {
    const { resource: r } = src;
    const rule = (p: unknown): JsonObject => {
      const x = isObject(p) ? p : {};
      const out: JsonObject = {
        ipProtocol: typeof x.IpProtocol === "number" ? String(x.IpProtocol) : x.IpProtocol,
        ipv4Ranges: x.CidrIp === undefined ? [] : [{ cidrIp: x.CidrIp }],
        ipv6Ranges: x.CidrIpv6 === undefined ? [] : [{ cidrIpv6: x.CidrIpv6 }],
        prefixListIds: x.SourcePrefixListId === undefined ? [] : [{ prefixListId: x.SourcePrefixListId }],
        userIdGroupPairs: x.SourceSecurityGroupId === undefined ? [] : [{ groupId: x.SourceSecurityGroupId }],
      };
      const from = port(x.FromPort) ?? x.FromPort;
      const to = port(x.ToPort) ?? x.ToPort;
      if (from !== undefined) out.fromPort = from;
      if (to !== undefined) out.toPort = to;
      return out;
    };
    const inline = list(r.properties.SecurityGroupIngress).map((p, i) => ({
      p,
      at: `${r.pointer}/Properties/SecurityGroupIngress/${i}`,
    }));
    const attached = src
      .referencing("AWS::EC2::SecurityGroupIngress", "GroupId")
      .map((a) => ({ p: a.properties, at: `${a.pointer}/Properties` }));
    const doc: JsonObject = {
      groupId: deployTimeValue(src, "the security group id"),
      groupName: r.properties.GroupName ?? deployTimeValue(src, "the generated group name"),
      ipPermissions: [...inline, ...attached].map(({ p, at }, i) => {
        src.origin(`/ipPermissions/${i}`, at); // a verdict on a rule points at the rule in the template
        return rule(p);
      }),
      ipPermissionsEgress: list(r.properties.SecurityGroupEgress).map(rule),
      tags: templateTags(r.properties.Tags),
    };
    if (r.properties.GroupDescription !== undefined) doc.description = r.properties.GroupDescription;
    if (r.properties.VpcId !== undefined) doc.vpcId = r.properties.VpcId;
    return doc;
  },
};
