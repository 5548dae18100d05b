/**
 * Regular expressions that run in time linear in their input, whatever the pattern. A policy's `pattern` meets
 * values anyone who can tag or name a resource chooses, and `^(a+)+$` against 34 `a`s and a `!` backtracks for
 * minutes in V8.
 *
 * Two engines, one meaning:
 *  - RE2's automata (RE2JS, its JavaScript port): linear for every pattern they accept. Loaded only when a pattern
 *    needs it: loading it costs a cold start ~35 ms of CPU (`npm run bench -- patterns`).
 *  - V8's own RegExp, for the patterns whose backtracking is provably linear (`backtrackingIsLinear`): no repeated
 *    group, at most one unbounded quantifier and then anchored at the start with no top-level alternation, and few
 *    bounded choices (alternatives, optional parts, counted repeats). Only syntax both engines read alike goes there (no `.`, `\s`, `\p`, named groups), so which engine runs
 *    a pattern never changes what it matches.
 *
 * The syntax is ECMA-262's, as JSON Schema prescribes, minus what no automaton can do (lookaround, backreferences),
 * which `linearPatternProblem` refuses. `\s` is ASCII whitespace and `.` is any character but `\n`, as in RE2.
 */
export interface LinearRegExp {
  test(input: string): boolean;
}

/** How many ways bounded quantifiers may split a match, at most: the constant in the linear bound. */
const MAX_BOUNDED_CHOICES = 64;

/**
 * Whether V8's backtracking runs `pattern` in time linear in the input (a conservative syntactic test: false means
 * "not proven", and RE2 runs it). Assumes `pattern` is a valid ECMA-262 pattern with the `u` flag.
 */
export function backtrackingIsLinear(pattern: string): boolean {
  let unbounded = 0;
  // Unbounded repeats that end at a literal they cannot match: harmless once anchored, quadratic if not, and run once
  // only while no undelimited repeat comes before them (whose every backtracking step would run them again).
  let runs = 0;
  let choices = 1;
  let topLevelAlternation = false;
  // Open groups: how many alternatives each has so far, and whether a quantifier is inside.
  const groups: { alternatives: number; quantified: boolean }[] = [];
  let closed: { alternatives: number; quantified: boolean } | undefined;
  let previous: "atom" | "group" | "quantifier" | "none" = "none";
  let atomStart = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c !== "*" && c !== "+" && c !== "?" && c !== "{") atomStart = i;
    if (c === "\\") {
      const next = pattern[i + 1] ?? "";
      // Classes and escapes the engines read differently, and backreferences.
      if ("sSpPk".includes(next) || /[1-9]/.test(next)) return false;
      i += next === "u" && pattern[i + 2] === "{" ? pattern.indexOf("}", i) - i : 1;
      previous = "atom";
    } else if (c === "[") {
      for (i++; i < pattern.length && pattern[i] !== "]"; i++) {
        if (pattern[i] === "\\") {
          if ("sSpP".includes(pattern[i + 1] ?? "")) return false;
          i++;
        }
      }
      previous = "atom";
    } else if (c === "(") {
      if (pattern[i + 1] === "?") {
        if (pattern[i + 2] !== ":") return false; // lookaround, named groups
        i += 2;
      }
      groups.push({ alternatives: 1, quantified: false });
      previous = "none";
    } else if (c === ")") {
      closed = groups.pop();
      // Each alternative is one more way to match here.
      choices *= closed?.alternatives ?? 1;
      previous = "group";
    } else if (c === "|") {
      const open = groups[groups.length - 1];
      if (open) open.alternatives++;
      else topLevelAlternation = true;
      previous = "none";
    } else if (c === "*" || c === "+" || c === "?" || c === "{") {
      if (previous === "quantifier" && c === "?") continue; // lazy modifier
      for (const g of groups) g.quantified = true;
      if (previous === "group") {
        // A group may be optional, if nothing inside it repeats: one more way (skipping it). Nothing else on groups.
        if (c !== "?" || closed?.quantified) return false;
        choices *= 2;
      } else if (c === "*" || c === "+") {
        if (delimited(pattern, atomStart, i, i + 1) && unbounded === 0) runs++;
        else unbounded++;
      } else if (c === "?") choices *= 2;
      else {
        const close = pattern.indexOf("}", i);
        const [min = "", max] = pattern.slice(i + 1, close).split(",");
        if (max === "") {
          if (delimited(pattern, atomStart, i, close + 1) && unbounded === 0) runs++;
          else unbounded++;
        } else choices *= max === undefined ? 1 : Number(max) - Number(min) + 1;
        i = close;
      }
      previous = "quantifier";
    } else if (c === ".") {
      return false;
    } else {
      previous = "atom";
    }
    if (unbounded > 1 || choices > MAX_BOUNDED_CHOICES) return false;
  }
  return unbounded + runs === 0 || (pattern.startsWith("^") && !topLevelAlternation);
}

