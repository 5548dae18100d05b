import { notifyOnlyAction } from "../../lib/remediation/notify-only";

export const action = notifyOnlyAction({
  id: "ecs-service-platform-version-review",
  resourceTypes: ["AWS::ECS::Service"],
  description:
    "Notify only. Moving a Fargate service to another platform version (UpdateService platformVersion) starts a new deployment that replaces every task, and a pinned version is often pinned on purpose (a kernel or runtime dependency). The owners move it, in their template.",
});
