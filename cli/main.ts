// First: drops the AWS SDK's NodeVersionSupportWarning before any command can construct an SDK client.
import "./aws-warnings";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { VERSION } from "../lib/util/version";
import { REPORT_FORMATS } from "../lib/report/types";
import { SEVERITIES } from "../lib/policy/types";
import { EXIT, REMEDIATION_EXIT_HELP, UsageError } from "./exit";
import { AUDIT_FORMATS } from "../lib/audit/render";

/**
 * A command's action, its module loaded when the command runs: `guardrail --help` or `guardrail validate` never
 * load the AWS SDK, the fleet generator or the audit (loading every command up front cost ~0.6 s of each start).
 */
function lazy<M, K extends keyof M>(load: () => Promise<M>, name: K) {
  type Args = M[K] extends (...a: infer A) => unknown ? A : never;
  return async (...args: Args): Promise<number> => {
    const fn = (await load())[name] as unknown as (...a: Args) => number | Promise<number>;
    return fn(...args);
  };
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("must be a whole number of at least 1");
  return n;
}

function rate(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError("must be a number from 0 to 1");
  return n;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

const EXIT_HELP = `
Exit codes:
  0  everything passed
  1  findings: violations at or above --fail-on, or failing policy examples
  2  usage error or invalid policies / exemptions
  3  some input could not be read (the report is incomplete)`;

/** Builds the command tree; each action's exit code is handed to `setCode`. */
export function buildProgram(setCode: (code: number) => void = () => undefined): Command {
  const run =
    <A extends unknown[]>(fn: (...args: A) => number | Promise<number>) =>
    async (...args: A) => {
      setCode(await fn(...args));
    };
  const program = new Command("guardrail")
    .version(VERSION)
    .description(
      "Policy-as-code compliance and auto-remediation for AWS.\nOne JSON Schema policy, judged the same way by Config rules, CloudTrail events, remediation workers and this CLI.",
    )
    .showHelpAfterError("(run with --help for usage and examples)")
    // Options belong to the command they follow (`audit --from` vs `audit athena ddl --from`).
    .enablePositionalOptions()
    .addHelpText(
      "after",
      `
Start here:
  $ guardrail demo                          the whole loop locally: scan, detect, fix, audit
  $ guardrail validate                      check every policy in policies/
  $ guardrail test                          run every policy's examples
  $ guardrail scan --snapshot AWSLogs/      scan AWS Config snapshot files
  $ guardrail scan --template template.yaml scan a CloudFormation template before deploy
  $ guardrail explain s3-bucket-tls-only    a policy in plain words
  $ guardrail replay event.json             what Guardrail would do with one recorded event
  $ guardrail audit --trail s3://org-trail/ who changed what, what broke, what was fixed and how fast
${EXIT_HELP}`,
    );

  // The options that say which policies a command judges with: the built-in pack, plus or instead of others.
  const policiesOption = () =>
    new Option("--policies <path>", "policy file or folder added to the built-in pack (repeatable)").argParser(collect);
  const packOption = () =>
    new Option(
      "--pack <folder|package>",
      "extension pack: its policies, resource types and actions (repeatable; docs/extending.md)",
    ).argParser(collect);
  const noBuiltinOption = () => new Option("--no-builtin", "leave the built-in policies out (only --policies, --pack)");

  program
    .command("validate")
    .description(
      "Check policy files: meta-schema, JSON Schema keywords, properties the resource type really has, compilation.",
    )
    .argument("[paths...]", "policy files or directories (default: the built-in pack)")
    .addHelpText(
      "after",
      `
Errors are printed as  file:line:col  /json/pointer  message  (clickable in most editors).

Examples:
  $ guardrail validate
  $ guardrail validate policies/apigateway
  $ guardrail validate my-policies/ --exemptions exemptions.json
  $ guardrail validate --pack ./platform-pack          the built-in pack and an extension pack
${EXIT_HELP}`,
    )
    .option("--exemptions <file>", "also validate an exemptions file")
    .addOption(policiesOption())
    .addOption(packOption())
    .addOption(noBuiltinOption())
    .action(
      run(
        async (
          paths: string[],
          opts: { exemptions?: string; policies?: string[]; pack?: string[]; builtin?: boolean },
        ) => (await import("./commands/validate")).validateCommand(paths, opts),
      ),
    );

  program
    .command("test")
    .description(
      "Run every policy's compliant / noncompliant / notApplicable examples through the real adapters and engine.",
    )
    .argument("[paths...]", "policy files or directories (default: the built-in pack)")
    .option("-v, --verbose", "print a line for every example, not only failures")
    .addHelpText(
      "after",
      `
Prints a line per failing example and closes with "N passed, N failed".

Examples:
  $ guardrail test
  $ guardrail test policies/s3/s3-bucket-tls-only.json --verbose
  $ guardrail test --pack ./platform-pack --no-builtin
${EXIT_HELP}`,
    )
    .addOption(policiesOption())
    .addOption(packOption())
    .addOption(noBuiltinOption())
    .action(
      run(
        async (paths: string[], opts: { verbose?: boolean; policies?: string[]; pack?: string[]; builtin?: boolean }) =>
          (await import("./commands/test")).testCommand(paths, opts),
      ),
    );

  program
    .command("scan")
    .description(
      "Evaluate AWS Config snapshot files (as delivered to S3, plain or .gz), Config API output, or CloudFormation / Serverless templates against the policies.",
    )
    .option("--snapshot <path>", "snapshot file or directory, walked recursively (repeatable)", collect)
    .option("--template <path>", "CloudFormation template (JSON or YAML) or directory, walked (repeatable)", collect)
    .option(
      "--parameter <key=value>",
      "template parameter, or pseudo parameter such as AWS::Region (repeatable)",
      collect,
    )
    .addOption(new Option("--format <format>", "output format").choices(REPORT_FORMATS as string[]).default("table"))
    .option("--out <file>", "write the report to a file instead of stdout")
    .addOption(policiesOption())
    .addOption(packOption())
    .addOption(noBuiltinOption())
    .option("--policy <id>", "only this policy (repeatable)", collect)
    .option("--exemptions <file>", "exemptions file (default: ./exemptions.json when present)")
    .addOption(
      new Option("--fail-on <severity>", "exit 1 when a violation at or above this severity is found").choices(
        SEVERITIES as string[],
      ),
    )
    .option("--fail-on-unknown", "with --template: also exit 1 on UNKNOWN verdicts (at or above --fail-on)")
    .option("--workers <n>", "threads that scan files in parallel (default: one per CPU core)", positiveInt)
    .option("--no-progress", "no progress line, even on a terminal")
    .addHelpText(
      "after",
      `
Templates: JSON or YAML (short-form intrinsics such as !Ref and !GetAtt are read), including the template
\`serverless package\` writes (.serverless/cloudformation-template-update-stack.json). A value known only at
deploy (a parameter without a default, a resource's ARN) is never guessed: a verdict that depends on it is
UNKNOWN and names the property; parameter defaults and --parameter values are used.

Inputs: Config snapshot files ({"fileVersion","configSnapshotId","configurationItems":[...]}) as Config delivers
them to S3 (AWSLogs/<account>/Config/<region>/<yyyy>/<m>/<d>/ConfigSnapshot/*.json.gz), and the JSON output of
\`aws configservice get-resource-config-history\`, \`batch-get-resource-config\` and \`select-resource-config\`.

Examples:
  $ guardrail scan --snapshot .guardrail/fleet/AWSLogs
  $ guardrail scan --snapshot snapshot.json.gz --format json --out report.json
  $ guardrail scan --snapshot AWSLogs/ --format sarif --out guardrail.sarif --fail-on high
  $ guardrail scan --snapshot AWSLogs/ --policy s3-bucket-tls-only --policy sqs-queue-encrypted
  $ aws configservice select-resource-config --expression "SELECT * WHERE resourceType = 'AWS::S3::Bucket'" > s3.json
  $ guardrail scan --snapshot s3.json --format html --out report.html
  $ guardrail scan --template infra/ --format sarif --out guardrail.sarif --fail-on high
  $ guardrail scan --template .serverless/cloudformation-template-update-stack.json --parameter Stage=prod
${EXIT_HELP}`,
    )
    .action(run(lazy(() => import("./commands/scan"), "scanCommand")));

  program
    .command("explain")
    .description(
      "A policy in plain words: what it checks, why, its triggers and its remediation. Without an id: list the pack.",
    )
    .argument("[id]", "policy id")
    .addOption(policiesOption())
    .addOption(packOption())
    .addOption(noBuiltinOption())
    .option("--json", "the policy file as JSON")
    .addHelpText("after", `\nExamples:\n  $ guardrail explain\n  $ guardrail explain apigateway-domain-tls-1-2\n`)
    .action(run(lazy(() => import("./commands/explain"), "explainCommand")));

  const fleet = program.command("fleet").description("The sample microservices fleet.");
  fleet
    .command("generate")
    .description(
      "Write a deterministic sample fleet as AWS Config snapshot files, plus ground-truth.json of its violations.",
    )
    .option("--services <n>", "number of microservices (about 12 resources each)", positiveInt, 12)
    .option("--seed <n>", "random seed: the same seed writes the same files", positiveInt, 1)
    .option("--out <dir>", "output directory", ".guardrail/fleet")
    .option("--violation-rate <r>", "probability that a resource violates each policy it is subject to", rate, 0.15)
    .addHelpText(
      "after",
      `\nExamples:\n  $ guardrail fleet generate\n  $ guardrail scan --snapshot .guardrail/fleet/AWSLogs\n  $ guardrail fleet generate --services 8000 --seed 7 --out /tmp/big-fleet --violation-rate 0.05\n`,
    )
    .action(run(lazy(() => import("./commands/fleet"), "fleetGenerateCommand")));
  fleet
    .command("template")
    .description(
      "Write the sample fleet as a CloudFormation template you can deploy into a sandbox account (see docs/templates.md).",
    )
    .option("--services <n>", "number of microservices (about 12 resources each)", positiveInt, 2)
    .option("--seed <n>", "random seed: the same seed writes the same template", positiveInt, 1)
    .option("--violations", "plant violations for the deployed pipeline to catch (default: a clean fleet)")
    .option("--violation-rate <r>", "with --violations: probability of each violation", rate, 0.15)
    .option("--out <file>", "output file", "guardrail-fleet.template.json")
    .addHelpText(
      "after",
      `\nExamples:\n  $ guardrail fleet template --services 2 --violations\n  $ guardrail scan --template guardrail-fleet.template.json\n  $ aws cloudformation deploy --template-file guardrail-fleet.template.json --stack-name guardrail-sample-fleet --parameter-overrides DomainCertificateArn=arn:aws:acm:...\n`,
    )
    .action(run(lazy(() => import("./commands/fleet"), "fleetTemplateCommand")));

  program
    .command("demo")
    .description(
      "The whole loop on your laptop, no AWS account needed: the sample fleet and its scan, then a local AWS account where Guardrail's own handlers catch and fix a scripted day of changes, and the audit of its trail.",
    )
    .option("--services <n>", "number of microservices", positiveInt, 12)
    .option("--seed <n>", "random seed", positiveInt, 1)
    .addOption(
      new Option("--mode <mode>", "what Guardrail does with a violation")
        .choices(["notify", "approve", "auto"])
        .default("auto"),
    )
    .option("--changes <file>", "your own scenario of API calls (JSON; see lib/local/scenarios/day.json)")
    .option(
      "--approve-as <name>",
      "at the end of the day, release every fix waiting for approval, as this person (what `guardrail remediation approve` does)",
      "demo-approver",
    )
    .option("--no-approve", "leave the fixes that wait for approval open")
    .option(
      "--state <dir>",
      "where the local account, its trail, the remediation records and the reports live",
      ".guardrail",
    )
    .option("--json", "print one JSON summary at the end instead of the story")
    .addHelpText(
      "after",
      `\nExamples:\n  $ guardrail demo\n  $ guardrail demo --mode approve --approve-as alice@example.com\n  $ guardrail demo --no-approve                    see what waits for approval\n  $ guardrail demo --changes my-day.json --services 40 --seed 3 --state /tmp/guardrail\n  $ guardrail demo --json | jq '{violationsBefore, violationsAfter, deadLettered}'\n\nThen: guardrail audit --trail .guardrail/trail --records .guardrail/records, guardrail replay <event.json>\n`,
    )
    .action(run(lazy(() => import("./commands/demo"), "demoCommand")));

  program
    .command("replay")
    .description(
      "Feed one recorded CloudTrail record, EventBridge event or Config rule invocation to the local pipeline: what Guardrail decides and which AWS calls it makes. Runs on a scratch copy of the local account (guardrail demo makes one).",
    )
    .argument("<event.json>", "a CloudTrail record or log file, an EventBridge event, or a Config rule invocation")
    .option("--state <dir>", "the local account to replay against", ".guardrail")
    .addOption(
      new Option("--mode <mode>", "remediation mode to decide with")
        .choices(["notify", "approve", "auto"])
        .default("auto"),
    )
    .option("--json", "print the decisions and calls as JSON")
    .addHelpText(
      "after",
      `\nExamples:\n  $ guardrail demo && guardrail replay config-item-change.json\n  $ guardrail replay cloudtrail-record.json --mode notify --json\n\nExit codes: 0 Guardrail would do nothing, 1 it would act (a violation, a fix, an alert), 2 unreadable input.\n`,
    )
    .action(run(lazy(() => import("./commands/replay"), "replayCommand")));

  const audit = program
    .command("audit")
    .description(
      "Audit report from CloudTrail logs (the organisation's S3 bucket or a copy): who changed governed resources, which changes broke a policy, what was done and how fast.",
    )
    .option(
      "--trail <dir|s3://bucket/prefix>",
      "the trail: a directory or S3 location holding AWSLogs/[o-id/]<account>/CloudTrail/...",
    )
    .option("--records <dir|s3://bucket/prefix>", "remediation records (the audit bucket's records/ or a copy)")
    .option("--from <date>", "first day, yyyy-mm-dd (UTC; prunes date folders before reading)")
    .option("--to <date>", "last day, yyyy-mm-dd (inclusive)")
    .option("--accounts <ids>", "only these accounts (comma-separated, repeatable)", collect)
    .option("--regions <names>", "only these regions (comma-separated, repeatable)", collect)
    .addOption(
      new Option("--format <format>", "output format").choices(AUDIT_FORMATS as unknown as string[]).default("md"),
    )
    .option("--out <file>", "write the report to a file instead of stdout")
    .addOption(policiesOption())
    .addOption(packOption())
    .addOption(noBuiltinOption())
    .option("--exemptions <file>", "exemptions file (default: ./exemptions.json when present)")
    .option(
      "--ci-roles <regex>",
      "role or user names of deployment pipelines (default: ci, deploy, github, terraform, ...)",
    )
    .option("--workers <n>", "threads that read files in parallel (default: one per CPU core)", positiveInt)
    .option("--strict", "parse every record in full (slower; checks the JSON of read-only records too)")
    .option("--fail-on-open", "exit 1 when a breaking change is still open or a CloudTrail policy was violated")
    .option("--no-progress", "no progress line, even on a terminal")
    .addOption(new Option("--engine <engine>", "where the queries run").choices(["local", "athena"]).default("local"))
    .option("--database <name>", "Athena database of the CloudTrail table (--engine athena)")
    .option("--workgroup <name>", "Athena workgroup (--engine athena)")
    .option("--table <name>", "Athena CloudTrail table (see `guardrail audit athena ddl`)", "cloudtrail_org")
    .option("--output-location <s3uri>", "Athena query results location, when the workgroup sets none")
    // The subcommands (sample, athena ddl) have options of the same names: audit's own are read before them only.
    .enablePositionalOptions()
    .addHelpText(
      "after",
      `
Reads CloudTrail log files (*.json.gz under CloudTrail/, not digests or Insights), deduplicates records by eventID,
and joins the changes with Guardrail's remediation records (records/account=/region=/date=/<id>.json).
S3 access: s3:ListBucket on the bucket and s3:GetObject on the prefixes read (the SDK's default credentials).

Examples:
  $ guardrail audit sample --dir /tmp/trail
  $ guardrail audit --trail /tmp/trail --records /tmp/trail/records --format html --out audit.html
  $ guardrail audit --trail s3://acme-org-trail/AWSLogs/o-a1b2c3d4e5 --records s3://guardrail-audit/records \\
      --from 2026-11-01 --to 2026-11-30 --format md --out november.md
  $ guardrail audit --trail s3://acme-org-trail --accounts 111122223333 --regions eu-west-1 --format json
  $ guardrail audit --engine athena --database security --workgroup primary --from 2026-11-01 \\
      --records s3://guardrail-audit/records --format html --out november.html
${EXIT_HELP}`,
    )
    .action(run(lazy(() => import("./commands/audit"), "auditCommand")));
  audit
    .command("athena")
    .description("Amazon Athena, for trails that outgrow one machine.")
    .command("ddl")
    .description("Print the CloudTrail table (partition projection over the organisation layout) to create in Athena.")
    .requiredOption("--location <s3uri>", "s3://bucket/[prefix/]AWSLogs/<o-orgid>")
    .requiredOption("--accounts <ids>", "accounts to project (comma-separated, repeatable)", collect)
    .requiredOption("--regions <names>", "regions to project (comma-separated, repeatable)", collect)
    .requiredOption("--from <date>", "first day to project, yyyy-mm-dd")
    .option("--table <name>", "table name", "cloudtrail_org")
    .addHelpText(
      "after",
      `\nExamples:\n  $ guardrail audit athena ddl --location s3://acme-org-trail/AWSLogs/o-a1b2c3d4e5 \\\n      --accounts 111122223333,444455556666 --regions eu-west-1,us-east-1 --from 2026-01-01 > table.sql\n`,
    )
    .action(run(lazy(() => import("./commands/audit"), "auditAthenaDdlCommand")));
  audit
    .command("sample")
    .description("Write a deterministic sample organisation trail and its remediation records (for trying the audit).")
    .option("--dir <dir>", "output directory (the trail, and records/ inside it)", ".guardrail/trail")
    .option("--seed <n>", "random seed: the same seed writes the same files", positiveInt, 1)
    .option("--days <n>", "days of trail", positiveInt, 3)
    .option("--records-per-day <n>", "records per account, region and day", positiveInt, 400)
    .addHelpText("after", `\nExamples:\n  $ guardrail audit sample --dir /tmp/trail --days 7\n`)
    .action(run(lazy(() => import("./commands/audit"), "auditSampleCommand")));

  const remediation = program
    .command("remediation")
    .description("Remediations by hand: dry-run a policy's fix, release a fix waiting for approval, undo a fix.");
  remediation
    .command("plan")
    .description(
      "Dry run: judge one AWS Config item against a policy and print, as JSON, the exact AWS calls its remediation would make. No AWS access.",
    )
    .argument("<policy-id>", "policy id (see `guardrail explain`)")
    .requiredOption(
      "--item <file>",
      "a Config item (as Config or `aws configservice` gives it), or an event holding one",
    )
    .option("--param <key=value>", 'runtime param, JSON or text (repeatable), e.g. stageNames=["prod"]', collect)
    .addOption(policiesOption())
    .addOption(packOption())
    .addOption(noBuiltinOption())
    .option("--exemptions <file>", "exemptions file (default: ./exemptions.json when present)")
    .addHelpText(
      "after",
      `
Examples:
  $ guardrail remediation plan apigateway-domain-tls-1-2 --item domain.json
  $ aws configservice get-resource-config-history --resource-type AWS::SQS::Queue --resource-id <url> --limit 1 \\
      --query 'configurationItems[0]' > queue.json
  $ guardrail remediation plan sqs-queue-encrypted --item queue.json
  $ guardrail remediation plan apigateway-restapi-tls-1-2 --item api.json --param 'stageNames=["prod"]'
${REMEDIATION_EXIT_HELP}`,
    )
    .action(run(lazy(() => import("./commands/remediation"), "remediationPlanCommand")));
  remediation
    .command("approve")
    .description(
      "Release a fix waiting for approval (the command the approval message prints): the worker re-plans and fixes if the plan is unchanged.",
    )
    .argument("<record-id>", "the approval record's id (yyyy-mm-dd_account_region_hex)")
    .option("--region <region>", "region of the audit bucket and the topic (default: AWS_REGION)")
    .option("--approved-by <who>", "who approves, when @aws-sdk/client-sts is not installed (default: $USER)")
    .option("--bucket <name>", "audit bucket (default: AUDIT_BUCKET)")
    .option("--topic-arn <arn>", "remediation request topic (default: GUARDRAIL_REQUEST_TOPIC_ARN)")
    .addHelpText(
      "after",
      `
Approved-by is the caller's STS identity when @aws-sdk/client-sts is installed, else --approved-by, else $USER.
IAM: s3:GetObject on <bucket>/records/*, sns:Publish on the topic.

Examples:
  $ guardrail remediation approve 2026-11-02_111122223333_eu-west-1_9f2c4e1a7b3d5e60 --region eu-west-1
  $ AUDIT_BUCKET=guardrail-audit GUARDRAIL_REQUEST_TOPIC_ARN=arn:aws:sns:eu-west-1:111122223333:guardrail \\
      guardrail remediation approve 2026-11-02_111122223333_eu-west-1_9f2c4e1a7b3d5e60 --approved-by alice
${REMEDIATION_EXIT_HELP}`,
    )
    .action(run(lazy(() => import("./commands/remediation"), "remediationApproveCommand")));
  remediation
    .command("undo")
    .description(
      "Put a remediated resource back to the record's before state: only what the fix changed, and only if nothing changed it since.",
    )
    .argument("<record>", "a record id (read from the audit bucket) or a record .json file")
    .option("--dry-run", "print the restore calls, send nothing")
    .option("--force", "skip the check that the live resource still matches the record's after state")
    .option("--region <region>", "region of the bucket and the resource (default: the record's)")
    .option("--bucket <name>", "audit bucket (default: AUDIT_BUCKET)")
    .addHelpText(
      "after",
      `
Without --force the resource is described live first; if it no longer matches the record's after state (someone
or something changed it since the fix), nothing is sent.

Examples:
  $ guardrail remediation undo 2026-11-02_111122223333_eu-west-1_9f2c4e1a7b3d5e60 --dry-run
  $ guardrail remediation undo record.json --dry-run --force
  $ guardrail remediation undo 2026-11-02_111122223333_eu-west-1_9f2c4e1a7b3d5e60 --bucket guardrail-audit
${REMEDIATION_EXIT_HELP}`,
    )
    .action(run(lazy(() => import("./commands/remediation"), "remediationUndoCommand")));

  return program;
}

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram((c) => {
    code = c;
  });
  const all = (c: Command): Command[] => [c, ...c.commands.flatMap(all)];
  for (const cmd of all(program)) cmd.exitOverride();
  try {
    await program.parseAsync(argv);
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`guardrail: ${e.message}\n`);
      return EXIT.usage;
    }
    throw e;
  }
}
