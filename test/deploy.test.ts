import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { resourceIdentities } from "../lib/resources/registry";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { builtinModules, createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ATTRIBUTE_WORKER_KIND, KIND_REQUEST as DETECT_KIND_REQUEST } from "../lib/detect/request";
import { loadPolicies } from "../lib/policy/load";
import { isCloudTrailPolicy, resourceTypesOf } from "../lib/policy/types";
import { SERVICES } from "../lib/aws/services";
import { executorCommands } from "../lib/remediation/executor";
import { DESCRIBER_LOADERS } from "../lib/resources/types/describers";
import { KIND_REQUEST, MESSAGE_KIND_ATTRIBUTE } from "../lib/remediation/worker/message";
import { workerSettings } from "../lib/remediation/worker/settings";
import { recorded } from "./helpers/recorded";
import { resolveTemplate } from "../lib/cloudformation/resolve";
import { parseTemplate } from "../lib/cloudformation/template";
import { Engine } from "../lib/engine/evaluate";
import { Exemptions } from "../lib/engine/exemptions";
import { judgeTemplate } from "../lib/scan/template";

/*
 * The deployment as it would go out: the esbuild bundles (scripts/bundle.mjs), run in a fresh Node process, and
 * the CloudFormation template `serverless package` (osls, offline) generates from serverless.yml and deploy/*.js,
 * checked resource by resource and by cfn-lint. Everything is built into a temporary directory
 * (GUARDRAIL_BUILD_DIR, --package), so the working tree stays as it is.
 *
 * Facts behind the assertions: Config rule definitions, AWS Config API Reference, PutConfigRule (Source,
 * SourceDetail, Scope); EventBridge patterns, EventBridge User Guide, "Creating event patterns", and at most 4096
 * characters, EventBridge API Reference, PutRule; SQS visibility timeout and redrive, Lambda Developer Guide,
 * "Using Lambda with Amazon SQS"; logical ids, osls's naming (node_modules/osls/lib/plugins/aws/lib/naming.js).
 */

// deploy/*.js are the CommonJS modules serverless.yml loads; read them the same way.
const requireJs = createRequire(__filename);
const ROOT = join(__dirname, "..");
const { functions } = requireJs("../deploy/functions.js") as {
  functions: Record<string, { entry: string; timeout: number }>;
};
const { SDK_ACTIONS, PLATFORM_ACTIONS, STAR_ONLY, ROLE_IDS, PROTECTED_TAG } = requireJs("../deploy/iam.js") as {
  SDK_ACTIONS: Record<string, string>;
  PLATFORM_ACTIONS: string[];
  STAR_ONLY: string[];
  ROLE_IDS: Record<string, string>;
  PROTECTED_TAG: { key: string; value: string };
};
const { LONGEST_ROLE_ARN, MAX_PATTERN, REMEDIATION_ROLE_ID } = requireJs("../deploy/event-rules.js") as {
  LONGEST_ROLE_ARN: string;
  MAX_PATTERN: number;
  REMEDIATION_ROLE_ID: string;
};
const { METRICS } = requireJs("../deploy/alarms.js") as { METRICS: Record<string, string> };
const { deployCommand, loadAccounts } = requireJs("../deploy/deploy-accounts.js") as {
  deployCommand(a: unknown): string[];
  loadAccounts(file: string): unknown[];
};

type Json = Record<string, unknown>;
interface Resource {
  Type: string;
  Properties: Json;
  DependsOn?: string | string[];
}
interface Statement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action?: string | string[];
  NotAction?: unknown;
  Resource?: unknown;
  Principal?: unknown;
  Condition?: Json;
}

const STAGE = "test";
const ALERT_EMAIL = "payments-oncall@example.com";
const FUNCTION_IDS: Record<string, string> = {
  configRule: "ConfigRuleLambdaFunction",
  sweepWorker: "SweepWorkerLambdaFunction",
  cloudTrailEvents: "CloudTrailEventsLambdaFunction",
  remediationWorker: "RemediationWorkerLambdaFunction",
};
const OFFLINE_ENV = {
  SLS_TELEMETRY_DISABLED: "1",
  SLS_NOTIFICATIONS_MODE: "off",
  SLS_DEPRECATION_DISABLE: "*",
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "test",
  AWS_SECRET_ACCESS_KEY: "test",
};

let build: string;
let template: { Resources: Record<string, Resource>; Outputs?: Json };
const built: string[] = Object.keys(functions);

