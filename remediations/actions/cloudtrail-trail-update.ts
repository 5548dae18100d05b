import { notifyOnlyAction } from "../../lib/remediation/notify-only";

export const action = notifyOnlyAction({
  id: "cloudtrail-trail-update",
  resourceTypes: ["AWS::CloudTrail::Trail"],
  description:
    "Notify only. Trail settings are account-wide audit infrastructure: KMS encryption needs a key whose policy lets CloudTrail encrypt and every reader decrypt (a wrong key stops log delivery), making a trail multi-Region changes what is delivered where and what it costs, and log file validation changes the bucket's contents. Guardrail's remediation role is not given cloudtrail:UpdateTrail; the account's owners change the trail.",
});
