import type { ResourceIdentity } from "../adapter";

/** A CloudWatch Logs log group: stages and trails send logs to one by ARN. */
export const identity: ResourceIdentity = {
  type: "AWS::Logs::LogGroup",
  service: "logs",
  cloudFormation: { arnAttributes: ["Arn"] },
};
