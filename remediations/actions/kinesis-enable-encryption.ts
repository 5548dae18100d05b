import { assertParams, obj, requireString, str } from "../../lib/remediation/document";
import { awsCall, type RemediationAction } from "../../lib/remediation/types";

const AWS_MANAGED_KEY = "alias/aws/kinesis";

export const action: RemediationAction = {
  id: "kinesis-enable-encryption",
  resourceTypes: ["AWS::Kinesis::Stream"],
  description:
    "Turns server-side encryption on (StartStreamEncryption, EncryptionType KMS, KeyId from params, else the AWS managed key alias/aws/kinesis). The stream stays writable while it is UPDATING; records written before stay unencrypted. A customer managed key must let the producers and consumers use it (kms:GenerateDataKey, kms:Decrypt), which this fix does not check. Restore stops encryption (StopStreamEncryption with the key it was started with).",
  params: {
    type: "object",
    additionalProperties: false,
    properties: { KeyId: { type: "string", minLength: 1, maxLength: 2048 } },
  },
  checkParams(params) {
    return params.KeyId === undefined || (typeof params.KeyId === "string" && params.KeyId !== "")
      ? []
      : ["KeyId must be a non-empty string (a key ARN, key id, alias name or alias ARN)"];
  },
  plan(resource, params) {
    assertParams(action, params);
    if (obj(resource.document.StreamEncryption)?.EncryptionType === "KMS") return [];
    return [
      awsCall("kinesis", "StartStreamEncryption", {
        StreamName: requireString(action.id, resource, "Name"),
        EncryptionType: "KMS",
        KeyId: typeof params.KeyId === "string" ? params.KeyId : AWS_MANAGED_KEY,
      }),
    ];
  },
  restore(before, after) {
    const was = obj(before.document.StreamEncryption);
    const is = obj(after.document.StreamEncryption);
    if (was?.EncryptionType === "KMS" || is?.EncryptionType !== "KMS") return [];
    return [
      awsCall("kinesis", "StopStreamEncryption", {
        StreamName: requireString(action.id, before, "Name"),
        EncryptionType: "KMS",
        KeyId: str(is.KeyId) ?? AWS_MANAGED_KEY,
      }),
    ];
  },
};
