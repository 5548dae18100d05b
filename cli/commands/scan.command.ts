import { type Command, Option } from "commander";
import { REPORT_FORMATS } from "../../lib/report/types";
import { SEVERITIES } from "../../lib/policy/types";
import {
  collect,
  type CommandContext,
  EXIT_HELP,
  lazy,
  noBuiltinOption,
  packOption,
  policiesOption,
  frameworkOption,
  policyFilterOption,
  positiveInt,
  severityOption,
  skipPolicyOption,
  typeOption,
} from "../options";

/** `guardrail scan`: its options, help and action (the implementation, ./scan.ts, is loaded when it runs). */
export function define(program: Command, { run }: CommandContext): void {
  program
    .command("scan")
    .description(
      "Evaluate AWS Config snapshots (files, or Config's S3 delivery bucket), Config API output, an account described live, a Config aggregator, or CloudFormation / Serverless templates against the policies.",
    )
    .option(
      "--snapshot <path>",
      "snapshot file or directory, walked recursively, or s3://bucket/prefix (repeatable)",
      collect,
    )
    .option("--live", "describe the account's resources now with the SDK and your credentials (no AWS Config needed)")
    .option("--region <region>", "with --live: a Region to describe (repeatable; default: your AWS_REGION)", collect)
    .option(
      "--aggregator <name>",
      "query an AWS Config aggregator: every account and Region it aggregates (SelectAggregateResourceConfig)",
    )
    .option(
      "--template <paths...>",
      "CloudFormation templates (JSON or YAML) or directories, walked (several after one --template, or repeated)",
    )
    .option(
      "--parameter <key=value>",
      "template parameter, or pseudo parameter such as AWS::Region (repeatable)",
      collect,
    )
    .addOption(new Option("--format <format>", "output format (default: table)").choices(REPORT_FORMATS as string[]))
    .option("--out <file>", "write the report to a file instead of stdout")
    .addOption(policiesOption())
    .addOption(packOption())
    .addOption(noBuiltinOption())
    .addOption(policyFilterOption())
    .addOption(skipPolicyOption())
    .addOption(severityOption())
    .addOption(frameworkOption())
    .addOption(typeOption())
    .option("--exemptions <file>", "exemptions file (default: ./exemptions.json when present)")
    .option(
      "--baseline <file>",
      "report the violations this baseline lists as EXEMPT (source baseline): only new ones fail",
    )
    .option(
      "--create-baseline <file>",
      "write this scan's violations to a baseline file, to commit and scan with --baseline",
    )
    .addOption(
      new Option(
        "--fail-on <severity>",
        "exit 1 only for violations at or above this severity (default: any violation)",
      ).choices(SEVERITIES as string[]),
    )
    .option("--soft-fail", "exit 0 whatever the findings (unreadable input still exits 3)")
    .option("--no-soft-fail", "findings fail the run even if guardrail.config.json says softFail")
    .option("--fail-on-unknown", "with --template: also exit 1 on UNKNOWN verdicts (at or above --fail-on)")
    .option(
      "--skip-non-templates",
      "with --template: named JSON/YAML files that are not templates are skipped, as in a folder walk (pre-commit)",
    )
    .option("--workers <n>", "threads that scan files in parallel (default: one per CPU core)", positiveInt)
    .option("--no-progress", "no progress line, even on a terminal")
    .option("-q, --quiet", 'only the report and errors: no progress line, no warnings, no "report written" line')
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

Live and organisation-wide: --snapshot s3://bucket/prefix reads Config's delivery bucket as the local layout is
read (newest snapshot per account and Region). --live lists and describes every covered type in each --region
with your credentials (the AWS managed policy SecurityAudit or ReadOnlyAccess is enough; global types such as
CloudFront are listed once); throttling is retried with backoff. --aggregator NAME asks an AWS Config
aggregator (run it in the aggregator's account and Region): one query per covered type, across every account.

CI: the run fails (exit 1) on any violation; --fail-on high fails only on high and critical ones, --soft-fail
never fails on findings (unreadable input is still exit 3, and nothing read at all too). Filters narrow the
policies: --policy and --skip-policy take id globs (s3-*), --type type globs (AWS::S3::*; * stays within one
part), --severity a list (high,critical) or a floor (high+), --framework a framework id. A filter that
selects no policy is a usage error. Accepting violations: a resource's template Metadata
(guardrail.suppress: [{policy, justification}]), a baseline (--create-baseline once, then --baseline), exemptions
(--exemptions, the guardrail:exempt tag); all are reported EXEMPT, never compliant (docs/suppressions.md). guardrail.config.json (found upward from here) may hold any of these
under "scan" (schemas/guardrail.config.schema.json); an option given here wins.

Examples:
  $ guardrail scan --snapshot .guardrail/fleet/AWSLogs
  $ guardrail scan --snapshot s3://acme-config-delivery/AWSLogs/ --format html --out estate.html
  $ guardrail scan --live --region eu-west-1 --region us-east-1 --fail-on high
  $ guardrail scan --aggregator org-aggregator --format sarif --out org.sarif
  $ guardrail scan --snapshot AWSLogs/ --format asff --out findings.asff.json   # Security Hub: docs/security-hub.md
  $ guardrail scan --live --format ocsf --out findings.ocsf.json                 # OCSF 1.1.0 Compliance Findings
  $ guardrail scan --snapshot snapshot.json.gz --format json --out report.json
  $ guardrail scan --snapshot AWSLogs/ --format sarif --out guardrail.sarif --fail-on high
  $ guardrail scan --snapshot AWSLogs/ --policy s3-bucket-tls-only --policy sqs-queue-encrypted
  $ guardrail scan --snapshot AWSLogs/ --severity high+ --skip-policy 'logs-*' --quiet
  $ guardrail scan --snapshot AWSLogs/ --framework cis-aws-foundations-benchmark-3.0.0 --format html --out cis.html
  $ guardrail scan --live --region eu-west-1 --type 'AWS::S3::*' --soft-fail
  $ guardrail scan --template stacks/api.yaml stacks/queues.yaml --format json
  $ aws configservice select-resource-config --expression "SELECT * WHERE resourceType = 'AWS::S3::Bucket'" > s3.json
  $ guardrail scan --snapshot s3.json --format html --out report.html
  $ guardrail scan --template infra/ --format sarif --out guardrail.sarif --fail-on high
  $ guardrail scan --template infra/ --format md --soft-fail >> "$GITHUB_STEP_SUMMARY"   # with a view per framework
  $ guardrail scan --template .serverless/cloudformation-template-update-stack.json --parameter Stage=prod
  $ guardrail scan --template infra/ --create-baseline guardrail.baseline.json
  $ guardrail scan --template infra/ --baseline guardrail.baseline.json --format sarif --out guardrail.sarif
${EXIT_HELP}`,
    )
    .action(run(lazy(() => import("./scan"), "scanCommand")));
}
