import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import pc from "picocolors";
import { parse as parseYaml } from "yaml";
import { DEFAULT_VIOLATION_RATE, fleetSnapshots } from "../fleet/generate";
import { FLEET_REGIONS } from "../fleet/model";
import { fleetAccounts } from "../fleet/resources";
import { DEFAULT_SWEEP_INLINE_MAX_KEYS } from "../lib/config-rule/run";
import { SWEEP_KEYS_PER_MESSAGE } from "../lib/config-rule/sweep";
import { loadPack } from "../lib/pack/index";
import { isCloudTrailPolicy, resourceTypesOf } from "../lib/policy/types";
import { packageRoot } from "../lib/util/package-root";
import { fmtInt } from "./util";

/**
 * `npm run bench -- cost`: what Guardrail costs an organisation per month, as a pure model over prices held as
 * data. No AWS call is made and nothing is measured: every duration and byte count below is a stated assumption,
 * and every price names the page it was read from and whether it could be confirmed there.
 *
 * Three designs are billed side by side:
 * - "full-sweep": what was deployed before the sweep compared verdicts. One custom Config rule per resource policy
 *   (deploy/config-rules.js), triggered by configuration changes and by a ScheduledNotification every
 *   `sweepFrequency` (default TwentyFour_Hours) that re-evaluated and re-sent every resource of the rule's types,
 *   whether or not anything changed. Each of those evaluations is a billed Config rule evaluation ("AWS Config
 *   pricing").
 * - "deployed": the same rules and triggers; the sweep still judges every resource, but first reads the verdicts
 *   Config holds (GetComplianceDetailsByConfigRule, not billed) and records only those that differ
 *   (lib/config-rule/run.ts). Config evaluations then grow with changes, not with unchanged resources; the sweep's
 *   Lambda time still does.
 * - "change-bounded": the scheduled invocation also reads only the resources whose configuration item was recorded
 *   since the previous sweep (SelectResourceConfig on configurationItemCaptureTime), and sweeps every resource of a
 *   policy once after the policy's content changed. Nothing of its bill grows with unchanged resources
 *   (deploy/README.md, "What it costs", says what the stack would need).
 *
 * "Unchanged" work is work on a (resource, policy) pair where neither changed since it was last evaluated: the
 * sweep's share of resources not changed since the previous sweep. Work that is per rule or per account
 * whatever the resources (a scheduled invocation's own overhead, alarms, the KMS key) is "fixed".
 */

// ---------------------------------------------------------------------------------------------------------------
// Prices

/** The day the prices below were read. */
export const PRICES_READ_ON = "2026-12-07";
export const PRICE_REGION = "us-east-1";

export interface Tier {
  /** Monthly quantity this tier ends at (Infinity for the last). */
  upTo: number;
  usd: number;
  /** False: this tier's rate could not be confirmed (the price's other tiers were). */
  confirmed?: boolean;
}

export interface Price {
  /** What one unit is. */
  unit: string;
  /** Price per unit, by monthly volume; one tier when the price is flat. */
  tiers: Tier[];
  /** The AWS pricing page (and where it was read, when not the page itself). */
  source: string;
  /** False: the figure could not be confirmed from the page on PRICES_READ_ON; the output says "not confirmed". */
  confirmed: boolean;
  note?: string;
}

const flat = (usd: number): Tier[] => [{ upTo: Infinity, usd }];

/**
 * US East (N. Virginia) on-demand prices, free tiers not deducted (an organisation's other workloads use them).
 * Volume tiers are applied to the organisation's total: consolidated billing treats the accounts of an
 * organisation as one for volume pricing (AWS Billing User Guide, "Volume discounts").
 */
