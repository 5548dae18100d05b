import { spawnSync } from "node:child_process";
import Ajv2020 from "ajv/dist/2020";
import { fleetResourceItems } from "../fleet/generate";
import { Engine } from "../lib/engine/evaluate";
import { createPolicyAjv } from "../lib/policy/ajv";
import { loadPolicies, type CompiledPolicy } from "../lib/policy/load";
import { resourceFromConfigItem, type Resource } from "../lib/resources/adapter";
import { toConfigItem } from "../lib/resources/config-item";
import { adapterFor } from "../lib/resources/registry";
import { BenchAbort, check, fmtInt, fmtMs, median, now, printTable, timeSync, type Row } from "./util";

/**
 * Policy patterns run on RE2's linear-time engine (lib/util/linear-regexp.ts). Measured here:
 *  - growth: `^(a+)+$` against n `a`s and a `!`, the classic catastrophic pattern, at n = 1, 4 and 16 million: time
 *    grows with n (about 4× a step), where V8's backtracking engine doubles with every single `a`;
 *  - cost: the whole built-in pack over fleet documents, compiled with the policy engine and with V8's alone, in
 *    alternating rounds; the ratio is what the guarantee costs on ordinary input;
 *  - loading RE2 in a fresh process (CPU time of `require("re2js")` and one compile), which is why V8 runs the
 *    patterns it provably runs in linear time and RE2 is loaded only for the others.
 */
export interface PatternBenchOptions {
  resources: number;
  runs: number;
  seed: number;
}

export const PATTERN_DEFAULTS: PatternBenchOptions = { resources: 100_000, runs: 9, seed: 20_260_101 };

const CATASTROPHIC = { type: "string", pattern: "^(a+)+$" };
/** Each step of n multiplies the input by 4: linear growth is ~4×; twice that leaves room for noise, not for n². */
const TARGET_GROWTH = 8;
const TARGET_COST = 1.15;

const STRICTNESS = { strict: true, strictRequired: false, strictTypes: false, allowUnionTypes: true } as const;

function growthRows(): Row[] {
  const linear = createPolicyAjv().compile(CATASTROPHIC);
  const sizes = [1_000_000, 4_000_000, 16_000_000];
  const times = sizes.map((n) => {
    const input = `${"a".repeat(n)}!`;
    return median(timeSync(() => void linear(input), 9));
  });
  const v8 = new Ajv2020({ ...STRICTNESS, allErrors: false, verbose: true, validateFormats: false }).compile(
    CATASTROPHIC,
  );
  const v8Sizes = [18, 20, 22];
  const v8Times = v8Sizes.map((n) => median(timeSync(() => void v8(`${"a".repeat(n)}!`), 5)));
  // The largest step only: the smallest input's time is too short for the timer to tell growth from noise.
  const growth = (times[2] as number) / (times[1] as number);
  return [
    ...sizes.map((n, i) => ({
      figure: `linear: ^(a+)+$ on ${fmtInt(n)} a's + !`,
      value: fmtMs(times[i] as number),
      status: "INFO" as const,
    })),
    {
      figure: "linear: 16,000,000 / 4,000,000 time",
      value: `${growth.toFixed(1)}×`,
      baseline: "≈4× if linear",
      target: `≤ ${TARGET_GROWTH}×`,
      status: check(growth <= TARGET_GROWTH),
    },
    ...v8Sizes.map((n, i) => ({
      figure: `V8 backtracking: on ${n} a's + ! (baseline)`,
      value: fmtMs(v8Times[i] as number),
      baseline: "×4 per 2 a's",
      status: "INFO" as const,
    })),
  ];
}

function buildResources(opts: PatternBenchOptions): Resource[] {
  const { items } = fleetResourceItems({
    services: Math.ceil(opts.resources / 12),
    seed: opts.seed,
    violationRate: 0.15,
  });
  return items.slice(0, opts.resources).map((raw) => {
    const item = toConfigItem(raw);
    const adapter = adapterFor(item.resourceType);
    if (!adapter) throw new BenchAbort(`no adapter for ${item.resourceType}`);
    return resourceFromConfigItem(adapter, item);
  });
}

