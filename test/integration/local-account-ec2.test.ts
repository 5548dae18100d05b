import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
  type IpPermission,
} from "@aws-sdk/client-ec2";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { clientFor } from "../../lib/aws/clients";
import { service as ec2Service } from "../../lib/aws/services/ec2";
import { LocalAccount, consoleUser } from "../../lib/local/account";
import { loadPack } from "../../lib/pack";
import { execute } from "../../lib/remediation/executor";
import { planRemediation } from "../../lib/remediation/planning/plan";
import type { ResourceRef } from "../../lib/resources/adapter";
import type { ConfigItem } from "../../lib/resources/config-item";
import { describeResource } from "../../lib/resources/describe";
import { adapterFor } from "../../lib/resources/registry";
import { isObject, type JsonObject } from "../../lib/util/json";
import { MOTO_ACCOUNT, MOTO_REGION, useMoto } from "./moto";

/**
 * The local account's EC2 security groups (lib/local/account/services/ec2.ts) against moto server, as
 * test/integration/local-account-contract.test.ts does for the other services: moto's groups recorded into the
 * local account as Config would record them (the items the adapter builds from moto's describe), then the same
 * calls, through Guardrail's own EC2 client, to moto and to the local account, comparing outcomes (success or the
 * same error name) and Guardrail's describe afterwards. Compared: DescribeSecurityGroups (InvalidGroup.NotFound),
 * AuthorizeSecurityGroupIngress (InvalidPermission.Duplicate), RevokeSecurityGroupIngress
 * (InvalidPermission.NotFound), and the ec2-revoke-public-ingress fix and its restore. The helpers are this file's
 * own: that file's are module-scoped to its own resources.
 */

const moto = useMoto();
let account: LocalAccount;
let detach: (() => void) | undefined;
let dir = "";
const refs: Record<string, ResourceRef> = {};
const ec2 = () => clientFor(ec2Service, MOTO_REGION);

const ref = (id: string): ResourceRef => ({
  type: "AWS::EC2::SecurityGroup",
  id,
  region: MOTO_REGION,
  accountId: MOTO_ACCOUNT,
});

async function createMotoGroups(): Promise<void> {
  const c = new EC2Client(moto.config());
  const VpcId = (await c.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16" }))).Vpc?.VpcId;
  for (const name of ["web", "workers"]) {
    const id = (await c.send(new CreateSecurityGroupCommand({ GroupName: name, Description: name, VpcId }))).GroupId!;
    refs[name] = ref(id);
  }
  await c.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: refs.web!.id,
      IpPermissions: [
        {
          IpProtocol: "tcp",
          FromPort: 22,
          ToPort: 22,
          IpRanges: [{ CidrIp: "0.0.0.0/0", Description: "temporary" }, { CidrIp: "10.0.0.0/8" }],
          Ipv6Ranges: [{ CidrIpv6: "::/0" }],
        },
        { IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
      ],
    }),
  );
}

/** The items Config would record: what the adapter builds its document from when describing moto's groups. */
async function recordItems(): Promise<ConfigItem[]> {
  const items: ConfigItem[] = [];
  const adapter = adapterFor("AWS::EC2::SecurityGroup")!;
  for (const r of Object.values(refs)) {
    const spy = jest.spyOn(adapter, "fromConfigItem");
    try {
      expect(await describeResource(r)).toBeDefined();
      const item = spy.mock.calls[0]?.[0] as ConfigItem;
      items.push({ ...item, status: "OK", captureTime: "2026-01-01T00:00:00Z", configurationStateId: "1" });
    } finally {
      spy.mockRestore();
    }
  }
  return items;
}

beforeAll(async () => {
  await createMotoGroups();
  const items = await recordItems();
  dir = await mkdtemp(join(tmpdir(), "guardrail-ec2-contract-"));
  account = LocalAccount.fromItems(items, { stateDir: dir, accountId: MOTO_ACCOUNT, region: MOTO_REGION });
}, 60_000);

afterAll(async () => {
  detach?.();
  await rm(dir, { recursive: true, force: true });
});

