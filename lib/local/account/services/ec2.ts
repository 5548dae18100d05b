import type { ConfigItem } from "../../../resources/config-item";
import { isObject, type JsonObject } from "../../../util/json";
import { copy, fail, type Operation, type OperationContext, type ServiceEmulation } from "./types";

/**
 * EC2 security groups and their inbound rules, over the groups' Config items (the configuration Config records:
 * DescribeSecurityGroups' SecurityGroup in camelCase, IPv4 ranges both as `ipv4Ranges` and as `ipRanges`; Config
 * resource schema AWS::EC2::SecurityGroup). Semantics and errors from the Amazon EC2 API Reference
 * (DescribeSecurityGroups, AuthorizeSecurityGroupIngress, RevokeSecurityGroupIngress; "Error codes for the Amazon
 * EC2 API"): a group that does not exist is InvalidGroup.NotFound, a malformed id InvalidGroupId.Malformed, a rule
 * authorised twice InvalidPermission.Duplicate, a rule revoked that is not there InvalidPermission.NotFound; a call
 * that fails changes nothing. Rules of one protocol and port range are one IpPermission holding every source.
 * CloudTrail writes EC2's calls in its query form: lists as `{items: [...]}` (empty: `{}`), `_return` for Return.
 */

const SERVICE = "EC2";
const GROUP = "AWS::EC2::SecurityGroup";
const GROUP_ID = /^sg-[0-9a-f]{8,17}$/;
const PROTOCOL_NAMES: Record<string, string> = { "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6" };

type Source = { kind: "v4"; cidr: string } | { kind: "v6"; cidr: string } | { kind: "group"; id: string } | { kind: "prefix"; id: string }; // prettier-ignore

/** One rule: protocol, ports, one source and its description. */
interface Rule {
  protocol: string;
  from?: number;
  to?: number;
  source: Source;
  description?: string;
}

const list = (v: unknown): JsonObject[] => (Array.isArray(v) ? v.filter(isObject) : []);
const text = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const int = (v: unknown): number | undefined => (typeof v === "number" && Number.isInteger(v) ? v : undefined);

function protocolOf(v: unknown): string {
  const s = typeof v === "number" ? String(v) : typeof v === "string" ? v.trim().toLowerCase() : "";
  return PROTOCOL_NAMES[s] ?? s;
}

function sourceKey(s: Source): string {
  return s.kind === "v4" || s.kind === "v6" ? `${s.kind}:${s.cidr}` : `${s.kind}:${s.id}`;
}

function ruleKey(r: Rule): string {
  return `${r.protocol}|${r.from ?? ""}|${r.to ?? ""}|${sourceKey(r.source)}`;
}

/** "peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW", as EC2 names a rule in its messages. */
function ruleText(r: Rule): string {
  const peer = r.source.kind === "v4" || r.source.kind === "v6" ? r.source.cidr : r.source.id;
  const protocol = r.protocol === "-1" ? "ALL" : r.protocol.toUpperCase();
  const ports = r.protocol === "-1" ? "" : `, from port: ${r.from ?? ""}, to port: ${r.to ?? ""}`;
  return `peer: ${peer}, ${protocol}${ports}, ALLOW`;
}

function group(ctx: OperationContext, input: JsonObject): ConfigItem {
  const id = input.GroupId;
  if (typeof id === "string") {
    if (!GROUP_ID.test(id)) fail(SERVICE, "InvalidGroupId.Malformed", `Invalid id: "${id}" (expecting "sg-...")`);
    return (
      ctx.store.get(GROUP, ctx.accountId, ctx.region, id) ??
      fail(SERVICE, "InvalidGroup.NotFound", `The security group '${id}' does not exist`)
    );
  }
  const name = text(input.GroupName);
  if (!name) fail(SERVICE, "MissingParameter", "The request must contain the parameter groupName or groupId");
  const byName = ctx.store
    .list({ resourceType: GROUP, accountId: ctx.accountId, region: ctx.region })
    .find((i) => i.configuration?.groupName === name);
  return byName ?? fail(SERVICE, "InvalidGroup.NotFound", `The security group '${name}' does not exist in default VPC`);
}

