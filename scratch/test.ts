// Temporary runner until the CLI lands: npx tsx scratch/test.ts
import { loadPolicies, formatProblem } from "../lib/policy/load";
import { runExamples } from "../lib/policy/examples";
const r = loadPolicies();
for (const p of r.problems) console.log(formatProblem(p));
const out = runExamples(r.policies);
for (const o of out) if (!o.passed) console.log(`FAIL ${o.file} ${o.policyId} "${o.example}": ${o.reason}`);
console.log(`${out.filter((o) => o.passed).length} passed, ${out.filter((o) => !o.passed).length} failed`);
