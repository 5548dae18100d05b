import type { IpPermission } from "@aws-sdk/client-ec2";
import { assertParams, requireString } from "../../lib/remediation/document";
import { awsCall, type RemediationAction, type RemediationParams } from "../../lib/remediation/types";
import type { Resource } from "../../lib/resources/adapter";
import { isObject, type JsonObject } from "../../lib/util/json";

const ANYWHERE_V4 = "0.0.0.0/0";
const ANYWHERE_V6 = "::/0";
/** Protocols whose rules name ports or ICMP types; any other protocol's rule opens all of it (IpPermission IpProtocol). */
const PORT_PROTOCOLS = new Set(["tcp", "udp"]);
const ICMP = new Set(["icmp", "icmpv6"]);

const objects = (v: unknown): JsonObject[] => (Array.isArray(v) ? v.filter(isObject) : []);
const ports = (v: unknown): number[] =>
  Array.isArray(v) ? v.filter((p): p is number => Number.isInteger(p) && p >= 0 && p <= 65535) : [];

/** Whether an inbound rule lets `port` in: all traffic, a protocol without ports, or TCP/UDP over a range holding it. */
function reaches(rule: JsonObject, port: number): boolean {
  const protocol = String(rule.ipProtocol ?? "");
  if (ICMP.has(protocol)) return false;
  if (!PORT_PROTOCOLS.has(protocol)) return true;
  return (
    typeof rule.fromPort === "number" && typeof rule.toPort === "number" && rule.fromPort <= port && rule.toPort >= port
  );
}

/** Whether a rule is exactly one authorised TCP port (FromPort = ToPort = that port). */
function authorised(rule: JsonObject, tcpPorts: number[]): boolean {
  return rule.ipProtocol === "tcp" && rule.fromPort === rule.toPort && tcpPorts.includes(rule.fromPort as number);
}

/** The rules the params select: those reaching one of `ports`, or those not among `authorizedTcpPorts`. */
function selected(rule: JsonObject, params: RemediationParams): boolean {
  if (Array.isArray(params.authorizedTcpPorts)) return !authorised(rule, ports(params.authorizedTcpPorts));
  return ports(params.ports).some((p) => reaches(rule, p));
}

/**
 * The public ranges (0.0.0.0/0, ::/0) of each selected inbound rule, as RevokeSecurityGroupIngress and
 * AuthorizeSecurityGroupIngress take them: the rule's protocol and ports, that range alone (Amazon EC2 API
 * Reference, RevokeSecurityGroupIngress: the values must match the existing rule's). Descriptions are kept for
 * a restore; a revoke matches without them.
 */
function publicRanges(resource: Resource, params: RemediationParams): IpPermission[] {
  return objects(resource.document.ipPermissions)
    .filter((rule) => selected(rule, params))
    .map((rule) => {
      const v4 = objects(rule.ipv4Ranges).filter((r) => r.cidrIp === ANYWHERE_V4);
      const v6 = objects(rule.ipv6Ranges).filter((r) => r.cidrIpv6 === ANYWHERE_V6);
      const described = (r: JsonObject) => (typeof r.description === "string" ? { Description: r.description } : {});
      const p: IpPermission = { IpProtocol: String(rule.ipProtocol) };
      if (rule.ipProtocol !== "-1" && typeof rule.fromPort === "number") p.FromPort = rule.fromPort;
      if (rule.ipProtocol !== "-1" && typeof rule.toPort === "number") p.ToPort = rule.toPort;
      if (v4.length > 0) p.IpRanges = v4.slice(0, 1).map((r) => ({ CidrIp: ANYWHERE_V4, ...described(r) }));
      if (v6.length > 0) p.Ipv6Ranges = v6.slice(0, 1).map((r) => ({ CidrIpv6: ANYWHERE_V6, ...described(r) }));
      return p;
    })
    .filter((p) => p.IpRanges || p.Ipv6Ranges);
}

const withoutDescriptions = (p: IpPermission): IpPermission => ({
  ...p,
  ...(p.IpRanges ? { IpRanges: p.IpRanges.map(({ CidrIp }) => ({ CidrIp })) } : {}),
  ...(p.Ipv6Ranges ? { Ipv6Ranges: p.Ipv6Ranges.map(({ CidrIpv6 }) => ({ CidrIpv6 })) } : {}),
});

const PORT = { type: "integer", minimum: 0, maximum: 65535 };

export const action: RemediationAction = {
  id: "ec2-revoke-public-ingress",
  resourceTypes: ["AWS::EC2::SecurityGroup"],
  description:
    "RevokeSecurityGroupIngress of exactly the 0.0.0.0/0 and ::/0 ranges of the inbound rules the params select: " +
    "with `ports`, the rules that let one of those ports in (TCP or UDP ranges holding it, all traffic, or a " +
    "protocol without ports); with `authorizedTcpPorts`, every rule that is not exactly one of those TCP ports. " +
    "Other ranges, sources and rules stay; nothing is widened or added. Clients that reached the group from the " +
    "internet on those ports lose access. Restore authorises the same ranges again (with their descriptions), " +
    "with the operator's credentials.",
  params: {
    type: "object",
    additionalProperties: false,
    properties: {
      ports: { type: "array", minItems: 1, items: PORT, description: "Ports no public range may reach." },
      authorizedTcpPorts: {
        type: "array",
        items: PORT,
        description: "The only TCP ports a public range may reach, each as a one-port rule.",
      },
    },
    oneOf: [{ required: ["ports"] }, { required: ["authorizedTcpPorts"] }],
  },
  checkParams(params) {
    const given = ["ports", "authorizedTcpPorts"].filter((k) => params[k] !== undefined);
    if (given.length !== 1) return ["give exactly one of ports and authorizedTcpPorts"];
    const key = given[0]!;
    const value = params[key];
    return Array.isArray(value) && ports(value).length === value.length && (key !== "ports" || value.length > 0)
      ? []
      : [`${key} must be a list of port numbers (0 to 65535)`];
  },
  plan(resource, params) {
    assertParams(action, params);
    const open = publicRanges(resource, params);
    if (open.length === 0) return [];
    const GroupId = requireString(action.id, resource, "groupId");
    return [awsCall("ec2", "RevokeSecurityGroupIngress", { GroupId, IpPermissions: open.map(withoutDescriptions) })];
  },
  /** Every public range `before` had and `after` lacks: what the fix revoked, whatever the params. */
  restore(before, after) {
    const all = { authorizedTcpPorts: [] };
    const stillOpen = new Set(publicRanges(after, all).map((p) => JSON.stringify(withoutDescriptions(p))));
    const revoked = publicRanges(before, all).filter((p) => !stillOpen.has(JSON.stringify(withoutDescriptions(p))));
    if (revoked.length === 0) return [];
    const GroupId = requireString(action.id, before, "groupId");
    return [awsCall("ec2", "AuthorizeSecurityGroupIngress", { GroupId, IpPermissions: revoked })];
  },
};
