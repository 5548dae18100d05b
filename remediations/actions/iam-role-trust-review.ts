import { notifyOnlyAction } from "../../lib/remediation/notify-only";

export const action = notifyOnlyAction({
  id: "iam-role-trust-review",
  resourceTypes: ["AWS::IAM::Role"],
  description:
    "Notify only. Changing a role's trust policy decides who may assume it: a condition Guardrail chose (which repository, which organization) could lock out the pipeline or account that legitimately uses the role, and only its owner knows which one that is. UpdateAssumeRolePolicy with the narrowed document is the call once they do.",
});
