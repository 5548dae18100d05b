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

/** Separates the parts of a combined count's key: a control character that CloudTrail's names do not hold. */
const SEP = "\u0001";

function typeOf(resource: string): string {
  return resource.slice(0, resource.indexOf("|"));
}

/** What a change is counted by: account, day (yyyy-mm-dd), actor kind, service, principal. */
type ChangeKey = [account: string, day: string, actor: string, service: string, principal: string];

/**
 * What a tally keeps of an event it added, to take it out again (EventTally.remove): a few strings and numbers,
 * cheap to hold until the main thread's verdict, where holding the event itself kept it alive into the old
 * generation.
 */
export interface TallyEntry {
  eventID: string;
  /** How the change was counted: its combined key, or by name (undefined: not a change). */
  change: string | { key: ChangeKey; types: string[] } | undefined;
  violations: number;
  denied: boolean;
}

function addChange(c: Record<CountName, Map<string, number>>, key: ChangeKey, types: string[], by: number): void {
  const [account, day, actor, service, principal] = key;
  bump(c.account, account, by);
  bump(c.service, service, by);
  bump(c.principal, principal, by);
  bump(c.day, day, by);
  for (const t of types) bump(c.type, t, by);
  bump(c.actor, actor, by);
  const automated = actor === "ci" || actor === "guardrail" || actor === "service";
  bump(automated ? c.pipeline : c.outside, `${actor}\t${principal}`, by);
}

function emptyCounts(): Record<CountName, Map<string, number>> {
  return Object.fromEntries(COUNT_NAMES.map((n) => [n, new Map<string, number>()])) as Record<CountName, Map<string, number>>; // prettier-ignore
}

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
  /**
   * One count per distinct (account, day, actor, service, principal, resource types) of the changes: one map update
   * per event instead of eight (an event tallied in ~1.2 us instead of ~4 on the 1 GiB bench trail); the named
   * counts are made from it when asked for.
   */
  private readonly combined = new Map<string, number>();
  /** Counts by name: merged from other tallies, and the rare change whose names hold SEP. */
  private readonly namedCounts = emptyCounts();
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

  /** Tallies an event; what it returns is all `remove` needs to take it out again. */
  add(e: AuditEvent): TallyEntry {
    const change = this.count(e, 1);
    if (!this.firstEventTime || e.eventTime < this.firstEventTime) this.firstEventTime = e.eventTime;
    if (!this.lastEventTime || e.eventTime > this.lastEventTime) this.lastEventTime = e.eventTime;
    for (const v of e.violations) this.violationRows.push({ ...callRow(e), ...v });
    const denied = deniedOnGoverned(e);
    if (denied) this.deniedRows.push({ ...callRow(e), errorCode: e.errorCode ?? "", resources: e.resources });
    if (this.wanted === undefined || this.wanted.has(e.eventID)) {
      this.seen.set(e.eventID, { principal: e.principal, ip: e.sourceIPAddress, eventName: e.eventName });
    }
    return { eventID: e.eventID, change, violations: e.violations.length, denied };
  }

  /**
   * Takes out an event added before that turned out to be a duplicate of one added (here or on another thread).
   * Its times and `seen` entry are its original's, so they stay.
   */
  remove(t: TallyEntry): void {
    if (t.change !== undefined) {
      this.changes--;
      if (typeof t.change === "string") bump(this.combined, t.change, -1);
      else addChange(this.namedCounts, t.change.key, t.change.types, -1);
    }
    if (t.violations > 0) bump(this.dropped.violations, t.eventID, t.violations);
    if (t.denied) bump(this.dropped.denied, t.eventID);
  }

  get violations(): PolicyViolationRow[] {
    return withoutDropped(this.violationRows, this.dropped.violations);
  }

  get denied(): DeniedRow[] {
    return withoutDropped(this.deniedRows, this.dropped.denied);
  }

  /** Counts a successful change to governed resources; returns how it was counted (undefined: not a change). */
  private count(e: AuditEvent, by: 1 | -1): TallyEntry["change"] {
    if (!e.mutating || e.errorCode || e.resources.length === 0) return undefined;
    this.changes += by;
    // The event's resource types, once each: nearly always one resource, so no Set.
    let types = typeOf(e.resources[0] as string);
    for (let i = 1; i < e.resources.length; i++) {
      const t = typeOf(e.resources[i] as string);
      if (!types.split(SEP).includes(t)) types += SEP + t;
    }
    const day = e.eventTime.slice(0, 10);
    // Joined flat: a template literal makes a rope, which every Map lookup would flatten again. Actor kinds are
    // ours; the other parts come from the record, and one holding SEP is counted by name instead.
    if (!e.service.includes(SEP) && !e.principal.includes(SEP) && !e.accountId.includes(SEP) && !day.includes(SEP)) {
      const combined = [e.accountId, day, e.actor, e.service, e.principal, types].join(SEP);
      bump(this.combined, combined, by);
      return combined;
    }
    // A name with SEP in it (only a record could write one): counted by name, as merged tallies are.
    const named = { key: [e.accountId, day, e.actor, e.service, e.principal] as ChangeKey, types: types.split(SEP) };
    addChange(this.namedCounts, named.key, named.types, by);
    return named;
  }

  /** The changes counted by account, service, principal, day, resource type and actor (section 1 and 4). */
  get counts(): Record<CountName, Map<string, number>> {
    const c = emptyCounts();
    for (const n of COUNT_NAMES) for (const [k, v] of this.namedCounts[n]) bump(c[n], k, v);
    for (const [key, by] of this.combined) {
      const [account, day, actor, service, principal, ...types] = key.split(SEP) as [...ChangeKey, ...string[]];
      if (by !== 0) addChange(c, [account, day, actor, service, principal], types, by);
    }
    return c;
  }

  state(): TallyState {
    return {
      ...(this.firstEventTime ? { firstEventTime: this.firstEventTime, lastEventTime: this.lastEventTime } : {}),
      changes: this.changes,
      counts: Object.fromEntries(Object.entries(this.counts).map(([n, m]) => [n, [...m].filter(([, v]) => v !== 0)])) as TallyState["counts"], // prettier-ignore
      violations: this.violations,
      denied: this.denied,
      seen: [...this.seen],
    };
  }

  merge(s: TallyState): void {
    if (s.firstEventTime && (!this.firstEventTime || s.firstEventTime < this.firstEventTime)) this.firstEventTime = s.firstEventTime; // prettier-ignore
    if (s.lastEventTime && (!this.lastEventTime || s.lastEventTime > this.lastEventTime)) this.lastEventTime = s.lastEventTime; // prettier-ignore
    this.changes += s.changes;
    for (const n of COUNT_NAMES) for (const [k, v] of s.counts[n]) bump(this.namedCounts[n], k, v);
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
