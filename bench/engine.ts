import { basename } from "node:path";
import { fleetResourceItems } from "../fleet/generate";
import { Engine, type Evaluation } from "../lib/engine/evaluate";
import {
  defaultPolicyDir,
  findPolicyFiles,
  formatProblem,
  loadPolicies,
  type CompiledPolicy,
} from "../lib/policy/load";
import { resourceFromConfigItem, type Resource } from "../lib/resources/adapter";
import { toConfigItem } from "../lib/resources/config-item";
import { adapterFor } from "../lib/resources/registry";
import { HandWritten, HAND_RULES, type HandResult } from "./predicates";
import { createRulesEngine, runRules, ruleVerdicts, RULE_SPECS, type RuleVerdict } from "./rules-engine";
import {
  BenchAbort,
  check,
  fmtInt,
  fmtMs,
  fmtRate,
  median,
  now,
  printTable,
  timeAsync,
  timeSync,
  type Row,
} from "./util";

export const BENCH_POLICIES = [
  "apigateway-stage-xray-tracing",
  "apigateway-stage-execution-logging",
  "apigateway-stage-cache-encrypted",
  "sqs-queue-encrypted",
  "sqs-queue-tls-only",
  "s3-bucket-public-access-block",
  "s3-bucket-versioning",
  "lambda-function-xray-tracing",
  "lambda-function-supported-runtime",
  "dynamodb-table-pitr",
] as const;

export interface EngineBenchOptions {
  resources: number;
  /** Documents json-rules-engine is timed on (the first ones of the same set). */
  rulesEngineSubset: number;
  runs: number;
  seed: number;
  violationRate: number;
}

export const ENGINE_DEFAULTS: EngineBenchOptions = {
  resources: 100_000,
  rulesEngineSubset: 5_000,
  runs: 5,
  seed: 20_260_101,
  violationRate: 0.15,
};

/** Targets and the reference figures ("measured earlier on this kind of machine"). */
const TARGET_VS_HAND = 0.6;
const TARGET_VS_RULES_ENGINE = 40;
const REF_AJV_VS_HAND = 0.7;
const REF_RULES_ENGINE_VS_HAND = 0.016;

function loadBenchPolicies(): CompiledPolicy[] {
  const wanted = new Set<string>(BENCH_POLICIES);
  const files = findPolicyFiles([defaultPolicyDir()]).filter((f) => wanted.has(basename(f, ".json")));
  const { policies, problems } = loadPolicies(files);
  if (problems.length > 0) {
    throw new BenchAbort(`benchmark policies do not load:\n  ${problems.map(formatProblem).join("\n  ")}`);
  }
  const missing = BENCH_POLICIES.filter((id) => !policies.some((p) => p.policy.id === id));
  if (missing.length > 0 || policies.length !== BENCH_POLICIES.length) {
    throw new BenchAbort(`benchmark policies not found in the pack: ${missing.join(", ")}`);
  }
  return policies;
}

function buildResources(opts: EngineBenchOptions): Resource[] {
  // 12 items per service plus one trail per account-region: enough services for `resources` items.
  const services = Math.ceil(opts.resources / 12);
  const { items } = fleetResourceItems({ services, seed: opts.seed, violationRate: opts.violationRate });
  if (items.length < opts.resources) throw new BenchAbort(`fleet has ${items.length} items, wanted ${opts.resources}`);
  const out: Resource[] = [];
  for (const raw of items.slice(0, opts.resources)) {
    const item = toConfigItem(raw);
    const adapter = adapterFor(item.resourceType);
    if (!adapter) throw new BenchAbort(`no adapter for ${item.resourceType}`);
    out.push(resourceFromConfigItem(adapter, item));
  }
  return out;
}

const key = (policyId: string, i: number) => `${policyId} #${i}`;

function verdict3(c: Evaluation["compliance"]): RuleVerdict {
  return c === "NON_COMPLIANT" || c === "EXEMPT" ? "FAIL" : c;
}