const SPECIAL = "\\[](){}|*+?.^$";
const QUANTIFIERS = "*+?{";

/**
 * Whether the repeated atom `pattern[atomStart, atomEnd)`, whose quantifier ends before `after`, is followed by a
 * required literal character the atom cannot match (`[A-Za-z0-9]+::`): backtracking into it then fails at once at
 * every step, so in an anchored pattern it runs once and does not multiply the work of what follows.
 */
function delimited(pattern: string, atomStart: number, atomEnd: number, after: number): boolean {
  let next = after;
  if (pattern[next] === "?") next++; // lazy
  let literal = pattern[next];
  let width = 1;
  if (literal === "\\") {
    literal = pattern[next + 1];
    width = 2;
    if (literal === undefined || /[A-Za-z0-9]/.test(literal)) return false; // \d, \w, \b, \u…: not one literal
  } else if (literal === undefined || SPECIAL.includes(literal)) return false;
  if (QUANTIFIERS.includes(pattern[next + width] ?? "")) return false; // optional or repeated: not required
  return !new RegExp(`^(?:${pattern.slice(atomStart, atomEnd)})$`, "u").test(literal);
}

let re2: typeof import("re2js").RE2JS | undefined;

/** RE2, for any pattern it accepts; throws RE2JS's syntax error for the rest. */
export function linearRegExp(pattern: string): LinearRegExp {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  re2 ??= (require("re2js") as typeof import("re2js")).RE2JS;
  return re2.compile(re2.translateRegExp(pattern));
}

/** The engine policies' patterns run on: V8 where its backtracking is provably linear, RE2 elsewhere. */
export function policyRegExp(pattern: string): LinearRegExp {
  return backtrackingIsLinear(pattern) ? new RegExp(pattern, "u") : linearRegExp(pattern);
}

/**
 * ajv's `code.regExp` engine: ajv calls it with (pattern, flags) at compile time, and the standalone code compiled
 * at build time calls `policyRegExp` from the module `specifier` names (a path the generated module can require).
 */
export function ajvPolicyRegExp(specifier: string = __filename) {
  return Object.assign((pattern: string) => policyRegExp(pattern), {
    code: `require(${JSON.stringify(specifier)}).policyRegExp`,
  });
}

/** Why `pattern` cannot be a policy pattern, or undefined: it must be ECMA-262 (with `u`) and linear-time. */
export function linearPatternProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern, "u");
  } catch (e) {
    return `not an ECMA-262 regular expression: ${(e as Error).message}`;
  }
  if (backtrackingIsLinear(pattern)) return undefined; // V8 runs it: no need to load RE2 to check it
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

/**
 * Whether `text` matches an IAM-style wildcard pattern (`*` any run of characters, `?` any one), in O(pattern ×
 * text) time whatever the pattern: a RegExp made of it (`a*a*a*…b`) is polynomial in V8, and a resource policy's
 * text is whatever its owner wrote. The greedy two-pointer match with one remembered star.
 */
export function wildcardMatches(pattern: string, text: string, opts: { ignoreCase?: boolean } = {}): boolean {
  const p = opts.ignoreCase ? pattern.toLowerCase() : pattern;
  const t = opts.ignoreCase ? text.toLowerCase() : text;
  let i = 0;
  let j = 0;
  let star = -1;
  let resume = 0;
  while (j < t.length) {
    if (i < p.length && (p[i] === "?" || p[i] === t[j])) {
      i++;
      j++;
    } else if (i < p.length && p[i] === "*") {
      star = i++;
      resume = j;
    } else if (star >= 0) {
      i = star + 1;
      j = ++resume;
    } else return false;
  }
  while (p[i] === "*") i++;
  return i === p.length;
}
