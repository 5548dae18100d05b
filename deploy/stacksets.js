#!/usr/bin/env node
// @ts-check
/* eslint-disable @typescript-eslint/no-require-imports */
"use strict";

/**
 * Deploys Guardrail to every account of one or more organisational units with a CloudFormation StackSet
 * (npm run deploy:org -- --help): service-managed permissions, so StackSets creates the roles it needs and deploys
 * by itself to accounts that join the OU later (AutoDeployment).
 *
 *  1. `serverless package` (bundles built by deploy/serverless-plugin.js) with sentinel parameter values, made into
 *     a template with Parameters and the functions' code in per-Region artifact buckets (./stacksets-template.js).
 *  2. The artifact buckets `<prefix>-<Region>` (created if missing, with a policy that lets the organisation's
 *     principals read: aws:PrincipalOrgID), the zips uploaded to each, the template to the home Region's.
 *  3. CreateStackSet + CreateStackInstances for the OUs, or UpdateStackSet (and CreateStackInstances for an OU or a
 *     Region that has none yet); then UpdateStackInstances with ParameterOverrides for the accounts whose team,
 *     alert address or mode differ from the defaults (from a mapping file or the accounts' tags), each limited to
 *     those accounts: DeploymentTargets with AccountFilterType INTERSECTION.
 *  4. Each operation is waited on (DescribeStackSetOperation), its status changes printed; a failure is summed up
 *     from ListStackSetOperationResults, and the exit code is 1.
 *
 * AWS is reached with the SDK clients directly, not lib/aws/clients.ts: that factory builds the clients of
 * Guardrail's service modules (what the handlers call, with their IAM tables), and neither Organizations nor
 * StackSets is one; this runs with an operator's credentials. The same endpoint override (GUARDRAIL_AWS_ENDPOINT)
 * and adaptive retries apply.
 */

const crypto = require("node:crypto");
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const { setTimeout: delay } = require("node:timers/promises");
const { parseArgs: parseNodeArgs } = require("node:util");
const cfn = require("@aws-sdk/client-cloudformation");
const org = require("@aws-sdk/client-organizations");
const s3 = require("@aws-sdk/client-s3");
const params = require("./params.js");
const { functions, buildDir } = require("./functions.js");
const { SENTINELS, PARAMETERS, stackSetTemplate, capabilitiesOf } = require("./stacksets-template.js");

const ROOT = path.resolve(__dirname, "..");

/** Account tags read with --params-from-tags, and the parameter each gives. */
const TAGS = {
  "guardrail:team": "teamName",
  "guardrail:alert-email": "alertEmail",
  "guardrail:remediation-mode": "remediationMode",
};
/** The per-account parameters (CloudFormation Parameters of the StackSet's template), by package parameter. */
const PER_ACCOUNT = Object.fromEntries(Object.entries(PARAMETERS).map(([key, p]) => [p.param, key]));

const USAGE = `usage: npm run deploy:org -- --ou OU[,OU] --regions REGION[,REGION] --artifact-bucket-prefix PREFIX
                                 --param alertEmail=ADDRESS [options]
  --ou IDS                         organisational units (ou-… or a root r-…) whose accounts get Guardrail
  --regions REGIONS                Regions of the stack instances
  --artifact-bucket-prefix PREFIX  the functions' code goes to PREFIX-<Region> (one bucket per Region)
  --param NAME=VALUE               the defaults every account gets (teamName, alertEmail, remediationMode) and the
                                   organisation's settings (centralAuditBucket, sweepFrequency, …); repeatable
  --accounts-file FILE             per-account teamName/alertEmail/remediationMode (deploy/org-accounts.example.json)
  --params-from-tags               per-account values from the accounts' tags: ${Object.keys(TAGS).join(", ")}
  --stage STAGE                    default prod
  --name NAME                      the StackSet's name (default guardrail-<stage>)
  --home-region REGION             where the StackSet is administered (default AWS_REGION, else the first Region)
  --call-as SELF|DELEGATED_ADMIN   SELF in the management account, DELEGATED_ADMIN in a delegated administrator
  --max-concurrent-percentage N    accounts deployed at once, per Region (default 25)
  --failure-tolerance-percentage N failed accounts per Region before the operation stops (default 10)
  --region-concurrency MODE        PARALLEL (default) or SEQUENTIAL
  --retain-stacks-on-account-removal  keep the stack of an account that leaves the OU (default: delete it)
  --skip-bundle                    package the bundles already built (npm run bundle)
  --package-dir DIR                where serverless package writes (default .serverless/stackset)
  --dry-run                        package, write the StackSet's template and say what would be deployed; call
                                   nothing`;

