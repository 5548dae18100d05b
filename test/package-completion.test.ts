import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { buildProgram } from "../cli/main";
import { bashScript, builtinPolicyIds, commandSpecs, fishScript, zshScript } from "../cli/commands/completion";
import { loadPolicies } from "../lib/policy/load";

/**
 * Shell completion as a shell uses it: the bash script sourced in bash, then its completion function called with
 * COMP_WORDS and COMP_CWORD set as bash sets them for a TAB press, and COMPREPLY read back. Policy ids come from the
 * built CLI (`guardrail completion --policy-ids`), found on PATH as an installed guardrail would be.
 */
const ROOT = join(__dirname, "..");
const BUILT = existsSync(join(ROOT, "dist", "cli", "main.js"));
if (!BUILT) {
  process.stderr.write("test/package-completion.test.ts: policy-id cases skipped: dist/ is not built\n");
}
const testBuilt = BUILT ? test : test.skip;

let scratch: string;
let script: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "guardrail-completion-"));
  mkdirSync(join(scratch, "bin"));
  symlinkSync(join(ROOT, "bin", "guardrail.js"), join(scratch, "bin", "guardrail"));
  script = join(scratch, "guardrail.bash");
  writeFileSync(script, bashScript(commandSpecs(buildProgram())));
  writeFileSync(join(scratch, "stack.yaml"), "Resources: {}\n");
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** What bash offers for the words typed, the last one being completed. */
function complete(...words: string[]): string[] {
  const program = [
    `source ${JSON.stringify(script)}`,
    `COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")})`,
    `COMP_CWORD=${words.length - 1}`,
    "COMPREPLY=()",
    "_guardrail",
    `printf '%s\\n' "\${COMPREPLY[@]}"`,
  ].join("\n");
  const r = spawnSync("bash", ["--norc", "--noprofile", "-c", program], {
    cwd: scratch,
    encoding: "utf8",
    timeout: 60_000,
    env: { PATH: [join(scratch, "bin"), dirname(process.execPath), "/usr/bin", "/bin"].join(":"), HOME: scratch },
  });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return r.stdout.split("\n").filter(Boolean);
}

describe("guardrail completion bash", () => {
  test("commands: guardrail sc offers scan (and schema), guardrail sca completes to scan", () => {
    expect(complete("guardrail", "sc")).toEqual(["scan", "schema"]);
    expect(complete("guardrail", "sca")).toEqual(["scan"]);
    expect(complete("guardrail", "")).toEqual(expect.arrayContaining(["validate", "scan", "explain", "completion"]));
  });

  test("options: guardrail scan --fo completes to --format, and --format's choices follow", () => {
    expect(complete("guardrail", "scan", "--fo")).toEqual(["--format"]);
    expect(complete("guardrail", "scan", "--format", "sa")).toEqual(["sarif"]);
  });

  test("subcommands and their own options", () => {
    expect(complete("guardrail", "remediation", "")).toEqual(expect.arrayContaining(["plan", "approve", "undo"]));
    // An option's value is not a subcommand: `--out report` does not change the command path.
    expect(complete("guardrail", "scan", "--out", "report", "--no-pro")).toEqual(["--no-progress"]);
  });

  test("file names where a file is expected", () => {
    expect(complete("guardrail", "scan", "--template", "sta")).toEqual(["stack.yaml"]);
  });

  testBuilt("policy ids: guardrail explain s3- lists the S3 policies", () => {
    const offered = complete("guardrail", "explain", "s3-");
    const s3 = builtinPolicyIds().filter((id) => id.startsWith("s3-"));
    expect(s3.length).toBeGreaterThan(2);
    expect(offered).toEqual(s3);
    expect(complete("guardrail", "scan", "--skip-policy", "sqs-queue-enc")).toEqual(["sqs-queue-encrypted"]);
  });
});

describe("guardrail completion --policy-ids", () => {
  test("lists exactly the built-in pack's ids", () => {
    const { policies, problems } = loadPolicies();
    expect(problems).toEqual([]);
    expect(builtinPolicyIds()).toEqual(policies.map((p) => p.policy.id).sort());
  });
});

// zsh runs the same functions through bashcompinit; a name zsh gives a meaning (`path` is tied to PATH) breaks them
// there only, so they are run in zsh too where the machine has it.
const ZSH = spawnSync("zsh", ["-f", "-c", "true"]).status === 0;
if (!ZSH) process.stderr.write("test/package-completion.test.ts: zsh cases skipped: no zsh on this machine\n");

describe("guardrail completion zsh", () => {
  (ZSH && BUILT ? test : test.skip)("completes commands, options and policy ids in zsh", () => {
    const zsh = join(scratch, "guardrail.zsh");
    writeFileSync(zsh, zshScript(commandSpecs(buildProgram())));
    const offered = (...words: string[]): string[] => {
      const program = [
        `source ${JSON.stringify(zsh)}`,
        `COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")})`,
        `COMP_CWORD=${words.length - 1}`,
        "COMPREPLY=()",
        "_guardrail",
        `print -l -- "\${COMPREPLY[@]}"`,
      ].join("\n");
      const r = spawnSync("zsh", ["-f", "-c", program], {
        cwd: scratch,
        encoding: "utf8",
        timeout: 60_000,
        env: { PATH: [join(scratch, "bin"), dirname(process.execPath), "/usr/bin", "/bin"].join(":"), HOME: scratch },
      });
      expect(r.status).toBe(0);
      return r.stdout.split("\n").filter(Boolean);
    };
    // zsh's compgen offers every candidate and leaves matching the typed prefix to zsh's completion system.
    expect(offered("guardrail", "sca")).toContain("scan");
    expect(offered("guardrail", "scan", "--fo")).toContain("--format");
    expect(offered("guardrail", "explain", "s3-bucket-v")).toContain("s3-bucket-versioning");
  });
});

describe("guardrail completion fish", () => {
  test("completes commands at the top and options per command path", () => {
    const fish = fishScript(commandSpecs(buildProgram()));
    expect(fish).toContain("complete -c guardrail -f -n '__guardrail_at \\'\\'' -a 'scan'");
    expect(fish).toMatch(/complete -c guardrail -n '__guardrail_at \\'scan\\'' -l format -x -a '[^']*sarif/);
    expect(fish).toContain("-a '(guardrail completion --policy-ids)'");
  });
});
