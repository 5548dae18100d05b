import { randomUUID } from "node:crypto";
import { concatIds, guidKey, guidKeyAt, idList, IdListBuilder, WindowedIdSet } from "../../lib/audit/idset";
import type { AuditEvent } from "../../lib/audit/facts";
import { AuditAccumulator, type FileFacts } from "../../lib/audit/model";
import { EventTally, type TallyEntry, type TallyState } from "../../lib/audit/tally";
import { countsOf, transferList } from "../../lib/audit/worker";

/**
 * The audit's deduplication by CloudTrail eventID (version-4 GUIDs; eventID: CloudTrail User Guide, "CloudTrail
 * record contents"), and the split of the work between threads: workers tally the events the main thread says are
 * fresh, and the tallies merge.
 */
describe("GUID keys", () => {
  it("reads the same key from the bytes as from the string, and none from what is not a GUID", () => {
    for (let i = 0; i < 200; i++) {
      const id = randomUUID();
      const buf = Buffer.from(`{"eventID":"${id}","readOnly":true}`);
      expect(guidKeyAt(buf, 12)).toEqual(guidKey(id));
    }
    expect(guidKeyAt(Buffer.from("not-a-guid-at-all-but-36-characters!"), 0)).toBeUndefined();
    expect(guidKeyAt(Buffer.from("zzzzzzzz-1111-4111-8111-111111111111"), 0)).toBeUndefined();
    expect(guidKey("denied-read")).toBeUndefined();
  });

  it("builds id lists of keys and other ids, and joins them", () => {
    const b = new IdListBuilder();
    const ids = Array.from({ length: 700 }, () => randomUUID()); // past the builder's first capacity
    ids.forEach((id) => b.add(id));
    b.add("x-1");
    const list = b.finish();
    expect(b.size).toBe(701);
    expect(list).toEqual(idList([...ids, "x-1"]));
    const both = concatIds(list, idList(["y-2", ids[0] as string]));
    expect(both.keys.length).toBe(2 * 701);
    expect(both.other).toEqual(["x-1", "y-2"]);
    expect(concatIds(list, idList([]))).toBe(list);
  });
});

