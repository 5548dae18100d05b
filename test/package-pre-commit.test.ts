import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parse } from "yaml";

/**
 * .pre-commit-hooks.yaml's hooks run as pre-commit runs them, in a scratch git repository: the staged files
 * (`git diff --cached --name-only`) kept by the hook's `files` and `exclude` patterns (searched anywhere in the
 * path, as pre-commit's Python regexes are; these patterns mean the same in JavaScript), then the entry, the hook's
 * args and, with pass_filenames, the file names, run from the repository's root with `guardrail` on PATH (here the
 * built CLI of this checkout, which is what `language: node` installs).
 */
const ROOT = join(__dirname, "..");
const BUILT = existsSync(join(ROOT, "dist", "cli", "main.js"));
if (!BUILT) {
  process.stderr.write(
    "test/package-pre-commit.test.ts skipped: dist/ is not built (npx tsc -p tsconfig.build.json)\n",
  );
}
const describeBuilt = BUILT ? describe : describe.skip;

interface Hook {
  id: string;
  entry: string;
  args?: string[];
  language: string;
  files: string;
  exclude?: string;
  pass_filenames?: boolean;
}
const HOOKS = parse(readFileSync(join(ROOT, ".pre-commit-hooks.yaml"), "utf8")) as Hook[];
const hook = (id: string): Hook => {
  const h = HOOKS.find((x) => x.id === id);
  if (!h) throw new Error(`no hook ${id} in .pre-commit-hooks.yaml`);
  return h;
};
const COMMAND_BOUND_MS = 120_000;

/**
 * Two resources in the forms of the CloudFormation User Guide's resource references (AWS::SQS::Queue:
 * SqsManagedSseEnabled); the queue's encryption is off (sqs-queue-encrypted, medium).
 */
const TEMPLATE = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  OrdersQueue:
    Type: AWS::SQS::Queue
    Properties:
      SqsManagedSseEnabled: false
