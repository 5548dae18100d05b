// First: the SDK constructs clients below, and its Node 20 notice must not land in the table (see the module).
import "../cli/aws-warnings";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { join } from "node:path";
import { loadPack } from "../cli/pack-options";
import { addRouting, clientSettings } from "../lib/aws/clients";
import { Engine } from "../lib/engine/evaluate";
import { LocalAccount } from "../lib/local/account";
import { principalCatalogue } from "../lib/local/account/principals";
import { VirtualClock } from "../lib/local/clock";
import { LocalLoop } from "../lib/local/loop";
import { sendCall, type PreparedCall, type ScenarioCall } from "../lib/local/scenario";
import { sdkPackages } from "../lib/local/sdk-packages";
import type { Resource } from "../lib/resources/adapter";
import { resourceFromConfigItem } from "../lib/resources/adapter";
import type { ConfigItem } from "../lib/resources/config-item";
import { adapterFor } from "../lib/resources/registry";
import { BenchAbort, check, fmtInt, fmtMiB, fmtMs, fmtRate, now, printTable, type Row } from "./util";

/**
 * The local detect-and-remediate loop end to end over N team changes (each a real SDK call to the local account that
 * breaks a policy Guardrail fixes automatically), its p50/p99 change-to-verified-fix latency, beside evaluation alone
 * (the engine judging the same changed documents, no transport, no handler). Target: the loop reaches ≥ 20% of
 * evaluation-only throughput; memory flat (RSS printed at the start, middle and end; flat = the end within 25% of the
 * RSS after the first tenth of the changes).
 *
 * Everything the deployed pipeline does per change runs: the CloudTrail record, the EventBridge rules, the events
 * handler's describe and judgement, SNS→SQS, the worker's guard, idempotency, fix, verification and record, the
 * Config change notification to every rule in scope, PutEvaluations, the compliance change and its (duplicate)
 * request. Time only moves on the virtual clock; the fix rate limit is lifted so no change waits for the next
 * minute (GUARDRAIL_FIXES_PER_MINUTE). Handler logs at WARN, as a production account would run a long sweep.
 *
 * Where the time goes, in parts that add up to the loop's time: the local account's served calls (its AWS
 * services and the pipeline's SNS, SQS, DynamoDB, S3, Config servers: LocalAccount.callTimes), the loop's own
 * transports (EventBridge matching, Config notifications, SQS polls, deliveries at flush points: the loop's time
 * outside the handlers and the team's calls), the SDK client stack (commands × the SDK floor), evaluation (the
 * engine's methods timed while the handlers run), the team's SDK client, and the handlers' own code (the rest of
 * LocalLoop.invocationTimes). The SDK floor is measured on the run's own mix of commands through clients with the
 * routing middleware only, answered by a constant: the least any loop running the handlers unchanged through the
 * SDK can cost. "Local transports' share" (account + transports) is the issue's reason for its 20% target ("the
 * local transports must not dominate"), as a figure of its own: < 50%.
 */

export interface LoopBenchOptions {
  changes: number;
  services: number;
  seed: number;
}

export const LOOP_DEFAULTS: LoopBenchOptions = { changes: 10_000, services: 24, seed: 1 };

const TARGET_SHARE = 0.2;
/** The reason for the 20% target, "the local transports must not dominate", as a figure of its own. */
const TRANSPORT_SHARE = 0.5;
const FLAT_GROWTH = 1.25;
/** A flush point every 100 changes: the trail's log files and the remediation records reach the state directory. */
const FLUSH_EVERY = 100;

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

function handlerMs(loop: LocalLoop): number {
  return Object.values(loop.invocationTimes).reduce((sum, t) => sum + t.ms, 0);
}

function handlerCalls(loop: LocalLoop): number {
  return Object.values(loop.invocationTimes).reduce((sum, t) => sum + t.calls, 0);
}

/** Sum of calls and ms over the account's served calls (all operations, or those `pick` keeps). */
function served(
  account: LocalAccount,
  pick: (key: string) => boolean = () => true,
): { calls: number; ms: number; byOperation: Map<string, number> } {
  let calls = 0;
  let ms = 0;
  const byOperation = new Map<string, number>();
  for (const [key, t] of account.callTimes) {
    if (!pick(key)) continue;
    calls += t.calls;
    ms += t.ms;
    byOperation.set(key, t.calls);
  }
  return { calls, ms, byOperation };
}

/**
 * Time spent judging documents, wherever a handler asks the engine (Engine's methods wrapped for the run: the
 * outermost call is timed, so evaluate → evaluatePolicy counts once). Returns the reading and the undo.
 */
