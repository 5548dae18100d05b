import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CONFIG_FILE, findProjectConfig, ProjectConfigError, readProjectConfig } from "../../lib/pack/config";
import { withProjectSettings } from "../../cli/commands/scan";

const dir = () => mkdtempSync(join(tmpdir(), "guardrail-config-"));
function write(folder: string, text: string): string {
  const file = join(folder, CONFIG_FILE);
  writeFileSync(file, text);
  return file;
}
const problem = (file: string) => {
  try {
    readProjectConfig(file);
  } catch (e) {
    expect(e).toBeInstanceOf(ProjectConfigError);
    return (e as Error).message;
  }
  throw new Error("no ProjectConfigError");
};

describe("guardrail.config.json", () => {
  test("scan settings are read, paths resolved from the file, and found from a folder below", () => {
    const root = dir();
    mkdirSync(join(root, "infra", "stacks"), { recursive: true });
    write(
      root,
      JSON.stringify({
        $schema: "./node_modules/guardrail/schemas/guardrail.config.schema.json",
        exemptions: "exemptions.json",
        scan: {
          failOn: "high",
          softFail: false,
          format: "sarif",
          out: "reports/guardrail.sarif",
          baseline: "guardrail.baseline.json",
          parameters: { Stage: "prod", Port: 443, Public: false },
          severity: ["medium+"],
          framework: ["aws-foundational-security-best-practices"],
          policy: ["s3-*"],
          skipPolicy: ["s3-bucket-tls-only"],
          type: ["AWS::S3::*"],
        },
      }),
    );
    const config = findProjectConfig(join(root, "infra", "stacks"));
    expect(config).toMatchObject({
      file: join(root, CONFIG_FILE),
      exemptions: join(root, "exemptions.json"),
      scan: {
        failOn: "high",
        softFail: false,
        format: "sarif",
        out: join(root, "reports", "guardrail.sarif"),
        baseline: join(root, "guardrail.baseline.json"),
        parameters: { Stage: "prod", Port: "443", Public: "false" },
        severity: ["medium+"],
        type: ["AWS::S3::*"],
      },
    });
  });

  test("an option given on the command line wins; a list option replaces the file's list", () => {
    const settings = { failOn: "high", format: "sarif", softFail: true, policy: ["s3-*"], severity: ["low+"] } as const; // prettier-ignore
    const merged = withProjectSettings(
      { failOn: "critical", policy: ["sqs-*"], softFail: false },
      {
        ...settings,
        policy: [...settings.policy],
        severity: [...settings.severity],
      },
    );
    expect(merged).toMatchObject({ failOn: "critical", format: "sarif", softFail: false, policy: ["sqs-*"], severity: ["low+"] }); // prettier-ignore
    expect(withProjectSettings({}, {}).format).toBe("table");
  });

  test("schema errors name the file, line:col, the pointer and what is allowed", () => {
    const root = dir();
    const file = write(root, '{\n  "scan": {\n    "failOn": "urgent",\n    "softfail": true,\n    "severity": ["hi"]\n  }\n}\n'); // prettier-ignore
    const lines = problem(file).split("\n");
    expect(lines).toContain(`${file}:3:15  /scan/failOn  must be one of: critical, high, medium, low, info`);
    expect(lines.find((l) => l.startsWith(`${file}:4:5  /scan/softfail  is not a setting (settings here: failOn, softFail,`))).toBeDefined(); // prettier-ignore
    expect(lines).toContain(`${file}:5:18  /scan/severity/0  is not a severity (critical, high, medium, low, info; "high+" is high and above)`); // prettier-ignore
    expect(problem(write(root, '{"packs": "./platform-pack"}'))).toBe(`${file}:1:11  /packs  must be array`);
    expect(problem(write(root, '{"scan": {"format": "xml"}}'))).toMatch(
      new RegExp(`^${file.replace(/[.]/g, "\\.")}:1:21  /scan/format  must be one of: table, json, csv, sarif`),
    );
    expect(problem(write(root, '{"polices": []}'))).toBe(
      `${file}:1:2  /polices  is not a setting (settings here: $schema, packs, policies, exemptions, scan)`,
    );
  });

  test("hostile files: one located line each, never a stack or a hang", () => {
    const root = dir();
    const file = join(root, CONFIG_FILE);
    const cases: [string, RegExp][] = [
      ["", /:1:1 {2}\/ {2}JSON syntax error: value expected$/],
      ['{"packs": [],}', /:1:14 {2}\/ {2}JSON syntax error: /],
      ["[]", /:1:1 {2}\/ {2}must be object$/],
      ["null", /:1:1 {2}\/ {2}must be object$/],
      ['{"__proto__": {"failOn": "high"}}', /\/__proto__ {2}is not a setting/],
      [
        '{"scan": {"parameters": {"": "x"}}}',
        /\/scan\/parameters {2}the name "" must NOT have fewer than 1 characters$/,
      ],
      ['{"scan": {"parameters": {"Stage": {"a": 1}}}}', /\/scan\/parameters\/Stage {2}must be string,number,boolean/],
      ['{"scan": {"out": ""}}', /\/scan\/out {2}must NOT have fewer than 1 characters/],
      ["[".repeat(100_000), /(JSON syntax error|not JSON)/],
    ];
    const started = Date.now();
    for (const [text, expected] of cases) {
      writeFileSync(file, text);
      const msg = problem(file);
      expect(msg.startsWith(file)).toBe(true);
      expect(msg).toMatch(expected);
      expect(msg).not.toMatch(/\n\s+at /);
    }
    expect(Date.now() - started).toBeLessThan(20_000);
    // A byte order mark is not an error.
    writeFileSync(file, '\uFEFF{"scan": {"failOn": "low"}}');
    expect(readProjectConfig(file).scan.failOn).toBe("low");
    // A folder with the file's name is named, not read.
    const other = dir();
    mkdirSync(join(other, CONFIG_FILE));
    expect(problem(join(other, CONFIG_FILE))).toBe(`${join(other, CONFIG_FILE)}: is a folder, not a config file`);
  });
});
