import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/**
 * The npm package as a team gets it: `npm pack`, installed into a scratch prefix with the layout `npm install -g`
 * gives (prefix/lib/node_modules/<name>, prefix/bin/guardrail), then run from a directory that is not the
 * repository. No step reaches the network.
 *
 * npm resolves a tarball's dependencies from the registry's full package documents, which the cache `npm ci` leaves
 * does not hold, so `npm install -g --offline <tarball>` cannot work here. The install is therefore the tarball
 * unpacked where `npm install -g` puts it and its production dependencies installed by `npm ci --omit=dev --offline`
 * from this repository's lockfile (package.json pins every direct dependency, so these are the versions a registry
 * install resolves to): what the tarball holds and what it declares are what the commands get, nothing of the
 * repository's node_modules.
 */
const ROOT = join(__dirname, "..");
const BUILT =
  existsSync(join(ROOT, "dist", "cli", "main.js")) && existsSync(join(ROOT, "dist", "lib", "policy", "validators"));
if (!BUILT) {
  process.stderr.write(
    "test/package.test.ts skipped: dist/ is not built with its precompiled validators (npx tsc -p tsconfig.build.json && node scripts/precompile.mjs)\n",
  );
}
const describeBuilt = BUILT ? describe : describe.skip;

const PACKAGE = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  name: string;
  version: string;
  scripts: Record<string, string>;
};

// Generous bounds for a shared 2-core machine: the install unpacks ~100 packages from the npm cache.
const INSTALL_BOUND_MS = 300_000;
const COMMAND_BOUND_MS = 120_000;

/**
 * Two resources the built-in pack judges, in the forms of the CloudFormation User Guide's resource references
 * (AWS::SQS::Queue: SqsManagedSseEnabled; AWS::S3::Bucket: BucketName); the queue's encryption is off.
 */
const TEMPLATE = `AWSTemplateFormatVersion: "2010-09-09"
Description: A queue with server-side encryption turned off, and a bucket.
Resources:
  OrdersQueue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: orders
      SqsManagedSseEnabled: false
  ReportsBucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: reports-example
`;

interface PackedFile {
  path: string;
}

let scratch: string;
let prefix: string;
let files: string[];
let work: string;

/**
 * The environment for npm: this process's, less what an enclosing `npm test` sets about the repository's own
 * package (its lifecycle, its package.json, its folder as the local prefix), which belongs to no scratch folder.
 */
const NPM_ENV: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^npm_(lifecycle_|package_|command$|config_local_prefix$)/.test(k)),
);

function sh(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = NPM_ENV): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, env, encoding: "utf8", timeout: INSTALL_BOUND_MS, maxBuffer: 64 << 20 });
  if (r.status !== 0) {
    throw new Error(
      `${cmd} ${args.join(" ")} exited ${r.status ?? r.signal}:\n${r.stderr}\n${r.stdout}`.slice(0, 4000),
    );
  }
  return r;
}

