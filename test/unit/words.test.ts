import { formatBytes, formatCount, formatDuration, plural } from "../../lib/util/words";

describe("words", () => {
  it("chooses the plural form by the count's plural category", () => {
    expect(plural(1, "policy", "policies")).toBe("1 policy");
    expect(plural(0, "policy", "policies")).toBe("0 policies");
    expect(plural(2, "request")).toBe("2 requests");
    expect(plural(12345, "item")).toBe("12,345 items");
    expect(plural(1.5, "second")).toBe("1.5 seconds");
  });

  it("groups thousands", () => {
    expect(formatCount(1234567)).toBe("1,234,567");
  });

  it("sizes in binary multiples", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1536)).toBe("1.5 kB");
    expect(formatBytes(5 * 1024 ** 2)).toBe("5.0 MB");
    expect(formatBytes(3 * 1024 ** 3)).toBe("3.00 GB");
    expect(formatBytes(Number.NaN)).toBe("0 B");
  });

  it("durations from milliseconds to hours", () => {
    expect(formatDuration(950)).toBe("950 ms");
    expect(formatDuration(2500)).toBe("2.5 s");
    expect(formatDuration(42_000)).toBe("42 s");
    expect(formatDuration(61_000)).toBe("1 min 01 s");
    expect(formatDuration(7_260_000)).toBe("2 h 01 min");
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe("–");
  });
});
