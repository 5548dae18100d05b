import { loadPolicies, formatProblem } from "../lib/policy/load";
import { Engine } from "../lib/engine/evaluate";
import { toConfigItem } from "../lib/resources/config-item";
import { adapterFor } from "../lib/resources/registry";
import { resourceFromConfigItem } from "../lib/resources/adapter";
const r = loadPolicies();
console.log(r.problems.map(formatProblem), r.policies.length);
const e = new Engine(r.policies);
for (const p of r.policies) for (const kind of ["compliant","noncompliant"] as const) for (const ex of p.policy.examples[kind]) {
  const ci = toConfigItem(ex.configurationItem);
  const res = resourceFromConfigItem(adapterFor(ci.resourceType)!, ci);
  console.log(kind, ex.name, e.evaluatePolicy(p, res));
}
