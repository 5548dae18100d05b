/**
 * One self-rewriting status line on stderr, only when stderr is a terminal and not in CI, so that long runs
 * show progress to people and stay quiet in logs and pipes.
 */
export class Progress {
  private last = 0;
  private shown = false;
  readonly enabled: boolean;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    enabled?: boolean,
  ) {
    this.enabled = enabled ?? (Boolean(stream.isTTY) && !process.env.CI);
  }

  /** `text` may be a function: long runs call this per item, and the line is only built when it is shown. */
  update(line: string | (() => string), force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    const text = typeof line === "function" ? line() : line;
    // A pseudo-terminal may report 0 columns (`script`, `docker run -t`, some CI runners): take a usual width then.
    const columns = this.stream.columns;
    const width = typeof columns === "number" && columns > 1 ? columns : 100;
    this.stream.write(`\r${text.slice(0, width - 1).padEnd(Math.min(width - 1, this.lastLength))}`);
    this.lastLength = Math.min(text.length, width - 1);
    this.shown = true;
  }

  private lastLength = 0;

  done(): void {
    if (this.enabled && this.shown) this.stream.write(`\r${" ".repeat(this.lastLength)}\r`);
    this.shown = false;
  }
}

export { formatBytes } from "../lib/util/words";
