import { cpus, loadavg, totalmem } from "node:os";
import { performance } from "node:perf_hooks";
import pc from "picocolors";

/** Milliseconds since an arbitrary origin, sub-millisecond resolution. */
export function now(): number {
  return performance.now();
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Runs `fn` `runs` times after `warmups` untimed runs; returns every timed duration in ms. */
export function timeSync(fn: () => void, runs: number, warmups = 1): number[] {
  for (let i = 0; i < warmups; i++) fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = now();
    fn();
    out.push(now() - t0);
  }
  return out;
}

export async function timeAsync(fn: () => Promise<void>, runs: number, warmups = 1): Promise<number[]> {
  for (let i = 0; i < warmups; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = now();
    await fn();
    out.push(now() - t0);
  }
  return out;
}

export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** 12,345,678/s, 1.23 M/s style rate. */
export function fmtRate(perSecond: number): string {
  return `${fmtInt(perSecond)}/s`;
}

export function fmtMs(ms: number): string {
  return ms >= 10_000
    ? `${(ms / 1000).toFixed(1)} s`
    : ms >= 1000
      ? `${(ms / 1000).toFixed(2)} s`
      : `${ms.toFixed(0)} ms`;
}

export function fmtMiB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

export type Status = "PASS" | "MISS" | "INFO" | "ERROR";

export interface Row {
  figure: string;
  value: string;
  baseline?: string;
  target?: string;
  status?: Status;
}

/** Every MISS and ERROR printed, collected for the closing summary. */
export const misses: string[] = [];

export function check(ok: boolean): Status {
  return ok ? "PASS" : "MISS";
}

function paint(status: Status | undefined): string {
  switch (status) {
    case "PASS":
      return pc.green("PASS");
    case "MISS":
      return pc.bold(pc.red("MISS  <<<<<"));
    case "ERROR":
      return pc.bold(pc.red("ERROR <<<<<"));
    default:
      return "";
  }
}

// Widths are computed on the plain text, so colour codes do not break the alignment.
export function printTable(name: string, title: string, rows: readonly Row[]): void {
  const head: Row = { figure: "figure", value: "value", baseline: "baseline", target: "target", status: undefined };
  const cols = (r: Row) => [r.figure, r.value, r.baseline ?? "", r.target ?? ""];
  const widths = [0, 0, 0, 0];
  for (const r of [head, ...rows]) cols(r).forEach((c, i) => (widths[i] = Math.max(widths[i] as number, c.length)));
  const line = (r: Row, status: string) =>
    cols(r)
      .map((c, i) => (i === 1 ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number)))
      .join("  ") +
    "  " +
    status;
  const total = widths.reduce((a, b) => a + b + 2, 0) + 6;
  console.log("");
  console.log(pc.bold(`${name}: ${title}`));
  console.log(line(head, "status"));
  console.log("-".repeat(total));
  for (const r of rows) {
    console.log(line(r, paint(r.status)));
    if (r.status === "MISS" || r.status === "ERROR")
      misses.push(`${name}: ${r.figure} = ${r.value}, target ${r.target ?? ""}`);
  }
}

export function machineInfo(): string[] {
  const list = cpus();
  return [
    `node ${process.version} (${process.platform}/${process.arch}), V8 ${process.versions.v8}`,
    `CPU ${list[0]?.model.trim() ?? "unknown"}, ${list.length} cores, ${fmtMiB(totalmem())} RAM`,
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")} at start (other work on the machine skews every figure)`,
  ];
}

/** Loud, unmissable failure of a precondition (the benchmark would compare different work). */
export class BenchAbort extends Error {
  override name = "BenchAbort";
}