class UsageError extends Error {}

const list = (v) =>
  String(v ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

function intIn(name, v, min, max, fallback) {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name}: "${v}" is not a whole number ${min}-${max}`);
  return n;
}

/** The command line, checked; throws UsageError naming the option. */
function parseArgs(argv, env = process.env) {
  let values;
  try {
    ({ values } = parseNodeArgs({
      args: argv,
      strict: true,
      options: {
        ou: { type: "string" },
        regions: { type: "string" },
        "artifact-bucket-prefix": { type: "string" },
        param: { type: "string", multiple: true },
        "accounts-file": { type: "string" },
        "params-from-tags": { type: "boolean" },
        stage: { type: "string" },
        name: { type: "string" },
        "home-region": { type: "string" },
        "call-as": { type: "string" },
        "max-concurrent-percentage": { type: "string" },
        "failure-tolerance-percentage": { type: "string" },
        "region-concurrency": { type: "string" },
        "retain-stacks-on-account-removal": { type: "boolean" },
        "skip-bundle": { type: "boolean" },
        "package-dir": { type: "string" },
        "dry-run": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    throw new UsageError(/** @type {Error} */ (e).message);
  }
  if (values.help) return { help: true };
  const ous = list(values.ou);
  const regions = list(values.regions);
  if (ous.length === 0) throw new UsageError("--ou is required (an organisational unit id, ou-…)");
  for (const ou of ous) {
    if (!/^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$/.test(ou))
      throw new UsageError(`--ou: "${ou}" is not an OU id (ou-xxxx-yyyyyyyy) or a root id (r-xxxx)`);
  }
  if (regions.length === 0) throw new UsageError("--regions is required (e.g. --regions eu-west-1,us-east-1)");
  for (const r of regions)
    if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(r)) throw new UsageError(`--regions: "${r}" is not a Region name`);
  const prefix = values["artifact-bucket-prefix"];
  if (!prefix) throw new UsageError("--artifact-bucket-prefix is required (the code goes to PREFIX-<Region>)");
  const longest = Math.max(...regions.map((r) => r.length));
  if (!/^[a-z0-9][a-z0-9.-]*$/.test(prefix) || prefix.length + 1 + longest > 63) {
    throw new UsageError(
      `--artifact-bucket-prefix: "${prefix}-<Region>" would not be an S3 bucket name (lower case, at most 63)`,
    );
  }
  const defaults = { teamName: "unassigned", remediationMode: "notify" };
  for (const p of values.param ?? []) {
    const eq = p.indexOf("=");
    if (eq <= 0) throw new UsageError(`--param: "${p}" is not NAME=VALUE`);
    defaults[p.slice(0, eq)] = p.slice(eq + 1);
  }
  const problems = params.problemsOf({ centralAuditBucket: "", ...defaults });
  if (problems.length > 0) throw new UsageError(`--param: ${problems.join("; ").replace(/ \(or set params.*\)/, "")}`);
  const callAs = values["call-as"] ?? "SELF";
  if (!["SELF", "DELEGATED_ADMIN"].includes(callAs))
    throw new UsageError(`--call-as: "${callAs}" is not SELF or DELEGATED_ADMIN`);
  const regionConcurrency = values["region-concurrency"] ?? "PARALLEL";
  if (!["PARALLEL", "SEQUENTIAL"].includes(regionConcurrency)) {
    throw new UsageError(`--region-concurrency: "${regionConcurrency}" is not PARALLEL or SEQUENTIAL`);
  }
  const stage = values.stage ?? "prod";
  const homeRegion = values["home-region"] ?? (env.AWS_REGION || env.AWS_DEFAULT_REGION || regions[0]);
  return {
    ous,
    regions,
    homeRegion,
    bucketPrefix: prefix,
    defaults,
    accountsFile: values["accounts-file"] ? path.resolve(values["accounts-file"]) : undefined,
    fromTags: Boolean(values["params-from-tags"]),
    stage,
    name: values.name ?? `guardrail-${stage}`,
    callAs: /** @type {import("@aws-sdk/client-cloudformation").CallAs} */ (callAs),
    preferences: /** @type {import("@aws-sdk/client-cloudformation").StackSetOperationPreferences} */ ({
      RegionConcurrencyType: regionConcurrency,
      MaxConcurrentPercentage: intIn("max-concurrent-percentage", values["max-concurrent-percentage"], 1, 100, 25),
      FailureTolerancePercentage: intIn(
        "failure-tolerance-percentage",
        values["failure-tolerance-percentage"],
        0,
        100,
        10,
      ),
    }),
    retainStacks: Boolean(values["retain-stacks-on-account-removal"]),
    bundle: !values["skip-bundle"],
    packageDir: path.resolve(values["package-dir"] ?? path.join(ROOT, ".serverless", "stackset")),
    dryRun: Boolean(values["dry-run"]),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Per-account parameters

/** The problems of one account's values, each naming the value. */
function accountProblems(values) {
  const problems = [];
  for (const [name, value] of Object.entries(values)) {
    if (!(name in PER_ACCOUNT))
      problems.push(`"${name}" is not a per-account parameter (${Object.keys(PER_ACCOUNT).join(", ")})`);
    else if (typeof value !== "string") problems.push(`${name} must be a string`);
  }
  if (problems.length > 0) return problems;
  return params
    .problemsOf({ teamName: "x", alertEmail: "x@x.x", remediationMode: "notify", ...values })
    .map((p) => p.replace(/ \(or set params.*\)/, ""));
}

/**
 * The mapping file: { "accounts": { "<12-digit id>": { "teamName": …, "alertEmail": …, "remediationMode": … } } }.
 * @returns {Map<string, Record<string, string>>}
 */
function loadAccountsFile(file) {
  let text;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`${file}: cannot read it (${/** @type {NodeJS.ErrnoException} */ (e).code ?? e})`);
  }
  let json;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file}: not JSON (${/** @type {Error} */ (e).message})`);
  }
  const accounts = json?.accounts;
  if (!accounts || typeof accounts !== "object" || Array.isArray(accounts)) {
    throw new UsageError(`${file}: /accounts must be an object of account ids`);
  }
  const out = new Map();
  for (const [id, values] of Object.entries(accounts)) {
    if (!/^\d{12}$/.test(id)) throw new UsageError(`${file}: /accounts/${id}: not a 12-digit account id`);
    if (!values || typeof values !== "object" || Array.isArray(values))
      throw new UsageError(`${file}: /accounts/${id}: must be an object`);
    const problems = accountProblems(values);
    if (problems.length > 0) throw new UsageError(`${file}: /accounts/${id}: ${problems.join("; ")}`);
    out.set(id, { ...values });
  }
  return out;
}

