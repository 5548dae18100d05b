import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
} from "@aws-sdk/client-ec2";
import { resetClients } from "../../lib/aws/clients";
import { loadExtensionPack } from "../../lib/pack/extensions";
import { loadPackWithExtensions } from "../../lib/pack/load";
import { planRemediation } from "../../lib/remediation/planning/plan";
import { execute } from "../../lib/remediation/executor";
import { describeResource } from "../../lib/resources/describe";
import { useMoto, MOTO_ACCOUNT, MOTO_REGION } from "./moto";

/*
 * An extension pack as a platform team would write one, outside the repository: examples/extension-pack (a
 * service module for EC2, the AWS::EC2::SecurityGroup type with its Config-item, describe, CloudFormation and
 * CloudTrail sources, a policy and a remediation action) copied to a temporary folder, then used through the
 * built CLI, the Lambda bundler and the IAM generator, and fixed against moto. No file of the repository changes.
 */

const ROOT = join(__dirname, "..", "..");
const BIN = join(ROOT, "bin", "guardrail.js");
const POLICY = "ec2-security-group-no-public-ssh";

let dir: string;
let pack: string;
let gitBefore: string;

const gitStatus = () => spawnSync("git", ["status", "--porcelain"], { cwd: ROOT, encoding: "utf8" }).stdout;

function cli(args: string[], cwd = dir) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, CI: "true", NO_COLOR: "1" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A Node process with the deployment's packs named as a deployment names them (deploy/packs.js). */
function node(script: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ["-e", script], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, GUARDRAIL_PACKS: pack, ...env },
  });
  if (r.status !== 0) throw new Error(`node -e failed (${r.status}):\n${r.stderr}`);
  return JSON.parse(r.stdout.slice(r.stdout.lastIndexOf("@@") + 2)) as unknown;
}

interface ExampleItem {
  name: string;
  configurationItem: Record<string, unknown>;
}
let examples: { compliant: ExampleItem[]; noncompliant: ExampleItem[] };

