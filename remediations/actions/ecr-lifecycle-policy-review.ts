import { notifyOnlyAction } from "../../lib/remediation/notify-only";

export const action = notifyOnlyAction({
  id: "ecr-lifecycle-policy-review",
  resourceTypes: ["AWS::ECR::Repository"],
  description:
    "Notify only. A lifecycle policy expires images: which ones a team can lose (untagged builds, all but the newest N, older than N days) depends on what its services and rollbacks still pull, and an expired image cannot be brought back. The owners write the rules.",
});
