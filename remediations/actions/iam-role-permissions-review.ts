import { notifyOnlyAction } from "../../lib/remediation/notify-only";

export const action = notifyOnlyAction({
  id: "iam-role-permissions-review",
  resourceTypes: ["AWS::IAM::Role"],
  description:
    "Notify only. Removing or narrowing an inline policy that allows every action can stop the workload that assumes the role at its next call, and only its owner knows which permissions it uses (IAM Access Analyzer policy generation, or the role's last-accessed information, shows them); PutRolePolicy with a scoped document is the call once they know.",
});
