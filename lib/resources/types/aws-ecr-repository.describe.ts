import {
  DescribeRepositoriesCommand,
  GetLifecyclePolicyCommand,
  ListTagsForResourceCommand,
  type GetLifecyclePolicyResponse,
} from "@aws-sdk/client-ecr";
import { clientFor } from "../../aws/clients";
import { unlessAbsent } from "../../aws/errors";
import { service as ecr } from "../../aws/services/ecr";
import type { Describer } from "../describe";

/**
 * ECR repository by name (Config's resourceId): DescribeRepositories (RepositoryNotFoundException: gone), then
 * GetLifecyclePolicy (LifecyclePolicyNotFoundException: the repository has none) and ListTagsForResource on its ARN
 * (Amazon ECR API Reference). The registry is the reference's account.
 */
export const describer: Describer = {
  type: "AWS::ECR::Repository",
  async describe(ref) {
    const client = clientFor(ecr, ref.region);
    const names = { repositoryName: ref.id, registryId: ref.accountId };
    const out = await unlessAbsent(
      client.send(new DescribeRepositoriesCommand({ repositoryNames: [ref.id], registryId: ref.accountId })),
      ecr.notFound,
    );
    const repository = out?.repositories?.[0];
    if (!repository?.repositoryArn) return undefined;
    const lifecycle = await unlessAbsent(client.send(new GetLifecyclePolicyCommand(names)), [
      ...ecr.notFound,
      "LifecyclePolicyNotFoundException",
    ]);
    const tags = await unlessAbsent(
      client.send(new ListTagsForResourceCommand({ resourceArn: repository.repositoryArn })),
      ecr.notFound,
    );
    if (tags === undefined) return undefined; // deleted between the calls
    return {
      ref,
      DescribeRepositories: { repositories: [repository] },
      ...(lifecycle ? { GetLifecyclePolicy: lifecycle satisfies GetLifecyclePolicyResponse } : {}),
      ListTagsForResource: { tags: tags.tags ?? [] },
    };
  },
};
