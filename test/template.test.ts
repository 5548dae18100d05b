import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fleetSnapshots } from "../fleet/generate";
import { UNDEPLOYABLE, fleetAccountTemplates, sampleFleetTemplate } from "../fleet/template";
import { resolveTemplate } from "../lib/cloudformation/resolve";
import { parseTemplate } from "../lib/cloudformation/template";
import { Engine, type AnyEvaluation } from "../lib/engine/evaluate";
import { loadPolicies } from "../lib/policy/load";
import { resourceFromConfigItem } from "../lib/resources/adapter";
import { toConfigItem } from "../lib/resources/config-item";
import { adapterFor, resourceIdentities } from "../lib/resources/registry";
import { judgeTemplate } from "../lib/scan/template";

/*
 * One policy, one meaning, before and after deploy: the sample fleet's Config snapshots and the same fleet written
 * as CloudFormation give the same verdict for every (policy, resource) pair both judge; the deployable fleet
 * template passes cfn-lint; and `guardrail scan --template` works end to end (the built CLI).
 */

const ROOT = join(__dirname, "..");
const BIN = join(ROOT, "bin", "guardrail.js");
const tmp = mkdtempSync(join(tmpdir(), "guardrail-template-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

beforeAll(() => {
  if (!existsSync(join(ROOT, "dist", "cli", "main.js"))) {
    execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: ROOT, stdio: "inherit" });
  }
});

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, CI: "true", NO_COLOR: "1" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * The two things the fleet's Config items record that no template can: a bucket without default encryption (S3
 * has encrypted every bucket with SSE-S3 since 2023-01; a template without BucketEncryption gets it too), and
 * tags on an API Gateway method (AWS::ApiGateway::Method has no Tags property, so a `guardrail:exempt` tag there
 * has no template form; the exemptions file is the way).
 */
function templateCannotSay(template: AnyEvaluation, config: AnyEvaluation): boolean {
  if (template.policyId === "s3-bucket-default-encryption") {
    return template.compliance === "COMPLIANT" && config.compliance !== "COMPLIANT";
  }
  return (
    template.resourceType === "AWS::ApiGateway::Method" &&
    config.compliance === "EXEMPT" &&
    template.compliance === "NON_COMPLIANT"
  );
}

describe("template scan and Config scan agree", () => {
  test("same verdict for every (policy, resource) pair of the fleet that both judge", () => {
    const { policies } = loadPolicies();
    const engine = new Engine(policies);
    // The whole architecture: half its services are serverless, the ones the template form covers.
    const opts = { services: 48, seed: 3, violationRate: 0.35, scope: "architecture" as const };
    const key = (policy: string, account: string, region: string, id: string) => `${policy} ${account} ${region} ${id}`;
    const fromConfig = new Map<string, AnyEvaluation>();
    for (const s of fleetSnapshots(opts)) {
      for (const raw of s.items) {
        const item = toConfigItem(raw);
        const adapter = adapterFor(item.resourceType);
        if (!adapter) continue;
        for (const e of engine.evaluate(resourceFromConfigItem(adapter, item))) {
          fromConfig.set(key(e.policyId, s.account.id, s.region, item.resourceId), e);
        }
      }
    }
    let compared = 0;
    const verdictsSeen = new Set<string>();
    const disagreements: string[] = [];
    const inexpressible: string[] = [];
    for (const t of fleetAccountTemplates(opts)) {
      // Through text, as a file would be read.
      const parsed = parseTemplate(`${t.accountId}-${t.region}.json`, JSON.stringify(t.template, null, 1));
      const configIdOf = new Map([...t.logicalIds].map(([configId, logicalId]) => [logicalId, configId]));
      for (const v of judgeTemplate(resolveTemplate(parsed, {}, resourceIdentities()), engine)) {
        const configId = configIdOf.get(v.resource.logicalId);
        if (configId === undefined) continue; // template-only helpers (access-log bucket)
        for (const e of v.evaluations) {
          const c = fromConfig.get(key(e.policyId, t.accountId, t.region, configId));
          expect(c).toBeDefined();
          compared++;
          verdictsSeen.add(e.compliance);
          if (c?.compliance === e.compliance) continue;
          const pair = `${e.policyId} ${configId}: Config ${c?.compliance}, template ${e.compliance} (${e.annotation ?? ""})`;
          if (c && templateCannotSay(e, c)) inexpressible.push(pair);
          else disagreements.push(pair);
        }
      }
    }
    expect(disagreements).toEqual([]);
    expect(compared).toBeGreaterThan(24 * 25);
    // The comparison covers violations, exemptions and not-applicable pairs, not only clean ones; and nothing the
    // fleet writes is left unknown.
    expect([...verdictsSeen].sort()).toEqual(["COMPLIANT", "EXEMPT", "NON_COMPLIANT", "NOT_APPLICABLE"]);
    expect(inexpressible.length).toBeGreaterThan(0);
    expect(inexpressible.length).toBeLessThan(compared / 50);
  });
});

