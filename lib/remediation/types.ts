import type { WriteInputs } from "../aws/service";
import type { SERVICES } from "../aws/services";
import type { Resource } from "../resources/adapter";
import type { JsonObject, JsonSchema } from "../util/json";

type ServiceModules = (typeof SERVICES)[number];

/**
 * Every operation a built-in action may plan, with its SDK input type, derived from the service modules
 * (lib/aws/services/: the `write` operations of each). `awsCall` checks inputs against these types at compile time;
 * the executor sends exactly these. Type-only imports: nothing of the SDK is loaded by the plans.
 */
export type OperationInputs = {
  [M in ServiceModules as keyof WriteInputs<M["operations"]> extends never ? never : M["service"]["name"]]: WriteInputs<
    M["operations"]
  >;
};

/** The AWS services remediation calls go to: each service module's `service.name`. */
export type AwsService = keyof OperationInputs;

/**
 * One AWS API call a remediation plan asks for: the SDK command name without "Command" and exactly the input the
 * SDK command takes. Plain data, so that a dry run, an approval message and the remediation record show exactly
 * what is (or would be) sent. `service` is a service module's name (an extension pack's too).
 */
export interface AwsCall {
  service: string;
  operation: string;
  input: object;
}

/** A typed AwsCall: the input must be the named SDK command's input. */
export function awsCall<S extends AwsService, O extends keyof OperationInputs[S] & string>(
  service: S,
  operation: O,
  input: OperationInputs[S][O],
): AwsCall {
  return { service, operation, input: input as object };
}

/** Action parameters: the policy's `remediation.params`, plus runtime parameters the worker adds (see each action). */
export type RemediationParams = JsonObject;

/**
 * A remediation action: `remediations/actions/<id>.ts` exports one as `action`. Plans and restores are pure: they
 * read the resource's identity and document (the same document policies judge) and the params, never call AWS, and
 * return the calls to make, in order; [] when there is nothing to do. A plan that cannot be made safely (the
 * document lacks what the fix needs, params are invalid) throws a PlanError saying why.
 */
export interface RemediationAction {
  /** The id policies name in `remediation.action`; also the file name. */
  id: string;
  /** AWS Config resource types the action fixes. */
  resourceTypes: string[];
  /** What the plan does and does not do, AWS caveats included; notify-only actions say why no automatic fix is safe. */
  description: string;
  /** No automatic fix: plan and restore always return []. Policies may name it only in `notify` mode. */
  notifyOnly?: boolean;
  /**
   * The fix only takes effect once the REST API is redeployed; the plan ends with CreateDeployment for every stage.
   * The stages are runtime params: `stageNames` (see lib/remediation/apigateway.ts).
   */
  needsRedeploy?: boolean;
  /**
   * The JSON Schema (2020-12) of the params a policy may give (`remediation.params`): `guardrail validate` checks
   * them against it, and the policy meta-schema offers it to editors. Omitted: the action takes none.
   */
  params?: JsonSchema;
  /** Problems with params beyond their schema, as messages (empty when valid): checked with it. */
  checkParams?(params: RemediationParams): string[];
  /** The calls that make the resource comply, from its current document. */
  plan(resource: Resource, params: RemediationParams): AwsCall[];
  /**
   * The calls that put the recorded `before` state back (for `guardrail undo`), given the `after` document recorded
   * once the fix was verified: only what differs between the two is put back. `params` are the params the fix was
   * planned with (for the stage names of a redeploy).
   */
  restore(before: Resource, after: Resource, params?: RemediationParams): AwsCall[];
}

/** The schema of an action's params: its own, or, when it declares none, that it takes none. */
export function paramsSchemaOf(action: Pick<RemediationAction, "params">): JsonSchema {
  return action.params ?? { type: "object", additionalProperties: false };
}

/** A plan (or restore) that cannot be made safely; the message says why, naming the action. */
export class PlanError extends Error {
  constructor(
    readonly actionId: string,
    message: string,
  ) {
    super(`${actionId}: ${message}`);
    this.name = "PlanError";
  }
}

/**
 * A typed call builder for one service module, for actions whose service is not built in (an extension pack's):
 * `const ec2Call = callsTo<typeof import("../services/ec2")>("ec2"); ec2Call("RevokeSecurityGroupIngress", {...})`.
 */
export function callsTo<M extends { service: { name: string }; operations: object }>(name: M["service"]["name"]) {
  return <O extends keyof WriteInputs<M["operations"]> & string>(
    operation: O,
    input: WriteInputs<M["operations"]>[O],
  ): AwsCall => ({ service: name, operation, input: input as object });
}
