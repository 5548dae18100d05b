import { join, resolve } from "node:path";
import { mkdir, readFile } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import { createReportWriter } from "../../lib/report";
import type { ReportWriter, ScanSummary } from "../../lib/report/types";
import type { Evaluation } from "../../lib/engine/evaluate";
import { scanConfigFiles } from "../../lib/scan";
import { generateFleet } from "../../fleet/generate";
import { runAudit } from "../../lib/audit/run";
import { renderAudit } from "../../lib/audit/render";
import type { AuditReport } from "../../lib/audit/model";
import type { RemediationMode } from "../../lib/policy/types";
import { runDay, type DaySummary } from "../../lib/local/day";
import type { Activity } from "../../lib/local/loop";
import { DEFAULT_SCENARIO, loadScenario, ScenarioError, type PreparedCall } from "../../lib/local/scenario";
import type { JsonObject } from "../../lib/util/json";
import { EXIT } from "../exit";
import { loadPack, packSpec, UsageError } from "../pack-options";
import { OutputFile } from "../output";
import { Progress } from "../progress";
import { writeFileAtomic } from "../../lib/util/atomic-file";
import { formatDuration, plural } from "../../lib/util/words";
import { fmtDuration, headlineLegend } from "../../lib/audit/render/text";
import { localFlags } from "./remediation";

export interface DemoOptions {
  services: number;
  seed: number;
  state: string;
  json?: boolean;
  mode?: RemediationMode;
  changes?: string;
  approveAs?: string;
  /** false (`--no-approve`): leave the fixes waiting for approval open. */
  approve?: boolean;
}

/** Fans one stream of evaluations out to several writers (the HTML and JSON reports, the demo's counters). */
function tee(writers: ReportWriter[]): ReportWriter {
  return {
    add: (e: Evaluation) => writers.forEach((w) => w.add(e)),
    ready: async () => {
      for (const w of writers) await w.ready?.();
    },
    finish: async (s: ScanSummary) => {
      for (const w of writers) await w.finish(s);
    },
  };
}

const MODES: readonly RemediationMode[] = ["notify", "approve", "auto"];

/**
 * The README's first command: (1) generate the sample fleet and scan its Config snapshots, checked against the
 * generator's ground truth; then the whole loop locally (docs/local.md): (2) the fleet in a local AWS account
 * with Guardrail's handlers unchanged, and the first periodic sweep; (3) a scripted day of team changes, each
 * detection and remediation shown as it happens; (4) compliance per policy before and after; (5) the audit
 * report read from the local trail and the remediation records. Never waits for input.
 */
