import { readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import fc from "fast-check";
import {
  DAYS_PER_MONTH,
  deployedFunctions,
  deployedRules,
  deployedSweepIntervalHours,
  fleetResourcesByType,
  FUNCTION_NAMES,
  monthlyBill,
  priceConfirmed,
  repoWorkload,
  tieredCost,
  US_EAST_1_PRICES,
  type Bill,
  type Workload,
} from "../../bench/cost";
import { fleetResourceItems } from "../../fleet/generate";
import { fleetAccounts } from "../../fleet/resources";

const ROOT = join(__dirname, "..", "..");
const BUCKET = "AWS::S3::Bucket";

/** 100 buckets, one rule, 10 changed a day, nothing else that costs: small enough to compute by hand. */
function tiny(over: Partial<Workload> = {}): Workload {
  return {
    accounts: 1,
    resourcesByType: { [BUCKET]: 100 },
    rules: [{ id: "s3-bucket-versioning", resourceTypes: [BUCKET] }],
    dailyChangeRate: 0.1,
    violationsPerChange: 0,
    fixesPerViolation: 0,
    requestsPerViolation: 0,
    triggeringCallsPerChange: 0,
    sweepIntervalHours: 24,
    inlineMaxKeys: 1000,
    keysPerBatch: 100,
    policyChangesPerMonth: 0,
    functions: Object.fromEntries(
      FUNCTION_NAMES.map((f) => [f, { memoryMb: 1024, architecture: "arm64" as const }]),
    ) as Workload["functions"],
    ms: {
      change: 0,
      sweepBase: 0,
      sweepPer100Keys: 0,
      fanOutPerBatch: 0,
      changedItemsQuery: 0,
      detect: 0,
      fix: 0,
      noFix: 0,
      init: 0,
    },
    coldStartShare: 0,
    logBytes: {
      perInvocation: { configRule: 0, sweepWorker: 0, cloudTrailEvents: 0, remediationWorker: 0 },
      per100Keys: 0,
    },
    logRetentionMonths: 12,
    logCompression: 0.15,
    recordBytes: 4096,
    recordCopies: 1,
    recordMonthsKept: 12,
    metricSeriesPerRule: 0,
    alarms: 0,
    dashboards: 0,
    kmsKeys: 0,
    polledQueues: 0,
    idlePollsPerQueuePerMinute: 0,
    ...over,
  };
}

const line = (bill: Bill, item: string) => {
  const l = bill.lines.find((x) => x.item === item);
  if (!l) throw new Error(`no line "${item}" in ${bill.lines.map((x) => x.item).join(", ")}`);
  return l;
};

describe("prices", () => {
  test("tiered Config evaluations: 600,000 = 100,000 × $0.001 + 400,000 × $0.0008 + 100,000 × $0.0005", () => {
    expect(tieredCost(US_EAST_1_PRICES.configEvaluation, 600_000)).toBeCloseTo(100 + 320 + 50, 9);
    expect(tieredCost(US_EAST_1_PRICES.configEvaluation, 50_000)).toBeCloseTo(50, 9);
    expect(tieredCost(US_EAST_1_PRICES.configEvaluation, 0)).toBe(0);
  });

  test("a quantity reaching an unconfirmed tier is reported unconfirmed", () => {
    expect(priceConfirmed(US_EAST_1_PRICES.configEvaluation, 500_000)).toBe(true);
    expect(priceConfirmed(US_EAST_1_PRICES.configEvaluation, 500_001)).toBe(false);
    expect(priceConfirmed(US_EAST_1_PRICES.kmsKey, 1)).toBe(false);
  });

  test("every price names an AWS pricing page", () => {
    for (const p of Object.values(US_EAST_1_PRICES))
      expect(p.source).toMatch(/^https:\/\/aws\.amazon\.com\/[a-z0-9-]+\/pricing\//);
  });
});

describe("monthlyBill, by hand", () => {
  // A month is 730 / 24 days. Deployed: 10 change evaluations and 100 sweep evaluations a day, 10 configuration
  // items, 11 configRule invocations (10 changes, 1 scheduled notification), each traced.
  const D = 730 / 24;

  test("full-sweep", () => {
    const bill = monthlyBill(tiny(), "full-sweep");
    expect(line(bill, "rule evaluations: change notifications").cost).toBeCloseTo(10 * D * 0.001, 9);
    expect(line(bill, "rule evaluations: scheduled sweeps of every resource").cost).toBeCloseTo(100 * D * 0.001, 9);
    expect(line(bill, "configuration items recorded").cost).toBeCloseTo(10 * D * 0.003, 9);
    expect(line(bill, "configRule: requests").quantity).toBeCloseTo(11 * D, 9);
    const total = 110 * D * 0.001 + 10 * D * 0.003 + 11 * D * 0.2e-6 + 11 * D * 5e-6;
    expect(bill.total).toBeCloseTo(total, 9);
    // 90 of the 100 swept buckets did not change since the previous sweep.
    expect(bill.unchangedTotal).toBeCloseTo(90 * D * 0.001, 9);
    expect(bill.unchangedShare).toBeCloseTo((90 * D * 0.001) / total, 9);
  });

  test("change-bounded: the changed items are re-sent once, nothing else is swept", () => {
    const bill = monthlyBill(tiny(), "change-bounded");
    expect(line(bill, "rule evaluations: scheduled re-send of changed items").cost).toBeCloseTo(10 * D * 0.001, 9);
    const total = 20 * D * 0.001 + 10 * D * 0.003 + 11 * D * 0.2e-6 + 11 * D * 5e-6;
    expect(bill.total).toBeCloseTo(total, 9);
    expect(bill.unchangedTotal).toBe(0);
  });

  test("Lambda duration: milliseconds, cold starts and memory make GB-seconds", () => {
    const w = tiny({ ms: { ...tiny().ms, change: 200, init: 1000 }, coldStartShare: 0.5 });
    w.functions = { ...w.functions, configRule: { memoryMb: 512, architecture: "x86_64" } };
    const bill = monthlyBill(w, "change-bounded");
    // 10 change invocations a day of 200 ms, 11 invocations of which half start cold (1 s), at 0.5 GB.
    const gbs = (10 * 0.2 + 11 * 0.5 * 1) * 0.5 * D;
    expect(line(bill, "configRule: duration (512 MB x86_64)").quantity).toBeCloseTo(gbs, 9);
    expect(line(bill, "configRule: duration (512 MB x86_64)").cost).toBeCloseTo(gbs * 0.0000166667, 9);
  });

  test("a sweep over SWEEP_INLINE_MAX_KEYS fans out: 3 SQS requests per SendMessageBatch of 10 batches", () => {
    const w = tiny({ resourcesByType: { [BUCKET]: 2500 }, inlineMaxKeys: 1000 });
    const bill = monthlyBill(w, "full-sweep");
    // 25 batches of 100 keys: 3 SendMessageBatch calls, each received and deleted.
    expect(line(bill, "sweep queue: send, receive, delete").quantity).toBeCloseTo(9 * D, 9);
    expect(line(bill, "sweepWorker: requests").quantity).toBeCloseTo(3 * D, 9);
  });

  test("organisation volume tiers: 100 accounts pay less per evaluation than one", () => {
    // 1,000 buckets swept daily: 30,417 evaluations a month for one account, 3 million for 100.
    const one = monthlyBill(tiny({ resourcesByType: { [BUCKET]: 1000 } }), "full-sweep");
    const many = monthlyBill(tiny({ resourcesByType: { [BUCKET]: 1000 }, accounts: 100 }), "full-sweep");
    const per = (b: Bill) => line(b, "rule evaluations: scheduled sweeps of every resource").unitPrice;
    expect(per(one)).toBeCloseTo(0.001, 9);
    expect(per(many)).toBeLessThan(0.0006);
  });

  test("bad input is named", () => {
    expect(() => monthlyBill(tiny({ accounts: -1 }), "full-sweep")).toThrow(/accounts must be a finite number >= 0/);
    expect(() => monthlyBill(tiny({ sweepIntervalHours: 0 }), "full-sweep")).toThrow(/sweepIntervalHours/);
    expect(() => monthlyBill(tiny({ resourcesByType: { [BUCKET]: Number.NaN } }), "full-sweep")).toThrow(
      /resourcesByType\.AWS::S3::Bucket/,
    );
  });
});

describe("unchanged resources", () => {
  const workloads = fc.record({
    accounts: fc.integer({ min: 1, max: 500 }),
    buckets: fc.integer({ min: 0, max: 5000 }),
    functions: fc.integer({ min: 0, max: 5000 }),
    dailyChangeRate: fc.double({ min: 0, max: 2, noNaN: true }),
    violationsPerChange: fc.double({ min: 0, max: 1, noNaN: true }),
    fixesPerViolation: fc.double({ min: 0, max: 1, noNaN: true }),
    sweepIntervalHours: fc.constantFrom(1, 3, 6, 12, 24),
    policyChangesPerMonth: fc.integer({ min: 0, max: 20 }),
  });
  const base = repoWorkload(1);
  const build = (x: {
    accounts: number;
    buckets: number;
    functions: number;
    dailyChangeRate: number;
    violationsPerChange: number;
    fixesPerViolation: number;
    sweepIntervalHours: number;
    policyChangesPerMonth: number;
  }): Workload => ({
    ...base,
    accounts: x.accounts,
    resourcesByType: { [BUCKET]: x.buckets, "AWS::Lambda::Function": x.functions },
    dailyChangeRate: x.dailyChangeRate,
    violationsPerChange: x.violationsPerChange,
    fixesPerViolation: x.fixesPerViolation,
    sweepIntervalHours: x.sweepIntervalHours,
    policyChangesPerMonth: x.policyChangesPerMonth,
  });

  test("the change-bounded design spends nothing on unchanged resources, whatever the workload", () => {
    fc.assert(
      fc.property(workloads, (x) => {
        const bill = monthlyBill(build(x), "change-bounded");
        expect(bill.unchangedShare).toBe(0);
        for (const l of bill.lines) expect(l.unchangedCost).toBe(0);
      }),
      { numRuns: 50 },
    );
  });

  test("full-sweep: the unchanged share is the sweep's share of resources not recorded since the previous sweep", () => {
    fc.assert(
      fc.property(workloads, (x) => {
        const w = build(x);
        const bill = monthlyBill(w, "full-sweep");
        const resources = x.buckets + x.functions;
        const recorded = resources * w.dailyChangeRate * (1 + w.violationsPerChange * w.fixesPerViolation);
        const sweepsPerDay = 24 / w.sweepIntervalHours;
        const unchanged = resources > 0 ? 1 - Math.min(1, recorded / resources / sweepsPerDay) : 0;
        const sweep = line(bill, "rule evaluations: scheduled sweeps of every resource");
        expect(sweep.unchangedCost).toBeCloseTo(sweep.cost * unchanged, 6);
        expect(bill.unchangedShare).toBeCloseTo(bill.unchangedTotal / bill.total, 9);
      }),
      { numRuns: 50 },
    );
  });

  test("deployed: no Config evaluation is spent on an unchanged resource; the sweep's reads still are", () => {
    fc.assert(
      fc.property(workloads, (x) => {
        const w = build(x);
        const deployed = monthlyBill(w, "deployed");
        const full = monthlyBill(w, "full-sweep");
        for (const l of deployed.lines.filter((l) => l.service === "AWS Config")) expect(l.unchangedCost).toBe(0);
        expect(deployed.total).toBeLessThanOrEqual(full.total + 1e-9);
        expect(deployed.unchangedTotal).toBeLessThanOrEqual(full.unchangedTotal + 1e-9);
      }),
      { numRuns: 50 },
    );
  });

  test("more unchanged resources raise the full-sweep bill, not the change-bounded one", () => {
    // The same 10 changes a day among 100 buckets, then among 10,000.
    const small = tiny({ dailyChangeRate: 0.1 });
    const large = tiny({ resourcesByType: { [BUCKET]: 10_000 }, dailyChangeRate: 0.001 });
    expect(monthlyBill(large, "change-bounded").total).toBeCloseTo(monthlyBill(small, "change-bounded").total, 9);
    expect(monthlyBill(large, "full-sweep").total).toBeGreaterThan(50 * monthlyBill(small, "full-sweep").total);
  });
});

describe("inputs read from the repository", () => {
  test("function memory and architecture are serverless.yml's", () => {
    const yml = readFileSync(join(ROOT, "serverless.yml"), "utf8");
    const provider = yml.slice(yml.indexOf("\nprovider:"), yml.indexOf("\nfunctions:"));
    const memory = Number(/\n {2}memorySize: (\d+)/.exec(provider)?.[1]);
    const architecture = /\n {2}architecture: (\S+)/.exec(provider)?.[1];
    const functions = yml.slice(yml.indexOf("\nfunctions:"), yml.indexOf("\nresources:"));
    // No function overrides the provider's memory or architecture today; if one does, this test must learn it.
    expect(functions).not.toMatch(/memorySize|architecture/);
    const fns = deployedFunctions();
    expect(Object.keys(fns).sort()).toEqual([...FUNCTION_NAMES].sort());
    for (const f of FUNCTION_NAMES) expect(fns[f]).toEqual({ memoryMb: memory, architecture });
  });

  test("the sweep interval is serverless.yml's sweepFrequency", () => {
    const yml = readFileSync(join(ROOT, "serverless.yml"), "utf8");
    const frequency = /\n {4}sweepFrequency: (\S+)/.exec(yml)?.[1];
    const hours = { One_Hour: 1, Three_Hours: 3, Six_Hours: 6, Twelve_Hours: 12, TwentyFour_Hours: 24 };
    expect(deployedSweepIntervalHours()).toBe(hours[frequency as keyof typeof hours]);
  });

  test("the rules are the policy files' resource policies, with their types", () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        // policy.schema.json is the policies' meta-schema, not a policy.
        else if (name.endsWith(".json") && name !== "policy.schema.json") files.push(p);
      }
    };
    walk(join(ROOT, "policies"));
    const expected = files
      .map(
        (f) =>
          JSON.parse(readFileSync(f, "utf8")) as {
            id: string;
            subject: { resourceTypes?: string[]; cloudtrail?: boolean };
          },
      )
      .filter((p) => p.subject.cloudtrail !== true && (p.subject.resourceTypes ?? []).length > 0)
      .map((p) => `${p.id} ${[...(p.subject.resourceTypes ?? [])].sort().join(",")}`)
      .sort();
    const { rules, problems } = deployedRules();
    expect(problems).toBe(0);
    expect(rules.map((r) => `${r.id} ${[...r.resourceTypes].sort().join(",")}`).sort()).toEqual(expected);
    // Policies per type, as the bill uses them.
    const perType = (t: string) => rules.filter((r) => r.resourceTypes.includes(t)).length;
    expect(perType(BUCKET)).toBe(expected.filter((e) => e.split(" ")[1]?.split(",").includes(BUCKET)).length);
    expect(perType(BUCKET)).toBeGreaterThan(0);
  });

  test("an account-region's resources are the sample fleet's items there, N services each", () => {
    // Three accounts × two Regions: 6N services deal N to each account-region.
    const { items } = fleetResourceItems({ services: 6 * 4, seed: 1, scope: "architecture" });
    const first = fleetAccounts(1)[0]?.id;
    // us-east-1's recorder also records the account's global resources (IAM), whose awsRegion is "global".
    const there = items.filter(
      (i) => i.awsAccountId === first && (i.awsRegion === "us-east-1" || i.awsRegion === "global"),
    );
    const byType = fleetResourcesByType(4);
    expect(Object.values(byType).reduce((a, b) => a + b, 0)).toBe(there.length);
    for (const t of new Set(there.map((i) => i.resourceType)))
      expect(byType[t]).toBe(there.filter((i) => i.resourceType === t).length);
    expect(byType["AWS::CloudTrail::Trail"]).toBe(1);
  });

  test("alarms and polled queues are what deploy/ creates", async () => {
    const req = createRequire(join(ROOT, "package.json"));
    const alarms = req("./deploy/alarms.js") as (o: {
      resolveVariable: (v: string) => Promise<string>;
    }) => Promise<{ Resources: Record<string, { Type: string }> }>;
    const { Resources } = await alarms({
      resolveVariable: (v) => Promise.resolve(v === "sls:stage" ? "test" : "Guardrail"),
    });
    const w = repoWorkload(1);
    expect(w.alarms).toBe(Object.values(Resources).filter((r) => r.Type === "AWS::CloudWatch::Alarm").length);
    expect(w.dashboards).toBe(Object.values(Resources).filter((r) => r.Type === "AWS::CloudWatch::Dashboard").length);
    const yml = readFileSync(join(ROOT, "serverless.yml"), "utf8");
    expect(w.polledQueues).toBe((yml.match(/\n {6}- sqs:\n/g) ?? []).length);
  });

  test("the month is AWS's 730 hours", () => {
    expect(DAYS_PER_MONTH * 24).toBe(730);
  });
});
