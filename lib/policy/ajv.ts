import Ajv2020 from "ajv/dist/2020";
import type { Options, ValidateFunction } from "ajv";

/**
 * One ajv instance for policy predicates, shared by every adapter (CLI, Config rule, detector, worker), so a
 * policy has exactly one compiled meaning.
 * - allErrors off: evaluation stops at the first failure; the annotation names that one property.
 * - verbose on: failing errors carry their sub-schema, whose `description` words the annotation. It costs
 *   nothing on the passing path.
 * - strict schema: unknown keywords are compile errors, not silently ignored (a `requird` typo would otherwise
 *   make a policy pass everything). `required` without `properties` and applicators without `type` are normal
 *   in policies, so those strict checks stay off.
 */
const strictness = { strict: true, strictRequired: false, strictTypes: false, allowUnionTypes: true } as const;

export function createPolicyAjv(extra: Pick<Options, "code"> = {}): Ajv2020 {
  return new Ajv2020({ ...strictness, allErrors: false, verbose: true, validateFormats: false, ...extra });
}

/** For validating policy files themselves: report every problem at once. */
export function createMetaAjv(extra: Pick<Options, "code"> = {}): Ajv2020 {
  return new Ajv2020({ ...strictness, allErrors: true, validateFormats: false, ...extra });
}

export type { ValidateFunction };
