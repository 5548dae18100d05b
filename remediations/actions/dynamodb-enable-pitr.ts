import type { Resource } from "../../lib/resources/adapter";
import { assertParams, obj, requireString, str } from "../../lib/remediation/document";
import { awsCall, type AwsCall, type RemediationAction } from "../../lib/remediation/types";

function pitrOf(resource: Resource): { status: string; days?: number } {
  const d = obj(obj(resource.document.continuousBackupsDescription)?.pointInTimeRecoveryDescription);
  const days = d?.recoveryPeriodInDays;
  return { status: str(d?.pointInTimeRecoveryStatus) ?? "DISABLED", ...(typeof days === "number" ? { days } : {}) };
}

export const action: RemediationAction = {
  id: "dynamodb-enable-pitr",
  resourceTypes: ["AWS::DynamoDB::Table"],
  description:
    "Turns on point-in-time recovery (UpdateContinuousBackups PointInTimeRecoveryEnabled true, RecoveryPeriodInDays from params, else DynamoDB's default of 35). A table with PITR on is left alone. Backup storage is billed by table size. Restore turns PITR off again, which deletes the continuous backups taken since.",
  params: {
    type: "object",
    additionalProperties: false,
    properties: {
      PointInTimeRecoveryEnabled: { const: true },
      RecoveryPeriodInDays: { type: "integer", minimum: 1, maximum: 35 },
    },
  },
  checkParams(params) {
    const problems: string[] = [];
    if (params.PointInTimeRecoveryEnabled !== undefined && params.PointInTimeRecoveryEnabled !== true) {
      problems.push("PointInTimeRecoveryEnabled may only be true");
    }
    const days = params.RecoveryPeriodInDays;
    if (days !== undefined && !(Number.isInteger(days) && (days as number) >= 1 && (days as number) <= 35)) {
      problems.push("RecoveryPeriodInDays must be an integer from 1 to 35");
    }
    return problems;
  },
  plan(resource, params) {
    assertParams(action, params);
    if (pitrOf(resource).status === "ENABLED") return [];
    const days =
      typeof params.RecoveryPeriodInDays === "number" ? { RecoveryPeriodInDays: params.RecoveryPeriodInDays } : {};
    return [
      awsCall("dynamodb", "UpdateContinuousBackups", {
        TableName: requireString(action.id, resource, "tableName"),
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true, ...days },
      }),
    ];
  },
  restore(before, after): AwsCall[] {
    const was = pitrOf(before);
    const is = pitrOf(after);
    if (was.status === is.status && (was.status !== "ENABLED" || was.days === is.days)) return [];
    const enabled = was.status === "ENABLED";
    return [
      awsCall("dynamodb", "UpdateContinuousBackups", {
        TableName: requireString(action.id, before, "tableName"),
        PointInTimeRecoverySpecification: {
          PointInTimeRecoveryEnabled: enabled,
          ...(enabled && was.days !== undefined ? { RecoveryPeriodInDays: was.days } : {}),
        },
      }),
    ];
  },
};
