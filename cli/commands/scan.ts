import { once } from "node:events";
import { createReportWriter } from "../../lib/report";
import type { ReportFormat, ScanSummary } from "../../lib/report/types";
import { ScanPool, scanConfigFiles } from "../../lib/scan";
import { SEVERITIES, type Severity } from "../../lib/policy/types";
import { EXIT } from "../exit";
import { loadPack, packSpec } from "../pack";
import { OutputFile } from "../output";
import { Progress, formatBytes } from "../progress";

export interface ScanCommandOptions {
  snapshot: string[];
  format: ReportFormat;
  out?: string;
  policies?: string[];
  policy?: string[];
  exemptions?: string;
  failOn?: Severity;
  progress?: boolean;
  workers?: number;
}

export async function scanCommand(opts: ScanCommandOptions): Promise<number> {
  const err = (line: string) => process.stderr.write(line + "\n");
  const spec = packSpec(opts);
  const file = opts.out ? await OutputFile.open(opts.out) : undefined;
  let committed = false;
  const writer = createReportWriter(opts.format, {
    out: file?.stream ?? process.stdout,
    color: !file && opts.format === "table" && process.stdout.isTTY === true && !process.env.NO_COLOR,
  });
  // The workers compile the pack while this thread compiles its own copy to validate it.
  const pool = ScanPool.start({
    pack: spec,
    writer,
    format: opts.format,
    ...(opts.workers ? { workers: opts.workers } : {}),
  });
  try {
    const pack = loadPack(spec, err);
    if (pack.problems.length > 0) {
      err(
        `guardrail: ${pack.problems.length} problem(s) in the policies or exemptions; fix them (guardrail validate) before scanning`,
      );
      return EXIT.usage;
    }
    const progress = new Progress(process.stderr, opts.progress === false ? false : undefined);
    const started = Date.now();
    const summary = await scanConfigFiles({
      inputs: opts.snapshot,
      engine: pack.engine,
      writer,
      pool,
      onProgress: (p) => {
        const secs = (Date.now() - started) / 1000;
        progress.update(
          `scanning: ${p.filesDone}/${p.filesTotal} files, ${formatBytes(p.bytes)}, ${p.items.toLocaleString("en-US")} items (${Math.round(p.items / Math.max(secs, 0.001)).toLocaleString("en-US")}/s)`,
        );
      },
    });
    progress.done();
    if (file) {
      await file.commit();
      committed = true;
      err(`report written to ${opts.out}`);
    } else if (process.stdout.writableNeedDrain) {
      await once(process.stdout, "drain");
    }
    // Input problems go to stderr too, so they are seen whatever the report format.
    if (opts.format !== "table" || file) {
      for (const p of summary.problems) err(`${p.level}: ${p.file}${p.pointer ? ` ${p.pointer}` : ""}: ${p.message}`);
    }
    return scanExitCode(summary, opts.failOn);
  } finally {
    await pool.close();
    if (file && !committed) await file.abort();
  }
}

export function scanExitCode(summary: ScanSummary, failOn?: Severity): number {
  if (summary.problems.some((p) => p.level === "error")) return EXIT.incomplete;
  if (failOn) {
    const limit = SEVERITIES.indexOf(failOn);
    const failing = SEVERITIES.filter((_, i) => i <= limit).some((s) => summary.violationsBySeverity[s] > 0);
    if (failing) return EXIT.findings;
  }
  return EXIT.ok;
}