function timeEvaluations(): { read: () => { calls: number; ms: number }; restore: () => void } {
  const proto = Engine.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  const names = ["evaluate", "evaluatePolicy", "evaluateRecord"] as const;
  const originals = names.map((n) => proto[n] as (...args: unknown[]) => unknown);
  let depth = 0;
  let calls = 0;
  let ms = 0;
  names.forEach((n, i) => {
    const original = originals[i] as (...args: unknown[]) => unknown;
    proto[n] = function (this: unknown, ...args: unknown[]) {
      if (depth > 0) return original.apply(this, args);
      depth++;
      const t0 = now();
      try {
        return original.apply(this, args);
      } finally {
        ms += now() - t0;
        calls++;
        depth--;
      }
    };
  });
  return {
    read: () => ({ calls, ms }),
    restore: () => names.forEach((n, i) => (proto[n] = originals[i] as (...args: unknown[]) => unknown)),
  };
}

/**
 * The SDK floor: the loop's very mix of commands (`calls` per "service|operation", as the run served them), each
 * sent with a new command object through a client built with the factories' settings and the routing middleware
 * only, answered at once with a constant. What is left is the SDK's own cost per command (command construction,
 * the cached middleware chain, the initialize step, the promise plumbing): the least any loop that runs the
 * handlers unchanged through the SDK can cost. Returns ms per command and the commands it could not build.
 */
