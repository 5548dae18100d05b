import {
  GetFunctionConcurrencyCommand,
  GetFunctionConfigurationCommand,
  GetPolicyCommand,
  ListTagsCommand,
} from "@aws-sdk/client-lambda";
import type { Described, ResourceRef } from "../../resources/adapter";
import { lambdaClient } from "../clients";
import { unlessAbsent } from "./errors";

/**
 * Lambda function by name (Config's resourceId): GetFunctionConfiguration (ResourceNotFoundException: the function
 * is gone), then GetPolicy (ResourceNotFoundException: it has no resource-based policy), GetFunctionConcurrency and
 * ListTags together. IAM: lambda:GetFunctionConfiguration, lambda:GetPolicy, lambda:GetFunctionConcurrency,
 * lambda:ListTags.
 */
const NOT_FOUND = ["ResourceNotFoundException"];

export async function describeFunction(ref: ResourceRef): Promise<Described | undefined> {
  const client = lambdaClient(ref.region);
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
}