/** What scripts/bundle.mjs wrote beside a function's bundle (`<fn>.json`). */
interface BundleManifest {
  bundleBytes: number;
  initBytes: number;
  files: string[];
  filesAtInit: string[];
  sources: string[];
  sourcesAtInit: string[];
}
const manifestOf = (fn: string) => JSON.parse(readFileSync(join(build, `${fn}.json`), "utf8")) as BundleManifest;

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT): SpawnSyncReturns<string> {
  return spawnSync(command, args, {
    cwd,
    env: { ...process.env, ...env },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
}

function expectSuccess(r: SpawnSyncReturns<string>, what: string): void {
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
}

beforeAll(() => {
  build = mkdtempSync(join(tmpdir(), "guardrail-deploy-"));
  expectSuccess(run("node", ["scripts/bundle.mjs", "--out", build]), "bundle");
  const pkg = run(
    "npx",
    [
      "--no-install",
      "serverless",
      "package",
      "--stage",
      STAGE,
      "--region",
      "us-east-1",
      "--param=teamName=payments",
      `--param=alertEmail=${ALERT_EMAIL}`,
      // With the Security Hub option, so the roles are checked with the one call it adds (off: security-hub.test.ts).
      "--param=securityHub=true",
      "--package",
      join(build, "sls"),
    ],
    { ...OFFLINE_ENV, GUARDRAIL_BUILD_DIR: build, GUARDRAIL_SKIP_BUNDLE: "1" },
  );
  expectSuccess(pkg, "serverless package");
  template = JSON.parse(readFileSync(join(build, "sls", "cloudformation-template-update-stack.json"), "utf8"));
}, 240_000);

afterAll(() => {
  if (build) rmSync(build, { recursive: true, force: true });
});

// ---- helpers over the template ------------------------------------------------------------------------------

function resourcesOf(type: string): [string, Resource][] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

function resource(id: string): Resource {
  const r = template.Resources[id];
  if (!r) throw new Error(`no resource ${id} in the template`);
  return r;
}

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

const getAtt = (v: unknown): [string, string] | undefined => {
  const g = (v as { "Fn::GetAtt"?: unknown } | undefined)?.["Fn::GetAtt"];
  return Array.isArray(g) ? (g as [string, string]) : undefined;
};

/** Every policy document in the template, named for messages. */
function policyDocuments(): { where: string; role?: string; statements: Statement[] }[] {
  const docs: { where: string; role?: string; statements: Statement[] }[] = [];
  const add = (where: string, doc: unknown, role?: string) => {
    const statements = list((doc as { Statement?: Statement | Statement[] }).Statement);
    docs.push({ where, ...(role ? { role } : {}), statements });
  };
  // Managed policies belong to the roles that attach them (ManagedPolicyArns: { Ref }).
  const attachedTo = new Map<string, string>();
  for (const [id, r] of Object.entries(template.Resources)) {
    if (r.Type !== "AWS::IAM::Role") continue;
    for (const arn of list(r.Properties.ManagedPolicyArns as unknown[])) {
      const ref = (arn as { Ref?: string }).Ref;
      if (ref) attachedTo.set(ref, id);
    }
  }
  for (const [id, r] of Object.entries(template.Resources)) {
    const p = r.Properties;
    if (r.Type === "AWS::IAM::Role") {
      add(`${id} trust policy`, p.AssumeRolePolicyDocument);
      for (const pol of list(p.Policies as { PolicyName: string; PolicyDocument: unknown }[])) {
        add(`${id} ${pol.PolicyName}`, pol.PolicyDocument, id);
      }
    }
    if (r.Type === "AWS::IAM::Policy" || r.Type === "AWS::IAM::ManagedPolicy")
      add(id, p.PolicyDocument, attachedTo.get(id));
    if (["AWS::SQS::QueuePolicy", "AWS::SNS::TopicPolicy", "AWS::S3::BucketPolicy"].includes(r.Type)) {
      add(id, p.PolicyDocument);
    }
    if (r.Type === "AWS::KMS::Key") add(`${id} key policy`, p.KeyPolicy);
  }
  return docs;
}

function roleStatements(roleId: string): Statement[] {
  return policyDocuments()
    .filter((d) => d.role === roleId)
    .flatMap((d) => d.statements);
}

function allowedActions(roleId: string): Set<string> {
  return new Set(
    roleStatements(roleId)
      .filter((s) => s.Effect === "Allow")
      .flatMap((s) => list(s.Action)),
  );
}

/** An EventPattern as EventBridge would get it, with the remediation role's ARN at its longest. */
function resolvedPattern(pattern: unknown): string {
  return JSON.stringify(pattern, (_k, v: unknown) => (getAtt(v)?.[0] === REMEDIATION_ROLE_ID ? LONGEST_ROLE_ARN : v));
}

function tlsDeny(statements: Statement[], action: RegExp): Statement | undefined {
  return statements.find(
    (s) =>
      s.Effect === "Deny" &&
      s.Principal === "*" &&
      list(s.Action).some((a) => action.test(a)) &&
      (s.Condition?.Bool as Json | undefined)?.["aws:SecureTransport"] === "false",
  );
}

// ---- bundles -----------------------------------------------------------------------------------------------

describe("bundles", () => {
  test("each function has its bundle and zip, within sane sizes", () => {
    const rows: string[] = [];
    for (const fn of built) {
      const { bundleBytes, initBytes, files } = manifestOf(fn);
      const zip = statSync(join(build, `${fn}.zip`)).size;
      rows.push(
        `${fn.padEnd(18)} ${String(files.length).padStart(3)} files ${(bundleBytes / 1024).toFixed(0).padStart(6)} KB ` +
          `(at init ${(initBytes / 1024).toFixed(0)} KB)   zip ${(zip / 1024).toFixed(0).padStart(5)} KB`,
      );
      expect(initBytes).toBeGreaterThan(50 * 1024);
      expect(bundleBytes).toBeLessThan(5 * 1024 * 1024);
      expect(zip).toBeLessThan(1.5 * 1024 * 1024);
      // The directory holds the bundle's files and nothing else.
      expect(readdirSync(join(build, fn)).sort()).toEqual([...files].sort());
      // The zip holds them all, the entry first (Lambda loads `index.handler` from index.mjs), at its root.
      const listing = run("python3", ["-m", "zipfile", "-l", join(build, `${fn}.zip`)]);
      expectSuccess(listing, "zip listing");
      const names = listing.stdout
        .trim()
        .split("\n")
        .slice(1)
        .map((line) => line.split(/\s+/)[0]);
      expect(names).toEqual(files);
      expect(names[0]).toBe("index.mjs");
    }
    console.log(`bundle sizes (minified, AWS SDK included):\n${rows.join("\n")}`);
  });

  test("what an event may need is loaded on first use: live describes and write tables are chunks", () => {
    const describes = readdirSync(join(ROOT, "lib", "resources", "types"))
      .filter((f) => f.endsWith(".describe.ts"))
      .map((f) => `lib/resources/types/${f}`);
    expect(describes).toHaveLength(Object.keys(DESCRIBER_LOADERS).length);
    for (const fn of ["cloudTrailEvents", "remediationWorker"].filter((f) => built.includes(f))) {
      const { sources, sourcesAtInit, files, filesAtInit } = manifestOf(fn);
      // Every type's live describe is in the bundle, and none of them is loaded at a cold start.
      expect([fn, describes.filter((f) => !sources.includes(f))]).toEqual([fn, []]);
      expect([fn, describes.filter((f) => sourcesAtInit.includes(f))]).toEqual([fn, []]);
      expect(files.length).toBeGreaterThan(filesAtInit.length);
    }
    if (built.includes("remediationWorker")) {
      // Services only the fixes call: their modules (SDK clients and commands) load when a plan names them.
      const { sources, sourcesAtInit } = manifestOf("remediationWorker");
      const fixOnly = ["rds", "cloudfront", "elasticache", "eks", "apigatewayv2"].map(
        (s) => `lib/aws/services/${s}.ts`,
      );
      expect(fixOnly.filter((f) => !sources.includes(f))).toEqual([]);
      expect(fixOnly.filter((f) => sourcesAtInit.includes(f))).toEqual([]);
    }
  });

  test("the AWS SDK is bundled, not left to the Lambda runtime's copy", () => {
    for (const fn of built) {
      const manifest = JSON.parse(readFileSync(join(build, `${fn}.json`), "utf8")) as { externals: string[] };
      const notBuiltin = manifest.externals.filter((m) => !builtinModules.includes(m.replace(/^node:/, "")));
      expect([fn, notBuiltin]).toEqual([fn, []]);
    }
  });

  test("a bundled handler loads in a fresh Node process with every adapter, action and policy", () => {
    const under = (dir: string) =>
      readdirSync(join(ROOT, dir))
        .filter((f) => /\.ts$/.test(f))
        .map((f) => `${dir}/${f}`);
    const adapterFiles = under("lib/resources/types").filter(
      (f) => !/\.describe\.ts$|\.list\.ts$|\/describers\.ts$|\/listers\.ts$/.test(f),
    );
    const listFiles = under("lib/resources/types").filter((f) => /\.list\.ts$|\/listers\.ts$/.test(f));
    expect(listFiles.length).toBeGreaterThan(0);
    const actionFiles = under("remediations/actions");
    const policyIds = loadPolicies().policies.map((p) => p.policy.id);
    expect(policyIds.length).toBeGreaterThan(0);
    const script = join(build, "self-check.js");
    writeFileSync(
      script,
      `import(require("node:url").pathToFileURL(process.argv[2]).href).then((m) =>
         process.stdout.write("@@" + JSON.stringify({ handler: typeof m.handler, check: m.guardrailSelfCheck() })));`,
    );
    for (const fn of built) {
      const r = run("node", [script, join(build, fn, "index.mjs")], { ...OFFLINE_ENV, ...functionEnv(fn) }, build);
      expectSuccess(r, `loading the ${fn} bundle`);
      expect(r.stdout).not.toContain("policy left out of the pack");
      const { handler, check } = JSON.parse(r.stdout.slice(r.stdout.lastIndexOf("@@") + 2)) as {
        handler: string;
        check: {
          policies: string[];
          problems: unknown[];
          notPrecompiled: string[];
        };
      };
      expect(handler).toBe("function");
      expect(check.problems).toEqual([]);
      expect(check.policies.sort()).toEqual([...policyIds].sort());
      // Every validator was compiled at build time: the bundle carries no ajv compiler (scripts/bundle.mjs).
      expect(check.notPrecompiled).toEqual([]);
      // Registries are whole: every adapter in every bundle (the pack's engine needs them), every action or none.
      const { sources } = JSON.parse(readFileSync(join(build, `${fn}.json`), "utf8")) as { sources: string[] };
      expect([fn, adapterFiles.filter((f) => !sources.includes(f))]).toEqual([fn, []]);
      // Live listings are the CLI's (scan --live): no handler carries them.
      expect([fn, listFiles.filter((f) => sources.includes(f))]).toEqual([fn, []]);
      const actions = actionFiles.filter((f) => sources.includes(f));
      expect([fn, actions.length === 0 || actions.length === actionFiles.length]).toEqual([fn, true]);
    }
  });

  test("the bundled Config rule judges recorded events and sends PutEvaluations", () => {
    const sqsEvent = recorded<{ detail: { configurationItem: Json } }>("eventbridge-config-item-change-sqs-queue.json");
    const ec2Invocation = recorded<Json>("config-rule-invocation-change.json");
    const invocation = (policyId: string, base: Json) => ({ ...base, ruleParameters: JSON.stringify({ policyId }) });
    const events = [
      // The recorded invocation (an EC2 instance): not a type the policy judges.
      invocation("sqs-queue-encrypted", ec2Invocation),
      // The recorded SQS item (no SSE attributes) in a change notification.
      invocation("sqs-queue-encrypted", {
        ...ec2Invocation,
        invokingEvent: JSON.stringify({
          configurationItem: sqsEvent.detail.configurationItem,
          configurationItemDiff: null,
          notificationCreationTime: "2026-11-02T09:14:03.120Z",
          messageType: "ConfigurationItemChangeNotification",
          recordVersion: "1.3",
        }),
        resultToken: "recorded-sqs-token",
      }),
    ];
    const eventsFile = join(build, "events.json");
    writeFileSync(eventsFile, JSON.stringify(events));
    const script = join(build, "run-config-rule.js");
    // A stand-in for the Config endpoint on 127.0.0.1: records each call, answers PutEvaluations with no failures.
    writeFileSync(
      script,
      `const http = require("node:http");
       const fs = require("node:fs");
       const calls = [];
       const server = http.createServer((req, res) => {
         let body = "";
         req.on("data", (c) => (body += c));
         req.on("end", () => {
           calls.push({ target: req.headers["x-amz-target"], body: JSON.parse(body || "{}") });
           res.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
           res.end(JSON.stringify({ FailedEvaluations: [] }));
         });
       });
       server.listen(0, "127.0.0.1", async () => {
         process.env.GUARDRAIL_AWS_ENDPOINT = "http://127.0.0.1:" + server.address().port;
         const m = await import(require("node:url").pathToFileURL(process.argv[2]).href);
         const outcomes = [];
         for (const e of JSON.parse(fs.readFileSync(process.argv[3], "utf8"))) {
           outcomes.push(await m.handler(e).catch((err) => ({ error: String(err) })));
         }
         server.close();
         process.stdout.write("@@" + JSON.stringify({ outcomes, calls }));
       });`,
    );
    const r = run(
      "node",
      [script, join(build, "configRule", "index.mjs"), eventsFile],
      {
        ...OFFLINE_ENV,
        ...functionEnv("configRule"),
        GUARDRAIL_AWS_MAX_ATTEMPTS: "1",
        POWERTOOLS_TRACE_ENABLED: "false",
      },
      build,
    );
    expectSuccess(r, "running the bundled Config rule");
    const { outcomes, calls } = JSON.parse(r.stdout.slice(r.stdout.lastIndexOf("@@") + 2)) as {
      outcomes: Json[];
      calls: { target: string; body: { ResultToken: string; Evaluations: Json[] } }[];
    };
    expect(outcomes.map((o) => o.error)).toEqual([undefined, undefined]);
    const puts = calls.filter((c) => c.target?.endsWith(".PutEvaluations"));
    expect(puts).toHaveLength(2);
    expect(puts[0]!.body.Evaluations).toEqual([
      expect.objectContaining({ ComplianceResourceType: "AWS::EC2::Instance", ComplianceType: "NOT_APPLICABLE" }),
    ]);
    expect(puts[1]!.body.ResultToken).toBe("recorded-sqs-token");
    expect(puts[1]!.body.Evaluations).toEqual([
      expect.objectContaining({
        ComplianceResourceType: "AWS::SQS::Queue",
        ComplianceType: "NON_COMPLIANT",
        Annotation: expect.stringContaining("server-side encryption is off"),
      }),
    ]);
  });
});

/** A function's environment from the template, intrinsic values replaced by placeholders. */
function functionEnv(fn: string): Record<string, string> {
  const vars = ((resource(FUNCTION_IDS[fn]!).Properties.Environment as Json | undefined)?.Variables ?? {}) as Json;
  return Object.fromEntries(
    Object.entries(vars).map(([k, v]) => [k, typeof v === "string" ? v : `placeholder-${k.toLowerCase()}`]),
  );
}

// ---- the template --------------------------------------------------------------------------------------------

describe("serverless package: functions", () => {
  test("four functions on nodejs22.x with X-Ray tracing, each with its own role", () => {
    const fns = resourcesOf("AWS::Lambda::Function");
    expect(fns.map(([id]) => id).sort()).toEqual(Object.values(FUNCTION_IDS).sort());
    for (const [id, fn] of fns) {
      expect([id, fn.Properties.Runtime]).toEqual([id, "nodejs22.x"]);
      expect(fn.Properties.Handler).toBe("index.handler");
      expect(fn.Properties.TracingConfig).toEqual({ Mode: "Active" });
    }
    for (const [fn, id] of Object.entries(FUNCTION_IDS)) {
      expect(getAtt(resource(id).Properties.Role)).toEqual([ROLE_IDS[fn], "Arn"]);
      expect(resource(id).Properties.Timeout).toBe(functions[fn]!.timeout);
    }
    expect(template.Resources.IamRoleLambdaExecution).toBeUndefined();
  });

  test("each function gets the environment its handler reads", () => {
    expect(Object.keys(functionEnv("configRule"))).toContain("SWEEP_QUEUE_URL");
    expect(Object.keys(functionEnv("cloudTrailEvents"))).toEqual(
      expect.arrayContaining(["REMEDIATION_TOPIC_ARN", "GUARDRAIL_REMEDIATION_ROLE_ARN"]),
    );
    // The worker's settings (lib/remediation/worker/settings.ts) load from exactly what the template sets.
    expect(() => workerSettings(functionEnv("remediationWorker"))).not.toThrow();
    const env = resource(FUNCTION_IDS.remediationWorker!).Properties.Environment as { Variables: Json };
    expect(env.Variables.AUDIT_BUCKET).toEqual({ Ref: "AuditBucket" });
    expect(env.Variables.IDEMPOTENCY_TABLE).toEqual({ Ref: "IdempotencyTable" });
    expect(env.Variables.REMEDIATION_TOPIC_ARN).toEqual({ Ref: "GuardrailTopic" });
    expect(getAtt(env.Variables.GUARDRAIL_REMEDIATION_ROLE_ARN)).toEqual([REMEDIATION_ROLE_ID, "Arn"]);
  });

  test("asynchronous functions keep failed events in a dead-letter queue", () => {
    const configs = resourcesOf("AWS::Lambda::EventInvokeConfig").map(([, r]) => r.Properties);
    for (const fn of ["ConfigRuleLambdaFunction", "CloudTrailEventsLambdaFunction"]) {
      const c = configs.find((p) => (p.FunctionName as Json).Ref === fn);
      expect(c).toBeDefined();
      expect(getAtt((c!.DestinationConfig as { OnFailure: { Destination: unknown } }).OnFailure.Destination)).toEqual([
        "AsyncFailuresDlq",
        "Arn",
      ]);
    }
  });
});

describe("serverless package: Config rules", () => {
  const policies = () => loadPolicies().policies.map((p) => p.policy);

  test("every resource policy has its Config rule: scope, triggers, input, permission", () => {
    const rules = resourcesOf("AWS::Config::ConfigRule");
    const resourcePolicies = policies().filter((p) => !isCloudTrailPolicy(p));
    expect(rules).toHaveLength(resourcePolicies.length);
    for (const p of resourcePolicies) {
      const found = rules.filter(([, r]) => (r.Properties.InputParameters as Json).policyId === p.id);
      expect([p.id, found.length]).toEqual([p.id, 1]);
      const [, rule] = found[0]!;
      const props = rule.Properties as {
        ConfigRuleName: string;
        Scope: { ComplianceResourceTypes: string[] };
        Source: { Owner: string; SourceIdentifier: unknown; SourceDetails: Json[] };
      };
      expect(props.ConfigRuleName).toBe(`guardrail-${p.id}-${STAGE}`);
      expect(props.ConfigRuleName.length).toBeLessThanOrEqual(128);
      expect(JSON.stringify(rule.Properties.InputParameters).length).toBeLessThanOrEqual(1024);
      expect(props.Scope.ComplianceResourceTypes).toEqual(resourceTypesOf(p));
      expect(props.Source.Owner).toBe("CUSTOM_LAMBDA");
      expect(getAtt(props.Source.SourceIdentifier)).toEqual(["ConfigRuleLambdaFunction", "Arn"]);
      const details = props.Source.SourceDetails;
      expect(details.every((d) => d.EventSource === "aws.config")).toBe(true);
      expect(details.map((d) => d.MessageType).sort()).toEqual([
        "ConfigurationItemChangeNotification",
        "OversizedConfigurationItemChangeNotification",
        "ScheduledNotification",
      ]);
      for (const d of details) {
        if (d.MessageType === "ScheduledNotification") {
          expect(["One_Hour", "Three_Hours", "Six_Hours", "Twelve_Hours", "TwentyFour_Hours"]).toContain(
            d.MaximumExecutionFrequency,
          );
        } else expect(d.MaximumExecutionFrequency).toBeUndefined();
      }
      // The rule waits for the permission that lets Config invoke the function, from this account only.
      const permissions = list(rule.DependsOn).map((id) => resource(id));
      const permission = permissions.find((r) => r.Type === "AWS::Lambda::Permission");
      expect(permission?.Properties).toEqual({
        FunctionName: { "Fn::GetAtt": ["ConfigRuleLambdaFunction", "Arn"] },
        Action: "lambda:InvokeFunction",
        Principal: "config.amazonaws.com",
        SourceAccount: { Ref: "AWS::AccountId" },
      });
    }
  });
});

describe("serverless package: EventBridge rules", () => {
  const rules = () => resourcesOf("AWS::Events::Rule");
  const patternOf = (r: Resource) =>
    r.Properties.EventPattern as { source: string[]; "detail-type": string[]; detail: Json };
  const isCompliance = (r: Resource) => patternOf(r)["detail-type"].includes("Config Rules Compliance Change");

  test("every trigger's eventName is in a rule for its event source", () => {
    const triggers = loadPolicies().policies.flatMap((p) => p.policy.triggers ?? []);
    expect(triggers.length).toBeGreaterThan(0);
    for (const t of triggers) {
      for (const name of t.eventNames) {
        const matching = rules().filter(([, r]) => {
          const p = patternOf(r);
          return (
            p.source.includes(`aws.${t.eventSource.replace(/\.amazonaws\.com$/, "")}`) &&
            p["detail-type"].includes("AWS API Call via CloudTrail") &&
            list(p.detail.eventSource as string[]).includes(t.eventSource) &&
            list(p.detail.eventName as string[]).includes(name)
          );
        });
        expect([t.eventSource, name, matching.length]).toEqual([t.eventSource, name, 1]);
      }
    }
  });

  test("every CloudTrail pattern excludes the remediation role, keeps callers without a role, and fits 4096", () => {
    const lengths: string[] = [];
    for (const [id, r] of rules()) {
      const p = patternOf(r);
      const text = resolvedPattern(p);
      lengths.push(`${id} ${text.length}`);
      expect(text.length).toBeLessThan(MAX_PATTERN);
      if (isCompliance(r)) continue;
      const or = p.detail.$or as Json[];
      const issuerArn = (b: Json) =>
        ((b.userIdentity as Json)?.sessionContext as Json)?.sessionIssuer as { arn?: unknown[] } | undefined;
      expect(or.map((b) => issuerArn(b)?.arn)).toEqual([
        [{ "anything-but": { "Fn::GetAtt": [REMEDIATION_ROLE_ID, "Arn"] } }],
        [{ exists: false }],
      ]);
    }
    console.log(
      `EventBridge pattern lengths (remediation role ARN at its longest), limit ${MAX_PATTERN}: ${lengths.join(", ")}`,
    );
  });

  test("Config compliance changes of this stage's rules that turn NON_COMPLIANT", () => {
    const names = resourcesOf("AWS::Config::ConfigRule").map(([, r]) => r.Properties.ConfigRuleName as string);
    const compliance = rules().filter(([, r]) => isCompliance(r));
    const covered = compliance.flatMap(([, r]) => patternOf(r).detail.configRuleName as string[]);
    expect(covered.sort()).toEqual(names.sort());
    for (const [, r] of compliance) {
      expect(patternOf(r)["detail-type"]).toEqual(["Config Rules Compliance Change"]);
      expect(patternOf(r).detail.newEvaluationResult).toEqual({ complianceType: ["NON_COMPLIANT"] });
    }
  });

  test("every rule targets cloudTrailEvents with retries and a dead-letter queue, and may invoke it", () => {
    const permissions = resourcesOf("AWS::Lambda::Permission").map(([, r]) => r.Properties);
    for (const [id, r] of rules()) {
      const targets = r.Properties.Targets as Json[];
      expect(targets).toHaveLength(1);
      expect(getAtt(targets[0]!.Arn)).toEqual(["CloudTrailEventsLambdaFunction", "Arn"]);
      expect(targets[0]!.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 8 });
      expect(getAtt((targets[0]!.DeadLetterConfig as Json).Arn)).toEqual(["EventRulesDlq", "Arn"]);
      expect(permissions).toContainEqual({
        FunctionName: { "Fn::GetAtt": ["CloudTrailEventsLambdaFunction", "Arn"] },
        Action: "lambda:InvokeFunction",
        Principal: "events.amazonaws.com",
        SourceArn: { "Fn::GetAtt": [id, "Arn"] },
      });
    }
  });
});

describe("serverless package: queues, topic, table, bucket", () => {
  test("the remediation and sweep queues: visibility ≥ 6× the consumer's timeout, redrive after 5, encrypted", () => {
    const mappings = resourcesOf("AWS::Lambda::EventSourceMapping").map(([, r]) => r.Properties);
    for (const [queueId, fnId] of [
      ["RemediationQueue", "RemediationWorkerLambdaFunction"],
      ["SweepQueue", "SweepWorkerLambdaFunction"],
    ] as const) {
      const queue = resource(queueId).Properties;
      const timeout = resource(fnId).Properties.Timeout as number;
      expect(queue.VisibilityTimeout as number).toBeGreaterThanOrEqual(6 * timeout);
      expect(queue.SqsManagedSseEnabled).toBe(true);
      const redrive = queue.RedrivePolicy as { deadLetterTargetArn: unknown; maxReceiveCount: number };
      expect(redrive.maxReceiveCount).toBe(5);
      const [dlqId] = getAtt(redrive.deadLetterTargetArn)!;
      expect(resource(dlqId).Type).toBe("AWS::SQS::Queue");
      expect(resource(dlqId).Properties.SqsManagedSseEnabled).toBe(true);
      const mapping = mappings.find((m) => getAtt(m.EventSourceArn)?.[0] === queueId);
      expect(mapping).toMatchObject({
        BatchSize: 10,
        FunctionResponseTypes: ["ReportBatchItemFailures"],
        FunctionName: { "Fn::GetAtt": [fnId, "Arn"] },
      });
    }
  });

  test("every queue is encrypted and TLS-only", () => {
    const policies = resourcesOf("AWS::SQS::QueuePolicy").map(([, r]) => r.Properties);
    for (const [id, q] of resourcesOf("AWS::SQS::Queue")) {
      expect([id, q.Properties.SqsManagedSseEnabled]).toEqual([id, true]);
      const policy = policies.find((p) => list(p.Queues as Json[]).some((r) => r.Ref === id));
      expect(tlsDeny(list((policy?.PolicyDocument as Json)?.Statement as Statement[]), /^sqs:\*$/)).toBeDefined();
    }
  });

  test("the topic: KMS-encrypted, TLS-only, e-mail subscription, and the queue only takes requests", () => {
    const topic = resource("GuardrailTopic").Properties;
    expect(getAtt(topic.KmsMasterKeyId)).toEqual(["GuardrailTopicKey", "Arn"]);
    const policy = resource("GuardrailTopicPolicy").Properties.PolicyDocument as { Statement: Statement[] };
    expect(tlsDeny(policy.Statement, /^sns:Publish$/)).toBeDefined();
    const subscriptions = resourcesOf("AWS::SNS::Subscription").map(([, r]) => r.Properties);
    expect(subscriptions).toContainEqual({
      TopicArn: { Ref: "GuardrailTopic" },
      Protocol: "email",
      Endpoint: ALERT_EMAIL,
    });
    const queue = subscriptions.find((s) => s.Protocol === "sqs");
    expect(getAtt(queue?.Endpoint)).toEqual(["RemediationQueue", "Arn"]);
    expect(queue?.RawMessageDelivery).toBe(false);
    // The attribute both sides use: the detection's publisher and the worker's parser.
    expect(ATTRIBUTE_WORKER_KIND).toBe(MESSAGE_KIND_ATTRIBUTE);
    expect(DETECT_KIND_REQUEST).toBe(KIND_REQUEST);
    expect(queue?.FilterPolicy).toEqual({ [MESSAGE_KIND_ATTRIBUTE]: [KIND_REQUEST] });
  });

  test("the idempotency table: point-in-time recovery, TTL, deletion protection", () => {
    const table = resource("IdempotencyTable").Properties;
    expect(table.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table.TimeToLiveSpecification).toEqual({ AttributeName: "expiration", Enabled: true });
    expect(table.KeySchema).toEqual([{ AttributeName: "id", KeyType: "HASH" }]);
    expect(table.DeletionProtectionEnabled).toBe(true);
  });

  test("the audit bucket: encrypted, versioned, public access blocked, TLS-only", () => {
    const bucket = resource("AuditBucket").Properties as {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: { ServerSideEncryptionByDefault: { SSEAlgorithm: string } }[];
      };
      VersioningConfiguration: Json;
      PublicAccessBlockConfiguration: Json;
    };
    const sse = bucket.BucketEncryption.ServerSideEncryptionConfiguration[0]!.ServerSideEncryptionByDefault;
    expect(["AES256", "aws:kms", "aws:kms:dsse"]).toContain(sse.SSEAlgorithm);
    expect(bucket.VersioningConfiguration).toEqual({ Status: "Enabled" });
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    const [, policy] = resourcesOf("AWS::S3::BucketPolicy").find(
      ([, r]) => (r.Properties.Bucket as Json).Ref === "AuditBucket",
    )!;
    const deny = tlsDeny((policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement, /^s3:\*$/);
    expect(deny?.Resource).toEqual([{ "Fn::GetAtt": ["AuditBucket", "Arn"] }, { "Fn::Sub": "${AuditBucket.Arn}/*" }]);
  });

  test("alarms notify the topic: every dead-letter queue, failed remediations, circuit breaker; a dashboard", () => {
    const alarms = resourcesOf("AWS::CloudWatch::Alarm").map(([, r]) => r.Properties);
    for (const a of alarms) {
      expect(a.AlarmActions).toEqual([{ Ref: "GuardrailTopic" }]);
      expect([a.Threshold, a.ComparisonOperator]).toEqual([0, "GreaterThanThreshold"]);
    }
    const dlqs = new Set([
      ...resourcesOf("AWS::SQS::Queue")
        .map(([, q]) => getAtt((q.Properties.RedrivePolicy as Json | undefined)?.deadLetterTargetArn)?.[0])
        .filter((id): id is string => id !== undefined),
      "EventRulesDlq",
      "AsyncFailuresDlq",
    ]);
    for (const dlq of dlqs) {
      expect(alarms).toContainEqual(
        expect.objectContaining({
          Namespace: "AWS/SQS",
          MetricName: "ApproximateNumberOfMessagesVisible",
          Dimensions: [{ Name: "QueueName", Value: { "Fn::GetAtt": [dlq, "QueueName"] } }],
        }),
      );
    }
    const queries = alarms.flatMap((a) => list(a.Metrics as Json[]).map((m) => m.Expression as string));
    expect(queries).toContainEqual(expect.stringContaining(`(${METRICS.remediationsFailed})`));
    expect(queries).toContainEqual(expect.stringContaining(`(${METRICS.circuitBreakerOpen})`));
    expect(resourcesOf("AWS::CloudWatch::Dashboard")).toHaveLength(1);
  });
});

describe("serverless package: least privilege", () => {
  test("no Allow statement anywhere grants * or service:*", () => {
    for (const doc of policyDocuments()) {
      for (const s of doc.statements.filter((st) => st.Effect === "Allow")) {
        expect([doc.where, s.NotAction]).toEqual([doc.where, undefined]);
        for (const action of list(s.Action)) {
          expect([doc.where, action]).not.toEqual([doc.where, "*"]);
          expect([doc.where, action]).not.toEqual([doc.where, expect.stringMatching(/^[a-z0-9-]+:\*$/i)]);
        }
      }
    }
  });

  test('Resource "*" only for the actions AWS allows nothing else for', () => {
    for (const roleId of Object.values(ROLE_IDS)) {
      // A Deny on "*" only narrows (the protected tag's); what is granted is what counts.
      for (const s of roleStatements(roleId).filter((st) => st.Effect === "Allow")) {
        if (!list(s.Resource).includes("*")) continue;
        for (const action of list(s.Action))
          expect([roleId, action, STAR_ONLY.includes(action)]).toEqual([roleId, action, true]);
      }
    }
  });

  test("each role allows every AWS call its bundle makes, and nothing else but the platform's", async () => {
    for (const fn of built) {
      const roleId = ROLE_IDS[fn]!;
      const allowed = allowedActions(roleId);
      const { sources } = JSON.parse(readFileSync(join(build, `${fn}.json`), "utf8")) as { sources: string[] };
      // Commands imported by the bundle's sources that survived tree-shaking (keepNames keeps "<Op>Command"), in
      // any of its files: a chunk loaded on first use sends its calls with the same role.
      const code = manifestOf(fn)
        .files.map((f) => readFileSync(join(build, fn, f), "utf8"))
        .join("\n");
      const calls = new Set(
        sources
          .flatMap((file) => sdkCalls(join(ROOT, file)))
          .filter((c) => code.includes(`"${c.split(":")[1]}Command"`)),
      );
      const needed = new Set<string>();
      for (const call of calls) {
        const action = SDK_ACTIONS[call];
        expect([fn, call, action !== undefined]).toEqual([fn, call, true]);
        // A restore is sent by `guardrail remediation undo`, with the operator's credentials, never by a function.
        if (RESTORE_ONLY.has(call)) continue;
        expect([fn, call, action, allowed.has(action!)]).toEqual([fn, call, action, true]);
        needed.add(action!);
      }
      const extra = [...allowed].filter((a) => !needed.has(a) && !PLATFORM_ACTIONS.includes(a));
      expect([fn, extra]).toEqual([fn, []]);
      console.log(`${fn}: ${calls.size} SDK operations in the bundle, ${allowed.size} IAM actions`);
    }
    // The executor's fixes are the worker's alone; a restore-only call is no role's.
    const events = allowedActions(ROLE_IDS.cloudTrailEvents!);
    const worker = allowedActions(ROLE_IDS.remediationWorker!);
    expect(worker.has("s3:DeleteBucketPolicy")).toBe(false);
    for (const [service, operations] of Object.entries(await executorCommands())) {
      for (const operation of Object.keys(operations)) {
        const action = SDK_ACTIONS[`${service}:${operation}`];
        if (RESTORE_ONLY.has(`${service}:${operation}`)) continue;
        expect([operation, worker.has(action!)]).toEqual([operation, true]);
        if (action !== "apigateway:GET") expect([operation, events.has(action!)]).toEqual([operation, false]);
      }
    }
  });
});

/*
 * Guardrail cannot be turned against itself. The fixes are granted on every resource of their type in the account,
 * so each role must also carry explicit Deny statements: an explicit Deny overrides any Allow (IAM User Guide,
 * "Policy evaluation logic"). ARNs are resolved the way CloudFormation would (names from the template, generated
 * names stood in for) and matched the way IAM matches them ("*" any run of characters, "?" one; IAM User Guide,
 * "IAM JSON policy elements: Resource"). Size limit: a role's inline policies together, 10,240 characters without
 * whitespace (IAM User Guide, "IAM and AWS STS quotas").
 */
describe("serverless package: Guardrail cannot be turned against itself", () => {
  /** The stack's resources a Guardrail role could change, by the service prefix of the IAM actions acting on them. */
  const OWN_TYPES: Record<string, string> = {
    "AWS::S3::Bucket": "s3",
    "AWS::Lambda::Function": "lambda",
    "AWS::SQS::Queue": "sqs",
    "AWS::SNS::Topic": "sns",
    "AWS::DynamoDB::Table": "dynamodb",
    "AWS::KMS::Key": "kms",
    "AWS::Events::Rule": "events",
    "AWS::Logs::LogGroup": "logs",
    "AWS::Config::ConfigRule": "config",
  };
  /** Services with fixes of which the stack deploys nothing. */
  const NOTHING_OWN = [
    "apigateway",
    "rds",
    "kinesis",
    "cloudfront",
    "elasticloadbalancing",
    "ecr",
    "ecs",
    "states",
    "ec2",
    "eks",
    "elasticache",
  ];
  const STACK = `guardrail-${STAGE}`;

  const operations = SERVICES.flatMap(({ operations: ops }) =>
    Object.values(ops as Record<string, { action: string; access: string }>),
  );
  /** What a fix or a restore sends: the changes no role may make to Guardrail itself. */
  const CHANGES = [
    ...new Set(operations.filter((o) => o.access === "write" || o.access === "restore").map((o) => o.action)),
  ];
  const READS = new Set([
    ...operations.filter((o) => o.access === "read").map((o) => o.action),
    // Reads of Guardrail's own resources ("own" operations), which change nothing: the sweep's recorded verdicts.
    "config:GetComplianceDetailsByConfigRule",
  ]);

  type Pseudo = { partition: string; region: string; account: string };
  const TEST_ACCOUNT: Pseudo = { partition: "aws", region: "us-east-1", account: "123456789012" };

  /** The ARN CloudFormation would give a resource of the template; names it would generate are stood in for. */
  function resourceArn(id: string, p: Pseudo): string {
    const r = resource(id);
    const props = r.Properties ?? {};
    const name = (key: string, generated: string) =>
      typeof props[key] === "string" ? (props[key] as string) : generated;
    const arn = (service: string, rest: string) => `arn:${p.partition}:${service}:${p.region}:${p.account}:${rest}`;
    // CloudFormation's generated names: <stack>-<logical id>-<13 characters>; bucket names lower case, 63 at most.
    const generated = `${STACK}-${id}-ABCDEFGHIJKLM`;
    switch (r.Type) {
      case "AWS::S3::Bucket":
        return `arn:${p.partition}:s3:::${name("BucketName", generated.toLowerCase().slice(0, 63))}`;
      case "AWS::Lambda::Function":
        return arn("lambda", `function:${name("FunctionName", generated)}`);
      case "AWS::SQS::Queue":
        return arn("sqs", name("QueueName", generated));
      case "AWS::SNS::Topic":
        return arn("sns", name("TopicName", generated));
      case "AWS::DynamoDB::Table":
        return arn("dynamodb", `table/${name("TableName", generated)}`);
      case "AWS::KMS::Key":
        return arn("kms", "key/1234abcd-12ab-34cd-56ef-1234567890ab");
      case "AWS::Events::Rule":
        return arn("events", `rule/${name("Name", generated)}`);
      case "AWS::Logs::LogGroup":
        return arn("logs", `log-group:${name("LogGroupName", generated)}:*`);
      case "AWS::Config::ConfigRule":
        return arn("config", "config-rule/config-rule-a1b2c3");
      default:
        throw new Error(`no ARN for ${id} (${r.Type}) in the deploy test`);
    }
  }

  /** A policy value as CloudFormation would resolve it (Ref of a topic is its ARN; of a pseudo parameter, its value). */
  function resolve(v: unknown, p: Pseudo): string {
    const pseudo: Record<string, string> = {
      "AWS::Partition": p.partition,
      "AWS::Region": p.region,
      "AWS::AccountId": p.account,
    };
    const ref = (id: string): string => {
      if (pseudo[id] !== undefined) return pseudo[id]!;
      if (resource(id).Type === "AWS::SNS::Topic") return resourceArn(id, p);
      throw new Error(`Ref ${id} is not an ARN`);
    };
    if (typeof v === "string") return v;
    const o = v as Record<string, unknown>;
    if (typeof o.Ref === "string") return ref(o.Ref);
    const att = getAtt(v);
    if (att && att[1] === "Arn") return resourceArn(att[0], p);
    if (typeof o["Fn::Sub"] === "string") {
      return (o["Fn::Sub"] as string).replace(/\$\{([^}]+)\}/g, (_m, x: string) =>
        x.endsWith(".Arn") ? resourceArn(x.slice(0, -4), p) : ref(x),
      );
    }
    throw new Error(`cannot resolve ${JSON.stringify(v)}`);
  }

  /** IAM's ARN matching: "*" any run of characters, "?" exactly one. */
  const matches = (pattern: string, arn: string) =>
    new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".")}$`,
    ).test(arn);

  const own = () =>
    Object.entries(template.Resources)
      .filter(([, r]) => OWN_TYPES[r.Type])
      .map(([id, r]) => ({ id, service: OWN_TYPES[r.Type]!, arn: resourceArn(id, TEST_ACCOUNT) }));

  /** Does an unconditional Deny of the role cover `action` on `arn`? */
  const denied = (roleId: string, action: string, arn: string) =>
    roleStatements(roleId).some(
      (s) =>
        s.Effect === "Deny" &&
        s.Condition === undefined &&
        list(s.Action).includes(action) &&
        list(s.Resource).some((r) => matches(resolve(r, TEST_ACCOUNT), arn)),
    );

  test("every change a role could make to the stack's own resources is explicitly denied", () => {
    expect(CHANGES.length).toBeGreaterThan(0);
    const resources = own();
    // The records bucket, the functions, every queue and dead-letter queue, the topic and the table are in the scope.
    for (const id of ["AuditBucket", "IdempotencyTable", "GuardrailTopic", "RemediationQueue", "RemediationDlq"]) {
      expect(resources.map((r) => r.id)).toContain(id);
    }
    for (const id of Object.values(FUNCTION_IDS)) expect(resources.map((r) => r.id)).toContain(id);
    for (const action of CHANGES) {
      const service = action.split(":")[0]!;
      const mine = resources.filter((r) => r.service === service);
      // A fix of a service new to Guardrail: which of the stack's resources are that service's is a decision.
      expect([action, mine.length > 0 || NOTHING_OWN.includes(service)]).toEqual([action, true]);
      // Every role, so that a role granted a fix later is already held back.
      for (const roleId of Object.values(ROLE_IDS)) {
        for (const r of mine)
          expect([roleId, action, r.id, denied(roleId, action, r.arn)]).toEqual([roleId, action, r.id, true]);
      }
    }
    // Beyond the fixes: an Allow whose ARN pattern reaches one of the stack's resources without naming it (a
    // wildcard) must be denied there too. Reads, and the actions that take no resource, change nothing.
    const reached: string[] = [];
    for (const roleId of Object.values(ROLE_IDS)) {
      for (const s of roleStatements(roleId).filter((st) => st.Effect === "Allow")) {
        for (const action of list(s.Action)) {
          if (READS.has(action) || STAR_ONLY.includes(action)) continue;
          const service = action.split(":")[0]!;
          for (const pattern of list(s.Resource).map((r) => resolve(r, TEST_ACCOUNT))) {
            for (const r of resources.filter((x) => x.service === service && matches(pattern, x.arn))) {
              if (pattern === r.arn) continue; // granted on that very resource: Guardrail's own use of it
              reached.push(`${roleId} ${action} ${r.id}`);
              expect([roleId, action, r.id, denied(roleId, action, r.arn)]).toEqual([roleId, action, r.id, true]);
            }
          }
        }
      }
    }
    // The worker's fixes reach Guardrail's own bucket, functions, queues, topic and table.
    expect(reached).toEqual(
      expect.arrayContaining([
        "RemediationWorkerRole s3:PutBucketPolicy AuditBucket",
        "RemediationWorkerRole lambda:UpdateFunctionConfiguration RemediationWorkerLambdaFunction",
        "RemediationWorkerRole sqs:SetQueueAttributes RemediationDlq",
        "RemediationWorkerRole sns:SetTopicAttributes GuardrailTopic",
        "RemediationWorkerRole dynamodb:UpdateContinuousBackups IdempotencyTable",
      ]),
    );
  });

  test(`every change is denied on any resource tagged ${PROTECTED_TAG.key} = ${PROTECTED_TAG.value}`, () => {
    expect(PROTECTED_TAG).toEqual({ key: "guardrail:protected", value: "true" });
    const key = `aws:ResourceTag/${PROTECTED_TAG.key}`;
    for (const roleId of Object.values(ROLE_IDS)) {
      const allows = roleStatements(roleId).filter((st) => st.Effect === "Allow");
      for (const action of CHANGES) {
        const tagDeny = roleStatements(roleId).find((s) => {
          const c = (s.Condition ?? {}) as Record<string, Record<string, unknown> | undefined>;
          const value = c.StringEqualsIgnoreCase?.[key] ?? c.StringEquals?.[key];
          return s.Effect === "Deny" && list(s.Action).includes(action) && value === PROTECTED_TAG.value;
        });
        expect([roleId, action, tagDeny !== undefined]).toEqual([roleId, action, true]);
        // It covers every resource the role is granted the action on.
        const denyPatterns = list(tagDeny!.Resource).map((r) => resolve(r, TEST_ACCOUNT));
        for (const s of allows.filter((st) => list(st.Action).includes(action))) {
          for (const granted of list(s.Resource).map((r) => resolve(r, TEST_ACCOUNT))) {
            expect([roleId, action, granted, denyPatterns.some((d) => d === "*" || matches(d, granted))]).toEqual([
              roleId,
              action,
              granted,
              true,
            ]);
          }
        }
      }
    }
    // Guardrail's own resources carry the tag too (stack tags reach every resource of the stack), so a Guardrail
    // of another stage in the same account cannot change them either.
    const state = JSON.parse(readFileSync(join(build, "sls", "serverless-state.json"), "utf8")) as {
      service: { provider: { stackTags?: Record<string, string> } };
    };
    expect(state.service.provider.stackTags?.[PROTECTED_TAG.key]).toBe(PROTECTED_TAG.value);
  });

  test("each role's policies, resolved at their longest, stay within IAM's quotas", () => {
    // IAM User Guide, "IAM and AWS STS quotas": inline policies 10,240 characters a role together, a managed policy
    // 6,144, 10 managed policies a role. The longest partition and Region names there are; generated names as above.
    const longest: Pseudo = { partition: "aws-iso-b", region: "us-isob-east-1", account: "123456789012" };
    const resolveAll = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(resolveAll);
      if (v && typeof v === "object") {
        const keys = Object.keys(v);
        if (keys.length === 1 && ["Ref", "Fn::GetAtt", "Fn::Sub"].includes(keys[0]!)) return resolve(v, longest);
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolveAll(x)]));
      }
      return v;
    };
    const length = (doc: unknown) => JSON.stringify(resolveAll(doc)).replace(/\s/g, "").length;
    const sizes: string[] = [];
    for (const roleId of Object.values(ROLE_IDS)) {
      const role = resource(roleId).Properties;
      const inline = list(role.Policies as { PolicyName: string; PolicyDocument: unknown }[]);
      const inlineTotal = inline.reduce((n, p) => n + length(p.PolicyDocument), 0);
      const managed = list(role.ManagedPolicyArns as { Ref: string }[]).map((a) => ({
        id: a.Ref,
        size: length(resource(a.Ref).Properties.PolicyDocument),
      }));
      sizes.push(`${roleId}: inline ${inlineTotal}; managed ${managed.map((m) => `${m.id} ${m.size}`).join(", ")}`);
      expect([roleId, inlineTotal < 10_240]).toEqual([roleId, true]);
      expect([roleId, managed.length <= 10]).toEqual([roleId, true]);
      for (const m of managed) expect([m.id, m.size <= 6_144]).toEqual([m.id, true]);
    }
    console.log(`IAM policy sizes (characters without whitespace):\n${sizes.join("\n")}`);
  });

  test("every grant of a role is in a managed policy attached by the role itself, so the role waits for it", () => {
    for (const roleId of Object.values(ROLE_IDS)) {
      const arns = list(resource(roleId).Properties.ManagedPolicyArns as { Ref?: string }[]);
      expect(arns.length).toBeGreaterThan(0);
      for (const a of arns) expect(resource(a.Ref as string).Type).toBe("AWS::IAM::ManagedPolicy");
      // Inline: the self-protection Denies alone.
      const inline = list(resource(roleId).Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[]);
      expect(inline.flatMap((p) => list(p.PolicyDocument.Statement)).every((st) => st.Effect === "Deny")).toBe(true);
    }
  });
});

/** `service:Operation` of the calls only an action's restore sends (access "restore" in the service modules). */
const RESTORE_ONLY = new Set(
  SERVICES.flatMap(({ service, operations }) =>
    Object.entries(operations as Record<string, { access: string }>)
      .filter(([, op]) => op.access === "restore")
      .map(([name]) => `${service.name}:${name}`),
  ),
);

/** SDK client package → the service prefix of SDK_ACTIONS keys: each service module's package and name. */
const CLIENT_SERVICE: Record<string, string> = Object.fromEntries(
  SERVICES.map(({ service }) => [service.package.replace(/^@aws-sdk\//, ""), service.name]),
);

/** The SDK operations a source file can send: the Command classes it imports as values, as `service:Operation`. */
function sdkCalls(file: string): string[] {
  const source = readFileSync(file, "utf8");
  const calls: string[] = [];
  for (const m of source.matchAll(/import\s+(type\s+)?\{([^}]*)\}\s*from\s*"@aws-sdk\/(client-[a-z0-9-]+)"/g)) {
    if (m[1]) continue;
    const service = CLIENT_SERVICE[m[3]!];
    if (!service) throw new Error(`${file}: no service prefix for @aws-sdk/${m[3]} in the deploy test`);
    for (const spec of m[2]!.split(",").map((x) => x.trim())) {
      const op = /^([A-Z][A-Za-z0-9]*)Command\b/.exec(spec)?.[1];
      if (op && !spec.startsWith("type ")) calls.push(`${service}:${op}`);
    }
  }
  return calls;
}

describe("cfn-lint", () => {
  test("the packaged template has no errors", () => {
    const file = join(build, "sls", "cloudformation-template-update-stack.json");
    const args = ["--format", "json", "--regions", "us-east-1", "eu-west-1", "--", file];
    let r = run("cfn-lint", args);
    if ((r.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT") {
      r = run("python3", ["-c", "import sys; from cfnlint.runner import main; sys.exit(main())", ...args]);
    }
    if (r.error) throw r.error;
    // Exit status: a bit mask of 2 (errors), 4 (warnings), 8 (informational); anything else is a crash.
    expect([r.status! & ~(2 | 4 | 8), r.stderr]).toEqual([0, ""]);
    const matches = JSON.parse(r.stdout || "[]") as {
      Level: string;
      Rule: { Id: string };
      Message: string;
      Location: { Path: unknown[] };
    }[];
    const notes = matches.filter((x) => x.Level !== "Error");
    if (notes.length > 0) {
      console.log(
        `cfn-lint: ${notes.length} warning(s)/note(s), no errors:\n` +
          notes.map((m) => `  ${m.Level} ${m.Rule.Id} ${m.Location.Path.join("/")}: ${m.Message}`).join("\n"),
      );
    }
    expect(matches.filter((m) => m.Level === "Error")).toEqual([]);
  });
});

describe("dogfood: Guardrail's own stack meets Guardrail's policies", () => {
  test("the packaged template is scanned with the pack: no violation, and every unknown explained", () => {
    const file = join(build, "sls", "cloudformation-template-update-stack.json");
    // Accepted, dated risks of Guardrail's own stack, as a team would write them (deploy/self-exemptions.json).
    const { exemptions, problems } = Exemptions.load(join(ROOT, "deploy", "self-exemptions.json"));
    expect(problems).toEqual([]);
    const engine = new Engine(loadPolicies().policies, exemptions);
    const verdicts = judgeTemplate(
      resolveTemplate(parseTemplate(file, readFileSync(file, "utf8")), {}, resourceIdentities()),
      engine,
    );
    const all = verdicts.flatMap((v) => v.evaluations);
    const judged = new Set(verdicts.map((v) => v.resource.logicalId));
    // What Guardrail deploys that its policies cover was judged: the audit bucket, the topic, queues, functions.
    for (const id of ["AuditBucket", "GuardrailTopic", "RemediationQueue", "RemediationDlq", "IdempotencyTable"]) {
      expect(judged).toContain(id);
    }
    for (const id of Object.values(FUNCTION_IDS)) expect(judged).toContain(id);
    const violations = all.filter((e) => e.compliance === "NON_COMPLIANT");
    expect(violations.map((e) => `${e.resourceId} ${e.policyId}: ${e.annotation ?? ""}`)).toEqual([]);
    // Exactly what the file names is exempt: the four functions' log groups, for their encryption key.
    expect(all.filter((e) => e.compliance === "EXEMPT").map((e) => `${e.resourceId} ${e.policyId}`)).toEqual(
      Object.keys(FUNCTION_IDS).map((fn) => `${fn.charAt(0).toUpperCase()}${fn.slice(1)}LogGroup logs-group-encrypted`),
    );
    // Nothing is left to deploy time: queues are named (sqs-queue-dead-letter's `applies` reads the name).
    expect(all.filter((e) => e.compliance === "UNKNOWN").map((e) => `${e.resourceId} ${e.policyId}`)).toEqual([]);
    expect(all.filter((e) => e.compliance === "COMPLIANT").length).toBeGreaterThan(30);
  });
});

describe("deploy:accounts", () => {
  test("the example list becomes one serverless deploy per account", () => {
    const accounts = loadAccounts(join(ROOT, "deploy", "accounts.example.json"));
    expect(accounts.length).toBeGreaterThan(1);
    expect(deployCommand(accounts[0])).toEqual([
      "serverless",
      "deploy",
      "--stage",
      "prod",
      "--region",
      "eu-west-1",
      "--aws-profile",
      "payments-prod",
      "--param=remediationMode=auto",
      "--param=sweepFrequency=TwentyFour_Hours",
      "--param=teamName=payments",
      "--param=alertEmail=payments-oncall@example.com",
      "--package",
      ".serverless/accounts/payments-prod",
    ]);
    const dry = run("node", ["deploy/deploy-accounts.js", "--file", "deploy/accounts.example.json", "--dry-run"]);
    expectSuccess(dry, "deploy:accounts --dry-run");
    expect(dry.stdout.match(/^\$ npx serverless deploy /gm)).toHaveLength(accounts.length);
  });
});
