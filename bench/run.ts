import pc from "picocolors";
import { AUDIT_DEFAULTS, runAuditBench } from "./audit";
import { COST_DEFAULTS, runCostBench } from "./cost";
import { ENGINE_DEFAULTS, runEngineBench } from "./engine";
import { HANDLER_DEFAULTS, runHandlerBench } from "./handlers";
import { LOOP_DEFAULTS, runLoopBench } from "./loop";
import { PATTERN_DEFAULTS, runPatternBench } from "./patterns";
import { runScanBench, SCAN_DEFAULTS } from "./scan";
import { BenchAbort, fmtMs, machineInfo, misses, now } from "./util";

/**
 * `npm run bench`: the figures, each beside its baseline and target.
 *   node dist/bench/run.js [engine] [patterns] [scan] [handlers] [audit] [loop] [cost]     (all by default)
 * Exit code 0 whatever the figures (a measurement, not a test); 1 only when a benchmark could not be run
 * faithfully (the evaluators disagree, a scan fails), which is never a figure.
 */
async function main(): Promise<number> {
  const started = now();
  const args = process.argv.slice(2);
  const want = (name: string) => args.length === 0 || args.includes(name);
  console.log(pc.bold("Guardrail benchmarks"));
  for (const line of machineInfo()) console.log(`  ${line}`);
  try {
    if (want("engine")) await runEngineBench(ENGINE_DEFAULTS);
    if (want("patterns")) await runPatternBench(PATTERN_DEFAULTS);
    if (want("scan")) await runScanBench(SCAN_DEFAULTS);
    if (want("handlers")) await runHandlerBench(HANDLER_DEFAULTS);
    if (want("audit")) await runAuditBench(AUDIT_DEFAULTS);
    if (want("loop")) await runLoopBench(LOOP_DEFAULTS);
    if (want("cost")) await runCostBench(COST_DEFAULTS);
  } catch (e) {
    if (!(e instanceof BenchAbort)) throw e;
    console.error("");
    console.error(pc.bold(pc.red("BENCHMARK ABORTED")));
    console.error(pc.red(e.message));
    return 1;
  }
  console.log("");
  console.log(`total bench time ${fmtMs(now() - started)}`);
  if (misses.length === 0) {
    console.log(pc.green("all targets met"));
  } else {
    console.log(pc.bold(pc.red(`${misses.length} target(s) MISSED:`)));
    for (const m of misses) console.log(pc.red(`  MISS  ${m}`));
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  },
);
