import { notifyOnlyAction } from "../../lib/remediation/notify-only";

export const action = notifyOnlyAction({
  id: "secretsmanager-rotation-review",
  resourceTypes: ["AWS::SecretsManager::Secret"],
  description:
    'Notify only. Rotation (RotateSecret) runs a Lambda function that changes the credential in the database or service the secret is for, and RotateSecret rotates at once when it is set up: a function that does not fit the secret, or a client that caches the old value, locks the application out. Choosing or writing the function (Secrets Manager User Guide, "Rotation by Lambda function") and fixing a failed rotation are the owner\'s work.',
});