interface Verification {
  pairs: number;
  subsetPairs: number;
  annotationMismatches: string[];
  counts: Map<string, Record<Evaluation["compliance"], number>>;
}

/**
 * Every (policy, resource) pair: Guardrail and the hand-written checker must agree on the compliance (all four
 * outcomes, exemptions included); on the subset, json-rules-engine must agree on pass / fail / not applicable.
 * Annotations are compared too, but only reported: the words may be polished without changing the work.
 */
async function verify(
  engine: Engine,
  hand: HandWritten,
  rules: ReturnType<typeof createRulesEngine>,
  resources: readonly Resource[],
  subset: number,
): Promise<Verification> {
  const problems: string[] = [];
  const annotationMismatches: string[] = [];
  const counts = new Map<string, Record<Evaluation["compliance"], number>>();
  for (const id of BENCH_POLICIES) counts.set(id, { COMPLIANT: 0, NON_COMPLIANT: 0, EXEMPT: 0, NOT_APPLICABLE: 0 });
  let pairs = 0;
  let subsetPairs = 0;
  for (let i = 0; i < resources.length; i++) {
    const r = resources[i] as Resource;
    const g = engine.evaluate(r);
    const h = new Map<string, HandResult>(hand.evaluate(r).map((x) => [x.policyId, x]));
    pairs += g.length;
    if (h.size !== g.length)
      problems.push(`${r.type} #${i}: Guardrail judged ${g.length} policies, hand-written ${h.size}`);
    for (const e of g) {
      (counts.get(e.policyId) as Record<Evaluation["compliance"], number>)[e.compliance]++;
      const x = h.get(e.policyId);
      if (!x) problems.push(`${key(e.policyId, i)}: no hand-written verdict`);
      else if (x.compliance !== e.compliance) {
        problems.push(`${key(e.policyId, i)} (${r.id}): Guardrail ${e.compliance}, hand-written ${x.compliance}`);
      } else if (x.annotation !== e.annotation && annotationMismatches.length < 5) {
        annotationMismatches.push(
          `${key(e.policyId, i)}:\n      Guardrail:    ${e.annotation ?? ""}\n      hand-written: ${x.annotation ?? ""}`,
        );
      }
    }
    if (i < subset) {
      subsetPairs += g.length;
      const b = ruleVerdicts(await runRules(rules, r));
      if (b.size !== g.length)
        problems.push(`${r.type} #${i}: Guardrail judged ${g.length}, json-rules-engine ${b.size}`);
      for (const e of g) {
        const v = b.get(e.policyId);
        if (v !== verdict3(e.compliance)) {
          problems.push(`${key(e.policyId, i)} (${r.id}): Guardrail ${e.compliance}, json-rules-engine ${v ?? "none"}`);
        }
      }
    }
    if (problems.length >= 20) break;
  }
  if (problems.length > 0) {
    throw new BenchAbort(
      `the three evaluators disagree, so the benchmark would compare different work:\n  ${problems.join("\n  ")}`,
    );
  }
  for (const [id, c] of counts) {
    if (c.COMPLIANT === 0 || c.NON_COMPLIANT + c.EXEMPT === 0) {
      throw new BenchAbort(`${id}: no passing or no failing document in the set; the comparison would be one-sided`);
    }
  }
  return { pairs, subsetPairs, annotationMismatches, counts };
}

