import type { DescribeSecurityGroupsResult } from "@aws-sdk/client-ec2";
import type { Described, ResourceAdapter } from "../adapter";
import { deployTimeValue, templateTags, type CloudFormationSource } from "../../cloudformation/document";
import { UnknownValue } from "../../cloudformation/unknown";
import { camelKeys, describedItem, plainObject } from "../described";
import { tagMap } from "../config-item";
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
  responseElements,
  responseValue,
  type CloudTrailRecord,
} from "../../cloudtrail/record";

/**
 * EC2 security group. Config records DescribeSecurityGroups' SecurityGroup in camelCase (Config resource schema,
 * awslabs/aws-config-resource-schema AWS::EC2::SecurityGroup.properties.json; Amazon EC2 API Reference,
 * SecurityGroup and IpPermission). Each permission's IPv4 ranges appear as `ipv4Ranges` ({cidrIp, description}, the
 * API's IpRanges) and as `ipRanges` (the CIDRs alone; items recorded before ipv4Ranges existed have only these,
 * and ports of all-traffic rules as null). The document keeps one form, `ipv4Ranges`, built from either, and one
 * spelling of each protocol: EC2 takes a name or a number (IpPermission IpProtocol: tcp, udp, icmp, icmpv6, a
 * protocol number, -1 for all), so 6, 17, 1 and 58 become tcp, udp, icmp and icmpv6. resourceId is the group id.
 */
const rangeSchema = (cidr: string): JsonSchema => ({
  type: "array",
  items: { type: "object", properties: { [cidr]: { type: "string" }, description: { type: "string" } } },
});
const permission: JsonSchema = {
  type: "object",
  properties: {
    ipProtocol: {
      type: "string",
      description:
        "tcp, udp, icmp, icmpv6, -1 for all traffic, or another protocol's number (every port of that protocol).",
    },
    fromPort: { type: "integer", description: "Absent for all traffic; the ICMP type for icmp." },
    toPort: { type: "integer" },
    ipv4Ranges: rangeSchema("cidrIp"),
    ipv6Ranges: rangeSchema("cidrIpv6"),
    prefixListIds: { type: "array" },
    userIdGroupPairs: { type: "array" },
  },
  required: ["ipProtocol", "ipv4Ranges", "ipv6Ranges", "prefixListIds", "userIdGroupPairs"],
};

const PROTOCOL_NAMES: Record<string, string> = { "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6" };

/** EC2's spelling of a protocol: names in lower case, tcp/udp/icmp/icmpv6 numbers as their names. */
export function protocolName(v: unknown): string {
  const s = typeof v === "number" ? String(v) : typeof v === "string" ? v.trim().toLowerCase() : "";
  return PROTOCOL_NAMES[s] ?? s;
}

const text = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const port = (v: unknown): number | undefined =>
  typeof v === "number" && Number.isInteger(v)
    ? v
    : typeof v === "string" && /^-?\d{1,5}$/.test(v.trim())
      ? Number(v)
      : undefined;
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
    ipProtocol: protocolName(r.ipProtocol),
    ipv4Ranges: v4,
    ipv6Ranges: list(r.ipv6Ranges).filter(isObject),
    prefixListIds: list(r.prefixListIds).filter(isObject),
    userIdGroupPairs: list(r.userIdGroupPairs).filter(isObject),
  };
  const from = port(r.fromPort);
  const to = port(r.toPort);
  // All traffic has no ports; the API reports none and old items null (-1 where a caller gave it).
  if (out.ipProtocol !== "-1") {
    if (from !== undefined) out.fromPort = from;
    if (to !== undefined) out.toPort = to;
  }
  return out;
}

const GROUP_ID = /^sg-[0-9a-f]{8,17}$/;

const GROUP_EVENTS = new Set([
  "CreateSecurityGroup",
  "DeleteSecurityGroup",
  "AuthorizeSecurityGroupIngress",
  "RevokeSecurityGroupIngress",
  "AuthorizeSecurityGroupEgress",
  "RevokeSecurityGroupEgress",
  "ModifySecurityGroupRules",
  "UpdateSecurityGroupRuleDescriptionsIngress",
  "UpdateSecurityGroupRuleDescriptionsEgress",
]);

