import { closest } from "fastest-levenshtein";
import { createMetaAjv, type ValidateFunction } from "../policy/ajv";
import { metaMessage } from "../policy/load";
import { precompiledValidator } from "../policy/precompiled";
import { isCloudTrailPolicy, resourceTypesOf, type PolicyFile } from "../policy/types";
import { actionFor, remediationActions } from "../remediation/planning/registry";
import { paramsSchemaOf, type RemediationAction } from "../remediation/types";

/**
 * A policy's remediation, checked against the actions (built-in and extension packs'): the action exists, fixes the
 * policy's resource types, is not asked to fix automatically when it only notifies, and the params fit its schema
 * and its own checks. What `guardrail validate` reports instead of a request that would end in a DLQ.
 */
export function remediationProblems(policy: PolicyFile): { pointer: string; message: string }[] {
  const r = policy.remediation;
  if (!r) return [];
  const action = actionFor(r.action);
  if (!action) {
    const hint = closest(r.action, [...remediationActions().keys()]);
    return [
      { pointer: "/remediation/action", message: `unknown remediation action "${r.action}" (did you mean ${hint}?)` },
    ];
  }
  const problems: { pointer: string; message: string }[] = [];
  // A CloudTrail policy's fix acts on the resource the call names, whatever its type: nothing to compare.
  if (!action.notifyOnly && !isCloudTrailPolicy(policy)) {
    const others = resourceTypesOf(policy).filter((t) => !action.resourceTypes.includes(t));
    if (others.length > 0) {
      problems.push({
        pointer: "/remediation/action",
        message: `"${action.id}" fixes ${action.resourceTypes.join(", ")}, not ${others.join(", ")}`,
      });
    }
  }
  if (action.notifyOnly && r.mode !== "notify") {
    problems.push({ pointer: "/remediation/mode", message: `"${action.id}" makes no fix: the mode must be notify` });
  }
  const params = r.params ?? {};
  let validate: ValidateFunction;
  try {
    validate = paramsValidator(action);
  } catch (e) {
    const message = `"${action.id}"'s params schema does not compile: ${(e as Error).message}`;
    return [...problems, { pointer: "/remediation/action", message }];
  }
  if (!validate(params)) {
    for (const e of validate.errors ?? []) {
      problems.push({ pointer: `/remediation/params${e.instancePath}`, message: metaMessage(e) });
    }
  } else {
    for (const message of action.checkParams?.(params) ?? [])
      problems.push({ pointer: "/remediation/params", message });
  }
  return problems;
}

const validators = new WeakMap<RemediationAction, ValidateFunction>();
let ajv: ReturnType<typeof createMetaAjv> | undefined;

function paramsValidator(action: RemediationAction): ValidateFunction {
  let v = validators.get(action);
  if (!v) {
    const schema = paramsSchemaOf(action) as object;
    v = precompiledValidator("meta", schema) ?? (ajv ??= createMetaAjv()).compile(schema);
    validators.set(action, v);
  }
  return v;
}
