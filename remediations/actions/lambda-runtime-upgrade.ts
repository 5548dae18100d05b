import { notifyOnlyAction } from "../../lib/remediation/notify-only";

export const action = notifyOnlyAction({
  id: "lambda-runtime-upgrade",
  resourceTypes: ["AWS::Lambda::Function"],
  description:
    "Notify only. Changing a function's runtime runs its code on a different language version with different dependencies' native builds; whether the code works there is only known by building and testing it. The owner upgrades through their deployment pipeline.",
});
