import type { Resource } from "../../lib/resources/adapter";
import { assertParams, requireString, str } from "../../lib/remediation/document";
import { awsCall, PlanError, type AwsCall, type RemediationAction } from "../../lib/remediation/types";

/** The key as KMS calls take it: its ARN when recorded, else its id. */
function keyOf(resource: Resource): string {
  return str(resource.document.arn) ?? requireString(action.id, resource, "keyId");
}

/** A document member the fix depends on, which must hold `want` (KMS API Reference, EnableKeyRotation). */
function refuseUnless(resource: Resource, field: string, want: string, why: string): void {
  const v = resource.document[field];
  if (v !== want) {
    throw new PlanError(action.id, `${field} of ${resource.id} is ${JSON.stringify(v ?? null)}, not ${want}: ${why}`);
  }
}

export const action: RemediationAction = {
  id: "kms-enable-key-rotation",
  resourceTypes: ["AWS::KMS::Key"],
  description:
    'Turns on automatic rotation of the key material (EnableKeyRotation, RotationPeriodInDays from params, KMS\'s 365 days when none). Ciphertexts stay decryptable: KMS keeps every earlier key material, so nothing is re-encrypted and nothing that uses the key changes (KMS Developer Guide, "Rotate AWS KMS keys"). Only an enabled, symmetric, customer managed key with KMS key material can rotate; any other is refused. Each rotation adds a monthly charge for the kept material, up to the second rotation. Restore turns rotation off (DisableKeyRotation), which keeps the material already rotated.',
  params: {
    type: "object",
    additionalProperties: false,
    properties: { RotationPeriodInDays: { type: "integer", minimum: 90, maximum: 2560 } },
  },
  checkParams(params) {
    const days = params.RotationPeriodInDays;
    if (days === undefined) return [];
    return Number.isInteger(days) && (days as number) >= 90 && (days as number) <= 2560
      ? []
      : ["RotationPeriodInDays must be an integer from 90 to 2560"];
  },
  plan(resource, params) {
    assertParams(action, params);
    if (resource.document.keyRotationEnabled === true) return [];
    refuseUnless(resource, "keyManager", "CUSTOMER", "AWS rotates its own keys");
    refuseUnless(resource, "keySpec", "SYMMETRIC_DEFAULT", "only symmetric keys rotate automatically");
    refuseUnless(resource, "origin", "AWS_KMS", "imported or external key material cannot rotate automatically");
    refuseUnless(resource, "keyState", "Enabled", "KMS refuses EnableKeyRotation in any other key state");
    const days = params.RotationPeriodInDays;
    return [
      awsCall("kms", "EnableKeyRotation", {
        KeyId: keyOf(resource),
        ...(typeof days === "number" ? { RotationPeriodInDays: days } : {}),
      }),
    ];
  },
  restore(before, after): AwsCall[] {
    if (before.document.keyRotationEnabled !== false || after.document.keyRotationEnabled === false) return [];
    return [awsCall("kms", "DisableKeyRotation", { KeyId: keyOf(before) })];
  },
};
