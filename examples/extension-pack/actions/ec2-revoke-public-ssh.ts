import { callsTo, isObject, PlanError, type AwsCall, type RemediationAction, type Resource } from "guardrail";
import type * as ec2Module from "../services/ec2";

const ec2 = callsTo<typeof ec2Module>("ec2");

const ANYWHERE_V4 = "0.0.0.0/0";
const ANYWHERE_V6 = "::/0";
const list = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter(isObject) : []);

/** Whether an inbound rule lets port 22 in: all traffic, or TCP over a range holding 22. */
function reachesSsh(p: Record<string, unknown>): boolean {
  if (p.ipProtocol === "-1") return true;
  if (p.ipProtocol !== "tcp" && p.ipProtocol !== "6") return false;
  return typeof p.fromPort === "number" && typeof p.toPort === "number" && p.fromPort <= 22 && p.toPort >= 22;
}

/** The open ranges of each SSH-reaching rule, as the IpPermissions of RevokeSecurityGroupIngress. */
function openSsh(resource: Resource) {
  return list(resource.document.ipPermissions)
    .filter(reachesSsh)
    .map((p) => ({
      IpProtocol: String(p.ipProtocol),
      ...(typeof p.fromPort === "number" ? { FromPort: p.fromPort } : {}),
      ...(typeof p.toPort === "number" ? { ToPort: p.toPort } : {}),
      IpRanges: list(p.ipv4Ranges)
        .filter((r) => r.cidrIp === ANYWHERE_V4)
        .map((r) => ({
          CidrIp: ANYWHERE_V4,
          ...(typeof r.description === "string" ? { Description: r.description } : {}),
        })),
      Ipv6Ranges: list(p.ipv6Ranges)
        .filter((r) => r.cidrIpv6 === ANYWHERE_V6)
        .map((r) => ({
          CidrIpv6: ANYWHERE_V6,
          ...(typeof r.description === "string" ? { Description: r.description } : {}),
        })),
    }))
    .filter((p) => p.IpRanges.length > 0 || p.Ipv6Ranges.length > 0);
}

function groupId(resource: Resource): string {
  if (!/^sg-[0-9a-f]+$/.test(resource.id)) throw new PlanError(action.id, `${resource.id} is not a security group id`);
  return resource.id;
}

/**
 * Revokes exactly the 0.0.0.0/0 and ::/0 ranges of the inbound rules that reach port 22, leaving every other range
 * and rule as it is; restore authorises again what the fix revoked.
 */
export const action: RemediationAction = {
  id: "ec2-revoke-public-ssh",
  resourceTypes: ["AWS::EC2::SecurityGroup"],
  description:
    "RevokeSecurityGroupIngress of the 0.0.0.0/0 and ::/0 ranges of inbound rules that reach port 22; other ranges " +
    "and rules stay. Restore: AuthorizeSecurityGroupIngress of the same ranges.",
  plan(resource): AwsCall[] {
    const open = openSsh(resource);
    return open.length === 0
      ? []
      : [ec2("RevokeSecurityGroupIngress", { GroupId: groupId(resource), IpPermissions: open })];
  },
  restore(before, after): AwsCall[] {
    const stillOpen = new Set(openSsh(after).map((p) => JSON.stringify(p)));
    const revoked = openSsh(before).filter((p) => !stillOpen.has(JSON.stringify(p)));
    return revoked.length === 0
      ? []
      : [ec2("AuthorizeSecurityGroupIngress", { GroupId: groupId(before), IpPermissions: revoked })];
  },
};
