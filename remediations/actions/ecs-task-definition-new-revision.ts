import { notifyOnlyAction } from "../../lib/remediation/notify-only";

export const action = notifyOnlyAction({
  id: "ecs-task-definition-new-revision",
  resourceTypes: ["AWS::ECS::TaskDefinition"],
  description:
    "Notify only. A task definition revision cannot be changed: the fix is a new revision (RegisterTaskDefinition) and a deployment of every service that runs it (UpdateService), which replaces their tasks, and the new setting (a read-only root filesystem, a non-root user, no privileged mode, secrets from Secrets Manager) can break the application. The owners register, test and roll out the revision, normally through their template.",
});
