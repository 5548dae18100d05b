/**
 * Counts, plurals, sizes and durations in the CLI's and the reports' words, with the platform's Intl formatters
 * (ECMA-402: Intl.PluralRules, Intl.NumberFormat with units) rather than string tricks, so "1 policy", "2 policies",
 * "12,345 items" and "1.5 MB" come out the same everywhere.
 */
const EN = "en-US";
const pluralRules = new Intl.PluralRules(EN);
const counts = new Intl.NumberFormat(EN);
const sizes = new Map<string, Intl.NumberFormat>();

/** 12345 -> "12,345". */
export function formatCount(n: number): string {
  return counts.format(n);
}

/**
 * "1 policy", "3 policies": the count and the noun in the form its plural category asks for. Both forms are
 * given: English plurals are not a rule (policy/policies, index/indexes, status/statuses).
 */
export function plural(n: number, one: string, other = `${one}s`): string {
  return `${formatCount(n)} ${pluralRules.select(n) === "one" ? one : other}`;
}

const BYTE_UNITS = [
  ["byte", 1],
  ["kilobyte", 1024],
  ["megabyte", 1024 ** 2],
  ["gigabyte", 1024 ** 3],
] as const;

/** 1536 -> "1.5 kB"; binary multiples, as the sizes of files on disk are usually shown. */
export function formatBytes(n: number): string {
  const bytes = Number.isFinite(n) && n > 0 ? n : 0;
  // CLDR's short form of "byte" is the word; "B" reads as the other units do.
  if (bytes < 1024) return `${formatCount(Math.round(bytes))} B`;
  let [unit, size] = BYTE_UNITS[0] as readonly [string, number];
  for (const [u, s] of BYTE_UNITS) if (bytes >= s) [unit, size] = [u, s];
  const digits = unit === "gigabyte" ? 2 : 1;
  const key = `${unit}:${digits}`;
  let format = sizes.get(key);
  if (!format) {
    format = new Intl.NumberFormat(EN, {
      style: "unit",
      unit,
      unitDisplay: "short",
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    sizes.set(key, format);
  }
  return format.format(bytes / size);
}

/**
 * 950 -> "950 ms", 2_500 -> "2.5 s", 42_000 -> "42 s", 61_000 -> "1 min 01 s", 7_260_000 -> "2 h 01 min". Intl.DurationFormat would do this but is not
 * in Node 20, which the CLI supports; pretty-ms is an ES module only, which jest's CommonJS runtime does not load.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return "–";
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, "0")} s`;
  const h = Math.floor(m / 60);
  return `${h} h ${String(m % 60).padStart(2, "0")} min`;
}