/** Every account under the OUs (child OUs included, as StackSets deploys to them), with its OU. */
async function accountsUnder(organizations, ous) {
  const accounts = [];
  const walk = async (parent, ou) => {
    for await (const page of org.paginateListAccountsForParent({ client: organizations }, { ParentId: parent })) {
      for (const a of page.Accounts ?? [])
        if (a.Id) accounts.push({ id: a.Id, name: a.Name ?? "", ou, status: a.Status });
    }
    for await (const page of org.paginateListOrganizationalUnitsForParent(
      { client: organizations },
      { ParentId: parent },
    )) {
      for (const child of page.OrganizationalUnits ?? []) if (child.Id) await walk(child.Id, ou);
    }
  };
  for (const ou of ous) await walk(ou, ou);
  return accounts;
}

/** An account's values from its tags (Organizations ListTagsForResource). */
async function tagValues(organizations, accountId) {
  const values = {};
  for await (const page of org.paginateListTagsForResource({ client: organizations }, { ResourceId: accountId })) {
    for (const t of page.Tags ?? []) if (t.Key && t.Key in TAGS) values[TAGS[t.Key]] = t.Value ?? "";
  }
  return values;
}

/**
 * The overrides each account needs: its values (file over tags) that differ from the defaults, grouped by identical
 * overrides so one operation covers every account of a group.
 * @returns {{ accounts: string[], overrides: { ParameterKey: string, ParameterValue: string }[] }[]}
 */
