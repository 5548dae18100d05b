import type { Command } from "commander";
import {
  type CommandContext,
  EXIT_HELP,
  frameworkOption,
  noBuiltinOption,
  packOption,
  policiesOption,
  policyFilterOption,
  severityOption,
  skipPolicyOption,
  typeOption,
} from "../options";
import type { PackOptions } from "../pack-options";

/** `guardrail test`: its options, help and action (the implementation, ./test.ts, is loaded when it runs). */
export function define(program: Command, { run }: CommandContext): void {
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
  $ guardrail test --pack ./platform-pack --no-builtin
  $ guardrail test --policy 's3-*' --severity high+
${EXIT_HELP}`,
    )
    .addOption(policiesOption())
    .addOption(packOption())
    .addOption(noBuiltinOption())
    .addOption(policyFilterOption())
    .addOption(skipPolicyOption())
    .addOption(severityOption())
    .addOption(frameworkOption())
    .addOption(typeOption())
    .action(
      run(async (paths: string[], opts: { verbose?: boolean } & PackOptions) =>
        (await import("./test")).testCommand(paths, opts),
      ),
    );
}
