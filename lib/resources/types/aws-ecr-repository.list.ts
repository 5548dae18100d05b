import { paginateDescribeRepositories } from "@aws-sdk/client-ecr";
import { clientFor } from "../../aws/clients";
import { service as ecr } from "../../aws/services/ecr";
import type { Lister } from "../list";

/** Repositories of the account's registry by name (Config's resourceId): every page of DescribeRepositories. */
export const lister: Lister = {
  type: "AWS::ECR::Repository",
  async *list({ accountId, region }) {
    const client = clientFor(ecr, region);
    for await (const page of paginateDescribeRepositories({ client }, { registryId: accountId })) {
      for (const r of page.repositories ?? []) {
        if (r.repositoryName) {
          yield {
            type: lister.type,
            id: r.repositoryName,
            ...(r.repositoryArn ? { arn: r.repositoryArn } : {}),
            accountId,
            region,
          };
        }
      }
    }
  },
};
