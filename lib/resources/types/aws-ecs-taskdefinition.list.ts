import { paginateListTaskDefinitions } from "@aws-sdk/client-ecs";
import { clientFor } from "../../aws/clients";
import { service as ecs } from "../../aws/services/ecs";
import type { Lister } from "../list";

/**
 * Active task definition revisions by ARN (Config's resourceId): every page of ListTaskDefinitions with status
 * ACTIVE. Deregistered revisions can no longer start tasks, so a live scan passes them over.
 */
export const lister: Lister = {
  type: "AWS::ECS::TaskDefinition",
  async *list({ accountId, region }) {
    const client = clientFor(ecs, region);
    for await (const page of paginateListTaskDefinitions({ client }, { status: "ACTIVE" })) {
      for (const arn of page.taskDefinitionArns ?? []) yield { type: lister.type, id: arn, arn, accountId, region };
    }
  },
};
