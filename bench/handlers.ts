import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateRawSync } from "node:zlib";
import { packageRoot } from "../lib/util/package-root";
import { BenchAbort, check, fmtMs, median, printTable, type Row } from "./util";

/**
 * Per Lambda handler, the bundle size and the cold initialisation time (loading the bundle in a fresh
 * Node process, median of runs), each against a bare handler bundle that imports one SDK client, built by
 * scripts/bundle.mjs (`--bare`) with the functions' own esbuild options and library plugins. Target: at most 1.5× the baseline for every handler. Cloud
 * Custodian's policy package (733 KB, measured for an API Gateway TLS policy) is printed beside our sizes.
 *
 * Cold initialisation here is `require()` of the bundle in a new `node` process (hrtime around the require, so
 * Node's own start-up is excluded): module evaluation, top-level clients, policy compilation at load. It is not a
 * Lambda INIT duration (no runtime bootstrap, no network, this machine's Node rather than the nodejs22.x runtime).
 * The process's CPU time over the same span is printed beside it: on a shared machine it moves less than the wall
 * time, so it tells a real change from noise. The target is judged on the wall time, the issue's measure.
 *
 * Each function is also measured without Guardrail's code: `scripts/bundle.mjs --with-libraries` builds, from the
 * function's own build graph, a bundle of the same package imports (SDK clients and commands, Powertools, zod)
 * plus the Powertools logger, metrics and tracer built at load. Its ratio is the lowest this function could reach
 * with the libraries it uses, imported as they are; the difference is Guardrail's own share (its modules, the
 * policy pack, loading the pack). No work was moved out of loading to make these figures: what a first
 * invocation adds (building an SDK client and its credentials on first use, and the one policy validator it runs)
 * is what any function using a client pays. Where the milliseconds go, and what was tried: docs/cold-start.md.
 */

export interface HandlerBenchOptions {
  /** Fresh processes per bundle; the median is reported. */
  runs: number;
}

export const HANDLER_DEFAULTS: HandlerBenchOptions = { runs: 11 };

const TARGET_RATIO = 1.5;
/** "Cost must not grow with coverage": each function's bundle and cold init within 10% of its pre-issue figures. */
const PRE_ISSUE_TARGET = 1.1;
/**
 * The pre-issue figures (commit c18b6e3: 10 resource types, 34 policies), measured on this machine with
 * scripts/bundle.mjs of that commit (see the file's `how`). Used when no pre-issue build is named.
 */
const PRE_ISSUE_FILE = join("docs", "perf", "2026-12-07-handler-baseline.json");
/** A directory of pre-issue bundles (`node scripts/bundle.mjs --out DIR` at c18b6e3), measured in the same run. */
const PRE_ISSUE_BUILD_VARIABLE = "GUARDRAIL_BENCH_PRE_ISSUE_BUILD";

interface PreIssueFigures {
  commit: string;
  how: string;
  functions: Record<string, { bundleBytes: number; zipBytes: number; initMs: number; cpuMs: number }>;
}
const CUSTODIAN_POLICY_PACKAGE_BYTES = 733 * 1024;

/** The bare handler: one SDK client, a trivial handler. */
const BASELINE_SOURCE = `
import { SQSClient } from "@aws-sdk/client-sqs";
const client = new SQSClient({});
export const handler = async () => ({ ok: true, region: typeof client.config.region });
`;

interface Bundle {
  name: string;
  file: string;
  /** The bytes a cold start loads (a function: its entry and static chunks; a bare bundle: all of it). */
  bytes: number;
  /** A function's every file (entry, chunks loaded on first use, validators' files), and how many. */
  totalBytes?: number;
  files?: number;
  /** The same function built before the issue, measured in the same rounds (GUARDRAIL_BENCH_PRE_ISSUE_BUILD). */
  preIssue?: Bundle;
  zipBytes: number;
  /** Minified bytes per package (scripts/bundle.mjs's manifest; undefined for the baseline). */
  bytesByPackage?: Record<string, number>;
  /** The function's libraries without Guardrail's code (scripts/bundle.mjs --with-libraries). */
  libraries?: Bundle;
  initMs: number[];
  cpuMs: number[];
}

const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;

/** The deflated size of the file (what a zip of it would roughly weigh), for the baseline, which bundle.mjs does not zip. */
function deflatedBytes(file: string): number {
  return deflateRawSync(readFileSync(file), { level: 9 }).length;
}

