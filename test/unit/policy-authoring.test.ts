import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runExamples } from "../../lib/engine/examples";
import { EXAMPLE_ACCOUNT, EXAMPLE_REGION, exampleConfigItem } from "../../lib/policy/examples";
import { formatProblem, loadPolicies } from "../../lib/policy/load";
import type { PolicyFile } from "../../lib/policy/types";
import { Command, CommanderError } from "commander";
import { UsageError } from "../../cli/exit";
import type { CommandContext } from "../../cli/options";
import { define as defineSchema } from "../../cli/commands/schema.command";
import { define as defineNew } from "../../cli/commands/new.command";
import { outline, schemaCommand, typeWords } from "../../cli/commands/schema";
import { metaSchemaRef, newPolicyCommand } from "../../cli/commands/new";

/**
 * Writing policies: examples given as a Config item's `configuration` alone (the item shape: AWS Config Developer
 * Guide, "Example events for AWS Config rules"), `guardrail schema` and `guardrail new policy`.
 */
const ROOT = join(__dirname, "../..");
const read = (path: string) => JSON.parse(readFileSync(join(ROOT, path), "utf8")) as PolicyFile;

function scratch(): string {
  return mkdtempSync(join(tmpdir(), "guardrail-authoring-"));
}

/** A policy file in a scratch folder; the id is the file name. */
function writePolicy(dir: string, policy: Record<string, unknown>): string {
  const file = join(dir, `${String(policy.id)}.json`);
  writeFileSync(file, JSON.stringify(policy, null, 2));
  return file;
}

/** A policy on SQS queues and SNS topics (both documents have `tags`), with the given examples. */
function twoTypePolicy(examples: Record<string, unknown>): Record<string, unknown> {
  return {
    id: "messaging-team-tagged",
    title: "Queues and topics name their team",
    description: "The resource has a team tag.",
    rationale: "Without an owner nobody answers for the resource.",
    severity: "low",
    subject: { resourceTypes: ["AWS::SQS::Queue", "AWS::SNS::Topic"] },
    compliant: { required: ["tags"], properties: { tags: { required: ["team"] } } },
    examples,
  };
}

