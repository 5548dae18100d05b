import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

/*
 * `serverless package` as a user meets it (osls, offline): a missing parameter is one line, the bundles are built by
 * packaging (deploy/serverless-plugin.js, Serverless Framework v3 plugin API: hooks `initialize` and
 * `before:package:createDeploymentArtifacts`), and the template packaged with the StackSet sentinels becomes a
 * StackSet's template (deploy/stacksets-template.js) that cfn-lint accepts.
 */

const requireJs = createRequire(__filename);
const ROOT = join(__dirname, "..");
const params = requireJs("../deploy/params.js") as {
  (ctx: { resolveVariable(v: string): Promise<unknown> }): Promise<Record<string, string>>;
  reportTo(r: ((problems: string[]) => void) | undefined): void;
};
type Plugin = {
  hooks: { initialize: () => unknown; "before:package:createDeploymentArtifacts": () => Promise<unknown> };
  paramProblems: string[];
};
const GuardrailPlugin = requireJs("../deploy/serverless-plugin.js") as new (
  serverless: unknown,
  options: Record<string, unknown>,
  seams?: { bundle?: (out: string) => Promise<number> },
) => Plugin;
const stacksets = requireJs("../deploy/stacksets.js") as {
  parseArgs(argv: string[], env?: NodeJS.ProcessEnv): Record<string, unknown>;
  readPackage(dir: string, zipsDir?: string): unknown;
  artifacts(pkg: unknown, opts: unknown): { template: Record<string, unknown>; body: string };
};
const { SENTINELS } = requireJs("../deploy/stacksets-template.js") as {
  SENTINELS: { teamName: string; alertEmail: string };
};

const OFFLINE_ENV = {
  SLS_TELEMETRY_DISABLED: "1",
  SLS_NOTIFICATIONS_MODE: "off",
  SLS_DEPRECATION_DISABLE: "*",
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "test",
  AWS_SECRET_ACCESS_KEY: "test",
};
const FNS = ["configRule", "sweepWorker", "cloudTrailEvents", "remediationWorker"];

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "guardrail-package-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function serverlessPackage(args: string[], env: NodeJS.ProcessEnv): SpawnSyncReturns<string> {
  return spawnSync("npx", ["--no-install", "serverless", "package", ...args], {
    cwd: ROOT,
    env: { ...process.env, ...OFFLINE_ENV, ...env },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
}

class ServerlessError extends Error {}
const fakeServerless = { classes: { Error: ServerlessError } };

describe("serverless package without its parameters", () => {
  test("says in one line what to pass, with no stack trace", () => {
    const r = serverlessPackage(["--stage", "ci", "--package", join(tmp, "no-params")], {
      GUARDRAIL_BUILD_DIR: join(tmp, "no-params-build"),
    });
    const output = `${r.stdout}\n${r.stderr}`;
    expect(r.status).toBe(1);
    const said = output.split("\n").filter((l) => /teamName|alertEmail/.test(l));
    expect(said).toEqual([
      'serverless.yml params: teamName and alertEmail are required: add --param="teamName=…" --param="alertEmail=…" ' +
        "(or set params.<stage> in serverless.yml)",
    ]);
    expect(output).not.toMatch(/^\s+at /m);
    // osls's frame (environment, docs, "Error:") and that line.
    expect(output.trim().split("\n").length).toBeLessThanOrEqual(8);
    // Nothing was bundled: the parameters are checked first.
    expect(existsSync(join(tmp, "no-params-build"))).toBe(false);
  }, 120_000);
});

describe("deploy/params.js", () => {
  const resolver = (values: Record<string, string>) => ({
    resolveVariable: async (v: string) => values[/^param:(\w+)/.exec(v)![1]!] ?? "",
  });
  afterEach(() => params.reportTo(undefined));

  test("without the plugin, a problem is thrown (as osls reports it at each use)", async () => {
    await expect(params(resolver({ remediationMode: "notify" }))).rejects.toThrow(
      "teamName and alertEmail are required",
    );
  });

  test("with the plugin, problems go to it once each and the plugin's initialize hook throws one line", async () => {
    const plugin = new GuardrailPlugin(fakeServerless, {});
    const values = { teamName: "payments", alertEmail: "not-an-address", remediationMode: "sometimes" };
    await params(resolver(values));
    await params(resolver(values));
    expect(plugin.paramProblems).toEqual([
      'alertEmail "not-an-address" is not an e-mail address',
      'remediationMode "sometimes" must be one of auto, approve, notify',
    ]);
    expect(() => plugin.hooks.initialize()).toThrow(
      new ServerlessError(
        'serverless.yml params: alertEmail "not-an-address" is not an e-mail address; ' +
          'remediationMode "sometimes" must be one of auto, approve, notify',
      ),
    );
  });

  test("good values pass through and the hook is quiet", async () => {
    const plugin = new GuardrailPlugin(fakeServerless, {});
    const values = { teamName: "payments", alertEmail: "a@example.com", remediationMode: "auto" };
    expect(await params(resolver(values))).toMatchObject({ ...values, centralAuditBucket: "" });
    expect(plugin.hooks.initialize()).toBeUndefined();
  });
});

describe("the plugin builds the bundles when packaging", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    params.reportTo(undefined);
  });

  test("runs the bundler into the build directory, then finds every artifact", async () => {
    const dir = join(tmp, "built");
    process.env.GUARDRAIL_BUILD_DIR = dir;
    delete process.env.GUARDRAIL_SKIP_BUNDLE;
    const outs: string[] = [];
    const plugin = new GuardrailPlugin(
      fakeServerless,
      {},
      {
        bundle: async (out) => {
          outs.push(out);
          mkdirSync(out, { recursive: true });
          for (const fn of FNS) writeFileSync(join(out, `${fn}.zip`), "zip");
          return 0;
        },
      },
    );
    await plugin.hooks["before:package:createDeploymentArtifacts"]();
    expect(outs).toEqual([dir]);
  });

  test("a failed bundle is one line", async () => {
    process.env.GUARDRAIL_BUILD_DIR = join(tmp, "failed");
    delete process.env.GUARDRAIL_SKIP_BUNDLE;
    const plugin = new GuardrailPlugin(fakeServerless, {}, { bundle: async () => 1 });
    await expect(plugin.hooks["before:package:createDeploymentArtifacts"]()).rejects.toThrow(
      new ServerlessError("bundling the functions failed (exit 1; its errors are above)"),
    );
  });

  test("GUARDRAIL_SKIP_BUNDLE=1 builds nothing and names the missing bundles", async () => {
    const dir = join(tmp, "skipped");
    process.env.GUARDRAIL_BUILD_DIR = dir;
    process.env.GUARDRAIL_SKIP_BUNDLE = "1";
    const plugin = new GuardrailPlugin(
      fakeServerless,
      {},
      {
        bundle: async () => {
          throw new Error("must not bundle");
        },
      },
    );
    await expect(plugin.hooks["before:package:createDeploymentArtifacts"]()).rejects.toThrow(
      `no bundle ${FNS.map((f) => `${f}.zip`).join(", ")} in ${dir}: run \`npm run bundle\` (GUARDRAIL_SKIP_BUNDLE=1 skips building them)`,
    );
  });
});

