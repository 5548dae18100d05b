import { notifyOnlyAction } from "../../lib/remediation/notify-only";

export const action = notifyOnlyAction({
  id: "sqs-remove-public-statements",
  resourceTypes: ["AWS::SQS::Queue"],
  description:
    'Notify only. A public Allow (Principal "*" without a limiting Condition) is often how an SNS topic, an EventBridge rule or a partner account was meant to deliver: removing it, or guessing the Condition that would narrow it (aws:SourceArn, aws:SourceAccount, aws:PrincipalOrgID), can silently stop deliveries only the queue owner knows about. The owner narrows the statement.',
});
