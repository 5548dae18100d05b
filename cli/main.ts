// First: drops the AWS SDK's NodeVersionSupportWarning before any command can construct an SDK client.
import "./aws-warnings";
import { Command, CommanderError } from "commander";
import { VERSION } from "../lib/util/version";
import { fsErrorInWords, systemError } from "../lib/util/fs-errors";
import { EXIT, UsageError } from "./exit";
import { OutputFile } from "./output";
import { EXIT_HELP, type CommandContext } from "./options";

import { define as validateCommand } from "./commands/validate.command";
import { define as testCommand } from "./commands/test.command";
import { define as scanCommand } from "./commands/scan.command";
import { define as explainCommand } from "./commands/explain.command";
import { define as fleetCommand } from "./commands/fleet.command";
import { define as demoCommand } from "./commands/demo.command";
import { define as replayCommand } from "./commands/replay.command";
import { define as auditCommand } from "./commands/audit.command";
import { define as remediationCommand } from "./commands/remediation.command";
import { define as schemaCommand } from "./commands/schema.command";
import { define as newCommand } from "./commands/new.command";
import { define as completionCommand } from "./commands/completion.command";

/** The commands, in the order `--help` lists them; each defines its own options and help. */
const COMMANDS = [
  validateCommand,
  testCommand,
  scanCommand,
  explainCommand,
  fleetCommand,
  demoCommand,
  replayCommand,
  auditCommand,
  remediationCommand,
  schemaCommand,
  newCommand,
  completionCommand,
];

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
  $ guardrail explain s3-bucket-tls-only    a policy in plain words (no id: list them, filterable)
  $ guardrail schema AWS::SQS::Queue        what a policy of a type can test
  $ guardrail new policy --type AWS::SQS::Queue --id sqs-queue-retention   scaffold a policy
  $ guardrail replay event.json             what Guardrail would do with one recorded event
  $ guardrail audit --trail s3://org-trail/ who changed what, what broke, what was fixed and how fast
${EXIT_HELP}`,
    );

  const ctx: CommandContext = { run };
  for (const define of COMMANDS) define(program, ctx);
  return program;
}

/**
 * Ctrl-C (SIGINT) or SIGTERM: every unfinished report's temporary file is removed and the run says what it left,
 * then exits 128 + the signal number, as a shell reports a process killed by it. Files written whole-or-nothing
 * (lib/util/atomic-file.ts) remove their own temporary files on exit.
 */
function stopOnSignals(): void {
  const numbers = { SIGINT: 2, SIGTERM: 15 } as const;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      const reports = OutputFile.abandonAll();
      const kept =
        reports.length > 0 ? `; not written: ${reports.join(", ")} (a previous file there is unchanged)` : "";
      process.stderr.write(`\nguardrail: interrupted by ${signal}${kept}\n`);
      process.exit(128 + numbers[signal]);
    });
  }
}

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  stopOnSignals();
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
    // A file system error that escaped a command (an --out under a file, a folder without permission) is about
    // the path the user gave, not a bug of Guardrail's: one line, the path and the reason, exit 2.
    const sys = systemError(e);
    if (sys) {
      process.stderr.write(`guardrail: ${sys.path ? `${sys.path}: ` : ""}${fsErrorInWords(e)}\n`);
      return EXIT.usage;
    }
    throw e;
  }
}
