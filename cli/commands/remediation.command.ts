import type { Command } from "commander";

/** The demo's state folder (`guardrail demo --state`'s default), where --local finds the local account. */
const DEFAULT_STATE = ".guardrail";
import { REMEDIATION_EXIT_HELP } from "../exit";
import { collect, type CommandContext, lazy, noBuiltinOption, packOption, policiesOption } from "../options";

/** `guardrail remediation`: its options, help and action (the implementation, ./remediation.ts, is loaded when it runs). */
export function define(program: Command, { run }: CommandContext): void {
  const remediation = program
    .command("remediation")
    .description("Remediations by hand: dry-run a policy's fix, release a fix waiting for approval, undo a fix.");
  remediation
    .command("plan")
    .description(
      "Dry run: judge one AWS Config item against a policy and print, as JSON, the exact AWS calls its remediation would make. No AWS access.",
    )
    .argument("<policy-id>", "policy id (see `guardrail explain`)")
    .option("--item <file>", "a Config item (as Config or `aws configservice` gives it), or an event holding one")
    .option(
      "--resource <id>",
      "with --local: a resource of the demo's local account (id, name or ARN), instead of --item",
    )
    .option("--local", `the demo's local account (in ${DEFAULT_STATE}), no AWS`)
    .option("--state <dir>", "the local account in this state folder (implies --local)")
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
  $ guardrail remediation plan sqs-queue-encrypted --local --resource orders-jobs-dlq
${REMEDIATION_EXIT_HELP}`,
    )
    .action(run(lazy(() => import("./remediation"), "remediationPlanCommand")));
  remediation
    .command("approve")
    .description(
      "Release a fix waiting for approval (the command the approval message prints): the worker re-plans and fixes if the plan is unchanged.",
    )
    .argument("<record-id>", "the approval record's id (yyyy-mm-dd_account_region_hex)")
    .option("--region <region>", "region of the audit bucket and the topic (default: AWS_REGION)")
    .option("--approved-by <who>", "who approves, when your AWS credentials cannot say (default: $USER)")
    .option("--bucket <name>", "audit bucket (default: AUDIT_BUCKET)")
    .option("--topic-arn <arn>", "remediation request topic (default: GUARDRAIL_REQUEST_TOPIC_ARN)")
    .option("--local", `the demo's local account (in ${DEFAULT_STATE}): no AWS, no --bucket or --topic-arn`)
    .option("--state <dir>", "the local account in this state folder (implies --local)")
    .addHelpText(
      "after",
      `
Approved-by is the caller's STS identity (GetCallerIdentity), else --approved-by, else $USER.
IAM: s3:GetObject on <bucket>/records/*, sns:Publish on the topic.
With --local (or --state DIR) the release goes to the local account \`guardrail demo\` left there: its worker fixes,
verifies and records at once, and the command prints the outcome (exit 1 when the worker did not fix). Approved-by
is --approved-by, else $USER, else the login name. Nothing reaches AWS; without --local nothing is local.

Examples:
  $ guardrail demo --mode approve --no-approve
  $ guardrail remediation approve 2026-11-02_409643555520_eu-west-1_457f775eb24f0e2a --local
  $ guardrail remediation approve 2026-11-02_409643555520_eu-west-1_457f775eb24f0e2a --state /tmp/guardrail
  $ guardrail remediation approve 2026-11-02_111122223333_eu-west-1_9f2c4e1a7b3d5e60 --region eu-west-1
  $ AUDIT_BUCKET=guardrail-audit GUARDRAIL_REQUEST_TOPIC_ARN=arn:aws:sns:eu-west-1:111122223333:guardrail \\
      guardrail remediation approve 2026-11-02_111122223333_eu-west-1_9f2c4e1a7b3d5e60 --approved-by alice
${REMEDIATION_EXIT_HELP}`,
    )
    .action(run(lazy(() => import("./remediation"), "remediationApproveCommand")));
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
    .option("--local", `the demo's local account (in ${DEFAULT_STATE}): the record and the resource are there, no AWS`)
    .option("--state <dir>", "the local account in this state folder (implies --local)")
    .addOption(packOption())
    .addHelpText(
      "after",
      `
Without --force the resource is described live first; if it no longer matches the record's after state (someone
or something changed it since the fix), nothing is sent.
With --local (or --state DIR) the record is read from the local account's records and the restore calls are made
there, as the console user of the resource's account (they are in its trail). The local pipeline does not run:
in AWS, Guardrail would detect the change and act again.

Examples:
  $ guardrail remediation undo 2026-11-02_409643555520_eu-west-1_9f2c4e1a7b3d5e60 --local --dry-run
  $ guardrail remediation undo 2026-11-02_409643555520_eu-west-1_9f2c4e1a7b3d5e60 --local
  $ guardrail remediation undo 2026-11-02_111122223333_eu-west-1_9f2c4e1a7b3d5e60 --dry-run
  $ guardrail remediation undo record.json --dry-run --force
  $ guardrail remediation undo 2026-11-02_111122223333_eu-west-1_9f2c4e1a7b3d5e60 --bucket guardrail-audit
${REMEDIATION_EXIT_HELP}`,
    )
    .action(run(lazy(() => import("./remediation"), "remediationUndoCommand")));
}
