import { join } from "node:path";
import { loadPack } from "../../lib/pack";
import { planRemediation } from "../../lib/remediation/planning/plan";
import { requireAction } from "../../lib/remediation/planning/registry";
import { PlanError } from "../../lib/remediation/types";
import type { Resource } from "../../lib/resources/adapter";
import { adapter } from "../../lib/resources/types/aws-ec2-securitygroup";
import type { JsonObject } from "../../lib/util/json";
import { templateDoc } from "../helpers/adapter-sources";

/*
 * The security group actions (plans and restores, pure) and the policies that name them. Calls: Amazon EC2 API
 * Reference, RevokeSecurityGroupIngress and AuthorizeSecurityGroupIngress (IpPermissions with IpProtocol,
 * FromPort, ToPort, IpRanges [{CidrIp, Description}], Ipv6Ranges [{CidrIpv6, Description}]). moto runs the same
 * calls in test/integration/ec2.test.ts.
 */

const GROUP = "sg-0123456789abcdef0";
const revoke = requireAction("ec2-revoke-public-ingress");
const { policies } = loadPack({ policyPaths: [join(__dirname, "..", "..", "policies", "ec2")], builtin: false });
const policy = (id: string) => policies.find((p) => p.policy.id === id)!.policy;

function rule(ipProtocol: string, from: number | undefined, to: number | undefined, v4: string[], v6: string[] = []) {
  return {
    ipProtocol,
    ...(from === undefined ? {} : { fromPort: from }),
    ...(to === undefined ? {} : { toPort: to }),
    ipv4Ranges: v4.map((cidrIp) => (cidrIp === "0.0.0.0/0" ? { cidrIp, description: "temporary" } : { cidrIp })),
    ipv6Ranges: v6.map((cidrIpv6) => ({ cidrIpv6 })),
    prefixListIds: [],
    userIdGroupPairs: [],
  };
}

function group(ipPermissions: JsonObject[], id = GROUP): Resource {
  return {
    type: "AWS::EC2::SecurityGroup",
    id,
    region: "eu-west-1",
    accountId: "111122223333",
    tags: {},
    deleted: false,
    document: { groupId: id, groupName: "web", ipPermissions, ipPermissionsEgress: [], tags: {} },
  };
}

const mixed = group([
  rule("tcp", 22, 22, ["0.0.0.0/0", "10.0.0.0/8"], ["::/0"]),
  rule("tcp", 443, 443, ["0.0.0.0/0"], ["::/0"]),
  rule("tcp", 8000, 8100, ["0.0.0.0/0"]),
  rule("icmp", 8, -1, ["0.0.0.0/0"]),
  rule("-1", undefined, undefined, ["192.0.2.0/24"], ["::/0"]),
]);