function overrideGroups(perAccount, defaults) {
  const groups = new Map();
  for (const [id, values] of [...perAccount].sort(([a], [b]) => a.localeCompare(b))) {
    const overrides = Object.keys(PER_ACCOUNT)
      .filter((name) => values[name] !== undefined && values[name] !== defaults[name])
      .map((name) => ({ ParameterKey: PER_ACCOUNT[name], ParameterValue: values[name] }));
    if (overrides.length === 0) continue;
    const key = JSON.stringify(overrides);
    if (!groups.has(key)) groups.set(key, { accounts: [], overrides });
    groups.get(key).accounts.push(id);
  }
  return [...groups.values()];
}

// ---------------------------------------------------------------------------------------------------------------
// Packaging

/** `serverless package` with the sentinels; the StackSet's template, tags and the zips to upload. */
function packageForStackSet(opts, run = spawnSync) {
  const defaults = Object.entries(opts.defaults).filter(([name]) => !(name in PER_ACCOUNT));
  const args = [
    "--no-install",
    "serverless",
    "package",
    "--stage",
    opts.stage,
    "--region",
    opts.homeRegion,
    `--param=teamName=${SENTINELS.teamName}`,
    `--param=alertEmail=${SENTINELS.alertEmail}`,
    ...defaults.map(([k, v]) => `--param=${k}=${v}`),
    "--package",
    opts.packageDir,
  ];
  const env = { ...process.env, SLS_TELEMETRY_DISABLED: "1", ...(opts.bundle ? {} : { GUARDRAIL_SKIP_BUNDLE: "1" }) };
  const r = run("npx", args, { cwd: ROOT, stdio: ["ignore", process.stderr, process.stderr], env });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`serverless package failed (exit ${r.status}; its output is above)`);
  return readPackage(opts.packageDir);
}

/** The packaged template and stack tags in `dir`, and the zips deploy/functions.js names. */
function readPackage(dir, zipsDir = buildDir()) {
  const template = JSON.parse(fs.readFileSync(path.join(dir, "cloudformation-template-update-stack.json"), "utf8"));
  const state = JSON.parse(fs.readFileSync(path.join(dir, "serverless-state.json"), "utf8"));
  const stackTags = state.service?.provider?.stackTags ?? {};
  const zips = Object.fromEntries(
    Object.keys(functions).map((fn) => [fn, fs.readFileSync(path.join(zipsDir, `${fn}.zip`))]),
  );
  return { template, stackTags, zips };
}

/** osls's logical id of a function (its naming: the name capitalised, then "LambdaFunction"). */
const functionId = (name) => `${name.charAt(0).toUpperCase()}${name.slice(1)}LambdaFunction`;

const sha256 = (data) => crypto.createHash("sha256").update(data).digest("hex");

