import { once } from "node:events";
import { loadRemediationRecords } from "../../lib/audit/records";
import { resourceAdapters } from "../../lib/resources/registry";
import { VERSION } from "../../lib/util/version";
import type { AuditFilters, AuditReport } from "../../lib/audit/model";
import { renderAudit, type AuditFormat } from "../../lib/audit/render";
import { runAudit, startAuditPool } from "../../lib/audit/run";
import { AuditInputError } from "../../lib/audit/source";
import { EXIT } from "../exit";
import { loadPack, packSpec, UsageError } from "../pack-options";
import type { Engine } from "../../lib/engine/evaluate";
import type { Pack, PackSpec } from "../../lib/pack";
import { OutputFile } from "../output";
import { Progress, formatBytes } from "../progress";
import { plural } from "../../lib/util/words";

export interface AuditCommandOptions {
  trail: string;
  records?: string;
  from?: string;
  to?: string;
  accounts?: string[];
  regions?: string[];
  format: AuditFormat;
  out?: string;
  policies?: string[];
  pack?: string[];
  builtin?: boolean;
  exemptions?: string;
  workers?: number;
  progress?: boolean;
  strict?: boolean;
  ciRoles?: string;
  failOnOpen?: boolean;
  engine?: "local" | "athena";
  database?: string;
  workgroup?: string;
  table?: string;
  outputLocation?: string;
}

/** yyyy-mm-dd from a date or an ISO timestamp (its UTC day). */
export function auditDate(value: string, what: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})(T.*)?$/.exec(value.trim());
  if (!m || Number.isNaN(Date.parse(m[2] ? value : `${m[1]}T00:00:00Z`))) {
    throw new UsageError(`${what}: "${value}" is not a date (yyyy-mm-dd)`);
  }
  return m[2] ? new Date(value).toISOString().slice(0, 10) : (m[1] as string);
}

function list(values: string[] | undefined): string[] | undefined {
  const out = (values ?? [])
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter(Boolean);
  return out.length > 0 ? out : undefined;
}