describe("the template packaged for a StackSet", () => {
  test("every sentinel becomes a parameter, the code the artifact buckets, and cfn-lint finds no error", () => {
    const build = join(tmp, "stackset-build");
    mkdirSync(build, { recursive: true });
    for (const fn of FNS) writeFileSync(join(build, `${fn}.zip`), `zip of ${fn}`);
    const out = join(tmp, "stackset-sls");
    const r = serverlessPackage(
      [
        "--stage",
        "prod",
        "--region",
        "eu-west-1",
        `--param=teamName=${SENTINELS.teamName}`,
        `--param=alertEmail=${SENTINELS.alertEmail}`,
        "--package",
        out,
      ],
      { GUARDRAIL_BUILD_DIR: build, GUARDRAIL_SKIP_BUNDLE: "1" },
    );
    if (r.status !== 0) throw new Error(`serverless package failed:\n${r.stdout}\n${r.stderr}`);
    const packaged = readFileSync(join(out, "cloudformation-template-update-stack.json"), "utf8");
    // The sentinels are where serverless.yml bakes the values in: tags, environment, the e-mail subscription.
    expect(packaged.split(SENTINELS.teamName).length - 1).toBeGreaterThan(8);
    expect(packaged).toContain(SENTINELS.alertEmail);

    const opts = stacksets.parseArgs(
      ["--ou", "ou-ab12-cdefgh34", "--regions", "eu-west-1", "--artifact-bucket-prefix", "acme-guardrail"].concat([
        "--param",
        "alertEmail=security@example.com",
      ]),
      {},
    );
    const built = stacksets.artifacts(stacksets.readPackage(out, build), opts);
    for (const sentinel of Object.values(SENTINELS)) expect(built.body).not.toContain(sentinel);
    const resources = built.template.Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;
    const functions = Object.values(resources).filter((x) => x.Type === "AWS::Lambda::Function");
    expect(functions).toHaveLength(FNS.length);
    for (const f of functions) {
      expect(f.Properties.Code).toEqual({
        S3Bucket: { "Fn::Sub": "acme-guardrail-${AWS::Region}" },
        S3Key: expect.stringMatching(/^guardrail\/prod\/[0-9a-f]{16}\/\w+\.zip$/),
      });
      expect(f.Properties.Tags).toContainEqual({ Key: "guardrail:team", Value: { Ref: "TeamName" } });
    }
    expect(resources.AlertEmailSubscription!.Properties.Endpoint).toEqual({ Ref: "AlertEmail" });
    const modes = functions
      .map((f) => (f.Properties.Environment as { Variables: Record<string, unknown> }).Variables)
      .filter((v) => "GUARDRAIL_REMEDIATION_MODE" in v)
      .map((v) => v.GUARDRAIL_REMEDIATION_MODE);
    expect(modes).toEqual([{ Ref: "RemediationMode" }, { Ref: "RemediationMode" }]);

    const file = join(tmp, "stackset-template.json");
    writeFileSync(file, built.body);
    const lint = spawnSync("cfn-lint", ["--format", "json", "--regions", "eu-west-1", "--", file], {
      encoding: "utf8",
    });
    if (lint.error) throw lint.error;
    // Exit status: a bit mask of 2 (errors), 4 (warnings), 8 (informational); anything else is a crash.
    expect([lint.status! & ~(2 | 4 | 8), lint.stderr]).toEqual([0, ""]);
    const matches = JSON.parse(lint.stdout || "[]") as { Level: string; Rule: { Id: string }; Message: string }[];
    expect(matches.filter((m) => m.Level === "Error").map((m) => `${m.Rule.Id}: ${m.Message}`)).toEqual([]);
  }, 180_000);
});
