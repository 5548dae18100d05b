import { type Command, Option } from "commander";
import {
  type CommandContext,
  frameworkOption,
  lazy,
  noBuiltinOption,
  packOption,
  policiesOption,
  policyFilterOption,
  severityOption,
  skipPolicyOption,
  typeOption,
} from "../options";

/** `guardrail explain`: its options, help and action (the implementation, ./explain.ts, is loaded when it runs). */
export function define(program: Command, { run }: CommandContext): void {
  program
    .command("explain")
    .description(
      "A policy in plain words: what it checks, why, its triggers and its remediation. Without an id: list the pack's policies (id, severity, types, framework controls), filtered as scan filters them.",
    )
    .argument("[id]", "policy id")
    .addOption(policiesOption())
    .addOption(packOption())
    .addOption(noBuiltinOption())
    .addOption(policyFilterOption())
    .addOption(skipPolicyOption())
    .addOption(severityOption())
    .addOption(frameworkOption())
    .addOption(typeOption())
    .addOption(new Option("--format <format>", "table for people, json for machines").choices(["table", "json"]))
    .option("--json", "the same as --format json (with an id: the policy file as JSON)")
    .addHelpText(
      "after",
      `
Examples:
  $ guardrail explain
  $ guardrail explain --severity high+ --type 'AWS::S3::*'
  $ guardrail explain --framework cis-aws-foundations-benchmark-3.0.0 --format json
  $ guardrail explain apigateway-domain-tls-1-2
`,
    )
    .action(run(lazy(() => import("./explain"), "explainCommand")));
}
