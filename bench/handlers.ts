import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateRawSync } from "node:zlib";
import { build } from "esbuild";
import { packageRoot } from "../lib/util/package-root";
import { BenchAbort, check, fmtMs, median, printTable, type Row } from "./util";

/**
 * Issue 3 §7: per Lambda handler, the bundle size and the cold initialisation time (loading the bundle in a fresh
 * Node process, median of runs), each against a bare handler bundle that imports one SDK client, built with the
 * same esbuild options as scripts/bundle.mjs. Target: at most 1.5× the baseline for every handler. Cloud
 * Custodian's policy package (733 KB, measured for an API Gateway TLS policy) is printed beside our sizes.
 *
 * Cold initialisation here is `require()` of the bundle in a new `node` process (hrtime around the require, so
 * Node's own start-up is excluded): module evaluation, top-level clients, policy compilation at load. It is not a
 * Lambda INIT duration (no runtime bootstrap, no network, this machine's Node rather than the nodejs22.x runtime).
 */

export interface HandlerBenchOptions {
  /** Fresh processes per bundle; the median is reported. */
  runs: number;
}

export const HANDLER_DEFAULTS: HandlerBenchOptions = { runs: 7 };

const TARGET_RATIO = 1.5;
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
  bytes: number;
  zipBytes: number;
  /** Minified bytes per package (scripts/bundle.mjs's manifest; undefined for the baseline). */
  bytesByPackage?: Record<string, number>;
  initMs: number[];
}

const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;

/** The deflated size of the file (what a zip of it would roughly weigh), for the baseline, which bundle.mjs does not zip. */
function deflatedBytes(file: string): number {
  return deflateRawSync(readFileSync(file), { level: 9 }).length;
}

/** One fresh `node` process requires the bundle and prints the ms spent in require(). */
function coldInit(file: string, cwd: string): number {
  const script =
    "const t0=process.hrtime.bigint();require(process.argv[1]);" +
    "const t1=process.hrtime.bigint();process.stdout.write(String(Number(t1-t0)/1e6))";
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
  const ms = Number(r.stdout.trim());
  if (r.status !== 0 || !Number.isFinite(ms)) {
    throw new BenchAbort(`require(${file}) failed in a fresh process (exit ${r.status}):\n${r.stderr.slice(0, 2000)}`);
  }
  return ms;
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

async function buildBare(dir: string, name: string, source: string): Promise<string> {
  const root = packageRoot();
  mkdirSync(join(dir, name), { recursive: true });
  const outfile = join(dir, name, "index.js");
  // The same options as scripts/bundle.mjs (minus its policy-pack plugin, which a bare handler does not need).
  await build({
    stdin: { contents: source, resolveDir: root, loader: "ts", sourcefile: `${name}.ts` },
    absWorkingDir: root,
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    mainFields: ["module", "main"],
    minify: true,
    keepNames: true,
    outfile,
    logLevel: "warning",
  });
  return outfile;
}

function buildFunctions(dir: string): void {
  const root = packageRoot();
  const r = spawnSync(process.execPath, [join(root, "scripts", "bundle.mjs"), "--out", dir], {
    cwd: root,
    encoding: "utf8",
  });
  if (r.status !== 0) throw new BenchAbort(`scripts/bundle.mjs failed (exit ${r.status}):\n${r.stderr}`);
}

export async function runHandlerBench(options: HandlerBenchOptions): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "guardrail-bench-handlers-"));
  try {
    buildFunctions(dir);
    const baselineFile = await buildBare(dir, "baseline", BASELINE_SOURCE);
    const floorFile = await buildBare(dir, "floor", FLOOR_SOURCE);
    const names = readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .map((f) => f.slice(0, -5))
      .sort();
    const bundles: Bundle[] = [
      {
        name: "baseline (SQSClient)",
        file: baselineFile,
        bytes: statSync(baselineFile).size,
        zipBytes: deflatedBytes(baselineFile),
        initMs: [],
      },
      {
        name: "floor (Config client + Powertools logger, metrics, tracer)",
        file: floorFile,
        bytes: statSync(floorFile).size,
        zipBytes: deflatedBytes(floorFile),
        initMs: [],
      },
      ...names.map((name) => {
        const manifest = JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8")) as {
          bundleBytes: number;
          zipBytes: number;
          bytesByPackage: Record<string, number>;
        };
        const file = join(dir, name, "index.js");
        return {
          name,
          file,
          bytes: manifest.bundleBytes,
          zipBytes: manifest.zipBytes,
          bytesByPackage: manifest.bytesByPackage,
          initMs: [],
        };
      }),
    ];

    // One untimed load each (file cache), then the timed runs interleaved so drift hits every bundle alike.
    for (const b of bundles) coldInit(b.file, dirOf(b.file));
    for (let i = 0; i < options.runs; i++) for (const b of bundles) b.initMs.push(coldInit(b.file, dirOf(b.file)));

    const base = bundles[0] as Bundle;
    const floor = bundles[1] as Bundle;
    const baseInit = median(base.initMs);
    const floorInit = median(floor.initMs);
    const rows: Row[] = [
      {
        figure: `${base.name} bundle`,
        value: `${kb(base.bytes)} (${kb(base.zipBytes)} deflated)`,
        status: "INFO",
      },
      { figure: `${base.name} cold init`, value: fmtMsFine(baseInit), status: "INFO" },
      {
        figure: "floor bundle",
        value: kb(floor.bytes),
        baseline: `${(floor.bytes / base.bytes).toFixed(2)}x`,
        status: "INFO",
      },
      {
        figure: "floor cold init",
        value: fmtMsFine(floorInit),
        baseline: `${(floorInit / baseInit).toFixed(2)}x`,
        status: "INFO",
      },
      {
        figure: "Cloud Custodian policy package",
        value: kb(CUSTODIAN_POLICY_PACKAGE_BYTES),
        baseline: "API Gateway TLS policy",
        status: "INFO",
      },
    ];
    const notes: string[] = [];
    for (const b of bundles.slice(2)) {
      const sizeRatio = b.bytes / base.bytes;
      const init = median(b.initMs);
      const initRatio = init / baseInit;
      const vsCustodian = b.zipBytes / CUSTODIAN_POLICY_PACKAGE_BYTES;
      rows.push({
        figure: `${b.name} bundle`,
        value: `${kb(b.bytes)} (zip ${kb(b.zipBytes)}, ${vsCustodian.toFixed(2)}x Custodian)`,
        baseline: `${kb(base.bytes)}, ${sizeRatio.toFixed(2)}x`,
        target: `<= ${TARGET_RATIO}x`,
        status: check(sizeRatio <= TARGET_RATIO),
      });
      rows.push({
        figure: `${b.name} cold init`,
        value: fmtMsFine(init),
        baseline: `${fmtMsFine(baseInit)}, ${initRatio.toFixed(2)}x`,
        target: `<= ${TARGET_RATIO}x`,
        status: check(initRatio <= TARGET_RATIO),
      });
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
    console.log(`  duration; node ${process.version} here, the functions run on nodejs22.x.`);
    console.log("  Cloud Custodian's 733 KB is its policy package (the zip Lambda deploys); compare it with our zips.");
    console.log(
      `  runs (ms): ${bundles.map((b) => `${b.name} ${b.initMs.map((m) => m.toFixed(1)).join("/")}`).join("; ")}`,
    );
    if (notes.length > 0) {
      console.log("  where the bytes of the bundles over the target go (minified bytes per package, largest first;");
      console.log("  cold init grows with them: V8 compiles and runs the whole bundle; docs/decisions.md 24):");
      for (const n of notes) console.log(`    ${n}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