beforeAll(() => {
  gitBefore = gitStatus();
  dir = mkdtempSync(join(tmpdir(), "guardrail-pack-"));
  pack = join(dir, "platform-pack");
  cpSync(join(ROOT, "examples", "extension-pack"), pack, { recursive: true });
  examples = JSON.parse(readFileSync(join(pack, "policies", "ec2", `${POLICY}.json`), "utf8")).examples;
  const items = [...examples.compliant, ...examples.noncompliant].map((e) => e.configurationItem);
  // A Config snapshot file as the delivery channel writes it (AWS Config Developer Guide, "Delivering
  // Configuration Snapshot").
  writeFileSync(
    join(dir, "snapshot.json"),
    JSON.stringify({
      fileVersion: "1.0",
      configSnapshotId: "0b7c2a31-7e6a-4c44-9a7e-6d2c1f0e9b11",
      configurationItems: items,
    }),
  );
  writeFileSync(join(dir, "item.json"), JSON.stringify(examples.noncompliant[0]!.configurationItem));
  writeFileSync(
    join(dir, "template.yaml"),
    [
      'AWSTemplateFormatVersion: "2010-09-09"',
      "Resources:",
      "  Bastion:",
      "    Type: AWS::EC2::SecurityGroup",
      "    Properties:",
      "      GroupDescription: bastion",
      "      SecurityGroupIngress:",
      "        - { IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0 }",
      "  Web:",
      "    Type: AWS::EC2::SecurityGroup",
      "    Properties:",
      "      GroupDescription: web",
      "      SecurityGroupIngress:",
      "        - { IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0 }",
      "  WebSshV6:",
      "    Type: AWS::EC2::SecurityGroupIngress",
      '    Properties: { GroupId: !GetAtt Web.GroupId, IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIpv6: "::/0" }',
      "  Internal:",
      "    Type: AWS::EC2::SecurityGroup",
      "    Properties:",
      "      GroupDescription: internal",
      "      SecurityGroupIngress:",
      "        - { IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 10.0.0.0/8 }",
      "",
    ].join("\n"),
  );
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("an extension pack, through the CLI", () => {
  test("validate and test pass on it, beside the built-in pack", () => {
    const v = cli(["validate", "--pack", "./platform-pack"]);
    expect({ code: v.code, stderr: v.stderr }).toEqual({ code: 0, stderr: "" });
    const builtIn = cli(["validate"]).stdout.match(/^(\d+) policies valid/)?.[1];
    expect(v.stdout).toBe(`${Number(builtIn) + 1} policies valid\n`);
    const t = cli(["test", "--pack", "./platform-pack", "--no-builtin"]);
    expect({ code: t.code, stdout: t.stdout }).toEqual({ code: 0, stdout: "5 passed, 0 failed\n" });
  });

  test("scan --snapshot judges its security groups", () => {
    const r = cli(["scan", "--snapshot", "snapshot.json", "--pack", "./platform-pack", "--policy", POLICY, "--format", "json"]); // prettier-ignore
    expect(r.code).toBe(0);
    const verdicts = (JSON.parse(r.stdout) as { results: { resourceId: string; compliance: string }[] }).results;
    const byId = Object.fromEntries(verdicts.map((v) => [v.resourceId, v.compliance]));
    const id = (e: ExampleItem) => e.configurationItem.resourceId as string;
    expect(byId).toEqual({
      ...Object.fromEntries(examples.compliant.map((e) => [id(e), "COMPLIANT"])),
      ...Object.fromEntries(examples.noncompliant.map((e) => [id(e), "NON_COMPLIANT"])),
    });
  });

  test("scan --template judges them, an attached ingress rule with its group, pointing at the rule", () => {
    const r = cli(["scan", "--template", "template.yaml", "--pack", "./platform-pack", "--policy", POLICY, "--format", "json"]); // prettier-ignore
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      results: { resourceId: string; compliance: string; source: { pointer?: string } }[];
    };
    const byId = Object.fromEntries(out.results.map((v) => [v.resourceId, [v.compliance, v.source.pointer]]));
    expect(byId).toEqual({
      Bastion: ["NON_COMPLIANT", "/Resources/Bastion/Properties/SecurityGroupIngress/0"],
      Web: ["NON_COMPLIANT", "/Resources/WebSshV6/Properties"],
      Internal: ["COMPLIANT", expect.any(String)],
    });
    expect(r.stdout + r.stderr).not.toContain("AWS::EC2::SecurityGroupIngress");
  });

  test("remediation plan prints the RevokeSecurityGroupIngress call, for the open range only", () => {
    const r = cli(["remediation", "plan", POLICY, "--item", "item.json", "--pack", "./platform-pack"]);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { calls: unknown[] }).calls).toEqual([
      {
        service: "ec2",
        operation: "RevokeSecurityGroupIngress",
        input: {
          GroupId: "sg-0aaaabbbbccccdddd",
          IpPermissions: [
            { IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "0.0.0.0/0" }], Ipv6Ranges: [] },
          ],
        },
      },
    ]);
  });

  test("guardrail.config.json names the pack once for every command, from any folder below it", () => {
    const project = join(dir, "project");
    mkdirSync(join(project, "infra"), { recursive: true });
    cpSync(pack, join(project, "platform-pack"), { recursive: true });
    writeFileSync(join(project, "guardrail.config.json"), JSON.stringify({ packs: ["./platform-pack"] }));
    const builtIn = Number(cli(["validate"]).stdout.match(/^(\d+) policies valid/)?.[1]);
    const v = cli(["validate"], join(project, "infra"));
    expect({ code: v.code, stdout: v.stdout }).toEqual({ code: 0, stdout: `${builtIn + 1} policies valid\n` });
    writeFileSync(join(project, "guardrail.config.json"), JSON.stringify({ packs: "./platform-pack" }));
    const bad = cli(["validate"], join(project, "infra"));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${join(project, "guardrail.config.json")}: /packs must be an array of paths`);
  });

  test("a pack never replaces what is known: a type or an action already built in is a named usage error", () => {
    const clash = join(dir, "clash-pack");
    cpSync(pack, clash, { recursive: true });
    const file = join(clash, "actions", "ec2-revoke-public-ssh.ts");
    writeFileSync(file, readFileSync(file, "utf8").replace('id: "ec2-revoke-public-ssh"', 'id: "sqs-enable-sse"'));
    const r = cli(["validate", "--pack", "./clash-pack"]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({
      code: 2,
      stderr: `guardrail: clash-pack/actions/ec2-revoke-public-ssh.ts: an action "sqs-enable-sse" is already known\n`,
    });
  });

  test("a pack module that does not export what its folder holds is a usage error naming the file", () => {
    const broken = join(dir, "broken-pack");
    cpSync(pack, broken, { recursive: true });
    writeFileSync(join(broken, "actions", "ec2-revoke-public-ssh.ts"), "export const notAnAction = 1;\n");
    const r = cli(["validate", "--pack", "./broken-pack"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/actions\/ec2-revoke-public-ssh\.ts: does not export `action`/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});

describe("an extension pack, deployed", () => {
  test("the bundles carry what each function uses of it; the worker's the EC2 client and the action", () => {
    const build = join(dir, "build");
    const r = spawnSync(process.execPath, ["scripts/bundle.mjs", "--only", "configRule,cloudTrailEvents,remediationWorker", "--out", build], { cwd: ROOT, encoding: "utf8", env: { ...process.env, GUARDRAIL_PACKS: pack } }); // prettier-ignore
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
    const manifest = (fn: string) =>
      JSON.parse(readFileSync(join(build, `${fn}.json`), "utf8")) as {
        sources: string[];
        bytesByPackage: Record<string, number>;
      };
    const packSources = (fn: string) =>
      manifest(fn)
        .sources.filter((s) => s.includes("platform-pack"))
        .map((s) => s.slice(s.indexOf("platform-pack/") + "platform-pack/".length))
        .sort();
    expect(packSources("configRule")).toEqual(["types/aws-ec2-securitygroup.ts"]);
    expect(manifest("configRule").bytesByPackage["@aws-sdk/client-ec2"]).toBeUndefined();
    expect(packSources("cloudTrailEvents")).toEqual([
      "services/ec2.ts",
      "types/aws-ec2-securitygroup.describe.ts",
      "types/aws-ec2-securitygroup.ts",
    ]);
    expect(packSources("remediationWorker")).toEqual([
      "actions/ec2-revoke-public-ssh.ts",
      "services/ec2.ts",
      "types/aws-ec2-securitygroup.describe.ts",
      "types/aws-ec2-securitygroup.ts",
    ]);
    expect(manifest("remediationWorker").bytesByPackage["@aws-sdk/client-ec2"]).toBeGreaterThan(0);
    // The bundled worker, in a fresh process, loads the pack's policy with a validator compiled at build time.
    const check = node(
      `import(${JSON.stringify(pathToFileURL(join(build, "remediationWorker", "index.mjs")).href)}).then((m) =>
         process.stdout.write("@@" + JSON.stringify(m.guardrailSelfCheck())));`,
      { AWS_REGION: "us-east-1" },
    ) as { policies: string[]; problems: unknown[]; notPrecompiled: string[] };
    expect(check.policies).toContain(POLICY);
    expect(check.problems).toEqual([]);
    expect(check.notPrecompiled).toEqual([]);
  });

  test("the roles allow exactly the pack's operations each function sends, on the resources they declare", () => {
    const ec2Statements = node(
      `const { statements } = require("./deploy/iam.js");
       const out = {};
       for (const fn of ["configRule", "sweepWorker", "cloudTrailEvents", "remediationWorker"]) {
         out[fn] = statements("test", fn)
           .filter((s) => [].concat(s.Action).some((a) => a.startsWith("ec2:")))
           // Reads on "*" share one statement with other services' (ELB's take no resource either): ec2's alone.
           .map((s) => ({ Action: [].concat(s.Action).filter((a) => a.startsWith("ec2:")), Resource: s.Resource }));
       }
       process.stdout.write("@@" + JSON.stringify(out));`,
    );
    const describe = { Action: ["ec2:DescribeSecurityGroups"], Resource: ["*"] };
    expect(ec2Statements).toEqual({
      configRule: [],
      sweepWorker: [],
      cloudTrailEvents: [describe],
      remediationWorker: [
        describe,
        {
          Action: ["ec2:RevokeSecurityGroupIngress"],
          Resource: [{ "Fn::Sub": "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:security-group/*" }],
        },
      ],
    });
  });

  test("a pack whose service module would widen a role does not package: the generator names the file", () => {
    const wide = join(dir, "wide-pack");
    cpSync(pack, wide, { recursive: true });
    const file = join(wide, "services", "ec2.ts");
    writeFileSync(
      file,
      readFileSync(file, "utf8").replace('action: "ec2:RevokeSecurityGroupIngress"', 'action: "ec2:*"'),
    );
    const r = spawnSync(process.execPath, ["-e", 'require("./deploy/iam.js")'], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, GUARDRAIL_PACKS: wide },
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(
      `${file}: operations.RevokeSecurityGroupIngress.action must be one of ec2's own IAM actions (ec2:Action), not ec2:*`,
    );
  });

  test("no file of the repository changed", () => {
    expect(gitStatus()).toBe(gitBefore);
  });
});

