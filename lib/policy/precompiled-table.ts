import type { ValidateFunction } from "ajv";

/**
 * Empty from source. scripts/bundle.mjs replaces this module in each Lambda bundle with the table of validators it
 * compiled (key: precompiledKey; value: a function that loads the validator's standalone module on first use).
 */
export const PRECOMPILED = new Map<string, () => ValidateFunction>();
