import type { PatchOperation } from "@aws-sdk/client-api-gateway";
import type { Resource } from "../resources/adapter";
import { isObject, type JsonSchema } from "../util/json";
import { str } from "./document";
import { awsCall, PlanError, type AwsCall, type RemediationParams } from "./types";

/**
 * API Gateway pieces shared by the actions. Patch paths and values: API Gateway API Reference, PatchOperation
 * (JSON-pointer paths, "~1" for "/"); every patch value is a string, booleans included.
 */

/** A security policy that meets the *-tls-1-2 policies: TLS_1_2 or an enhanced TLS 1.2 / 1.3 policy. */
export function isTls12OrBetter(policy: unknown): boolean {
  return typeof policy === "string" && (policy === "TLS_1_2" || /^SecurityPolicy_TLS1[23]_/.test(policy));
}

export function isEnhancedPolicy(policy: string): boolean {
  return policy.startsWith("SecurityPolicy_");
}

/** The patch operations a policy's params give, validated: [] when there are none. */
/**
 * The params schema of the actions that take API Gateway patch operations (`{ "patchOperations": [...] }`): only
 * `replace`, on the paths given; values are strings, as in every API Gateway patch ("true" too).
 */
export function patchOperationsParams(paths?: readonly string[]): JsonSchema {
  return {
    type: "object",
    additionalProperties: false,
    properties: {
      patchOperations: {
        type: "array",
        items: {
          type: "object",
          additionalProperties: false,
          required: ["op", "path"],
          properties: {
            op: { const: "replace" },
            path: paths ? { enum: [...paths] } : { type: "string" },
            value: { type: "string" },
          },
        },
      },
    },
  };
}

export function patchOperationsOf(params: RemediationParams): { ops: PatchOperation[]; problems: string[] } {
  const raw = params.patchOperations;
  if (raw === undefined) return { ops: [], problems: [] };
  if (!Array.isArray(raw)) return { ops: [], problems: ["patchOperations must be a list"] };
  const ops: PatchOperation[] = [];
  const problems: string[] = [];
  raw.forEach((op: unknown, i) => {
    if (!isObject(op) || typeof op.op !== "string" || typeof op.path !== "string") {
      problems.push(`patchOperations[${i}] needs op and path strings`);
    } else if (op.value !== undefined && typeof op.value !== "string") {
      problems.push(`patchOperations[${i}].value must be a string (API Gateway patch values are strings, "true" too)`);
    } else {
      ops.push({
        op: op.op as PatchOperation["op"],
        path: op.path,
        ...(op.value !== undefined ? { value: op.value } : {}),
      });
    }
  });
  return { ops, problems };
}

export interface SecurityPolicyTarget {
  securityPolicy: string;
  /** Set when the target is an enhanced policy, which requires one. */
  endpointAccessMode?: string;
}

/**
 * The target of the domain and REST API security-policy actions, from params.patchOperations: a `replace` of
 * `/securityPolicy` (default TLS_1_2) and, for an enhanced policy, of `/endpointAccessMode` (default BASIC: AWS's
 * migration path is an enhanced policy with BASIC first, STRICT once the access logs show no client depends on
 * the looser matching: API Gateway Developer Guide, "Security policies for REST APIs in API Gateway"). Other paths
 * are refused: these actions change the TLS policy and nothing else.
 */
export function securityPolicyTarget(params: RemediationParams): { target: SecurityPolicyTarget; problems: string[] } {
  const { ops, problems } = patchOperationsOf(params);
  let securityPolicy = "TLS_1_2";
  let endpointAccessMode: string | undefined;
  for (const op of ops) {
    if (op.op !== "replace") problems.push(`only "replace" operations are allowed, not "${op.op}" on ${op.path}`);
    else if (op.path === "/securityPolicy" && op.value) securityPolicy = op.value;
    else if (op.path === "/endpointAccessMode" && op.value) endpointAccessMode = op.value;
    else problems.push(`path ${op.path} is not one this action sets (/securityPolicy, /endpointAccessMode)`);
  }
  if (!isTls12OrBetter(securityPolicy)) {
    problems.push(`securityPolicy ${securityPolicy} is not TLS_1_2 or an enhanced TLS 1.2/1.3 policy`);
  }
  if (endpointAccessMode !== undefined && !["BASIC", "STRICT"].includes(endpointAccessMode)) {
    problems.push(`endpointAccessMode must be BASIC or STRICT, not ${endpointAccessMode}`);
  }
  const target: SecurityPolicyTarget = { securityPolicy };
  if (isEnhancedPolicy(securityPolicy)) target.endpointAccessMode = endpointAccessMode ?? "BASIC";
  return { target, problems };
}

