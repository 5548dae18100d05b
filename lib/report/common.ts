import type { AnyEvaluation as Evaluation, Verdict } from "../engine/evaluate";
import { SEVERITIES, type Severity } from "../policy/types";
import type { InputProblem, PolicyInfo, ReportWriter, ScanSummary } from "./types";

export { formatCount, plural } from "../util/words";

/** critical = 0 ... info = 4; unknown severities sort last. */
export function severityRank(s: Severity | string): number {
  const i = SEVERITIES.indexOf(s as Severity);
  return i < 0 ? SEVERITIES.length : i;
}

export function emptyCounts(): Record<Verdict, number> {
  return { COMPLIANT: 0, NON_COMPLIANT: 0, EXEMPT: 0, NOT_APPLICABLE: 0, UNKNOWN: 0 };
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Severity, policy id, account, region, resource type, resource id: the order every report lists results in. */
export function compareEvaluations(a: Evaluation, b: Evaluation): number {
  return (
    severityRank(a.severity) - severityRank(b.severity) ||
    compareStrings(a.policyId, b.policyId) ||
    compareStrings(a.accountId, b.accountId) ||
    compareStrings(a.region, b.region) ||
    compareStrings(a.resourceType, b.resourceType) ||
    compareStrings(a.resourceId, b.resourceId)
  );
}

/**
 * The first `cap` items in `compare` order out of any number pushed, in O(cap) memory: the buffer is sorted and cut
 * back whenever it doubles, so the cost is O(n log cap) whatever the arrival order.
 */
export class TopK<T> {
  private items: T[] = [];
  private sorted = true;
  /** How many items were pushed, kept or not. */
  total = 0;

  constructor(
    readonly cap: number,
    private readonly compare: (a: T, b: T) => number,
  ) {}

  push(item: T): void {
    this.total++;
    this.items.push(item);
    this.sorted = false;
    if (this.items.length >= 2 * this.cap + 16) this.trim();
  }

  private trim(): void {
    this.items.sort(this.compare);
    if (this.items.length > this.cap) this.items.length = this.cap;
    this.sorted = true;
  }

  /** The kept items, sorted. */
  values(): T[] {
    if (!this.sorted) this.trim();
    return this.items;
  }

  get omitted(): number {
    return this.total - this.values().length;
  }
}

/** Policies in report order (severity, then id), including any that evaluations name but the summary does not. */
export function orderedPolicies(summary: ScanSummary, extra: Iterable<[string, Severity]> = []): PolicyInfo[] {
  const byId = new Map<string, PolicyInfo>();
  for (const p of summary.policies) byId.set(p.id, p);
  for (const [id, severity] of extra) {
    if (!byId.has(id)) byId.set(id, { id, title: id, severity, subject: [], file: "" });
  }
  for (const id of Object.keys(summary.byPolicy)) {
    if (!byId.has(id)) byId.set(id, { id, title: id, severity: "info", subject: [], file: "" });
  }
  return [...byId.values()].sort(
    (a, b) => severityRank(a.severity) - severityRank(b.severity) || compareStrings(a.id, b.id),
  );
}

export function policyCounts(summary: ScanSummary, id: string): Record<Verdict, number> {
  return { ...emptyCounts(), ...summary.byPolicy[id] };
}

/** "cis-aws 2.1.1, 2.1.2; nist-800-53 SC-28" */
export function frameworkText(frameworks: Record<string, string[]> | undefined): string {
  if (!frameworks) return "";
  return Object.entries(frameworks)
    .map(([name, ids]) => (ids.length > 0 ? `${name} ${ids.join(", ")}` : name))
    .join("; ");
}

/** "error: fleet/a.json /configurationItems/3: message" (the form the CLI prints to stderr). */
export function problemLine(p: InputProblem): string {
  return `${p.level}: ${p.file}${p.pointer ? ` ${p.pointer}` : ""}: ${p.message}`;
}

/**
 * Buffered output that respects backpressure. `push` never blocks (a writer's `add` is synchronous): it gathers
 * text into 64 KiB chunks and hands them to the stream until the stream says it is full, then holds further chunks
 * until 'drain'. `write` is the same but waits out a full stream, for output produced in `finish`. `end` flushes
 * and resolves once the stream has accepted (called back for) the last chunk; it never ends the stream, which
 * belongs to the caller. A failing stream makes `write` and `end` reject rather than hang.
 *
 * `add` cannot wait, so a producer that never yields to the event loop fills this queue instead of the stream's
 * buffer; either way the text is held until the stream drains.
 */
export class Sink {
  private current: string[] = [];
  private currentSize = 0;
  /** Chunks ready for the stream; `head` is the next to write. */
  private ready: string[] = [];
  private head = 0;
  private blocked: Promise<void> | undefined;
  private last: Promise<void> = Promise.resolve();
  private error: unknown;

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly chunkSize = 64 * 1024,
  ) {}

  push(text: string): void {
    if (text === "" || this.error !== undefined) return;
    this.current.push(text);
    this.currentSize += text.length;
    if (this.currentSize >= this.chunkSize) {
      this.seal();
      this.pump();
    }
  }

  async write(text: string): Promise<void> {
    this.push(text);
    while (this.blocked) await this.blocked;
    this.rethrow();
  }

  async end(): Promise<void> {
    this.seal();
    for (;;) {
      this.pump();
      if (!this.blocked) break;
      await this.blocked;
    }
    await this.last;
    this.rethrow();
  }

  private rethrow(): void {
    if (this.error !== undefined) throw this.error instanceof Error ? this.error : new Error(String(this.error));
  }

  private seal(): void {
    if (this.currentSize === 0) return;
    this.ready.push(this.current.length === 1 ? (this.current[0] as string) : this.current.join(""));
    this.current = [];
    this.currentSize = 0;
  }

  /** Writes ready chunks until the stream is full. */
  private pump(): void {
    while (!this.blocked && this.error === undefined && this.head < this.ready.length) {
      const data = this.ready[this.head] as string;
      this.ready[this.head++] = "";
      let ok = true;
      this.last = new Promise<void>((resolve) => {
        ok = this.out.write(data, (err) => {
          if (err && this.error === undefined) this.error = err;
          resolve();
        });
      });
      if (!ok) {
        this.blocked = waitForDrain(this.out).then(
          () => {
            this.blocked = undefined;
            this.pump();
          },
          (err: unknown) => {
            this.blocked = undefined;
            if (this.error === undefined) this.error = err;
          },
        );
      }
    }
    if (this.head === this.ready.length || this.error !== undefined) {
      this.ready = [];
      this.head = 0;
    }
  }
}