describe("ec2-revoke-public-ingress", () => {
  test("ports: revokes exactly the public ranges of the rules reaching them, without descriptions", () => {
    expect(revoke.plan(mixed, { ports: [22] })).toEqual([
      {
        service: "ec2",
        operation: "RevokeSecurityGroupIngress",
        input: {
          GroupId: GROUP,
          IpPermissions: [
            { IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "0.0.0.0/0" }], Ipv6Ranges: [{ CidrIpv6: "::/0" }] }, // prettier-ignore
            { IpProtocol: "-1", Ipv6Ranges: [{ CidrIpv6: "::/0" }] },
          ],
        },
      },
    ]);
    // ICMP types are not ports; a range holding the port counts.
    const ops = revoke.plan(mixed, { ports: [8080] })[0]!.input as { IpPermissions: { FromPort?: number }[] };
    expect(ops.IpPermissions.map((p) => p.FromPort)).toEqual([8000, undefined]);
  });

  test("authorizedTcpPorts: every public rule but exactly one authorised TCP port goes", () => {
    const calls = revoke.plan(mixed, { authorizedTcpPorts: [443] });
    const ips = (calls[0]!.input as { IpPermissions: { IpProtocol: string; FromPort?: number }[] }).IpPermissions;
    expect(ips.map((p) => [p.IpProtocol, p.FromPort])).toEqual([
      ["tcp", 22],
      ["tcp", 8000],
      ["icmp", 8],
      ["-1", undefined],
    ]);
  });

  test("nothing public on the ports: no call; a fixed group plans nothing again", () => {
    expect(revoke.plan(group([rule("tcp", 22, 22, ["10.0.0.0/8"])]), { ports: [22] })).toEqual([]);
    expect(revoke.plan(group([]), { authorizedTcpPorts: [80, 443] })).toEqual([]);
  });

  test("restore authorises again what went, descriptions included, and nothing else", () => {
    const after = group([
      rule("tcp", 22, 22, ["10.0.0.0/8"]),
      rule("tcp", 443, 443, ["0.0.0.0/0"], ["::/0"]),
      rule("tcp", 8000, 8100, ["0.0.0.0/0"]),
      rule("icmp", 8, -1, ["0.0.0.0/0"]),
      rule("-1", undefined, undefined, ["192.0.2.0/24"]),
    ]);
    expect(revoke.restore(mixed, after, { ports: [22] })).toEqual([
      {
        service: "ec2",
        operation: "AuthorizeSecurityGroupIngress",
        input: {
          GroupId: GROUP,
          IpPermissions: [
            { IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "0.0.0.0/0", Description: "temporary" }], Ipv6Ranges: [{ CidrIpv6: "::/0" }] }, // prettier-ignore
            { IpProtocol: "-1", Ipv6Ranges: [{ CidrIpv6: "::/0" }] },
          ],
        },
      },
    ]);
    expect(revoke.restore(mixed, mixed, { ports: [22] })).toEqual([]);
  });

  test("refuses, naming the field: no group id, params missing or not ports", () => {
    const noId = { ...mixed, document: { ...mixed.document, groupId: undefined } };
    expect(() => revoke.plan(noId, { ports: [22] })).toThrow(PlanError);
    expect(() => revoke.plan(noId, { ports: [22] })).toThrow(/groupId/);
    expect(() => revoke.plan(mixed, {})).toThrow(/exactly one of ports and authorizedTcpPorts/);
    expect(() => revoke.plan(mixed, { ports: [22], authorizedTcpPorts: [443] })).toThrow(/exactly one/);
    expect(() => revoke.plan(mixed, { ports: ["22"] })).toThrow(/ports must be a list of port numbers/);
    expect(() => revoke.plan(mixed, { ports: [] })).toThrow(/ports must be a list/);
    expect(() => revoke.plan(mixed, { authorizedTcpPorts: [70000] })).toThrow(/authorizedTcpPorts must be/);
  });

  test("a malformed document plans nothing rather than throwing", () => {
    for (const ipPermissions of [[null, 7, "x"], [{ ipProtocol: "tcp", ipv4Ranges: "0.0.0.0/0" }]] as unknown[]) {
      expect(revoke.plan(group(ipPermissions as JsonObject[]), { ports: [22] })).toEqual([]);
    }
  });
});

describe("the security group policies plan what they judge", () => {
  const cases: [string, Resource, number][] = [
    ["ec2-security-group-no-public-ssh", mixed, 2],
    ["ec2-security-group-no-public-rdp", group([rule("tcp", 3389, 3389, ["0.0.0.0/0"])]), 1],
    ["ec2-security-group-no-public-high-risk-ports", group([rule("tcp", 5432, 5432, [], ["::/0"])]), 1],
    ["ec2-security-group-only-authorized-public-ports", mixed, 4],
  ];
  test.each(cases)("%s", (id, resource, rules) => {
    const planned = planRemediation(policy(id).remediation!, resource);
    expect(planned.calls.map((c) => c.operation)).toEqual(["RevokeSecurityGroupIngress"]);
    expect((planned.calls[0]!.input as { IpPermissions: unknown[] }).IpPermissions).toHaveLength(rules);
  });

  test("the default security group's policy only notifies", () => {
    const p = policy("ec2-default-security-group-no-rules");
    expect(p.remediation).toEqual({ action: "ec2-default-security-group-review", mode: "notify" });
    expect(requireAction(p.remediation!.action).notifyOnly).toBe(true);
  });

  test("a template's standalone ingress rule is judged with its group", () => {
    const yaml = [
      "Resources:",
      "  Web:",
      "    Type: AWS::EC2::SecurityGroup",
      "    Properties: { GroupDescription: web, VpcId: vpc-0a1b2c3d4e5f60718 }",
      "  WebSsh:",
      "    Type: AWS::EC2::SecurityGroupIngress",
      "    Properties: { GroupId: !Ref Web, IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0 }",
      "",
    ].join("\n");
    const document = templateDoc(adapter, yaml, "Web");
    const { engine } = loadPack({ policyPaths: [join(__dirname, "..", "..", "policies", "ec2")], builtin: false });
    const verdicts = engine.evaluate({ ...group([]), document });
    const ssh = verdicts.find((v) => v.policyId === "ec2-security-group-no-public-ssh");
    expect(ssh?.compliance).toBe("NON_COMPLIANT");
  });
});
