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
  /** Snapshot files or directories, or s3://bucket/prefix. */
  snapshot?: string[];
  /** Describe the caller's account now. */
  live?: boolean;
  /** With --live: Regions to describe. */
  region?: string[];
  /** A Config aggregator's name. */
  aggregator?: string;
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
  const sources = [
    snapshots.length > 0 && "--snapshot",
    templates.length > 0 && "--template",
    opts.live && "--live",
    opts.aggregator !== undefined && "--aggregator",
  ].filter((s): s is string => typeof s === "string");
  if (sources.length === 0) {
    throw new UsageError(
      "give --snapshot (AWS Config snapshots), --template (CloudFormation templates), --live (your account now) or --aggregator (a Config aggregator)",
    );
  }
  if (sources.length > 1) {
    throw new UsageError(`${sources.join(" and ")} are separate scans (one report each); run them one at a time`);
  }
  if (opts.region?.length && !opts.live) throw new UsageError("--region applies to --live scans");
  const regions = opts.live ? liveRegions(opts.region) : [];
  if (opts.aggregator !== undefined && !/^[\w-]{1,256}$/.test(opts.aggregator)) {
    throw new UsageError(
      `--aggregator "${opts.aggregator}" is not a configuration aggregator name (letters, digits, - and _)`,
    );
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
    templates.length > 0 || opts.live || opts.aggregator !== undefined || snapshots.every((s) => s.startsWith("s3://"))
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
    const unit = opts.live ? "Region/type pairs" : opts.aggregator !== undefined ? "resource types" : "files";
    const onProgress = (p: { filesDone: number; filesTotal: number; bytes: number; items: number }) => {
      const secs = (Date.now() - started) / 1000;
      const bytes = p.bytes > 0 ? `, ${formatBytes(p.bytes)}` : "";
      progress.update(
        `scanning: ${p.filesDone}/${p.filesTotal} ${unit}${bytes}, ${p.items.toLocaleString("en-US")} items (${Math.round(p.items / Math.max(secs, 0.001)).toLocaleString("en-US")}/s)`,
      );
    };
    const engine = pack.engine;
    let summary: ScanSummary;
    if (templates.length > 0) {
      summary = await scanTemplateFiles({ inputs: templates, engine, writer, parameters, onProgress });
    } else if (opts.live) {
      const { scanLive, LiveScanError } = await import("../../lib/scan/live");
      try {
        summary = await scanLive({ engine, writer, regions, onProgress });
      } catch (e) {
        if (e instanceof LiveScanError) throw new UsageError(e.message);
        throw e;
      }
    } else if (opts.aggregator !== undefined) {
      const { scanAggregator } = await import("../../lib/scan/aggregator");
      summary = await scanAggregator({ aggregator: opts.aggregator, engine, writer, onProgress });
    } else {
      summary = await scanConfigFiles({ inputs: snapshots, engine, writer, pool, onProgress });
    }
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
    // A path that holds no snapshot or template (a mistyped folder, the wrong one) reads nothing: never a green run.
    const files = snapshots.length > 0 || templates.length > 0;
    if (files && summary.files.read === 0 && summary.files.failed === 0) {
      err(`guardrail: nothing was read: no ${templates.length > 0 ? "CloudFormation or Serverless template" : "Config snapshot or item file (.json, .json.gz)"} under ${[...snapshots, ...templates].join(", ")}`); // prettier-ignore
      return EXIT.incomplete;
    }
    return scanExitCode(summary, opts.failOn, opts.failOnUnknown);
  } finally {
    await pool?.close();
    if (file && !committed) await file.abort();
  }
}

/** --region values, else the environment's Region: a live scan never guesses where to look. */
function liveRegions(given: string[] | undefined): string[] {
  const regions = given?.length
    ? given
    : [process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || ""].filter(Boolean);
  if (regions.length === 0) throw new UsageError("--live needs a Region: give --region (repeatable) or set AWS_REGION");
  const bad = regions.find((r) => !/^[a-z]{2}(-[a-z]+)+-\d$/.test(r));
  if (bad !== undefined) throw new UsageError(`--region "${bad}" is not an AWS Region name (e.g. eu-west-1)`);
  return [...new Set(regions)];
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
