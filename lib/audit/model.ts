import type { RemediationRecord } from "../remediation/worker/record";
import { ACTOR_KINDS, type ActorKind, type AuditEvent } from "./facts";
import { guidKey, IdListBuilder, WindowedIdSet, type IdList } from "./idset";
import { bump, EventTally, type TallyState } from "./tally";

/**
 * The audit report model (the report's sections 1–7 in docs/audit.md), built from audit events (facts.ts) and
 * remediation records. Pure: the accumulator takes what the readers give it, in file order, and `finish` returns plain
 * data every format renders. Memory grows with the number of distinct accounts, principals, days and with the findings
 * (violations, breaking changes, denied calls), not with the number of records: plain mutating calls are counted, not
 * kept, and the eventIDs used for deduplication are dropped once their date folder is out of the window.
 */

export interface Count {
  key: string;
  count: number;
}

export interface DurationStats {
  key: string;
  /** Changes fixed and verified (the ones with a time to remediate). */
  count: number;
  medianMs: number;
  p90Ms: number;
}

export interface SkippedFile {
  file: string;
  reason: string;
}

/** How many problems the report names; the rest are counted. */
export const PROBLEMS_LISTED = 100;

/**
 * A problem found in a file that was read: with one of its records (`record`, its index in `Records`), which is
 * left out of every count, or with the file's bytes (no `record`), whose records are still counted.
 */
export interface FileProblem {
  record?: number;
  reason: string;
}

/** A file's problems: how many, how many records they left out, the first PROBLEMS_LISTED in file order. */
export interface FileProblems {
  count: number;
  recordsLeftOut: number;
  listed: FileProblem[];
}

export interface InputProblem extends FileProblem {
  file: string;
}

export interface Coverage {
  files: number;
  filesSkipped: number;
  /** Records after deduplication by eventID. */
  records: number;
  /** Mutating records (readOnly not true) after deduplication, failed calls included. */
  mutating: number;
  duplicates: number;
  bytes: number;
  accounts: string[];
  regions: string[];
  /** First and last date folder read, yyyy-mm-dd. */
  firstDate?: string;
  lastDate?: string;
  /** Earliest and latest eventTime of the calls the report is about. */
  firstEventTime?: string;
  lastEventTime?: string;
  remediationRecords: number;
  /** Files not read (trail and remediation records), each with the reason. */
  skipped: SkippedFile[];
  /**
   * Problems in the trail files that were read: every one counted, the records they concern left out of every
   * count, the first PROBLEMS_LISTED named in the order the files were read (date folder, then key) and, within a
   * file, in record order.
   */
  problems: { total: number; recordsLeftOut: number; listed: InputProblem[] };
  /** Where the trail was read: on this machine (bytes uncompressed) or by Athena (bytes scanned). */
  engine?: "local" | "athena";
}

export interface CallRow {
  eventID: string;
  eventTime: string;
  accountId: string;
  region: string;
  eventName: string;
  service: string;
  principal: string;
  actor: ActorKind;
  sourceIPAddress: string;
}

export interface PolicyViolationRow extends CallRow {
  policyId: string;
  severity: string;
  annotation: string;
}

export interface DeniedRow extends CallRow {
  errorCode: string;
  resources: string[];
}

export interface BreakingChangeRow {
  /** The CloudTrail eventID of the change (the remediation request's correlation id). */
  eventID: string;
  changedAt: string;
  accountId: string;
  region: string;
  eventName: string;
  principal: string;
  sourceIPAddress: string;
  policyId: string;
  severity: string;
  resourceType: string;
  resourceId: string;
  team: string;
  detectedAt: string;
  /** The last record's outcome and status (lib/remediation/worker/record.ts). */
  outcome: string;
  status: string;
  recordId: string;
  /** Attempts (records) for this change and policy. */
  attempts: number;
  verification?: { compliance: string; verifiedAt: string };
  /** From the change to the verified fix; fixed changes only. */
  timeToRemediateMs?: number;
  open: boolean;
  /** The change itself was found in the trail read (false: outside the range or the trail). */
  inTrail: boolean;
}

/**
 * What the report reads of a remediation record (`breakingChanges`), flat: a full record carries both resource
 * documents, the plan and the call results, several KB each, and an audit may hold tens of thousands of them
 * (measured on the bench's 14,191 records: ~60 MB of heap whole, 16 MB as records slimmed to the same shape,
 * 11 MB as these). Made by `auditRemediation` where the records are read (record-files.ts), so only these cross
 * to the main thread.
 */
