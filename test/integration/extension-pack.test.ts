import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  CreateFileSystemCommand,
  DeleteFileSystemPolicyCommand,
  DescribeFileSystemPolicyCommand,
  EFSClient,
  PutFileSystemPolicyCommand,
} from "@aws-sdk/client-efs";
import { mockClient } from "aws-sdk-client-mock";
import { resetClients } from "../../lib/aws/clients";
import { loadExtensionPack } from "../../lib/pack/extensions";
import { loadPackWithExtensions } from "../../lib/pack/load";
import { planRemediation } from "../../lib/remediation/planning/plan";
import { execute } from "../../lib/remediation/executor";
import { describeResource } from "../../lib/resources/describe";
import { useMoto, MOTO_ACCOUNT, MOTO_REGION } from "./moto";

/*
 * An extension pack as a platform team would write one, outside the repository: examples/extension-pack (a
 * service module for Amazon EFS, the AWS::EFS::FileSystem type with its Config-item, describe, CloudFormation and
 * CloudTrail sources, a policy and a remediation action) copied to a temporary folder, then used through the
 * built CLI, the Lambda bundler and the IAM generator, and fixed against moto. No file of the repository changes.
 */

const ROOT = join(__dirname, "..", "..");
const BIN = join(ROOT, "bin", "guardrail.js");
const POLICY = "efs-filesystem-tls-only";
const ACTION = "efs-tls-only-policy";

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
  examples = JSON.parse(readFileSync(join(pack, "policies", "elasticfilesystem", `${POLICY}.json`), "utf8")).examples;
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
      "  Shared:",
      "    Type: AWS::EFS::FileSystem",
      "    Properties:",
      "      Encrypted: true",
      "      FileSystemPolicy:",
      '        Version: "2012-10-17"',
      "        Statement:",
      "          - Effect: Deny",
      '            Principal: { AWS: "*" }',
      '            Action: "*"',
      '            Condition: { Bool: { "aws:SecureTransport": "false" } }',
      "  Reports:",
      "    Type: AWS::EFS::FileSystem",
      "    Properties: { Encrypted: true }",
      "  Media:",
      "    Type: AWS::EFS::FileSystem",
      "    Properties:",
      "      FileSystemPolicy:",
      '        Version: "2012-10-17"',
      "        Statement:",
      '          - { Effect: Allow, Principal: { AWS: "*" }, Action: "elasticfilesystem:ClientMount" }',
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
    expect({ code: t.code, stdout: t.stdout }).toEqual({ code: 0, stdout: "3 passed, 0 failed\n" });
  });

  test("scan --snapshot judges its file systems", () => {
    const r = cli(["scan", "--snapshot", "snapshot.json", "--pack", "./platform-pack", "--policy", POLICY, "--format", "json", "--soft-fail"]); // prettier-ignore
    expect(r.code).toBe(0);
    const verdicts = (JSON.parse(r.stdout) as { results: { resourceId: string; compliance: string }[] }).results;
    const byId = Object.fromEntries(verdicts.map((v) => [v.resourceId, v.compliance]));
    const id = (e: ExampleItem) => e.configurationItem.resourceId as string;
    expect(byId).toEqual({
      ...Object.fromEntries(examples.compliant.map((e) => [id(e), "COMPLIANT"])),
      ...Object.fromEntries(examples.noncompliant.map((e) => [id(e), "NON_COMPLIANT"])),
    });
  });

  test("scan --template judges them from their FileSystemPolicy properties", () => {
    const r = cli(["scan", "--template", "template.yaml", "--pack", "./platform-pack", "--policy", POLICY, "--format", "json", "--soft-fail"]); // prettier-ignore
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { results: { resourceId: string; compliance: string }[] };
    const byId = Object.fromEntries(out.results.map((v) => [v.resourceId, v.compliance]));
    expect(byId).toEqual({ Shared: "COMPLIANT", Reports: "NON_COMPLIANT", Media: "NON_COMPLIANT" });
  });

  test("remediation plan prints the PutFileSystemPolicy call: default access written out, and the Deny", () => {
    const r = cli(["remediation", "plan", POLICY, "--item", "item.json", "--pack", "./platform-pack"]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
    const calls = (JSON.parse(r.stdout) as { calls: { service: string; operation: string; input: Record<string, string> }[] }).calls; // prettier-ignore
    expect(calls.map((c) => [c.service, c.operation, c.input.FileSystemId])).toEqual([
      ["elasticfilesystem", "PutFileSystemPolicy", "fs-0fedcba9876543210"],
    ]);
    expect(JSON.parse(calls[0]!.input.Policy!).Statement).toEqual([
      expect.objectContaining({ Effect: "Allow", Principal: { AWS: "*" } }),
      {
        Sid: "DenyUnencryptedTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "*",
        Resource: "arn:aws:elasticfilesystem:eu-west-1:111122223333:file-system/fs-0fedcba9876543210",
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ]);
  });

  test("explain describes the pack's policy: its type, triggers and action", () => {
    const r = cli(["explain", POLICY, "--pack", "./platform-pack"]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
    expect(r.stdout).toMatch(/^Judges +AWS::EFS::FileSystem$/m);
    expect(r.stdout).toContain("elasticfilesystem.amazonaws.com: CreateFileSystem, PutFileSystemPolicy");
    expect(r.stdout).toContain(`${ACTION}: fixed once someone approves`);
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
    expect(bad.stderr).toContain(`${join(project, "guardrail.config.json")}:1:10  /packs  must be array`);
  });

  test("a pack never replaces what is known: a type or an action already built in is a named usage error", () => {
    const clash = join(dir, "clash-pack");
    cpSync(pack, clash, { recursive: true });
    const file = join(clash, "actions", `${ACTION}.ts`);
    writeFileSync(file, readFileSync(file, "utf8").replace(`"${ACTION}"`, '"sqs-enable-sse"'));
    const r = cli(["validate", "--pack", "./clash-pack"]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({
      code: 2,
      stderr: `guardrail: clash-pack/actions/${ACTION}.ts: an action "sqs-enable-sse" is already known\n`,
    });
  });

  test("a pack module that does not export what its folder holds is a usage error naming the file", () => {
    const broken = join(dir, "broken-pack");
    cpSync(pack, broken, { recursive: true });
    writeFileSync(join(broken, "actions", `${ACTION}.ts`), "export const notAnAction = 1;\n");
    const r = cli(["validate", "--pack", "./broken-pack"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/actions\/efs-tls-only-policy\.ts: does not export `action`/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});

describe("an extension pack, deployed", () => {
  test("the bundles carry what each function uses of it; the worker's the EFS client and the action", () => {
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
    expect(packSources("configRule")).toEqual(["types/aws-efs-filesystem.ts"]);
    expect(manifest("configRule").bytesByPackage["@aws-sdk/client-efs"]).toBeUndefined();
    expect(packSources("cloudTrailEvents")).toEqual([
      "services/elasticfilesystem.ts",
      "types/aws-efs-filesystem.describe.ts",
      "types/aws-efs-filesystem.ts",
    ]);
    expect(packSources("remediationWorker")).toEqual([
      `actions/${ACTION}.ts`,
      "services/elasticfilesystem.ts",
      "types/aws-efs-filesystem.describe.ts",
      "types/aws-efs-filesystem.ts",
    ]);
    expect(manifest("remediationWorker").bytesByPackage["@aws-sdk/client-efs"]).toBeGreaterThan(0);
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
    const efsStatements = node(
      `const { statements } = require("./deploy/iam.js");
       const out = {};
       for (const fn of ["configRule", "sweepWorker", "cloudTrailEvents", "remediationWorker"]) {
         out[fn] = statements("test", fn)
           .filter((s) => [].concat(s.Action).some((a) => a.startsWith("elasticfilesystem:")))
           .map((s) => ({ Action: [].concat(s.Action), Resource: s.Resource }));
       }
       process.stdout.write("@@" + JSON.stringify(out));`,
    );
    const fileSystems = [
      { "Fn::Sub": "arn:${AWS::Partition}:elasticfilesystem:${AWS::Region}:${AWS::AccountId}:file-system/*" },
    ];
    const describe = {
      Action: ["elasticfilesystem:DescribeFileSystemPolicy", "elasticfilesystem:DescribeFileSystems"],
      Resource: fileSystems,
    };
    expect(efsStatements).toEqual({
      configRule: [],
      sweepWorker: [],
      cloudTrailEvents: [describe],
      remediationWorker: [describe, { Action: ["elasticfilesystem:PutFileSystemPolicy"], Resource: fileSystems }],
    });
  });

  test("a pack whose service module would widen a role does not package: the generator names the file", () => {
    const wide = join(dir, "wide-pack");
    cpSync(pack, wide, { recursive: true });
    const file = join(wide, "services", "elasticfilesystem.ts");
    writeFileSync(
      file,
      readFileSync(file, "utf8").replace(
        'action: "elasticfilesystem:PutFileSystemPolicy"',
        'action: "elasticfilesystem:*"',
      ),
    );
    const r = spawnSync(process.execPath, ["-e", 'require("./deploy/iam.js")'], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, GUARDRAIL_PACKS: wide },
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(
      `${file}: operations.PutFileSystemPolicy.action must be one of elasticfilesystem's own IAM actions (elasticfilesystem:Action), not elasticfilesystem:*`,
    );
  });

  test("no file of the repository changed", () => {
    expect(gitStatus()).toBe(gitBefore);
  });
});

describe("an extension pack's fix, against moto", () => {
  const moto = useMoto();

  /** The file system policy's text as DescribeFileSystemPolicy returns it; undefined on PolicyNotFound. */
  async function policyText(efs: EFSClient, FileSystemId: string): Promise<string | undefined> {
    try {
      return (await efs.send(new DescribeFileSystemPolicyCommand({ FileSystemId }))).Policy;
    } catch (e) {
      if ((e as { name?: string }).name === "PolicyNotFound") return undefined;
      throw e;
    }
  }

  async function fixAndRestore(setUp: (efs: EFSClient, id: string) => Promise<void>) {
    resetClients();
    const efs = new EFSClient(moto.config());
    const created = await efs.send(new CreateFileSystemCommand({ CreationToken: `orders-${Date.now()}`, Encrypted: true })); // prettier-ignore
    const FileSystemId = created.FileSystemId as string;
    await setUp(efs, FileSystemId);
    const { engine, policies } = loadPackWithExtensions({ extensionPacks: [pack], builtin: false });
    loadExtensionPack(pack, { aws: true });
    const ref = { type: "AWS::EFS::FileSystem", id: FileSystemId, region: MOTO_REGION, accountId: MOTO_ACCOUNT };
    const before = await describeResource(ref);
    expect(before && engine.evaluate(before).map((e) => e.compliance)).toEqual(["NON_COMPLIANT"]);
    const textBefore = await policyText(efs, FileSystemId);

    const policy = policies.find((p) => p.policy.id === POLICY)!.policy;
    const planned = planRemediation(policy.remediation!, before!);
    expect((await execute(planned.calls, { region: MOTO_REGION })).ok).toBe(true);
    const after = await describeResource(ref);
    expect(engine.evaluate(after!).map((e) => e.compliance)).toEqual(["COMPLIANT"]);
    // Planning again on the fixed file system adds nothing.
    expect(planRemediation(policy.remediation!, after!).calls).toEqual([]);

    const undo = planned.action.restore(before!, after!, planned.params);
    if (textBefore === undefined) {
      // moto implements no DeleteFileSystemPolicy: the call goes to a mocked client, its input asserted exactly
      // (Amazon EFS API Reference, DeleteFileSystemPolicy: FileSystemId).
      expect(undo).toEqual([
        { service: "elasticfilesystem", operation: "DeleteFileSystemPolicy", input: { FileSystemId } },
      ]);
      const mocked = mockClient(EFSClient);
      mocked.on(DeleteFileSystemPolicyCommand).resolves({});
      try {
        expect((await execute(undo, { region: MOTO_REGION })).ok).toBe(true);
        expect(mocked.commandCalls(DeleteFileSystemPolicyCommand).map((c) => c.args[0].input)).toEqual([{ FileSystemId }]); // prettier-ignore
      } finally {
        mocked.restore();
      }
    } else {
      expect((await execute(undo, { region: MOTO_REGION })).ok).toBe(true);
      expect(await policyText(efs, FileSystemId)).toBe(textBefore);
    }
    return { undo, fixedText: after!.document.FileSystemPolicyText as string };
  }

  test("a file system without a policy: PutFileSystemPolicy, verify; restore deletes the policy", async () => {
    const { undo } = await fixAndRestore(async () => {});
    expect(undo.map((c) => c.operation)).toEqual(["DeleteFileSystemPolicy"]);
  });

  test("a file system with a policy: the Deny is merged into its text; restore puts the text back", async () => {
    const owners = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "ReadOnlyForAnalytics",
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${MOTO_ACCOUNT}:role/analytics` },
          Action: "elasticfilesystem:ClientMount",
        },
      ],
    });
    const { undo, fixedText } = await fixAndRestore(async (efs, FileSystemId) => {
      await efs.send(new PutFileSystemPolicyCommand({ FileSystemId, Policy: owners }));
    });
    expect(undo.map((c) => c.operation)).toEqual(["PutFileSystemPolicy"]);
    // The owner's statement is kept as written, and the Deny follows it.
    const statements = (JSON.parse(fixedText) as { Statement: { Sid: string }[] }).Statement.map((st) => st.Sid);
    expect(statements).toEqual(["ReadOnlyForAnalytics", "DenyUnencryptedTransport"]);
  });
});
