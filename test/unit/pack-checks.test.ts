import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { remediationProblems } from "../../lib/pack/checks";
import { loadPolicies } from "../../lib/policy/load";

/*
 * `guardrail validate` checks a policy's remediation against the actions: what would otherwise be accepted and then
 * end every remediation request in the DLQ is an error naming file, line, column and pointer.
 */

const ROOT = join(__dirname, "..", "..");
const base = JSON.parse(readFileSync(join(ROOT, "policies", "lambda", "lambda-function-xray-tracing.json"), "utf8"));
let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), "guardrail-checks-"))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function problemsOf(remediation: unknown) {
  const file = join(dir, `${base.id}.json`);
  writeFileSync(file, JSON.stringify({ ...base, remediation }, null, 2));
  return loadPolicies([file], dir, { check: remediationProblems }).problems.map(
    (p) => `${p.line}:${p.column} ${p.pointer} ${p.message}`,
  );
}

describe("a policy's remediation, checked against the actions", () => {
  it("accepts the built-in pack's", () => {
    expect(loadPolicies(undefined, ROOT, { check: remediationProblems }).problems).toEqual([]);
  });

  it("names an unknown action, with the closest one", () => {
    expect(problemsOf({ action: "lambda-enable-tracng", mode: "auto" })).toEqual([
      expect.stringMatching(
        /^\d+:\d+ \/remediation\/action unknown remediation action "lambda-enable-tracng" \(did you mean lambda-enable-tracing\?\)$/,
      ),
    ]);
  });

  it("refuses an action made for another resource type", () => {
    expect(problemsOf({ action: "sqs-enable-sse", mode: "auto" })).toEqual([
      expect.stringContaining('/remediation/action "sqs-enable-sse" fixes AWS::SQS::Queue, not AWS::Lambda::Function'),
    ]);
  });

  it("refuses a notify-only action in a mode that fixes", () => {
    expect(problemsOf({ action: "lambda-runtime-upgrade", mode: "auto" })).toEqual([
      expect.stringContaining('/remediation/mode "lambda-runtime-upgrade" makes no fix: the mode must be notify'),
    ]);
  });

  it("checks params against the action's schema, pointing at the property", () => {
    expect(problemsOf({ action: "lambda-enable-tracing", mode: "auto", params: { TracingMode: "Active" } })).toEqual([
      expect.stringMatching(/^\d+:\d+ \/remediation\/params\/TracingMode unknown property "TracingMode"$/),
    ]);
    expect(problemsOf({ action: "lambda-enable-tracing", mode: "auto", params: { Mode: "PassThrough" } })).toEqual([
      expect.stringContaining("/remediation/params/Mode must be equal to constant"),
    ]);
  });
});