describe("WindowedIdSet", () => {
  const key = (id: string) => guidKey(id) as [number, number];

  it("finds a duplicate on the same day and within the window, not beyond it", () => {
    const set = new WindowedIdSet(1);
    const [hi, lo] = key("8c4e2d2b-1234-4abc-9def-000000000001");
    expect(set.freshKey(hi, lo, 100)).toBe(true);
    expect(set.freshKey(hi, lo, 100)).toBe(false);
    expect(set.freshKey(hi, lo, 101)).toBe(false);
    // Two days after the day it was last seen on: a new delivery of the id, counted again.
    expect(set.freshKey(hi, lo, 103)).toBe(true);
    expect(set.freshString("not-a-guid", 100)).toBe(true);
    expect(set.freshString("not-a-guid", 101)).toBe(false);
    expect(set.freshString("not-a-guid", 102)).toBe(true);
    expect(set.freshKey(0, 0, 100)).toBe(true); // the all-zero key is a key like any other
    expect(set.freshKey(0, 0, 100)).toBe(false);
  });

  it("judges a day read out of order against the days around it, and a wider window against more days", () => {
    const set = new WindowedIdSet(2);
    const [a, b] = [key(randomUUID()), key(randomUUID())];
    expect(set.freshKey(...a, 10)).toBe(true);
    expect(set.freshKey(...b, 12)).toBe(true);
    expect(set.freshKey(...a, 12)).toBe(false); // two days later: within a window of 2
    expect(set.freshKey(...b, 11)).toBe(false); // a day behind the latest, read late
    expect(set.freshKey(...a, 13)).toBe(true); // three days after it was seen: day 10 left the window
    expect(set.freshKey(...b, 9)).toBe(true); // three days before it was seen
  });

  it("answers as a map of every id to the day it was last counted, through growth and pruning", () => {
    // Days in order, as the readers go; repeats drawn from the last three days, so some fall outside the window.
    const set = new WindowedIdSet(1);
    const last = new Map<string, number>();
    const recent: { id: string; day: number }[] = [];
    const wrong: string[] = [];
    let repeats = 0;
    for (let day = 1; day <= 12; day++) {
      for (let i = 0; i < 25_000; i++) {
        const again = recent.length > 0 && i % 9 === 0 ? recent[(i * 7919) % recent.length] : undefined;
        const id = again && again.day >= day - 2 ? again.id : randomUUID();
        const seen = last.get(id);
        const expected = seen === undefined || day - seen > 1;
        if (seen !== undefined) repeats++;
        if (set.freshKey(...key(id), day) !== expected) wrong.push(`${id} on day ${day}`);
        if (expected) last.set(id, day);
        recent.push({ id, day });
      }
      recent.splice(0, Math.max(0, recent.length - 60_000));
    }
    expect(wrong).toEqual([]);
    expect(repeats).toBeGreaterThan(25_000);
  });

  it("keeps an id whose probe run wraps past the table's end when the days around it are forgotten in place", () => {
    // White box (idset.ts `slot`, `prune`), with keys made to land where the bug was: on the first, 65,536-slot
    // table a key of hi 0 goes first to slot imul(lo, 0x85ebca6b) mod 2^16. Day 1 (forgotten later): Z at its home
    // 65534, E at its home 0; day 2 (kept): Y (home 65534) at 65535, V (home 0) at 1, and X (home 65535) at 2, past
    // Y, E and V. Forgetting day 1 empties 65534 and 0. The runs used to be rebuilt from the first empty slot after
    // that, slot 0: V went to 0, X to 1, then Y back home to 65534, which left 65535 empty, and X, looked up from
    // 65535, was not found (its duplicate counted as new). They are rebuilt from a slot that was empty before.
    const set = new WindowedIdSet(1);
    const table = () => (set as unknown as { table: Uint32Array }).table;
    const loFor = (home: number, n = 0) => {
      for (let lo = n * 65536; ; lo++) if (((Math.imul(lo, 0x85ebca6b) >>> 0) & 0xffff) === home) return lo;
    };
    const slotOf = (lo: number) => {
      const t = table();
      for (let i = 0; i < t.length / 3; i++) if (t[3 * i] === 0 && t[3 * i + 1] === lo && t[3 * i + 2] !== 0) return i;
      return -1;
    };
    const [z, y, e, v, x] = [loFor(65534), loFor(65534, 1), loFor(0), loFor(0, 1), loFor(65535)];
    const days = [1, 2, 1, 2, 2];
    expect([z, y, e, v, x].every((lo, i) => set.freshKey(0, lo, days[i] as number))).toBe(true);
    expect([z, y, e, v, x].map(slotOf)).toEqual([65534, 65535, 0, 1, 2]);
    // Day 1 fills the table to just under its load limit, away from those slots; day 3's ids then make it forget
    // day 1 in place (the table need not grow for days 2 and 3).
    let filled = 5;
    for (let lo = 100; filled < 49_150; lo++, filled++) set.freshKey(1, lo, 1);
    for (let i = 0; i < 10; i++) set.freshKey(3, i, 3);
    expect(table().length).toBe(3 * 65536);
    expect(slotOf(z)).toBe(-1);
    // Day 2's ids are within day 3's window: seen, not new.
    expect([y, v, x].map((lo) => set.freshKey(0, lo, 3))).toEqual([false, false, false]);
  });

  it("keeps every id of the window through growth, and forgets the days that left it", () => {
    const set = new WindowedIdSet(1);
    const perDay = 30_000;
    let previous: [number, number][] = [];
    for (let day = 1; day <= 20; day++) {
      const ids = Array.from({ length: perDay }, () => key(randomUUID()));
      expect(ids.every(([hi, lo]) => set.freshKey(hi, lo, day))).toBe(true);
      // Yesterday's ids are still within the window (through every growth and rebuild so far).
      expect(previous.every(([hi, lo]) => !set.freshKey(hi, lo, day))).toBe(true);
      previous = ids;
    }
    // 600,000 ids went in; the table holds the window's and at most a rebuild's worth of older days.
    expect(set.size).toBeLessThan(10 * perDay);
  });
});

const base: AuditEvent = {
  eventID: "62a841f9-7601-4345-9181-dd5f31ec75ab",
  eventTime: "2026-07-14T09:11:02Z",
  accountId: "012345678901",
  region: "us-east-1",
  service: "apigateway",
  eventName: "CreateStage",
  principal: "arn:aws:sts::012345678901:assumed-role/c7nbot/HarishAchappa",
  actor: "console",
  sourceIPAddress: "203.0.113.41",
  mutating: true,
  denied: false,
  resources: ["AWS::ApiGateway::Stage|arn:aws:apigateway:us-east-1::/restapis/abcdef74gh/stages/prod"],
  violations: [
    { policyId: "apigateway-no-console-changes-in-production", severity: "high", annotation: "CreateStage by …" },
  ],
};

/** Events of several accounts, principals, days and kinds: changes, violations, denied calls, one without an id. */
function sampleEvents(): AuditEvent[] {
  return Array.from({ length: 40 }, (_, i): AuditEvent => {
    const e: AuditEvent = {
      ...base,
      eventID: i === 7 ? "" : randomUUID(),
      eventTime: `2026-07-${String(14 + (i % 3)).padStart(2, "0")}T09:${String(i).padStart(2, "0")}:02Z`,
      accountId: ["012345678901", "111122223333"][i % 2] as string,
      principal: `arn:aws:iam::012345678901:user/u${i % 5}`,
      actor: (["console", "ci", "human", "service"] as const)[i % 4] as AuditEvent["actor"],
      violations: i % 3 === 0 ? base.violations : [],
    };
    if (i % 7 === 3) return { ...e, errorCode: "AccessDenied", denied: true, mutating: false };
    return e;
  });
}

