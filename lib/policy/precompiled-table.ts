import type { ValidateFunction } from "ajv";

/**
 * Empty from source. scripts/bundle.mjs replaces this module in each Lambda bundle, and scripts/precompile.mjs its
 * compiled form in dist/, with the table of validators they compiled (key: precompiledKey; value: a function that
 * loads the validator's standalone module on first use).
 */
export const PRECOMPILED = new Map<string, () => ValidateFunction>();
