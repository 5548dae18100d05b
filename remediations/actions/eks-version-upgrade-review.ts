import { notifyOnlyAction } from "../../lib/remediation/notify-only";

export const action = notifyOnlyAction({
  id: "eks-version-upgrade-review",
  resourceTypes: ["AWS::EKS::Cluster"],
  description:
    'Notify only. UpdateClusterVersion moves the control plane one minor version at a time and cannot be rolled back (Amazon EKS User Guide, "Update existing cluster to new Kubernetes version"); removed Kubernetes APIs, add-ons and node groups must be checked and updated by the owner first. The params carry oldestVersionSupported, the version the cluster must at least run.',
});