export const US_EAST_1_PRICES = {
  configItem: {
    unit: "configuration item recorded (continuous recording)",
    tiers: flat(0.003),
    source: "https://aws.amazon.com/config/pricing/",
    confirmed: true,
  },
  configItemDaily: {
    unit: "configuration item recorded (daily recording)",
    tiers: flat(0.012),
    source: "https://aws.amazon.com/config/pricing/ (AWS Price List, ConfigurationItemRecordedDaily)",
    confirmed: true,
  },
  configEvaluation: {
    unit: "Config rule evaluation",
    tiers: [
      { upTo: 100_000, usd: 0.001 },
      { upTo: 500_000, usd: 0.0008 },
      { upTo: Infinity, usd: 0.0005, confirmed: false },
    ],
    source: "https://aws.amazon.com/config/pricing/",
    confirmed: true,
    note: "the rate over 500,000 evaluations a month not confirmed",
  },
  lambdaRequest: {
    unit: "Lambda request",
    tiers: flat(0.2 / 1e6),
    source: "https://aws.amazon.com/lambda/pricing/",
    confirmed: true,
  },
  lambdaGbSecondArm: {
    unit: "Lambda GB-second (arm64, first 7.5 billion)",
    tiers: flat(0.0000133334),
    source: "https://aws.amazon.com/lambda/pricing/",
    confirmed: true,
  },
  lambdaGbSecondX86: {
    unit: "Lambda GB-second (x86_64, first 6 billion)",
    tiers: flat(0.0000166667),
    source: "https://aws.amazon.com/lambda/pricing/",
    confirmed: true,
  },
  sqsRequest: {
    unit: "SQS standard request (64 KB chunk)",
    tiers: flat(0.4 / 1e6),
    source: "https://aws.amazon.com/sqs/pricing/",
    confirmed: true,
  },
  snsPublish: {
    unit: "SNS standard publish (64 KB chunk)",
    tiers: flat(0.5 / 1e6),
    source: "https://aws.amazon.com/sns/pricing/",
    confirmed: true,
    note: "deliveries to SQS subscriptions are not charged",
  },
  snsEmail: {
    unit: "SNS e-mail delivery",
    tiers: flat(2 / 100_000),
    source: "https://aws.amazon.com/sns/pricing/",
    confirmed: false,
  },
  eventBridgeServiceEvent: {
    unit: "AWS service event on the default bus (CloudTrail API calls, Config compliance changes)",
    tiers: flat(0),
    source: "https://aws.amazon.com/eventbridge/pricing/",
    confirmed: true,
  },
  eventBridgeCustomEvent: {
    unit: "EventBridge custom event (PutEvents entry, 64 KB chunk)",
    tiers: flat(1 / 1e6),
    source: "https://aws.amazon.com/eventbridge/pricing/",
    confirmed: true,
  },
  logsIngestion: {
    unit: "GB of CloudWatch Logs ingested (standard class)",
    tiers: flat(0.5),
    source: "https://aws.amazon.com/cloudwatch/pricing/",
    confirmed: true,
  },
  logsStorage: {
    unit: "GB-month of CloudWatch Logs archived (compressed)",
    tiers: flat(0.03),
    source: "https://aws.amazon.com/cloudwatch/pricing/",
    confirmed: false,
  },
  metricHour: {
    unit: "custom metric-hour (EMF; $0.30 per metric-month, prorated by the hour)",
    tiers: flat(0.3 / 730),
    source: "https://aws.amazon.com/cloudwatch/pricing/",
    confirmed: false,
    note: "$0.30 per metric-month confirmed; hourly proration not confirmed",
  },
  alarm: {
    unit: "CloudWatch alarm-month (standard resolution)",
    tiers: flat(0.1),
    source: "https://aws.amazon.com/cloudwatch/pricing/",
    confirmed: true,
    note: "Metrics Insights query alarms may be priced per metric analysed: not confirmed",
  },
  dashboard: {
    unit: "CloudWatch dashboard-month",
    tiers: flat(3),
    source: "https://aws.amazon.com/cloudwatch/pricing/",
    confirmed: true,
  },
  xrayTrace: {
    unit: "X-Ray trace recorded",
    tiers: flat(5 / 1e6),
    source: "https://aws.amazon.com/xray/pricing/",
    confirmed: true,
  },
  s3Put: {
    unit: "S3 Standard PUT request",
    tiers: flat(0.005 / 1000),
    source: "https://aws.amazon.com/s3/pricing/",
    confirmed: false,
  },
  s3Storage: {
    unit: "S3 Standard GB-month (first 50 TB)",
    tiers: flat(0.023),
    source: "https://aws.amazon.com/s3/pricing/",
    confirmed: false,
  },
  dynamoWrite: {
    unit: "DynamoDB on-demand write request unit",
    tiers: flat(0.625 / 1e6),
    source: "https://aws.amazon.com/dynamodb/pricing/on-demand/",
    confirmed: true,
  },
  dynamoRead: {
    unit: "DynamoDB on-demand read request unit",
    tiers: flat(0.125 / 1e6),
    source: "https://aws.amazon.com/dynamodb/pricing/on-demand/",
    confirmed: true,
  },
  kmsKey: {
    unit: "KMS customer managed key-month",
    tiers: flat(1),
    source: "https://aws.amazon.com/kms/pricing/",
    confirmed: false,
  },
  kmsRequest: {
    unit: "KMS request",
    tiers: flat(0.03 / 10_000),
    source: "https://aws.amazon.com/kms/pricing/",
    confirmed: false,
  },
  cloudTrailManagementEvent: {
    unit: "management event, first copy (the trail Guardrail needs)",
    tiers: flat(0),
    source: "https://aws.amazon.com/cloudtrail/pricing/",
    confirmed: false,
    note: "the first copy of management events is free; a second trail would pay per event",
  },
} satisfies Record<string, Price>;

export type PriceKey = keyof typeof US_EAST_1_PRICES;
export type Prices = Record<PriceKey, Price>;

/** Whether every tier `quantity` reaches into is confirmed. */
export function priceConfirmed(price: Price, quantity: number): boolean {
  if (!price.confirmed) return false;
  let from = 0;
  for (const tier of price.tiers) {
    if (quantity <= from) break;
    if (tier.confirmed === false) return false;
    from = tier.upTo;
  }
  return true;
}

/** The cost of `quantity` units a month under the tiers. */
export function tieredCost(price: Price, quantity: number): number {
  let cost = 0;
  let from = 0;
  for (const tier of price.tiers) {
    if (quantity <= from) break;
    cost += (Math.min(quantity, tier.upTo) - from) * tier.usd;
    from = tier.upTo;
  }
  return cost;
}

// ---------------------------------------------------------------------------------------------------------------
// The workload

export type FunctionName = "configRule" | "sweepWorker" | "cloudTrailEvents" | "remediationWorker";
export const FUNCTION_NAMES: readonly FunctionName[] = [
  "configRule",
  "sweepWorker",
  "cloudTrailEvents",
  "remediationWorker",
];

export interface LambdaSpec {
  memoryMb: number;
  architecture: "arm64" | "x86_64";
}

export interface Rule {
  id: string;
  resourceTypes: string[];
}