function waitForDrain(out: NodeJS.WritableStream): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = (err?: unknown) => {
      out.removeListener("drain", onDrain);
      out.removeListener("error", onError);
      out.removeListener("close", onClose);
      if (err === undefined) resolve();
      else reject(err);
    };
    const onDrain = () => done();
    const onError = (err: unknown) => done(err);
    const onClose = () => done(new Error("the report's output stream closed before the report was written"));
    out.on("drain", onDrain);
    out.on("error", onError);
    out.on("close", onClose);
  });
}

/**
 * A report that is a JSON array of findings, one per NON_COMPLIANT, EXEMPT and UNKNOWN evaluation (the ASFF and
 * OCSF formats). Only those evaluations are kept until the end, where the summary gives each its policy's title;
 * then one finding per line is written as it is built, waiting for the stream every 256 findings.
 */
export function createFindingsArrayWriter(
  out: NodeJS.WritableStream,
  finding: (e: Evaluation, policy: PolicyInfo) => unknown,
): ReportWriter {
  const kept: Evaluation[] = [];
  return {
    accepts: "violations",
    add(e) {
      if (e.compliance === "NON_COMPLIANT" || e.compliance === "EXEMPT" || e.compliance === "UNKNOWN") kept.push(e);
    },
    async finish(summary: ScanSummary) {
      const sink = new Sink(out);
      const byId = new Map(summary.policies.map((p) => [p.id, p]));
      kept.sort(compareEvaluations);
      await sink.write("[");
      for (let i = 0; i < kept.length; i++) {
        const e = kept[i] as Evaluation;
        // A policy the summary does not list (a pack changed under the scan): its id stands for its title.
        const policy = byId.get(e.policyId) ?? {
          id: e.policyId,
          title: e.policyId,
          severity: e.severity,
          subject: [e.resourceType],
          file: "",
        };
        const text = (i === 0 ? "\n" : ",\n") + JSON.stringify(finding(e, policy));
        if (i % 256 === 255) await sink.write(text);
        else sink.push(text);
      }
      kept.length = 0;
      await sink.write("\n]\n");
      await sink.end();
    },
  };
}
