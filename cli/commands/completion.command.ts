import { Argument, type Command } from "commander";
import { type CommandContext, lazy } from "../options";

export const SHELLS = ["bash", "zsh", "fish"];

/** `guardrail completion`: its options, help and action (the implementation, ./completion.ts, is loaded when it runs). */
export function define(program: Command, { run }: CommandContext): void {
  const implementation = lazy(() => import("./completion"), "completionCommand");
  program
    .command("completion")
    .description(
      "Print the shell completion script for bash, zsh or fish: commands, options, their choices, files, and policy ids.",
    )
    .addArgument(new Argument("[shell]", "the shell to complete in").choices(SHELLS))
    .option("--policy-ids", "list the built-in pack's policy ids, one a line (the scripts complete ids from this)")
    .addHelpText(
      "after",
      `
The script completes what this version of guardrail has: its commands, subcommands and options, the choices of
options such as --format, file names where a file is expected, and policy ids (explain, remediation plan,
--policy, --skip-policy) from \`guardrail completion --policy-ids\`, asked once a shell session.

Examples:
  $ echo 'source <(guardrail completion bash)' >> ~/.bashrc
  $ guardrail completion bash > ~/.local/share/bash-completion/completions/guardrail
  $ echo 'source <(guardrail completion zsh)' >> ~/.zshrc
  $ guardrail completion fish > ~/.config/fish/completions/guardrail.fish
  $ guardrail completion --policy-ids | grep '^s3-'
`,
    )
    .action(
      run((shell: string | undefined, opts: { policyIds?: boolean }, command: Command) =>
        implementation(shell, opts, command.parent ?? command),
      ),
    );
}