/** Milliseconds of billed duration, warm (assumptions, not measurements). */
export interface Durations {
  /** configRule: one change notification (judge, PutEvaluations). */
  change: number;
  /** configRule: a scheduled invocation's own work before any key (parse, first ListDiscoveredResources). */
  sweepBase: number;
  /** configRule or sweepWorker: 100 keys (list page, BatchGetResourceConfig, judge, PutEvaluations, re-reads). */
  sweepPer100Keys: number;
  /** configRule: handing one SendMessageBatch of 10 sweep messages to the sweep queue. */
  fanOutPerBatch: number;
  /** change-bounded design: the query for the items recorded since the previous sweep. */
  changedItemsQuery: number;
  /** cloudTrailEvents: one EventBridge event. */
  detect: number;
  /** remediationWorker: one request that ends in a fix (plan, fix, verify, record, outcome). */
  fix: number;
  /** remediationWorker: one request that does not fix (duplicate, notify, approve). */
  noFix: number;
  /** INIT duration of a cold start (billed for on-demand functions: "AWS Lambda pricing"). */
  init: number;
}

/** Bytes a function writes to CloudWatch Logs (its JSON log lines and Lambda's START/END/REPORT). */
export interface LogBytes {
  perInvocation: Record<FunctionName, number>;
  per100Keys: number;
}

export interface Workload {
  accounts: number;
  /** Resources of each type in one account (one Region). */
  resourcesByType: Record<string, number>;
  /** The Config rules deployed: one per resource policy. */
  rules: Rule[];
  /** Share of an account's resources changed by people or pipelines in a day. */
  dailyChangeRate: number;
  /** Violations a change introduces, on average. */
  violationsPerChange: number;
  /** Share of violations fixed (auto mode); the rest are notified or wait for approval. */
  fixesPerViolation: number;
  /** Remediation requests published per violation (the CloudTrail path and the compliance-change path). */
  requestsPerViolation: number;
  /** API calls matching an EventBridge rule per change. */
  triggeringCallsPerChange: number;
  /** Hours between scheduled notifications (sweepFrequency). */
  sweepIntervalHours: number;
  /** Keys a scheduled invocation sweeps itself before fanning out (SWEEP_INLINE_MAX_KEYS). */
  inlineMaxKeys: number;
  keysPerBatch: number;
  /** change-bounded design: policies whose content changes in a month (re-run over their resources once). */
  policyChangesPerMonth: number;
  functions: Record<FunctionName, LambdaSpec>;
  ms: Durations;
  /** Share of invocations that start cold. */
  coldStartShare: number;
  logBytes: LogBytes;
  logRetentionMonths: number;
  /** Archived size over ingested size. */
  logCompression: number;
  recordBytes: number;
  /** Copies of each remediation record: the account's bucket, plus a central audit bucket if set. */
  recordCopies: number;
  /** Months of remediation records the bucket holds (the storage line is that month's). */
  recordMonthsKept: number;
  /** EMF series of the Evaluations metric per rule with resources (policyId × compliance). */
  metricSeriesPerRule: number;
  alarms: number;
  dashboards: number;
  kmsKeys: number;
  /** Queues Lambda polls through an event source mapping (remediation, sweep). */
  polledQueues: number;
  /** Long-poll ReceiveMessage calls per polled queue per minute when it is empty. */
  idlePollsPerQueuePerMinute: number;
}

export type Design = "full-sweep" | "deployed" | "change-bounded";
export const DESIGNS: readonly Design[] = ["full-sweep", "deployed", "change-bounded"];

export type Attribution = "changed" | "unchanged" | "fixed";

export interface BillLine {
  service: string;
  item: string;
  unit: string;
  /** Monthly quantity, whole organisation. */
  quantity: number;
  /** Average price per unit over the tiers. */
  unitPrice: number;
  cost: number;
  /** The part of `cost` spent on unchanged (resource, policy) pairs. */
  unchangedCost: number;
  fixedCost: number;
  confirmed: boolean;
  source: string;
}

export interface Bill {
  design: Design;
  accounts: number;
  lines: BillLine[];
  total: number;
  unchangedTotal: number;
  /** unchangedTotal / total (0 for an empty bill). */
  unchangedShare: number;
}

/** Hours in the month AWS bills by. */
export const HOURS_PER_MONTH = 730;
export const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;

/** One quantity of one priced unit, split by what caused it (all per account, per day unless said). */
interface Usage {
  service: string;
  item: string;
  price: PriceKey;
  changed: number;
  unchanged: number;
  fixed: number;
}

/** Per account and per day: quantities of each kind of work. */
interface Accumulator {
  usages: Usage[];
  add(service: string, item: string, price: PriceKey, by: Partial<Record<Attribution, number>>): void;
}

function accumulator(): Accumulator {
  const usages: Usage[] = [];
  return {
    usages,
    add(service, item, price, by) {
      let u = usages.find((x) => x.service === service && x.item === item && x.price === price);
      if (!u) {
        u = { service, item, price, changed: 0, unchanged: 0, fixed: 0 };
        usages.push(u);
      }
      u.changed += by.changed ?? 0;
      u.unchanged += by.unchanged ?? 0;
      u.fixed += by.fixed ?? 0;
    },
  };
}

type Split = Record<Attribution, number>;
const zero = (): Split => ({ changed: 0, unchanged: 0, fixed: 0 });
const scale = (s: Split, k: number): Split => ({
  changed: s.changed * k,
  unchanged: s.unchanged * k,
  fixed: s.fixed * k,
});
const plus = (a: Split, b: Partial<Split>): Split => ({
  changed: a.changed + (b.changed ?? 0),
  unchanged: a.unchanged + (b.unchanged ?? 0),
  fixed: a.fixed + (b.fixed ?? 0),
});

