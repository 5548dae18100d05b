import { RE2JS } from "re2js";

/**
 * Regular expressions that run in time linear in their input, whatever the pattern: RE2's automata (RE2JS, its
 * JavaScript port), not V8's backtracking engine. A policy's `pattern` meets values anyone who can tag or name a
 * resource chooses, and `^(a+)+$` against 34 `a`s and a `!` backtracks for minutes in V8.
 *
 * The syntax is ECMA-262's as JSON Schema prescribes (translated for RE2: `\uXXXX`, `\u{…}`, named groups), minus
 * what no automaton can do, lookaround and backreferences: those are refused by `linearPatternProblem`. Two classes
 * mean what RE2 says: `\s` is ASCII whitespace and `.` is any character but `\n`.
 */
export interface LinearRegExp {
  test(input: string): boolean;
}

export function linearRegExp(pattern: string): LinearRegExp {
  return RE2JS.compile(RE2JS.translateRegExp(pattern));
}

/**
 * ajv's `code.regExp` engine: ajv calls it with (pattern, flags) at compile time, and standalone code (the validators
 * compiled at build time) calls the expression in `code`, which must build the same thing as `linearRegExp`.
 */
export const ajvLinearRegExp = Object.assign((pattern: string) => linearRegExp(pattern), {
  code: '((pattern) => { const { RE2JS } = require("re2js"); return RE2JS.compile(RE2JS.translateRegExp(pattern)); })',
});

/** Why `pattern` cannot be a policy pattern, or undefined: it must be ECMA-262 (with `u`) and linear-time. */
export function linearPatternProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern, "u");
  } catch (e) {
    return `not an ECMA-262 regular expression: ${(e as Error).message}`;
  }
  try {
    linearRegExp(pattern);
  } catch (e) {
    const detail = (e as Error).message.replace(/^error parsing regexp: /, "");
    return (
      `cannot be evaluated in linear time (${detail}): lookaround and backreferences are refused, so that no ` +
      "value can make a policy's evaluation slow"
    );
  }
  return undefined;
}
