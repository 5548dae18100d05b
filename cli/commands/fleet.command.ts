import { Option, type Command } from "commander";
import { type CommandContext, lazy, positiveInt, rate } from "../options";

/** `guardrail fleet`: its options, help and action (the implementation, ./fleet.ts, is loaded when it runs). */
export function define(program: Command, { run }: CommandContext): void {
  const fleet = program.command("fleet").description("The sample microservices fleet.");
  fleet
    .command("generate")
    .description(
      "Write a deterministic sample fleet as AWS Config snapshot files, plus ground-truth.json of its violations.",
    )
    .option(
      "--services <n>",
      "number of microservices (11 to 18 resources each, about 15; 12 with --scope serverless)",
      positiveInt,
      12,
    )
    .option("--seed <n>", "random seed: the same seed writes the same files", positiveInt, 1)
    .option("--out <dir>", "output directory", ".guardrail/fleet")
    .option("--violation-rate <r>", "probability that a resource violates each policy it is subject to", rate, 0.15)
    .addOption(
      new Option(
        "--scope <scope>",
        "architecture: REST/HTTP API + Lambda and Fargate + ALB services, with the shared pieces of every account " +
          "and Region (CloudFront, ElastiCache, Kinesis, Step Functions, IAM, ...); serverless: REST API + Lambda " +
          "services only (the demo's local account)",
      )
        .choices(["architecture", "serverless"])
        .default("architecture"),
    )
    .addHelpText(
      "after",
      `\nExamples:\n  $ guardrail fleet generate\n  $ guardrail scan --snapshot .guardrail/fleet/AWSLogs\n  $ guardrail fleet generate --services 8000 --seed 7 --out /tmp/big-fleet --violation-rate 0.05\n`,
    )
    .action(run(lazy(() => import("./fleet"), "fleetGenerateCommand")));
  fleet
    .command("template")
    .description(
      "Write the sample fleet as a CloudFormation template you can deploy into a sandbox account (see docs/templates.md).",
    )
    .option("--services <n>", "number of serverless microservices (REST and HTTP APIs alternate)", positiveInt, 2)
    .option("--seed <n>", "random seed: the same seed writes the same template", positiveInt, 1)
    .option("--violations", "plant violations for the deployed pipeline to catch (default: a clean fleet)")
    .option("--violation-rate <r>", "with --violations: probability of each violation", rate, 0.15)
    .option("--out <file>", "output file", "guardrail-fleet.template.json")
    .addHelpText(
      "after",
      `\nExamples:\n  $ guardrail fleet template --services 2 --violations\n  $ guardrail scan --template guardrail-fleet.template.json\n  $ aws cloudformation deploy --template-file guardrail-fleet.template.json --stack-name guardrail-sample-fleet --parameter-overrides DomainCertificateArn=arn:aws:acm:...\n`,
    )
    .action(run(lazy(() => import("./fleet"), "fleetTemplateCommand")));
}