/**
 * One fresh `node` process loads the bundle and prints the wall and CPU ms spent loading it: `import()` of an ES
 * module (the functions' `index.mjs`, which loads its static chunks with it), `require()` of a CommonJS one (a
 * pre-issue build's `index.js`).
 */
function coldInit(file: string, cwd: string): { wall: number; cpu: number } {
  const script =
    "const f=process.argv[1];const c0=process.cpuUsage();const t0=process.hrtime.bigint();" +
    "const p=f.endsWith('.mjs')?import(require('node:url').pathToFileURL(f).href):Promise.resolve(require(f));" +
    "p.then(()=>{const t1=process.hrtime.bigint();const c=process.cpuUsage(c0);" +
    "process.stdout.write(Number(t1-t0)/1e6+' '+(c.user+c.system)/1e3)})";
  const r = spawnSync(process.execPath, ["-e", script, file], {
    cwd,
    encoding: "utf8",
    env: {
      PATH: process.env.PATH ?? "",
      AWS_REGION: "eu-west-1",
      AWS_ACCESS_KEY_ID: "bench",
      AWS_SECRET_ACCESS_KEY: "bench",
      // Whatever the handlers read at load; nothing is called.
      AWS_LAMBDA_FUNCTION_NAME: "bench",
      POWERTOOLS_SERVICE_NAME: "guardrail-bench",
    },
  });
  const [wall, cpu] = r.stdout.trim().split(" ").map(Number);
  if (r.status !== 0 || !Number.isFinite(wall) || !Number.isFinite(cpu)) {
    throw new BenchAbort(`loading ${file} failed in a fresh process (exit ${r.status}):\n${r.stderr.slice(0, 2000)}`);
  }
  return { wall: wall as number, cpu: cpu as number };
}

/**
 * What the issue requires of the Config rule handler before any Guardrail code: its SDK client and Powertools
 * logger, metrics and tracer (capturing the client). Printed beside the baseline so the part of the gap that is
 * Guardrail's own is visible.
 */
const FLOOR_SOURCE = `
import { ConfigServiceClient } from "@aws-sdk/client-config-service";
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { Tracer } from "@aws-lambda-powertools/tracer";
const logger = new Logger({ serviceName: "floor" });
const metrics = new Metrics({ namespace: "Guardrail", serviceName: "floor" });
const tracer = new Tracer({ serviceName: "floor" });
const client = tracer.captureAWSv3Client(new ConfigServiceClient({}));
export const handler = async () => ({ ok: true, parts: [client, logger, metrics].length });
`;

/**
 * Single libraries the functions carry, each alone in a bundle: what a cold start pays for each of them (they share
 * Node's own modules, so together they cost a little less than the sum). Printed to say where the floors come from.
 */
const PARTS: Record<string, { label: string; source: string }> = {
  "part-tracer": {
    label: "Powertools tracer (aws-xray-sdk-core) alone",
    source: `import { Tracer } from "@aws-lambda-powertools/tracer";
export const tracer = new Tracer({ serviceName: "part" });`,
  },
  "part-logger-metrics": {
    label: "Powertools logger + metrics alone",
    source: `import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
export const parts = [new Logger({ serviceName: "part" }), new Metrics({ namespace: "Guardrail", serviceName: "part" })];`,
  },
  "part-parser": {
    label: "Powertools parser schema (zod 4) alone",
    source: `import { EventBridgeSchema } from "@aws-lambda-powertools/parser/schemas/eventbridge";
import { z } from "zod";
export const schema = EventBridgeSchema.extend({ detail: z.object({ eventID: z.string() }) });`,
  },
};

/**
 * The functions, each one's libraries alone, and the bare bundles (baseline, floor), all by scripts/bundle.mjs, so
 * every bundle gets the same esbuild options and library plugins.
 */
function buildBundles(dir: string, bare: Record<string, string>): void {
  const root = packageRoot();
  const bareArgs = Object.entries(bare).flatMap(([name, source]) => {
    const file = join(dir, `${name}.ts`);
    writeFileSync(file, source);
    return ["--bare", `${name}=${file}`];
  });
  const script = join(root, "scripts", "bundle.mjs");
  const r = spawnSync(process.execPath, [script, "--out", dir, "--with-libraries", ...bareArgs], {
    cwd: root,
    encoding: "utf8",
  });
  if (r.status !== 0) throw new BenchAbort(`scripts/bundle.mjs failed (exit ${r.status}):\n${r.stderr}`);
}

