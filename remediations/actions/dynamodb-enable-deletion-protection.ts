import { notifyOnlyAction } from "../../lib/remediation/notify-only";

export const action = notifyOnlyAction({
  id: "dynamodb-enable-deletion-protection",
  resourceTypes: ["AWS::DynamoDB::Table"],
  description:
    "Notify only. Turning deletion protection on behind the back of the stack that owns the table makes that stack's intended deletes and replacements fail (and a failed update can leave the stack in UPDATE_ROLLBACK_FAILED); short-lived test tables are deleted on purpose. The owner sets DeletionProtectionEnabled in the template.",
});