/** The rules of a recorded permission list (either IPv4 form). */
function recordedRules(permissions: unknown): Rule[] {
  const out: Rule[] = [];
  for (const p of list(permissions)) {
    const base = { protocol: protocolOf(p.ipProtocol), from: int(p.fromPort), to: int(p.toPort) };
    if (base.protocol === "-1") Object.assign(base, { from: undefined, to: undefined });
    const v4 = Array.isArray(p.ipv4Ranges)
      ? list(p.ipv4Ranges)
      : (Array.isArray(p.ipRanges) ? p.ipRanges : [])
          .filter((c) => typeof c === "string")
          .map((cidrIp) => ({ cidrIp }));
    const described = (x: JsonObject) => (text(x.description) ? { description: x.description as string } : {});
    for (const r of v4) if (text(r.cidrIp)) out.push({ ...base, source: { kind: "v4", cidr: r.cidrIp as string }, ...described(r) }); // prettier-ignore
    for (const r of list(p.ipv6Ranges)) if (text(r.cidrIpv6)) out.push({ ...base, source: { kind: "v6", cidr: r.cidrIpv6 as string }, ...described(r) }); // prettier-ignore
    for (const g of list(p.userIdGroupPairs)) if (text(g.groupId)) out.push({ ...base, source: { kind: "group", id: g.groupId as string }, ...described(g) }); // prettier-ignore
    for (const l of list(p.prefixListIds)) if (text(l.prefixListId)) out.push({ ...base, source: { kind: "prefix", id: l.prefixListId as string }, ...described(l) }); // prettier-ignore
  }
  return out;
}

/** Rules back into Config's permission list: one permission per protocol and port range, sources in order. */
function recordedPermissions(rules: Rule[], ownerId: string): JsonObject[] {
  const byRange = new Map<string, JsonObject>();
  for (const r of rules) {
    const key = `${r.protocol}|${r.from ?? ""}|${r.to ?? ""}`;
    let p = byRange.get(key);
    if (!p) {
      p = {
        ipProtocol: r.protocol,
        ...(r.protocol === "-1" ? {} : { fromPort: r.from, toPort: r.to }),
        userIdGroupPairs: [],
        ipv6Ranges: [],
        prefixListIds: [],
        ipRanges: [],
        ipv4Ranges: [],
      };
      byRange.set(key, p);
    }
    const d = r.description ? { description: r.description } : {};
    const s = r.source;
    if (s.kind === "v4") {
      (p.ipRanges as string[]).push(s.cidr);
      (p.ipv4Ranges as JsonObject[]).push({ cidrIp: s.cidr, ...d });
    } else if (s.kind === "v6") (p.ipv6Ranges as JsonObject[]).push({ cidrIpv6: s.cidr, ...d });
    else if (s.kind === "group") (p.userIdGroupPairs as JsonObject[]).push({ userId: ownerId, groupId: s.id, ...d });
    else (p.prefixListIds as JsonObject[]).push({ prefixListId: s.id, ...d });
  }
  return [...byRange.values()];
}

/** The rules a request names: IpPermissions, or the flat CidrIp/IpProtocol/FromPort/ToPort form. */
function requestedRules(input: JsonObject): Rule[] {
  const permissions = Array.isArray(input.IpPermissions)
    ? list(input.IpPermissions)
    : input.CidrIp !== undefined || input.IpProtocol !== undefined
      ? [
          {
            IpProtocol: input.IpProtocol,
            FromPort: input.FromPort,
            ToPort: input.ToPort,
            IpRanges: input.CidrIp === undefined ? [] : [{ CidrIp: input.CidrIp }],
          },
        ]
      : [];
  if (permissions.length === 0) {
    fail(SERVICE, "MissingParameter", "The request must contain the parameter ipPermissions");
  }
  const out: Rule[] = [];
  for (const p of permissions) {
    const protocol = protocolOf(p.IpProtocol);
    if (protocol === "") fail(SERVICE, "MissingParameter", "The request must contain the parameter ipProtocol");
    const ports = protocol === "-1" ? {} : { from: int(p.FromPort), to: int(p.ToPort) };
    if ((protocol === "tcp" || protocol === "udp") && (ports.from === undefined || ports.to === undefined)) {
      fail(SERVICE, "InvalidParameterValue", `Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange`); // prettier-ignore
    }
    const described = (x: JsonObject) => (text(x.Description) ? { description: x.Description as string } : {});
    const before = out.length;
    for (const r of list(p.IpRanges)) if (text(r.CidrIp)) out.push({ protocol, ...ports, source: { kind: "v4", cidr: r.CidrIp as string }, ...described(r) }); // prettier-ignore
    for (const r of list(p.Ipv6Ranges)) if (text(r.CidrIpv6)) out.push({ protocol, ...ports, source: { kind: "v6", cidr: r.CidrIpv6 as string }, ...described(r) }); // prettier-ignore
    for (const g of list(p.UserIdGroupPairs)) if (text(g.GroupId)) out.push({ protocol, ...ports, source: { kind: "group", id: g.GroupId as string }, ...described(g) }); // prettier-ignore
    for (const l of list(p.PrefixListIds)) if (text(l.PrefixListId)) out.push({ protocol, ...ports, source: { kind: "prefix", id: l.PrefixListId as string }, ...described(l) }); // prettier-ignore
    if (out.length === before) {
      fail(SERVICE, "MissingParameter", "The request must contain at least one source: a CIDR, a prefix list or a group"); // prettier-ignore
    }
  }
  return out;
}