/** The filters and the CI role pattern of the command line, checked. */
function auditFilters(opts: AuditCommandOptions): { filters: AuditFilters; ciRoles?: RegExp } {
  const from = opts.from ? auditDate(opts.from, "--from") : undefined;
  const to = opts.to ? auditDate(opts.to, "--to") : undefined;
  if (from && to && from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
  const accounts = list(opts.accounts);
  for (const a of accounts ?? [])
    if (!/^\d{12}$/.test(a)) throw new UsageError(`--accounts: "${a}" is not a 12-digit account id`);
  const regions = list(opts.regions);
  let ciRoles: RegExp | undefined;
  if (opts.ciRoles) {
    try {
      ciRoles = new RegExp(opts.ciRoles, "i");
    } catch (e) {
      throw new UsageError(`--ci-roles: ${(e as Error).message}`);
    }
  }
  const filters = { ...(from ? { from } : {}), ...(to ? { to } : {}), ...(accounts ? { accounts } : {}), ...(regions ? { regions } : {}) }; // prettier-ignore
  return { filters, ...(ciRoles ? { ciRoles } : {}) };
}

/** The pack has problems (already printed with their places): the audit stops with exit 2. */
class PackProblems extends Error {
  constructor(readonly count: number) {
    super(`${plural(count, "problem")} in the policies`);
  }
}

/**
 * What both engines share around their own work: the policy pack loaded and checked when the engine first asks for
 * it (problems: exit 2), the output file opened first (a bad --out fails before minutes of reading) and removed
 * unless the report was written whole, the report in its format, and an exit code that says whether it is complete
 * and clean.
 */
async function reportCommand(
  opts: AuditCommandOptions,
  spec: PackSpec,
  produce: (engine: () => Engine, progress: Progress) => Promise<AuditReport>,
  nothingRead?: (report: AuditReport) => string | undefined,
): Promise<number> {
  const err = (line: string) => process.stderr.write(line + "\n");
  const file = opts.out ? await OutputFile.open(opts.out) : undefined;
  let committed = false;
  // Loaded and checked when the engine asks for it: the local audit asks once its workers have files to read.
  let pack: Pack | undefined;
  const engine = (): Engine => {
    pack ??= loadPack(spec, err);
    if (pack.problems.length > 0) throw new PackProblems(pack.problems.length);
    return pack.engine;
  };
  try {
    const progress = new Progress(process.stderr, opts.progress === false ? false : undefined);
    const report = await produce(engine, progress);
    progress.done();
    // A wrong --trail or a filter that keeps no file is an error, not an empty report that passes CI.
    const nothing = nothingRead?.(report);
    if (nothing !== undefined) {
      err(`guardrail: ${nothing}`);
      return EXIT.incomplete;
    }
    const text = renderAudit(report, opts.format);
    if (file) {
      file.stream.write(text);
      await file.commit();
      committed = true;
      err(`audit report written to ${opts.out}`);
    } else if (!process.stdout.write(text)) {
      await once(process.stdout, "drain");
    }
    const c = report.coverage;
    for (const s of c.skipped) err(`error: ${s.file}: ${s.reason}`);
    for (const p of c.problems.listed) err(`error: ${p.file}: ${p.record === undefined ? "" : `/Records/${p.record}: `}${p.reason}`); // prettier-ignore
    if (c.problems.total > c.problems.listed.length) {
      err(`error: ${plural(c.problems.total - c.problems.listed.length, "more problem")} in the trail's files (${c.problems.total} in all; the first ${c.problems.listed.length} are named)`); // prettier-ignore
    }
    if (c.problems.recordsLeftOut > 0)
      err(`error: ${plural(c.problems.recordsLeftOut, "record")} left out of the report`);
    // The report is written, but it does not cover everything the input holds.
    if (c.filesSkipped > 0 || c.problems.total > 0) return EXIT.incomplete;
    if (opts.failOnOpen && (report.remediation.open > 0 || report.policyViolations.total > 0)) return EXIT.findings;
    return EXIT.ok;
  } catch (e) {
    if (e instanceof PackProblems) {
      err(`guardrail: ${plural(e.count, "problem")} in the policies; fix them (guardrail validate) first`);
      return EXIT.usage;
    }
    // A location that is not there is input that could not be read (exit 3), as a pattern that matched no file.
    if (e instanceof AuditInputError) {
      err(`guardrail: nothing was read: ${e.message}`);
      return EXIT.incomplete;
    }
    throw e;
  } finally {
    if (file && !committed) await file.abort();
  }
}

export async function auditCommand(opts: AuditCommandOptions): Promise<number> {
  if (opts.engine === "athena") return auditAthenaCommand(opts);
  if (!opts.trail) throw new UsageError("audit: --trail is required (a directory or s3://bucket/prefix)");
  const { filters, ciRoles } = auditFilters(opts);
  const spec = auditPackSpec(opts);
  // The worker threads start now: they load their modules and the pack while this thread checks it.
  const pool = startAuditPool({
    pack: spec,
    filters,
    ...(opts.workers ? { workers: opts.workers } : {}),
    ...(opts.strict ? { strict: true } : {}),
    ...(ciRoles ? { ciRoles } : {}),
  });
  try {
    return await reportCommand(
      opts,
      spec,
      (engine, progress) => {
        const started = Date.now();
        return runAudit({
          trail: opts.trail,
          ...(opts.records ? { records: opts.records } : {}),
          filters,
          pack: spec,
          engine,
          pool,
          ...(opts.strict ? { strict: true } : {}),
          ...(ciRoles ? { ciRoles } : {}),
          onProgress: (p) =>
            progress.update(() => {
              const secs = Math.max((Date.now() - started) / 1000, 0.001);
              return `auditing: ${p.filesDone}/${p.filesTotal} files, ${formatBytes(p.bytes)} (${formatBytes(p.bytes / secs)}/s), ${p.records.toLocaleString("en-US")} records (${Math.round(p.records / secs).toLocaleString("en-US")}/s)`; // prettier-ignore
            }),
        });
      },
      (report) =>
        report.coverage.files === 0 && report.coverage.filesSkipped === 0 ? noLogFileMessage(opts, filters) : undefined,
    );
  } finally {
    await pool.close();
  }
}

/**
 * What was looked for, where, when no log file was read: the layout CloudTrail delivers to (CloudTrail User Guide,
 * "Finding your CloudTrail log files") and the filters that pruned the listing.
 */
export function noLogFileMessage(opts: Pick<AuditCommandOptions, "trail">, filters: AuditFilters): string {
  const kept = [
    filters.from ? `from ${filters.from}` : "",
    filters.to ? `to ${filters.to}` : "",
    filters.accounts ? `accounts ${filters.accounts.join(",")}` : "",
    filters.regions ? `regions ${filters.regions.join(",")}` : "",
  ].filter(Boolean);
  return (
    `nothing was read: no CloudTrail log file (AWSLogs/[o-id/]<account>/CloudTrail/<region>/yyyy/mm/dd/*.json.gz)` +
    ` under ${opts.trail}${kept.length > 0 ? ` ${kept.join(", ")}` : ""}`
  );
}

function auditPackSpec(opts: AuditCommandOptions): PackSpec {
  return packSpec({
    ...(opts.policies ? { policies: opts.policies } : {}),
    ...(opts.pack ? { pack: opts.pack } : {}),
    ...(opts.builtin === false ? { builtin: false } : {}),
    ...(opts.exemptions ? { exemptions: opts.exemptions } : {}),
  });
}

export interface AuditSampleOptions {
  dir: string;
  seed: number;
  days: number;
  recordsPerDay: number;
}

// The fleet generator and the Athena client are loaded by the commands that use them (see cli/main.ts `lazy`).

export async function auditSampleCommand(opts: AuditSampleOptions): Promise<number> {
  const { generateTrail } = await import("../../fleet/trail");
  const progress = new Progress();
  const m = await generateTrail({
    seed: opts.seed,
    outDir: opts.dir,
    days: opts.days,
    recordsPerDay: opts.recordsPerDay,
    onProgress: (done, total) => progress.update(`generating: ${done}/${total} log files`),
  });
  progress.done();
  const t = m.truth;
  process.stdout.write(
    `${t.records.toLocaleString("en-US")} CloudTrail records (${formatBytes(t.bytes)}) in ${t.files} log files under ${opts.dir}/AWSLogs/${m.orgId}\n` +
      `${t.remediationRecords} remediation records under ${opts.dir}/records\n` +
      `next: guardrail audit --trail ${opts.dir} --records ${opts.dir}/records --format html --out audit.html\n`,
  );
  return EXIT.ok;
}

async function auditAthenaCommand(opts: AuditCommandOptions): Promise<number> {
  if (!opts.database || !opts.workgroup) throw new UsageError("--engine athena needs --database and --workgroup");
  const { database, workgroup } = opts;
  const { filters, ciRoles } = auditFilters(opts);
  const [{ runAthenaAudit }, { clientFor }, { service: athena }] = await Promise.all([import("../../lib/audit/athena"), import("../../lib/aws/clients"), import("../../lib/aws/services/athena")]); // prettier-ignore
  return reportCommand(opts, auditPackSpec(opts), async (checkedEngine, progress) => {
    const engine = checkedEngine();
    const loaded = opts.records ? await loadRemediationRecords(opts.records, filters) : undefined;
    const report = await runAthenaAudit({
      client: clientFor(athena),
      table: opts.table ?? "cloudtrail_org",
      target: { database, workgroup, ...(opts.outputLocation ? { outputLocation: opts.outputLocation } : {}) },
      filters,
      engine,
      adapters: [...resourceAdapters().values()],
      ...(ciRoles ? { ciRoles } : {}),
      remediationRecords: loaded?.records ?? [],
      version: VERSION,
      now: new Date(),
      onState: (state) => progress.update(`athena: ${state}`),
      onRows: (n) => progress.update(`athena: ${n.toLocaleString("en-US")} candidate records read`),
    });
    if (opts.records) report.records = opts.records;
    for (const s of loaded?.skipped ?? []) report.coverage.skipped.push({ file: s.file, reason: `remediation record: ${s.reason}` }); // prettier-ignore
    report.coverage.filesSkipped = report.coverage.skipped.length;
    return report;
  });
}

export interface AthenaDdlOptions {
  table: string;
  location: string;
  accounts?: string[];
  regions?: string[];
  from: string;
}

export async function auditAthenaDdlCommand(opts: AthenaDdlOptions): Promise<number> {
  const { cloudTrailTableDdl } = await import("../../lib/audit/athena");
  try {
    const ddl = cloudTrailTableDdl({
      table: opts.table,
      location: opts.location,
      accounts: list(opts.accounts) ?? [],
      regions: list(opts.regions) ?? [],
      from: auditDate(opts.from, "--from"),
    });
    process.stdout.write(`${ddl};\n`);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError((e as Error).message);
  }
}
