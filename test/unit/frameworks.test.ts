import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadExtensionPack } from "../../lib/pack/extensions";
import { createMetaAjv } from "../../lib/policy/ajv";
import { frameworkFileProblems, frameworkName, frameworks } from "../../lib/policy/frameworks";
import { loadPolicies } from "../../lib/policy/load";

/*
 * Frameworks are data (frameworks/<id>.json): any framework with a file can be mapped, an unknown framework or
 * control id is a validate error that names what exists, and an extension pack's frameworks/ adds to them.
 */

const ROOT = join(__dirname, "..", "..");
const SQS_POLICY = join(ROOT, "policies", "sqs", "sqs-queue-encrypted.json");

/** The SQS encryption policy in a folder of its own, with `frameworks` replaced. */
function policyMapping(mapping: Record<string, string[]>): string {
  const dir = mkdtempSync(join(tmpdir(), "guardrail-fw-"));
  const policy = JSON.parse(readFileSync(SQS_POLICY, "utf8")) as Record<string, unknown>;
  writeFileSync(join(dir, "sqs-queue-encrypted.json"), JSON.stringify({ ...policy, frameworks: mapping }, null, 2));
  return dir;
}

const problemsOf = (dir: string) =>
  loadPolicies([dir], dir).problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.pointer} ${p.message}`);

describe("framework data files", () => {
  it("the built-in ones load without a problem, their ids as the policies use them", () => {
    expect(frameworkFileProblems()).toEqual([]);
    expect([...frameworks().keys()]).toEqual([
      "aws-foundational-security-best-practices",
      "cis-aws-foundations-benchmark-3.0.0",
    ]);
    expect(frameworkName("cis-aws-foundations-benchmark-3.0.0")).toBe("CIS AWS Foundations Benchmark 3.0.0");
    expect(frameworks().get("cis-aws-foundations-benchmark-3.0.0")?.controls).toHaveLength(62);
  });

  it("the built-in files pass the framework schema (a scan trusts them unchecked, as it does the precompiled pack)", () => {
    const dir = join(ROOT, "frameworks");
    const validate = createMetaAjv().compile(
      JSON.parse(readFileSync(join(dir, "framework.schema.json"), "utf8")) as object,
    );
    const files = readdirSync(dir).filter((f) => f.endsWith(".json") && !f.endsWith(".schema.json"));
    expect(files).toHaveLength(2);
    for (const f of files) {
      expect([f, validate(JSON.parse(readFileSync(join(dir, f), "utf8"))), validate.errors ?? null]).toEqual([
        f,
        true,
        null,
      ]);
    }
  });

  it("every built-in policy's mapping names a framework and controls its file lists", () => {
    const { problems } = loadPolicies([join(ROOT, "policies")], ROOT);
    expect(problems.filter((p) => p.pointer.startsWith("/frameworks"))).toEqual([]);
  });

  it("the meta-schema offers the built-in ids to editors and no longer closes the list", () => {
    const meta = JSON.parse(readFileSync(join(ROOT, "policies", "policy.schema.json"), "utf8")) as {
      properties: { frameworks: { properties: object; additionalProperties: unknown } };
    };
    expect(Object.keys(meta.properties.frameworks.properties)).toEqual([...frameworks().keys()]);
    expect(meta.properties.frameworks.additionalProperties).toEqual({ $ref: "#/$defs/controlIds" });
  });
});

describe("a policy's frameworks", () => {
  it("an unknown framework is an error at its key naming the known ids, not 'unknown property'", () => {
    const dir = policyMapping({ "pci-dss-4.0": ["1.2.1"] });
    const problems = problemsOf(dir);
    expect(problems).toEqual([
      expect.stringMatching(
        /^sqs-queue-encrypted\.json:\d+:\d+ \/frameworks\/pci-dss-4\.0 unknown framework "pci-dss-4\.0" \(known: aws-foundational-security-best-practices, cis-aws-foundations-benchmark-3\.0\.0\); to map to another, add frameworks\/pci-dss-4\.0\.json to an extension pack/,
      ),
    ]);
  });

  it("a control the framework's file does not list is an error naming the file", () => {
    const dir = policyMapping({ "aws-foundational-security-best-practices": ["SQS.1", "SQS.99"] });
    expect(problemsOf(dir)).toEqual([
      expect.stringMatching(
        /\/frameworks\/aws-foundational-security-best-practices\/1 "SQS\.99" is not a control of AWS Foundational Security Best Practices 1\.0\.0 \(frameworks\/aws-foundational-security-best-practices\.json; did you mean SQS\.\d\?\)$/,
      ),
    ]);
  });

  it("a framework id that is not lower-case words is a meta-schema error", () => {
    const dir = policyMapping({ "PCI DSS": ["1.2.1"] });
    expect(problemsOf(dir).join("\n")).toMatch(/\/frameworks /);
  });

  it("an extension pack's frameworks/ maps a new framework; a broken file there is named at its place", () => {
    const pack = mkdtempSync(join(tmpdir(), "guardrail-fw-pack-"));
    mkdirSync(join(pack, "frameworks"));
    writeFileSync(
      join(pack, "frameworks", "pci-dss-4.0.json"),
      JSON.stringify(
        {
          id: "pci-dss-4.0",
          name: "PCI DSS",
          version: "4.0",
          source: "https://example.com/pci",
          controls: [{ id: "3.5.1", title: "PAN is rendered unreadable anywhere it is stored" }],
        },
        null,
        2,
      ),
    );
    writeFileSync(
      join(pack, "frameworks", "broken.json"),
      '{\n  "id": "broken",\n  "name": "B",\n  "version": "1",\n  "source": "https://x",\n  "controls": [{ "id": 7, "title": "t" }]\n}\n',
    );
    writeFileSync(join(pack, "frameworks", "truncated.json"), '{\n  "id": "truncated",\n');
    loadExtensionPack(pack);
    const dir = policyMapping({ "pci-dss-4.0": ["3.5.1"] });
    const problems = problemsOf(dir);
    expect(problems).toEqual([
      expect.stringMatching(/broken\.json:6:24 \/controls\/0\/id must be string$/),
      expect.stringMatching(/truncated\.json:3:1 {2}JSON syntax error: /),
    ]);
    expect(frameworks().has("pci-dss-4.0")).toBe(true);
    expect(frameworks().has("broken")).toBe(false);
  });
});
