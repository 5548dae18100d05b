import {
  GetFunctionConcurrencyCommand,
  GetFunctionConfigurationCommand,
  GetPolicyCommand,
  ListTagsCommand,
} from "@aws-sdk/client-lambda";
import { clientFor } from "../../aws/clients";
import { unlessAbsent } from "../../aws/errors";
import { service as lambda } from "../../aws/services/lambda";
import type { Described } from "../adapter";
import type { Describer } from "../describe";

/**
 * Lambda function by name (Config's resourceId): GetFunctionConfiguration (ResourceNotFoundException: the function
 * is gone), then GetPolicy (ResourceNotFoundException: it has no resource-based policy), GetFunctionConcurrency and
 * ListTags together.
 */
export const describer: Describer = {
  type: "AWS::Lambda::Function",
  async describe(ref) {
    const NOT_FOUND = lambda.notFound;
    const client = clientFor(lambda, ref.region);
    const configuration = await unlessAbsent(
      client.send(new GetFunctionConfigurationCommand({ FunctionName: ref.id })),
      NOT_FOUND,
    );
    if (!configuration) return undefined;
    const arn = configuration.FunctionArn ?? ref.arn ?? ref.id;
    const [policy, concurrency, tags] = await Promise.all([
      unlessAbsent(client.send(new GetPolicyCommand({ FunctionName: ref.id })), NOT_FOUND),
      unlessAbsent(client.send(new GetFunctionConcurrencyCommand({ FunctionName: ref.id })), NOT_FOUND),
      unlessAbsent(client.send(new ListTagsCommand({ Resource: arn })), NOT_FOUND),
    ]);
    if (!concurrency || !tags) return undefined; // deleted between the calls
    const described: Described = {
      ref,
      GetFunctionConfiguration: configuration,
      GetFunctionConcurrency: concurrency,
      ListTags: tags,
    };
    if (policy) described.GetPolicy = policy;
    return described;
  },
};