function partitionOf(region) {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/** What the artifact buckets hold: the zips by content, the template by content. */
function artifacts(pkg, opts) {
  const keys = Object.fromEntries(
    Object.entries(pkg.zips).map(([fn, data]) => [
      fn,
      `guardrail/${opts.stage}/${sha256(data).slice(0, 16)}/${fn}.zip`,
    ]),
  );
  const template = stackSetTemplate(
    pkg.template,
    { bucketPrefix: opts.bucketPrefix, keys },
    Object.fromEntries(Object.keys(pkg.zips).map((fn) => [fn, functionId(fn)])),
  );
  const body = JSON.stringify(template);
  const templateKey = `guardrail/${opts.stage}/${sha256(body).slice(0, 16)}/template.json`;
  // Stack tags vary per account only through the team, which the template's resources carry (a Parameter).
  const tags = Object.entries(pkg.stackTags)
    .filter(([, v]) => !Object.values(SENTINELS).includes(String(v)))
    .map(([Key, Value]) => ({ Key, Value: String(Value) }));
  return { keys, template, body, templateKey, tags, capabilities: capabilitiesOf(template) };
}

/** The artifact bucket's policy: the organisation's principals read the code; nothing over plain HTTP. */
function bucketPolicy(bucket, region, orgId) {
  const arn = `arn:${partitionOf(region)}:s3:::${bucket}`;
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "OrganizationReadsGuardrailArtifacts",
        Effect: "Allow",
        Principal: "*",
        Action: "s3:GetObject",
        Resource: `${arn}/guardrail/*`,
        Condition: { StringEquals: { "aws:PrincipalOrgID": orgId } },
      },
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [arn, `${arn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// AWS

function clients(opts, env = process.env) {
  const endpoint = env.GUARDRAIL_AWS_ENDPOINT || undefined;
  const common = { maxAttempts: 10, retryMode: "adaptive", ...(endpoint ? { endpoint } : {}) };
  const s3Clients = new Map();
  return {
    cloudformation: new cfn.CloudFormationClient({ ...common, region: opts.homeRegion }),
    organizations: new org.OrganizationsClient({ ...common, region: opts.homeRegion }),
    s3: (region) => {
      if (!s3Clients.has(region))
        s3Clients.set(region, new s3.S3Client({ ...common, region, ...(endpoint ? { forcePathStyle: true } : {}) }));
      return s3Clients.get(region);
    },
  };
}

const isNotFound = (e) => e?.name === "NotFound" || e?.name === "NoSuchBucket" || e?.$metadata?.httpStatusCode === 404;

/** The Region's artifact bucket: created with the organisation's read policy if missing; else its policy checked. */
async function ensureBucket(client, bucket, region, orgId, log) {
  try {
    await client.send(new s3.HeadBucketCommand({ Bucket: bucket }));
  } catch (e) {
    if (!isNotFound(e)) throw e;
    log(`creating artifact bucket ${bucket} (${region})`);
    await client.send(
      new s3.CreateBucketCommand({
        Bucket: bucket,
        ...(region === "us-east-1"
          ? {}
          : { CreateBucketConfiguration: { LocationConstraint: /** @type {any} */ (region) } }),
      }),
    );
    await client.send(
      new s3.PutPublicAccessBlockCommand({
        Bucket: bucket,
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          IgnorePublicAcls: true,
          BlockPublicPolicy: true,
          RestrictPublicBuckets: true,
        },
      }),
    );
    await client.send(
      new s3.PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(bucketPolicy(bucket, region, orgId)) }),
    );
    return;
  }
  let policy = "";
  try {
    policy = (await client.send(new s3.GetBucketPolicyCommand({ Bucket: bucket }))).Policy ?? "";
  } catch (e) {
    if (/** @type {any} */ (e)?.name !== "NoSuchBucketPolicy") throw e;
  }
  if (!policy.includes(orgId)) {
    throw new Error(
      `artifact bucket ${bucket} exists, but its policy does not let organisation ${orgId} read it: add ` +
        JSON.stringify(bucketPolicy(bucket, region, orgId).Statement[0]),
    );
  }
}

const TERMINAL = new Set(["SUCCEEDED", "FAILED", "STOPPED"]);

/**
 * Waits for an operation, printing its status as it changes; the failed stack instances, from
 * ListStackSetOperationResults, when it did not succeed or some instances failed within the tolerance.
 */
async function waitFor(io, opts, operationId, what) {
  let last = "";
  for (;;) {
    const { StackSetOperation: op } = await io.cloudformation.send(
      new cfn.DescribeStackSetOperationCommand({
        StackSetName: opts.name,
        OperationId: operationId,
        CallAs: opts.callAs,
      }),
    );
    const status = op?.Status ?? "UNKNOWN";
    if (status !== last) {
      io.log(`${what} (operation ${operationId}): ${status}`);
      last = status;
    }
    if (TERMINAL.has(status)) {
      const failedCount = op?.StatusDetails?.FailedStackInstancesCount ?? 0;
      if (status === "SUCCEEDED" && failedCount === 0) return [];
      const failures = [];
      for await (const page of cfn.paginateListStackSetOperationResults(
        { client: io.cloudformation },
        { StackSetName: opts.name, OperationId: operationId, CallAs: opts.callAs },
      )) {
        for (const r of page.Summaries ?? []) {
          if (r.Status === "SUCCEEDED") continue;
          failures.push(
            `${r.Account ?? "?"} ${r.Region ?? "?"}: ${r.Status}${r.StatusReason ? ` (${r.StatusReason})` : ""}`,
          );
        }
      }
      if (failures.length === 0) failures.push(`${what}: ${status}${op?.StatusReason ? ` (${op.StatusReason})` : ""}`);
      return failures;
    }
    await io.sleep(io.pollMs);
  }
}

/**
 * Everything after packaging: buckets, uploads, the StackSet and its instances, overrides. Returns the failures
 * (empty when every instance succeeded).
 * @param {ReturnType<typeof parseArgs>} opts
 * @param {{ template: any, stackTags: Record<string, string>, zips: Record<string, Buffer> }} pkg
 * @param {{ cloudformation: any, organizations: any, s3: (region: string) => any, log: (line: string) => void,
 *   sleep: (ms: number) => Promise<void>, pollMs: number }} io
 */
async function deployOrg(opts, pkg, io) {
  const built = artifacts(pkg, opts);
  const { Organization } = await io.organizations.send(new org.DescribeOrganizationCommand({}));
  const orgId = Organization?.Id;
  if (!orgId) throw new Error("Organizations DescribeOrganization returned no organisation id");

  // Per-account values, checked before anything changes.
  const perAccount = new Map();
  if (opts.fromTags || opts.accountsFile) {
    const accounts = await accountsUnder(io.organizations, opts.ous);
    const inOus = new Set(accounts.map((a) => a.id));
    if (opts.fromTags) {
      for (const a of accounts) {
        const values = await tagValues(io.organizations, a.id);
        const problems = accountProblems(values);
        if (problems.length > 0) throw new Error(`account ${a.id} (${a.name}) tags: ${problems.join("; ")}`);
        if (Object.keys(values).length > 0) perAccount.set(a.id, values);
      }
    }
    if (opts.accountsFile) {
      for (const [id, values] of loadAccountsFile(opts.accountsFile)) {
        if (!inOus.has(id))
          throw new Error(`${opts.accountsFile}: /accounts/${id}: not an account of ${opts.ous.join(", ")}`);
        perAccount.set(id, { ...(perAccount.get(id) ?? {}), ...values });
      }
    }
  }
  const groups = overrideGroups(perAccount, opts.defaults);

  for (const region of opts.regions) {
    const bucket = `${opts.bucketPrefix}-${region}`;
    await ensureBucket(io.s3(region), bucket, region, orgId, io.log);
    for (const [fn, key] of Object.entries(built.keys)) {
      await io
        .s3(region)
        .send(
          new s3.PutObjectCommand({ Bucket: bucket, Key: key, Body: pkg.zips[fn], ContentType: "application/zip" }),
        );
    }
  }
  const homeBucket = `${opts.bucketPrefix}-${opts.homeRegion}`;
  if (!opts.regions.includes(opts.homeRegion))
    await ensureBucket(io.s3(opts.homeRegion), homeBucket, opts.homeRegion, orgId, io.log);
  await io.s3(opts.homeRegion).send(
    new s3.PutObjectCommand({
      Bucket: homeBucket,
      Key: built.templateKey,
      Body: built.body,
      ContentType: "application/json",
    }),
  );
  const templateURL = `https://${homeBucket}.s3.${opts.homeRegion}.amazonaws.com/${built.templateKey}`;
  io.log(`template and code uploaded: ${templateURL}`);

  const stackSet = /** @type {import("@aws-sdk/client-cloudformation").CreateStackSetCommandInput} */ ({
    StackSetName: opts.name,
    Description: `Guardrail ${opts.stage}: policy-as-code compliance and remediation in every account`,
    TemplateURL: templateURL,
    Parameters: Object.entries(PER_ACCOUNT).map(([name, key]) => ({
      ParameterKey: key,
      ParameterValue: opts.defaults[name],
    })),
    Capabilities: built.capabilities,
    Tags: built.tags,
    PermissionModel: "SERVICE_MANAGED",
    AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: opts.retainStacks },
    CallAs: opts.callAs,
    // Non-conflicting operations run at once and conflicting ones are queued (CreateStackSet, ManagedExecution).
    ManagedExecution: { Active: true },
  });
  const common = { StackSetName: opts.name, OperationPreferences: opts.preferences, CallAs: opts.callAs };
  const failures = [];
  let exists = true;
  try {
    await io.cloudformation.send(new cfn.DescribeStackSetCommand({ StackSetName: opts.name, CallAs: opts.callAs }));
  } catch (e) {
    if (!(e instanceof cfn.StackSetNotFoundException) && e?.name !== "StackSetNotFoundException") throw e;
    exists = false;
  }
  if (!exists) {
    io.log(`creating StackSet ${opts.name} in ${opts.homeRegion}`);
    await io.cloudformation.send(new cfn.CreateStackSetCommand(stackSet));
    const { OperationId } = await io.cloudformation.send(
      new cfn.CreateStackInstancesCommand({
        ...common,
        DeploymentTargets: { OrganizationalUnitIds: opts.ous },
        Regions: opts.regions,
      }),
    );
    failures.push(...(await waitFor(io, opts, OperationId, `stack instances in ${opts.ous.join(", ")}`)));
  } else {
    io.log(`updating StackSet ${opts.name} in ${opts.homeRegion}`);
    const { OperationId } = await io.cloudformation.send(
      new cfn.UpdateStackSetCommand({ ...stackSet, OperationPreferences: opts.preferences }),
    );
    failures.push(...(await waitFor(io, opts, OperationId, "update of every stack instance")));
    // An OU or a Region new to the StackSet gets its instances; accounts joining a known OU get theirs by
    // automatic deployment.
    const instances = [];
    for await (const page of cfn.paginateListStackInstances(
      { client: io.cloudformation },
      { StackSetName: opts.name, CallAs: opts.callAs },
    )) {
      instances.push(...(page.Summaries ?? []));
    }
    const newOus = opts.ous.filter((ou) => !instances.some((i) => i.OrganizationalUnitId === ou));
    const knownOus = opts.ous.filter((ou) => !newOus.includes(ou));
    const newRegions = opts.regions.filter((r) => !instances.some((i) => i.Region === r));
    const creates = [];
    if (newOus.length > 0) creates.push({ ous: newOus, regions: opts.regions });
    if (knownOus.length > 0 && newRegions.length > 0) creates.push({ ous: knownOus, regions: newRegions });
    for (const c of creates) {
      const { OperationId: id } = await io.cloudformation.send(
        new cfn.CreateStackInstancesCommand({
          ...common,
          DeploymentTargets: { OrganizationalUnitIds: c.ous },
          Regions: c.regions,
        }),
      );
      failures.push(
        ...(await waitFor(io, opts, id, `stack instances in ${c.ous.join(", ")} (${c.regions.join(", ")})`)),
      );
    }
  }
  for (const group of groups) {
    const { OperationId } = await io.cloudformation.send(
      new cfn.UpdateStackInstancesCommand({
        ...common,
        DeploymentTargets: {
          OrganizationalUnitIds: opts.ous,
          Accounts: group.accounts,
          AccountFilterType: "INTERSECTION",
        },
        Regions: opts.regions,
        ParameterOverrides: group.overrides,
      }),
    );
    const what = `${group.overrides.map((o) => `${o.ParameterKey}=${o.ParameterValue}`).join(", ")} for ${group.accounts.join(", ")}`;
    failures.push(...(await waitFor(io, opts, OperationId, what)));
  }
  return failures;
}

