import { once } from "node:events";
import { createReportWriter } from "../../lib/report";
import type { ReportFormat, ScanSummary } from "../../lib/report/types";
import { ScanPool, scanConfigFiles } from "../../lib/scan";
import { parseParameters, scanTemplateFiles } from "../../lib/scan/template";
import { SEVERITIES, type Severity } from "../../lib/policy/types";
import { EXIT } from "../exit";
import { UsageError, loadPack, packSpec } from "../pack-options";
import { OutputFile } from "../output";
import { Progress, formatBytes } from "../progress";

export interface ScanCommandOptions {
  snapshot?: string[];
  /** CloudFormation / Serverless templates (files or directories). */
  template?: string[];
  /** `Key=Value` template parameters. */
  parameter?: string[];
  format: ReportFormat;
  out?: string;
  policies?: string[];
  pack?: string[];
  builtin?: boolean;
  policy?: string[];
  exemptions?: string;
  failOn?: Severity;
  progress?: boolean;
  workers?: number;
  /** Exit 1 on UNKNOWN template verdicts too (at or above --fail-on). */
  failOnUnknown?: boolean;
}

export async function scanCommand(opts: ScanCommandOptions): Promise<number> {
  const err = (line: string) => process.stderr.write(line + "\n");
  const snapshots = opts.snapshot ?? [];
  const templates = opts.template ?? [];
  if (snapshots.length === 0 && templates.length === 0) {
    throw new UsageError("give --snapshot (AWS Config snapshots) or --template (CloudFormation templates)");
  }
  if (snapshots.length > 0 && templates.length > 0) {
    throw new UsageError("--snapshot and --template are separate scans (one report each); run them one at a time");
  }
  let parameters: Record<string, string>;
  try {
    parameters = parseParameters(opts.parameter);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (snapshots.length > 0 && opts.parameter?.length) throw new UsageError("--parameter applies to --template scans");
  const spec = packSpec(opts);
  const file = opts.out ? await OutputFile.open(opts.out) : undefined;
  let committed = false;
  const writer = createReportWriter(opts.format, {
    out: file?.stream ?? process.stdout,
    color: !file && opts.format === "table" && process.stdout.isTTY === true && !process.env.NO_COLOR,
  });
  // The workers compile the pack while this thread compiles its own copy to validate it.
  // Templates are few and small: they are scanned in this thread.
  const pool =
    templates.length > 0
      ? undefined
      : ScanPool.start({
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
    const onProgress = (p: { filesDone: number; filesTotal: number; bytes: number; items: number }) => {
      const secs = (Date.now() - started) / 1000;
      progress.update(
        `scanning: ${p.filesDone}/${p.filesTotal} files, ${formatBytes(p.bytes)}, ${p.items.toLocaleString("en-US")} items (${Math.round(p.items / Math.max(secs, 0.001)).toLocaleString("en-US")}/s)`,
      );
    };
    const summary =
      templates.length > 0
        ? await scanTemplateFiles({ inputs: templates, engine: pack.engine, writer, parameters, onProgress })
        : await scanConfigFiles({ inputs: snapshots, engine: pack.engine, writer, pool, onProgress });
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
    return scanExitCode(summary, opts.failOn, opts.failOnUnknown);
  } finally {
    await pool?.close();
    if (file && !committed) await file.abort();
  }
}

export function scanExitCode(summary: ScanSummary, failOn?: Severity, failOnUnknown = false): number {
  if (summary.problems.some((p) => p.level === "error")) return EXIT.incomplete;
  if (failOn) {
    const limit = SEVERITIES.indexOf(failOn);
    const failing = SEVERITIES.filter((_, i) => i <= limit).some((s) => summary.violationsBySeverity[s] > 0);
    if (failing) return EXIT.findings;
  }
  if (failOnUnknown) {
    // UNKNOWN (template scans) of policies at or above --fail-on (any severity without it).
    const limit = failOn ? SEVERITIES.indexOf(failOn) : SEVERITIES.length;
    const unknown = summary.policies.some(
      (p) => SEVERITIES.indexOf(p.severity) <= limit && (summary.byPolicy[p.id]?.UNKNOWN ?? 0) > 0,
    );
    if (unknown) return EXIT.findings;
  }
  return EXIT.ok;
}