async function sdkFloor(
  mix: Map<string, number>,
  region: string,
): Promise<{ msPerCommand: number; skipped: string[] }> {
  const answer = { $metadata: { httpStatusCode: 200, requestId: "floor", attempts: 1, totalRetryDelay: 0 } };
  const clients = new Map<string, { send(c: unknown): Promise<unknown>; destroy(): void }>();
  const plan: (new (input: object) => unknown)[] = [];
  const planClients: { send(c: unknown): Promise<unknown> }[] = [];
  const skipped: string[] = [];
  for (const [key, calls] of mix) {
    const [service = "", operation = ""] = key.split("|");
    const sdk = sdkPackages()[service];
    const Command = sdk?.pkg[`${operation}Command`] as (new (input: object) => unknown) | undefined;
    if (!sdk || !Command) {
      skipped.push(key);
      continue;
    }
    let client = clients.get(service);
    if (!client) {
      const Client = sdk.pkg[sdk.client] as new (c: object) => { send(c: unknown): Promise<unknown>; destroy(): void };
      client = addRouting(
        new Client(clientSettings(region)) as unknown as { middlewareStack: unknown; config: unknown },
        () => async () => answer,
      ) as unknown as { send(c: unknown): Promise<unknown>; destroy(): void };
      clients.set(service, client);
    }
    for (let i = 0; i < calls; i++) {
      plan.push(Command);
      planClients.push(client);
    }
  }
  // Interleaved as a run interleaves them (a fixed shuffle), not grouped by operation.
  const order = plan.map((_, i) => i).sort((a, b) => ((a * 2654435761) % 4099) - ((b * 2654435761) % 4099));
  const run = async (n: number) => {
    for (let k = 0; k < n; k++) {
      const i = order[k % order.length] as number;
      await (planClients[i] as { send(c: unknown): Promise<unknown> }).send(
        new (plan[i] as new (input: object) => unknown)({}),
      );
    }
  };
  try {
    if (plan.length === 0) return { msPerCommand: Number.NaN, skipped };
    await run(Math.min(plan.length, 5000));
    const t0 = now();
    await run(plan.length);
    return { msPerCommand: (now() - t0) / plan.length, skipped };
  } finally {
    for (const c of clients.values()) c.destroy();
  }
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
    // Attribution: what the account served (and how long), the handlers' invocations, the team's calls, evaluation.
    const servedBefore = served(account);
    const handlersBefore = handlerMs(loop);
    const evaluations0 = timeEvaluations();
    let playMs = 0;
    let playServedMs = 0;
    let playCommands = 0;
    let recordsFlushMs = 0;
    let trailFlushMs = 0;
    const t0 = now();
    for (let i = 0; i < o.changes; i++) {
      const b = list[i % list.length] as Breaker;
      // A change a minute: each change is a new state of its resource (SQS LastModifiedTimestamp, ...).
      clock.advance(60_000);
      const p0 = now();
      const s0 = served(account);
      const out = await loop.play(b.prepared.principal, () => sendCall(account, b.prepared));
      const s1 = served(account);
      playMs += now() - p0;
      playServedMs += s1.ms - s0.ms;
      playCommands += s1.calls - s0.calls;
      if (out.error !== undefined && failures.length < 3) failures.push(String(out.error));
      if (documents.length < list.length) {
        const item = account.configItem(b.prepared.item?.resourceType ?? "", b.prepared.item?.resourceId ?? "");
        const adapter = item ? adapterFor(item.resourceType) : undefined;
        if (item && adapter) documents.push(resourceFromConfigItem(adapter, item));
      }
      await loop.drain();
      // A flush point (what a CloudTrail delivery every few minutes is): the trail's log files and the records,
      // written meanwhile by the writer thread, are all on disk when it returns. loop.flush(), timed in its parts.
      if ((i + 1) % FLUSH_EVERY === 0) {
        const f0 = now();
        await loop.bucket.flush();
        const f1 = now();
        await account.flushTrail();
        recordsFlushMs += f1 - f0;
        trailFlushMs += now() - f1;
      }
      if (i + 1 === Math.ceil(o.changes / 10)) {
        warm = measure(`after ${fmtInt(i + 1)} changes`);
        memory.push(warm);
      }
      if (i + 1 === Math.ceil(o.changes / 2)) memory.push(measure(`middle (${fmtInt(i + 1)})`));
    }
    const loopMs = now() - t0;
    const evaluated = evaluations0.read();
    evaluations0.restore();
    const servedAfter = served(account);
    const handlersAfter = handlerMs(loop);
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

    // Where the loop's time goes (ms over the run; the parts add up to loopMs).
    const commands = servedAfter.calls - servedBefore.calls;
    const mix = new Map<string, number>();
    for (const [key, calls] of servedAfter.byOperation) {
      const d = calls - (servedBefore.byOperation.get(key) ?? 0);
      if (d > 0) mix.set(key, d);
    }
    const floor = await sdkFloor(mix, account.region);
    const sdkMs = floor.msPerCommand * commands;
    const accountMs = servedAfter.ms - servedBefore.ms;
    const handlersMs = handlersAfter - handlersBefore;
    // the loop's own transports: EventBridge matching, Config notifications, SQS polling, deliveries (all but the
    // handlers' invocations and the team's calls)
    const transportsMs = loopMs - handlersMs - playMs;
    const teamClientMs = playMs - playServedMs - floor.msPerCommand * playCommands;
    const handlerOwnMs = loopMs - accountMs - transportsMs - sdkMs - evaluated.ms - teamClientMs;
    const localMs = accountMs + transportsMs;
    const perChange = (ms: number) => `${(ms / o.changes).toFixed(2)} ms (${((ms / loopMs) * 100).toFixed(0)}%)`;
    const floorPerChange = floor.msPerCommand * (commands / o.changes);
    const floorRate = 1000 / floorPerChange;
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
      {
        figure: "local transports' share of the loop time",
        value: `${((localMs / loopMs) * 100).toFixed(0)}%`,
        target: `< ${TRANSPORT_SHARE * 100}%`,
        status: check(localMs < TRANSPORT_SHARE * loopMs),
      },
      { figure: "per change: whole loop", value: `${(loopMs / o.changes).toFixed(2)} ms`, status: "INFO" },
      { figure: "  local account, served calls (all services)", value: perChange(accountMs), status: "INFO" },
      {
        figure: "  local transports (bus, Config, SQS polls, deliveries)",
        value: perChange(transportsMs),
        status: "INFO",
      },
      {
        figure: "    of which writing the trail at flush points",
        value: perChange(trailFlushMs),
        status: "INFO",
      },
      {
        figure: `    of which writing the ${fmtInt(loop.bucket.stats.puts)} remediation records`,
        value: perChange(recordsFlushMs),
        status: "INFO",
      },
      { figure: "  SDK client stack (commands × floor)", value: perChange(sdkMs), status: "INFO" },
      { figure: "  policy evaluation (in the handlers)", value: perChange(evaluated.ms), status: "INFO" },
      {
        figure: "  the team's call outside the account (its SDK client)",
        value: perChange(teamClientMs),
        status: "INFO",
      },
      {
        figure: "  handlers' own code (Powertools, parsing, decisions)",
        value: perChange(handlerOwnMs),
        status: "INFO",
      },
      {
        figure: "SDK commands / handler invocations / evaluations per change",
        value: `${(commands / o.changes).toFixed(1)} / ${(handlerCalls(loop) / o.changes).toFixed(1)} / ${(evaluated.calls / o.changes).toFixed(1)}`,
        status: "INFO",
      },
      {
        figure: "SDK floor: one command, routing middleware only",
        value: `${(floor.msPerCommand * 1000).toFixed(1)} µs${floor.skipped.length > 0 ? ` (not built: ${floor.skipped.join(", ")})` : ""}`,
        status: "INFO",
      },
      {
        figure: "SDK floor: a loop that is only its SDK commands",
        value: `${fmtRate(floorRate)} (${((floorRate / evalRate) * 100).toFixed(2)}% of evaluation-only)`,
        status: "INFO",
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