export async function demoCommand(opts: DemoOptions): Promise<number> {
  const mode = opts.mode ?? "auto";
  if (!MODES.includes(mode)) throw new UsageError(`--mode must be one of ${MODES.join(", ")} (is "${mode}")`);
  const changesFile = opts.changes ? resolve(opts.changes) : DEFAULT_SCENARIO();
  try {
    loadScenario(changesFile);
  } catch (e) {
    if (e instanceof ScenarioError) throw new UsageError(`--changes ${e.message}`);
    throw e;
  }
  const err = (l: string) => process.stderr.write(l + "\n");
  const out = (l = "") => {
    if (!opts.json) process.stdout.write(l + "\n");
  };
  const spec = packSpec({});
  const { engine, problems } = loadPack(spec, err);
  if (problems.length > 0) return EXIT.usage;
  const started = performance.now();

  // 1. The fleet and the scan of its snapshots.
  const fleetDir = join(opts.state, "fleet");
  const progress = new Progress();
  const manifest = await generateFleet({
    services: opts.services,
    seed: opts.seed,
    scope: "architecture",
    outDir: fleetDir,
    onProgress: (done, total) => progress.update(`generating the sample fleet: ${done}/${total} snapshots`),
  });
  progress.done();
  await mkdir(opts.state, { recursive: true });
  const htmlPath = join(opts.state, "report.html");
  const jsonPath = join(opts.state, "report.json");
  const html = await OutputFile.open(htmlPath);
  const json = await OutputFile.open(jsonPath);
  const found = new Set<string>();
  const writers: ReportWriter[] = [
    createReportWriter("html", { out: html.stream, color: false }),
    createReportWriter("json", { out: json.stream, color: false }),
    {
      add: (e) => {
        if (e.compliance === "NON_COMPLIANT" || e.compliance === "EXEMPT") found.add(verdictKey(e));
      },
      finish: async () => undefined,
    },
  ];
  const summary = await scanConfigFiles({ inputs: [join(fleetDir, "AWSLogs")], engine, writer: tee(writers) });
  const agreement = await compareWithGroundTruth(manifest.groundTruthFile, found);
  await Promise.all([html.commit(), json.commit()]);
  const bySeverity = Object.entries(summary.violationsBySeverity)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(", ");
  out(
    `1. Sample fleet: ${manifest.resources} resources of ${opts.services} microservices in ${manifest.accounts.length} accounts, ` +
      `${manifest.regions.length} Regions (AWS Config snapshots in ${fleetDir}/AWSLogs)`,
  );
  out(
    `   Scan: ${summary.byCompliance.NON_COMPLIANT} violations (${bySeverity}), ${summary.byCompliance.EXEMPT} exempt; ` +
      (agreement.missed === 0 && agreement.unexpected === 0
        ? `exactly the ${agreement.planted} the generator planted.`
        : `the scan missed ${agreement.missed} planted violations and reported ${agreement.unexpected} not planted.`),
  );
  out(`   Report: ${htmlPath} (every violation, with the reason)`);
  out();

  // 2-3. The local loop: sweep, then the scripted day.
  const view = new DayView(out, mode, localFlags(opts.state), Boolean(opts.approveAs) && opts.approve !== false);
  const day = await runDay({
    stateDir: opts.state,
    services: opts.services,
    seed: opts.seed,
    scope: "architecture",
    mode,
    changesFile,
    ...(opts.approveAs && opts.approve !== false ? { approveAs: opts.approveAs } : {}),
    onSwept: (f) => view.swept(f.violations, f.ms),
    onChangeStart: (c) => view.changeStarted(c.index, c.prepared),
    onChange: (c) => view.changeDone(c.error),
    onApproveStart: (a) => view.approving(a.waiting, opts.approveAs ?? ""),
    onActivity: (a) => view.activity(a),
  });
  view.dayDone(day);

  // 4. Compliance per policy, as the Config console shows it.
  out();
  out(`4. Compliance per policy (AWS Config rules; non-compliant resources before → after)`);
  const after = new Map(day.complianceAfter.map((c) => [c.policyId, c]));
  const rows = day.complianceBefore
    .map((b) => ({ id: b.policyId, before: b.nonCompliant, after: after.get(b.policyId)?.nonCompliant ?? 0 }))
    .filter((r) => r.before > 0 || r.after > 0);
  const width = Math.max(...rows.map((r) => r.id.length), 10);
  for (const r of rows) {
    const mark = r.after < r.before ? "fixed" : r.after > r.before ? "new, not fixed" : "";
    out(`   ${r.id.padEnd(width)}  ${String(r.before).padStart(3)} → ${String(r.after).padEnd(3)} ${mark}`.trimEnd());
  }
  out(
    `   ${"all policies".padEnd(width)}  ${String(day.violationsBefore).padStart(3)} → ${day.violationsAfter}` +
      (day.violationsAfter > 0 ? `   (left: notify-only policies, and fixes waiting for approval)` : ""),
  );

  // 5. The audit report from the local trail and the remediation records.
  out();
  const auditPath = join(opts.state, "audit.html");
  let audit: AuditReport | undefined;
  let auditError: string | undefined;
  try {
    audit = await runAudit({
      trail: day.paths.trail,
      records: day.paths.records,
      filters: {},
      pack: spec,
      engine,
      workers: 1,
    });
    await writeFileAtomic(auditPath, renderAudit(audit, "html"), { durable: true });
  } catch (e) {
    auditError = (e as Error).message;
  }
  if (audit) {
    const r = audit.remediation;
    const ttr = r.timeToRemediate.overall;
    const byActor = new Map(audit.actors.byKind.map((c) => [c.key, c.count]));
    const guardrailChanges = byActor.get("guardrail") ?? 0;
    const fromTrail = r.rows.filter((b) => b.inTrail).length;
    out(`5. Audit of the local trail (guardrail audit --trail ${day.paths.trail} --records ${day.paths.records}):`);
    out(
      `   ${audit.coverage.records.toLocaleString("en-US")} CloudTrail records in ${audit.coverage.files} log files; ` +
        `${audit.policyViolations.total} calls broke a CloudTrail policy`,
    );
    out(
      `   Governed changes ${audit.changes.total}: calls that changed a resource a policy covers ` +
        `(${audit.changes.total - guardrailChanges} by the teams, ${guardrailChanges} Guardrail's fixes)`,
    );
    out(
      `   Breaking changes ${r.total}: violations Guardrail handled (${fromTrail} raised by a team's change, ` +
        `${r.total - fromTrail} found by the first sweep); ${r.fixed} fixed, ${r.open} open` +
        (r.total - r.fixed - r.open > 0
          ? `, ${r.total - r.fixed - r.open} closed without a fix (already compliant, exempt or gone)`
          : "") +
        (ttr.count > 0
          ? `; time to remediate median ${fmtDuration(ttr.medianMs)}, p90 ${fmtDuration(ttr.p90Ms)} (the local account's clock: only waits take time)`
          : ""),
    );
    out(`   HTML: ${auditPath}`);
  } else {
    out(`5. Audit: the audit report could not be built: ${auditError ?? "unknown error"}`);
  }
  out();
  out(
    `Local state in ${opts.state}: trail ${day.paths.trail}, records ${day.paths.records}, handler logs ${day.paths.logs}`,
  );
  out(
    `Done in ${formatDuration(performance.now() - started)}. Next: guardrail replay <event.json>, guardrail explain <policy-id>`,
  );

  if (opts.json) {
    const outcomes = day.counts.outcomes;
    process.stdout.write(
      JSON.stringify(
        {
          fleet: {
            resources: manifest.resources,
            services: opts.services,
            seed: opts.seed,
            snapshots: manifest.snapshotFiles.length,
            groundTruth: manifest.groundTruthFile,
          },
          violations: summary.byCompliance.NON_COMPLIANT,
          groundTruth: agreement,
          exempt: summary.byCompliance.EXEMPT,
          evaluations: summary.evaluations,
          violationsBySeverity: summary.violationsBySeverity,
          mode,
          violationsBefore: day.violationsBefore,
          violationsAfter: day.violationsAfter,
          changesPlayed: day.changes.length,
          changes: day.changes,
          detections: day.counts.detections,
          remediations: {
            requests: day.counts.requests,
            fixed: outcomes.fixed ?? 0,
            awaitingApproval: outcomes["awaiting-approval"] ?? 0,
            notified: outcomes.notified ?? 0,
            outcomes,
            approved: day.approved.length,
            changeToVerifiedFixMs: latencyStats(view.latencies),
          },
          deadLettered: { count: day.deadLettered, messages: view.deadLetters },
          compliance: day.complianceBefore.map((b) => ({
            policyId: b.policyId,
            nonCompliantBefore: b.nonCompliant,
            nonCompliantAfter: after.get(b.policyId)?.nonCompliant ?? 0,
          })),
          audit: audit
            ? {
                records: audit.coverage.records,
                changes: audit.changes.total,
                changesByActor: Object.fromEntries(audit.actors.byKind.map((c) => [c.key, c.count])),
                remediationRecords: audit.remediation.total,
                breakingChanges: {
                  total: audit.remediation.total,
                  fromTrail: audit.remediation.rows.filter((b) => b.inTrail).length,
                  foundByConfigRules: audit.remediation.rows.filter((b) => !b.inTrail).length,
                },
                fixed: audit.remediation.fixed,
                open: audit.remediation.open,
                timeToRemediateMs: {
                  count: audit.remediation.timeToRemediate.overall.count,
                  median: audit.remediation.timeToRemediate.overall.medianMs,
                  p90: audit.remediation.timeToRemediate.overall.p90Ms,
                },
                legend: headlineLegend(audit),
              }
            : { error: auditError },
          paths: {
            trail: day.paths.trail,
            records: day.paths.records,
            auditHtml: audit ? auditPath : null,
            scanHtml: htmlPath,
            logs: day.paths.logs,
          },
          reports: { html: htmlPath, json: jsonPath, audit: audit ? auditPath : null },
        },
        null,
        2,
      ) + "\n",
    );
  }
  if (summary.problems.some((p) => p.level === "error") || !audit) return EXIT.incomplete;
  return agreement.missed === 0 && agreement.unexpected === 0 ? EXIT.ok : EXIT.findings;
}