function costRows(opts: PatternBenchOptions): Row[] {
  const { policies, problems } = loadPolicies();
  if (problems.length > 0) throw new BenchAbort(`the built-in pack has problems: ${problems[0]?.message}`);
  const v8 = new Ajv2020({ ...STRICTNESS, allErrors: false, verbose: true, validateFormats: false });
  const v8Policies: CompiledPolicy[] = policies.map((p) => ({
    ...p,
    ...(p.policy.applies ? { applies: v8.compile(p.policy.applies as object) } : {}),
    compliant: v8.compile(p.policy.compliant as object),
  }));
  const resources = buildResources(opts);
  const engines = { linear: new Engine(policies), v8: new Engine(v8Policies) };
  let sink = 0;
  const pass = (engine: Engine) => () => {
    for (const r of resources) sink += engine.evaluate(r).length;
  };
  const linear: number[] = [];
  const backtracking: number[] = [];
  pass(engines.linear)();
  pass(engines.v8)();
  for (let i = 0; i < opts.runs; i++) {
    // Alternating rounds, so that a slow patch of the machine does not land on one engine only.
    const order = i % 2 === 0 ? ([linear, backtracking] as const) : ([backtracking, linear] as const);
    for (const times of order) {
      const engine = times === linear ? engines.linear : engines.v8;
      times.push(...timeSync(pass(engine), 1, 0));
    }
  }
  if (sink === 0) throw new BenchAbort("no evaluation ran");
  const ratio = median(linear) / median(backtracking);
  return [
    {
      figure: `built-in pack (${policies.length}) × ${fmtInt(resources.length)} docs: policy engine`,
      value: fmtMs(median(linear)),
      status: "INFO",
    },
    { figure: "same, V8 backtracking patterns (baseline)", value: fmtMs(median(backtracking)), status: "INFO" },
    {
      figure: "policy engine / V8 alone, ordinary documents",
      value: `${ratio.toFixed(3)}×`,
      target: `≤ ${TARGET_COST}×`,
      status: check(ratio <= TARGET_COST),
    },
  ];
}

/** CPU ms of loading RE2JS and compiling one pattern in a fresh process, and of the same process loading nothing. */
function loadRows(runs: number): Row[] {
  const script = (load: boolean) =>
    `const c=process.cpuUsage();${load ? 'const {RE2JS}=require("re2js");RE2JS.compile("^a+$").test("aa");' : ""}` +
    "const u=process.cpuUsage(c);console.log((u.user+u.system)/1000)";
  const cpu = (load: boolean) => {
    const r = spawnSync(process.execPath, ["-e", script(load)], { encoding: "utf8" });
    if (r.status !== 0) throw new BenchAbort(`node -e failed: ${r.stderr}`);
    return Number(r.stdout.trim());
  };
  const loaded: number[] = [];
  const empty: number[] = [];
  for (let i = 0; i < runs; i++) {
    loaded.push(cpu(true));
    empty.push(cpu(false));
  }
  return [
    {
      figure: "loading RE2JS + one compile, fresh process",
      value: `${(median(loaded) - median(empty)).toFixed(1)} ms CPU`,
      baseline: "what a cold start would pay",
      status: "INFO",
    },
  ];
}

export async function runPatternBench(opts: PatternBenchOptions = PATTERN_DEFAULTS): Promise<void> {
  console.log("");
  console.log("== Policy patterns: linear time on hostile values, and what it costs on ordinary ones ==");
  const t0 = now();
  const rows = [...growthRows(), ...costRows(opts), ...loadRows(opts.runs)];
  console.log(`measured in ${fmtMs(now() - t0)} (${opts.runs} alternating rounds)`);
  printTable("patterns", "RE2 (linear) against V8 (backtracking) pattern engines", rows);
}