/** The patch operations that move a document's security policy to the target. */
export function securityPolicyPatch(target: SecurityPolicyTarget): PatchOperation[] {
  const ops: PatchOperation[] = [{ op: "replace", path: "/securityPolicy", value: target.securityPolicy }];
  if (target.endpointAccessMode)
    ops.push({ op: "replace", path: "/endpointAccessMode", value: target.endpointAccessMode });
  return ops;
}

/**
 * The patch operations that put a recorded security policy back. An absent securityPolicy is API Gateway's legacy
 * default, TLS_1_0. An endpoint access mode that `before` did not have is left in place: the API model has no
 * documented way to clear it (UNCONFIRMED), and with a legacy policy it has no effect.
 */
export function securityPolicyRestorePatch(before: Resource, after: Resource): PatchOperation[] {
  const ops: PatchOperation[] = [];
  const was = str(before.document.securityPolicy) ?? "TLS_1_0";
  const is = str(after.document.securityPolicy) ?? "TLS_1_0";
  if (was !== is) ops.push({ op: "replace", path: "/securityPolicy", value: was });
  const modeWas = str(before.document.endpointAccessMode);
  if (modeWas !== undefined && modeWas !== str(after.document.endpointAccessMode)) {
    ops.push({ op: "replace", path: "/endpointAccessMode", value: modeWas });
  }
  return ops;
}

/**
 * Stage names to redeploy. The RestApi document does not list its stages (Config records them as separate
 * AWS::ApiGateway::Stage items, related by "Contains Stage"), so they are a runtime param: the worker reads them
 * live (GetStages) just before planning and passes `stageNames`; a document that carries `stageNames` (a future
 * describe source) is used when the param is absent. An empty list is valid (an API with no stages serves
 * nothing); no list at all is a PlanError, because the fix would not take effect until someone redeploys.
 */
export function stageNamesFor(actionId: string, resource: Resource, params: RemediationParams | undefined): string[] {
  const fromParams = params?.stageNames;
  const fromDoc = resource.document.stageNames;
  const list = fromParams !== undefined ? fromParams : fromDoc;
  if (!Array.isArray(list) || !list.every((s) => typeof s === "string" && s !== "")) {
    throw new PlanError(
      actionId,
      `the change takes effect only after a redeploy: pass the REST API's stage names as params.stageNames (GetStages for ${resource.id})`,
    );
  }
  return [...new Set(list as string[])];
}

/**
 * One CreateDeployment per stage: a new deployment of the API's current definition, pointed at by that stage.
 * Note that this also publishes any change to the API's resources and methods that was made but not yet deployed;
 * that is why the actions that redeploy run in approve mode.
 */
export function redeployCalls(actionId: string, restApiId: string, stageNames: string[]): AwsCall[] {
  return stageNames.map((stageName) =>
    awsCall("apigateway", "CreateDeployment", {
      restApiId,
      stageName,
      description: `guardrail ${actionId}: redeploy so the REST API setting takes effect`,
    }),
  );
}

export function restApiIdOf(actionId: string, resource: Resource): string {
  const id = str(resource.document.id) ?? (resource.id !== "" ? resource.id : undefined);
  if (id === undefined) throw new PlanError(actionId, "the RestApi document has no id");
  return id;
}

/**
 * A methodSettings key as a patch path segment pair: `<resource path, "/" as "~1">/<HTTP method>`. Keys come both
 * ways: escaped with the leading slash (`~1orders/POST`, the API's patch convention and what moto records) and,
 * in recorded Config items, as the resource path without its leading slash (`mytestresource/GET`, RECORDED in
 * test/fixtures/aws-recorded/config-select-resource-config-apigateway-stage.json). Both become `~1orders/POST`.
 */
export function methodSettingPathKey(key: string): string {
  if (key === "*/*") return key;
  const slash = key.lastIndexOf("/");
  if (slash < 0) return key;
  const resourcePath = key.slice(0, slash);
  if (resourcePath.includes("~1") || resourcePath === "*") return key;
  const full = resourcePath.startsWith("/") ? resourcePath : `/${resourcePath}`;
  return `${full.replace(/~/g, "~0").replace(/\//g, "~1")}${key.slice(slash)}`;
}
