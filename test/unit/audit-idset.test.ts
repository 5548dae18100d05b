import { randomUUID } from "node:crypto";
import { concatIds, guidKey, guidKeyAt, idList, IdListBuilder, WindowedIdSet } from "../../lib/audit/idset";
import type { AuditEvent } from "../../lib/audit/facts";
import { packEvents, unpackEvents } from "../../lib/audit/worker";

/**
 * The audit's deduplication by CloudTrail eventID (version-4 GUIDs, aws-facts.md §4) and the packing of a file's
 * events between threads.
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

describe("packEvents", () => {
  it("round-trips a file's events, optional fields included", () => {
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
    const denied: AuditEvent = {
      ...base,
      eventID: "denied",
      errorCode: "AccessDenied",
      denied: true,
      mutating: false,
      violations: [],
    };
    const events = [base, denied, { ...base, eventID: "", resources: [] }];
    const packed = packEvents(events);
    expect(packed.strings.filter((s) => s === base.principal)).toHaveLength(1);
    expect(unpackEvents(JSON.parse(JSON.stringify(packed)) as typeof packed)).toEqual(events);
  });
});
