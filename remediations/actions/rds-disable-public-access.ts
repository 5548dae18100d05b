import { INSTANCE, rdsFlagAction } from "../../lib/remediation/rds";

export const action = rdsFlagAction({
  id: "rds-disable-public-access",
  resourceTypes: [INSTANCE],
  description:
    "Makes the instance private (ModifyDBInstance PubliclyAccessible false, ApplyImmediately): its endpoint then resolves to the private address only, so clients outside the VPC lose access, which is the point; no restart. Restore makes it publicly accessible again.",
  field: "publiclyAccessible",
  member: "PubliclyAccessible",
  want: false,
});
