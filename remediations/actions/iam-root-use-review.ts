import { notifyOnlyAction } from "../../lib/remediation/notify-only";

export const action = notifyOnlyAction({
  id: "iam-root-use-review",
  resourceTypes: [],
  description:
    "Notify only. Use of the root user has no configuration to correct: it is either a rare legitimate task or a compromised credential, and only a person can tell which. The alert names the call and source address for review.",
});