describe("the deployable fleet template", () => {
  test("passes cfn-lint with no errors, clean and with violations", () => {
    for (const violations of [false, true]) {
      const file = join(tmp, `fleet-${violations}.json`);
      const r0 = cli([
        "fleet",
        "template",
        "--services",
        "3",
        "--seed",
        "5",
        "--out",
        file,
        ...(violations ? ["--violations", "--violation-rate", "0.6"] : []),
      ]);
      expect(r0.stderr).toBe("");
      expect(r0.code).toBe(0);
      const args = ["--format", "json", "--regions", "us-east-1", "eu-west-1", "--", file];
      let r = spawnSync("cfn-lint", args, { encoding: "utf8" });
      if ((r.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT") {
        r = spawnSync("python3", ["-c", "import sys; from cfnlint.runner import main; sys.exit(main())", ...args], {
          encoding: "utf8",
        });
      }
      if (r.error) throw r.error;
      expect([r.status! & ~(2 | 4 | 8), r.stderr]).toEqual([0, ""]);
      const matches = JSON.parse(r.stdout || "[]") as { Level: string; Rule: { Id: string }; Message: string }[];
      expect(matches.filter((m) => m.Level === "Error")).toEqual([]);
    }
  });

  test("planted violations are what the template scan finds", () => {
    const { template, expected } = sampleFleetTemplate({ services: 4, seed: 9, violations: true, violationRate: 0.5 });
    expect(expected.length).toBeGreaterThan(10);
    expect(expected.some((e) => UNDEPLOYABLE.has(e.policyId))).toBe(false);
    const file = join(tmp, "planted.json");
    writeFileSync(file, JSON.stringify(template));
    const r = cli(["scan", "--template", file, "--format", "json", "--no-progress"]);
    expect(r.code).toBe(1); // violations fail a scan by default
    const found = (JSON.parse(r.stdout) as { results: AnyEvaluation[] }).results.filter(
      (e) => e.compliance === "NON_COMPLIANT" || e.compliance === "EXEMPT",
    );
    // Each planted violation shows up once, on the resource the template declares for it.
    expect(found.length).toBe(expected.length);
    expect(new Set(found.map((e) => e.policyId))).toEqual(new Set(expected.map((e) => e.policyId)));
    // Tag exemptions hold, except on API Gateway methods, which CloudFormation cannot tag (see templateCannotSay).
    const exempt = (x: { compliance: string; resourceType: string }) =>
      x.compliance === "EXEMPT" && x.resourceType !== "AWS::ApiGateway::Method";
    expect(found.filter(exempt).length).toBe(expected.filter(exempt).length);
    expect(found.filter(exempt).length).toBeGreaterThan(0);
  });
});

describe("guardrail scan --template", () => {
  const yaml = [
    "Parameters:",
    "  KeyArn: { Type: String }",
    "Resources:",
    "  Queue:",
    "    Type: AWS::SQS::Queue",
    "    Properties:",
    "      QueueName: jobs",
    "      KmsMasterKeyId: !Ref KeyArn",
    "  Domain:",
    "    Type: AWS::ApiGateway::DomainName",
    "    Properties:",
    "      DomainName: api.example.com",
    "      SecurityPolicy: TLS_1_0",
    "",
  ].join("\n");

  test("SARIF locates violations and unknowns at the template line; --parameter settles the unknown", () => {
    const dir = join(tmp, "repo", "infra");
    execFileSync("mkdir", ["-p", dir, join(tmp, "repo", "node_modules", "x")]);
    writeFileSync(join(dir, "stack.yaml"), yaml);
    writeFileSync(join(tmp, "repo", "package.json"), '{"name":"not-a-template"}');
    writeFileSync(join(tmp, "repo", "node_modules", "x", "t.json"), '{"Resources":{"B":{"Type":"AWS::S3::Bucket"}}}');
    const out = join(tmp, "r.sarif");
    const r = cli(["scan", "--template", join(tmp, "repo"), "--format", "sarif", "--out", out, "--fail-on", "medium"]);
    expect(r.code).toBe(1); // the TLS_1_0 domain (medium)
    const sarif = JSON.parse(readFileSync(out, "utf8")) as {
      runs: {
        results: {
          ruleId: string;
          kind?: string;
          level: string;
          locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
        }[];
      }[];
    };
    const results = sarif.runs[0]?.results ?? [];
    const domain = results.find((x) => x.ruleId === "apigateway-domain-tls-1-2");
    expect(domain?.locations[0]?.physicalLocation.region.startLine).toBe(13);
    expect(domain?.locations[0]?.physicalLocation.artifactLocation.uri).toMatch(/infra\/stack\.yaml$/);
    const unknown = results.find((x) => x.ruleId === "sqs-queue-encrypted");
    expect([unknown?.kind, unknown?.level, unknown?.locations[0]?.physicalLocation.region.startLine]).toEqual([
      "review",
      "none",
      8,
    ]);
    // Only the one template was read: package.json is not a template, node_modules is skipped.
    const json = cli(["scan", "--template", join(tmp, "repo"), "--format", "json", "--parameter", "KeyArn=alias/jobs"]);
    const parsed = JSON.parse(json.stdout) as { results: AnyEvaluation[]; summary: { files: { read: number } } };
    expect(parsed.summary.files.read).toBe(1);
    expect(parsed.results.find((x) => x.policyId === "sqs-queue-encrypted")?.compliance).toBe("COMPLIANT");
    // UNKNOWN fails the build only when asked to.
    expect(cli(["scan", "--template", join(dir, "stack.yaml"), "--policy", "sqs-queue-encrypted"]).code).toBe(0);
    expect(
      cli(["scan", "--template", join(dir, "stack.yaml"), "--policy", "sqs-queue-encrypted", "--fail-on-unknown"]).code,
    ).toBe(1);
  });

  test("bad input: a named file that is not a template is an input error (exit 3); bad options are usage errors", () => {
    const bad = join(tmp, "bad.yaml");
    writeFileSync(bad, "Resources:\n  A: [\n");
    const r = cli(["scan", "--template", bad]);
    expect(r.code).toBe(3);
    expect(r.stdout + r.stderr).toMatch(/bad\.yaml.*YAML syntax error/);
    expect(cli(["scan", "--template", bad, "--parameter", "nope"]).code).toBe(2);
    expect(cli(["scan"]).code).toBe(2);
  });
});
