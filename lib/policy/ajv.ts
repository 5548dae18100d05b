import type Ajv2020 from "ajv/dist/2020";
import type { Options, ValidateFunction } from "ajv";
import { ajvPolicyRegExp } from "../util/linear-regexp";

/**
 * ajv is loaded when a schema is first compiled, not when this module is: a pack whose validators were all
 * precompiled at build time (scripts/precompile.mjs: the built-in pack, in the CLI and its audit workers) never
 * needs it, and loading it (~80 modules) took 60-70 ms of every worker's start.
 */
function ajvClass(): typeof Ajv2020 {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require("ajv/dist/2020") as typeof import("ajv/dist/2020")).default;
}

/**
 * One ajv instance for policy predicates, shared by every adapter (CLI, Config rule, detector, worker), so a
 * policy has exactly one compiled meaning.
 * - allErrors off: evaluation stops at the first failure; the annotation names that one property.
 * - verbose on: failing errors carry their sub-schema, whose `description` words the annotation. It costs
 *   nothing on the passing path.
 * - patterns run in linear time (../util/linear-regexp.ts: RE2, or V8 where its backtracking is provably linear): a
 *   resource's tag or name must not be able to make an evaluation slow.
 * - strict schema: unknown keywords are compile errors, not silently ignored (a `requird` typo would otherwise
 *   make a policy pass everything). `required` without `properties` and applicators without `type` are normal
 *   in policies, so those strict checks stay off.
 */
const strictness = { strict: true, strictRequired: false, strictTypes: false, allowUnionTypes: true } as const;

const withLinearPatterns = (extra: Pick<Options, "code">): Pick<Options, "code"> => ({
  code: { ...extra.code, regExp: extra.code?.regExp ?? ajvPolicyRegExp() },
});

export function createPolicyAjv(extra: Pick<Options, "code"> = {}): Ajv2020 {
  const Ajv = ajvClass();
  return new Ajv({
    ...strictness,
    allErrors: false,
    verbose: true,
    validateFormats: false,
    ...withLinearPatterns(extra),
  });
}

/** For validating policy files themselves: report every problem at once. */
export function createMetaAjv(extra: Pick<Options, "code"> = {}): Ajv2020 {
  const Ajv = ajvClass();
  return new Ajv({ ...strictness, allErrors: true, validateFormats: false, ...withLinearPatterns(extra) });
}

export type { ValidateFunction };
