import { notifyOnlyAction } from "../../lib/remediation/notify-only";

export const action = notifyOnlyAction({
  id: "lambda-remove-public-permissions",
  resourceTypes: ["AWS::Lambda::Function"],
  description:
    "Notify only. A public statement in a function's resource policy is frequently a public function URL (lambda:FunctionUrlAuthType NONE) or a service invoke permission that serves real traffic; RemovePermission would take the endpoint down. The owner decides between auth type AWS_IAM, a narrowing Condition, or removal.",
});