/** Invocations, billed milliseconds and log bytes of one function, split by cause (per account, per day). */
interface FunctionWork {
  invocations: Split;
  ms: Split;
  logBytes: Split;
}

function validate(w: Workload): void {
  const bad = (field: string, why: string) => {
    throw new RangeError(`cost model input ${field} ${why}`);
  };
  const nonNegative = (field: string, v: number) => {
    if (!Number.isFinite(v) || v < 0) bad(field, `must be a finite number >= 0 (is ${v})`);
  };
  nonNegative("accounts", w.accounts);
  for (const [t, n] of Object.entries(w.resourcesByType)) nonNegative(`resourcesByType.${t}`, n);
  for (const f of [
    "dailyChangeRate",
    "violationsPerChange",
    "requestsPerViolation",
    "triggeringCallsPerChange",
    "policyChangesPerMonth",
    "coldStartShare",
    "logRetentionMonths",
    "logCompression",
    "recordBytes",
    "recordCopies",
    "recordMonthsKept",
    "metricSeriesPerRule",
    "alarms",
    "dashboards",
    "kmsKeys",
    "polledQueues",
    "idlePollsPerQueuePerMinute",
  ] as const)
    nonNegative(f, w[f]);
  if (!(w.fixesPerViolation >= 0 && w.fixesPerViolation <= 1)) bad("fixesPerViolation", "must be between 0 and 1");
  if (!(w.sweepIntervalHours > 0)) bad("sweepIntervalHours", "must be > 0");
  if (!(w.keysPerBatch >= 1)) bad("keysPerBatch", "must be >= 1");
  nonNegative("inlineMaxKeys", w.inlineMaxKeys);
  for (const [k, v] of Object.entries(w.ms)) nonNegative(`ms.${k}`, v);
}

/**
 * The monthly bill of `design` for the workload, itemised. Pure: the same inputs give the same lines.
 * Quantities are computed per account and day, then multiplied by accounts and DAYS_PER_MONTH and priced on the
 * organisation's monthly total.
 */