async function main(argv = process.argv.slice(2)) {
  const opts = parseArgs(argv);
  if (opts.help) {
    console.log(USAGE);
    return 0;
  }
  // A mistake in the mapping file is found before minutes of packaging, and by --dry-run too.
  if (opts.accountsFile) loadAccountsFile(opts.accountsFile);
  const pkg = packageForStackSet(opts);
  if (opts.dryRun) {
    const built = artifacts(pkg, opts);
    fs.writeFileSync(
      path.join(opts.packageDir, "stackset-template.json"),
      JSON.stringify(built.template, null, 2) + "\n",
    );
    console.log(`StackSet template: ${path.join(opts.packageDir, "stackset-template.json")}`);
    console.log(`code: s3://${opts.bucketPrefix}-<Region>/ ${Object.values(built.keys).join(" ")}`);
    console.log(
      `StackSet ${opts.name} (${opts.homeRegion}, ${opts.callAs}): OUs ${opts.ous.join(", ")}, Regions ${opts.regions.join(", ")}`,
    );
    return 0;
  }
  const io = {
    ...clients(opts),
    log: (line) => console.log(line),
    sleep: (ms) => delay(ms),
    pollMs: 15_000,
  };
  const failures = await deployOrg(opts, pkg, io);
  if (failures.length > 0) {
    console.log(`\n${failures.length === 1 ? "1 failure" : `${failures.length} failures`}:`);
    for (const f of failures) console.log(`  ${f}`);
    return 1;
  }
  console.log(`\nStackSet ${opts.name}: every stack instance is up to date`);
  return 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      console.error(`deploy:org: ${e instanceof UsageError ? e.message : (e?.message ?? e)}`);
      if (e instanceof UsageError) console.error("(npm run deploy:org -- --help)");
      process.exit(e instanceof UsageError ? 2 : 1);
    },
  );
}

module.exports = {
  parseArgs,
  UsageError,
  loadAccountsFile,
  overrideGroups,
  accountsUnder,
  readPackage,
  artifacts,
  bucketPolicy,
  deployOrg,
  functionId,
  main,
  TAGS,
  USAGE,
};
