/**
 * The local pipeline's clock. Waiting (a visibility timeout, a deferral, the worker's verification delays) moves it
 * forward at once instead of blocking, so a run that spans "hours" of SQS timeouts takes milliseconds.
 *
 * Two ways to run: fixed (the default; time moves only on waits, so tests are deterministic), or following the
 * system clock (`followRealTime`: the system's time plus everything skipped so far). The demo follows real time
 * because one of Guardrail's handlers (events/cloudtrail.ts) stamps detections with the system clock: a fixed
 * clock would fall behind it, and remediation records would show fixes before their detection.
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
