import fc from "fast-check";
import { loadPolicies } from "../../lib/policy/load";
import { backtrackingIsLinear, linearRegExp, policyRegExp, wildcardMatches } from "../../lib/util/linear-regexp";

/*
 * Which patterns V8 may run (its backtracking provably linear) and which go to RE2; and that the choice never
 * changes a verdict: on patterns V8 runs, V8 and RE2 agree on every input.
 */

describe("backtrackingIsLinear", () => {
  it.each([
    // the built-in pack's patterns: V8
    ["^([sS][nN][sS]:(\\*|[pP]ublish)|\\*)$", true],
    ["(-dlq|-DLQ|-deadletter|-dead-letter)(\\.fifo)?$", true],
    ["^arn:aws[a-z-]*:sqs:", true],
    ["^SecurityPolicy_TLS1[23]_", true],
    ["^https://", true],
    ["^[A-Za-z0-9]+$", true],
    ["^\\d{4}-\\d{2}-\\d{2}$", true],
    ["^(a|ab)c*d", true], // two alternatives, one star: at most 2 × n tries
    ["(ab)?c", true],
    ["^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$", true], // the first run ends at ":", which it cannot match
    ["^[a-z0-9-]+\\.amazonaws\\.com$", true],
    // catastrophic or polynomial in V8: RE2
    ["^(a+)+$", false],
    ["(a|a)*", false],
    ["^(a|aa){2,}$", false],
    ["^a*a*b", false],
    ["a*b", false], // unanchored: every start position rescans the run of a's
    ["^a*|b*c", false],
    ["^a*b|c", false],
    ["^a{1,100}a{1,100}b", false], // 10,000 ways to split a run of a's
    ["^x*(a?){10}", false],
    ["^(a|b){3}x*", false],
    ["^((a)?)?b*", false],
    ["^a*?b*?c", false],
    ["^[a-z]+:?[a-z]+$", false], // an optional delimiter delimits nothing
    ["^[a-z:]+:[a-z]+$", false], // the run can match its delimiter
    ["[a-z]+:[a-z]+", false], // unanchored: every start position rescans
    ["c|a*b", false],
    ["^a+a+-(a|b)", false], // the second run is delimited, but the first backtracks into it: quadratic
    ["^[a-z]+:a*b", true], // a delimited run before one repeat: each runs once
    // syntax the engines read differently, or RE2 alone runs: RE2
    ["^.*x", false],
    ["^\\s*x", false],
    ["^\\p{L}+$", false],
    ["^(?<n>x)$", false],
    ["[\\s]", false],
  ])("%s → %s", (pattern, linear) => {
    expect(backtrackingIsLinear(pattern)).toBe(linear);
  });
});

/** Patterns from pieces that include every shape the test above names. */
const PIECES = [
  "a", "b", "ab", "[ab]", "[^a]", "\\d", "\\w", "\\.", "\\*", "-", "(a|b)", "(?:ab|a)", "a*", "a+", "b*", "a?",
  "a{2}", "a{1,3}", "a{2,}", "(a)*", "(a+)+", "(a|aa)+", "\\b", "$", "|", "[a-z]+", "[a-z0-9-]*", ":", "\\.",
]; // prettier-ignore

const patternArb = fc
  .tuple(fc.boolean(), fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 6 }))
  .map(([anchored, pieces]) => `${anchored ? "^" : ""}${pieces.join("")}`)
  .filter((p) => {
    try {
      new RegExp(p, "u");
      linearRegExp(p);
      return true;
    } catch {
      return false;
    }
  });

describe("the choice of engine", () => {
  const RUNS = 400;
  it(`never changes a verdict: where V8 runs a pattern, RE2 gives the same answer (${RUNS} patterns × 20 inputs)`, () => {
    let v8Patterns = 0;
    fc.assert(
      fc.property(
        patternArb,
        fc.array(fc.stringMatching(/^[abz:.*\-0-9 ]{0,12}$/), { minLength: 20, maxLength: 20 }),
        (p, inputs) => {
          if (!backtrackingIsLinear(p)) return;
          v8Patterns++;
          const v8 = new RegExp(p, "u");
          const re2 = linearRegExp(p);
          for (const s of inputs) expect([p, s, v8.test(s)]).toEqual([p, s, re2.test(s)]);
        },
      ),
      { numRuns: RUNS },
    );
    expect(v8Patterns).toBeGreaterThan(RUNS / 10);
  });

  it(`is linear on hostile input whichever engine runs the pattern (${RUNS} patterns)`, () => {
    // A hang detector: V8 on a quantified group takes minutes here; every pattern must answer at once.
    const hostile = [`${"a".repeat(20_000)}!`, `${"ab".repeat(10_000)}!`, "a".repeat(20_000)];
    fc.assert(
      fc.property(patternArb, (p) => {
        const re = policyRegExp(p);
        const started = Date.now();
        for (const s of hostile) re.test(s);
        expect(Date.now() - started).toBeLessThan(2_000);
      }),
      { numRuns: RUNS },
    );
  });
});

describe("the built-in pack", () => {
  it("has only patterns V8 runs in linear time, so no handler loads RE2 (~35 ms of a cold start) for it", () => {
    const { policies } = loadPolicies();
    const patterns = new Set<string>();
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) return v.forEach(walk);
      if (!v || typeof v !== "object") return;
      for (const [k, x] of Object.entries(v)) {
        if (k === "pattern" && typeof x === "string") patterns.add(x);
        if (k === "patternProperties" && x && typeof x === "object") for (const p of Object.keys(x)) patterns.add(p);
        walk(x);
      }
    };
    for (const p of policies) walk([p.policy.applies, p.policy.compliant]);
    expect(patterns.size).toBeGreaterThan(5);
    expect([...patterns].filter((p) => !backtrackingIsLinear(p))).toEqual([]);
  });
});

describe("wildcardMatches", () => {
  const asRegExp = (p: string, flags = "") =>
    new RegExp(
      `^${p
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, "[^]*")
        .replace(/\?/g, "[^]")}$`,
      flags,
    );
  const RUNS = 500;

  it(`matches as IAM's wildcards do (a RegExp of the same pattern as the oracle; ${RUNS} runs)`, () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[ab*?:]{0,8}$/), fc.stringMatching(/^[abAB:]{0,10}$/), (p, t) => {
        expect(wildcardMatches(p, t)).toBe(asRegExp(p).test(t));
        expect(wildcardMatches(p, t, { ignoreCase: true })).toBe(asRegExp(p, "i").test(t));
      }),
      { numRuns: RUNS },
    );
  });

  it("answers at once where a RegExp of the pattern backtracks polynomially", () => {
    const pattern = `${"a*".repeat(30)}b`;
    const started = Date.now();
    expect(wildcardMatches(pattern, "a".repeat(5_000))).toBe(false);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
