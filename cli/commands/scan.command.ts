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
  positiveInt,
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

Live and organisation-wide: --snapshot s3://bucket/prefix reads Config's delivery bucket as the local layout is
read (newest snapshot per account and Region). --live lists and describes every covered type in each --region
with your credentials (the AWS managed policy SecurityAudit or ReadOnlyAccess is enough; global types such as
CloudFront are listed once); throttling is retried with backoff. --aggregator NAME asks an AWS Config
aggregator (run it in the aggregator's account and Region): one query per covered type, across every account.

Examples:
  $ guardrail scan --snapshot .guardrail/fleet/AWSLogs
  $ guardrail scan --snapshot s3://acme-config-delivery/AWSLogs/ --format html --out estate.html
  $ guardrail scan --live --region eu-west-1 --region us-east-1 --fail-on high
  $ guardrail scan --aggregator org-aggregator --format sarif --out org.sarif
  $ guardrail scan --snapshot snapshot.json.gz --format json --out report.json
  $ guardrail scan --snapshot AWSLogs/ --format sarif --out guardrail.sarif --fail-on high
  $ guardrail scan --snapshot AWSLogs/ --policy s3-bucket-tls-only --policy sqs-queue-encrypted
  $ aws configservice select-resource-config --expression "SELECT * WHERE resourceType = 'AWS::S3::Bucket'" > s3.json
  $ guardrail scan --snapshot s3.json --format html --out report.html
  $ guardrail scan --template infra/ --format sarif --out guardrail.sarif --fail-on high
  $ guardrail scan --template .serverless/cloudformation-template-update-stack.json --parameter Stage=prod
${EXIT_HELP}`,
    )
    .action(run(lazy(() => import("./scan"), "scanCommand")));
}
