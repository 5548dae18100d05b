import type { Resource } from "../../lib/resources/adapter";
import { assertParams, requireString, str } from "../../lib/remediation/document";
import { awsCall, type AwsCall, type RemediationAction } from "../../lib/remediation/types";

/** ScheduleKeyDeletion's default and longest waiting period (KMS API Reference, ScheduleKeyDeletion). */
const LONGEST_WAIT_DAYS = 30;

/**
 * The key id: KMS takes a key id or key ARN for both calls (KMS API Reference, CancelKeyDeletion KeyId), and the
 * worker only fixes keys in its own account and Region (moto answers an ARN here with an HTTP 500).
 */
function keyOf(resource: Resource): string {
  return str(resource.document.keyId) ?? requireString(action.id, resource, "arn");
}

export const action: RemediationAction = {
  id: "kms-cancel-key-deletion",
  resourceTypes: ["AWS::KMS::Key"],
  description:
    'Cancels a scheduled key deletion (CancelKeyDeletion). The key is left Disabled, as KMS leaves every key whose deletion is cancelled (KMS Developer Guide, "Scheduling and canceling key deletion"): what encrypts with it keeps failing until its owner enables it, so nothing starts using a key someone meant to retire. A deletion may be intended, so policies run this with approval. Restore schedules the deletion again with a 30-day waiting period, the longest: the original deletion date cannot be put back.',
  plan(resource, params) {
    assertParams(action, params);
    if (resource.document.keyState !== "PendingDeletion") return [];
    return [awsCall("kms", "CancelKeyDeletion", { KeyId: keyOf(resource) })];
  },
  restore(before, after): AwsCall[] {
    if (before.document.keyState !== "PendingDeletion" || after.document.keyState === "PendingDeletion") return [];
    return [awsCall("kms", "ScheduleKeyDeletion", { KeyId: keyOf(before), PendingWindowInDays: LONGEST_WAIT_DAYS })];
  },
};
