import { notifyOnlyAction } from "../../lib/remediation/notify-only";

export const action = notifyOnlyAction({
  id: "cloudtrail-event-selectors-review",
  resourceTypes: ["AWS::CloudTrail::Trail"],
  description:
    "Notify only. Event selectors that stop recording management events are a defence-evasion step: whoever wrote them can write them again, and putting the old ones back automatically would race them and hide the incident. The alert names the principal and the selectors written; responders restore the trail's selectors from its template and review what went unrecorded.",
});
