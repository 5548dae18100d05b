import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { ValidateFunction } from "ajv";
import { runExamples } from "../../lib/engine/examples";
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

describe("the CLI's precompiled validators (scripts/precompile.mjs, run by npm run build)", () => {
  const ROOT = join(__dirname, "..", "..");
  const table = join(ROOT, "dist", "lib", "policy", "precompiled-table.js");

  beforeAll(() => {
    // As test/integration/audit-cli.test.ts does: build dist/ when a test run starts without it.
    if (!existsSync(join(ROOT, "dist", "lib", "policy", "standalone.js"))) {
      execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: ROOT, stdio: "inherit" });
    }
    if (!existsSync(join(ROOT, "dist", "lib", "policy", "validators"))) {
      execFileSync(process.execPath, [join(ROOT, "scripts", "precompile.mjs")], { cwd: ROOT, stdio: "inherit" });
    }
  }, 120_000);

  it("holds every schema of the built-in pack and the meta-schemas, and judges every example as run-time code does", () => {
    const { PRECOMPILED } = createRequire(__filename)(table) as { PRECOMPILED: Map<string, () => ValidateFunction> };
    const { policies } = loadPolicies();
    const metaSchema = JSON.parse(readFileSync(join(ROOT, "policies", "policy.schema.json"), "utf8")) as object;
    expect(PRECOMPILED.has(precompiledKey("meta", metaSchema))).toBe(true);
    const get = (schema: unknown) => PRECOMPILED.get(precompiledKey("policy", schema as object))?.();
    const missing = policies.flatMap(
      (p) =>
      (["applies", "compliant"] as const).filter((k) => p.policy[k] !== undefined && !get(p.policy[k])).map((k) => `${p.file} /${k}`), // prettier-ignore
    );
    expect(missing).toEqual([]);
    const precompiled: CompiledPolicy[] = policies.map((p) => ({
      ...p,
      ...(p.policy.applies ? { applies: get(p.policy.applies) as ValidateFunction } : {}),
      compliant: get(p.policy.compliant) as ValidateFunction,
    }));
    expect(runExamples(precompiled)).toEqual(runExamples(policies));
  });

  it("is what the built CLI checks the built-in pack with: no schema compiled at start", () => {
    const script = `
      const ajv = require(${JSON.stringify(join(ROOT, "dist", "lib", "policy", "ajv.js"))});
      let compiled = 0;
      for (const make of ["createPolicyAjv", "createMetaAjv"]) {
        const original = ajv[make];
        ajv[make] = (...a) => { const i = original(...a); const c = i.compile.bind(i); i.compile = (s) => (compiled++, c(s)); return i; };
      }
      const { loadPack } = require(${JSON.stringify(join(ROOT, "dist", "lib", "pack", "index.js"))});
      const p = loadPack({});
      process.stdout.write(JSON.stringify({ compiled, problems: p.problems.length, policies: p.policies.length }));`;
    const out = JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" })) as Record<string, number>; // prettier-ignore
    expect(out).toEqual({ compiled: 0, problems: 0, policies: loadPolicies().policies.length });
  });
});