export async function runEngineBench(opts: EngineBenchOptions = ENGINE_DEFAULTS): Promise<void> {
  console.log("");
  console.log(`== 1. Engine evaluations per second (${BENCH_POLICIES.length} policies) ==`);
  const policies = loadBenchPolicies();
  const engine = new Engine(policies);
  const hand = new HandWritten(HAND_RULES);
  const rules = createRulesEngine();
  if (RULE_SPECS.length !== BENCH_POLICIES.length || HAND_RULES.length !== BENCH_POLICIES.length) {
    throw new BenchAbort("the hand-written and json-rules-engine rule sets must cover the same ten policies");
  }

  let t0 = now();
  const resources = buildResources(opts);
  const types = new Map<string, number>();
  for (const r of resources) types.set(r.type, (types.get(r.type) ?? 0) + 1);
  if (resources.some((r) => r.deleted))
    throw new BenchAbort("deleted resources in the set; json-rules-engine rules do not model them");
  console.log(
    `built ${fmtInt(resources.length)} resource documents in ${fmtMs(now() - t0)} ` +
      `(fleet seed ${opts.seed}, violation rate ${opts.violationRate}): ` +
      [...types].map(([t, n]) => `${t.replace(/^AWS::/, "")} ${fmtInt(n)}`).join(", "),
  );

  t0 = now();
  const subset = Math.min(opts.rulesEngineSubset, resources.length);
  const v = await verify(engine, hand, rules, resources, subset);
  console.log(
    `verified in ${fmtMs(now() - t0)}: Guardrail and hand-written agree on all ${fmtInt(v.pairs)} (policy, resource) ` +
      `pairs (4 outcomes, exemptions included); json-rules-engine agrees on all ${fmtInt(v.subsetPairs)} pairs of the ` +
      `first ${fmtInt(subset)} documents (pass / fail / not applicable)`,
  );
  console.log("verdicts (Guardrail, all pairs): policy  compliant / non-compliant / exempt / not applicable");
  for (const [id, c] of v.counts) {
    console.log(
      `  ${id.padEnd(36)} ${[c.COMPLIANT, c.NON_COMPLIANT, c.EXEMPT, c.NOT_APPLICABLE].map(fmtInt).join(" / ")}`,
    );
  }
  if (v.annotationMismatches.length === 0) {
    console.log("annotations: the hand-written checker builds the same text as Guardrail for every failure");
  } else {
    console.log("note: annotations differ (verdicts agree, so timing goes ahead); first ones:");
    for (const m of v.annotationMismatches) console.log(`    ${m}`);
  }

  // Sinks so that no evaluator's work can be optimised away.
  let sink = 0;
  const passG = () => {
    let n = 0;
    for (let i = 0; i < resources.length; i++) {
      const out = engine.evaluate(resources[i] as Resource);
      n += out.length;
      if (out.length > 0 && (out[0] as Evaluation).annotation !== undefined) sink++;
    }
    sink += n;
  };
  const passHand = () => {
    let n = 0;
    for (let i = 0; i < resources.length; i++) {
      const out = hand.evaluate(resources[i] as Resource);
      n += out.length;
      if (out.length > 0 && (out[0] as HandResult).annotation !== undefined) sink++;
    }
    sink += n;
  };
  // Like for like with the "plain ajv ≈70% of hand-written": the hand-written checks alone (a failing
  // check still returns its annotation text), no result objects, no exemption lookup.
  const handRulesByType = new Map<string, typeof HAND_RULES>();
  for (const r of HAND_RULES) handRulesByType.set(r.type, [...(handRulesByType.get(r.type) ?? []), r]);
  const passHandBare = () => {
    let n = 0;
    for (let i = 0; i < resources.length; i++) {
      const r = resources[i] as Resource;
      const rs = handRulesByType.get(r.type);
      if (!rs) continue;
      for (const rule of rs)
        if ((!rule.applies || rule.applies(r.document)) && rule.check(r.document) === undefined) n++;
    }
    sink += n;
  };
  // Plain ajv, for reference: the compiled validators alone (applies + compliant), no results, no annotations.
  const validatorsByType = new Map<string, CompiledPolicy[]>();
  for (const p of policies) {
    for (const t of "resourceTypes" in p.policy.subject ? p.policy.subject.resourceTypes : []) {
      validatorsByType.set(t, [...(validatorsByType.get(t) ?? []), p]);
    }
  }
  const passAjv = () => {
    let n = 0;
    for (let i = 0; i < resources.length; i++) {
      const r = resources[i] as Resource;
      const ps = validatorsByType.get(r.type);
      if (!ps) continue;
      for (const p of ps) if ((!p.applies || p.applies(r.document)) && p.compliant(r.document)) n++;
    }
    sink += n;
  };

  // Interleaved rounds, so that a slow patch of the machine does not land on one contender only.
  t0 = now();
  const tG: number[] = [];
  const tH: number[] = [];
  const tA: number[] = [];
  const tH0: number[] = [];
  for (let w = 0; w < 2; w++) {
    passG();
    passHand();
    passAjv();
    passHandBare();
  }
  for (let i = 0; i < opts.runs; i++) {
    tG.push(...timeSync(passG, 1, 0));
    tH.push(...timeSync(passHand, 1, 0));
    tA.push(...timeSync(passAjv, 1, 0));
    tH0.push(...timeSync(passHandBare, 1, 0));
  }
  const sub = resources.slice(0, subset);
  const passRules = async () => {
    for (const r of sub) {
      const res = await runRules(rules, r);
      sink += res.results.length;
    }
  };
  const tB = await timeAsync(passRules, opts.runs, 1);
  console.log(`timed in ${fmtMs(now() - t0)} (2 warm-up passes, then median of ${opts.runs} interleaved runs)`);

  const rate = (pairs: number, times: number[]) => pairs / (median(times) / 1000);
  const g = rate(v.pairs, tG);
  const h = rate(v.pairs, tH);
  const a = rate(v.pairs, tA);
  const b = rate(v.subsetPairs, tB);
  const h0 = rate(v.pairs, tH0);
  const spread = (t: number[]) => `runs ${t.map((x) => fmtMs(x)).join(", ")}`;
  const rows: Row[] = [
    { figure: "(G) Guardrail Engine.evaluate", value: fmtRate(g), baseline: spread(tG), status: "INFO" },
    { figure: "(a) hand-written predicates", value: fmtRate(h), baseline: spread(tH), status: "INFO" },
    {
      figure: `(b) json-rules-engine (${fmtInt(subset)} docs)`,
      value: fmtRate(b),
      baseline: spread(tB),
      status: "INFO",
    },
    { figure: "hand-written, verdicts only (ref.)", value: fmtRate(h0), baseline: spread(tH0), status: "INFO" },
    { figure: "plain ajv validators only (ref.)", value: fmtRate(a), baseline: spread(tA), status: "INFO" },
    {
      figure: "plain ajv / hand-written verdicts",
      value: `${((100 * a) / h0).toFixed(1)}%`,
      baseline: `≈${REF_AJV_VS_HAND * 100}% (issue)`,
      status: "INFO",
    },
    {
      figure: "G / (a)",
      value: `${((100 * g) / h).toFixed(1)}%`,
      baseline: `plain ajv ≈${REF_AJV_VS_HAND * 100}% of hand-written (issue)`,
      target: `≥ ${TARGET_VS_HAND * 100}%`,
      status: check(g / h >= TARGET_VS_HAND),
    },
    {
      figure: "G / (b)",
      value: `${(g / b).toFixed(1)}×`,
      baseline: `json-rules-engine ≈${REF_RULES_ENGINE_VS_HAND * 100}% of hand-written (issue)`,
      target: `≥ ${TARGET_VS_RULES_ENGINE}×`,
      status: check(g / b >= TARGET_VS_RULES_ENGINE),
    },
    {
      figure: "(b) / (a)",
      value: `${((100 * b) / h).toFixed(2)}%`,
      baseline: `≈${REF_RULES_ENGINE_VS_HAND * 100}% (issue)`,
      status: "INFO",
    },
  ];
  printTable(
    "Engine",
    `${fmtInt(v.pairs)} (policy, resource) evaluations per pass over ${fmtInt(resources.length)} documents`,
    rows,
  );
  console.log(
    `reference (issue): measured earlier on this kind of machine: plain ajv ≈${REF_AJV_VS_HAND * 100}% of ` +
      `hand-written, json-rules-engine ≈${REF_RULES_ENGINE_VS_HAND * 100}%`,
  );
  if (sink === -1) console.log(""); // keeps `sink` observable
}
