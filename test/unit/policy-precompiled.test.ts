import type { ValidateFunction } from "ajv";
import { runExamples } from "../../lib/policy/examples";
import { loadPolicies, type CompiledPolicy } from "../../lib/policy/load";
import { precompiledKey } from "../../lib/policy/precompiled";
import { standaloneValidators } from "../../lib/policy/standalone";

/** Loads one standalone module the way the bundle does: a CommonJS module whose export is the validator. */
function loadStandalone(code: string): ValidateFunction {
  const module = { exports: {} as unknown };
  new Function("module", "exports", "require", code)(module, module.exports, require);
  return module.exports as ValidateFunction;
}

describe("precompiled validators (the Lambda bundles' ajv standalone code)", () => {
  const { policies, problems } = loadPolicies();
  const schemas = policies.flatMap((p) =>
    (["applies", "compliant"] as const)
      .filter((key) => p.policy[key] !== undefined)
      .map((key) => ({ flavour: "policy" as const, schema: p.policy[key] as object, name: `${p.file} /${key}` })),
  );
  const byKey = new Map(standaloneValidators(schemas).map((v) => [v.key, loadStandalone(v.code)]));

  it("compiles every policy of the pack", () => {
    expect(problems).toEqual([]);
    expect(byKey.size).toBeGreaterThan(0);
    for (const s of schemas) expect(byKey.has(precompiledKey("policy", s.schema))).toBe(true);
  });

  it("gives the same verdicts and annotations as run-time compilation on every policy example", () => {
    const precompiled: CompiledPolicy[] = policies.map((p) => ({
      ...p,
      ...(p.policy.applies ? { applies: byKey.get(precompiledKey("policy", p.policy.applies as object)) } : {}),
      compliant: byKey.get(precompiledKey("policy", p.policy.compliant as object)) as ValidateFunction,
    }));
    const runtime = runExamples(policies);
    expect(runtime.length).toBeGreaterThan(60);
    expect(runExamples(precompiled)).toEqual(runtime);
    // The comparison means something only if the examples fail in words: some annotations must be there.
    expect(runtime.filter((o) => o.annotation).length).toBeGreaterThan(20);
  });

  it("names the schema that does not compile", () => {
    expect(() =>
      standaloneValidators([{ flavour: "policy", schema: { requird: ["x"] }, name: "policies/x.json /compliant" }]),
    ).toThrow(/policies\/x\.json \/compliant: does not compile: .*requird/);
  });
});
