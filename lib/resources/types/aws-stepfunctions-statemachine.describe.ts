import { DescribeStateMachineCommand, ListTagsForResourceCommand } from "@aws-sdk/client-sfn";
import { clientFor } from "../../aws/clients";
import { unlessAbsent } from "../../aws/errors";
import { service as states } from "../../aws/services/states";
import { partitionOf } from "../../cloudtrail/record";
import type { Describer } from "../describe";

/**
 * State machine by ARN (Config's resourceId), or by name in the ref's account and Region: DescribeStateMachine (StateMachineDoesNotExist: gone), then
 * ListTagsForResource (Step Functions API Reference).
 */
export const describer: Describer = {
  type: "AWS::StepFunctions::StateMachine",
  async describe(ref) {
    const client = clientFor(states, ref.region);
    const stateMachineArn = ref.id.startsWith("arn:")
      ? ref.id
      : `arn:${partitionOf(ref.region)}:states:${ref.region}:${ref.accountId}:stateMachine:${ref.id}`;
    const out = await unlessAbsent(client.send(new DescribeStateMachineCommand({ stateMachineArn })), states.notFound);
    if (!out?.stateMachineArn) return undefined;
    const { $metadata: _m, definition: _d, ...machine } = out;
    const tags = await unlessAbsent(
      client.send(new ListTagsForResourceCommand({ resourceArn: out.stateMachineArn })),
      states.notFound,
    );
    if (!tags) return undefined; // deleted between the calls
    return { ref, DescribeStateMachine: machine, ListTagsForResource: { tags: tags.tags ?? [] } };
  },
};