export interface AuditRemediation {
  recordId: string;
  /** The change's CloudTrail eventID. */
  correlationId: string;
  policyId: string;
  severity: string;
  resourceType: string;
  resourceId: string;
  accountId: string;
  region: string;
  team: string;
  outcome: string;
  status: string;
  /** Who made the change, as the worker recorded it (its own principal, else its cause's; strings only). */
  principal?: string;
  /** The change's call and address, from the record's cause. */
  eventName?: string;
  sourceIPAddress?: string;
  detectedAt: string;
  changedAt: string;
  finishedAt: string;
  changeToVerifiedFixMs?: number;
  verification?: { compliance: string; verifiedAt: string };
}

export interface RepeatOffender {
  principal: string;
  breaks: number;
  policies: string[];
  accounts: string[];
}

export interface AuditReport {
  tool: { name: "guardrail"; version: string };
  generatedAt: string;
  trail: string;
  records?: string;
  filters: { from?: string; to?: string; accounts?: string[]; regions?: string[] };
  coverage: Coverage;
  /** 1. Successful mutating calls on governed resources. */
  changes: {
    total: number;
    byAccount: Count[];
    byService: Count[];
    byPrincipal: Count[];
    byDay: Count[];
    byResourceType: Count[];
  };
  /** 2. Violations of CloudTrail-subject policies. */
  policyViolations: { total: number; byPolicy: Count[]; byDay: Count[]; rows: PolicyViolationRow[] };
  /** 3. Changes that broke a resource policy, joined with the remediation records. */
  remediation: {
    total: number;
    open: number;
    fixed: number;
    byOutcome: Count[];
    timeToRemediate: {
      overall: DurationStats;
      byAccount: DurationStats[];
      byTeam: DurationStats[];
      byPolicy: DurationStats[];
    };
    rows: BreakingChangeRow[];
  };
  /** 4. Who made the governed changes: pipeline vs the rest. */
  actors: { byKind: Count[]; outsidePipeline: Count[]; pipeline: Count[] };
  /** 5. Denied calls on governed resources. */
  denied: { total: number; byErrorCode: Count[]; byPrincipal: Count[]; rows: DeniedRow[] };
  /** 6. Principals whose changes broke policies more than once. */
  repeatOffenders: RepeatOffender[];
}

export interface AuditFilters {
  /** yyyy-mm-dd, inclusive. */
  from?: string;
  to?: string;
  accounts?: string[];
  regions?: string[];
}

const DAY_MS = 86_400_000;

