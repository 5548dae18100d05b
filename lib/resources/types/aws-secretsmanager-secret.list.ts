import { paginateListSecrets } from "@aws-sdk/client-secrets-manager";
import { clientFor } from "../../aws/clients";
import { service as secretsmanager } from "../../aws/services/secretsmanager";
import type { Lister } from "../list";

/** Secrets by ARN (Config's resourceId): every page of ListSecrets. */
export const lister: Lister = {
  type: "AWS::SecretsManager::Secret",
  async *list({ accountId, region }) {
    const client = clientFor(secretsmanager, region);
    for await (const page of paginateListSecrets({ client }, {})) {
      for (const s of page.SecretList ?? []) {
        if (s.ARN) yield { type: lister.type, id: s.ARN, arn: s.ARN, accountId, region };
      }
    }
  },
};
