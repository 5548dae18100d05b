import type {
  CreateDeploymentCommandInput,
  UpdateDomainNameCommandInput,
  UpdateRestApiCommandInput,
  UpdateStageCommandInput,
} from "@aws-sdk/client-api-gateway";
import type { UpdateContinuousBackupsCommandInput } from "@aws-sdk/client-dynamodb";
import type { UpdateFunctionConfigurationCommandInput } from "@aws-sdk/client-lambda";
import type {
  DeleteBucketEncryptionCommandInput,
  DeleteBucketPolicyCommandInput,
  DeletePublicAccessBlockCommandInput,
  PutBucketEncryptionCommandInput,
  PutBucketPolicyCommandInput,
  PutBucketVersioningCommandInput,
  PutPublicAccessBlockCommandInput,
} from "@aws-sdk/client-s3";
import type { SetTopicAttributesCommandInput } from "@aws-sdk/client-sns";
import type { SetQueueAttributesCommandInput } from "@aws-sdk/client-sqs";
import type { Resource } from "../resources/adapter";
import type { JsonObject } from "../util/json";

/** The AWS services remediation calls go to (SDK v3 client packages `@aws-sdk/client-<service>`, API Gateway v1). */
export type AwsService = "apigateway" | "sqs" | "sns" | "s3" | "dynamodb" | "lambda";

/**
 * One AWS API call a remediation plan asks for: the SDK command name without "Command" and exactly the input the
 * SDK command takes. Plain data, so that a dry run, an approval message and the remediation record show exactly
 * what is (or would be) sent.
 */
export interface AwsCall {
  service: AwsService;
  operation: string;
  input: object;
}

/**
 * Every operation an action may plan, with its SDK input type. `awsCall` checks inputs against these types at
 * compile time; the executor's command map (executor.ts) must cover the same set (a test holds them together).
 * Type-only imports: nothing of the SDK is loaded by the plans.
 */
export interface OperationInputs {
  apigateway: {
    UpdateDomainName: UpdateDomainNameCommandInput;
    UpdateRestApi: UpdateRestApiCommandInput;
    CreateDeployment: CreateDeploymentCommandInput;
    UpdateStage: UpdateStageCommandInput;
  };
  sqs: { SetQueueAttributes: SetQueueAttributesCommandInput };
  sns: { SetTopicAttributes: SetTopicAttributesCommandInput };
  s3: {
    PutPublicAccessBlock: PutPublicAccessBlockCommandInput;
    DeletePublicAccessBlock: DeletePublicAccessBlockCommandInput;
    PutBucketEncryption: PutBucketEncryptionCommandInput;
    DeleteBucketEncryption: DeleteBucketEncryptionCommandInput;
    PutBucketVersioning: PutBucketVersioningCommandInput;
    PutBucketPolicy: PutBucketPolicyCommandInput;
    DeleteBucketPolicy: DeleteBucketPolicyCommandInput;
  };
  dynamodb: { UpdateContinuousBackups: UpdateContinuousBackupsCommandInput };
  lambda: { UpdateFunctionConfiguration: UpdateFunctionConfigurationCommandInput };
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
  /** Problems with params, as messages (empty when valid). Lets `guardrail validate` and tests check policy params. */
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
