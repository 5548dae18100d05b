import { Progress } from "../../cli/progress";

/** The progress line on terminals that report odd widths: never a crash (a RangeError ended scan and demo). */
describe("the progress line", () => {
  it.each([0, 1, undefined, 40])("works on a terminal of %s columns", (columns) => {
    const written: string[] = [];
    const stream = {
      isTTY: true,
      columns,
      write: (s: string) => (written.push(s), true),
    } as unknown as NodeJS.WriteStream;
    const p = new Progress(stream, true);
    p.update("scanning 1,234 files, 56 MB", true);
    p.update(() => "scanning 2,468 files, 112 MB", true);
    p.done();
    expect(written.length).toBe(3);
    const width = typeof columns === "number" && columns > 1 ? columns : 100;
    for (const line of written) expect(line.replace(/\r/g, "").length).toBeLessThan(width);
  });
});
