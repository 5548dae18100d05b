import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ValidateFunction } from "ajv";
import { runExamples } from "../../lib/engine/examples";
import { loadPolicies } from "../../lib/policy/load";
import { standaloneValidators } from "../../lib/policy/standalone";

/*
 * Policies are input too (test/fixtures/hostile/policies, README there): each hostile file is a named problem at
 * its file, line, column and pointer, none crashes the loader, and one bad file never hides another's problems.
 */

const DIR = join(__dirname, "..", "fixtures", "hostile", "policies");
const problemsOf = (name: string) =>
  loadPolicies([join(DIR, `${name}.json`)], DIR).problems.map((p) => `${p.line}:${p.column} ${p.pointer} ${p.message}`);

describe("hostile policies", () => {
  it("a schema nested 5,000 levels deep is refused, not a stack overflow", () => {
    expect(problemsOf("h-deep")).toEqual([
      expect.stringMatching(/^\d+:\d+ \/compliant(\/not){65} schemas nest deeper than 64 levels here$/),
    ]);
  });

  it("a $ref cycle is named", () => {
    expect(problemsOf("h-refcycle")).toEqual([
      expect.stringMatching(
        / \/compliant\/\$defs\/a \$ref cycle #\/\$defs\/a → #\/\$defs\/b → #\/\$defs\/a: it never reaches a value to check$/,
      ),
    ]);
  });

  it("built-in object names are not document properties", () => {
    expect(problemsOf("h-ctor")).toEqual([
      expect.stringContaining(
        '/compliant/properties/isPrototypeOf property "isPrototypeOf" is not in the AWS::SQS::Queue document',
      ),
      expect.stringContaining('/compliant/required/0 property "constructor" is not in the AWS::SQS::Queue document'),
    ]);
  });

  it("a type the document's property can never have is an error", () => {
    expect(problemsOf("h-typemismatch")).toEqual([
      expect.stringMatching(
        /^16:9 \/compliant\/properties\/VisibilityTimeout\/type string can never match: the AWS::SQS::Queue document has number here$/,
      ),
    ]);
  });

  it("an unknown top-level key is placed at the key", () => {
    expect(problemsOf("h-toplevel")).toEqual([expect.stringMatching(/^131:3 \/severty unknown property "severty"$/)]);
  });

  it("a duplicate key is an error, not the last one silently kept", () => {
    expect(problemsOf("h-dupkey")).toEqual(["8:3 /severity duplicate key: a key may appear once in an object"]);
  });

  it("bytes that are not UTF-8 are an error at the byte", () => {
    expect(problemsOf("h-badutf8")).toEqual(["1:92  not UTF-8: a policy file must be UTF-8 text"]);
  });

  it("lookaround and backreferences are refused at their pointers: no automaton evaluates them", () => {
    expect(problemsOf("h-lookahead")).toEqual([
      expect.stringMatching(
        /^16:5 \/compliant\/properties\/QueueName\/pattern pattern "\^\(\?!tmp-\)\[a-z-\]\+\$" cannot be evaluated in linear time \(invalid or unsupported Perl syntax: `\(\?!`\)/,
      ),
      expect.stringMatching(
        /^20:6 \/compliant\/properties\/tags\/patternProperties\/\^\(a\)\\1\$ pattern "\^\(a\)\\\\1\$" cannot be evaluated in linear time \(invalid escape sequence: `\\1`\)/,
      ),
    ]);
  });

  describe("a pattern that backtracks for minutes in V8 (^(a+)+$ against a…a!) is evaluated in linear time", () => {
    const { policies, problems } = loadPolicies([join(DIR, "h-redos.json")], DIR);
    const [policy] = policies;
    const hostileTag = (n: number) => ({ QueueUrl: "u", QueueName: "q", tags: { team: `${"a".repeat(n)}!` } });

    it("validates: the pattern is linear-time in RE2, so it is allowed", () => {
      expect(problems).toEqual([]);
      expect(policy).toBeDefined();
    });

    it("judges its examples (34 a's and a !) as written", () => {
      expect(runExamples(policies).map((o) => [o.expected, o.actual])).toEqual([
        ["COMPLIANT", "COMPLIANT"],
        ["NON_COMPLIANT", "NON_COMPLIANT"],
      ]);
    });

    // The bound is a hang detector, not a timing: V8's backtracking takes ~2 s at 26 a's and doubles with each one.
    it.each([
      ["run-time compiled", () => policy!.compliant],
      [
        "precompiled (the bundles' standalone code)",
        () => {
          const [v] = standaloneValidators([
            { flavour: "policy", schema: policy!.policy.compliant as object, name: "h" },
          ]);
          const module = { exports: {} as unknown };
          new Function("module", "exports", "require", v!.code)(module, module.exports, require);
          return module.exports as ValidateFunction;
        },
      ],
    ])("%s: 100,000 a's and a ! are judged at once", (_, validator) => {
      const validate = validator();
      const started = Date.now();
      expect(validate(hostileTag(34))).toBe(false);
      expect(validate(hostileTag(100_000))).toBe(false);
      expect(validate({ ...hostileTag(0), tags: { team: "a".repeat(100_000) } })).toBe(true);
      expect(Date.now() - started).toBeLessThan(5_000);
    });
  });

  describe("references", () => {
    const policyWith = (compliant: object) => {
      const dir = mkdtempSync(join(tmpdir(), "guardrail-ref-"));
      const base = JSON.parse(readFileSync(join(DIR, "h-redos.json"), "utf8")) as Record<string, unknown>;
      writeFileSync(join(dir, "h-redos.json"), JSON.stringify({ ...base, compliant }));
      return loadPolicies([join(dir, "h-redos.json")], dir).problems.map((p) => `${p.pointer} ${p.message}`);
    };

    it("a $ref fragment that is not percent-encoding is named, not a URIError", () => {
      expect(policyWith({ $ref: "#/%" })).toEqual([expect.stringMatching(/^\/compliant does not compile: /)]);
    });

    it("a chain of 20,000 $refs is followed without overflowing the stack", () => {
      const $defs: Record<string, object> = {};
      for (let i = 0; i < 20_000; i++) $defs[`d${i}`] = { $ref: `#/$defs/d${i + 1}` };
      $defs.d20000 = { $ref: "#/$defs/d0" };
      expect(policyWith({ $ref: "#/$defs/d0", $defs })).toEqual([
        expect.stringMatching(
          /^\/compliant\/\$defs\/d0 \$ref cycle #\/\$defs\/d0 → #\/\$defs\/d1 → #\/\$defs\/d2 → #\/\$defs\/d3 → … 19996 more → #\/\$defs\/d20000 → #\/\$defs\/d0: it never reaches a value to check$/,
        ),
      ]);
    });
  });

  it("every file's problems come out of one run", () => {
    const { problems, policies } = loadPolicies([DIR], DIR);
    expect(policies.map((p) => p.policy.id)).toEqual(["h-redos"]);
    expect(new Set(problems.map((p) => p.file)).size).toBe(8);
  });
});
