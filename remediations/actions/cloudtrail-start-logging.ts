import { notifyOnlyAction } from "../../lib/remediation/notify-only";

export const action = notifyOnlyAction({
  id: "cloudtrail-start-logging",
  resourceTypes: ["AWS::CloudTrail::Trail"],
  description:
    "Notify only. A StopLogging call is a security event: whoever could stop the trail can stop it again, so restarting it automatically hides the incident rather than answering it. The alert names the principal; responders restart logging and review what happened while it was off.",
});
