import { createWriteStream } from "node:fs";
import { mkdir, open, readFile, rename, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { FLEET_REGIONS, type ExpectedResult, type FleetAccount, type FleetConfigItem } from "./model";
import { deriveSeed, Prng } from "./prng";
import { microserviceItems, serviceItemsTotal, sharedItemCount, sharedItems } from "./architecture";
import { accountRegion, fleetAccounts, serviceItems, trailItem, type AccountRegion } from "./resources";
import { addExemptionToken, violationsFor } from "./violations";

export type { ExpectedResult, FleetAccount, FleetConfigItem } from "./model";

/**
 * A deterministic sample fleet of microservices, written the way AWS Config delivers snapshots to S3, with the
 * list of violations it contains (ground truth) so that a scan of it can be checked pair by pair.
 *
 * Determinism: every value comes from a PRNG derived from `seed` (per service, per account-region), the snapshot
 * time is derived from the seed as well, and gzip output of the same bytes is the same: same options, same bytes.
 * A service's resources do not depend on the total number of services, and with the same seed a higher
 * `violationRate` violates a superset of the pairs violated by a lower one.
 */
export interface FleetOptions {
  /**
   * Number of microservices (11 to 18 configuration items each, by flavour: fleet/architecture.ts), plus the
   * pieces every account and Region shares (a CloudTrail trail, KMS keys, ...: 11 to 17 items).
   */
  services: number;
  seed: number;
  /** Probability that each (resource, applicable policy) pair is violated; default 0.15. */
  violationRate?: number;
  /**
   * `architecture`: the whole reference architecture (four service flavours and the shared pieces). `serverless`
   * (the default): its serverless slice only, every service a REST API + Lambda + DynamoDB service of 12 items
   * and a trail per account and Region: what the local account of `guardrail demo` serves today.
   */
  scope?: FleetScope;
}

export type FleetScope = "architecture" | "serverless";
export const FLEET_SCOPES: readonly FleetScope[] = ["architecture", "serverless"];
/** Items of a service of the serverless slice. */
export const SERVERLESS_ITEMS_PER_SERVICE = 12;

export interface GenerateFleetOptions extends FleetOptions {
  outDir: string;
  /** Called as resources are written: `done` and `total` count configuration items. */
  onProgress?: (done: number, total: number) => void;
}

export interface FleetManifest {
  outDir: string;
  /** Snapshot files written, one per account and region, in generation order. */
  snapshotFiles: string[];
  groundTruthFile: string;
  /** Configuration items written. */
  resources: number;
  accounts: FleetAccount[];
  regions: string[];
  /** Violated (policy, resource) pairs: NON_COMPLIANT plus EXEMPT, i.e. the length of ground truth `expected`. */
  violations: number;
  /** Violated pairs exempted by an active `guardrail:exempt` tag (expected EXEMPT). */
  exempt: number;
  /** (policy, resource) pairs the catalogue considers applicable; violations / applicablePairs ≈ violationRate. */
  applicablePairs: number;
  /** Fixed snapshot time derived from the seed, ISO 8601. */
  snapshotTime: string;
  scope: FleetScope;
}

/** One account-region's snapshot, in memory. */
export interface FleetSnapshot {
  account: FleetAccount;
  region: string;
  snapshotId: string;
  items: FleetConfigItem[];
  expected: ExpectedResult[];
  applicablePairs: number;
}

export const DEFAULT_VIOLATION_RATE = 0.15;
/** Share of violations exempted by an active tag, and share carrying an expired one (still NON_COMPLIANT). */
export const EXEMPT_SHARE = 0.05;
export const EXPIRED_EXEMPTION_SHARE = 0.025;
export const EXPIRED_EXEMPTION_DATE = "2020-01-31";
export const GROUND_TRUTH_FILE = "ground-truth.json";

const DAY = 86_400_000;

interface FleetPlan {
  seed: number;
  scope: FleetScope;
  services: number;
  violationRate: number;
  snapshotMs: number;
  accounts: FleetAccount[];
  regions: readonly string[];
  accountRegions: AccountRegion[];
  totalResources: number;
}

function plan(opts: FleetOptions): FleetPlan {
  const { services, seed } = opts;
  const violationRate = opts.violationRate ?? DEFAULT_VIOLATION_RATE;
  if (!Number.isSafeInteger(services) || services < 0) {
    throw new RangeError(`services must be a non-negative integer, got ${services}`);
  }
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  if (!(violationRate >= 0 && violationRate <= 1)) {
    throw new RangeError(`violationRate must be between 0 and 1, got ${violationRate}`);
  }
  const scope = opts.scope ?? "serverless";
  if (!FLEET_SCOPES.includes(scope))
    throw new RangeError(`scope must be one of ${FLEET_SCOPES.join(", ")}, got ${scope}`);
  const accounts = fleetAccounts(seed);
  const regions = FLEET_REGIONS;
  const full = scope === "architecture";
  return {
    seed,
    scope,
    services,
    violationRate,
    snapshotMs: snapshotTime(seed),
    accounts,
    regions,
    accountRegions: accounts.flatMap((a) => regions.map((r) => accountRegion(seed, a, r))),
    totalResources: full
      ? serviceItemsTotal(services) +
        accounts.reduce((n, a) => n + regions.reduce((m, r) => m + 1 + sharedItemCount(a.environment, r), 0), 0)
      : services * SERVERLESS_ITEMS_PER_SERVICE + accounts.length * regions.length,
  };
}

/** The fleet's snapshot time: a fixed second in 2026 (01:00–21:59 UTC, so every file shares one date folder). */
export function snapshotTime(seed: number): number {
  const rng = new Prng(deriveSeed(seed, "snapshot-time"));
  return Date.UTC(2026, 0, 1) + rng.int(0, 299) * DAY + rng.int(1, 21) * 3_600_000 + rng.int(0, 3599) * 1000;
}

/**
 * Services are dealt round-robin over accounts, then regions: service i goes to account i mod A and region
 * floor(i / A) mod R, so consecutive services land in different account-regions. These are the indexes of
 * account-region `k` (account-major order).
 */
function* servicesOf(p: FleetPlan, k: number): Generator<number> {
  const a = Math.floor(k / p.regions.length);
  const r = k % p.regions.length;
  const stride = p.accounts.length * p.regions.length;
  for (let i = a + p.accounts.length * r; i < p.services; i += stride) yield i;
}

interface Tally {
  expected: ExpectedResult[];
  applicablePairs: number;
}

/**
 * Draws the violations of one item: two draws per applicable pair whatever the rate (violated? then exempt,
 * expired or neither), so the stream stays aligned across rates.
 */
function applyViolations(ci: FleetConfigItem, rng: Prng, rate: number, tally: Tally): void {
  for (const spec of violationsFor(ci.resourceType)) {
    if (spec.appliesTo && !spec.appliesTo(ci)) continue;
    tally.applicablePairs++;
    const violated = rng.next() < rate;
    const exemption = rng.next();
    if (!violated) continue;
    spec.mutate(ci);
    let compliance: ExpectedResult["compliance"] = "NON_COMPLIANT";
    if (exemption < EXEMPT_SHARE) {
      if (addExemptionToken(ci, spec.policyId)) compliance = "EXEMPT";
    } else if (exemption < EXEMPT_SHARE + EXPIRED_EXEMPTION_SHARE) {
      addExemptionToken(ci, `${spec.policyId}@${EXPIRED_EXEMPTION_DATE}`);
    }
    tally.expected.push({
      policyId: spec.policyId,
      resourceType: ci.resourceType,
      resourceId: ci.resourceId,
      accountId: ci.awsAccountId,
      region: ci.awsRegion,
      compliance,
    });
  }
}

/**
 * Items of account-region `k`, one at a time: the trail and the shared pieces first, then each service's items.
 * Violations are drawn per item from the stream of what it belongs to (the account-region or the service).
 */
function* accountRegionItems(p: FleetPlan, k: number, tally: Tally): Generator<FleetConfigItem> {
  const ar = p.accountRegions[k] as AccountRegion;
  const trail = trailItem(p.seed, ar, p.snapshotMs);
  applyViolations(
    trail,
    new Prng(deriveSeed(p.seed, "trail-violations", ar.account.id, ar.region)),
    p.violationRate,
    tally,
  );
  yield trail;
  const full = p.scope === "architecture";
  const sharedRng = new Prng(deriveSeed(p.seed, "shared-violations", ar.account.id, ar.region));
  for (const ci of full ? sharedItems(p.seed, ar, p.snapshotMs) : []) {
    applyViolations(ci, sharedRng, p.violationRate, tally);
    yield ci;
  }
  for (const i of servicesOf(p, k)) {
    const rng = new Prng(deriveSeed(p.seed, "violations", i));
    const items = full ? microserviceItems(p.seed, i, ar, p.snapshotMs) : serviceItems(p.seed, i, ar, p.snapshotMs);
    for (const ci of items) {
      applyViolations(ci, rng, p.violationRate, tally);
      yield ci;
    }
  }
}

function snapshotId(p: FleetPlan, ar: AccountRegion): string {
  return new Prng(deriveSeed(p.seed, "snapshot-id", ar.account.id, ar.region)).uuid();
}

/** Every account-region snapshot in memory, one at a time (for tests and benchmarks that want no files). */
export function* fleetSnapshots(opts: FleetOptions): Generator<FleetSnapshot> {
  const p = plan(opts);
  for (let k = 0; k < p.accountRegions.length; k++) {
    const ar = p.accountRegions[k] as AccountRegion;
    const tally: Tally = { expected: [], applicablePairs: 0 };
    const items = [...accountRegionItems(p, k, tally)];
    yield { account: ar.account, region: ar.region, snapshotId: snapshotId(p, ar), items, ...tally };
  }
}

/** The whole fleet in memory: every item and the expected verdicts. Fine for tests; use generateFleet at scale. */
export function fleetResourceItems(opts: FleetOptions): {
  items: FleetConfigItem[];
  expected: ExpectedResult[];
  accounts: FleetAccount[];
  applicablePairs: number;
  snapshotTime: string;
} {
  const items: FleetConfigItem[] = [];
  const expected: ExpectedResult[] = [];
  let applicablePairs = 0;
  for (const s of fleetSnapshots(opts)) {
    for (const ci of s.items) items.push(ci);
    for (const e of s.expected) expected.push(e);
    applicablePairs += s.applicablePairs;
  }
  return {
    items,
    expected,
    accounts: fleetAccounts(opts.seed),
    applicablePairs,
    snapshotTime: new Date(snapshotTime(opts.seed)).toISOString(),
  };
}

/**
 * S3 key of a snapshot, as AWS Config delivers it (month and day not zero-padded in the folders):
 * `AWSLogs/<acct>/Config/<region>/<yyyy>/<m>/<d>/ConfigSnapshot/<acct>_Config_<region>_ConfigSnapshot_<yyyymmddThhmmssZ>_<uuid>.json.gz`
 */
export function snapshotKey(accountId: string, region: string, timeMs: number, id: string): string {
  const d = new Date(timeMs);
  const pad = (n: number) => String(n).padStart(2, "0");
  const stamp =
    `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`;
  return [
    "AWSLogs",
    accountId,
    "Config",
    region,
    String(d.getUTCFullYear()),
    String(d.getUTCMonth() + 1),
    String(d.getUTCDate()),
    "ConfigSnapshot",
    `${accountId}_Config_${region}_ConfigSnapshot_${stamp}_${id}.json.gz`,
  ].join("/");
}

/**
 * zlib level 3: about a third less CPU than the default 6 for files about a third larger; generation, not disk,
 * is what a 100,000-resource fleet waits for.
 */
const GZIP_LEVEL = 3;

/** Batches JSON text into chunks of about this many characters before they go to gzip. */
const CHUNK_CHARS = 256 * 1024;

function* snapshotText(id: string, items: Iterable<FleetConfigItem>, progress: (n: number) => void): Generator<string> {
  let buf = `{"fileVersion":"1.0","configSnapshotId":"${id}","configurationItems":[`;
  let n = 0;
  for (const ci of items) {
    buf += (n === 0 ? "" : ",") + JSON.stringify(ci);
    n++;
    if (buf.length >= CHUNK_CHARS) {
      progress(n);
      yield buf;
      buf = "";
    }
  }
  progress(n);
  yield buf + "]}";
}

/**
 * A previous fleet in `outDir` is replaced (its AWSLogs tree removed, so no stale snapshot of another seed is
 * scanned with the new ground truth); an AWSLogs tree the generator did not write is never touched.
 */
async function prepareOutDir(outDir: string): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const logs = join(outDir, "AWSLogs");
  const exists = await stat(logs).then(
    () => true,
    () => false,
  );
  if (!exists) return;
  const marker = await readFile(join(outDir, GROUND_TRUTH_FILE), "utf8").then(
    (t) => t.slice(0, 200),
    () => "",
  );
  if (!/^\{\s*"generator"\s*:/.test(marker)) {
    throw new Error(`${logs} exists and was not written by the fleet generator; choose an empty output directory`);
  }
  await rm(logs, { recursive: true, force: true });
}

/**
 * Writes the fleet: one gzipped snapshot per account and region, built and streamed one at a time (memory does
 * not grow with the number of services), and `ground-truth.json`, also streamed.
 */
export async function generateFleet(opts: GenerateFleetOptions): Promise<FleetManifest> {
  const p = plan(opts);
  const { outDir } = opts;
  await prepareOutDir(outDir);
  const snapshotIso = new Date(p.snapshotMs).toISOString();
  const groundTruthFile = join(outDir, GROUND_TRUTH_FILE);
  const gt = await open(`${groundTruthFile}.partial`, "w");
  const snapshotFiles: string[] = [];
  let done = 0;
  let violations = 0;
  let exempt = 0;
  let applicablePairs = 0;
  try {
    const generator = {
      seed: p.seed,
      services: p.services,
      violationRate: p.violationRate,
      snapshotTime: snapshotIso,
      ...(p.scope === "architecture" ? { scope: p.scope } : {}),
    };
    const accounts = p.accounts.map((a) => ({ id: a.id, name: a.name }));
    await gt.write(
      `{\n  "generator": ${JSON.stringify(generator)},\n  "accounts": ${JSON.stringify(accounts)},\n` +
        `  "resources": ${p.totalResources},\n  "expected": [`,
    );
    for (let k = 0; k < p.accountRegions.length; k++) {
      const ar = p.accountRegions[k] as AccountRegion;
      const file = join(outDir, snapshotKey(ar.account.id, ar.region, p.snapshotMs, snapshotId(p, ar)));
      await mkdir(dirname(file), { recursive: true });
      const tally: Tally = { expected: [], applicablePairs: 0 };
      const base = done;
      const text = snapshotText(snapshotId(p, ar), accountRegionItems(p, k, tally), (n) => {
        done = base + n;
        opts.onProgress?.(done, p.totalResources);
      });
      // Written beside its name and renamed when complete: an interrupted run leaves no half snapshot to scan.
      await pipeline(
        Readable.from(text),
        createGzip({ level: GZIP_LEVEL, chunkSize: 256 * 1024 }),
        createWriteStream(`${file}.partial`),
      );
      await rename(`${file}.partial`, file);
      snapshotFiles.push(file);
      if (tally.expected.length > 0) {
        const lines = tally.expected.map((e, j) => (violations + j === 0 ? "\n    " : ",\n    ") + JSON.stringify(e));
        await gt.write(lines.join(""));
      }
      violations += tally.expected.length;
      exempt += tally.expected.filter((e) => e.compliance === "EXEMPT").length;
      applicablePairs += tally.applicablePairs;
    }
    await gt.write(violations > 0 ? "\n  ]\n}\n" : "]\n}\n");
  } finally {
    await gt.close();
  }
  await rename(`${groundTruthFile}.partial`, groundTruthFile);
  return {
    outDir,
    snapshotFiles,
    groundTruthFile,
    resources: done,
    accounts: p.accounts,
    regions: [...p.regions],
    violations,
    exempt,
    applicablePairs,
    snapshotTime: snapshotIso,
    scope: p.scope,
  };
}
