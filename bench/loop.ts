// First: the SDK constructs clients below, and its Node 20 notice must not land in the table (see the module).
import "../cli/aws-warnings";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { join } from "node:path";
import { loadPack } from "../cli/pack";
import { LocalAccount } from "../lib/local/account";
import { principalCatalogue } from "../lib/local/account/principals";
import { VirtualClock } from "../lib/local/clock";
import { LocalLoop } from "../lib/local/loop";
import { sendCall, type PreparedCall, type ScenarioCall } from "../lib/local/scenario";
import type { Resource } from "../lib/resources/adapter";
import { resourceFromConfigItem } from "../lib/resources/adapter";
import type { ConfigItem } from "../lib/resources/config-item";
import { adapterFor } from "../lib/resources/registry";
import { BenchAbort, check, fmtInt, fmtMiB, fmtMs, fmtRate, now, printTable, type Row } from "./util";

/**
 * Issue 4, "Performance": the local detect-and-remediate loop end to end over N team changes (each a real SDK
 * call to the local account that breaks a policy Guardrail fixes automatically), its p50/p99 change-to-verified-fix
 * latency, beside evaluation alone (the engine judging the same changed documents, no transport, no handler).
 * Target: the loop reaches ≥ 20% of evaluation-only throughput; memory flat (RSS printed at the start, middle and
 * end; flat = the end within 25% of the RSS after the first tenth of the changes).
 *
 * Everything the deployed pipeline does per change runs: the CloudTrail record, the EventBridge rules, the events
 * handler's describe and judgement, SNS→SQS, the worker's guard, idempotency, fix, verification and record, the
 * Config change notification to every rule in scope, PutEvaluations, the compliance change and its (duplicate)
 * request. Time only moves on the virtual clock; the fix rate limit is lifted so no change waits for the next
 * minute (GUARDRAIL_FIXES_PER_MINUTE). Handler logs at WARN, as a production account would run a long sweep.
 */

export interface LoopBenchOptions {
  changes: number;
  services: number;
  seed: number;
}

export const LOOP_DEFAULTS: LoopBenchOptions = { changes: 10_000, services: 24, seed: 1 };

const TARGET_SHARE = 0.2;
const FLAT_GROWTH = 1.25;
const FLUSH_TRAIL_EVERY = 100;

interface Breaker {
  prepared: PreparedCall;
  policyId: string;
}

/** The changes: queue encryption off, stage X-Ray tracing off, on every resource that complies after the sweep. */
function breakers(account: LocalAccount, loop: LocalLoop): Breaker[] {
  const compliant = new Set(
    loop.config
      .evaluationsOf()
      .filter((e) => e.complianceType === "COMPLIANT")
      .map((e) => `${e.policyId}\n${e.resourceId}`),
  );
  const out: Breaker[] = [];
  const add = (item: ConfigItem, policyId: string, call: ScenarioCall, input: Record<string, unknown>) => {
    if (!compliant.has(`${policyId}\n${item.resourceId}`)) return;
    out.push({
      policyId,
      prepared: {
        call,
        item,
        principal: principalCatalogue(item.accountId)["ci-deploy"],
        region: item.region,
        input,
      },
    });
  };
  for (const q of account.configItems({ resourceType: "AWS::SQS::Queue" })) {
    const call: ScenarioCall = { principal: "ci-deploy", service: "SQS", operation: "SetQueueAttributes", input: {} };
    add(q, "sqs-queue-encrypted", call, {
      QueueUrl: q.resourceId,
      Attributes: { SqsManagedSseEnabled: "false", KmsMasterKeyId: "" },
    });
  }
  for (const s of account.configItems({ resourceType: "AWS::ApiGateway::Stage" })) {
    const m = /\/restapis\/([^/]+)\/stages\/([^/]+)$/.exec(s.resourceId);
    if (!m) continue;
    const call: ScenarioCall = { principal: "ci-deploy", service: "API Gateway", operation: "UpdateStage", input: {} };
    add(s, "apigateway-stage-xray-tracing", call, {
      restApiId: m[1],
      stageName: m[2],
      patchOperations: [{ op: "replace", path: "/tracingEnabled", value: "false" }],
    });
  }
  return out;
}

/**
 * The collector, to measure live memory rather than garbage not collected yet: `--expose-gc` turned on at run
 * time (npm run bench starts node without flags) and `gc` taken from a fresh context, where V8 then defines it.
 */
const collect = (() => {
  try {
    setFlagsFromString("--expose_gc");
    return runInNewContext("gc") as () => void;
  } catch {
    return undefined;
  }
})();

interface MemoryPoint {
  at: string;
  rss: number;
  /** Heap in use after a full collection (undefined when the collector could not be reached). */
  live?: number;
}

function measure(at: string): MemoryPoint {
  collect?.();
  const m = process.memoryUsage();
  return { at, rss: m.rss, ...(collect ? { live: m.heapUsed + m.external } : {}) };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? Number.NaN;
}

