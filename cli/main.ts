import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { VERSION } from "../lib/version";
import { REPORT_FORMATS } from "../lib/report/types";
import { SEVERITIES } from "../lib/policy/types";
import { EXIT } from "./exit";
import { UsageError } from "./pack";
import { validateCommand } from "./commands/validate";
import { testCommand } from "./commands/test";
import { scanCommand } from "./commands/scan";
import { explainCommand } from "./commands/explain";
import { fleetGenerateCommand } from "./commands/fleet";
import { demoCommand } from "./commands/demo";
import {
  REMEDIATION_EXIT_HELP,
  remediationApproveCommand,
  remediationPlanCommand,
  remediationUndoCommand,
} from "./commands/remediation";

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
    .addHelpText(
      "after",
      `
Start here:
  $ guardrail demo                          generate the sample fleet and scan it
  $ guardrail validate                      check every policy in policies/
  $ guardrail test                          run every policy's examples
  $ guardrail scan --snapshot AWSLogs/      scan AWS Config snapshot files
  $ guardrail explain s3-bucket-tls-only    a policy in plain words
${EXIT_HELP}`,
    );

  const policiesOption = () =>
    new Option("--policies <dir>", "policy directory or file (repeatable; default: the built-in pack)").argParser(
      collect,
    );

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
${EXIT_HELP}`,
    )
    .option("--exemptions <file>", "also validate an exemptions file")
    .action(run((paths: string[], opts: { exemptions?: string }) => validateCommand(paths, opts)));

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
${EXIT_HELP}`,
    )
    .action(run((paths: string[], opts: { verbose?: boolean }) => testCommand(paths, opts)));

  program
    .command("scan")
    .description(
      "Evaluate AWS Config snapshot files (as delivered to S3, plain or .gz) or Config API output against the policies.",
    )
    .requiredOption("--snapshot <path>", "snapshot file or directory, walked recursively (repeatable)", collect)
    .addOption(new Option("--format <format>", "output format").choices(REPORT_FORMATS as string[]).default("table"))
    .option("--out <file>", "write the report to a file instead of stdout")
    .addOption(policiesOption())
    .option("--policy <id>", "only this policy (repeatable)", collect)
    .option("--exemptions <file>", "exemptions file (default: ./exemptions.json when present)")
    .addOption(
      new Option("--fail-on <severity>", "exit 1 when a violation at or above this severity is found").choices(
        SEVERITIES as string[],
      ),
    )
    .option("--workers <n>", "threads that scan files in parallel (default: one per CPU core)", positiveInt)
    .option("--no-progress", "no progress line, even on a terminal")
    .addHelpText(
      "after",
      `
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
${EXIT_HELP}`,
    )
    .action(run(scanCommand));

  program
    .command("explain")
    .description(
      "A policy in plain words: what it checks, why, its triggers and its remediation. Without an id: list the pack.",
    )
    .argument("[id]", "policy id")
    .addOption(policiesOption())
    .option("--json", "the policy file as JSON")
    .addHelpText("after", `\nExamples:\n  $ guardrail explain\n  $ guardrail explain apigateway-domain-tls-1-2\n`)
    .action(run(explainCommand));

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
    .action(run(fleetGenerateCommand));

  program
    .command("demo")
    .description("Generate the sample fleet and scan it: the whole tool on your laptop, no AWS account needed.")
    .option("--services <n>", "number of microservices", positiveInt, 12)
    .option("--seed <n>", "random seed", positiveInt, 1)
    .option("--state <dir>", "where the fleet and reports are written", ".guardrail")
    .option("--json", "end with one JSON summary instead of the table")
    .addHelpText(
      "after",
      `\nExamples:\n  $ guardrail demo\n  $ guardrail demo --services 40 --seed 3 --state /tmp/guardrail\n`,
    )
    .action(run(demoCommand));

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
    .action(run(remediationPlanCommand));
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
    .action(run(remediationApproveCommand));
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
    .action(run(remediationUndoCommand));

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
