import { notifyOnlyAction } from "../../lib/remediation/notify-only";

export const action = notifyOnlyAction({
  id: "config-restore-recording",
  resourceTypes: ["AWS::Config::ConfigurationRecorder"],
  description:
    "Notify only. Stopping or deleting the Config recorder is a security event, and the recorder's settings (role, recording group, delivery channel) cannot be reconstructed from the CloudTrail record. Responders restore recording and investigate the principal named in the alert.",
});
