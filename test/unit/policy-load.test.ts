import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatProblem, loadPolicies } from "../../lib/policy/load";
import { runExamples } from "../../lib/engine/examples";

const GOOD = JSON.parse(readFileSync(join(__dirname, "../../policies/sqs/sqs-queue-encrypted.json"), "utf8")) as Record<
  string,
  unknown
>;

function packWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "guardrail-policies-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function policyText(id: string, patch: (p: Record<string, unknown>) => void = () => undefined): string {
  const p = structuredClone(GOOD);
  p.id = id;
  patch(p);
  return JSON.stringify(p, null, 2);
}

describe("loadPolicies", () => {
  test("the built-in pack loads without problems", () => {
    const { policies, problems } = loadPolicies();
    expect(problems.map(formatProblem)).toEqual([]);
    expect(policies.length).toBeGreaterThan(0);
  });

  test("lazily compiled policies judge exactly as eagerly compiled ones, annotations included", () => {
    const eager = loadPolicies();
    const lazy = loadPolicies(undefined, undefined, { compile: "lazy" });
    expect(lazy.policies.map((p) => p.policy.id)).toEqual(eager.policies.map((p) => p.policy.id));
    const examples = (outcomes: ReturnType<typeof runExamples>) =>
      outcomes.map((o) => [o.policyId, o.example, o.actual, o.annotation]);
    expect(examples(runExamples(lazy.policies))).toEqual(examples(runExamples(eager.policies)));
  });

  test("a JSON syntax error names the file, line and column; the other policies still load", () => {
    const broken = policyText("sqs-broken").replace('"severity": "medium",', '"severity": "medium",,');
    const dir = packWith({ "sqs/sqs-broken.json": broken, "sqs/sqs-ok.json": policyText("sqs-ok") });
    const { policies, problems } = loadPolicies([dir], dir);
    expect(policies.map((p) => p.policy.id)).toEqual(["sqs-ok"]);
    expect(problems).toHaveLength(1);
    const line = broken.split("\n").findIndex((l) => l.includes(",,")) + 1;
    expect(problems[0]).toMatchObject({ file: join("sqs", "sqs-broken.json"), line });
    expect(problems[0]?.message).toMatch(/JSON syntax/);
  });

  test("a meta-schema violation names the JSON pointer and the line of the offending value", () => {
    const text = policyText("sqs-bad-severity", (p) => (p.severity = "urgent"));
    const dir = packWith({ "sqs-bad-severity.json": text });
    const { problems } = loadPolicies([dir], dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      pointer: "/severity",
      line: text.split("\n").findIndex((l) => l.includes('"urgent"')) + 1,
    });
    expect(problems[0]?.message).toContain('"critical"');
    expect(formatProblem(problems[0]!)).toMatch(/^sqs-bad-severity\.json:\d+:\d+ {2}\/severity {2}must be one of/);
  });

  test("a property the resource type does not have is rejected with a suggestion", () => {
    const text = policyText("sqs-typo", (p) => {
      p.compliant = { required: ["SqsManagedSseEnable"], properties: { SqsManagedSseEnable: { const: true } } };
    });
    const dir = packWith({ "sqs-typo.json": text });
    const { policies, problems } = loadPolicies([dir], dir);
    expect(policies).toHaveLength(0);
    expect(problems.map((p) => [p.pointer, p.message])).toEqual([
      [
        "/compliant/properties/SqsManagedSseEnable",
        'property "SqsManagedSseEnable" is not in the AWS::SQS::Queue document (did you mean SqsManagedSseEnabled?)',
      ],
      [
        "/compliant/required/0",
        'property "SqsManagedSseEnable" is not in the AWS::SQS::Queue document (did you mean SqsManagedSseEnabled?)',
      ],
    ]);
    const line = text.split("\n").findIndex((l) => l.includes('"SqsManagedSseEnable": {')) + 1;
    expect(problems[0]?.line).toBe(line);
  });

  test("the issue's own example: tracingEnable on a stage policy gets 'did you mean tracingEnabled?'", () => {
    const text = policyText("apigateway-typo", (p) => {
      p.subject = { resourceTypes: ["AWS::ApiGateway::Stage"] };
      p.compliant = { properties: { tracingEnable: { const: true } }, required: ["tracingEnable"] };
    });
    const dir = packWith({ "apigateway-typo.json": text });
    const messages = loadPolicies([dir], dir).problems.map((p) => `${p.pointer}  ${p.message}`);
    expect(messages).toContain(
      '/compliant/properties/tracingEnable  property "tracingEnable" is not in the AWS::ApiGateway::Stage document (did you mean tracingEnabled?)',
    );
  });

  test("an unknown JSON Schema keyword (a typo that would make the policy pass everything) is rejected", () => {
    const text = policyText("sqs-keyword", (p) => {
      p.compliant = { requird: ["KmsMasterKeyId"] };
    });
    const dir = packWith({ "sqs-keyword.json": text });
    const { problems } = loadPolicies([dir], dir);
    expect(problems.map((p) => [p.pointer, p.message])).toEqual([
      ["/compliant/requird", 'unknown JSON Schema keyword "requird" (did you mean required?)'],
    ]);
  });

  test("nested properties are checked against the nested document schema", () => {
    const text = policyText("sqs-nested", (p) => {
      p.compliant = { properties: { RedrivePolicy: { required: ["deadLetterTargetArm"] } } };
    });
    const dir = packWith({ "sqs-nested.json": text });
    const { problems } = loadPolicies([dir], dir);
    expect(problems[0]?.pointer).toBe("/compliant/properties/RedrivePolicy/required/0");
    expect(problems[0]?.message).toContain("did you mean deadLetterTargetArn?");
  });

  test("free-form maps (tags) accept any key", () => {
    const text = policyText("sqs-tags", (p) => {
      p.applies = { properties: { tags: { required: ["environment"] } } };
    });
    const dir = packWith({ "sqs-tags.json": text });
    expect(loadPolicies([dir], dir).problems).toEqual([]);
  });

  test("unknown resource types, ids that differ from the file name and duplicate ids are reported", () => {
    const dir = packWith({
      "a/sqs-one.json": policyText("sqs-one", (p) => (p.subject = { resourceTypes: ["AWS::SQS::Queues"] })),
      "a/sqs-two.json": policyText("sqs-three"),
      "b/sqs-three.json": policyText("sqs-three"),
    });
    const messages = loadPolicies([dir], dir).problems.map((p) => `${p.file} ${p.pointer} ${p.message}`);
    expect(messages).toEqual([
      `${join("a", "sqs-one.json")} /subject/resourceTypes/0 unknown resource type "AWS::SQS::Queues" (no adapter; did you mean AWS::SQS::Queue?)`,
      `${join("a", "sqs-two.json")} /id id "sqs-three" must equal the file name "sqs-two"`,
      `${join("b", "sqs-three.json")} /id duplicate policy id "sqs-three" (also in ${join("a", "sqs-two.json")})`,
    ]);
  });

  test("a schema ajv cannot compile is reported at its pointer", () => {
    const text = policyText("sqs-bad-ref", (p) => {
      p.compliant = { properties: { QueueName: { $ref: "#/$defs/missing" } } };
    });
    const dir = packWith({ "sqs-bad-ref.json": text });
    const { problems } = loadPolicies([dir], dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.pointer).toBe("/compliant");
    expect(problems[0]?.message).toMatch(/does not compile/);
  });

  test("an id that is not dash-joined lower-case words gets one message, whichever rule it breaks", () => {
    const dir = packWith({
      "sqs--x.json": policyText("sqs--x"),
      "sqsx.json": policyText("sqsx"),
      "sqs-x-.json": policyText("sqs-x-"),
    });
    const messages = loadPolicies([dir], dir).problems.map((p) => `${p.file} ${p.pointer} ${p.message}`);
    const rule = "must be lower-case words of letters and digits joined by single dashes, e.g. sqs-queue-encrypted";
    expect(messages.sort()).toEqual([`sqs--x.json /id ${rule}`, `sqs-x-.json /id ${rule}`, `sqsx.json /id ${rule}`]);
  });

  test("a pattern that is not a regular expression is named at its own pointer", () => {
    const text = policyText("sqs-bad-regex", (p) => {
      p.compliant = { properties: { QueueName: { pattern: "([a-z" } } };
    });
    const dir = packWith({ "sqs-bad-regex.json": text });
    const { problems } = loadPolicies([dir], dir);
    expect(problems.map((p) => [p.pointer, p.message])).toEqual([
      [
        "/compliant/properties/QueueName/pattern",
        expect.stringMatching(/^pattern "\(\[a-z" not an ECMA-262 regular expression: /),
      ],
    ]);
  });
});
