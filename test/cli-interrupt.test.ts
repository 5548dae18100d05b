import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateFleet } from "../fleet/generate";

/**
 * Ctrl-C in the middle of a run: the report being written is not left half-written or empty where the previous one
 * was, its temporary file is removed, the run says it was interrupted, and it exits 130 as a shell reports SIGINT.
 */
const ROOT = join(__dirname, "..");
const BIN = join(ROOT, "bin", "guardrail.js");

beforeAll(() => {
  if (!existsSync(join(ROOT, "dist", "cli", "main.js"))) {
    execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: ROOT, stdio: "inherit" });
  }
});

async function waitFor(found: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!found()) {
    if (Date.now() > until) throw new Error(`not seen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe("an interrupted run", () => {
  const dir = mkdtempSync(join(tmpdir(), "guardrail-interrupt-"));

  beforeAll(async () => {
    // Enough items that the scan is still running when the signal arrives: the report's temporary file is opened
    // before any work, so seeing it means the run has started and has not finished.
    await generateFleet({ services: 2_000, seed: 11, outDir: join(dir, "fleet") });
  }, 120_000);

  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)(
    "%s during scan: exit %i, the previous report kept, no temporary file left, the interruption said",
    async (signal, code) => {
      const report = join(dir, `report-${signal}.json`);
      writeFileSync(report, "previous report\n");
      const child = spawn(
        process.execPath,
        [BIN, "scan", "--snapshot", join(dir, "fleet", "AWSLogs"), "--format", "json", "--out", report],
        { cwd: ROOT, env: { ...process.env, CI: "true", NO_COLOR: "1" } },
      );
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
      const partial = () => readdirSync(dir).some((f) => f.startsWith(`.report-${signal}.json.`));
      await waitFor(partial, 60_000);
      child.kill(signal);
      expect(await exited).toBe(code);
      expect(stderr).toContain(`guardrail: interrupted by ${signal}; not written: ${report}`);
      expect(readFileSync(report, "utf8")).toBe("previous report\n");
      expect(partial()).toBe(false);
    },
    120_000,
  );
});
