import type { ResourceIdentity } from "../adapter";

/** An EventBridge rule: a function permission names one as its source ARN. */
export const identity: ResourceIdentity = {
  type: "AWS::Events::Rule",
  service: "events",
  cloudFormation: { arnAttributes: ["Arn"] },
};
