import { notifyOnlyAction } from "../../lib/remediation/notify-only";

export const action = notifyOnlyAction({
  id: "logs-kms-encryption-review",
  resourceTypes: ["AWS::Logs::LogGroup"],
  description:
    "Notify only. Encrypting a log group (AssociateKmsKey) needs a choice of customer managed key whose key policy lets the CloudWatch Logs service principal use it; with a key that does not, or that is later disabled, every write to the group fails. Only events ingested afterwards are encrypted. The key is the owner's decision.",
});