/** A recorded group as DescribeSecurityGroups answers it (PascalCase; EC2 omits empty Tags). */
function describedGroup(item: ConfigItem): JsonObject {
  const c = item.configuration ?? {};
  const permissions = (v: unknown) =>
    recordedPermissions(recordedRules(v), String(c.ownerId ?? item.accountId)).map((p) => ({
      IpProtocol: p.ipProtocol,
      ...(p.ipProtocol === "-1" ? {} : { FromPort: p.fromPort, ToPort: p.toPort }),
      IpRanges: (p.ipv4Ranges as JsonObject[]).map((r) => ({ CidrIp: r.cidrIp, ...(r.description ? { Description: r.description } : {}) })), // prettier-ignore
      Ipv6Ranges: (p.ipv6Ranges as JsonObject[]).map((r) => ({ CidrIpv6: r.cidrIpv6, ...(r.description ? { Description: r.description } : {}) })), // prettier-ignore
      PrefixListIds: (p.prefixListIds as JsonObject[]).map((r) => ({ PrefixListId: r.prefixListId, ...(r.description ? { Description: r.description } : {}) })), // prettier-ignore
      UserIdGroupPairs: (p.userIdGroupPairs as JsonObject[]).map((r) => ({ UserId: r.userId, GroupId: r.groupId, ...(r.description ? { Description: r.description } : {}) })), // prettier-ignore
    }));
  const tags = Object.entries(item.tags).map(([Key, Value]) => ({ Key, Value }));
  return {
    GroupId: c.groupId ?? item.resourceId,
    GroupName: c.groupName ?? item.resourceName,
    Description: c.description,
    OwnerId: c.ownerId ?? item.accountId,
    ...(c.vpcId === undefined ? {} : { VpcId: c.vpcId }),
    SecurityGroupArn: item.arn ?? `arn:aws:ec2:${item.region}:${item.accountId}:security-group/${item.resourceId}`,
    IpPermissions: permissions(c.ipPermissions),
    IpPermissionsEgress: permissions(c.ipPermissionsEgress),
    ...(tags.length > 0 ? { Tags: tags } : {}),
  };
}

/** An EC2 query list as CloudTrail writes it: `{items: [...]}`, or `{}` when empty. */
const items = (v: unknown[]): JsonObject => (v.length > 0 ? { items: v } : {});

/** `requestParameters` of AuthorizeSecurityGroupIngress / RevokeSecurityGroupIngress as CloudTrail writes them. */
function ruleRequest(input: JsonObject): JsonObject {
  const d = (x: JsonObject) => (text(x.Description) ? { description: x.Description } : {});
  const out: JsonObject = {};
  if (input.GroupId !== undefined) out.groupId = input.GroupId;
  if (input.GroupName !== undefined) out.groupName = input.GroupName;
  out.ipPermissions = items(
    list(input.IpPermissions).map((p) => ({
      ipProtocol: p.IpProtocol,
      ...(p.FromPort === undefined ? {} : { fromPort: p.FromPort }),
      ...(p.ToPort === undefined ? {} : { toPort: p.ToPort }),
      groups: items(list(p.UserIdGroupPairs).map((g) => ({ groupId: g.GroupId, ...d(g) }))),
      ipRanges: items(list(p.IpRanges).map((r) => ({ cidrIp: r.CidrIp, ...d(r) }))),
      ipv6Ranges: items(list(p.Ipv6Ranges).map((r) => ({ cidrIpv6: r.CidrIpv6, ...d(r) }))),
      prefixListIds: items(list(p.PrefixListIds).map((l) => ({ prefixListId: l.PrefixListId, ...d(l) }))),
    })),
  );
  if (input.CidrIp !== undefined) out.cidrIp = input.CidrIp;
  return out;
}

