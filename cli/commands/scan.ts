import { once } from "node:events";
import { createReportWriter } from "../../lib/report";
import { asffTemplateProblem } from "../../lib/report/asff";
import type { ReportFormat, ReportWriter, ScanSummary } from "../../lib/report/types";
import type { ScanSettings } from "../../lib/pack/config";
import { plural } from "../../lib/util/words";
import { ScanPool, scanConfigFiles } from "../../lib/scan";
import { parseParameters, scanTemplateFiles } from "../../lib/scan/template";
import { baselineWriter, type BaselineRun } from "../../lib/scan/baseline";
import { existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { resourceTypesOf, SEVERITIES, type Severity } from "../../lib/policy/types";
import { EXIT } from "../exit";
import { UsageError, loadPack, packSpec, projectConfig } from "../pack-options";
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
  /** Default: guardrail.config.json's, else table. */
  format?: ReportFormat;
  out?: string;
  policies?: string[];
  pack?: string[];
  builtin?: boolean;
  policy?: string[];
  skipPolicy?: string[];
  severity?: string[];
  framework?: string[];
  type?: string[];
  exemptions?: string;
  failOn?: Severity;
  /** Findings never exit 1. */
  softFail?: boolean;
  progress?: boolean;
  /** Only the report and errors on the terminal. */
  quiet?: boolean;
  workers?: number;
  /** Exit 1 on UNKNOWN template verdicts too (at or above --fail-on). */
  failOnUnknown?: boolean;
  /** With --template: named files that are not templates are skipped, not errors (pre-commit hooks). */
  skipNonTemplates?: boolean;
  /** A baseline file: its findings are reported as suppressed (guardrail.config.json's `scan.baseline`). */
  baseline?: string;
  /** Write this scan's violations to a baseline file. */
  createBaseline?: string;
}

/**
 * The options with guardrail.config.json's `scan` settings filled in where the command line gave none: an option
 * given wins, a list option replaces the file's list, and template parameters are merged (the option's win).
 */
export function withProjectSettings(
  given: ScanCommandOptions,
  settings: ScanSettings = {},
): ScanCommandOptions & { format: ReportFormat } {
  const opts: ScanCommandOptions & { format: ReportFormat } = {
    ...given,
    format: given.format ?? settings.format ?? "table",
  };
  const lists = ["policy", "skipPolicy", "severity", "framework", "type"] as const;
  for (const k of lists) if (!opts[k]?.length && settings[k]?.length) opts[k] = settings[k];
  const scalars = ["failOn", "softFail", "failOnUnknown", "out", "quiet", "baseline"] as const;
  for (const k of scalars)
    if (opts[k] === undefined && settings[k] !== undefined) Object.assign(opts, { [k]: settings[k] });
  return opts;
}