/** A tally's state with its order taken out (merging adds the parts in any order). */
function normalised(t: TallyState): unknown {
  const byId = <T extends { eventID: string; eventTime: string }>(rows: T[]) =>
    [...rows].sort((a, b) => (a.eventTime + a.eventID < b.eventTime + b.eventID ? -1 : 1));
  return {
    ...t,
    counts: Object.fromEntries(Object.entries(t.counts).map(([k, v]) => [k, [...v].sort()])),
    violations: byId(t.violations),
    denied: byId(t.denied),
    seen: [...t.seen].sort(),
  };
}

describe("EventTally", () => {
  it("merged from the tallies of parts, cloned as between threads, equals the tally of the whole", () => {
    const events = sampleEvents();
    const wanted = [events[4]?.eventID as string, events[9]?.eventID as string, "not-in-the-trail"];
    const whole = new EventTally(wanted);
    for (const e of events) whole.add(e);
    const parts = [new EventTally(), new EventTally(), new EventTally()];
    for (const p of parts) p.want(wanted);
    events.forEach((e, i) => parts[i % 3]?.add(e));
    const merged = new EventTally(wanted);
    for (const p of parts) merged.merge(structuredClone(p.state()));
    expect(normalised(merged.state())).toEqual(normalised(whole.state()));
    expect(
      whole
        .state()
        .seen.map(([id]) => id)
        .sort(),
    ).toEqual(wanted.slice(0, 2).sort());
    expect(whole.changes).toBeGreaterThan(0);
    expect(whole.denied.length).toBeGreaterThan(0);
  });

  it("counts a change whose names hold its key separator by name, and takes it out again", () => {
    const odd: AuditEvent = { ...base, violations: [], principal: "arn:aws:iam::012345678901:user/odd\u0001name" };
    const tally = new EventTally();
    const entry = tally.add(odd);
    tally.add(base);
    expect(tally.counts.principal).toEqual(
      new Map([
        [odd.principal, 1],
        [base.principal, 1],
      ]),
    );
    expect(tally.counts.type).toEqual(new Map([["AWS::ApiGateway::Stage", 2]]));
    tally.remove(entry);
    expect(tally.changes).toBe(1);
    expect([...tally.counts.principal].filter(([, n]) => n !== 0)).toEqual([[base.principal, 1]]);
  });

  it("learns the wanted changes after its first events, and takes out what it is told are duplicates", () => {
    const events = sampleEvents();
    const wanted = [events[4]?.eventID as string];
    const whole = new EventTally(wanted);
    for (const e of events) whole.add(e);
    const late = new EventTally();
    for (const e of events) late.add(e);
    late.want(wanted);
    // Events with violations, a denied call and plain changes, added again and taken out.
    const again = [0, 3, 4, 12].map((i) => late.add(events[i] as AuditEvent));
    for (const entry of again) late.remove(entry);
    expect(normalised(late.state())).toEqual(normalised(whole.state()));
  });
});

describe("AuditAccumulator, events tallied on workers", () => {
  const file = (name: string, events: AuditEvent[]): FileFacts => ({
    file: name,
    date: "2026-07-14",
    accountId: "012345678901",
    region: "us-east-1",
    bytes: 100,
    records: events.length,
    readOnly: idList([randomUUID()]),
    mutating: idList([]),
    events,
  });

  it("names the duplicates of each file, and gives the report that counting on one thread gives", () => {
    const events = sampleEvents();
    // The second file delivers three of the first file's events again (one a denied call that also breaks a policy,
    // one a violation), and the record without an id once more.
    const files = [file("a", events.slice(0, 20)), file("b", [...events.slice(20), events[3], events[5], events[7], events[12]] as AuditEvent[])]; // prettier-ignore
    const one = new AuditAccumulator({ wantedChanges: [events[5]?.eventID as string] });
    for (const f of files) one.add(f);

    const split = new AuditAccumulator({ wantedChanges: [events[5]?.eventID as string] });
    const worker = new EventTally([events[5]?.eventID as string]);
    // As a worker does: every event tallied when read, the duplicates taken out when the main thread names them.
    const duplicates = files.map((f) => {
      const entries = f.events.map((e) => worker.add(e));
      const counts = countsOf(f);
      const d = split.addCounts(structuredClone(counts, { transfer: transferList({ seq: 0, counts }) }));
      for (const i of d) worker.remove(entries[i] as TallyEntry);
      return d;
    });
    split.merge(structuredClone(worker.state()));
    expect(duplicates).toEqual([[], [20, 21, 23]]);
    const finish = { trail: "t", filters: {}, remediationRecords: [], version: "0", now: new Date(0) };
    expect(split.finish(finish)).toEqual(one.finish(finish));
    expect(one.finish(finish).coverage.duplicates).toBe(3);
  });
});
