import { Option, type Command } from "commander";
import { type CommandContext, packOption } from "../options";

/** `guardrail new policy`: its options, help and action (the implementation, ./new.ts, is loaded when it runs). */
export function define(program: Command, { run }: CommandContext): void {
  const group = program.command("new").description("Scaffold a file to start from: `guardrail new policy`.");
  group
    .command("policy")
    .description("Write a new policy file for a resource type, with one compliant and one noncompliant example.")
    .requiredOption("--type <type>", "the AWS Config resource type it judges, e.g. AWS::SQS::Queue")
    .requiredOption(
      "--id <id>",
      "the policy id: lower-case words joined by dashes (by convention, starting with the service: sqs-queue-…)",
    )
    .option("--dir <folder>", "where to write <id>.json (default: policies/<service> under the current folder)")
    .addOption(
      new Option("--severity <level>", "its severity")
        .choices(["critical", "high", "medium", "low", "info"])
        .default("medium"),
    )
    .addOption(packOption())
    .addHelpText(
      "after",
      `
The file validates as written (guardrail validate), with "$schema" set so an editor completes and checks it.
Its parts marked TODO are yours: until "compliant" and the examples are written, guardrail test fails on the
compliant example, so a scaffold cannot pass CI unfinished. Examples give only the Config item's
"configuration" (the rest is filled in); \`guardrail schema <type>\` lists what a policy can test.
An existing file is never overwritten.

Examples:
  $ guardrail new policy --type AWS::SQS::Queue --id sqs-queue-retention-4-days
  $ guardrail new policy --type AWS::Lambda::Function --id lambda-function-arm64 --dir policies/lambda --severity low
  $ guardrail new policy --type AWS::EFS::FileSystem --id efs-filesystem-encrypted --pack ./platform-pack --dir ./platform-pack/policies/elasticfilesystem

Exit codes:
  0  written
  2  usage error: unknown type, an id that is not valid or already taken, the file exists`,
    )
    .action(
      run(async (opts: { type: string; id: string; dir?: string; severity: string; pack?: string[] }) =>
        (await import("./new")).newPolicyCommand(opts),
      ),
    );
}