function changeRules(ctx: OperationContext, item: ConfigItem, rules: Rule[]): void {
  ctx.save(item, (draft) => {
    const c = { ...(draft.configuration ?? {}) };
    c.ipPermissions = recordedPermissions(rules, String(c.ownerId ?? draft.accountId));
    draft.configuration = c;
  });
}

const authorize: Operation = {
  readOnly: false,
  serve(input, ctx) {
    const item = group(ctx, input);
    const current = recordedRules(item.configuration?.ipPermissions);
    const known = new Set(current.map(ruleKey));
    const added = requestedRules(input);
    for (const r of added) {
      if (known.has(ruleKey(r))) {
        fail(SERVICE, "InvalidPermission.Duplicate", `the specified rule "${ruleText(r)}" already exists`);
      }
      known.add(ruleKey(r));
    }
    changeRules(ctx, item, [...current, ...added]);
    const GroupId = item.configuration?.groupId ?? item.resourceId;
    return {
      Return: true,
      SecurityGroupRules: added.map((r) => ({
        SecurityGroupRuleId: `sgr-${ctx
          .nextId("sgr")
          .replace(/[^0-9a-f]/g, "")
          .padStart(17, "0")
          .slice(-17)}`,
        GroupId,
        GroupOwnerId: item.accountId,
        IsEgress: false,
        IpProtocol: r.protocol,
        FromPort: r.from ?? -1,
        ToPort: r.to ?? -1,
        ...(r.source.kind === "v4" ? { CidrIpv4: r.source.cidr } : {}),
        ...(r.source.kind === "v6" ? { CidrIpv6: r.source.cidr } : {}),
        ...(r.source.kind === "prefix" ? { PrefixListId: r.source.id } : {}),
        ...(r.source.kind === "group" ? { ReferencedGroupInfo: { GroupId: r.source.id, UserId: item.accountId } } : {}),
        ...(r.description ? { Description: r.description } : {}),
      })),
    };
  },
  request: ruleRequest,
  response(output) {
    const rules = list(output.SecurityGroupRules).map((r) => {
      const out: JsonObject = {};
      for (const [k, v] of Object.entries(r)) out[k.charAt(0).toLowerCase() + k.slice(1)] = v;
      return out;
    });
    return { _return: true, securityGroupRuleSet: items(rules) };
  },
};

const revoke: Operation = {
  readOnly: false,
  serve(input, ctx) {
    const item = group(ctx, input);
    const current = recordedRules(item.configuration?.ipPermissions);
    const gone = new Set<string>();
    for (const r of requestedRules(input)) {
      if (!current.some((c) => ruleKey(c) === ruleKey(r))) {
        fail(SERVICE, "InvalidPermission.NotFound", "The specified rule does not exist in this security group.");
      }
      gone.add(ruleKey(r));
    }
    changeRules(
      ctx,
      item,
      current.filter((c) => !gone.has(ruleKey(c))),
    );
    return { Return: true };
  },
  request: ruleRequest,
  response: () => ({ _return: true }),
};

const describe: Operation = {
  readOnly: true,
  serve(input, ctx) {
    const ids = Array.isArray(input.GroupIds) ? (input.GroupIds as unknown[]) : [];
    const names = Array.isArray(input.GroupNames) ? (input.GroupNames as unknown[]) : [];
    const found: ConfigItem[] = [];
    for (const id of ids) found.push(group(ctx, { GroupId: id }));
    for (const name of names) found.push(group(ctx, { GroupName: name }));
    const all =
      ids.length + names.length > 0
        ? found
        : ctx.store.list({ resourceType: GROUP, accountId: ctx.accountId, region: ctx.region });
    return { SecurityGroups: copy(all.map(describedGroup)) };
  },
  request: (input) => ({
    securityGroupSet: items(list((input.GroupNames as unknown[] | undefined)?.map((groupName) => ({ groupName })))),
    securityGroupIdSet: items(list((input.GroupIds as unknown[] | undefined)?.map((groupId) => ({ groupId })))),
    filterSet: {},
  }),
  response: () => null,
};

export const emulation: ServiceEmulation = {
  serviceId: SERVICE,
  scenarios: true,
  operations: {
    DescribeSecurityGroups: describe,
    AuthorizeSecurityGroupIngress: authorize,
    RevokeSecurityGroupIngress: revoke,
  },
};
