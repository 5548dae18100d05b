import { assertParams, requireString } from "../../lib/remediation/document";
import { awsCall, PlanError, type AwsCall, type RemediationAction } from "../../lib/remediation/types";

/** The values PutRetentionPolicy accepts (CloudWatch Logs API Reference, PutRetentionPolicy retentionInDays). */
const ALLOWED_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
const DEFAULT_DAYS = 365;

function daysOf(params: Record<string, unknown>): number {
  return typeof params.RetentionInDays === "number" ? params.RetentionInDays : DEFAULT_DAYS;
}

export const action: RemediationAction = {
  id: "logs-set-retention",
  resourceTypes: ["AWS::Logs::LogGroup"],
  description:
    "Raises a log group's retention to RetentionInDays (params, default 365; PutRetentionPolicy). Only a retention that is set and shorter is raised: a group without one keeps its events forever, which is already longer. Nothing is deleted by raising it; storage is billed for the longer time. A group deployed by CloudFormation drifts until its template sets RetentionInDays. Restore puts the recorded retention back, which lets CloudWatch Logs delete the events older than it.",
  params: {
    type: "object",
    additionalProperties: false,
    properties: { RetentionInDays: { enum: ALLOWED_DAYS } },
  },
  checkParams(params) {
    const days = params.RetentionInDays;
    return days === undefined || ALLOWED_DAYS.includes(days as number)
      ? []
      : [`RetentionInDays must be one of ${ALLOWED_DAYS.join(", ")}`];
  },
  plan(resource, params) {
    assertParams(action, params);
    const want = daysOf(params);
    const current = resource.document.RetentionInDays;
    if (current === undefined || (typeof current === "number" && current >= want)) return [];
    if (typeof current !== "number") {
      throw new PlanError(action.id, `RetentionInDays of ${resource.id} is not recorded as a number`);
    }
    return [
      awsCall("logs", "PutRetentionPolicy", {
        logGroupName: requireString(action.id, resource, "LogGroupName"),
        retentionInDays: want,
      }),
    ];
  },
  restore(before, after): AwsCall[] {
    const was = before.document.RetentionInDays;
    if (typeof was !== "number" || was === after.document.RetentionInDays) return [];
    return [
      awsCall("logs", "PutRetentionPolicy", {
        logGroupName: requireString(action.id, before, "LogGroupName"),
        retentionInDays: was,
      }),
    ];
  },
};
