import { notifyOnlyAction } from "../../lib/remediation/notify-only";

export const action = notifyOnlyAction({
  id: "rds-iam-auth-review",
  resourceTypes: ["AWS::RDS::DBInstance", "AWS::RDS::DBCluster"],
  description:
    "Notify only. Turning IAM database authentication on by itself protects nothing: database users must be created for it (GRANT rds_iam, or AWSAuthenticationPlugin on MySQL) and the clients changed to connect with tokens, and password logins stay allowed. The owner sets EnableIAMDatabaseAuthentication together with those changes.",
});
