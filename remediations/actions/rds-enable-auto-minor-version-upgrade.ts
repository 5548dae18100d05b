import { INSTANCE, rdsFlagAction } from "../../lib/remediation/rds";

export const action = rdsFlagAction({
  id: "rds-enable-auto-minor-version-upgrade",
  resourceTypes: [INSTANCE],
  description:
    "Turns automatic minor version upgrades on (ModifyDBInstance AutoMinorVersionUpgrade true, ApplyImmediately). The change itself restarts nothing; RDS then applies minor versions in the instance's maintenance window, which does restart it then. Restore turns it off again.",
  field: "autoMinorVersionUpgrade",
  member: "AutoMinorVersionUpgrade",
  want: true,
});
