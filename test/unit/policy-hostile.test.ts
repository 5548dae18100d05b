import { join } from "node:path";
import { loadPolicies } from "../../lib/policy/load";

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

  it("every file's problems come out of one run", () => {
    const { problems, policies } = loadPolicies([DIR], DIR);
    expect(policies).toEqual([]);
    expect(new Set(problems.map((p) => p.file)).size).toBe(7);
  });
});
