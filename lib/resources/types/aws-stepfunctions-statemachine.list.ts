import { paginateListStateMachines } from "@aws-sdk/client-sfn";
import { clientFor } from "../../aws/clients";
import { service as states } from "../../aws/services/states";
import type { Lister } from "../list";

/** State machines by ARN (Config's resourceId): every page of ListStateMachines. */
export const lister: Lister = {
  type: "AWS::StepFunctions::StateMachine",
  async *list({ accountId, region }) {
    const client = clientFor(states, region);
    for await (const page of paginateListStateMachines({ client }, {})) {
      for (const m of page.stateMachines ?? []) {
        if (m.stateMachineArn)
          yield { type: lister.type, id: m.stateMachineArn, arn: m.stateMachineArn, accountId, region };
      }
    }
  },
};
