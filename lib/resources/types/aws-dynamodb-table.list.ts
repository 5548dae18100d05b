import { paginateListTables } from "@aws-sdk/client-dynamodb";
import { clientFor } from "../../aws/clients";
import { service as dynamodb } from "../../aws/services/dynamodb";
import type { Lister } from "../list";

/** Tables by name (Config's resourceId): every page of ListTables (ExclusiveStartTableName). */
export const lister: Lister = {
  type: "AWS::DynamoDB::Table",
  async *list({ accountId, region }) {
    const client = clientFor(dynamodb, region);
    for await (const page of paginateListTables({ client }, {})) {
      for (const name of page.TableNames ?? []) yield { type: lister.type, id: name, accountId, region };
    }
  },
};