/** The first string `key` of an object or of a one-or-many list of objects (EC2's query records give either). */
function firstOf(v: unknown, key: string): string | undefined {
  for (const x of Array.isArray(v) ? v : [v]) if (isObject(x) && text(x[key])) return x[key] as string;
  return undefined;
}

/**
 * The group a CloudTrail record of an EC2 call names: `requestParameters.groupId` (AuthorizeSecurityGroupIngress
 * and the other rule calls), `requestParameters.ModifySecurityGroupRulesRequest.GroupId` (ModifySecurityGroupRules
 * records its request under the request's name), `responseElements.groupId` (CreateSecurityGroup), or the group of
 * the rules a call answered with (`responseElements.securityGroupRuleSet.items[].groupId`). A call that names the
 * group by name alone (EC2-Classic, default VPC) names no id: nothing.
 */
export function groupIdOfRecord(record: CloudTrailRecord): string | undefined {
  const modify = requestParameters(record).ModifySecurityGroupRulesRequest;
  const ruleSet = responseElements(record).securityGroupRuleSet;
  return (
    requestValue(record, "groupId") ??
    (isObject(modify) ? text(modify.GroupId) : undefined) ??
    responseValue(record, "groupId") ??
    (isObject(ruleSet) ? firstOf(ruleSet.items, "groupId") : undefined)
  );
}

/** A CloudFormation rule property: a number, a numeric string, or an unknown value kept as it is. */
function templatePort(v: unknown): unknown {
  return v instanceof UnknownValue ? v : port(v);
}

/**
 * A SecurityGroupIngress / SecurityGroupEgress rule (CloudFormation reference, AWS::EC2::SecurityGroup Ingress and
 * Egress, and the standalone AWS::EC2::SecurityGroupIngress / Egress) as a permission: one source (CidrIp,
 * CidrIpv6, a prefix list or a group) per rule, its Description on that source.
 */
function templatePermission(p: unknown, egress: boolean): JsonObject {
  const x = isObject(p) ? p : {};
  const description = x.Description === undefined ? {} : { description: x.Description };
  const prefixList = egress ? x.DestinationPrefixListId : x.SourcePrefixListId;
  const group = egress ? x.DestinationSecurityGroupId : x.SourceSecurityGroupId;
  const protocol =
    x.IpProtocol instanceof UnknownValue || x.IpProtocol === undefined ? x.IpProtocol : protocolName(x.IpProtocol);
  const out: JsonObject = {
    ipProtocol: protocol,
    ipv4Ranges: x.CidrIp === undefined ? [] : [{ cidrIp: x.CidrIp, ...description }],
    ipv6Ranges: x.CidrIpv6 === undefined ? [] : [{ cidrIpv6: x.CidrIpv6, ...description }],
    prefixListIds: prefixList === undefined ? [] : [{ prefixListId: prefixList, ...description }],
    userIdGroupPairs:
      group === undefined && x.SourceSecurityGroupName === undefined
        ? []
        : [
            {
              ...(group === undefined ? {} : { groupId: group }),
              ...(x.SourceSecurityGroupName === undefined ? {} : { groupName: x.SourceSecurityGroupName }),
              ...(x.SourceSecurityGroupOwnerId === undefined ? {} : { userId: x.SourceSecurityGroupOwnerId }),
              ...description,
            },
          ],
  };
  if (protocol !== "-1") {
    const from = templatePort(x.FromPort);
    const to = templatePort(x.ToPort);
    if (from !== undefined) out.fromPort = from;
    if (to !== undefined) out.toPort = to;
  }
  return out;
}

/**
 * The egress rule EC2 adds to every new VPC security group, all traffic to 0.0.0.0/0 (Amazon VPC User Guide,
 * "Default security group rules"): what a template that declares no SecurityGroupEgress gets.
 */
const DEFAULT_EGRESS: JsonObject = {
  ipProtocol: "-1",
  ipv4Ranges: [{ cidrIp: "0.0.0.0/0" }],
  ipv6Ranges: [],
  prefixListIds: [],
  userIdGroupPairs: [],
};

