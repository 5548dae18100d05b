import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { sqsSnapshot } from "./helpers/sqs-snapshot";

/**
 * A baseline applies in scan worker threads too (built: workers run dist/lib/scan/worker.js and build their engine
 * from the pack spec, which names the baseline file), with the report the same as a one-thread scan's.
 */
const ROOT = join(__dirname, "..");

beforeAll(() => {
  if (!existsSync(join(ROOT, "dist", "lib", "scan", "baseline.js"))) {
    execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: ROOT, stdio: "inherit" });
  }
});

/* eslint-disable @typescript-eslint/no-require-imports -- the built modules, loaded at run time */
const built = () => ({
  scan: require(join(ROOT, "dist", "lib", "scan")) as typeof import("../lib/scan"),
  baseline: require(join(ROOT, "dist", "lib", "scan", "baseline")) as typeof import("../lib/scan/baseline"),
  report: require(join(ROOT, "dist", "lib", "report")) as typeof import("../lib/report"),
  pack: require(join(ROOT, "dist", "lib", "pack", "load")) as typeof import("../lib/pack/load"),
});
/* eslint-enable @typescript-eslint/no-require-imports */

describe("baseline in scan workers", () => {
  const dir = mkdtempSync(join(tmpdir(), "guardrail-baseline-workers-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("--create-baseline then --baseline: every violation then none, on two workers as on one thread", async () => {
    const { scan, baseline, report, pack } = built();
    for (let i = 0; i < 4; i++) {
      writeFileSync(join(dir, `snap-${i}.json`), sqsSnapshot([`orders-${i}`, `legacy-${i}`, `jobs-${i}`]));
    }
    const inputs = [dir];
    const file = join(dir, "baseline.json.txt");

    const run = async (spec: { now: string; baselineFile?: string }, workers: number, create?: string) => {
      const { engine } = pack.loadPackWithExtensions(spec);
      const out = new PassThrough();
      let text = "";
      out.on("data", (d: Buffer) => (text += d.toString("utf8")));
      const writer = baseline.baselineWriter(report.createReportWriter("json", { out, color: false }), {
        ...(engine.exemptions.baseline ? { baseline: engine.exemptions.baseline } : {}),
        ...(create ? { create } : {}),
      });
      const pool = workers > 1 ? scan.ScanPool.start({ pack: spec, writer, format: "json", workers }) : undefined;
      try {
        const summary = await scan.scanConfigFiles({ inputs, engine, writer, ...(pool ? { pool } : {}) });
        return { results: (JSON.parse(text) as { results: { compliance: string; exemption?: { source: string } }[] }).results, summary }; // prettier-ignore
      } finally {
        await pool?.close();
      }
    };

    const now = "2026-12-01T00:00:00.000Z";
    const first = await run({ now }, 2, file);
    const violations = first.results.filter((r) => r.compliance === "NON_COMPLIANT").length;
    expect(violations).toBeGreaterThan(10);
    const entries = (JSON.parse(readFileSync(file, "utf8")) as { violations: unknown[] }).violations;
    expect(entries).toHaveLength(violations);

    const two = await run({ now, baselineFile: file }, 2);
    const one = await run({ now, baselineFile: file }, 1);
    expect(two.results).toEqual(one.results);
    expect(two.results.filter((r) => r.compliance === "NON_COMPLIANT")).toEqual([]);
    expect(two.results.filter((r) => r.exemption?.source === "baseline")).toHaveLength(violations);
    expect(two.summary.violationsBySeverity).toEqual(one.summary.violationsBySeverity);
    expect(two.summary.problems).toEqual([]);
  });
});
