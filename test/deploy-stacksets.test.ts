import {
  CloudFormationClient,
  CreateStackInstancesCommand,
  CreateStackSetCommand,
  DescribeStackSetCommand,
  DescribeStackSetOperationCommand,
  ListStackInstancesCommand,
  ListStackSetOperationResultsCommand,
  StackSetNotFoundException,
  UpdateStackInstancesCommand,
  UpdateStackSetCommand,
} from "@aws-sdk/client-cloudformation";
import {
  DescribeOrganizationCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListTagsForResourceCommand,
  OrganizationsClient,
} from "@aws-sdk/client-organizations";
import {
  CreateBucketCommand,
  GetBucketPolicyCommand,
  HeadBucketCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

/*
 * deploy/stacksets.js against mocked CloudFormation, Organizations and S3 clients: the exact calls and inputs.
 * Shapes: CloudFormation API Reference (CreateStackSet, CreateStackInstances, UpdateStackSet, UpdateStackInstances,
 * DescribeStackSetOperation, ListStackSetOperationResults, ListStackInstances: StackInstanceSummary); Organizations
 * API Reference (DescribeOrganization, ListAccountsForParent, ListOrganizationalUnitsForParent,
 * ListTagsForResource); Amazon S3 API Reference (HeadBucket, CreateBucket, PutPublicAccessBlock, PutBucketPolicy,
 * GetBucketPolicy, PutObject).
 *
 * moto is not used: its StackSets create no stack instances for SERVICE_MANAGED stack sets and do not echo
 * AutoDeployment, which are what this tool is about.
 */

const requireJs = createRequire(__filename);
const stacksets = requireJs("../deploy/stacksets.js") as {
  parseArgs(argv: string[], env?: NodeJS.ProcessEnv): Options;
  deployOrg(opts: Options, pkg: Package, io: Io): Promise<string[]>;
  overrideGroups(perAccount: Map<string, Record<string, string>>, defaults: Record<string, string>): unknown[];
  UsageError: new (m: string) => Error;
};

type Options = Record<string, unknown> & { ous: string[]; regions: string[]; name: string };
interface Package {
  template: Record<string, unknown>;
  stackTags: Record<string, string>;
  zips: Record<string, Buffer>;
}
interface Io {
  cloudformation: CloudFormationClient;
  organizations: OrganizationsClient;
  s3: (region: string) => S3Client;
  log: (line: string) => void;
  sleep: (ms: number) => Promise<void>;
  pollMs: number;
}

const OU = "ou-ab12-cdefgh34";
const ORG = "o-a1b2c3d4e5";
const REGIONS = ["eu-west-1", "us-east-1"];
const FNS = ["configRule", "sweepWorker", "cloudTrailEvents", "remediationWorker"];
const TEAM = "GuardrailStackSetTeamName";
const EMAIL = "guardrail-stackset-alert-email@stackset.invalid";

/** A packaged template in the shape osls writes (cloudformation-template-update-stack.json), reduced. */
function packaged(): Package {
  const fn = (name: string) => ({
    Type: "AWS::Lambda::Function",
    Properties: {
      Code: { S3Bucket: { Ref: "ServerlessDeploymentBucket" }, S3Key: `serverless/guardrail/prod/1-2026/${name}.zip` },
      Handler: "index.handler",
      Tags: [{ Key: "guardrail:team", Value: TEAM }],
      Environment: { Variables: { GUARDRAIL_TEAM: TEAM, GUARDRAIL_REMEDIATION_MODE: "notify" } },
    },
  });
  return {
    template: {
      AWSTemplateFormatVersion: "2010-09-09",
      Resources: {
        ServerlessDeploymentBucket: { Type: "AWS::S3::Bucket" },
        ...Object.fromEntries(FNS.map((n) => [`${n.charAt(0).toUpperCase()}${n.slice(1)}LambdaFunction`, fn(n)])),
        ConfigRuleRole: { Type: "AWS::IAM::Role", Properties: { Description: `Guardrail role (${TEAM} team)` } },
        AlertEmailSubscription: { Type: "AWS::SNS::Subscription", Properties: { Protocol: "email", Endpoint: EMAIL } },
      },
    },
    stackTags: { "guardrail:team": TEAM, "guardrail:stage": "prod", "guardrail:protected": "true" },
    zips: Object.fromEntries(FNS.map((n) => [n, Buffer.from(`zip of ${n}`)])),
  };
}

const cfn = mockClient(CloudFormationClient);
const orgs = mockClient(OrganizationsClient);
const s3 = mockClient(S3Client);
let tmp: string;
let lines: string[];

function io(): Io {
  const clients = new Map<string, S3Client>();
  return {
    cloudformation: new CloudFormationClient({ region: "eu-west-1" }),
    organizations: new OrganizationsClient({ region: "eu-west-1" }),
    s3: (region) => {
      if (!clients.has(region)) clients.set(region, new S3Client({ region }));
      return clients.get(region)!;
    },
    log: (line) => lines.push(line),
    sleep: async () => {},
    pollMs: 0,
  };
}

function options(extra: string[] = []): Options {
  return stacksets.parseArgs(
    [
      "--ou",
      OU,
      "--regions",
      REGIONS.join(","),
      "--artifact-bucket-prefix",
      "acme-guardrail",
      "--param",
      "alertEmail=security@example.com",
      "--max-concurrent-percentage",
      "20",
      "--failure-tolerance-percentage",
      "5",
      ...extra,
    ],
    { AWS_REGION: "eu-west-1" },
  );
}

const notFound = (name: string) =>
  new S3ServiceException({ name, $fault: "client", $metadata: { httpStatusCode: 404 }, message: name });

/** An organisation with three accounts: two directly in the OU, one in a child OU. */
function organisation(tags: Record<string, { Key: string; Value: string }[]> = {}) {
  orgs.on(DescribeOrganizationCommand).resolves({ Organization: { Id: ORG } });
  orgs.on(ListAccountsForParentCommand, { ParentId: OU }).resolves({
    Accounts: [
      { Id: "111122223333", Name: "payments" },
      { Id: "444455556666", Name: "orders" },
    ],
  });
  orgs
    .on(ListAccountsForParentCommand, { ParentId: "ou-ab12-child000" })
    .resolves({ Accounts: [{ Id: "777788889999", Name: "search" }] });
  orgs
    .on(ListOrganizationalUnitsForParentCommand, { ParentId: OU })
    .resolves({ OrganizationalUnits: [{ Id: "ou-ab12-child000" }] });
  orgs
    .on(ListOrganizationalUnitsForParentCommand, { ParentId: "ou-ab12-child000" })
    .resolves({ OrganizationalUnits: [] });
  for (const id of ["111122223333", "444455556666", "777788889999"]) {
    orgs.on(ListTagsForResourceCommand, { ResourceId: id }).resolves({ Tags: tags[id] ?? [] });
  }
}

beforeEach(() => {
  cfn.reset();
  orgs.reset();
  s3.reset();
  lines = [];
  tmp = mkdtempSync(join(tmpdir(), "guardrail-stacksets-"));
  s3.on(HeadBucketCommand).rejects(notFound("NotFound"));
  s3.on(CreateBucketCommand).resolves({});
  s3.on(PutPublicAccessBlockCommand).resolves({});
  s3.on(PutBucketPolicyCommand).resolves({});
  s3.on(PutObjectCommand).resolves({});
  cfn.on(CreateStackSetCommand).resolves({ StackSetId: "guardrail-prod:1" });
  cfn.on(CreateStackInstancesCommand).resolves({ OperationId: "op-create" });
  cfn.on(UpdateStackSetCommand).resolves({ OperationId: "op-update" });
  cfn
    .on(UpdateStackInstancesCommand)
    .resolvesOnce({ OperationId: "op-override-1" })
    .resolves({ OperationId: "op-override-2" });
  cfn.on(DescribeStackSetOperationCommand).resolves({ StackSetOperation: { Status: "SUCCEEDED" } });
});

afterEach(() => rmSync(tmp, { recursive: true, force: true }));

const inputs = <T>(mock: { commandCalls(c: T): { args: [{ input: unknown }] }[] }, command: T) =>
  mock.commandCalls(command).map((c) => c.args[0].input);

describe("deploy:org creates the StackSet", () => {
  test("buckets per Region, the code and template uploaded, the StackSet, its instances, per-account overrides", async () => {
    organisation();
    cfn.on(DescribeStackSetCommand).rejects(new StackSetNotFoundException({ message: "not found", $metadata: {} }));
    cfn
      .on(DescribeStackSetOperationCommand, { OperationId: "op-create" })
      .resolvesOnce({ StackSetOperation: { Status: "QUEUED" } })
      .resolvesOnce({ StackSetOperation: { Status: "RUNNING" } })
      .resolves({ StackSetOperation: { Status: "SUCCEEDED" } });
    const file = join(tmp, "accounts.json");
    writeFileSync(
      file,
      JSON.stringify({
        accounts: {
          "111122223333": {
            teamName: "payments",
            alertEmail: "payments-oncall@example.com",
            remediationMode: "approve",
          },
          "444455556666": { teamName: "orders", alertEmail: "orders-oncall@example.com" },
          "777788889999": { teamName: "orders", alertEmail: "orders-oncall@example.com" },
        },
      }),
    );
    const failures = await stacksets.deployOrg(options(["--accounts-file", file]), packaged(), io());
    expect(failures).toEqual([]);

    // One bucket per Region, readable by the organisation only.
    expect(inputs(s3, CreateBucketCommand)).toEqual([
      { Bucket: "acme-guardrail-eu-west-1", CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } },
      { Bucket: "acme-guardrail-us-east-1" },
    ]);
    const policies = inputs(s3, PutBucketPolicyCommand) as { Bucket: string; Policy: string }[];
    expect(policies.map((p) => p.Bucket)).toEqual(["acme-guardrail-eu-west-1", "acme-guardrail-us-east-1"]);
    expect(JSON.parse(policies[0]!.Policy).Statement[0]).toEqual({
      Sid: "OrganizationReadsGuardrailArtifacts",
      Effect: "Allow",
      Principal: "*",
      Action: "s3:GetObject",
      Resource: "arn:aws:s3:::acme-guardrail-eu-west-1/guardrail/*",
      Condition: { StringEquals: { "aws:PrincipalOrgID": ORG } },
    });
    expect(inputs(s3, PutPublicAccessBlockCommand)).toHaveLength(2);
    // Four zips in each Region, the template once, in the home Region's bucket.
    const puts = inputs(s3, PutObjectCommand) as { Bucket: string; Key: string; Body: unknown }[];
    expect(puts.map((p) => `${p.Bucket} ${p.Key.replace(/\/[0-9a-f]{16}\//, "/<sha>/")}`)).toEqual([
      ...REGIONS.flatMap((r) => FNS.map((fn) => `acme-guardrail-${r} guardrail/prod/<sha>/${fn}.zip`)),
      "acme-guardrail-eu-west-1 guardrail/prod/<sha>/template.json",
    ]);
    const template = JSON.parse(String(puts.at(-1)!.Body)) as {
      Parameters: Record<string, unknown>;
      Resources: Record<string, { Properties: Record<string, unknown> }>;
    };
    expect(Object.keys(template.Parameters)).toEqual(["TeamName", "AlertEmail", "RemediationMode"]);
    expect(template.Resources.ConfigRuleLambdaFunction!.Properties.Code).toEqual({
      S3Bucket: { "Fn::Sub": "acme-guardrail-${AWS::Region}" },
      S3Key: puts[0]!.Key,
    });
    expect(template.Resources.AlertEmailSubscription!.Properties.Endpoint).toEqual({ Ref: "AlertEmail" });
    expect(template.Resources.ConfigRuleRole!.Properties.Description).toEqual({
      "Fn::Join": ["", ["Guardrail role (", { Ref: "TeamName" }, " team)"]],
    });
    expect(JSON.stringify(template)).not.toMatch(new RegExp(`${TEAM}|${EMAIL}|ServerlessDeploymentBucket"\\}`));

    const templateURL = `https://acme-guardrail-eu-west-1.s3.eu-west-1.amazonaws.com/${puts.at(-1)!.Key}`;
    expect(inputs(cfn, CreateStackSetCommand)).toEqual([
      {
        StackSetName: "guardrail-prod",
        Description: "Guardrail prod: policy-as-code compliance and remediation in every account",
        TemplateURL: templateURL,
        Parameters: [
          { ParameterKey: "TeamName", ParameterValue: "unassigned" },
          { ParameterKey: "AlertEmail", ParameterValue: "security@example.com" },
          { ParameterKey: "RemediationMode", ParameterValue: "notify" },
        ],
        Capabilities: ["CAPABILITY_IAM"],
        Tags: [
          { Key: "guardrail:stage", Value: "prod" },
          { Key: "guardrail:protected", Value: "true" },
        ],
        PermissionModel: "SERVICE_MANAGED",
        AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
        CallAs: "SELF",
        ManagedExecution: { Active: true },
      },
    ]);
    const preferences = {
      RegionConcurrencyType: "PARALLEL",
      MaxConcurrentPercentage: 20,
      FailureTolerancePercentage: 5,
    };
    expect(inputs(cfn, CreateStackInstancesCommand)).toEqual([
      {
        StackSetName: "guardrail-prod",
        OperationPreferences: preferences,
        CallAs: "SELF",
        DeploymentTargets: { OrganizationalUnitIds: [OU] },
        Regions: REGIONS,
      },
    ]);
    // Accounts with the same values share one operation.
    expect(inputs(cfn, UpdateStackInstancesCommand)).toEqual([
      {
        StackSetName: "guardrail-prod",
        OperationPreferences: preferences,
        CallAs: "SELF",
        DeploymentTargets: {
          OrganizationalUnitIds: [OU],
          Accounts: ["111122223333"],
          AccountFilterType: "INTERSECTION",
        },
        Regions: REGIONS,
        ParameterOverrides: [
          { ParameterKey: "TeamName", ParameterValue: "payments" },
          { ParameterKey: "AlertEmail", ParameterValue: "payments-oncall@example.com" },
          { ParameterKey: "RemediationMode", ParameterValue: "approve" },
        ],
      },
      {
        StackSetName: "guardrail-prod",
        OperationPreferences: preferences,
        CallAs: "SELF",
        DeploymentTargets: {
          OrganizationalUnitIds: [OU],
          Accounts: ["444455556666", "777788889999"],
          AccountFilterType: "INTERSECTION",
        },
        Regions: REGIONS,
        ParameterOverrides: [
          { ParameterKey: "TeamName", ParameterValue: "orders" },
          { ParameterKey: "AlertEmail", ParameterValue: "orders-oncall@example.com" },
        ],
      },
    ]);
    expect(cfn.commandCalls(UpdateStackSetCommand)).toHaveLength(0);
    // Every operation waited on, its status changes printed.
    expect(inputs(cfn, DescribeStackSetOperationCommand)).toContainEqual({
      StackSetName: "guardrail-prod",
      OperationId: "op-create",
      CallAs: "SELF",
    });
    expect(lines.filter((l) => l.includes("op-create"))).toEqual([
      `stack instances in ${OU} (operation op-create): QUEUED`,
      `stack instances in ${OU} (operation op-create): RUNNING`,
      `stack instances in ${OU} (operation op-create): SUCCEEDED`,
    ]);
  });

  test("per-account values from the accounts' tags; delegated administrator; stacks kept on removal", async () => {
    organisation({
      "777788889999": [
        { Key: "guardrail:team", Value: "search" },
        { Key: "guardrail:alert-email", Value: "search@example.com" },
        { Key: "cost-centre", Value: "42" },
      ],
    });
    cfn.on(DescribeStackSetCommand).rejects(new StackSetNotFoundException({ message: "not found", $metadata: {} }));
    const opts = options(["--params-from-tags", "--call-as", "DELEGATED_ADMIN", "--retain-stacks-on-account-removal"]);
    expect(await stacksets.deployOrg(opts, packaged(), io())).toEqual([]);
    expect(inputs(orgs, ListTagsForResourceCommand)).toEqual([
      { ResourceId: "111122223333" },
      { ResourceId: "444455556666" },
      { ResourceId: "777788889999" },
    ]);
    const created = inputs(cfn, CreateStackSetCommand)[0] as Record<string, unknown>;
    expect(created.CallAs).toBe("DELEGATED_ADMIN");
    expect(created.AutoDeployment).toEqual({ Enabled: true, RetainStacksOnAccountRemoval: true });
    expect(inputs(cfn, UpdateStackInstancesCommand)).toEqual([
      expect.objectContaining({
        CallAs: "DELEGATED_ADMIN",
        DeploymentTargets: {
          OrganizationalUnitIds: [OU],
          Accounts: ["777788889999"],
          AccountFilterType: "INTERSECTION",
        },
        ParameterOverrides: [
          { ParameterKey: "TeamName", ParameterValue: "search" },
          { ParameterKey: "AlertEmail", ParameterValue: "search@example.com" },
        ],
      }),
    ]);
  });

  test("a bad tag value stops everything before any change, naming the account", async () => {
    organisation({ "444455556666": [{ Key: "guardrail:remediation-mode", Value: "sometimes" }] });
    await expect(stacksets.deployOrg(options(["--params-from-tags"]), packaged(), io())).rejects.toThrow(
      'account 444455556666 (orders) tags: remediationMode "sometimes" must be one of auto, approve, notify',
    );
    expect(s3.calls()).toHaveLength(0);
    expect(cfn.calls()).toHaveLength(0);
  });

  test("a mapping file naming an account outside the OUs is refused", async () => {
    organisation();
    const file = join(tmp, "accounts.json");
    writeFileSync(file, JSON.stringify({ accounts: { "999999999999": { teamName: "x" } } }));
    await expect(stacksets.deployOrg(options(["--accounts-file", file]), packaged(), io())).rejects.toThrow(
      `/accounts/999999999999: not an account of ${OU}`,
    );
    expect(cfn.calls()).toHaveLength(0);
  });

  test("an existing artifact bucket the organisation cannot read is named, with the statement it needs", async () => {
    orgs.on(DescribeOrganizationCommand).resolves({ Organization: { Id: ORG } });
    s3.on(HeadBucketCommand).resolves({});
    s3.on(GetBucketPolicyCommand).rejects(notFound("NoSuchBucketPolicy"));
    await expect(stacksets.deployOrg(options(), packaged(), io())).rejects.toThrow(
      /artifact bucket acme-guardrail-eu-west-1 exists, but its policy does not let organisation o-a1b2c3d4e5 read it: add \{"Sid":"OrganizationReadsGuardrailArtifacts"/,
    );
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });
});

describe("deploy:org updates the StackSet", () => {
  test("UpdateStackSet, then instances only for a Region that has none; a failed operation is summed up", async () => {
    orgs.on(DescribeOrganizationCommand).resolves({ Organization: { Id: ORG } });
    s3.on(HeadBucketCommand).resolves({});
    s3.on(GetBucketPolicyCommand).resolves({
      Policy: JSON.stringify({ Statement: [{ Condition: { StringEquals: { "aws:PrincipalOrgID": ORG } } }] }),
    });
    cfn.on(DescribeStackSetCommand).resolves({ StackSet: { StackSetName: "guardrail-prod", Status: "ACTIVE" } });
    cfn.on(ListStackInstancesCommand).resolves({
      Summaries: [
        { Account: "111122223333", Region: "eu-west-1", OrganizationalUnitId: OU, Status: "CURRENT" },
        { Account: "444455556666", Region: "eu-west-1", OrganizationalUnitId: OU, Status: "CURRENT" },
      ],
    });
    cfn
      .on(DescribeStackSetOperationCommand, { OperationId: "op-create" })
      .resolves({ StackSetOperation: { Status: "FAILED", StatusDetails: { FailedStackInstancesCount: 1 } } });
    cfn.on(ListStackSetOperationResultsCommand, { OperationId: "op-create" }).resolves({
      Summaries: [
        { Account: "111122223333", Region: "us-east-1", Status: "SUCCEEDED" },
        {
          Account: "444455556666",
          Region: "us-east-1",
          Status: "FAILED",
          StatusReason: "NoAvailableConfigurationRecorder",
        },
      ],
    });
    const failures = await stacksets.deployOrg(options(), packaged(), io());
    expect(failures).toEqual(["444455556666 us-east-1: FAILED (NoAvailableConfigurationRecorder)"]);

    expect(cfn.commandCalls(CreateStackSetCommand)).toHaveLength(0);
    expect(s3.commandCalls(CreateBucketCommand)).toHaveLength(0);
    const update = inputs(cfn, UpdateStackSetCommand) as Record<string, unknown>[];
    expect(update).toHaveLength(1);
    expect(update[0]).toMatchObject({
      StackSetName: "guardrail-prod",
      PermissionModel: "SERVICE_MANAGED",
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      OperationPreferences: {
        RegionConcurrencyType: "PARALLEL",
        MaxConcurrentPercentage: 20,
        FailureTolerancePercentage: 5,
      },
      CallAs: "SELF",
      Capabilities: ["CAPABILITY_IAM"],
    });
    expect(update[0]).not.toHaveProperty("DeploymentTargets");
    // The OU is known; us-east-1 is new to the StackSet.
    expect(inputs(cfn, CreateStackInstancesCommand)).toEqual([
      expect.objectContaining({ DeploymentTargets: { OrganizationalUnitIds: [OU] }, Regions: ["us-east-1"] }),
    ]);
    expect(inputs(cfn, ListStackSetOperationResultsCommand)).toEqual([
      { StackSetName: "guardrail-prod", OperationId: "op-create", CallAs: "SELF" },
    ]);
    // No per-account values were asked for: no account was listed, no override sent.
    expect(orgs.commandCalls(ListAccountsForParentCommand)).toHaveLength(0);
    expect(cfn.commandCalls(UpdateStackInstancesCommand)).toHaveLength(0);
  });
});

describe("deploy:org command line", () => {
  test.each([
    [["--regions", "eu-west-1", "--artifact-bucket-prefix", "b"], "--ou is required"],
    [["--ou", "ou-1", "--regions", "eu-west-1", "--artifact-bucket-prefix", "b"], '--ou: "ou-1" is not an OU id'],
    [["--ou", OU, "--artifact-bucket-prefix", "b"], "--regions is required"],
    [
      ["--ou", OU, "--regions", "Ireland", "--artifact-bucket-prefix", "b"],
      '--regions: "Ireland" is not a Region name',
    ],
    [["--ou", OU, "--regions", "eu-west-1", "--artifact-bucket-prefix", "Acme"], "would not be an S3 bucket name"],
    [["--ou", OU, "--regions", "eu-west-1", "--artifact-bucket-prefix", "b"], "alertEmail is required"],
    [
      [
        "--ou",
        OU,
        "--regions",
        "eu-west-1",
        "--artifact-bucket-prefix",
        "b",
        "--param",
        "alertEmail=a@b.cc",
        "--call-as",
        "ME",
      ],
      '--call-as: "ME" is not SELF or DELEGATED_ADMIN',
    ],
    [
      [
        "--ou",
        OU,
        "--regions",
        "eu-west-1",
        "--artifact-bucket-prefix",
        "b",
        "--param",
        "alertEmail=a@b.cc",
        "--max-concurrent-percentage",
        "150",
      ],
      '--max-concurrent-percentage: "150" is not a whole number 1-100',
    ],
    [["--ou", OU, "--bogus"], "Unknown option '--bogus'"],
  ])("%j: %s", (argv, message) => {
    expect(() => stacksets.parseArgs(argv, {})).toThrow(message);
    expect(() => stacksets.parseArgs(argv, {})).toThrow(stacksets.UsageError);
  });

  test("defaults: SELF, PARALLEL, 25% at once, 10% tolerated, home Region from AWS_REGION", () => {
    const opts = stacksets.parseArgs(
      ["--ou", OU, "--regions", "eu-west-1,us-east-1", "--artifact-bucket-prefix", "b", "--param", "alertEmail=a@b.cc"],
      { AWS_REGION: "eu-central-1" },
    );
    expect(opts).toMatchObject({
      homeRegion: "eu-central-1",
      callAs: "SELF",
      name: "guardrail-prod",
      retainStacks: false,
      preferences: { RegionConcurrencyType: "PARALLEL", MaxConcurrentPercentage: 25, FailureTolerancePercentage: 10 },
      defaults: { teamName: "unassigned", remediationMode: "notify", alertEmail: "a@b.cc" },
    });
  });
});
