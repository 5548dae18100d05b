import { notifyOnlyAction } from "../../lib/remediation/notify-only";

export const action = notifyOnlyAction({
  id: "sns-remove-public-statements",
  resourceTypes: ["AWS::SNS::Topic"],
  description:
    'Notify only. A public Allow (Principal "*" without a limiting Condition) on a topic is often how S3 event notifications, CloudWatch alarms or another account publish to it: removing it, or guessing the narrowing Condition (aws:SourceArn, aws:SourceAccount, aws:PrincipalOrgID), can silently stop alerts. The owner narrows the statement.',
});
