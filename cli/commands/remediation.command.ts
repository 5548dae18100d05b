import type { Command } from "commander";
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
    .addHelpText(
      "after",
      `
Approved-by is the caller's STS identity (GetCallerIdentity), else --approved-by, else $USER.
IAM: s3:GetObject on <bucket>/records/*, sns:Publish on the topic.

Examples:
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
    .addOption(packOption())
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
    .action(run(lazy(() => import("./remediation"), "remediationUndoCommand")));
}