/** The installed `guardrail`, run as a shell would find it: on PATH, from the scratch working directory. */
function guardrail(args: string[], cwd = work) {
  const env: NodeJS.ProcessEnv = {
    PATH: [join(prefix, "bin"), dirname(process.execPath), "/usr/bin", "/bin"].join(":"),
    HOME: scratch,
    TMPDIR: tmpdir(),
    CI: "true",
    NO_COLOR: "1",
  };
  const r = spawnSync(join(prefix, "bin", "guardrail"), args, {
    cwd,
    env,
    encoding: "utf8",
    timeout: COMMAND_BOUND_MS,
    maxBuffer: 64 << 20,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The repository's lockfile with each package's registry address, so `npm ci --offline` finds every tarball in the cache. */
function lockWithAddresses(): string {
  const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as {
    packages: Record<string, { version?: string; resolved?: string; link?: boolean }>;
  };
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (key === "" || entry.link || entry.resolved || !entry.version) continue;
    const name = key.slice(key.lastIndexOf("node_modules/") + "node_modules/".length);
    const base = name.slice(name.lastIndexOf("/") + 1);
    entry.resolved = `https://registry.npmjs.org/${name}/-/${base}-${entry.version}.tgz`;
  }
  return JSON.stringify(lock, null, 2);
}

describeBuilt("the npm package", () => {
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), "guardrail-package-"));
    prefix = join(scratch, "prefix");
    work = join(scratch, "project");
    mkdirSync(work, { recursive: true });

    // --ignore-scripts: `prepare` rebuilds dist/, which jest's run already has.
    const packed = sh("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", scratch], ROOT);
    const [info] = JSON.parse(packed.stdout) as [{ filename: string; files: PackedFile[] }];
    files = info.files.map((f) => f.path);

    const installed = join(prefix, "lib", "node_modules", PACKAGE.name);
    mkdirSync(installed, { recursive: true });
    mkdirSync(join(prefix, "bin"), { recursive: true });
    sh("tar", ["xzf", join(scratch, info.filename), "-C", installed, "--strip-components=1"], scratch);
    writeFileSync(join(installed, "package-lock.json"), lockWithAddresses());
    sh("npm", ["ci", "--omit=dev", "--offline", "--ignore-scripts", "--no-audit", "--no-fund"], installed);
    rmSync(join(installed, "package-lock.json"));
    // What npm's bin linking does on install: an executable target, linked from prefix/bin.
    chmodSync(join(installed, "bin", "guardrail.js"), 0o755);
    symlinkSync(
      join("..", "lib", "node_modules", PACKAGE.name, "bin", "guardrail.js"),
      join(prefix, "bin", "guardrail"),
    );
  }, INSTALL_BOUND_MS);

  afterAll(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  test("holds the built CLI, its data and nothing of test/ or bench/", () => {
    const leaked = files.filter((f) => /^(test|bench|dist\/test|dist\/bench|coverage|scratch|\.guardrail)\//.test(f));
    expect(leaked).toEqual([]);
    for (const needed of [
      "package.json",
      "README.md",
      "bin/guardrail.js",
      "dist/cli/main.js",
      "dist/lib/policy/precompiled-table.js",
      "dist/lib/scan/worker.js",
      "policies/policy.schema.json",
      "policies/s3/s3-bucket-tls-only.json",
      "lib/policy/policy.base.schema.json",
      "lib/local/scenarios/day.json",
      "deploy/policies.js",
    ]) {
      expect(files).toContain(needed);
    }
    // Data the CLI reads at run time from folders of their own: every file of them ships.
    for (const dir of ["frameworks", "schemas"]) {
      const shipped = existsSync(join(ROOT, dir)) ? readdirSync(join(ROOT, dir)).map((f) => `${dir}/${f}`) : [];
      expect(files).toEqual(expect.arrayContaining(shipped));
    }
    expect(files.filter((f) => f.startsWith("dist/lib/policy/validators/")).length).toBeGreaterThan(50);
    expect(files.filter((f) => f.startsWith("policies/") && f.endsWith(".json")).length).toBeGreaterThan(50);
  });

  test("is publishable and needs no build or install script on the user's machine", () => {
    const manifest = JSON.parse(
      readFileSync(join(prefix, "lib", "node_modules", PACKAGE.name, "package.json"), "utf8"),
    ) as { private?: boolean; bin: Record<string, string>; scripts?: Record<string, string> };
    expect(manifest.private).toBeUndefined();
    expect(manifest.bin).toEqual({ guardrail: "bin/guardrail.js" });
    for (const hook of ["preinstall", "install", "postinstall"]) expect(manifest.scripts?.[hook]).toBeUndefined();
  });

  test("guardrail --version and validate from another directory", () => {
    const version = guardrail(["--version"]);
    expect(version.stderr).toBe("");
    expect(version.stdout.trim()).toBe(PACKAGE.version);
    const r = guardrail(["validate"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+ policies valid\n$/);
  });

  test("explain and completion read the built-in pack", () => {
    const r = guardrail(["explain", "sqs-queue-encrypted"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("sqs-queue-encrypted");
    expect(r.stdout).toContain("AWS::SQS::Queue");
    const ids = guardrail(["completion", "--policy-ids"]);
    expect(ids.code).toBe(0);
    expect(ids.stdout.split("\n")).toContain("sqs-queue-encrypted");
  });

  test("scan --template finds the unencrypted queue and fails the run", () => {
    writeFileSync(join(work, "template.yaml"), TEMPLATE);
    const r = guardrail(["scan", "--template", "template.yaml", "--fail-on", "low", "--format", "json"]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { results: { policyId: string; compliance: string }[] };
    expect(report.results).toContainEqual(
      expect.objectContaining({ policyId: "sqs-queue-encrypted", compliance: "NON_COMPLIANT" }),
    );
  });

  test("demo --json plays the whole loop with its state in a scratch directory", () => {
    const state = join(scratch, "demo-state");
    const r = guardrail(["demo", "--json", "--state", state]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as { violations: number; violationsBefore: number; changesPlayed: number };
    expect(summary.violations).toBeGreaterThan(0);
    expect(summary.changesPlayed).toBeGreaterThan(0);
    expect(existsSync(join(state, "trail"))).toBe(true);
    expect(existsSync(join(work, ".guardrail"))).toBe(false);
  });
});
