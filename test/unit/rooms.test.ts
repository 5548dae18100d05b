import { spawnSync } from "node:child_process";
import { join } from "node:path";

/*
 * The rooms point one way (docs/ARCHITECTURE.md): eslint.config.mjs's boundary rule, run on files that would add an
 * arrow back up, reports them; the same imports in the other direction pass.
 */

const ROOT = join(__dirname, "..", "..");

// eslint in a child process, as `npm run lint` runs it (its config is an ES module, which jest's sandbox cannot load).
async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const r = spawnSync(
    process.execPath,
    [join(ROOT, "node_modules", "eslint", "bin", "eslint.js"), "--stdin", "--stdin-filename", file, "--format", "json"],
    { cwd: ROOT, input: code, encoding: "utf8" },
  );
  const [result] = JSON.parse(r.stdout) as { messages: { ruleId: string | null; message: string }[] }[];
  return (result?.messages ?? []).filter((m) => m.ruleId === "boundaries/dependencies").map((m) => m.message);
}

describe("the rooms' boundary rule", () => {
  it.each([
    [
      "lib/resources/zz.ts",
      'import type { Engine } from "../engine/evaluate";\nexport type E = Engine;\n',
      "resources",
      "engine",
    ],
    [
      "lib/aws/zz.ts",
      'import { adapterFor } from "../resources/registry";\nexport const a = adapterFor;\n',
      "aws",
      "resources",
    ],
    ["lib/engine/zz.ts", 'import { loadPack } from "../pack";\nexport const l = loadPack;\n', "engine", "pack"],
    [
      "lib/policy/zz.ts",
      'import { runExamples } from "../engine/examples";\nexport const r = runExamples;\n',
      "policy",
      "engine",
    ],
    [
      "lib/remediation/zz.ts",
      'import { handler } from "../../remediations/worker";\nexport const h = handler;\n',
      "remediation",
      "handlers",
    ],
    [
      "remediations/actions/zz.ts",
      'import { actionFor } from "../../lib/remediation/planning/registry";\nexport const a = actionFor;\n',
      "actions",
      "planning",
    ],
    [
      "lib/remediation/zz.ts",
      'import { approveRemediation } from "./worker/approve";\nexport const a = approveRemediation;\n',
      "remediation",
      "remediation-worker",
    ],
  ])("fails %s importing a room above it", async (file, code, from, to) => {
    expect(await boundaryErrors(file, code)).toEqual([
      expect.stringContaining(`from elements of type "${from}" to elements of type "${to}"`),
    ]);
  });

  it("passes imports of the rooms below", async () => {
    const code =
      'import { Engine } from "../engine/evaluate";\nimport { adapterFor } from "../resources/registry";\n' +
      'import { clientFor } from "../aws/clients";\nexport const all = [Engine, adapterFor, clientFor];\n';
    expect(await boundaryErrors("lib/detect/zz.ts", code)).toEqual([]);
  });
});
