import { DescribeSecretCommand } from "@aws-sdk/client-secrets-manager";
import { clientFor } from "../../aws/clients";
import { unlessAbsent } from "../../aws/errors";
import { service as secretsmanager } from "../../aws/services/secretsmanager";
import type { Describer } from "../describe";

/**
 * Secret by ARN (Config's resourceId) or name: DescribeSecret (ResourceNotFoundException: gone; a secret scheduled
 * for deletion is still described, with DeletedDate: Secrets Manager API Reference, DescribeSecret).
 */
export const describer: Describer = {
  type: "AWS::SecretsManager::Secret",
  async describe(ref) {
    const client = clientFor(secretsmanager, ref.region);
    const out = await unlessAbsent(
      client.send(new DescribeSecretCommand({ SecretId: ref.id })),
      secretsmanager.notFound,
    );
    if (!out?.Name) return undefined;
    const { $metadata: _m, ...secret } = out;
    return { ref, DescribeSecret: secret };
  },
};