export async function runLoopBench(o: LoopBenchOptions): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "guardrail-bench-loop-"));
  const clock = new VirtualClock(new Date(), { followRealTime: true });
  const account = await LocalAccount.open({
    stateDir: dir,
    fleet: { services: o.services, seed: o.seed },
    clock: () => clock.now(),
  });
  const loop = new LocalLoop({
    account,
    mode: "auto",
    clock,
    fixesPerMinute: 1_000_000,
    logLevel: "WARN",
    keepOutcomes: false,
  });
  const { engine } = loadPack({}, (l) => console.error(l));
  try {
    await loop.start();
    await loop.sweep();
    const list = breakers(account, loop);
    if (list.length === 0) throw new BenchAbort("loop: no resource to change after the sweep");
    const fixedAtStart = loop.counts.outcomes.fixed ?? 0;
    const latencyStart = loop.latencies.length;
    /** The changed documents, one per distinct change (the cycle repeats them), for evaluation-only. */
    const documents: Resource[] = [];
    const memory: MemoryPoint[] = [measure("start (after the sweep)")];
    let warm: MemoryPoint | undefined;
    const failures: string[] = [];
    const t0 = now();
    for (let i = 0; i < o.changes; i++) {
      const b = list[i % list.length] as Breaker;
      // A change a minute: each change is a new state of its resource (SQS LastModifiedTimestamp, ...).
      clock.advance(60_000);
      const out = await loop.play(b.prepared.principal, () => sendCall(account, b.prepared));
      if (out.error !== undefined && failures.length < 3) failures.push(String(out.error));
      if (documents.length < list.length) {
        const item = account.configItem(b.prepared.item?.resourceType ?? "", b.prepared.item?.resourceId ?? "");
        const adapter = item ? adapterFor(item.resourceType) : undefined;
        if (item && adapter) documents.push(resourceFromConfigItem(adapter, item));
      }
      await loop.drain();
      // The account writes its trail files with asynchronous file I/O, which an in-memory loop never yields to:
      // waiting for it now and then is what a CloudTrail delivery every few minutes is.
      if ((i + 1) % FLUSH_TRAIL_EVERY === 0) await account.flushTrail();
      if (i + 1 === Math.ceil(o.changes / 10)) {
        warm = measure(`after ${fmtInt(i + 1)} changes`);
        memory.push(warm);
      }
      if (i + 1 === Math.ceil(o.changes / 2)) memory.push(measure(`middle (${fmtInt(i + 1)})`));
    }
    const loopMs = now() - t0;
    memory.push(measure(`end (${fmtInt(o.changes)})`));
    if (failures.length > 0) throw new BenchAbort(`loop: scripted calls failed: ${failures.join("; ")}`);
    const fixed = (loop.counts.outcomes.fixed ?? 0) - fixedAtStart;
    if (fixed < o.changes * 0.99) {
      throw new BenchAbort(
        `loop: only ${fixed} of ${o.changes} changes were fixed (outcomes ${JSON.stringify(loop.counts.outcomes)}); the figures would not be the loop's`,
      );
    }

    // Evaluation alone: the engine on the same documents, as many evaluations as changes.
    const evaluate = (n: number) => {
      let verdicts = 0;
      for (let i = 0; i < n; i++) verdicts += engine.evaluate(documents[i % documents.length] as Resource).length;
      return verdicts;
    };
    // At least 50,000 evaluations (or the change count if larger), so that the figure is not a few ms of noise.
    const evaluations = Math.max(o.changes, 50_000);
    evaluate(Math.min(5000, evaluations));
    const e0 = now();
    evaluate(evaluations);
    const evalMs = now() - e0;

    const loopRate = (o.changes / loopMs) * 1000;
    const evalRate = (evaluations / evalMs) * 1000;
    const lat = loop.latencies.slice(latencyStart).sort((a, b) => a - b);
    const end = memory[memory.length - 1] as MemoryPoint;
    // Flat: live memory (after a collection) at the end within 25% of the same after the first tenth; RSS when
    // the collector is out of reach (RSS keeps the high-water mark, so it overstates growth).
    const basis = (m: MemoryPoint | undefined) => m?.live ?? m?.rss ?? 0;
    const rows: Row[] = [
      { figure: "changes played (distinct resources)", value: `${fmtInt(o.changes)} (${list.length})`, status: "INFO" },
      { figure: "verified fixes", value: fmtInt(fixed), status: "INFO" },
      { figure: "loop: total time", value: fmtMs(loopMs), status: "INFO" },
      { figure: "loop throughput (change → verified fix)", value: fmtRate(loopRate) },
      { figure: "evaluation-only throughput (same documents)", value: fmtRate(evalRate), status: "INFO" },
      {
        figure: "loop / evaluation-only",
        value: `${((loopRate / evalRate) * 100).toFixed(2)}%`,
        target: `≥ ${TARGET_SHARE * 100}%`,
        status: check(loopRate >= TARGET_SHARE * evalRate),
      },
      { figure: "change-to-fix latency p50", value: fmtMs(percentile(lat, 0.5)), status: "INFO" },
      { figure: "change-to-fix latency p99", value: fmtMs(percentile(lat, 0.99)), status: "INFO" },
      ...memory.map((m) => ({
        figure: `RSS ${m.at}`,
        value: fmtMiB(m.rss) + (m.live !== undefined ? ` (live ${fmtMiB(m.live)})` : ""),
        status: "INFO" as const,
      })),
      {
        figure: `memory flat (${end.live !== undefined ? "live" : "RSS"} at the end / after the first tenth)`,
        value: `${(basis(end) / basis(warm)).toFixed(2)}×`,
        target: `≤ ${FLAT_GROWTH}×`,
        status: check(basis(end) <= basis(warm) * FLAT_GROWTH),
      },
    ];
    printTable(
      "loop",
      `local detect-and-remediate loop over ${fmtInt(o.changes)} changes (${o.services} services, seed ${o.seed})`,
      rows,
    );
  } finally {
    await loop.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const changes = Number(process.argv[2] ?? LOOP_DEFAULTS.changes);
  runLoopBench({ ...LOOP_DEFAULTS, changes }).catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