/** Captures what a function writes to stdout and stderr. */
async function captured(fn: () => number | Promise<number>): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const o = jest.spyOn(process.stdout, "write").mockImplementation((s: string | Uint8Array) => {
    out += String(s);
    return true;
  });
  const e = jest.spyOn(process.stderr, "write").mockImplementation((s: string | Uint8Array) => {
    err += String(s);
    return true;
  });
  try {
    return { code: await fn(), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

/**
 * The two commands as cli/main.ts runs them (the same definitions, exit codes and one-line usage errors), without
 * loading every other command.
 */
const cli = (...args: string[]) =>
  captured(async () => {
    let code = 0;
    const ctx: CommandContext = {
      run:
        (fn) =>
        async (...a) => {
          code = await fn(...a);
        },
    };
    const program = new Command("guardrail");
    defineSchema(program, ctx);
    defineNew(program, ctx);
    const all = (c: Command): Command[] => [c, ...c.commands.flatMap(all)];
    for (const c of all(program)) c.exitOverride();
    try {
      await program.parseAsync(["node", "guardrail", ...args]);
      return code;
    } catch (e) {
      if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
      if (e instanceof UsageError) {
        process.stderr.write(`guardrail: ${e.message}\n`);
        return 2;
      }
      throw e;
    }
  });

describe("examples as the configuration block alone", () => {
  test("built-in policies with short-form examples load and judge their examples as stated", () => {
    const files = ["policies/kinesis/kinesis-stream-retention.json", "policies/logs/logs-group-encrypted.json"];
    for (const f of files) {
      const examples = Object.values(read(f).examples).flat();
      expect([f, examples.some((e) => e.configuration !== undefined && !e.configurationItem)]).toEqual([f, true]);
    }
    const { policies, problems } = loadPolicies(files.map((f) => join(ROOT, f)));
    expect(problems.map(formatProblem)).toEqual([]);
    const outcomes = runExamples(policies);
    expect(outcomes.filter((o) => !o.passed)).toEqual([]);
    expect(outcomes.length).toBe(6);
  });

  test("the item is filled in: type from the subject, name from the example, AWS's example account, status OK", () => {
    const policy = read("policies/kinesis/kinesis-stream-retention.json");
    const item = exampleConfigItem(policy, {
      name: "Records kept 24 hours!",
      configuration: { RetentionPeriodHours: 24 },
      tags: { team: "analytics" },
    });
    expect(item).toMatchObject({
      resourceType: "AWS::Kinesis::Stream",
      resourceId: "example-records-kept-24-hours",
      resourceName: "example-records-kept-24-hours",
      awsAccountId: EXAMPLE_ACCOUNT,
      awsRegion: EXAMPLE_REGION,
      configurationItemStatus: "OK",
      configuration: { RetentionPeriodHours: 24 },
      tags: { team: "analytics" },
      ARN: `arn:aws:kinesis:${EXAMPLE_REGION}:${EXAMPLE_ACCOUNT}:stream/example-records-kept-24-hours`,
    });
    // The same example gives the same item on every run.
    expect(exampleConfigItem(policy, { name: "Records kept 24 hours!", configuration: {} })?.resourceId).toBe(
      item?.resourceId,
    );
  });

  test("a short-form example that should fail makes `guardrail test` fail", () => {
    const dir = scratch();
    const policy = read("policies/kinesis/kinesis-stream-retention.json") as unknown as Record<string, unknown>;
    (policy.examples as PolicyFile["examples"]).compliant.push({
      name: "kept 2 days",
      configuration: { Name: "s", RetentionPeriodHours: 48 },
    });
    const { policies, problems } = loadPolicies([writePolicy(dir, policy)]);
    expect(problems).toEqual([]);
    const failed = runExamples(policies).filter((o) => !o.passed);
    expect(failed.map((o) => [o.example, o.actual])).toEqual([["kept 2 days", "NON_COMPLIANT"]]);
  });

  test("the meta-schema names the example: short-form fields without a configuration, or both forms at once", () => {
    const dir = scratch();
    const file = writePolicy(dir, {
      ...(read("policies/logs/logs-group-encrypted.json") as unknown as Record<string, unknown>),
      examples: {
        compliant: [{ name: "tags alone", configurationItem: { resourceType: "x", resourceId: "y" }, tags: {} }],
        noncompliant: [{ name: "both", configurationItem: { resourceType: "x", resourceId: "y" }, configuration: {} }],
        notApplicable: [{ name: "neither" }],
      },
    });
    const { problems } = loadPolicies([file]);
    const lines = problems.map(formatProblem);
    expect(lines.length).toBe(3);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/ {2}\/examples\/notApplicable\/0 {2}give one of configurationItem/),
        expect.stringMatching(/ {2}\/examples\/compliant\/0 {2}must have property configuration when property tags/),
        expect.stringMatching(
          / {2}\/examples\/noncompliant\/0 {2}give only one of configurationItem \(a whole Config item\), configuration/,
        ),
      ]),
    );
  });

  test("a policy of two types: a short-form example names its type, one of the policy's", () => {
    const dir = scratch();
    const file = writePolicy(
      dir,
      twoTypePolicy({
        compliant: [
          { name: "a tagged topic", resourceType: "AWS::SNS::Topic", configuration: {}, tags: { team: "a" } },
          { name: "no type", configuration: {}, tags: { team: "a" } },
        ],
        noncompliant: [{ name: "a bucket", resourceType: "AWS::S3::Bucket", configuration: {} }],
      }),
    );
    const { policies, problems } = loadPolicies([file]);
    expect(policies).toEqual([]);
    expect(problems.map((p) => [p.pointer, p.message])).toEqual([
      [
        "/examples/compliant/1",
        'missing "resourceType": the policy judges 2 types (AWS::SQS::Queue, AWS::SNS::Topic), so a configuration-only example names its own',
      ],
      [
        "/examples/noncompliant/0/resourceType",
        '"AWS::S3::Bucket" is not a type the policy judges (AWS::SQS::Queue, AWS::SNS::Topic)',
      ],
    ]);
    expect(problems[0]?.line).toBeGreaterThan(1);
  });

  test("with its types named, a two-type policy's short examples run as those types", () => {
    const dir = scratch();
    const file = writePolicy(
      dir,
      twoTypePolicy({
        compliant: [
          { name: "a tagged topic", resourceType: "AWS::SNS::Topic", configuration: {}, tags: { team: "a" } },
        ],
        noncompliant: [{ name: "an untagged queue", resourceType: "AWS::SQS::Queue", configuration: {} }],
      }),
    );
    const { policies, problems } = loadPolicies([file]);
    expect(problems).toEqual([]);
    expect(runExamples(policies).map((o) => [o.example, o.actual, o.passed])).toEqual([
      ["a tagged topic", "COMPLIANT", true],
      ["an untagged queue", "NON_COMPLIANT", true],
    ]);
  });

  test("a CloudTrail policy's examples cannot be configuration blocks", () => {
    const dir = scratch();
    const policy = read("policies/cloudtrail/cloudtrail-no-stop-logging.json") as unknown as Record<string, unknown>;
    (policy.examples as PolicyFile["examples"]).compliant.push({ name: "a block", configuration: {} });
    const { problems } = loadPolicies([writePolicy(dir, policy)]);
    expect(problems.map((p) => p.pointer)).toEqual([
      `/examples/compliant/${(policy.examples as PolicyFile["examples"]).compliant.length - 1}/configuration`,
    ]);
  });
});

