import type { ResourceIdentity } from "../adapter";

/** A WAF web ACL: stages are associated with one by ARN. */
export const identity: ResourceIdentity = {
  type: "AWS::WAFv2::WebACL",
  service: "wafv2",
  cloudFormation: { arnAttributes: ["Arn"] },
};
