import type { TracingMode } from "@aws-sdk/client-lambda";
import type { Resource } from "../../lib/resources/adapter";
import { assertParams, obj, requireString, str } from "../../lib/remediation/document";
import { awsCall, type AwsCall, type RemediationAction } from "../../lib/remediation/types";

function modeOf(resource: Resource): string {
  return str(obj(resource.document.tracingConfig)?.mode) ?? "PassThrough";
}

export const action: RemediationAction = {
  id: "lambda-enable-tracing",
  resourceTypes: ["AWS::Lambda::Function"],
  description:
    "Turns on X-Ray active tracing (UpdateFunctionConfiguration TracingConfig Mode Active), guarded by the document's revisionId so that a function changed since it was described is not overwritten (the call fails instead). The function's execution role needs xray:PutTraceSegments and xray:PutTelemetryRecords or traces are dropped (the function keeps working). The update is asynchronous (LastUpdateStatus), and a function deployed by CloudFormation drifts until its template says the same. Restore sets the previous mode (PassThrough when none was recorded).",
  params: { type: "object", additionalProperties: false, properties: { Mode: { const: "Active" } } },
  checkParams(params) {
    return params.Mode === undefined || params.Mode === "Active" ? [] : ['Mode may only be "Active"'];
  },
  plan(resource, params) {
    assertParams(action, params);
    if (modeOf(resource) === "Active") return [];
    const revision = str(resource.document.revisionId);
    return [
      awsCall("lambda", "UpdateFunctionConfiguration", {
        FunctionName: requireString(action.id, resource, "functionName"),
        TracingConfig: { Mode: "Active" },
        ...(revision ? { RevisionId: revision } : {}),
      }),
    ];
  },
  restore(before, after): AwsCall[] {
    const was = modeOf(before);
    if (was === modeOf(after)) return [];
    return [
      awsCall("lambda", "UpdateFunctionConfiguration", {
        FunctionName: requireString(action.id, before, "functionName"),
        TracingConfig: { Mode: was as TracingMode },
      }),
    ];
  },
};
