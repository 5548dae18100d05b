import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
} from "@aws-sdk/client-ec2";
import { join } from "node:path";
import { resetClients } from "../../lib/aws/clients";
import { loadPack } from "../../lib/pack";
import { execute } from "../../lib/remediation/executor";
import { planRemediation } from "../../lib/remediation/planning/plan";
import { describeResource } from "../../lib/resources/describe";
import { listers } from "../../lib/resources/list";
import { useMoto, MOTO_ACCOUNT, MOTO_REGION } from "./moto";

/*
 * Security groups against moto: the describe, the policies' verdicts on what it returns, the revoke of exactly the
 * public ranges, and the restore that authorises them again (Amazon EC2 API Reference: DescribeSecurityGroups,
 * RevokeSecurityGroupIngress, AuthorizeSecurityGroupIngress).
 */

const moto = useMoto();
const { engine, policies } = loadPack({ policyPaths: [join(__dirname, "..", "..", "policies", "ec2")], builtin: false }); // prettier-ignore
const policy = (id: string) => policies.find((p) => p.policy.id === id)!.policy;

let ec2: EC2Client;
beforeEach(() => {
  resetClients();
  ec2 = new EC2Client(moto.config());
});

async function openGroup(
  name: string,
  IpPermissions: NonNullable<AuthorizeSecurityGroupIngressCommand["input"]["IpPermissions"]>,
) {
  const { GroupId } = await ec2.send(new CreateSecurityGroupCommand({ GroupName: name, Description: name }));
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId, IpPermissions }));
  return GroupId!;
}

/** Each inbound rule as port:range, sorted. */
async function inbound(GroupId: string): Promise<string[]> {
  const out = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [GroupId] }));
  return (out.SecurityGroups?.[0]?.IpPermissions ?? [])
    .flatMap((p) => [
      ...(p.IpRanges ?? []).map(
        (r) => `${p.IpProtocol}:${p.FromPort ?? ""}:${r.CidrIp}${r.Description ? `(${r.Description})` : ""}`,
      ),
      ...(p.Ipv6Ranges ?? []).map((r) => `${p.IpProtocol}:${p.FromPort ?? ""}:${r.CidrIpv6}`),
    ])
    .sort();
}

const refOf = (id: string) => ({ type: "AWS::EC2::SecurityGroup", id, region: MOTO_REGION, accountId: MOTO_ACCOUNT });
const verdict = (doc: Awaited<ReturnType<typeof describeResource>>, id: string) =>
  engine.evaluate(doc!).find((v) => v.policyId === id)?.compliance;

test("SSH open to the internet: describe, judge, revoke the public ranges only, verify; restore authorises them again", async () => {
  const GroupId = await openGroup("bastion", [
    {
      IpProtocol: "tcp",
      FromPort: 22,
      ToPort: 22,
      IpRanges: [{ CidrIp: "0.0.0.0/0", Description: "temporary" }, { CidrIp: "10.0.0.0/8" }],
      Ipv6Ranges: [{ CidrIpv6: "::/0" }],
    },
    { IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
  ]);
  const before = await describeResource(refOf(GroupId));
  expect(before?.document.groupName).toBe("bastion");
  expect(verdict(before, "ec2-security-group-no-public-ssh")).toBe("NON_COMPLIANT");
  expect(verdict(before, "ec2-security-group-only-authorized-public-ports")).toBe("NON_COMPLIANT");

  const planned = planRemediation(policy("ec2-security-group-no-public-ssh").remediation!, before!);
  expect((await execute(planned.calls, { region: MOTO_REGION })).ok).toBe(true);
  const after = await describeResource(refOf(GroupId));
  expect(verdict(after, "ec2-security-group-no-public-ssh")).toBe("COMPLIANT");
  expect(verdict(after, "ec2-security-group-only-authorized-public-ports")).toBe("COMPLIANT");
  expect(await inbound(GroupId)).toEqual(["tcp:22:10.0.0.0/8", "tcp:443:0.0.0.0/0"]);
  expect(planRemediation(policy("ec2-security-group-no-public-ssh").remediation!, after!).calls).toEqual([]);

  const undo = planned.action.restore(before!, after!, planned.params);
  expect((await execute(undo, { region: MOTO_REGION })).ok).toBe(true);
  expect(await inbound(GroupId)).toEqual([
    "tcp:22:0.0.0.0/0(temporary)",
    "tcp:22:10.0.0.0/8",
    "tcp:22:::/0",
    "tcp:443:0.0.0.0/0",
  ]);
});

test("only authorised public ports: the other public rules go, 443 and private ranges stay", async () => {
  const GroupId = await openGroup("admin-ui", [
    { IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
    { IpProtocol: "tcp", FromPort: 8443, ToPort: 8443, IpRanges: [{ CidrIp: "0.0.0.0/0" }, { CidrIp: "10.1.0.0/16" }] },
    { IpProtocol: "udp", FromPort: 3389, ToPort: 3389, Ipv6Ranges: [{ CidrIpv6: "::/0" }] },
  ]);
  const before = await describeResource(refOf(GroupId));
  expect(verdict(before, "ec2-security-group-no-public-rdp")).toBe("NON_COMPLIANT");
  const planned = planRemediation(policy("ec2-security-group-only-authorized-public-ports").remediation!, before!);
  expect((await execute(planned.calls, { region: MOTO_REGION })).ok).toBe(true);
  expect(await inbound(GroupId)).toEqual(["tcp:443:0.0.0.0/0", "tcp:8443:10.1.0.0/16"]);
  const after = await describeResource(refOf(GroupId));
  expect(verdict(after, "ec2-security-group-no-public-rdp")).toBe("COMPLIANT");
});

test("a deleted group is gone: the describe answers nothing", async () => {
  expect(await describeResource(refOf("sg-0123456789abcdef0"))).toBeUndefined();
});

test("scan --live's listing names every group, the VPC's default one included", async () => {
  const GroupId = await openGroup("listed", [
    { IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "10.0.0.0/8" }] },
  ]);
  const ids: string[] = [];
  for await (const r of listers()
    .get("AWS::EC2::SecurityGroup")!
    .list({ accountId: MOTO_ACCOUNT, region: MOTO_REGION })) {
    expect(r).toEqual(refOf(r.id));
    ids.push(r.id);
  }
  const all = (await ec2.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups!.map((g) => g.GroupId);
  expect(ids).toContain(GroupId);
  expect(ids.sort()).toEqual([...all].sort());
});
