import { notifyOnlyAction } from "../../lib/remediation/notify-only";

export const action = notifyOnlyAction({
  id: "rds-multi-az-review",
  resourceTypes: ["AWS::RDS::DBInstance", "AWS::RDS::DBCluster"],
  description:
    "Notify only. Converting a DB instance to Multi-AZ creates a standby from a snapshot, which slows the primary's I/O while it syncs and doubles the instance cost; an Aurora cluster gets a second Availability Zone only by adding a DB instance (a new resource and its cost). Both are capacity decisions for the owner.",
});
