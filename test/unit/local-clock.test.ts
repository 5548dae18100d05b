import { VirtualClock } from "../../lib/local/clock";

describe("the local pipeline's virtual clock", () => {
  test("fixed: time moves only when something waits", async () => {
    const clock = new VirtualClock(new Date("2026-11-03T12:00:00Z"));
    await clock.sleep(5000);
    clock.advanceTo(Date.parse("2026-11-03T12:00:02Z")); // never back
    expect(clock.now().toISOString()).toBe("2026-11-03T12:00:05.000Z");
    clock.advanceTo(Date.parse("2026-11-03T12:06:00Z"));
    expect(clock.now().toISOString()).toBe("2026-11-03T12:06:00.000Z");
  });

  test("following real time: never behind the system clock, ahead by what was skipped", async () => {
    const clock = new VirtualClock(new Date(), { followRealTime: true });
    expect(clock.millis()).toBeGreaterThanOrEqual(Date.now() - 1);
    await clock.sleep(3_600_000);
    const ahead = clock.millis() - Date.now();
    expect(ahead).toBeGreaterThan(3_599_000);
    expect(ahead).toBeLessThanOrEqual(3_600_000);
    const before = clock.millis();
    clock.advanceTo(before - 10_000);
    expect(clock.millis()).toBeGreaterThanOrEqual(before);
  });
});
