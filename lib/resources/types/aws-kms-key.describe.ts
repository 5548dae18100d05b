import {
  DescribeKeyCommand,
  GetKeyRotationStatusCommand,
  ListResourceTagsCommand,
  type Tag,
} from "@aws-sdk/client-kms";
import { clientFor } from "../../aws/clients";
import { unlessAbsent } from "../../aws/errors";
import { service as kms } from "../../aws/services/kms";
import type { Describer } from "../describe";

/**
 * KMS key by key id (Config's resourceId) or ARN: DescribeKey (NotFoundException: gone). Only a symmetric,
 * customer managed key with KMS key material can rotate automatically, and GetKeyRotationStatus refuses a key in a
 * state other than Enabled or Disabled (KMS Developer Guide, "Key states of AWS KMS keys"), so it is asked of
 * those alone; AWS managed keys cannot be tagged, so their tags are not asked for. ListResourceTags pages with
 * NextMarker and Truncated (KMS API Reference, ListResourceTags).
 */
export const describer: Describer = {
  type: "AWS::KMS::Key",
  async describe(ref) {
    const GONE = kms.notFound;
    const client = clientFor(kms, ref.region);
    const key = await unlessAbsent(client.send(new DescribeKeyCommand({ KeyId: ref.id })), GONE);
    const m = key?.KeyMetadata;
    if (!m?.KeyId) return undefined;
    const customer = m.KeyManager === "CUSTOMER";
    const rotates =
      customer &&
      (m.KeySpec ?? m.CustomerMasterKeySpec) === "SYMMETRIC_DEFAULT" &&
      m.Origin === "AWS_KMS" &&
      (m.KeyState === "Enabled" || m.KeyState === "Disabled");
    const rotation = rotates
      ? await unlessAbsent(client.send(new GetKeyRotationStatusCommand({ KeyId: m.KeyId })), GONE)
      : undefined;
    if (rotates && !rotation) return undefined; // deleted between the calls
    const tags: Tag[] = [];
    if (customer) {
      let Marker: string | undefined;
      for (;;) {
        const page = await unlessAbsent(client.send(new ListResourceTagsCommand({ KeyId: m.KeyId, Marker })), GONE);
        if (!page) return undefined;
        tags.push(...(page.Tags ?? []));
        if (!page.Truncated || !page.NextMarker || page.NextMarker === Marker) break;
        Marker = page.NextMarker;
      }
    }
    return {
      ref,
      DescribeKey: { KeyMetadata: m },
      ...(rotation ? { GetKeyRotationStatus: { KeyRotationEnabled: rotation.KeyRotationEnabled } } : {}),
      ListResourceTags: { Tags: tags },
    };
  },
};