describe("guardrail schema", () => {
  test("prints the document an SQS queue policy sees, with AWS's attribute names and the nested paths", () => {
    const rows = outline({
      type: "object",
      properties: {
        Policy: {
          type: "object",
          properties: { Statement: { type: "array", items: { properties: { Effect: { enum: ["Allow", "Deny"] } } } } },
        },
        tags: { type: "object", additionalProperties: { type: "string" } },
      },
      required: ["tags"],
    });
    expect(rows).toEqual([
      { path: "Policy", type: "object", always: false },
      { path: "Policy.Statement", type: "array of object", always: false },
      { path: "Policy.Statement[].Effect", type: '"Allow" | "Deny"', always: false },
      { path: "tags", type: "map of string", always: true },
    ]);
    expect(typeWords({ anyOf: [{ type: "object" }, { type: "string" }] })).toBe("object or string");
  });

  test("the outline of built-in types names MessageRetentionPeriod and tracingConfig.mode", async () => {
    const sqs = await cli("schema", "AWS::SQS::Queue");
    expect(sqs.code).toBe(0);
    expect(sqs.out).toMatch(/^ {2}MessageRetentionPeriod +number *$/m);
    expect(sqs.out).toMatch(/^ {2}Policy\.Statement\[\]\.Effect +"Allow" \| "Deny"/m);
    const lambda = await cli("schema", "lambda");
    expect(lambda.out).toMatch(/^ {2}tracingConfig\.mode +"Active" \| "PassThrough"/m);
  });

  test("--json prints the JSON Schema; no type lists the types with their service; cloudtrail the record", async () => {
    const json = await cli("schema", "aws::sqs::queue", "--json");
    const schema = JSON.parse(json.out) as { title: string; properties: Record<string, unknown> };
    expect(schema.title).toBe("AWS::SQS::Queue document");
    expect(Object.keys(schema.properties)).toContain("MessageRetentionPeriod");
    const list = await cli("schema");
    expect(list.out).toMatch(/^ {2}AWS::SQS::Queue +sqs$/m);
    expect(list.out).toMatch(/^ {2}cloudtrail +the CloudTrail record/m);
    const record = await cli("schema", "cloudtrail");
    expect(record.out).toMatch(/^ {2}userIdentity\.type +"Root" \|/m);
  });

  test("an unknown type is a usage error naming the nearest types", async () => {
    const r = await cli("schema", "AWS::SQS::Queu");
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      'guardrail: unknown resource type "AWS::SQS::Queu" (nearest: AWS::SQS::Queue, AWS::KMS::Key, AWS::S3::Bucket); `guardrail schema` lists every type\n',
    );
    expect(() => schemaCommand("AWS::Nope::Nope", {})).toThrow(UsageError);
  });

  test("--help of both commands shows examples", async () => {
    const schema = await cli("schema", "--help");
    expect(schema.out).toContain("$ guardrail schema AWS::SQS::Queue");
    const created = await cli("new", "policy", "--help");
    expect(created.out).toContain("$ guardrail new policy --type AWS::SQS::Queue --id");
  });
});