export function monthlyBill(w: Workload, design: Design, prices: Prices = US_EAST_1_PRICES): Bill {
  validate(w);
  const acc = accumulator();
  const work: Record<FunctionName, FunctionWork> = {
    configRule: { invocations: zero(), ms: zero(), logBytes: zero() },
    sweepWorker: { invocations: zero(), ms: zero(), logBytes: zero() },
    cloudTrailEvents: { invocations: zero(), ms: zero(), logBytes: zero() },
    remediationWorker: { invocations: zero(), ms: zero(), logBytes: zero() },
  };
  const invoke = (fn: FunctionName, by: Partial<Split>, msEach: number, extraMs: Partial<Split> = {}) => {
    const n = plus(zero(), by);
    work[fn].invocations = plus(work[fn].invocations, n);
    work[fn].ms = plus(plus(work[fn].ms, scale(n, msEach)), extraMs);
    work[fn].logBytes = plus(work[fn].logBytes, scale(n, w.logBytes.perInvocation[fn]));
  };
  const keyWork = (fn: FunctionName, batches: Partial<Split>) => {
    const b = plus(zero(), batches);
    work[fn].ms = plus(work[fn].ms, scale(b, w.ms.sweepPer100Keys * (w.keysPerBatch / 100)));
    work[fn].logBytes = plus(work[fn].logBytes, scale(b, w.logBytes.per100Keys * (w.keysPerBatch / 100)));
  };

  // The account's resources and the rules that judge them.
  const rulesOf = (type: string) => w.rules.filter((r) => r.resourceTypes.includes(type)).length;
  const resources = Object.values(w.resourcesByType).reduce((a, b) => a + b, 0);
  const pairs = Object.entries(w.resourcesByType).reduce((a, [t, n]) => a + n * rulesOf(t), 0);
  const rulesPerResource = resources > 0 ? pairs / resources : 0;
  const keysOf = (r: Rule) => r.resourceTypes.reduce((a, t) => a + (w.resourcesByType[t] ?? 0), 0);
  const rulesWithResources = w.rules.filter((r) => keysOf(r) > 0).length;

  // Changes, violations and fixes per account per day. A fix is a change too: one more configuration item, and an
  // evaluation by every rule of its type.
  const changes = resources * w.dailyChangeRate;
  const violations = changes * w.violationsPerChange;
  const fixes = violations * w.fixesPerViolation;
  const recorded = changes + fixes;
  const changeEvaluations = recorded * rulesPerResource;
  const sweepsPerDay = 24 / w.sweepIntervalHours;
  // The share of an account's resources recorded since the previous sweep.
  const changedPerSweep = resources > 0 ? Math.min(1, recorded / resources / sweepsPerDay) : 0;

  acc.add("AWS Config", "configuration items recorded", "configItem", { changed: recorded });
  acc.add("AWS Config", "rule evaluations: change notifications", "configEvaluation", { changed: changeEvaluations });
  invoke("configRule", { changed: changeEvaluations }, w.ms.change);

  // A policy whose content changed changes verdicts over its resources once (an upper bound: all of them).
  const policyReruns =
    rulesWithResources > 0 ? (w.policyChangesPerMonth * (pairs / rulesWithResources)) / DAYS_PER_MONTH : 0;

  // The scheduled notification: Config invokes every rule every interval, resources or not.
  invoke("configRule", { fixed: w.rules.length * sweepsPerDay }, w.ms.sweepBase);
  if (design !== "change-bounded") {
    const split = (n: number): Partial<Split> => ({
      changed: n * changedPerSweep,
      unchanged: n * (1 - changedPerSweep),
    });
    if (design === "full-sweep") {
      acc.add(
        "AWS Config",
        "rule evaluations: scheduled sweeps of every resource",
        "configEvaluation",
        split(pairs * sweepsPerDay),
      );
    } else {
      // The sweep reads every verdict Config holds (GetComplianceDetailsByConfigRule, free) and records only those
      // that differ: change notifications already recorded the changed ones, so what is left is a changed policy's.
      acc.add("AWS Config", "rule evaluations: scheduled sweeps, verdicts that changed", "configEvaluation", {
        changed: policyReruns,
      });
    }
    for (const rule of w.rules) {
      const keys = keysOf(rule);
      if (keys === 0) continue;
      const batches = Math.ceil(keys / w.keysPerBatch);
      if (keys <= w.inlineMaxKeys) {
        keyWork("configRule", split(batches * sweepsPerDay));
        continue;
      }
      // Fanned out: SendMessageBatch of 10, the event source mapping's receive and delete per batch of 10.
      const sends = Math.ceil(batches / 10);
      invoke("configRule", {}, 0, split(sends * w.ms.fanOutPerBatch * sweepsPerDay));
      acc.add("Amazon SQS", "sweep queue: send, receive, delete", "sqsRequest", split(3 * sends * sweepsPerDay));
      invoke("sweepWorker", split(sends * sweepsPerDay), 0);
      keyWork("sweepWorker", split(batches * sweepsPerDay));
    }
  } else {
    // Only the items recorded since the previous sweep are re-sent (every change once more, an upper bound), and the
    // first sweep after a policy's content changed covers all of its resources.
    acc.add("AWS Config", "rule evaluations: scheduled re-send of changed items", "configEvaluation", {
      changed: changeEvaluations,
    });
    invoke("configRule", {}, 0, { fixed: w.rules.length * sweepsPerDay * w.ms.changedItemsQuery });
    keyWork("configRule", { changed: changeEvaluations / w.keysPerBatch });
    acc.add("AWS Config", "rule evaluations: changed policies re-run", "configEvaluation", { changed: policyReruns });
    keyWork("configRule", { changed: policyReruns / w.keysPerBatch });
  }

  // Detection and remediation.
  const apiCalls = changes * w.triggeringCallsPerChange;
  acc.add("Amazon EventBridge", "CloudTrail API calls and compliance changes", "eventBridgeServiceEvent", {
    changed: apiCalls + violations,
  });
  invoke("cloudTrailEvents", { changed: apiCalls + violations }, w.ms.detect);
  const requests = violations * w.requestsPerViolation;
  const publishes = requests + violations; // requests, and one outcome per violation handled
  acc.add("Amazon SNS", "remediation requests and outcomes", "snsPublish", { changed: publishes });
  acc.add("Amazon SNS", "e-mail subscription (every message on the topic)", "snsEmail", { changed: publishes });
  acc.add("Amazon EventBridge", "remediation outcomes (PutEvents)", "eventBridgeCustomEvent", { changed: violations });
  acc.add("Amazon SQS", "remediation queue: send, receive, delete", "sqsRequest", { changed: 3 * requests });
  invoke("remediationWorker", { changed: fixes }, w.ms.fix);
  invoke("remediationWorker", { changed: requests - fixes }, w.ms.noFix);
  acc.add("Amazon DynamoDB", "idempotency and rate-limit writes", "dynamoWrite", { changed: 3 * requests });
  acc.add("Amazon DynamoDB", "circuit-breaker reads", "dynamoRead", { changed: requests });
  acc.add("Amazon S3", "remediation records written", "s3Put", { changed: violations * w.recordCopies });
  const recordGbMonths = (violations * DAYS_PER_MONTH * w.recordMonthsKept * w.recordCopies * w.recordBytes) / 2 ** 30;
  acc.add("Amazon S3", `remediation records kept (${w.recordMonthsKept} months)`, "s3Storage", {
    changed: recordGbMonths / DAYS_PER_MONTH,
  });
  acc.add("AWS KMS", "topic key requests (at most one per publish)", "kmsRequest", { changed: publishes });

  // Lambda, logs and traces of the work above.
  for (const fn of FUNCTION_NAMES) {
    const f = work[fn];
    const spec = w.functions[fn];
    acc.add("AWS Lambda", `${fn}: requests`, "lambdaRequest", f.invocations);
    const gbs = (ms: number, n: number) => ((ms + n * w.coldStartShare * w.ms.init) / 1000) * (spec.memoryMb / 1024);
    acc.add(
      "AWS Lambda",
      `${fn}: duration (${spec.memoryMb} MB ${spec.architecture})`,
      spec.architecture === "arm64" ? "lambdaGbSecondArm" : "lambdaGbSecondX86",
      {
        changed: gbs(f.ms.changed, f.invocations.changed),
        unchanged: gbs(f.ms.unchanged, f.invocations.unchanged),
        fixed: gbs(f.ms.fixed, f.invocations.fixed),
      },
    );
    const gb = 2 ** 30;
    acc.add("Amazon CloudWatch", "Logs ingested", "logsIngestion", scale(f.logBytes, 1 / gb));
    acc.add(
      "Amazon CloudWatch",
      `Logs archived (${w.logRetentionMonths} months retained)`,
      "logsStorage",
      scale(f.logBytes, (w.logRetentionMonths * w.logCompression) / gb),
    );
    acc.add("AWS X-Ray", "traces recorded (every invocation, an upper bound)", "xrayTrace", f.invocations);
  }

  // The Evaluations metric: a series costs the hours it is published in.
  const series = rulesWithResources * w.metricSeriesPerRule;
  if (series > 0) {
    const changeHours = (changeEvaluations * DAYS_PER_MONTH) / series; // per series per month, at most one per evaluation
    if (design !== "change-bounded") {
      const sweepHours = Math.min(HOURS_PER_MONTH, sweepsPerDay * DAYS_PER_MONTH);
      const otherHours = Math.min(HOURS_PER_MONTH - sweepHours, changeHours);
      acc.add("Amazon CloudWatch", "Evaluations metric series-hours", "metricHour", {
        changed: (series * (otherHours + sweepHours * changedPerSweep)) / DAYS_PER_MONTH,
        unchanged: (series * sweepHours * (1 - changedPerSweep)) / DAYS_PER_MONTH,
      });
    } else {
      acc.add("Amazon CloudWatch", "Evaluations metric series-hours", "metricHour", {
        changed: (series * Math.min(HOURS_PER_MONTH, 2 * changeHours)) / DAYS_PER_MONTH,
      });
    }
  }

  // Per account whatever the resources (per month, turned into per day for the common scaling below).
  const perDay = (monthly: number) => monthly / DAYS_PER_MONTH;
  acc.add("Amazon CloudWatch", "alarms", "alarm", { fixed: perDay(w.alarms) });
  acc.add("Amazon CloudWatch", "dashboard", "dashboard", { fixed: perDay(w.dashboards) });
  acc.add("AWS KMS", "topic key", "kmsKey", { fixed: perDay(w.kmsKeys) });
  acc.add("Amazon SQS", "event source mappings polling empty queues", "sqsRequest", {
    fixed: w.polledQueues * w.idlePollsPerQueuePerMinute * 60 * 24,
  });
  acc.add("AWS CloudTrail", "management events (first copy)", "cloudTrailManagementEvent", { changed: apiCalls });

  // Organisation-wide monthly lines, priced on the whole quantity; the unchanged part at the average price.
  const lines: BillLine[] = [];
  const months = w.accounts * DAYS_PER_MONTH;
  for (const u of acc.usages) {
    const price = prices[u.price];
    const quantity = (u.changed + u.unchanged + u.fixed) * months;
    const cost = tieredCost(price, quantity);
    const unitPrice = quantity > 0 ? cost / quantity : (price.tiers[0]?.usd ?? 0);
    lines.push({
      service: u.service,
      item: u.item,
      unit: price.unit,
      quantity,
      unitPrice,
      cost,
      unchangedCost: u.unchanged * months * unitPrice,
      fixedCost: u.fixed * months * unitPrice,
      confirmed: priceConfirmed(price, quantity),
      source: price.source,
    });
  }
  const total = lines.reduce((a, l) => a + l.cost, 0);
  const unchangedTotal = lines.reduce((a, l) => a + l.unchangedCost, 0);
  return {
    design,
    accounts: w.accounts,
    lines,
    total,
    unchangedTotal,
    unchangedShare: total > 0 ? unchangedTotal / total : 0,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Inputs read from the repository

/**
 * Resources of each type in one account-region of the sample fleet (fleet/generate.ts) with `services` services in
 * it, the whole reference architecture: the first account's us-east-1 snapshot (the Region that records global
 * resources too), shared pieces included.
 */
export function fleetResourcesByType(services: number, seed = 1): Record<string, number> {
  if (!Number.isSafeInteger(services) || services < 0) throw new RangeError(`services must be an integer >= 0`);
  // Services are dealt round-robin over the account-regions, so services × account-regions gives each `services`.
  const accountRegions = fleetAccounts(seed).length * FLEET_REGIONS.length;
  for (const s of fleetSnapshots({ services: services * accountRegions, seed, scope: "architecture" })) {
    if (s.region !== PRICE_REGION) continue;
    const out: Record<string, number> = {};
    for (const item of s.items) out[item.resourceType] = (out[item.resourceType] ?? 0) + 1;
    return out;
  }
  throw new Error(`fleet/generate.ts: the sample fleet has no ${PRICE_REGION} snapshot`);
}

/** The Config rules deploy/config-rules.js generates from the built-in pack: one per resource policy with types. */
export function deployedRules(): { rules: Rule[]; problems: number } {
  const pack = loadPack({ compile: "lazy" });
  const rules = pack.policies
    .map((p) => p.policy)
    .filter((p) => !isCloudTrailPolicy(p) && resourceTypesOf(p).length > 0)
    .map((p) => ({ id: p.id, resourceTypes: resourceTypesOf(p) }));
  return { rules, problems: pack.problems.length };
}

/** Memory and architecture of each function, as serverless.yml deploys them (provider defaults, function overrides). */
export function deployedFunctions(root = packageRoot()): Record<FunctionName, LambdaSpec> {
  const file = join(root, "serverless.yml");
  const doc = parseYaml(readFileSync(file, "utf8"), { logLevel: "error" }) as {
    provider?: { memorySize?: unknown; architecture?: unknown };
    functions?: Record<string, { memorySize?: unknown; architecture?: unknown }>;
  };
  const out = {} as Record<FunctionName, LambdaSpec>;
  for (const name of FUNCTION_NAMES) {
    const fn = doc.functions?.[name];
    if (!fn) throw new Error(`${file}: functions.${name} is missing`);
    // Lambda's defaults when neither says: 128 MB, x86_64 (Lambda API Reference, CreateFunction).
    const memory = Number(fn.memorySize ?? doc.provider?.memorySize ?? 128);
    const architecture = String(fn.architecture ?? doc.provider?.architecture ?? "x86_64");
    if (!Number.isInteger(memory) || memory < 128) throw new Error(`${file}: functions.${name} memorySize ${memory}`);
    if (architecture !== "arm64" && architecture !== "x86_64")
      throw new Error(`${file}: functions.${name} architecture ${architecture}`);
    out[name] = { memoryMb: memory, architecture };
  }
  return out;
}

/** serverless.yml params.default.sweepFrequency, in hours (AWS::Config::ConfigRule MaximumExecutionFrequency). */
export function deployedSweepIntervalHours(root = packageRoot()): number {
  const file = join(root, "serverless.yml");
  const doc = parseYaml(readFileSync(file, "utf8"), { logLevel: "error" }) as {
    params?: { default?: { sweepFrequency?: unknown; logRetentionInDays?: unknown } };
  };
  const frequency = String(doc.params?.default?.sweepFrequency);
  const hours: Record<string, number> = {
    One_Hour: 1,
    Three_Hours: 3,
    Six_Hours: 6,
    Twelve_Hours: 12,
    TwentyFour_Hours: 24,
  };
  const h = hours[frequency];
  if (h === undefined)
    throw new Error(`${file}: params.default.sweepFrequency "${frequency}" is not a Config frequency`);
  return h;
}

/** serverless.yml params.default.logRetentionInDays, in months. */
export function deployedLogRetentionMonths(root = packageRoot()): number {
  const file = join(root, "serverless.yml");
  const doc = parseYaml(readFileSync(file, "utf8"), { logLevel: "error" }) as {
    params?: { default?: { logRetentionInDays?: unknown } };
  };
  const days = Number(doc.params?.default?.logRetentionInDays);
  if (!(days > 0)) throw new Error(`${file}: params.default.logRetentionInDays is not a number of days`);
  return Math.min(days, 3653) / (365 / 12);
}

/** The dead-letter queues deploy/queues.js creates (one alarm each) and the queues a function polls. */
function deployedQueues(root = packageRoot()): { deadLetter: number; polled: number } {
  const req = createRequire(join(root, "package.json"));
  const q = req("./deploy/queues.js") as {
    QUEUES?: Record<string, unknown>;
    DEAD_LETTER_QUEUES?: Record<string, unknown>;
  };
  return { deadLetter: Object.keys(q.DEAD_LETTER_QUEUES ?? {}).length, polled: Object.keys(q.QUEUES ?? {}).length };
}

export interface CostBenchOptions {
  /** Account counts printed. */
  accounts: number[];
  /** Services of the sample fleet per account. */
  servicesPerAccount: number;
  /** The account count whose bill is itemised. */
  itemise: number;
}

export const COST_DEFAULTS: CostBenchOptions = { accounts: [1, 10, 100, 500], servicesPerAccount: 25, itemise: 10 };

/** Assumptions that are not read from the repository (each printed by the bench). */
export const ASSUMED = {
  dailyChangeRate: 0.02,
  violationsPerChange: DEFAULT_VIOLATION_RATE,
  fixesPerViolation: 0.5,
  requestsPerViolation: 2,
  triggeringCallsPerChange: 1,
  policyChangesPerMonth: 4,
  ms: {
    change: 150,
    sweepBase: 300,
    sweepPer100Keys: 800,
    fanOutPerBatch: 50,
    changedItemsQuery: 300,
    detect: 200,
    fix: 2000,
    noFix: 300,
    init: 600,
  } satisfies Durations,
  coldStartShare: 0.5,
  logBytes: {
    perInvocation: { configRule: 1500, sweepWorker: 1500, cloudTrailEvents: 2000, remediationWorker: 5000 },
    per100Keys: 600,
  } satisfies LogBytes,
  logCompression: 0.15,
  recordBytes: 4096,
  recordCopies: 1,
  recordMonthsKept: 12,
  metricSeriesPerRule: 2,
  /** deploy/alarms.js: two Metrics Insights alarms besides one per dead-letter queue. */
  metricAlarms: 2,
  dashboards: 1,
  kmsKeys: 1,
  /** Lambda keeps polling an empty queue; 5 pollers at one 20-second long poll each: an assumption. */
  idlePollsPerQueuePerMinute: 15,
};

/** The workload of `accounts` accounts from the repository's files and ASSUMED. */
export function repoWorkload(accounts: number, servicesPerAccount = COST_DEFAULTS.servicesPerAccount): Workload {
  const queues = deployedQueues();
  return {
    accounts,
    resourcesByType: fleetResourcesByType(servicesPerAccount),
    rules: deployedRules().rules,
    dailyChangeRate: ASSUMED.dailyChangeRate,
    violationsPerChange: ASSUMED.violationsPerChange,
    fixesPerViolation: ASSUMED.fixesPerViolation,
    requestsPerViolation: ASSUMED.requestsPerViolation,
    triggeringCallsPerChange: ASSUMED.triggeringCallsPerChange,
    sweepIntervalHours: deployedSweepIntervalHours(),
    inlineMaxKeys: DEFAULT_SWEEP_INLINE_MAX_KEYS,
    keysPerBatch: SWEEP_KEYS_PER_MESSAGE,
    policyChangesPerMonth: ASSUMED.policyChangesPerMonth,
    functions: deployedFunctions(),
    ms: ASSUMED.ms,
    coldStartShare: ASSUMED.coldStartShare,
    logBytes: ASSUMED.logBytes,
    logRetentionMonths: deployedLogRetentionMonths(),
    logCompression: ASSUMED.logCompression,
    recordBytes: ASSUMED.recordBytes,
    recordCopies: ASSUMED.recordCopies,
    recordMonthsKept: ASSUMED.recordMonthsKept,
    metricSeriesPerRule: ASSUMED.metricSeriesPerRule,
    alarms: queues.deadLetter + ASSUMED.metricAlarms,
    dashboards: ASSUMED.dashboards,
    kmsKeys: ASSUMED.kmsKeys,
    polledQueues: queues.polled,
    idlePollsPerQueuePerMinute: ASSUMED.idlePollsPerQueuePerMinute,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Output

export const usd = (n: number): string =>
  n >= 100 ? `$${fmtInt(n)}` : n >= 1 ? `$${n.toFixed(2)}` : n === 0 ? "$0" : `$${n.toFixed(4)}`;
/** A unit price: per million units when it is below a hundredth of a cent. */
const unitUsd = (n: number): string => (n > 0 && n < 0.0001 ? `${usd(n * 1e6)} per 1M` : usd(n));
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const qty = (n: number) => (n >= 100 ? fmtInt(n) : n.toPrecision(3));

function pad(cells: string[], widths: number[], right: Set<number>): string {
  return cells.map((c, i) => (right.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join("  ");
}

function printGrid(head: string[], rows: string[][], right: Set<number>): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  console.log(pad(head, widths, right));
  console.log("-".repeat(widths.reduce((a, b) => a + b + 2, 0)));
  for (const r of rows) console.log(pad(r, widths, right));
}

export function printBill(bill: Bill): void {
  const rows = bill.lines
    .filter((l) => l.quantity > 0)
    .sort((a, b) => b.cost - a.cost)
    .map((l) => [
      l.service,
      l.item,
      qty(l.quantity),
      `${unitUsd(l.unitPrice)} / ${l.unit}`,
      usd(l.cost),
      usd(l.unchangedCost),
      l.confirmed ? "" : "price not confirmed",
    ]);
  console.log("");
  console.log(pc.bold(`  ${bill.design}, ${bill.accounts} accounts, per month`));
  printGrid(["service", "item", "quantity", "unit price", "cost", "unchanged", ""], rows, new Set([2, 4, 5]));
  console.log(
    `total ${usd(bill.total)}, of which unchanged resources ${usd(bill.unchangedTotal)} (${pct(bill.unchangedShare)})`,
  );
}

export function runCostBench(o: CostBenchOptions): Promise<void> {
  const { rules, problems } = deployedRules();
  const one = repoWorkload(1, o.servicesPerAccount);
  const resources = Object.values(one.resourcesByType).reduce((a, b) => a + b, 0);
  console.log("");
  console.log(
    pc.bold(`cost: the monthly bill in ${PRICE_REGION}, prices read on ${PRICES_READ_ON} (a model, no AWS call)`),
  );
  if (problems > 0) console.log(pc.yellow(`  ${problems} policy file(s) did not load and are left out of the rules`));
  console.log(
    `  per account: ${o.servicesPerAccount} sample-fleet services = ${resources} resources of ${Object.keys(one.resourcesByType).length} types; ` +
      `${rules.length} Config rules (resource policies), of which ${rules.filter((r) => r.resourceTypes.some((t) => (one.resourcesByType[t] ?? 0) > 0)).length} have resources`,
  );
  console.log(
    `  deployed: change notifications + a sweep of every resource every ${one.sweepIntervalHours} h (serverless.yml sweepFrequency) that records only changed verdicts; ` +
      `functions ${FUNCTION_NAMES.map((f) => `${f} ${one.functions[f].memoryMb} MB ${one.functions[f].architecture}`).join(", ")}`,
  );
  console.log(
    `  assumed: ${pct(one.dailyChangeRate)} of resources changed a day, ${one.violationsPerChange} violations per change, ` +
      `${pct(one.fixesPerViolation)} of violations fixed, ${one.policyChangesPerMonth} policies changed a month (change-bounded), ` +
      `durations ${JSON.stringify(one.ms)} ms, ${pct(one.coldStartShare)} cold starts, log bytes ${JSON.stringify(one.logBytes)}`,
  );
  console.log("");
  const rows: string[][] = [];
  for (const n of o.accounts) {
    const w = repoWorkload(n, o.servicesPerAccount);
    const [a, b, c] = DESIGNS.map((d) => monthlyBill(w, d)) as [Bill, Bill, Bill];
    rows.push([
      String(n),
      usd(a.total),
      pct(a.unchangedShare),
      usd(b.total),
      pct(b.unchangedShare),
      usd(c.total),
      pct(c.unchangedShare),
    ]);
  }
  printGrid(
    ["accounts", "full sweep (before)", "unchanged share", "deployed", "unchanged share", "change-bounded", "unchanged share"], // prettier-ignore
    rows,
    new Set([1, 2, 3, 4, 5, 6]),
  );
  const w = repoWorkload(o.itemise, o.servicesPerAccount);
  for (const d of DESIGNS) printBill(monthlyBill(w, d));
  console.log("");
  console.log(`prices (${PRICE_REGION}, read on ${PRICES_READ_ON}; free tiers not deducted):`);
  for (const p of Object.values(US_EAST_1_PRICES as Prices)) {
    const rates = p.tiers
      .map(
        (t) =>
          `${unitUsd(t.usd)}${t.upTo === Infinity ? "" : ` up to ${fmtInt(t.upTo)}`}${t.confirmed === false ? " (not confirmed)" : ""}`,
      )
      .join(", then ");
    console.log(
      `  ${p.unit}: ${rates}${p.confirmed ? "" : " (not confirmed)"}  ${p.source}${p.note ? `; ${p.note}` : ""}`,
    );
  }
  return Promise.resolve();
}