/** Prints the local loop's steps as they happen. */
class DayView {
  readonly deadLetters: { queue: string; messageId: string; reason?: string; subject?: string }[] = [];
  private changeStart = 0;
  private inDay = false;
  private sweepOutcomes = new Map<string, number>();
  private duplicates = 0;
  /** The last approval request of the day, for the command the summary suggests. */
  private waiting?: string;
  /** Change-to-verified-fix times of the day's changes on the account's clock (the sweep's are not changes). */
  readonly latencies: number[] = [];

  constructor(
    private readonly out: (l?: string) => void,
    private readonly mode: RemediationMode,
    /** `--local` or `--state DIR`: what makes a printed approval command act on this demo's account. */
    private readonly localFlags: string,
    /** The demo releases the waiting fixes at the end of the day: until then, no command is printed for them. */
    private approvesAtEnd = false,
  ) {}

  swept(violations: { policyId: string; resourceId: string }[], ms: number): void {
    const byPolicy = new Map<string, number>();
    for (const v of violations) byPolicy.set(v.policyId, (byPolicy.get(v.policyId) ?? 0) + 1);
    const top = [...byPolicy]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, 4)
      .map(([p, n]) => `${p} ${n}`)
      .join(", ");
    this.out(
      `2. Local AWS account: the fleet, Config rules, EventBridge rules, SNS, SQS; Guardrail's handlers, mode ${this.mode}`,
    );
    this.out(
      `   First periodic sweep: ${violations.length} violations on ${new Set(violations.map((v) => v.resourceId)).size} resources (${top}, …)`,
    );
    const o = this.sweepOutcomes;
    this.out(
      `   Guardrail acted on them in ${formatDuration(ms)}: ${o.get("succeeded") ?? 0} fixed and verified, ` +
        `${o.get("awaiting-approval") ?? 0} waiting for approval, ${o.get("notified") ?? 0} notified (notify-only policies)` +
        (this.deadLetters.length > 0 ? `, ${this.deadLetters.length} dead-lettered` : ""),
    );
    for (const d of this.deadLetters)
      this.out(`     dead letter: ${d.subject ?? d.messageId}: ${d.reason ?? "no reason logged"}`);
    this.out();
    this.out(`3. A day of team changes, each detected and handled as it happens`);
    this.inDay = true;
  }

  changeStarted(index: number, p: PreparedCall): void {
    this.changeStart = performance.now();
    const at = p.call.time ?? `#${index + 1}`;
    const what = `${p.call.operation} ${shortId(p.resourceId ?? "")}`.trim();
    this.out(`   ${at}  ${principalLabel(p.principal.userIdentity)}: ${what}`);
    if (p.call.description) this.out(`          ${p.call.description}`);
  }

  approving(waiting: number, person: string): void {
    this.changeStart = performance.now();
    // From here on a fix that waits stays waiting: its printed command is one to run.
    this.approvesAtEnd = false;
    this.waiting = undefined;
    this.out(`   Approvals: ${person} approves the ${plural(waiting, "waiting fix", "waiting fixes")}`);
  }

  changeDone(error?: string): void {
    if (error) this.out(`          the call failed: ${error}`);
  }

  activity(a: Activity): void {
    if (!this.inDay) {
      if (a.kind === "outcome")
        this.sweepOutcomes.set(a.outcome.status, (this.sweepOutcomes.get(a.outcome.status) ?? 0) + 1);
      if (a.kind === "dead-letter") this.deadLetters.push(deadLetter(a));
      return;
    }
    const t = `+${formatDuration(performance.now() - this.changeStart)}`.padStart(8);
    switch (a.kind) {
      case "detected":
        if (a.requests + a.alerts === 0) return;
        this.out(
          `   ${t}  detected (${a.source === "cloudtrail" ? "CloudTrail event" : "Config compliance change"}): ` +
            plural(a.requests, "remediation request") +
            (a.alerts ? `, ${plural(a.alerts, "alert")}` : ""),
        );
        return;
      case "outcome": {
        const o = a.outcome;
        if (o.status === "skipped") {
          this.duplicates++;
          return;
        }
        if (o.status === "awaiting-approval" && !this.approvesAtEnd) this.waiting = o.recordId;
        const verb =
          o.status === "succeeded"
            ? `fixed and verified (${o.calls.join(", ")})`
            : o.status === "awaiting-approval"
              ? this.approvesAtEnd
                ? `waiting for approval (${o.recordId}; released at the end of the day)`
                : `waiting for approval: guardrail remediation approve ${o.recordId}${this.localFlags}`
              : o.status === "notified"
                ? "notified (notify-only)"
                : `${o.status}: ${o.reason}`;
        this.out(`   ${t}  ${o.policyId} on ${shortId(o.resource.id)}: ${verb}`);
        // On the account's clock (the verification waits included), so one seed gives one figure.
        const ttr = o.timings.changeToVerifiedFixMs;
        if (o.status === "succeeded" && ttr !== undefined) this.latencies.push(ttr);
        return;
      }
      case "dead-letter": {
        const d = deadLetter(a);
        this.deadLetters.push(d);
        this.out(`   ${t}  dead-lettered to ${d.queue}: ${d.reason ?? "no reason logged"}`);
        return;
      }
      case "invocation-failed":
        if (a.final) this.out(`   ${t}  ${a.function} failed for good: ${a.error}`);
        return;
    }
  }

  dayDone(day: DaySummary): void {
    const lat = latencyStats(this.latencies);
    const parts = [
      `${day.changes.length} changes played`,
      `${day.counts.detections} events judged`,
      `${day.counts.outcomes.fixed ?? 0} fixed in all`,
    ];
    if (lat)
      parts.push(
        `change to verified fix p50 ${formatDuration(lat.p50)}, p99 ${formatDuration(lat.p99)} (the account's clock)`,
      );
    if (this.duplicates > 0) parts.push(`${this.duplicates} repeat deliveries found nothing left to fix`);
    this.out(`   ${parts.join("; ")}`);
    if (day.approved.length === 0 && (day.counts.outcomes["awaiting-approval"] ?? 0) > 0) {
      this.out(`   Fixes waiting for approval stay open (guardrail demo releases them unless --no-approve).`);
    }
    if (this.waiting) {
      this.out(
        `   Approve one in this local account (it prints the undo command): guardrail remediation approve ${this.waiting}${this.localFlags}`,
      );
    }
  }
}

