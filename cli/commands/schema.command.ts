import type { Command } from "commander";
import { type CommandContext, packOption } from "../options";

/** `guardrail schema`: its options, help and action (the implementation, ./schema.ts, is loaded when it runs). */
export function define(program: Command, { run }: CommandContext): void {
  program
    .command("schema")
    .description(
      "Print the document a policy of a resource type sees: property paths, types, allowed values, descriptions.",
    )
    .argument("[type]", "an AWS Config resource type (AWS::SQS::Queue), a service (sqs), or cloudtrail")
    .option("--json", "print the document's JSON Schema instead of the outline")
    .addOption(packOption())
    .addHelpText(
      "after",
      `
Without a type, lists every type Guardrail judges, with its service (the folder its policies go in).
"cloudtrail" prints the CloudTrail record that policies with "subject": {"cloudtrail": true} see.
Paths read as a policy names them: Policy.Statement[].Effect is "properties": {"Policy": {"properties":
{"Statement": {"items": {"properties": {"Effect": ...}}}}}}.

Examples:
  $ guardrail schema                                  every type, with its service
  $ guardrail schema AWS::SQS::Queue                  what an SQS queue policy can test
  $ guardrail schema lambda                           the one Lambda type
  $ guardrail schema AWS::Lambda::Function --json     the JSON Schema itself
  $ guardrail schema cloudtrail                       the CloudTrail record
  $ guardrail schema AWS::EFS::FileSystem --pack ./platform-pack   an extension pack's type

Exit codes:
  0  printed
  2  unknown type (the nearest names are suggested) or a broken --pack`,
    )
    .action(
      run(async (type: string | undefined, opts: { json?: boolean; pack?: string[] }) =>
        (await import("./schema")).schemaCommand(type, opts),
      ),
    );
}
