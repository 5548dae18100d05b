import { type Command, Option } from "commander";
import { AUDIT_FORMATS } from "../../lib/audit/render";
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

/** `guardrail audit`: its options, help and action (the implementation, ./audit.ts, is loaded when it runs). */
export function define(program: Command, { run }: CommandContext): void {
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
A file that cannot be read, or a record that cannot be counted (not an object, no UTC eventTime, no eventID, bytes
that are not UTF-8), is named on stderr and in the report; everything else is reported, and the exit code is 3.
S3 access: s3:ListBucket on the bucket and s3:GetObject on the prefixes read (the SDK's default credentials).

Examples:
  $ guardrail audit sample --dir /tmp/trail
  $ guardrail audit --trail /tmp/trail --records /tmp/trail/records --format html --out audit.html
  $ guardrail audit --trail s3://acme-org-trail/AWSLogs/o-a1b2c3d4e5 --records s3://guardrail-audit/records \\
      --from 2026-11-01 --to 2026-11-30 --format md --out november.md
  $ guardrail audit --trail s3://acme-org-trail --accounts 111122223333 --regions eu-west-1 --format json
  $ guardrail audit --engine athena --database security --workgroup primary --from 2026-11-01 \\
      --records s3://guardrail-audit/records --format html --out november.html

No log file matched (a wrong --trail, or --from/--to/--accounts/--regions that keep no file) is an error: one line
saying what was looked for where, exit 3; no report is written.
${EXIT_HELP}`,
    )
    .action(run(lazy(() => import("./audit"), "auditCommand")));
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
    .action(run(lazy(() => import("./audit"), "auditAthenaDdlCommand")));
  audit
    .command("sample")
    .description("Write a deterministic sample organisation trail and its remediation records (for trying the audit).")
    // Beside the demo's trail (.guardrail/trail), never in it: the demo's audit reads only what the demo wrote.
    .option("--dir <dir>", "output directory (the trail, and records/ inside it)", ".guardrail/sample-trail")
    .option("--seed <n>", "random seed: the same seed writes the same files", positiveInt, 1)
    .option("--days <n>", "days of trail", positiveInt, 3)
    .option("--records-per-day <n>", "records per account, region and day", positiveInt, 400)
    .addHelpText(
      "after",
      `
The default directory is beside the demo's trail (.guardrail/trail), never in it.

Examples:
  $ guardrail audit sample
  $ guardrail audit --trail .guardrail/sample-trail --records .guardrail/sample-trail/records --format html --out audit.html
  $ guardrail audit sample --dir /tmp/trail --days 7
`,
    )
    .action(run(lazy(() => import("./audit"), "auditSampleCommand")));
}
