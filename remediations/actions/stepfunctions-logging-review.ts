import { notifyOnlyAction } from "../../lib/remediation/notify-only";

export const action = notifyOnlyAction({
  id: "stepfunctions-logging-review",
  resourceTypes: ["AWS::StepFunctions::StateMachine"],
  description:
    'Notify only. Logging needs a CloudWatch Logs log group chosen for the state machine, and an execution role allowed the log delivery actions (logs:CreateLogDelivery and the others in Step Functions Developer Guide, "IAM policies for logging to CloudWatch Logs"); without them UpdateStateMachine is refused. Whether to include execution data (inputs and outputs, which may hold personal data) is also the owner\'s decision.',
});
