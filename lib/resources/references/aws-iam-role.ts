import type { ResourceIdentity } from "../adapter";

/** An IAM role: functions and trails name one by ARN. */
export const identity: ResourceIdentity = {
  type: "AWS::IAM::Role",
  service: "iam",
  cloudFormation: { arnAttributes: ["Arn"] },
};
