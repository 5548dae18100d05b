import { DescribeTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import { clientFor } from "../../aws/clients";
import { unlessAbsent } from "../../aws/errors";
import { service as ecs } from "../../aws/services/ecs";
import type { Describer } from "../describe";

/**
 * ECS task definition by its ARN (Config's resourceId) or `family:revision`: DescribeTaskDefinition with
 * `include: ["TAGS"]` (Amazon ECS API Reference). An unknown revision is ClientException ("Unable to describe task
 * definition"): for this one call, gone. A deregistered (INACTIVE) revision still describes, as Config still records it.
 */
export const describer: Describer = {
  type: "AWS::ECS::TaskDefinition",
  async describe(ref) {
    const client = clientFor(ecs, ref.region);
    const out = await unlessAbsent(
      client.send(new DescribeTaskDefinitionCommand({ taskDefinition: ref.id, include: ["TAGS"] })),
      [...ecs.notFound, "ClientException"],
    );
    if (!out?.taskDefinition) return undefined;
    return { ref, DescribeTaskDefinition: { taskDefinition: out.taskDefinition, tags: out.tags ?? [] } };
  },
};