describe("an extension pack's fix, against moto", () => {
  const moto = useMoto();

  test("describe, plan, revoke, verify; restore authorises the range again", async () => {
    resetClients();
    const ec2 = new EC2Client(moto.config());
    const group = await ec2.send(new CreateSecurityGroupCommand({ GroupName: "bastion", Description: "bastion" }));
    const GroupId = group.GroupId as string;
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId,
        IpPermissions: [
          {
            IpProtocol: "tcp",
            FromPort: 22,
            ToPort: 22,
            IpRanges: [{ CidrIp: "0.0.0.0/0" }, { CidrIp: "10.0.0.0/8" }],
          },
        ],
      }),
    );
    const { engine, policies } = loadPackWithExtensions({ extensionPacks: [pack], builtin: false });
    loadExtensionPack(pack, { aws: true });
    const ref = { type: "AWS::EC2::SecurityGroup", id: GroupId, region: MOTO_REGION, accountId: MOTO_ACCOUNT };
    const before = await describeResource(ref);
    expect(before && engine.evaluate(before).map((e) => e.compliance)).toEqual(["NON_COMPLIANT"]);

    const policy = policies.find((p) => p.policy.id === POLICY)!.policy;
    const planned = planRemediation(policy.remediation!, before!);
    const fixed = await execute(planned.calls, { region: MOTO_REGION });
    expect(fixed.ok).toBe(true);
    const after = await describeResource(ref);
    expect(engine.evaluate(after!).map((e) => e.compliance)).toEqual(["COMPLIANT"]);
    // Exactly the open range went: the corporate range stays.
    const ranges = async () =>
      (
        await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [GroupId] }))
      ).SecurityGroups?.[0]?.IpPermissions?.flatMap((p) => (p.IpRanges ?? []).map((r) => `${p.FromPort}:${r.CidrIp}`));
    expect(await ranges()).toEqual(["22:10.0.0.0/8"]);

    const undo = planned.action.restore(before!, after!, planned.params);
    expect(undo.map((c) => c.operation)).toEqual(["AuthorizeSecurityGroupIngress"]);
    expect((await execute(undo, { region: MOTO_REGION })).ok).toBe(true);
    expect((await ranges())?.sort()).toEqual(["22:0.0.0.0/0", "22:10.0.0.0/8"]);
  });
});
