import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { gunzipSync } from "node:zlib";

/**
 * The scan's worker path (built: worker threads run dist/lib/scan/worker.js) with every file cut into many parts
 * (a tiny part size, so the main thread also stops asking for later files' parts and asks again), against the
 * same built scan in one thread: the same report, in the same order, including a file that breaks off midway.
 */
const ROOT = join(__dirname, "..");

beforeAll(() => {
  if (!existsSync(join(ROOT, "dist", "lib", "scan", "worker.js"))) {
    execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: ROOT, stdio: "inherit" });
  }
});

/* eslint-disable @typescript-eslint/no-require-imports -- the built modules, loaded at run time */
const built = () => ({
  scan: require(join(ROOT, "dist", "lib", "scan")) as typeof import("../lib/scan"),
  report: require(join(ROOT, "dist", "lib", "report")) as typeof import("../lib/report"),
  pack: require(join(ROOT, "dist", "lib", "pack", "load")) as typeof import("../lib/pack/load"),
  fleet: require(join(ROOT, "dist", "fleet", "generate")) as typeof import("../fleet/generate"),
});
/* eslint-enable @typescript-eslint/no-require-imports */

describe("scan on worker threads, files in parts", () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  test("the same report as one thread, in the same order, a broken file included", async () => {
    const { scan, report, pack, fleet } = built();
    const dir = mkdtempSync(join(tmpdir(), "guardrail-parts-"));
    dirs.push(dir);
    const manifest = await fleet.generateFleet({
      services: 850,
      seed: 5,
      violationRate: 0.3,
      outDir: join(dir, "fleet"),
    });
    // A copy of one snapshot that breaks off two thirds of the way in, outside the AWSLogs layout.
    const broken = join(dir, "broken");
    mkdirSync(broken);
    const whole = gunzipSync(readFileSync(manifest.snapshotFiles[0] as string));
    writeFileSync(join(broken, "cut.json"), whole.subarray(0, Math.floor((whole.length * 2) / 3)));
    const inputs = [join(dir, "fleet", "AWSLogs"), broken];
    const spec = { now: "2026-12-01T00:00:00.000Z" };
    const { engine } = pack.loadPackWithExtensions(spec);

    const run = async (format: "json" | "sarif", workers: number) => {
      const out = new PassThrough();
      let text = "";
      out.on("data", (d: Buffer) => (text += d.toString("utf8")));
      const writer = report.createReportWriter(format, { out, color: false });
      const pool =
        workers > 1 ? scan.ScanPool.start({ pack: spec, writer, format, workers, partChars: 200_000 }) : undefined;
      try {
        const summary = await scan.scanConfigFiles({ inputs, engine, writer, ...(pool ? { pool } : {}) });
        return { text, summary };
      } finally {
        await pool?.close();
      }
    };

    const one = await run("json", 1);
    const two = await run("json", 2);
    const results = (t: string) => (JSON.parse(t) as { results: unknown[] }).results;
    expect(results(one.text).length).toBeGreaterThan(500);
    expect(results(two.text)).toEqual(results(one.text));
    const { startedAt: _s, durationMs: _d, ...rest } = one.summary;
    expect(two.summary).toMatchObject(rest);
    expect(one.summary.files).toEqual({ read: manifest.snapshotFiles.length, failed: 1 });
    expect(one.summary.problems.filter((p) => p.level === "error")).toEqual([
      {
        level: "error",
        file: join(broken, "cut.json"),
        message: expect.stringMatching(
          /^not JSON: unexpected end of data .*at byte \d+, in \/configurationItems\/\d+$/,
        ),
      },
    ]);
    // The items before the break were judged: the cut file's resources are in the report.
    const cut = results(one.text).filter((r) => (r as { source: { file: string } }).source.file.startsWith(broken));
    expect(cut.length).toBeGreaterThan(0);

    // A writer that takes evaluations (violations only), not encoded records.
    const sarif = (t: string) => (JSON.parse(t) as { runs: { results: unknown[] }[] }).runs[0]?.results;
    expect(sarif((await run("sarif", 2)).text)).toEqual(sarif((await run("sarif", 1)).text));
  });
});
