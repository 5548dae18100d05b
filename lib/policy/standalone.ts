import standaloneCode from "ajv/dist/standalone";
import { ajvPolicyRegExp } from "../util/linear-regexp";
import { createMetaAjv, createPolicyAjv } from "./ajv";
import { precompiledKey, type ValidatorFlavour } from "./precompiled";

export interface StandaloneValidator {
  key: string;
  /** A CommonJS module whose export is the validate function; it requires ajv's small runtime helpers only. */
  code: string;
}

/**
 * ajv standalone code for each schema, compiled by the same factories and options the run-time path uses (./ajv.ts),
 * so a precompiled validator and a run-time compiled one are the same code. Used by scripts/bundle.mjs at build time.
 * A schema that does not compile throws, naming it: a bundle is never built around a broken policy.
 */
export function standaloneValidators(
  schemas: { flavour: ValidatorFlavour; schema: object; name: string }[],
  opts: { regExpModule?: string } = {},
) {
  // What the generated modules require for patterns: a path relative to them in dist/, the source module in a bundle.
  const code = { source: true, regExp: ajvPolicyRegExp(opts.regExpModule) };
  const ajvs = { policy: createPolicyAjv({ code }), meta: createMetaAjv({ code }) };
  const out = new Map<string, StandaloneValidator>();
  for (const { flavour, schema, name } of schemas) {
    const key = precompiledKey(flavour, schema);
    if (out.has(key)) continue;
    const ajv = ajvs[flavour];
    let validate;
    try {
      validate = ajv.compile(schema);
    } catch (e) {
      throw new Error(`${name}: does not compile: ${(e as Error).message}`);
    }
    out.set(key, { key, code: standaloneCode(ajv, validate) });
  }
  return [...out.values()];
}
