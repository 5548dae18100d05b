import { notifyOnlyAction } from "../../lib/remediation/notify-only";

export const action = notifyOnlyAction({
  id: "kinesis-retention-review",
  resourceTypes: ["AWS::Kinesis::Stream"],
  description:
    "Notify only. Retention beyond 24 hours is billed per shard hour (Kinesis Data Streams pricing, extended data retention), so raising it is a cost decision for the owner; IncreaseStreamRetentionPeriod is the call once they make it.",
});
