import { paginateListKeys } from "@aws-sdk/client-kms";
import { clientFor } from "../../aws/clients";
import { service as kms } from "../../aws/services/kms";
import type { Lister } from "../list";

/** Keys by key id (Config's resourceId): every page of ListKeys, AWS managed keys included (the describe says which). */
export const lister: Lister = {
  type: "AWS::KMS::Key",
  async *list({ accountId, region }) {
    const client = clientFor(kms, region);
    for await (const page of paginateListKeys({ client }, {})) {
      for (const k of page.Keys ?? []) {
        if (k.KeyId)
          yield { type: lister.type, id: k.KeyId, ...(k.KeyArn ? { arn: k.KeyArn } : {}), accountId, region };
      }
    }
  },
};