/** Counts, largest first, then by key (stable output). */
export function counts(m: Map<string, number>): Count[] {
  return [...m.entries()]
    .map(([key, count]) => ({ key, count }))
    .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function byKey(m: Map<string, number>): Count[] {
  return [...m.entries()].map(([key, count]) => ({ key, count })).sort((a, b) => (a.key < b.key ? -1 : 1));
}

/** Nearest-rank percentile of sorted values (p in 0..100). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] as number;
}

/** Median as the mean of the two middle values for an even count. */
export function medianOf(sorted: readonly number[]): number {
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function durationStats(key: string, values: readonly number[]): DurationStats {
  const s = [...values].sort((a, b) => a - b);
  return { key, count: s.length, medianMs: medianOf(s), p90Ms: percentile(s, 90) };
}

function dayIndex(date: string): number {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

const CLOSED_OUTCOMES = new Set(["fixed", "already-compliant", "resource-gone", "exempt", "not-applicable"]);

function byTime<T extends { eventTime?: string; changedAt?: string; eventID: string }>(a: T, b: T): number {
  const ta = a.eventTime ?? a.changedAt ?? "";
  const tb = b.eventTime ?? b.changedAt ?? "";
  return ta < tb ? -1 : ta > tb ? 1 : a.eventID < b.eventID ? -1 : a.eventID > b.eventID ? 1 : 0;
}

/** What a file read gives the accumulator (see read.ts): its counts and its events. */
export interface FileFacts extends FileCoverage {
  /** The records the report is about: changes to governed resources and policy violations. */
  events: AuditEvent[];
}

/**
 * A file read on a worker thread, as the main thread sees it: the counts and the events' ids only. The worker keeps
 * the events, tallied as read, and takes out those the accumulator names as duplicates (addCounts, EventTally).
 */
export interface FileCounts extends FileCoverage {
  /** The events' ids, in the worker's order: GUID ids as keys (no string crosses threads for them), others as text. */
  eventIds: IdList;
  /** One byte per event, in the same order: where its id is (EVENT_KEY, EVENT_TEXT, EVENT_NO_ID) | EVENT_MUTATING. */
  eventKinds: Uint8Array;
}

const EVENT_KEY = 0;
const EVENT_TEXT = 1;
const EVENT_NO_ID = 2;
const EVENT_MUTATING = 4;

/** The ids of a file's events as FileCounts carries them (typed arrays, moved between threads rather than copied). */
export function eventIdsOf(
  events: readonly { eventID: string; mutating: boolean }[],
): Pick<FileCounts, "eventIds" | "eventKinds"> {
  const ids = new IdListBuilder();
  const kinds = new Uint8Array(events.length);
  events.forEach((e, i) => {
    const key = e.eventID === "" ? undefined : guidKey(e.eventID);
    if (key) ids.addKey(key[0], key[1]);
    else if (e.eventID !== "") ids.add(e.eventID);
    kinds[i] = (key ? EVENT_KEY : e.eventID === "" ? EVENT_NO_ID : EVENT_TEXT) | (e.mutating ? EVENT_MUTATING : 0);
  });
  return { eventIds: ids.finish(), eventKinds: kinds };
}

interface FileCoverage {
  file: string;
  /** The key's date folder, yyyy-mm-dd. */
  date: string;
  accountId: string;
  region: string;
  bytes: number;
  records: number;
  /** Read-only records: counted, not kept. */
  readOnly: IdList;
  /** Mutating records that name no governed resource and break no policy: counted, not kept. */
  mutating: IdList;
  /** What was wrong in the file (absent: nothing). */
  problems?: FileProblems;
}

/**
 * Takes file results in date-folder order (the readers sort the listing by date) and counts them. Deduplication
 * by eventID: CloudTrail may deliver a record twice, in files delivered close together; ids are remembered for
 * the date folders within `dedupeWindowDays` of the current one (default 1: the same and the previous day).
 */
export class AuditAccumulator {
  private readonly seen: WindowedIdSet;
  private readonly dedupeWindowDays: number;
  private readonly tally: EventTally;

  private files = 0;
  private bytes = 0;
  private records = 0;
  private mutating = 0;
  private duplicates = 0;
  private readonly skipped: SkippedFile[] = [];
  private readonly problems = { total: 0, recordsLeftOut: 0, listed: [] as InputProblem[] };
  private readonly accounts = new Set<string>();
  private readonly regions = new Set<string>();
  private firstDate: string | undefined;
  private lastDate: string | undefined;

  constructor(opts: { dedupeWindowDays?: number; wantedChanges?: Iterable<string> } = {}) {
    this.dedupeWindowDays = opts.dedupeWindowDays ?? 1;
    this.seen = new WindowedIdSet(this.dedupeWindowDays);
    this.tally = new EventTally(opts.wantedChanges ?? []);
  }

  /** The correlation ids of the remediation records, once read (see EventTally.want). */
  want(changes: Iterable<string>): void {
    this.tally.want(changes);
  }

  skip(file: string, reason: string): void {
    this.skipped.push({ file, reason });
  }

  /** A file's problems, in the order the files are counted (see PROBLEMS_LISTED). */
  private problemsOf(file: string, p: FileProblems): void {
    const all = this.problems;
    all.total += p.count;
    all.recordsLeftOut += p.recordsLeftOut;
    for (const x of p.listed) if (all.listed.length < PROBLEMS_LISTED) all.listed.push({ file, ...x });
  }

  /** True the first time a GUID key is seen within the window. */
  private freshKey(hi: number, lo: number, day: number): boolean {
    return this.seen.freshKey(hi, lo, day) || this.duplicate();
  }

  private freshString(id: string, day: number): boolean {
    return this.seen.freshString(id, day) || this.duplicate();
  }

  private duplicate(): false {
    this.duplicates++;
    return false;
  }

  private freshId(id: string, day: number): boolean {
    const k = guidKey(id);
    return k ? this.freshKey(k[0], k[1], day) : this.freshString(id, day);
  }

  private countIds(list: IdList, day: number, mutating: boolean): void {
    const k = list.keys;
    for (let i = 0; i < k.length; i += 2) {
      if (this.freshKey(k[i] as number, k[i + 1] as number, day)) {
        this.records++;
        if (mutating) this.mutating++;
      }
    }
    for (const id of list.other) {
      if (this.freshString(id, day)) {
        this.records++;
        if (mutating) this.mutating++;
      }
    }
  }

  /** A file read on this thread: its counts, and its fresh events tallied here. */
  add(f: FileFacts): void {
    const day = this.cover(f);
    for (const e of f.events) if (this.freshEvent(e.eventID, e.mutating, day)) this.tally.add(e);
  }

  /**
   * A file read on a worker: its counts; returns the indexes of its events that are duplicates, which the worker
   * takes back out of its tally (merged at the end with `merge`).
   */
  addCounts(f: FileCounts): number[] {
    const day = this.cover(f);
    const duplicates: number[] = [];
    const { keys, other } = f.eventIds;
    let k = 0;
    let o = 0;
    for (let i = 0; i < f.eventKinds.length; i++) {
      const kind = f.eventKinds[i] as number;
      const where = kind & ~EVENT_MUTATING;
      // Records without an eventID cannot be deduplicated and count once each.
      const fresh =
        where === EVENT_KEY
          ? this.freshKey(keys[k++] as number, keys[k++] as number, day)
          : where === EVENT_TEXT
            ? this.freshString(other[o++] as string, day)
            : true;
      if (!fresh) {
        duplicates.push(i);
        continue;
      }
      this.records++;
      if (kind & EVENT_MUTATING) this.mutating++;
    }
    return duplicates;
  }

  /** A worker's tally of the fresh events of the files it read. */
  merge(t: TallyState): void {
    this.tally.merge(t);
  }

  /** The file's coverage and its deduplicated read-only and mutating ids; returns its day. */
  private cover(f: FileCoverage): number {
    this.files++;
    if (f.problems) this.problemsOf(f.file, f.problems);
    this.bytes += f.bytes;
    this.accounts.add(f.accountId);
    this.regions.add(f.region);
    if (!this.firstDate || f.date < this.firstDate) this.firstDate = f.date;
    if (!this.lastDate || f.date > this.lastDate) this.lastDate = f.date;
    const day = dayIndex(f.date);
    this.countIds(f.readOnly, day, false);
    this.countIds(f.mutating, day, true);
    return day;
  }

  /** Counts an event unless its id was seen; records without an eventID cannot be deduplicated and count once each. */
  private freshEvent(id: string, mutating: boolean, day: number): boolean {
    if (id !== "" && !this.freshId(id, day)) return false;
    this.records++;
    if (mutating) this.mutating++;
    return true;
  }

  finish(opts: {
    trail: string;
    records?: string;
    filters: AuditFilters;
    remediationRecords: readonly AuditRemediation[];
    version: string;
    now: Date;
  }): AuditReport {
    const t = this.tally;
    const c = t.counts;
    const violations = [...t.violations].sort(byTime);
    const denied = [...t.denied].sort(byTime);
    const breaking = this.breakingChanges(opts.remediationRecords);
    const ttr = (rows: BreakingChangeRow[], key: (r: BreakingChangeRow) => string): DurationStats[] => {
      const groups = new Map<string, number[]>();
      for (const r of rows) {
        if (r.timeToRemediateMs === undefined) continue;
        const k = key(r);
        const list = groups.get(k) ?? [];
        list.push(r.timeToRemediateMs);
        groups.set(k, list);
      }
      return [...groups.entries()].map(([k, v]) => durationStats(k, v)).sort((a, b) => (a.key < b.key ? -1 : 1));
    };
    const outcomes = new Map<string, number>();
    for (const r of breaking) bump(outcomes, r.outcome);
    const violationDays = new Map<string, number>();
    const violationPolicies = new Map<string, number>();
    for (const v of violations) {
      bump(violationDays, v.eventTime.slice(0, 10));
      bump(violationPolicies, v.policyId);
    }
    const deniedCodes = new Map<string, number>();
    const deniedPrincipals = new Map<string, number>();
    for (const d of denied) {
      bump(deniedCodes, d.errorCode);
      bump(deniedPrincipals, d.principal);
    }
    const actorCounts = new Map<string, number>(ACTOR_KINDS.map((k) => [k, c.actor.get(k) ?? 0]));
    return {
      tool: { name: "guardrail", version: opts.version },
      generatedAt: opts.now.toISOString(),
      trail: opts.trail,
      ...(opts.records ? { records: opts.records } : {}),
      filters: opts.filters,
      coverage: {
        files: this.files,
        filesSkipped: this.skipped.length,
        records: this.records,
        mutating: this.mutating,
        duplicates: this.duplicates,
        bytes: this.bytes,
        accounts: [...this.accounts].sort(),
        regions: [...this.regions].sort(),
        ...(this.firstDate ? { firstDate: this.firstDate, lastDate: this.lastDate } : {}),
        ...(t.firstEventTime ? { firstEventTime: t.firstEventTime, lastEventTime: t.lastEventTime } : {}),
        remediationRecords: opts.remediationRecords.length,
        skipped: [...this.skipped].sort((a, b) => (a.file < b.file ? -1 : 1)),
        problems: { ...this.problems, listed: [...this.problems.listed] },
      },
      changes: {
        total: t.changes,
        byAccount: counts(c.account),
        byService: counts(c.service),
        byPrincipal: counts(c.principal),
        byDay: byKey(c.day),
        byResourceType: counts(c.type),
      },
      policyViolations: {
        total: violations.length,
        byPolicy: counts(violationPolicies),
        byDay: byKey(violationDays),
        rows: violations,
      },
      remediation: {
        total: breaking.length,
        open: breaking.filter((r) => r.open).length,
        fixed: breaking.filter((r) => r.timeToRemediateMs !== undefined).length,
        byOutcome: counts(outcomes),
        timeToRemediate: {
          overall: durationStats(
            "all",
            breaking.flatMap((r) => (r.timeToRemediateMs === undefined ? [] : [r.timeToRemediateMs])),
          ),
          byAccount: ttr(breaking, (r) => r.accountId),
          byTeam: ttr(breaking, (r) => r.team),
          byPolicy: ttr(breaking, (r) => r.policyId),
        },
        rows: breaking,
      },
      actors: {
        byKind: [...actorCounts.entries()].map(([key, count]) => ({ key, count })),
        outsidePipeline: counts(c.outside),
        pipeline: counts(c.pipeline),
      },
      denied: {
        total: denied.length,
        byErrorCode: counts(deniedCodes),
        byPrincipal: counts(deniedPrincipals),
        rows: denied,
      },
      repeatOffenders: repeatOffenders(violations, breaking),
    };
  }

  /** One row per (change, policy, resource): the last record wins, a fix in any attempt closes it. */
  private breakingChanges(records: readonly AuditRemediation[]): BreakingChangeRow[] {
    const groups = new Map<string, AuditRemediation[]>();
    for (const r of records) {
      const k = `${r.correlationId}|${r.policyId}|${r.resourceType}|${r.resourceId}`;
      const list = groups.get(k) ?? [];
      list.push(r);
      groups.set(k, list);
    }
    const rows: BreakingChangeRow[] = [];
    for (const list of groups.values()) {
      list.sort((a, b) => (a.finishedAt < b.finishedAt ? -1 : 1));
      const last = list[list.length - 1] as AuditRemediation;
      const fixed = list.find((r) => r.outcome === "fixed");
      const seen = this.tally.seen.get(last.correlationId);
      const verification = (fixed ?? last).verification;
      const ttrMs = fixed
        ? (fixed.changeToVerifiedFixMs ??
          (fixed.verification ? Date.parse(fixed.verification.verifiedAt) - Date.parse(fixed.changedAt) : undefined))
        : undefined;
      rows.push({
        eventID: last.correlationId,
        changedAt: last.changedAt,
        accountId: last.accountId,
        region: last.region,
        eventName: seen?.eventName ?? last.eventName ?? "",
        principal: seen?.principal ?? last.principal ?? "unknown",
        sourceIPAddress: seen?.ip ?? last.sourceIPAddress ?? "",
        policyId: last.policyId,
        severity: last.severity,
        resourceType: last.resourceType,
        resourceId: last.resourceId,
        team: last.team,
        detectedAt: list[0]?.detectedAt ?? last.detectedAt,
        outcome: (fixed ?? last).outcome,
        status: (fixed ?? last).status,
        recordId: (fixed ?? last).recordId,
        attempts: list.length,
        ...(verification
          ? { verification: { compliance: verification.compliance, verifiedAt: verification.verifiedAt } }
          : {}),
        ...(ttrMs !== undefined && Number.isFinite(ttrMs) ? { timeToRemediateMs: ttrMs } : {}),
        open: !list.some((r) => CLOSED_OUTCOMES.has(r.outcome)),
        inTrail: seen !== undefined,
      });
    }
    return rows.sort(byTime);
  }
}

/** The resource a record is about: the request's, else the one described before (or after) the fix. */
export function resourceOf(r: RemediationRecord): { type: string; id: string; accountId: string; region: string } {
  const req = r.request as { resource?: { type?: string; id?: string; accountId?: string; region?: string } };
  const res = r.before ?? r.after;
  return {
    type: req.resource?.type ?? res?.type ?? "",
    id: req.resource?.id ?? res?.id ?? "",
    accountId: req.resource?.accountId ?? res?.accountId ?? "",
    region: req.resource?.region ?? res?.region ?? "",
  };
}

/** The owning team: the resource's `team` tag (before the fix, else after), else "untagged". */
export function teamOf(r: RemediationRecord): string {
  return r.before?.tags?.team ?? r.after?.tags?.team ?? "untagged";
}

function repeatOffenders(violations: PolicyViolationRow[], breaking: BreakingChangeRow[]): RepeatOffender[] {
  const by = new Map<string, { breaks: number; policies: Set<string>; accounts: Set<string> }>();
  const add = (principal: string, policy: string, account: string) => {
    const o = by.get(principal) ?? { breaks: 0, policies: new Set(), accounts: new Set() };
    o.breaks++;
    o.policies.add(policy);
    o.accounts.add(account);
    by.set(principal, o);
  };
  for (const v of violations) add(v.principal, v.policyId, v.accountId);
  for (const b of breaking) add(b.principal, b.policyId, b.accountId);
  return [...by.entries()]
    .filter(([, o]) => o.breaks > 1)
    .map(([principal, o]) => ({
      principal,
      breaks: o.breaks,
      policies: [...o.policies].sort(),
      accounts: [...o.accounts].sort(),
    }))
    .sort((a, b) => b.breaks - a.breaks || (a.principal < b.principal ? -1 : 1));
}

/** What the report keeps of a remediation record (see AuditRemediation). */
export function auditRemediation(r: RemediationRecord): AuditRemediation {
  const ref = resourceOf(r);
  const text = (v: unknown) => (typeof v === "string" ? v : undefined);
  const principal = text(r.principal) ?? text(r.cause.principal);
  const eventName = text(r.cause.eventName);
  const sourceIPAddress = text(r.cause.sourceIPAddress);
  const t = r.timings;
  return {
    recordId: r.recordId,
    correlationId: r.correlationId,
    policyId: r.policy.id,
    severity: r.policy.severity,
    resourceType: ref.type,
    resourceId: ref.id,
    accountId: ref.accountId,
    region: ref.region,
    team: teamOf(r),
    outcome: r.outcome,
    status: r.status,
    ...(principal !== undefined ? { principal } : {}),
    ...(eventName !== undefined ? { eventName } : {}),
    ...(sourceIPAddress !== undefined ? { sourceIPAddress } : {}),
    detectedAt: t.detectedAt,
    changedAt: t.changedAt,
    finishedAt: t.finishedAt,
    ...(t.changeToVerifiedFixMs !== undefined ? { changeToVerifiedFixMs: t.changeToVerifiedFixMs } : {}),
    ...(r.verification ? { verification: { compliance: r.verification.compliance, verifiedAt: r.verification.verifiedAt } } : {}), // prettier-ignore
  };
}

/** Whether a remediation record falls within the filters (its change time, account and region). */
export function recordInFilters(r: RemediationRecord, f: AuditFilters): boolean {
  const ref = resourceOf(r);
  const day = r.timings.changedAt.slice(0, 10);
  if (f.from && day < f.from) return false;
  if (f.to && day > f.to) return false;
  if (f.accounts && f.accounts.length > 0 && !f.accounts.includes(ref.accountId)) return false;
  if (f.regions && f.regions.length > 0 && !f.regions.includes(ref.region)) return false;
  return true;
}
