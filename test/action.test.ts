import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parse } from "yaml";

/**
 * action.yml's steps as a runner plays them: each `run:` script through `bash --noprofile --norc -eo pipefail`
 * (the runner's bash shell), with `${{ github.action_path }}`, `${{ inputs.* }}` and `${{ steps.scan.outputs.* }}`
 * filled in, GITHUB_OUTPUT collected between steps, in a scratch workspace. The upload step belongs to GitHub and
 * is checked for the file it is handed only. The built CLI of this checkout is used (dist/), so the install step
 * is the no-op it is on a built checkout.
 */
const ROOT = join(__dirname, "..");
const BUILT = existsSync(join(ROOT, "dist", "cli", "main.js"));
if (!BUILT) process.stderr.write("test/action.test.ts skipped: dist/ is not built (npx tsc -p tsconfig.build.json)\n");
const describeBuilt = BUILT ? describe : describe.skip;

interface Step {
  name: string;
  id?: string;
  if?: string;
  shell?: string;
  run?: string;
  uses?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
  "working-directory"?: string;
}
interface Action {
  inputs: Record<string, { required?: boolean; default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

const ACTION = parse(readFileSync(join(ROOT, "action.yml"), "utf8")) as Action;
const COMMAND_BOUND_MS = 120_000;

/**
 * Two resources in the forms of the CloudFormation User Guide's resource references (AWS::SQS::Queue:
 * SqsManagedSseEnabled, AWS::S3::Bucket); the queue's encryption is off (sqs-queue-encrypted, medium).
 */
const TEMPLATE = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  OrdersQueue:
    Type: AWS::SQS::Queue
    Properties:
      SqsManagedSseEnabled: false
  ReportsBucket:
    Type: AWS::S3::Bucket
`;

interface StepRun {
  step: Step;
  code: number | null;
  stdout: string;
  stderr: string;
}
interface ActionRun {
  steps: StepRun[];
  outputs: Record<string, string>;
  /** The upload step's inputs as the runner would hand them, or undefined if its condition was false. */
  upload?: Record<string, string>;
  failedAt?: string;
  workspace: string;
}

/** Fills in the expressions the action uses; any other expression fails the test, so none goes unnoticed. */
function expand(text: string, inputs: Record<string, string>, outputs: Record<string, string>): string {
  return text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expr: string) => {
    if (expr === "github.action_path") return ROOT;
    const input = /^inputs\.([\w-]+)$/.exec(expr)?.[1];
    if (input !== undefined) {
      const value = inputs[input];
      if (value === undefined) throw new Error(`action.yml uses undeclared input ${input}`);
      return value;
    }
    const output = /^steps\.scan\.outputs\.([\w-]+)$/.exec(expr)?.[1];
    if (output !== undefined) return outputs[output] ?? "";
    throw new Error(`action.yml: expression the test does not know: ${expr}`);
  });
}

/** The upload step's condition, the one expression that decides a step here, evaluated for its three terms. */
function uploadRuns(condition: string, inputs: Record<string, string>, outputs: Record<string, string>): boolean {
  expect(condition).toBe(
    "inputs.upload-sarif == 'true' && inputs.format == 'sarif' && steps.scan.outputs.report != ''",
  );
  return inputs["upload-sarif"] === "true" && inputs.format === "sarif" && (outputs.report ?? "") !== "";
}

function runAction(given: Record<string, string>, files: Record<string, string>): ActionRun {
  const workspace = mkdtempSync(join(tmpdir(), "guardrail-action-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(workspace, path)), { recursive: true });
    writeFileSync(join(workspace, path), text);
  }
  const inputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(ACTION.inputs)) inputs[name] = given[name] ?? spec.default ?? "";
  const outputs: Record<string, string> = {};
  const result: ActionRun = { steps: [], outputs, workspace };

  for (const step of ACTION.runs.steps) {
    if (step.uses) {
      if (uploadRuns(step.if ?? "", inputs, outputs)) {
        result.upload = Object.fromEntries(
          Object.entries(step.with ?? {}).map(([k, v]) => [k, expand(v, inputs, outputs)]),
        );
      }
      continue;
    }
    expect(step.shell).toBe("bash");
    const outputFile = join(workspace, `.github-output-${result.steps.length}`);
    writeFileSync(outputFile, "");
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GITHUB_ACTION_PATH: ROOT,
      GITHUB_WORKSPACE: workspace,
      GITHUB_OUTPUT: outputFile,
      CI: "true",
      NO_COLOR: "1",
    };
    for (const [k, v] of Object.entries(step.env ?? {})) env[k] = expand(v, inputs, outputs);
    const cwd = step["working-directory"] ? expand(step["working-directory"], inputs, outputs) : workspace;
    const r = spawnSync(
      "bash",
      ["--noprofile", "--norc", "-eo", "pipefail", "-c", expand(step.run ?? "", inputs, outputs)],
      {
        cwd,
        env,
        encoding: "utf8",
        timeout: COMMAND_BOUND_MS,
      },
    );
    result.steps.push({ step, code: r.status, stdout: r.stdout, stderr: r.stderr });
    if (step.id) {
      for (const line of readFileSync(outputFile, "utf8").split("\n")) {
        const eq = line.indexOf("=");
        if (eq > 0) outputs[line.slice(0, eq)] = line.slice(eq + 1);
      }
    }
    if (r.status !== 0) {
      result.failedAt = step.name;
      break;
    }
  }
  return result;
}

const cleanup: string[] = [];
afterAll(() => {
  for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
});

describe("action.yml", () => {
  test("is a composite action whose upload step is GitHub's SARIF upload, major version pinned", () => {
    expect(ACTION.runs.using).toBe("composite");
    expect(ACTION.inputs.templates?.required).toBe(true);
    expect(ACTION.inputs.format?.default).toBe("sarif");
    const upload = ACTION.runs.steps.filter((s) => s.uses);
    expect(upload.map((s) => s.uses)).toEqual(["github/codeql-action/upload-sarif@v4"]);
    expect(upload[0]?.with?.sarif_file).toBe("${{ steps.scan.outputs.report }}");
  });
});

describeBuilt("action.yml's steps, run", () => {
  test("a violation: the SARIF report is uploaded, then the job fails with the scan's exit code", () => {
    const run = runAction(
      { templates: "infra/**/*.yaml", "fail-on": "medium" },
      { "infra/stacks/queue.yaml": TEMPLATE, "README.md": "not scanned\n" },
    );
    cleanup.push(run.workspace);
    expect(run.outputs["exit-code"]).toBe("1");
    expect(run.outputs.report).toBe("guardrail.sarif");
    expect(run.upload).toEqual({ sarif_file: "guardrail.sarif", category: "guardrail" });
    const sarif = JSON.parse(readFileSync(join(run.workspace, "guardrail.sarif"), "utf8")) as {
      version: string;
      runs: {
        results: {
          ruleId: string;
          locations: { physicalLocation: { artifactLocation: { uri: string } } }[];
        }[];
      }[];
    };
    expect(sarif.version).toBe("2.1.0");
    const queue = sarif.runs[0]?.results.filter((r) => r.ruleId === "sqs-queue-encrypted");
    expect(queue).toHaveLength(1);
    // Relative to the workspace, as code scanning places results in the repository.
    expect(queue?.[0]?.locations[0]?.physicalLocation.artifactLocation.uri).toBe("infra/stacks/queue.yaml");
    expect(run.failedAt).toBe("Fail on the scan's result");
    expect(run.steps.at(-1)?.code).toBe(1);
  });

  test("--fail-on above the findings and extra args: the job passes and the report is still uploaded", () => {
    const run = runAction(
      { templates: "queue.yaml\nbucket.yaml", "fail-on": "critical", args: "--parameter Stage=prod --quiet" },
      { "queue.yaml": TEMPLATE, "bucket.yaml": TEMPLATE.replace("OrdersQueue", "AuditQueue") },
    );
    cleanup.push(run.workspace);
    expect(run.failedAt).toBeUndefined();
    expect(run.outputs["exit-code"]).toBe("0");
    expect(run.upload?.sarif_file).toBe("guardrail.sarif");
    const sarif = readFileSync(join(run.workspace, "guardrail.sarif"), "utf8");
    expect(sarif).toContain('"uri":"queue.yaml"');
    expect(sarif).toContain('"uri":"bucket.yaml"');
  });

  test("soft-fail: findings do not fail the job", () => {
    const run = runAction({ templates: "queue.yaml", "soft-fail": "true" }, { "queue.yaml": TEMPLATE });
    cleanup.push(run.workspace);
    expect(run.outputs["exit-code"]).toBe("0");
    expect(run.failedAt).toBeUndefined();
    expect(run.upload?.sarif_file).toBe("guardrail.sarif");
  });

  test("a mistyped template path fails the job with exit 3 and uploads nothing, even with soft-fail", () => {
    const run = runAction({ templates: "infra/", "soft-fail": "true" }, { "infar/queue.yaml": TEMPLATE });
    cleanup.push(run.workspace);
    expect(run.outputs["exit-code"]).toBe("3");
    expect(run.upload).toBeUndefined();
    expect(run.failedAt).toBe("Fail on the scan's result");
    expect(run.steps.at(-1)?.code).toBe(3);
  });

  test("an empty templates input is a usage error, not a green job", () => {
    const run = runAction({ templates: "  \n" }, {});
    cleanup.push(run.workspace);
    expect(run.outputs["exit-code"]).toBe("2");
    expect(run.steps.find((s) => s.step.id === "scan")?.stdout).toContain("::error title=Guardrail::");
    expect(run.failedAt).toBe("Fail on the scan's result");
  });

  test("another format is written but not uploaded", () => {
    const run = runAction(
      { templates: "queue.yaml", format: "junit", output: "guardrail.xml", "fail-on": "critical" },
      { "queue.yaml": TEMPLATE },
    );
    cleanup.push(run.workspace);
    expect(run.outputs.report).toBe("guardrail.xml");
    expect(readFileSync(join(run.workspace, "guardrail.xml"), "utf8")).toMatch(/^<\?xml/);
    expect(run.upload).toBeUndefined();
  });
});
