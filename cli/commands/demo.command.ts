import { type Command, Option } from "commander";
import { type CommandContext, lazy, positiveInt } from "../options";

/** `guardrail demo`: its options, help and action (the implementation, ./demo.ts, is loaded when it runs). */
export function define(program: Command, { run }: CommandContext): void {
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
      `
The local account runs on its own clock: waits (verification delays, the rate limit's next minute) move it at once,
so the same --seed gives the same times to remediate. The printed approval command works as printed: it approves
in this local account (--local, or --state DIR), no AWS credentials needed.

Examples:
  $ guardrail demo
  $ guardrail demo --mode approve --approve-as alice@example.com
  $ guardrail demo --no-approve                    see what waits for approval
  $ guardrail demo --changes my-day.json --services 40 --seed 3 --state /tmp/guardrail
  $ guardrail demo --json | jq '{violationsBefore, violationsAfter, deadLettered, audit}'

Then:
  $ guardrail remediation approve <record-id> --local        release a fix the demo left waiting
  $ guardrail remediation undo <record-id> --local --dry-run  what putting it back would send
  $ guardrail audit --trail .guardrail/trail --records .guardrail/records
  $ guardrail replay <event.json>
`,
    )
    .action(run(lazy(() => import("./demo"), "demoCommand")));
}
