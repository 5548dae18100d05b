/**
 * The local pipeline's clock. Waiting (a visibility timeout, a deferral, the worker's verification delays) moves it
 * forward at once instead of blocking, so a run that spans "hours" of SQS timeouts takes milliseconds.
 *
 * Two ways to run: fixed (the default; time moves only on waits, so a run and its times to remediate are the same
 * every time: the demo and the tests), or following the system clock (`followRealTime`: the system's time plus
 * everything skipped so far; `guardrail replay` and the loop bench). Every handler the local loop plays reads
 * this clock (the worker and the detector are configured with it), never the system's.
 */
export class VirtualClock {
  private ms: number;
  private skipped = 0;
  private readonly realTime: boolean;

  constructor(start: Date = new Date(), options: { followRealTime?: boolean } = {}) {
    this.ms = start.getTime();
    this.realTime = options.followRealTime === true;
  }

  millis(): number {
    return this.realTime ? Math.max(this.ms, Date.now() + this.skipped) : this.ms;
  }

  now(): Date {
    return new Date(this.millis());
  }

  /** Moves time forward (never back). */
  advanceTo(ms: number): void {
    const current = this.millis();
    if (ms > current) this.advance(ms - current);
  }

  advance(ms: number): void {
    const by = Math.max(0, ms);
    if (this.realTime) this.skipped += by;
    this.ms = this.millis() + (this.realTime ? 0 : by);
  }

  /** Waiting is advancing the clock. */
  sleep(ms: number): Promise<void> {
    this.advance(ms);
    return Promise.resolve();
  }
}