function deadLetter(a: Extract<Activity, { kind: "dead-letter" }>) {
  let subject: string | undefined;
  try {
    const s = (JSON.parse(a.body) as { Subject?: unknown }).Subject;
    if (typeof s === "string") subject = s;
  } catch {
    subject = undefined;
  }
  return {
    queue: a.queue,
    messageId: a.messageId,
    ...(a.reason ? { reason: a.reason } : {}),
    ...(subject ? { subject } : {}),
  };
}

/** Who made a call, as a person would say it. */
export function principalLabel(userIdentity: JsonObject): string {
  const type = userIdentity.type;
  if (type === "Root") return "root user";
  if (type === "IAMUser") return `IAM user ${String(userIdentity.userName)}`;
  const arn = String(userIdentity.arn ?? "");
  const m = /:assumed-role\/([^/]+)\/(.+)$/.exec(arn);
  if (!m) return arn || String(type);
  const [, role, session] = m as unknown as [string, string, string];
  if (role.startsWith("AWSReservedSSO_")) return `${session} (console)`;
  return `${role} (${session})`;
}

function shortId(id: string): string {
  const queue = /^https:\/\/sqs\.[^/]+\/\d+\/(.+)$/.exec(id);
  if (queue) return queue[1] as string;
  const arn = /^arn:aws:(sns|sqs):[^:]*:\d*:(.+)$/.exec(id);
  if (arn) return arn[2] as string;
  const stage = /\/restapis\/([^/]+)\/stages\/([^/]+)$/.exec(id);
  if (stage) return `${stage[1]}/${stage[2]}`;
  return id;
}

function latencyStats(values: number[]): { count: number; p50: number; p99: number } | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] as number;
  return { count: sorted.length, p50: Math.round(at(0.5)), p99: Math.round(at(0.99)) };
}

function verdictKey(e: { policyId: string; resourceType: string; resourceId: string; compliance: string }): string {
  return `${e.policyId}\u0000${e.resourceType}\u0000${e.resourceId}\u0000${e.compliance}`;
}

/** The demo checks itself: the fleet generator's planted violations against what the scan found. */
async function compareWithGroundTruth(
  file: string,
  found: Set<string>,
): Promise<{ planted: number; missed: number; unexpected: number }> {
  const truth = JSON.parse(await readFile(file, "utf8")) as { expected: Parameters<typeof verdictKey>[0][] };
  const planted = new Set(truth.expected.map(verdictKey));
  let missed = 0;
  for (const k of planted) if (!found.has(k)) missed++;
  let unexpected = 0;
  for (const k of found) if (!planted.has(k)) unexpected++;
  return { planted: planted.size, missed, unexpected };
}
