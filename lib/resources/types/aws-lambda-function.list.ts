import { paginateListFunctions } from "@aws-sdk/client-lambda";
import { clientFor } from "../../aws/clients";
import { service as lambda } from "../../aws/services/lambda";
import type { Lister } from "../list";

/** Functions by name (Config's resourceId): every page of ListFunctions. */
export const lister: Lister = {
  type: "AWS::Lambda::Function",
  async *list({ accountId, region }) {
    const client = clientFor(lambda, region);
    for await (const page of paginateListFunctions({ client }, {})) {
      for (const f of page.Functions ?? []) {
        if (f.FunctionName) {
          yield {
            type: lister.type,
            id: f.FunctionName,
            ...(f.FunctionArn ? { arn: f.FunctionArn } : {}),
            accountId,
            region,
          };
        }
      }
    }
  },
};