`;
const PACKAGE_JSON = JSON.stringify({ name: "orders-service", version: "1.0.0", private: true }, null, 2);
const WORKFLOW = `name: ci
on: [push]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm test
`;

let bin: string;
const scratch: string[] = [];
beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), "guardrail-hook-bin-"));
  scratch.push(dir);
  bin = join(dir, "bin");
  mkdirSync(bin);
  symlinkSync(join(ROOT, "bin", "guardrail.js"), join(bin, "guardrail"));
});
afterAll(() => {
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

function git(repo: string, args: string[]): string {
  const r = spawnSync("git", args, { cwd: repo, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

/** A scratch repository with `files` written and staged. */
function stagedRepo(files: Record<string, string>): string {
  const repo = mkdtempSync(join(tmpdir(), "guardrail-hook-repo-"));
  scratch.push(repo);
  git(repo, ["init", "-q"]);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(repo, path)), { recursive: true });
    writeFileSync(join(repo, path), text);
  }
  git(repo, ["add", "-A"]);
  return repo;
}

function runHook(h: Hook, repo: string) {
  const staged = git(repo, ["diff", "--cached", "--name-only", "-z"]).split("\0").filter(Boolean);
  const files = staged.filter((f) => new RegExp(h.files).test(f) && !(h.exclude && new RegExp(h.exclude).test(f)));
  expect(h.entry).not.toMatch(/["'\\]/); // split on spaces below, as shlex would split this entry
  const [cmd = "", ...entryArgs] = h.entry.split(/\s+/);
  const args = [...entryArgs, ...(h.args ?? []), ...(h.pass_filenames === false ? [] : files)];
  const r = spawnSync(cmd, args, {
    cwd: repo,
    encoding: "utf8",
    timeout: COMMAND_BOUND_MS,
    env: { PATH: [bin, dirname(process.execPath), "/usr/bin", "/bin"].join(":"), HOME: repo, NO_COLOR: "1" },
  });
  return { files, code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe(".pre-commit-hooks.yaml", () => {
  test("hooks are node hooks running guardrail scan on JSON/YAML templates", () => {
    expect(HOOKS.map((h) => h.id)).toEqual(["guardrail-templates", "guardrail-templates-repo"]);
    for (const h of HOOKS) {
      expect(h.language).toBe("node");
      expect(h.entry).toMatch(/^guardrail scan /);
      for (const f of ["stacks/api.yaml", "stacks/api.yml", "template.json", "queue.template"]) {
        expect(new RegExp(h.files).test(f)).toBe(true);
      }
      expect(new RegExp(h.files).test("src/handler.ts")).toBe(false);
    }
    // The file names follow --template.
    expect(hook("guardrail-templates").args?.at(-1)).toBe("--template");
  });
});

describeBuilt("the hooks, run on staged files", () => {
  test("a staged template with a violation fails the commit and names it", () => {
    const repo = stagedRepo({ "infra/queue.yaml": TEMPLATE });
    const r = runHook(hook("guardrail-templates"), repo);
    expect(r.files).toEqual(["infra/queue.yaml"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("sqs-queue-encrypted");
    expect(r.stdout).toContain("infra/queue.yaml:");
  });

  test("package.json and a workflow staged beside the template are not handed to the scan", () => {
    const repo = stagedRepo({
      "infra/queue.yaml": TEMPLATE,
      "package.json": PACKAGE_JSON,
      "package-lock.json": "{}",
      ".github/workflows/ci.yml": WORKFLOW,
      "tsconfig.json": "{}",
    });
    const r = runHook(hook("guardrail-templates"), repo);
    expect(r.files).toEqual(["infra/queue.yaml"]);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain("not a CloudFormation template");
  });

  test("args of one's own go before --template: --fail-on critical lets the commit through", () => {
    const repo = stagedRepo({ "queue.yaml": TEMPLATE });
    const r = runHook({ ...hook("guardrail-templates"), args: ["--fail-on", "critical", "--template"] }, repo);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  test("several staged templates go to one scan", () => {
    const repo = stagedRepo({ "a.yaml": TEMPLATE, "b.json": JSON.stringify(parse(TEMPLATE)) });
    const r = runHook(hook("guardrail-templates"), repo);
    expect(r.files).toEqual(["a.yaml", "b.json"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("a.yaml:");
    expect(r.stdout).toContain("b.json:");
  });

  test("the repository hook walks the repository and passes over files that are not templates", () => {
    const repo = stagedRepo({
      "infra/queue.yaml": TEMPLATE,
      "package.json": PACKAGE_JSON,
      ".github/workflows/ci.yml": WORKFLOW,
      "config/settings.json": JSON.stringify({ logLevel: "info" }),
    });
    const r = runHook(hook("guardrail-templates-repo"), repo);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("infra/queue.yaml:");
    expect(r.stderr).not.toContain("not a CloudFormation template");
  });

  // Any other JSON/YAML file (config/settings.json) reaches the scan: the hook's --skip-non-templates passes over
  // it as a folder walk does, and the staged template beside it is still judged.
  test("a staged JSON file that is not a template does not fail the staged-files hook", () => {
    const repo = stagedRepo({ "infra/queue.yaml": TEMPLATE, "config/settings.json": JSON.stringify({ a: 1 }) });
    const soft = runHook({ ...hook("guardrail-templates"), args: ["--soft-fail", "--template"] }, repo);
    expect(soft.code).toBe(0);
    const strict = runHook(hook("guardrail-templates"), repo);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain("infra/queue.yaml:");
    expect(strict.stderr).not.toContain("not a CloudFormation template");
  });

  test("a commit that stages no template passes the staged-files hook", () => {
    const repo = stagedRepo({ "config/settings.json": JSON.stringify({ a: 1 }), "docs/site.yaml": "title: x\n" });
    const r = runHook(hook("guardrail-templates"), repo);
    expect(r.code).toBe(0);
  });
});
