import { notifyOnlyAction } from "../../lib/remediation/notify-only";

export const action = notifyOnlyAction({
  id: "eks-secrets-encryption-review",
  resourceTypes: ["AWS::EKS::Cluster"],
  description:
    'Notify only. AssociateEncryptionConfig turns on envelope encryption of Kubernetes secrets with a KMS key, and it cannot be turned off or moved to another key afterwards (Amazon EKS User Guide, "Encrypt Kubernetes secrets with KMS on existing clusters"); if the key is later disabled or deleted, the cluster cannot read its secrets. The owner picks the key and grants the cluster role kms:Encrypt, kms:Decrypt and kms:DescribeKey on it.',
});