describe("guardrail new policy", () => {
  test("writes a policy that validates, whose compliant example fails until it is written, and never overwrites", async () => {
    const dir = join(scratch(), "policies", "sqs");
    const file = join(dir, "sqs-queue-retention-4-days.json");
    const args = ["new", "policy", "--type", "AWS::SQS::Queue", "--id", "sqs-queue-retention-4-days", "--dir", dir];
    const first = await cli(...args);
    expect(first.code).toBe(0);
    expect(first.out).toContain(`wrote ${file}`);

    const { policies, problems } = loadPolicies([file]);
    expect(problems.map(formatProblem)).toEqual([]);
    const outcomes = runExamples(policies);
    expect(outcomes.map((o) => [o.expected, o.passed])).toEqual([
      ["COMPLIANT", false],
      ["NON_COMPLIANT", true],
    ]);
    expect(outcomes[0]?.reason).toContain("TODO");

    const text = readFileSync(file, "utf8");
    const again = await cli(...args);
    expect(again.code).toBe(2);
    expect(again.err).toBe(`guardrail: ${file} exists; it was not overwritten\n`);
    expect(readFileSync(file, "utf8")).toBe(text);

    // Filled in as an author would, it passes.
    const policy = JSON.parse(text) as Record<string, unknown>;
    policy.compliant = {
      required: ["MessageRetentionPeriod"],
      properties: { MessageRetentionPeriod: { type: "number", minimum: 345600 } },
      description: "messages are kept fewer than 4 days",
    };
    policy.examples = {
      compliant: [{ name: "kept 4 days", configuration: { MessageRetentionPeriod: "345600" } }],
      noncompliant: [{ name: "kept 1 hour", configuration: { MessageRetentionPeriod: "3600" } }],
    };
    writeFileSync(file, JSON.stringify(policy));
    const filled = loadPolicies([file]);
    expect(filled.problems).toEqual([]);
    expect(runExamples(filled.policies).every((o) => o.passed)).toBe(true);
  });

  test("refuses an id taken by a built-in policy, an id that breaks the rule, an unknown type", async () => {
    const dir = scratch();
    const taken = await cli("new", "policy", "--type", "AWS::SQS::Queue", "--id", "sqs-queue-encrypted", "--dir", dir);
    expect(taken.code).toBe(2);
    expect(taken.err).toMatch(/--id "sqs-queue-encrypted": a policy with this id exists/);
    const bad = await cli("new", "policy", "--type", "sqs", "--id", "sqs--Queue", "--dir", dir);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--id "sqs--Queue": must be lower-case words/);
    const unknown = await cli("new", "policy", "--type", "AWS::SQS::Queu", "--id", "sqs-x", "--dir", dir);
    expect(unknown.err).toMatch(/unknown resource type "AWS::SQS::Queu" \(nearest: AWS::SQS::Queue/);
    expect(() => newPolicyCommand({ type: "cloudtrail", id: "cloudtrail-x", dir, severity: "low" })).toThrow(
      UsageError,
    );
    expect(existsSync(join(dir, "sqs-x.json"))).toBe(false);
  });

  test("$schema: the repository's own meta-schema, else the one in the project's node_modules", () => {
    expect(metaSchemaRef(join(ROOT, "policies", "sqs"))).toEqual({ ref: "../policy.schema.json", stable: true });
    const name = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { name: string }).name;
    const project = scratch();
    const installed = join(project, "node_modules", name, "policies");
    mkdirSync(installed, { recursive: true });
    writeFileSync(join(installed, "policy.schema.json"), "{}");
    expect(metaSchemaRef(join(project, "policies", "sqs"))).toEqual({
      ref: `../../node_modules/${name}/policies/policy.schema.json`,
      stable: true,
    });
    expect(metaSchemaRef(project).ref).toBe(`./node_modules/${name}/policies/policy.schema.json`);
    // Neither: the running Guardrail's file, said to be valid on this machine only.
    const elsewhere = scratch();
    const ref = metaSchemaRef(elsewhere);
    expect(ref.stable).toBe(false);
    expect(readFileSync(join(elsewhere, ref.ref), "utf8")).toBe(
      readFileSync(join(ROOT, "policies/policy.schema.json"), "utf8"),
    );
  });
});

describe("extension packs' types", () => {
  // Last: registering a pack's types lasts for the rest of this file's process.
  test("--pack: schema prints a pack's type, and new policy scaffolds one that validates with the pack", async () => {
    const pack = join(ROOT, "examples", "extension-pack");
    const before = await cli("schema", "AWS::EFS::FileSystem");
    expect(before.code).toBe(2);
    const r = await cli("schema", "AWS::EFS::FileSystem", "--pack", pack);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^AWS::EFS::FileSystem \(policies\/elasticfilesystem\/\)/);
    expect(r.out).toMatch(/^ {2}FileSystemId +string +always present/m);

    const dir = join(scratch(), "elasticfilesystem");
    const args = ["--type", "AWS::EFS::FileSystem", "--id", "efs-filesystem-encrypted", "--dir", dir, "--pack", pack];
    expect((await cli("new", "policy", ...args)).code).toBe(0);
    const { problems } = loadPolicies([join(dir, "efs-filesystem-encrypted.json")]);
    expect(problems.map(formatProblem)).toEqual([]);
  });
});
