import { notifyOnlyAction } from "../../lib/remediation/notify-only";

export const action = notifyOnlyAction({
  id: "wafv2-associate-web-acl",
  resourceTypes: ["AWS::ApiGateway::Stage"],
  description:
    "Notify only. Which web ACL protects a stage (its rules, rate limits and exclusions) is a decision per API; associating a generic ACL can block legitimate clients. The owner associates the team's web ACL (wafv2 AssociateWebACL).",
});
