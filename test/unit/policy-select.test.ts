import { join } from "node:path";
import { defaultPolicyDirs, loadPolicies, type CompiledPolicy } from "../../lib/policy/load";
import { resourceTypesOf, SEVERITIES } from "../../lib/policy/types";
import { parseSeverity, SelectionError, selectPolicies } from "../../lib/pack/select";

/** The built-in pack, compiled once: the selection is judged on real ids, types, severities and frameworks. */
let pack: CompiledPolicy[];
beforeAll(() => {
  pack = loadPolicies(defaultPolicyDirs(), join(__dirname, "..", "..")).policies;
});
const ids = (ps: CompiledPolicy[]) => ps.map((p) => p.policy.id);
const error = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SelectionError);
    return (e as Error).message;
  }
  throw new Error("no SelectionError");
};

describe("policy selection", () => {
  test("no filter keeps the pack; --policy and --skip-policy are id globs", () => {
    expect(ids(selectPolicies(pack, {}))).toEqual(ids(pack));
    const s3 = selectPolicies(pack, { policy: ["s3-*"] });
    expect(s3.length).toBeGreaterThan(2);
    expect(s3.every((p) => p.policy.id.startsWith("s3-"))).toBe(true);
    const rest = selectPolicies(pack, { policy: ["s3-*"], skipPolicy: ["s3-bucket-tls-only"] });
    expect(ids(rest)).toEqual(ids(s3).filter((id) => id !== "s3-bucket-tls-only"));
    expect(ids(selectPolicies(pack, { policy: ["sqs-queue-encrypted", "s3-bucket-tls-only"] })).sort()).toEqual([
      "s3-bucket-tls-only",
      "sqs-queue-encrypted",
    ]);
  });

  test("--type globs: * stays within one part of AWS::Service::Resource", () => {
    const s3 = selectPolicies(pack, { type: ["AWS::S3::*"] });
    expect(s3.every((p) => resourceTypesOf(p.policy).some((t) => t.startsWith("AWS::S3::")))).toBe(true);
    expect(ids(selectPolicies(pack, { type: ["AWS::S3::Bucket"] }))).toEqual(ids(s3));
    const buckets = selectPolicies(pack, { type: ["AWS::*::Bucket"] });
    expect(ids(buckets)).toEqual(ids(s3));
    expect(selectPolicies(pack, { type: ["AWS::**"] }).length).toBe(
      pack.filter((p) => resourceTypesOf(p.policy).length > 0).length,
    );
    expect(error(() => selectPolicies(pack, { type: ["AWS::*"] }))).toBe(
      '--type "AWS::*" matches no resource type a policy judges (a type is AWS::Service::Resource; * stays within one part)',
    );
  });

  test("--severity: a list, or a floor with +", () => {
    expect(parseSeverity("high+")).toEqual(["critical", "high"]);
    expect(parseSeverity("info+")).toEqual(SEVERITIES);
    expect(parseSeverity("medium")).toEqual(["medium"]);
    expect(parseSeverity("urgent")).toBeUndefined();
    const high = selectPolicies(pack, { severity: ["high+"] });
    expect(high.length).toBeGreaterThan(0);
    expect(new Set(high.map((p) => p.policy.severity))).toEqual(
      new Set(pack.filter((p) => ["critical", "high"].includes(p.policy.severity)).map((p) => p.policy.severity)),
    );
    expect(ids(selectPolicies(pack, { severity: ["critical,high"] }))).toEqual(ids(high));
    expect(error(() => selectPolicies(pack, { severity: ["hihg"] }))).toContain('--severity "hihg" is not a severity');
  });

  test("--framework keeps the policies mapped to it; an unknown id lists the known ones", () => {
    const cis = selectPolicies(pack, { framework: ["cis-aws-foundations-benchmark-3.0.0"] });
    expect(cis.length).toBeGreaterThan(0);
    expect(cis.every((p) => p.policy.frameworks?.["cis-aws-foundations-benchmark-3.0.0"])).toBe(true);
    const msg = error(() => selectPolicies(pack, { framework: ["pci-dss-4.0"] }));
    expect(msg).toMatch(/^--framework "pci-dss-4\.0" is not a framework id; known: .*aws-foundational-security-best-practices/); // prettier-ignore
  });

  test("a value that matches nothing, or filters that leave nothing, are errors naming them", () => {
    expect(error(() => selectPolicies(pack, { policy: ["sqs-nope"] }))).toBe(
      "unknown policy id: sqs-nope (--policy; see `guardrail explain`)",
    );
    expect(error(() => selectPolicies(pack, { policy: ["s3-*x"] }))).toBe(
      '--policy "s3-*x" matches no policy id (see `guardrail explain`)',
    );
    expect(error(() => selectPolicies(pack, { skipPolicy: ["nope-*"] }))).toContain('--skip-policy "nope-*"');
    expect(error(() => selectPolicies(pack, { policy: ["s3-*"], type: ["AWS::SQS::Queue"] }))).toBe(
      `no policy is left after --policy s3-* --type AWS::SQS::Queue (of ${pack.length} in the pack)`,
    );
    expect(error(() => selectPolicies(pack, { policy: [""] }))).toContain("is empty");
  });

  test("hostile globs are errors or plain non-matches, never a hang", () => {
    const long = "a".repeat(70_000);
    expect(error(() => selectPolicies(pack, { policy: [long] }))).toMatch(/^--policy "a{80}" is not a glob: /);
    const started = Date.now();
    for (const g of ["*a*a*a*a*a*a*a*a*a*a*b", "[", "{a,", "!(", "\\", "**/**/**"]) {
      try {
        selectPolicies(pack, { policy: [g] });
      } catch (e) {
        expect(e).toBeInstanceOf(SelectionError);
      }
    }
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
