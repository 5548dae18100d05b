import type { Resource } from "../../lib/resources/adapter";
import { assertParams, obj, requireString } from "../../lib/remediation/document";
import { awsCall, type AwsCall, type RemediationAction } from "../../lib/remediation/types";

function tracingOf(resource: Resource): boolean | undefined {
  const enabled = obj(resource.document.TracingConfiguration)?.Enabled;
  return typeof enabled === "boolean" ? enabled : undefined;
}

function update(resource: Resource, enabled: boolean): AwsCall {
  return awsCall("states", "UpdateStateMachine", {
    stateMachineArn: requireString(action.id, resource, "Arn"),
    tracingConfiguration: { enabled },
  });
}

export const action: RemediationAction = {
  id: "stepfunctions-enable-tracing",
  resourceTypes: ["AWS::StepFunctions::StateMachine"],
  description:
    'Turns on AWS X-Ray tracing (UpdateStateMachine tracingConfiguration enabled true); nothing else of the state machine changes. Executions already running finish as they started; new ones are traced. The execution role needs the X-Ray write permissions (Step Functions Developer Guide, "Trace Step Functions request data in AWS X-Ray") for traces to arrive. A state machine deployed by CloudFormation drifts until its template sets TracingConfiguration. Restore turns tracing off again.',
  plan(resource, params) {
    assertParams(action, params);
    if (tracingOf(resource) === true) return [];
    return [update(resource, true)];
  },
  restore(before, after): AwsCall[] {
    if (tracingOf(before) === true || tracingOf(after) !== true) return [];
    return [update(before, false)];
  },
};
