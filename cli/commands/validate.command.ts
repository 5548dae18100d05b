import type { Command } from "commander";
import { type CommandContext, EXIT_HELP, noBuiltinOption, packOption, policiesOption } from "../options";

/** `guardrail validate`: its options, help and action (the implementation, ./validate.ts, is loaded when it runs). */
export function define(program: Command, { run }: CommandContext): void {
  program
    .command("validate")
    .description(
      "Check policy files: meta-schema, JSON Schema keywords, properties the resource type really has, compilation.",
    )
    .argument("[paths...]", "policy files or directories (default: the built-in pack)")
    .addHelpText(
      "after",
      `
Errors are printed as  file:line:col  /json/pointer  message  (clickable in most editors). The project's
guardrail.config.json, found upward from here, is checked too: against schemas/guardrail.config.schema.json,
and its scan filters against the pack.

Examples:
  $ guardrail validate
  $ guardrail validate policies/apigateway
  $ guardrail validate my-policies/ --exemptions exemptions.json
  $ guardrail validate --pack ./platform-pack          the built-in pack and an extension pack
${EXIT_HELP}`,
    )
    .option("--exemptions <file>", "also validate an exemptions file")
    .addOption(policiesOption())
    .addOption(packOption())
    .addOption(noBuiltinOption())
    .action(
      run(
        async (
          paths: string[],
          opts: { exemptions?: string; policies?: string[]; pack?: string[]; builtin?: boolean },
        ) => (await import("./validate")).validateCommand(paths, opts),
      ),
    );
}
