import { resourceFromConfigItem } from "../resources/adapter";
import { toConfigItem } from "../resources/config-item";
import { adapterFor } from "../resources/registry";
import { Engine, type Compliance } from "./evaluate";
import { exampleConfigItem } from "../policy/examples";
import type { CompiledPolicy } from "../policy/load";
import type { PolicyExample } from "../policy/types";

export interface ExampleOutcome {
  policyId: string;
  file: string;
  example: string;
  expected: Compliance;
  actual?: Compliance;
  annotation?: string;
  passed: boolean;
  /** Why it failed, in words. */
  reason?: string;
}

const EXPECTED: Record<"compliant" | "noncompliant" | "notApplicable", Compliance> = {
  compliant: "COMPLIANT",
  noncompliant: "NON_COMPLIANT",
  notApplicable: "NOT_APPLICABLE",
};

/**
 * Runs every example of every policy through the same path production uses (configuration item -> adapter ->
 * engine), so an example proves the policy, the adapter and the annotation together. A configuration-only example
 * runs as the whole item it stands for (lib/policy/examples.ts).
 */
export function runExamples(policies: readonly CompiledPolicy[]): ExampleOutcome[] {
  const engine = new Engine(policies);
  const out: ExampleOutcome[] = [];
  for (const p of policies) {
    for (const kind of ["compliant", "noncompliant", "notApplicable"] as const) {
      for (const ex of p.policy.examples[kind] ?? []) out.push(runOne(engine, p, ex, EXPECTED[kind]));
    }
  }
  return out;
}

function runOne(engine: Engine, p: CompiledPolicy, ex: PolicyExample, expected: Compliance): ExampleOutcome {
  const outcome = { policyId: p.policy.id, file: p.file, example: ex.name, expected };
  try {
    let evaluation;
    if (ex.cloudTrailEvent) {
      evaluation = engine.evaluateRecord(ex.cloudTrailEvent).find((e) => e.policyId === p.policy.id);
    } else {
      const item = toConfigItem(exampleConfigItem(p.policy, ex));
      const adapter = adapterFor(item.resourceType);
      if (!adapter) return { ...outcome, passed: false, reason: `no adapter for ${item.resourceType}` };
      if (!engine.policiesFor(item.resourceType).includes(p)) {
        return {
          ...outcome,
          passed: false,
          reason: `example is an ${item.resourceType}, which the policy does not judge`,
        };
      }
      evaluation = engine.evaluatePolicy(p, resourceFromConfigItem(adapter, item));
    }
    if (!evaluation) return { ...outcome, passed: false, reason: "the policy did not judge the example" };
    const actual = evaluation.compliance;
    const annotation = evaluation.annotation;
    if (actual !== expected) {
      return {
        ...outcome,
        actual,
        ...(annotation ? { annotation } : {}),
        passed: false,
        reason: `expected ${expected}, got ${actual}${annotation ? ` (${annotation})` : ""}`,
      };
    }
    if (ex.annotationIncludes && !(annotation ?? "").includes(ex.annotationIncludes)) {
      return {
        ...outcome,
        actual,
        ...(annotation ? { annotation } : {}),
        passed: false,
        reason: `annotation "${annotation ?? ""}" does not include "${ex.annotationIncludes}"`,
      };
    }
    return { ...outcome, actual, ...(annotation ? { annotation } : {}), passed: true };
  } catch (e) {
    return { ...outcome, passed: false, reason: `error: ${(e as Error).message}` };
  }
}
