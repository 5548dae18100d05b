import type { ValidateFunction } from "ajv";
import { PRECOMPILED } from "./precompiled-table";

/**
 * Validators compiled ahead of time. A Lambda bundle carries the policies it was built with, so
 * scripts/bundle.mjs compiles each of their schemas at build time with the very ajv instance and options of
 * ./ajv.ts and embeds ajv's standalone code (./standalone.ts): the Lambda neither loads ajv's compiler nor compiles
 * a policy during a cold start. The CLI built in dist/ carries the built-in pack's, compiled by
 * scripts/precompile.mjs after tsc, so checking that pack compiles nothing at start. From source (the unit tests)
 * there are none and ./ajv.ts compiles at run time.
 *
 * "policy" validators come from createPolicyAjv (first error only, verbose), "meta" ones from createMetaAjv.
 */
export type ValidatorFlavour = "policy" | "meta";

/** The table key: the flavour and the schema's JSON text (the bundle parses the same JSON it compiled). */
export function precompiledKey(flavour: ValidatorFlavour, schema: object): string {
  return `${flavour}\n${JSON.stringify(schema)}`;
}

/** The precompiled validator of this schema, when the bundle or the build has one. */
export function precompiledValidator(flavour: ValidatorFlavour, schema: object): ValidateFunction | undefined {
  if (PRECOMPILED.size === 0) return undefined;
  return PRECOMPILED.get(precompiledKey(flavour, schema))?.();
}