export const adapter: ResourceAdapter = {
  type: "AWS::EC2::SecurityGroup",
  service: "ec2",
  nameField: "groupName",
  arn: (ref) =>
    GROUP_ID.test(ref.id)
      ? `arn:${partitionOf(ref.region)}:ec2:${ref.region}:${ref.accountId}:security-group/${ref.id}`
      : undefined,
  cloudFormation: { attachments: ["AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress"] },
  resourceIdPattern: GROUP_ID,
  documentSchema: {
    type: "object",
    properties: {
      groupId: { type: "string" },
      groupName: { type: "string", description: '"default" for a VPC\'s default security group.' },
      description: { type: "string" },
      vpcId: { type: "string" },
      ownerId: { type: "string" },
      ipPermissions: { type: "array", items: permission, description: "Inbound rules." },
      ipPermissionsEgress: { type: "array", items: permission, description: "Outbound rules." },
      tags: tagsSchema,
    },
    required: ["groupId", "ipPermissions", "ipPermissionsEgress", "tags"],
  },
  fromConfigItem(item) {
    const c = item.configuration ?? {};
    const doc: JsonObject = {
      groupId: text(c.groupId) ?? item.resourceId,
      ipPermissions: list(c.ipPermissions).map(documentPermission),
      ipPermissionsEgress: list(c.ipPermissionsEgress).map(documentPermission),
      tags: item.tags,
    };
    const name = text(c.groupName) ?? text(item.resourceName);
    if (name !== undefined) doc.groupName = name;
    for (const k of ["description", "vpcId", "ownerId"]) if (text(c[k])) doc[k] = c[k];
    return doc;
  },
  /** Reads DescribeSecurityGroups' one group: the API's IpRanges are Config's ipv4Ranges. */
  fromDescribe(described: Described & { DescribeSecurityGroups: DescribeSecurityGroupsResult }) {
    const group = plainObject(list(plainObject(described.DescribeSecurityGroups).SecurityGroups)[0]);
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
  fromCloudTrail(record) {
    if (eventSourceOf(record) !== "ec2.amazonaws.com" || !GROUP_EVENTS.has(baseEventName(record))) return [];
    const id = groupIdOfRecord(record);
    if (!id || !GROUP_ID.test(id)) return [];
    const ref = refFromRecord(record, adapter.type, id);
    const region = recordRegion(record);
    return [{ ...ref, arn: `arn:${partitionOf(region)}:ec2:${region}:${ref.accountId}:security-group/${id}` }];
  },
  /**
   * AWS::EC2::SecurityGroup Properties (CloudFormation reference: GroupName, GroupDescription, VpcId,
   * SecurityGroupIngress, SecurityGroupEgress, Tags), with the standalone AWS::EC2::SecurityGroupIngress and
   * AWS::EC2::SecurityGroupEgress resources whose GroupId names the group. A verdict on a rule points at the rule.
   */
  fromCloudFormation(src: CloudFormationSource) {
    const { resource: r } = src;
    const rules = (inlineKey: string, attachedType: string, egress: boolean, docKey: string) => {
      const inline = list(r.properties[inlineKey]).map((p, i) => ({
        p,
        at: `${r.pointer}/Properties/${inlineKey}/${i}`,
      }));
      const attached = src
        .referencing(attachedType, "GroupId")
        .map((a) => ({ p: a.properties, at: `${a.pointer}/Properties` }));
      return [...inline, ...attached].map(({ p, at }, i) => {
        src.origin(`/${docKey}/${i}`, at);
        return templatePermission(p, egress);
      });
    };
    const egress = rules("SecurityGroupEgress", "AWS::EC2::SecurityGroupEgress", true, "ipPermissionsEgress");
    const doc: JsonObject = {
      groupId: deployTimeValue(src, "the security group id"),
      groupName: r.properties.GroupName ?? deployTimeValue(src, "the generated group name"),
      ipPermissions: rules("SecurityGroupIngress", "AWS::EC2::SecurityGroupIngress", false, "ipPermissions"),
      ipPermissionsEgress: egress.length > 0 ? egress : [{ ...DEFAULT_EGRESS }],
      tags: templateTags(r.properties.Tags),
    };
    if (r.properties.GroupDescription !== undefined) doc.description = r.properties.GroupDescription;
    if (r.properties.VpcId !== undefined) doc.vpcId = r.properties.VpcId;
    return doc;
  },
};
