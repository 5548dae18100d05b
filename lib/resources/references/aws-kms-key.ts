import type { ResourceIdentity } from "../adapter";

/** A KMS key: queues, topics, tables and trails name one by `Fn::GetAtt Key.Arn`. */
export const identity: ResourceIdentity = {
  type: "AWS::KMS::Key",
  service: "kms",
  cloudFormation: { arnAttributes: ["Arn"] },
};
