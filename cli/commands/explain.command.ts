import type { Command } from "commander";
import { type CommandContext, lazy, noBuiltinOption, packOption, policiesOption } from "../options";

/** `guardrail explain`: its options, help and action (the implementation, ./explain.ts, is loaded when it runs). */
export function define(program: Command, { run }: CommandContext): void {
  program
    .command("explain")
    .description(
      "A policy in plain words: what it checks, why, its triggers and its remediation. Without an id: list the pack.",
    )
    .argument("[id]", "policy id")
    .addOption(policiesOption())
    .addOption(packOption())
    .addOption(noBuiltinOption())
    .option("--json", "the policy file as JSON")
    .addHelpText("after", `\nExamples:\n  $ guardrail explain\n  $ guardrail explain apigateway-domain-tls-1-2\n`)
    .action(run(lazy(() => import("./explain"), "explainCommand")));
}
