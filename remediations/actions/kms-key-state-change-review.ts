import { notifyOnlyAction } from "../../lib/remediation/notify-only";

export const action = notifyOnlyAction({
  id: "kms-key-state-change-review",
  resourceTypes: ["AWS::KMS::Key"],
  description:
    "Notify only. A scheduled deletion or a disabled key is answered about the key itself by kms-key-not-pending-deletion (cancellation offered for approval); this alert is about who did it, which a responder follows up while the waiting period still allows CancelKeyDeletion.",
});