/** JSON with keys sorted: the same value whatever order either side built its objects in. */
function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(",")}]`;
  if (isObject(v))
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable(v[k])}`)
      .join(",")}}`;
  return JSON.stringify(v) ?? "undefined";
}

/** Rules and their sources in a canonical order: both sides list the same ones, each in the order it keeps them. */
function canonical(doc: JsonObject | undefined): unknown {
  if (!doc) return doc;
  const byText = (a: unknown, b: unknown) => stable(a).localeCompare(stable(b));
  const sorted = (v: unknown) =>
    (Array.isArray(v) ? v : [])
      .map((p) =>
        isObject(p)
          ? Object.fromEntries(Object.entries(p).map(([k, x]) => [k, Array.isArray(x) ? [...x].sort(byText) : x]))
          : p,
      )
      .sort(byText);
  return { ...doc, ipPermissions: sorted(doc.ipPermissions), ipPermissionsEgress: sorted(doc.ipPermissionsEgress) };
}

type Outcome = { ok: true } | { error: string };
async function outcome(call: () => Promise<unknown>): Promise<Outcome> {
  try {
    await call();
    return { ok: true };
  } catch (e) {
    return { error: (e as Error).name };
  }
}

/** Runs `call` on moto, then on the local account; the outcomes and the describes of `r` afterwards must agree. */
async function same(r: ResourceRef, call: () => Promise<unknown>, expected: string) {
  const onMoto = await outcome(call);
  const motoDoc = await describeResource(r);
  detach = account.attach();
  try {
    const onLocal = await outcome(call);
    const localDoc = await describeResource(r);
    expect(onLocal).toEqual(onMoto);
    expect(canonical(localDoc?.document)).toEqual(canonical(motoDoc?.document));
  } finally {
    detach();
    detach = undefined;
  }
  expect(onMoto).toEqual(expected === "ok" ? { ok: true } : { error: expected });
}

const authorize = (GroupId: string, IpPermissions: IpPermission[]) =>
  ec2().send(new AuthorizeSecurityGroupIngressCommand({ GroupId, IpPermissions }));
const revoke = (GroupId: string, IpPermissions: IpPermission[]) =>
  ec2().send(new RevokeSecurityGroupIngressCommand({ GroupId, IpPermissions }));
const rdp: IpPermission = { IpProtocol: "tcp", FromPort: 3389, ToPort: 3389, IpRanges: [{ CidrIp: "0.0.0.0/0" }] };

describe("the local account's security groups, against moto", () => {
  it("describes every group alike; a group that does not exist is InvalidGroup.NotFound", async () => {
    for (const r of Object.values(refs)) await same(r, async () => undefined, "ok");
    const missing = "sg-0123456789abcdef0";
    await same(ref(missing), () => ec2().send(new DescribeSecurityGroupsCommand({ GroupIds: [missing] })), "InvalidGroup.NotFound"); // prettier-ignore
  });

  it("AuthorizeSecurityGroupIngress adds rules; the same rule again is InvalidPermission.Duplicate", async () => {
    await same(refs.workers!, () => authorize(refs.workers!.id, [rdp]), "ok");
    await same(refs.workers!, () => authorize(refs.workers!.id, [rdp]), "InvalidPermission.Duplicate");
    const allFromV6 = { IpProtocol: "-1", Ipv6Ranges: [{ CidrIpv6: "::/0", Description: "everything" }] };
    await same(refs.workers!, () => authorize(refs.workers!.id, [allFromV6]), "ok");
    await same(refs.workers!, () => authorize("sg-0123456789abcdef0", [rdp]), "InvalidGroup.NotFound");
  });

  it("RevokeSecurityGroupIngress removes exactly the rule named; one that is not there is InvalidPermission.NotFound", async () => {
    await same(refs.workers!, () => revoke(refs.workers!.id, [rdp]), "ok");
    await same(refs.workers!, () => revoke(refs.workers!.id, [rdp]), "InvalidPermission.NotFound");
    await same(refs.workers!, () => revoke(refs.workers!.id, [{ IpProtocol: "-1", Ipv6Ranges: [{ CidrIpv6: "::/0" }] }]), "ok"); // prettier-ignore
  });

  it("the SSH fix and its restore do the same on both", async () => {
    const { policies } = loadPack({ policyPaths: [join(__dirname, "..", "..", "policies", "ec2")], builtin: false });
    const remediation = policies.find((p) => p.policy.id === "ec2-security-group-no-public-ssh")!.policy.remediation!;
    const before = await describeResource(refs.web!);
    const planned = planRemediation(remediation, before!);
    await same(refs.web!, async () => {
      const done = await execute(planned.calls, { region: MOTO_REGION });
      if (!done.ok) throw Object.assign(new Error("fix failed"), { name: "FixFailed" });
    }, "ok"); // prettier-ignore
    const after = await describeResource(refs.web!);
    const undo = planned.action.restore(before!, after!, planned.params);
    expect(undo.map((c) => c.operation)).toEqual(["AuthorizeSecurityGroupIngress"]);
    await same(refs.web!, () => execute(undo, { region: MOTO_REGION }), "ok");
    expect(canonical((await describeResource(refs.web!))?.document)).toEqual(canonical(before?.document));
  });
});

describe("the local account alone: what CloudTrail records", () => {
  it("a console user's AuthorizeSecurityGroupIngress is recorded in EC2's query form and flagged in production", async () => {
    const records: JsonObject[] = [];
    const stop = account.onRecord((r) => records.push(r));
    detach = account.attach();
    try {
      await account.as(consoleUser(MOTO_ACCOUNT), () => authorize(refs.workers!.id, [rdp]));
    } finally {
      detach();
      detach = undefined;
      stop();
    }
    const record = records.find((r) => r.eventName === "AuthorizeSecurityGroupIngress")!;
    expect(record.eventSource).toBe("ec2.amazonaws.com");
    expect(record.sessionCredentialFromConsole).toBe("true");
    expect(record.requestParameters).toEqual({
      groupId: refs.workers!.id,
      ipPermissions: {
        items: [
          {
            ipProtocol: "tcp",
            fromPort: 3389,
            toPort: 3389,
            groups: {},
            ipRanges: { items: [{ cidrIp: "0.0.0.0/0" }] },
            ipv6Ranges: {},
            prefixListIds: {},
          },
        ],
      },
    });
    expect(record.responseElements).toMatchObject({
      _return: true,
      securityGroupRuleSet: { items: [expect.objectContaining({ groupId: refs.workers!.id, cidrIpv4: "0.0.0.0/0" })] }, // prettier-ignore
    });
    // The production-console policy, with the local account's id among its production accounts.
    const { policies, engine } = loadPack({
      policyPaths: [join(__dirname, "..", "..", "policies", "ec2", "ec2-no-console-public-ingress-in-production.json")],
      builtin: false,
    });
    expect(policies).toHaveLength(1);
    const inProduction = { ...record, recipientAccountId: "111122223333" };
    expect(engine.evaluateRecord(inProduction).map((e) => e.compliance)).toEqual(["NON_COMPLIANT"]);
  });
});