export async function runHandlerBench(options: HandlerBenchOptions): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "guardrail-bench-handlers-"));
  try {
    const partSources = Object.fromEntries(Object.entries(PARTS).map(([name, p]) => [name, p.source]));
    buildBundles(dir, { baseline: BASELINE_SOURCE, floor: FLOOR_SOURCE, ...partSources });
    const baselineFile = join(dir, "baseline", "index.mjs");
    const floorFile = join(dir, "floor", "index.mjs");
    const names = readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .map((f) => f.slice(0, -5))
      .sort();
    const bare = (name: string, file: string): Bundle => ({
      name,
      file,
      bytes: bytesAtInit(file),
      zipBytes: deflatedBytes(file),
      initMs: [],
      cpuMs: [],
    });
    const base = bare("baseline (SQSClient)", baselineFile);
    const floor = bare("floor (Config client + Powertools logger, metrics, tracer)", floorFile);
    const preIssueDir = process.env[PRE_ISSUE_BUILD_VARIABLE] || undefined;
    const functions: Bundle[] = names.map((name) => {
      const manifest = JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8")) as {
        bundleBytes: number;
        initBytes: number;
        zipBytes: number;
        files: string[];
        bytesByPackageAtInit: Record<string, number>;
      };
      const pre = preIssueDir ? preIssueBundle(preIssueDir, name) : undefined;
      return {
        name,
        file: join(dir, name, "index.mjs"),
        bytes: manifest.initBytes,
        totalBytes: manifest.bundleBytes,
        files: manifest.files.length,
        zipBytes: manifest.zipBytes,
        bytesByPackage: manifest.bytesByPackageAtInit,
        libraries: bare(`${name} libraries only`, join(dir, `${name}-libraries`, "index.mjs")),
        ...(pre ? { preIssue: pre } : {}),
        initMs: [],
        cpuMs: [],
      };
    });
    const parts = Object.entries(PARTS).map(([name, p]) => bare(p.label, join(dir, name, "index.mjs")));
    const bundles = [
      base,
      floor,
      ...parts,
      ...functions.flatMap((f) => [f, f.libraries as Bundle, ...(f.preIssue ? [f.preIssue] : [])]),
    ];

    // One untimed load each (file cache), then the timed runs interleaved so drift hits every bundle alike.
    for (const b of bundles) coldInit(b.file, dirOf(b.file));
    for (let i = 0; i < options.runs; i++) {
      for (const b of bundles) {
        const { wall, cpu } = coldInit(b.file, dirOf(b.file));
        b.initMs.push(wall);
        b.cpuMs.push(cpu);
      }
    }

    // Ratios and differences are medians over rounds of the round's own ratio or difference: a round measures
    // every bundle once, so a busy moment on the machine weighs on a bundle and on what it is compared with alike.
    type Times = "initMs" | "cpuMs";
    const perRound = (b: Bundle, key: Times, f: (v: number, i: number) => number) => median(b[key].map(f));
    const ratio = (b: Bundle, key: Times) => perRound(b, key, (v, i) => v / (base[key][i] as number));
    const baseInit = median(base.initMs);
    const init = (b: Bundle) => `${fmtMsFine(median(b.initMs))} (cpu ${fmtMsFine(median(b.cpuMs))})`;
    const ratios = (b: Bundle) => `${ratio(b, "initMs").toFixed(2)}x (cpu ${ratio(b, "cpuMs").toFixed(2)}x)`;
    const rows: Row[] = [
      {
        figure: `${base.name} bundle`,
        value: `${kb(base.bytes)} (${kb(base.zipBytes)} deflated)`,
        status: "INFO",
      },
      { figure: `${base.name} cold init`, value: init(base), status: "INFO" },
      {
        figure: "floor bundle",
        value: kb(floor.bytes),
        baseline: `${(floor.bytes / base.bytes).toFixed(2)}x`,
        status: "INFO",
      },
      { figure: "floor cold init", value: init(floor), baseline: ratios(floor), status: "INFO" },
      ...parts.map((p): Row => ({ figure: p.name, value: init(p), baseline: ratios(p), status: "INFO" })),
      {
        figure: "Cloud Custodian policy package",
        value: kb(CUSTODIAN_POLICY_PACKAGE_BYTES),
        baseline: "API Gateway TLS policy",
        status: "INFO",
      },
    ];
    const notes: string[] = [];
    const preIssue = preIssueDir ? undefined : preIssueFigures();
    for (const b of functions) {
      const libraries = b.libraries as Bundle;
      const sizeRatio = b.bytes / base.bytes;
      const initRatio = ratio(b, "initMs");
      const vsCustodian = b.zipBytes / CUSTODIAN_POLICY_PACKAGE_BYTES;
      rows.push({
        figure: `${b.name} bundle`,
        value:
          `${kb(b.bytes)} at init, ${kb(b.totalBytes ?? b.bytes)} in ${b.files ?? 1} files ` +
          `(zip ${kb(b.zipBytes)}, ${vsCustodian.toFixed(2)}x Custodian)`,
        baseline: `${kb(base.bytes)}, ${sizeRatio.toFixed(2)}x`,
        target: `<= ${TARGET_RATIO}x`,
        status: check(sizeRatio <= TARGET_RATIO),
      });
      rows.push({
        figure: `${b.name} cold init`,
        value: init(b),
        baseline: `${fmtMsFine(baseInit)}, ${ratios(b)}`,
        target: `<= ${TARGET_RATIO}x`,
        status: check(initRatio <= TARGET_RATIO),
      });
      rows.push({
        figure: `  its libraries alone`,
        value: `${kb(libraries.bytes)}, ${init(libraries)}`,
        baseline: ratios(libraries),
        status: "INFO",
      });
      const own = (key: Times) => perRound(b, key, (v, i) => v - (libraries[key][i] as number));
      const ownShare = (key: Times) =>
        perRound(b, key, (v, i) => (v - (libraries[key][i] as number)) / (base[key][i] as number));
      const ownMs = own("initMs");
      const ownCpu = own("cpuMs");
      rows.push({
        figure: `  Guardrail's own share`,
        value: `${kb(b.bytes - libraries.bytes)}, ${fmtMsFine(ownMs)} (cpu ${fmtMsFine(ownCpu)})`,
        baseline: `${ownShare("initMs").toFixed(2)}x (cpu ${ownShare("cpuMs").toFixed(2)}x)`,
        status: "INFO",
      });
      rows.push(...preIssueRows(b, preIssue));
      if (sizeRatio > TARGET_RATIO || initRatio > TARGET_RATIO) {
        const top = Object.entries(b.bytesByPackage ?? {}).slice(0, 8);
        notes.push(`${b.name}: ${top.map(([pkg, bytes]) => `${pkg} ${kb(bytes)}`).join(", ")}`);
      }
    }
    printTable(
      "handlers",
      `Lambda bundles vs a bare one-client bundle (median of ${options.runs} fresh processes)`,
      rows,
    );
    console.log(
      "  cold init = require() of the bundle in a fresh `node` process (hrtime around it), not a Lambda INIT",
    );
    console.log(`  duration; node ${process.version} here, the functions run on nodejs22.x. cpu = the process's`);
    console.log("  user+system time over the same span (steadier than wall time on a shared machine). Ratios and");
    console.log("  shares are medians of each round's own (a round loads every bundle once, interleaved).");
    console.log("  libraries alone = the function's package imports and Powertools telemetry without Guardrail's");
    console.log("  code (scripts/bundle.mjs --with-libraries): the lowest ratio those imports allow.");
    console.log("  Cloud Custodian's 733 KB is its policy package (the zip Lambda deploys); compare it with our zips.");
    console.log(
      "  bundle = what a cold start loads (index.mjs and its static chunks); the describes, write tables and",
    );
    console.log("  validators an event needs are chunks and files loaded on first use, counted in the total only.");
    console.log(
      preIssueDir
        ? `  pre-issue = the bundles in ${preIssueDir} (${PRE_ISSUE_BUILD_VARIABLE}), loaded in the same rounds.`
        : `  pre-issue = the figures in ${PRE_ISSUE_FILE} (another run: compare CPU; set ${PRE_ISSUE_BUILD_VARIABLE}` +
            " to a pre-issue build to measure it in the same rounds).",
    );
    console.log(
      `  runs (ms): ${[base, ...functions].map((b) => `${b.name} ${b.initMs.map((m) => m.toFixed(1)).join("/")}`).join("; ")}`,
    );
    if (notes.length > 0) {
      console.log("  where the bytes of the bundles over the target go (minified bytes per package, largest first;");
      console.log("  cold init grows with the code that runs at load: docs/cold-start.md):");
      for (const n of notes) console.log(`    ${n}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The bytes an ES module bundle's cold start loads: the entry and, transitively, the chunks it imports statically
 * (esbuild writes them `from "./<chunk>.mjs"`); the chunks it imports with `import()` load on first use.
 */
function bytesAtInit(entry: string): number {
  const seen = new Set([entry]);
  let bytes = 0;
  for (const file of seen) {
    const code = readFileSync(file, "utf8");
    bytes += Buffer.byteLength(code);
    for (const [, chunk] of code.matchAll(/(?:\bfrom|\bimport)\s*"(\.\/[^"]+\.mjs)"/g)) {
      seen.add(join(file, "..", chunk as string));
    }
  }
  return bytes;
}

/** A pre-issue function bundle (CommonJS `index.js`, one file) in a directory built at c18b6e3. */
function preIssueBundle(dir: string, name: string): Bundle {
  const file = join(dir, name, "index.js");
  const manifest = JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8")) as {
    bundleBytes: number;
    zipBytes: number;
  };
  return {
    name: `${name} pre-issue`,
    file,
    bytes: manifest.bundleBytes,
    zipBytes: manifest.zipBytes,
    initMs: [],
    cpuMs: [],
  };
}

function preIssueFigures(): PreIssueFigures {
  return JSON.parse(readFileSync(join(packageRoot(), PRE_ISSUE_FILE), "utf8")) as PreIssueFigures;
}

/**
 * A function against its pre-issue figures: bundle (bytes a cold start loads) and cold init, each a ratio with the
 * 10% target. Measured in the same rounds (b.preIssue): medians of each round's ratio; else against the committed
 * figures, from another run (the CPU ratio is the one to read: wall time moves with the machine's load).
 */
function preIssueRows(b: Bundle, file: PreIssueFigures | undefined): Row[] {
  const pre = b.preIssue;
  const fromFile = file?.functions[b.name];
  if (!pre && !fromFile) return [];
  const preBytes = pre ? pre.bytes : (fromFile as { bundleBytes: number }).bundleBytes;
  const sizeRatio = b.bytes / preBytes;
  const roundRatio = (key: "initMs" | "cpuMs") =>
    pre
      ? median(b[key].map((v, i) => v / (pre[key][i] as number)))
      : median(b[key]) / (fromFile as Record<"initMs" | "cpuMs", number>)[key];
  const preInit = pre
    ? `${fmtMsFine(median(pre.initMs))} (cpu ${fmtMsFine(median(pre.cpuMs))})`
    : `${fmtMsFine((fromFile as { initMs: number }).initMs)} (cpu ${fmtMsFine((fromFile as { cpuMs: number }).cpuMs)})`;
  const where = pre ? "pre-issue, same run" : `pre-issue (${file?.commit})`;
  return [
    {
      figure: `  vs ${where}: bundle`,
      value: `${kb(b.bytes)} vs ${kb(preBytes)}`,
      baseline: `${sizeRatio.toFixed(2)}x`,
      target: `<= ${PRE_ISSUE_TARGET}x`,
      status: check(sizeRatio <= PRE_ISSUE_TARGET),
    },
    {
      figure: `  vs ${where}: cold init`,
      value: `${fmtMsFine(median(b.initMs))} (cpu ${fmtMsFine(median(b.cpuMs))}) vs ${preInit}`,
      baseline: `${roundRatio("initMs").toFixed(2)}x (cpu ${roundRatio("cpuMs").toFixed(2)}x)`,
      target: `<= ${PRE_ISSUE_TARGET}x cpu`,
      status: check(roundRatio("cpuMs") <= PRE_ISSUE_TARGET),
    },
  ];
}

function dirOf(file: string): string {
  return join(file, "..");
}

function fmtMsFine(ms: number): string {
  return ms < 100 ? `${ms.toFixed(1)} ms` : fmtMs(ms);
}

// Direct use: node dist/bench/handlers.js
if (require.main === module) {
  runHandlerBench(HANDLER_DEFAULTS).catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
