import { type Command, Option } from "commander";
import { type CommandContext, lazy } from "../options";

/** `guardrail replay`: its options, help and action (the implementation, ./replay.ts, is loaded when it runs). */
export function define(program: Command, { run }: CommandContext): void {
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
      `
It prints each message Guardrail would publish by the policy that raised it (a remediation request, or an alert
with its severity and title), each Config rule's verdict, what the worker did, and every AWS call it made.

Examples:
  $ guardrail demo && guardrail replay config-item-change.json
  $ guardrail replay cloudtrail-record.json --mode notify --json
  $ guardrail replay stop-logging.json --json | jq '.published[] | select(.kind == "alert")'

Exit codes: 0 Guardrail would do nothing, 1 it would act (a violation, a fix, an alert), 2 unreadable input.
`,
    )
    .action(run(lazy(() => import("./replay"), "replayCommand")));
}
