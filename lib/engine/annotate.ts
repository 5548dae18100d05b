import type { ErrorObject } from "ajv";
import { isObject, unescapePointerToken } from "../util/json";

/** AWS Config rejects annotations over 256 characters (PutEvaluations); every output keeps that limit. */
export const MAX_ANNOTATION = 256;

export function truncateAnnotation(text: string): string {
  if (text.length <= MAX_ANNOTATION) return text;
  const suffix = " [truncated]";
  return text.slice(0, MAX_ANNOTATION - suffix.length) + suffix;
}

// JSON pointer to words: "/methodSettings/*~1*/loggingLevel" becomes methodSettings["*/*"].loggingLevel.
export function propertyPath(instancePath: string, extra?: string): string {
  const tokens = instancePath === "" ? [] : instancePath.slice(1).split("/").map(unescapePointerToken);
  if (extra !== undefined) tokens.push(extra);
  let out = "";
  for (const t of tokens) {
    if (/^\d+$/.test(t)) out += `[${t}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(t) && !t.includes("-")) out += out === "" ? t : `.${t}`;
    else out += `[${JSON.stringify(t)}]`;
  }
  return out === "" ? "the document" : out;
}

function show(value: unknown): string {
  if (value === undefined) return "absent";
  const s = JSON.stringify(value);
  return s.length > 60 ? s.slice(0, 57) + "..." : s;
}

function describe(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "required":
      return `${propertyPath(e.instancePath, String(p.missingProperty))} is missing`;
    case "const":
      return `${propertyPath(e.instancePath)} must be ${show(p.allowedValue)} (is ${show(e.data)})`;
    case "enum":
      return `${propertyPath(e.instancePath)} must be one of ${(p.allowedValues as unknown[]).map(show).join(", ")} (is ${show(e.data)})`;
    case "pattern":
      return `${propertyPath(e.instancePath)} must match ${String(p.pattern)} (is ${show(e.data)})`;
    case "type":
      return `${propertyPath(e.instancePath)} must be ${String(p.type)} (is ${show(e.data)})`;
    case "contains":
      return `${propertyPath(e.instancePath)} has no entry that satisfies the policy`;
    case "not":
      return `${propertyPath(e.instancePath)} must not match the forbidden shape (is ${show(e.data)})`;
    case "false schema":
      return `${propertyPath(e.instancePath)} is not allowed`;
    default:
      return `${propertyPath(e.instancePath)} ${e.message ?? "does not satisfy the policy"}`;
  }
}

/**
 * Words the first failure of a policy's `compliant` schema: the policy author's `description` of the failing
 * sub-schema when there is one (it knows the intent), else a sentence built from the keyword; either way the
 * failing property is named. `anyOf`/`oneOf` failures first report their branches' errors; the combining error
 * that follows carries the author's wording, so it wins when described. An `if`/`then` failure reports only the
 * `then` branch's error (ajv with allErrors off emits no combining error), so describe inside `then`.
 */
export function annotate(errors: readonly ErrorObject[] | null | undefined): string {
  if (!errors || errors.length === 0) return "does not satisfy the policy";
  let described: ErrorObject | undefined;
  for (let i = errors.length - 1; i >= 0 && !described; i--) {
    const e = errors[i] as ErrorObject;
    if (isObject(e.parentSchema) && typeof e.parentSchema.description === "string") described = e;
  }
  const first = errors[0] as ErrorObject;
  if (described) {
    const desc = (described.parentSchema as { description: string }).description;
    const where = propertyPath(described.instancePath);
    if (where === "the document") return truncateAnnotation(desc);
    const found = described.keyword === "required" ? "" : ` (is ${show(described.data)})`;
    return truncateAnnotation(`${where}: ${desc}${found}`);
  }
  return truncateAnnotation(describe(first));
}
