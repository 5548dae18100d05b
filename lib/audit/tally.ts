import type { AuditEvent } from "./facts";
import type { CallRow, DeniedRow, PolicyViolationRow } from "./model";

/**
 * What the report keeps of the audit events (sections 1-6): counts by account, service, principal, day, resource
 * type and actor, the violation and denied-call rows, and who made the changes the remediation records name.
 * Tallies merge: each audit worker thread keeps its own and the main thread adds them up at the end
 * (lib/audit/run.ts), so the events never cross threads; `state()` is plain data for postMessage. The main thread
 * deduplicates (model.ts AuditAccumulator): a worker tallies a file's events as soon as it reads them and takes out
 * the few the main thread later names as duplicates (`remove`), so no event object waits for the verdict (holding
 * them measured ~35 MB more resident memory, the old generation filling with events promoted while they waited).
 */

export interface ChangeSeen {
  principal: string;
  ip: string;
  eventName: string;
}

export interface TallyState {
  firstEventTime?: string;
  lastEventTime?: string;
  /** Successful mutating calls on governed resources. */
  changes: number;
  counts: Record<CountName, [string, number][]>;
  violations: PolicyViolationRow[];
  denied: DeniedRow[];
  /** The changes the remediation records name, found in the trail. */
  seen: [string, ChangeSeen][];
}

const COUNT_NAMES = ["account", "service", "principal", "day", "type", "actor", "outside", "pipeline"] as const;
export type CountName = (typeof COUNT_NAMES)[number];

export function bump(m: Map<string, number>, key: string, by = 1): void {
  m.set(key, (m.get(key) ?? 0) + by);
}

export function callRow(e: AuditEvent): CallRow {
  return {
    eventID: e.eventID,
    eventTime: e.eventTime,
    accountId: e.accountId,
    region: e.region,
    eventName: e.eventName,
    service: e.service,
    principal: e.principal,
    actor: e.actor,
    sourceIPAddress: e.sourceIPAddress,
  };
}

export class EventTally {
  firstEventTime: string | undefined;
  lastEventTime: string | undefined;
  changes = 0;
  readonly counts = Object.fromEntries(COUNT_NAMES.map((n) => [n, new Map<string, number>()])) as Record<CountName, Map<string, number>>; // prettier-ignore
  private readonly violationRows: PolicyViolationRow[] = [];
  private readonly deniedRows: DeniedRow[] = [];
  /** Rows added by events later removed, by eventID: that many rows of the id are left out (a duplicate's rows are its original's). */
  private readonly dropped = { violations: new Map<string, number>(), denied: new Map<string, number>() };
  readonly seen = new Map<string, ChangeSeen>();
  /** Undefined until known: every change is remembered until `want` says which to keep. */
  private wanted: ReadonlySet<string> | undefined;

  /** `wanted`: the correlation ids of the remediation records (the changes whose principal the report names). */
  constructor(wanted?: Iterable<string>) {
    if (wanted) this.wanted = new Set(wanted);
  }

  /**
   * Sets the wanted changes. A worker learns them once the records are read, after its first files: what it
   * remembered of those files' changes is filtered now (at most the files in flight).
   */
  want(ids: Iterable<string>): void {
    const wanted = new Set(ids);
    this.wanted = wanted;
    for (const id of this.seen.keys()) if (!wanted.has(id)) this.seen.delete(id);
  }

  add(e: AuditEvent): void {
    this.count(e, 1);
    if (!this.firstEventTime || e.eventTime < this.firstEventTime) this.firstEventTime = e.eventTime;
    if (!this.lastEventTime || e.eventTime > this.lastEventTime) this.lastEventTime = e.eventTime;
    for (const v of e.violations) this.violationRows.push({ ...callRow(e), ...v });
    if (deniedOnGoverned(e)) this.deniedRows.push({ ...callRow(e), errorCode: e.errorCode ?? "", resources: e.resources }); // prettier-ignore
    if (this.wanted === undefined || this.wanted.has(e.eventID)) {
      this.seen.set(e.eventID, { principal: e.principal, ip: e.sourceIPAddress, eventName: e.eventName });
    }
  }

  /**
   * Takes out an event added before that turned out to be a duplicate of one added (here or on another thread).
   * Its times and `seen` entry are its original's, so they stay.
   */
  remove(e: AuditEvent): void {
    this.count(e, -1);
    if (e.violations.length > 0) bump(this.dropped.violations, e.eventID, e.violations.length);
    if (deniedOnGoverned(e)) bump(this.dropped.denied, e.eventID);
  }

  get violations(): PolicyViolationRow[] {
    return withoutDropped(this.violationRows, this.dropped.violations);
  }

  get denied(): DeniedRow[] {
    return withoutDropped(this.deniedRows, this.dropped.denied);
  }

  private count(e: AuditEvent, by: 1 | -1): void {
    if (!e.mutating || e.errorCode || e.resources.length === 0) return;
    const c = this.counts;
    this.changes += by;
    bump(c.account, e.accountId, by);
    bump(c.service, e.service, by);
    bump(c.principal, e.principal, by);
    bump(c.day, e.eventTime.slice(0, 10), by);
    for (const t of new Set(e.resources.map((r) => r.slice(0, r.indexOf("|"))))) bump(c.type, t, by);
    bump(c.actor, e.actor, by);
    const automated = e.actor === "ci" || e.actor === "guardrail" || e.actor === "service";
    bump(automated ? c.pipeline : c.outside, `${e.actor}\t${e.principal}`, by);
  }

  state(): TallyState {
    return {
      ...(this.firstEventTime ? { firstEventTime: this.firstEventTime, lastEventTime: this.lastEventTime } : {}),
      changes: this.changes,
      counts: Object.fromEntries(COUNT_NAMES.map((n) => [n, [...this.counts[n]].filter(([, v]) => v !== 0)])) as TallyState["counts"], // prettier-ignore
      violations: this.violations,
      denied: this.denied,
      seen: [...this.seen],
    };
  }

  merge(s: TallyState): void {
    if (s.firstEventTime && (!this.firstEventTime || s.firstEventTime < this.firstEventTime)) this.firstEventTime = s.firstEventTime; // prettier-ignore
    if (s.lastEventTime && (!this.lastEventTime || s.lastEventTime > this.lastEventTime)) this.lastEventTime = s.lastEventTime; // prettier-ignore
    this.changes += s.changes;
    for (const n of COUNT_NAMES) for (const [k, v] of s.counts[n]) bump(this.counts[n], k, v);
    for (const v of s.violations) this.violationRows.push(v);
    for (const d of s.denied) this.deniedRows.push(d);
    for (const [id, c] of s.seen) this.seen.set(id, c);
  }
}

function deniedOnGoverned(e: AuditEvent): boolean {
  return e.denied && e.resources.length > 0;
}

/** The rows, less `dropped[eventID]` rows of each id (any of them: a duplicate's rows equal its original's). */
function withoutDropped<T extends { eventID: string }>(rows: T[], dropped: Map<string, number>): T[] {
  if (dropped.size === 0) return rows;
  const left = new Map(dropped);
  return rows.filter((r) => {
    const n = left.get(r.eventID);
    if (!n) return true;
    left.set(r.eventID, n - 1);
    return false;
  });
}