export async function scanCommand(given: ScanCommandOptions): Promise<number> {
  const config = projectConfig();
  const opts = withProjectSettings(given, config?.scan);
  const err = (line: string) => process.stderr.write(line + "\n");
  const warn = opts.quiet ? () => undefined : err;
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
    parameters = { ...config?.scan.parameters, ...parseParameters(opts.parameter) };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (snapshots.length > 0 && opts.parameter?.length) throw new UsageError("--parameter applies to --template scans");
  const asffProblem = templates.length > 0 && opts.format === "asff" ? asffTemplateProblem(parameters) : undefined;
  if (asffProblem) throw new UsageError(asffProblem);
  const spec = { ...packSpec(opts, config), ...(opts.baseline ? { baselineFile: opts.baseline } : {}) };
  if (opts.createBaseline !== undefined && !existsSync(dirname(resolve(opts.createBaseline)))) {
    throw new UsageError(`--create-baseline ${opts.createBaseline}: no such folder`);
  }
  if (opts.createBaseline !== undefined && existsSync(opts.createBaseline) && !statSync(opts.createBaseline).isFile()) {
    throw new UsageError(`--create-baseline ${opts.createBaseline}: is a folder; name a file in it`);
  }
  const file = opts.out ? await OutputFile.open(opts.out) : undefined;
  let committed = false;
  const report = createReportWriter(opts.format, {
    out: file?.stream ?? process.stdout,
    color: !file && opts.format === "table" && process.stdout.isTTY === true && !process.env.NO_COLOR,
  });
  // --quiet: the table report leaves out the input warnings too (errors stay); the other formats are data.
  const reportWriter: ReportWriter =
    opts.quiet && opts.format === "table"
      ? Object.assign(Object.create(report) as ReportWriter, {
          finish: (s: ScanSummary) => report.finish({ ...s, problems: s.problems.filter((p) => p.level === "error") }),
        })
      : report;
  // A baseline's writer sees every violation (to write --create-baseline, and name --baseline entries gone).
  const baselineRun: BaselineRun = opts.createBaseline ? { create: opts.createBaseline } : {};
  const recorder = opts.baseline || opts.createBaseline ? baselineWriter(reportWriter, baselineRun) : undefined;
  const writer: ReportWriter = recorder ?? reportWriter;
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
        `guardrail: ${plural(pack.problems.length, "problem")} in the policies, exemptions or baseline (named above); fix them before scanning`,
      );
      return EXIT.usage;
    }
    const progress = new Progress(process.stderr, opts.progress === false || opts.quiet ? false : undefined);
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
    if (engine.exemptions.baseline) baselineRun.baseline = engine.exemptions.baseline;
    let summary: ScanSummary;
    if (templates.length > 0) {
      summary = await scanTemplateFiles({
        inputs: templates,
        engine,
        writer,
        parameters,
        onProgress,
        ...(opts.skipNonTemplates ? { skipNonTemplates: true } : {}),
      });
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
    if (opts.createBaseline) {
      const n = recorder?.created() ?? 0;
      warn(
        `baseline of ${plural(n, "violation")} written to ${opts.createBaseline}; scan with --baseline ${opts.createBaseline}`,
      );
    }
    if (file) {
      await file.commit();
      committed = true;
      warn(`report written to ${opts.out}`);
    } else if (process.stdout.writableNeedDrain) {
      await once(process.stdout, "drain");
    }
    // Input problems go to stderr too, so they are seen whatever the report format.
    if (opts.format !== "table" || file) {
      for (const p of summary.problems) {
        (p.level === "error" ? err : warn)(`${p.level}: ${p.file}${p.pointer ? ` ${p.pointer}` : ""}: ${p.message}`);
      }
    }
    // A path that holds no snapshot or template (a mistyped folder, the wrong one) reads nothing: never a green run.
    const files = snapshots.length > 0 || templates.length > 0;
    if (files && summary.files.read === 0 && summary.files.failed === 0) {
      // A commit that stages no template (only package.json, a workflow) has nothing to scan, and that is fine.
      if (opts.skipNonTemplates && templates.length > 0) {
        warn(
          `guardrail: no CloudFormation or Serverless template among ${plural(templates.length, "file")}; nothing to scan`,
        );
        return EXIT.ok;
      }
      err(`guardrail: nothing was read: no ${templates.length > 0 ? "CloudFormation or Serverless template" : "Config snapshot or item file (.json, .json.gz)"} under ${[...snapshots, ...templates].join(", ")}`); // prettier-ignore
      return EXIT.incomplete;
    }
    // A live or aggregator scan that found no resource of a covered type judged nothing: a wrong Region, account
    // or aggregator must not pass CI green either (an estate without any covered resource is rare enough to ask).
    const unread = !summary.problems.some((p) => p.level === "error") && summary.items.read === 0;
    if ((opts.live || opts.aggregator !== undefined) && unread) {
      const types = new Set(pack.policies.flatMap((p) => resourceTypesOf(p.policy))).size;
      const where = opts.live
        ? `the account in ${regions.join(", ")}`
        : `aggregator ${opts.aggregator} (run it in the aggregator's account and Region)`;
      err(`guardrail: nothing was read: no resource of the ${plural(types, "type")} the policies judge in ${where}`);
      return EXIT.incomplete;
    }
    return scanExitCode(summary, opts.failOn, opts.failOnUnknown, opts.softFail);
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

/**
 * 3 when some input could not be read; else 1 for findings: any violation, or with `failOn` those at or above it,
 * and with `failOnUnknown` UNKNOWN template verdicts too; `softFail` makes findings 0.
 */
export function scanExitCode(summary: ScanSummary, failOn?: Severity, failOnUnknown = false, softFail = false): number {
  if (summary.problems.some((p) => p.level === "error")) return EXIT.incomplete;
  if (softFail) return EXIT.ok;
  const limit = failOn ? SEVERITIES.indexOf(failOn) : SEVERITIES.length;
  if (SEVERITIES.some((s, i) => i <= limit && (summary.violationsBySeverity[s] ?? 0) > 0)) return EXIT.findings;
  if (failOnUnknown) {
    // UNKNOWN (template scans) of policies at or above --fail-on (any severity without it).
    const unknown = summary.policies.some(
      (p) => SEVERITIES.indexOf(p.severity) <= limit && (summary.byPolicy[p.id]?.UNKNOWN ?? 0) > 0,
    );
    if (unknown) return EXIT.findings;
  }
  return EXIT.ok;
}
