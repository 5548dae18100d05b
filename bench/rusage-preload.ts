import { writeFileSync } from "node:fs";

/**
 * Preloaded into benchmark child processes (`node -r dist/bench/rusage-preload.js ...`): at exit, writes the
 * process's own resource usage to the file named by BENCH_RUSAGE_OUT. `maxRSS` is getrusage's ru_maxrss, the
 * peak resident set size in KiB, which a parent cannot read for a Node child otherwise.
 */
const out = process.env.BENCH_RUSAGE_OUT;
if (out) {
  process.on("exit", () => {
    const u = process.resourceUsage();
    writeFileSync(
      out,
      JSON.stringify({ maxRssKiB: u.maxRSS, userMs: u.userCPUTime / 1000, systemMs: u.systemCPUTime / 1000 }),
    );
  });
}
