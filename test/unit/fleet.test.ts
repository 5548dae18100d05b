import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { gunzipSync } from "node:zlib";
import {
  fleetResourceItems,
  fleetSnapshots,
  generateFleet,
  snapshotKey,
  type ExpectedResult,
  type FleetConfigItem,
  type FleetManifest,
} from "../../fleet/generate";
import { Prng } from "../../fleet/prng";
import { FLAVOURS, serviceFlavour, serviceItemsTotal, sharedItemCount, type Flavour } from "../../fleet/architecture";
import { serviceName } from "../../fleet/resources";
import { EXEMPT_TAG, VIOLATIONS, violationsFor } from "../../fleet/violations";
import { Engine } from "../../lib/engine/evaluate";
import { EXEMPT_TAG as ENGINE_EXEMPT_TAG } from "../../lib/engine/exemptions";
import { loadPolicies } from "../../lib/policy/load";
import { resourceFromConfigItem } from "../../lib/resources/adapter";
import { toConfigItem } from "../../lib/resources/config-item";
import { adapterFor } from "../../lib/resources/registry";

const tmpDirs: string[] = [];
const tmp = (label: string) => {
  const dir = mkdtempSync(join(tmpdir(), `guardrail-fleet-${label}-`));
  tmpDirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});

/** Every file under `dir`, relative, sorted. */
function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else out.push(relative(dir, join(d, e.name)));
    }
  };
  walk(dir);
  return out.sort();
}

interface Snapshot {
  fileVersion: string;
  configSnapshotId: string;
  configurationItems: FleetConfigItem[];
}

const readSnapshot = (file: string): Snapshot => JSON.parse(gunzipSync(readFileSync(file)).toString("utf8"));

interface GroundTruth {
  generator: { seed: number; services: number; violationRate: number; snapshotTime: string };
  accounts: { id: string; name: string }[];
  resources: number;
  expected: ExpectedResult[];
}

const KEY =
  /^AWSLogs\/(\d{12})\/Config\/([a-z]{2}-[a-z]+-\d)\/(\d{4})\/([1-9]\d?)\/([1-9]\d?)\/ConfigSnapshot\/\1_Config_\2_ConfigSnapshot_(\d{4})(\d{2})(\d{2})T\d{6}Z_([0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})\.json\.gz$/;

/** The whole reference architecture (the library's default is its serverless slice). */
const ARCH = "architecture" as const;

const pairKey = (e: Pick<ExpectedResult, "policyId" | "resourceType" | "resourceId" | "accountId" | "region">) =>
  [e.policyId, e.resourceType, e.resourceId, e.accountId, e.region].join("|");

describe("prng", () => {
  test("mulberry32 is deterministic and roughly uniform", () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const xs = Array.from({ length: 10_000 }, () => a.next());
    expect(xs).toEqual(Array.from({ length: 10_000 }, () => b.next()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.02);
    expect(new Prng(1).uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe("generateFleet", () => {
  const services = 25;
  const dirA = tmp("a");
  const dirB = tmp("b");
  const dirC = tmp("c");
  let manifest: FleetManifest;
  let truth: GroundTruth;
  const progress: [number, number][] = [];

  beforeAll(async () => {
    manifest = await generateFleet({
      scope: ARCH,
      services,
      seed: 1234,
      outDir: dirA,
      onProgress: (d, t) => progress.push([d, t]),
    });
    await generateFleet({ scope: ARCH, services, seed: 1234, outDir: dirB });
    await generateFleet({ scope: ARCH, services, seed: 1235, outDir: dirC });
    truth = JSON.parse(readFileSync(manifest.groundTruthFile, "utf8"));
  });

  test("same seed gives byte-identical output; another seed gives different output", () => {
    const a = files(dirA);
    expect(files(dirB)).toEqual(a);
    for (const f of a) expect(readFileSync(join(dirB, f)).equals(readFileSync(join(dirA, f)))).toBe(true);
    const c = files(dirC);
    expect(c).not.toEqual(a);
    expect(readFileSync(join(dirC, "ground-truth.json"), "utf8")).not.toEqual(
      readFileSync(join(dirA, "ground-truth.json"), "utf8"),
    );
  });

  test("one snapshot per account and region, at AWS Config's S3 key", () => {
    expect(manifest.accounts).toHaveLength(3);
    expect(manifest.regions).toEqual(["eu-west-1", "us-east-1"]);
    expect(manifest.snapshotFiles).toHaveLength(6);
    expect(files(dirA)).toEqual([...manifest.snapshotFiles.map((f) => relative(dirA, f)), "ground-truth.json"].sort());
    const seen = new Set<string>();
    const snapshotDate = truth.generator.snapshotTime.slice(0, 10);
    for (const f of manifest.snapshotFiles) {
      const m = KEY.exec(relative(dirA, f));
      expect(m).not.toBeNull();
      const [, acct, region, y, mo, d, sy, smo, sd] = m as RegExpExecArray;
      // Folder month/day are not zero-padded; the file name's timestamp is.
      expect([y, mo, d].map(Number)).toEqual([sy, smo, sd].map(Number));
      expect(`${sy}-${smo}-${sd}`).toBe(snapshotDate);
      expect(manifest.accounts.map((a) => a.id)).toContain(acct);
      seen.add(`${acct}/${region}`);
    }
    expect(seen.size).toBe(6);
  });

  test("snapshotKey matches AWS's documented example", () => {
    expect(
      snapshotKey(
        "123456789012",
        "us-east-2",
        Date.UTC(2016, 8, 27, 18, 39, 39),
        "16da64e4-cb65-4846-b061-e6c3ba43cb96",
      ),
    ).toBe(
      "AWSLogs/123456789012/Config/us-east-2/2016/9/27/ConfigSnapshot/" +
        "123456789012_Config_us-east-2_ConfigSnapshot_20160927T183939Z_16da64e4-cb65-4846-b061-e6c3ba43cb96.json.gz",
    );
  });

  test("each file gunzips to a Config snapshot of that account and region", () => {
    let total = 0;
    for (const f of manifest.snapshotFiles) {
      const m = KEY.exec(relative(dirA, f)) as RegExpExecArray;
      const snap = readSnapshot(f);
      expect(Object.keys(snap)).toEqual(["fileVersion", "configSnapshotId", "configurationItems"]);
      expect(snap.fileVersion).toBe("1.0");
      expect(snap.configSnapshotId).toBe(m[9]);
      for (const ci of snap.configurationItems) {
        expect(ci.awsAccountId).toBe(m[1]);
        // IAM is global: recorded once per account, in us-east-1's snapshot, with awsRegion "global".
        if (ci.resourceType === "AWS::IAM::Role") expect([ci.awsRegion, m[2]]).toEqual(["global", "us-east-1"]);
        else expect(ci.awsRegion).toBe(m[2]);
      }
      expect(snap.configurationItems.filter((ci) => ci.resourceType === "AWS::CloudTrail::Trail")).toHaveLength(1);
      total += snap.configurationItems.length;
    }
    // Per account-region: the trail and the shared pieces; then each service's items, by flavour.
    const shared = manifest.accounts.reduce(
      (n, a) => n + manifest.regions.reduce((r, region) => r + 1 + sharedItemCount(a.environment, region), 0),
      0,
    );
    expect(shared).toBe(6 * (1 + 10) + 3 * 5 + 2);
    expect(total).toBe(serviceItemsTotal(services) + shared);
    expect(manifest.resources).toBe(total);
    expect(truth.resources).toBe(total);
    expect(progress.at(-1)).toEqual([total, total]);
  });

  test("every item is in invocation naming, realistic, and accepted by toConfigItem", () => {
    const snapshotMs = Date.parse(truth.generator.snapshotTime);
    const ids = new Set<string>();
    for (const f of manifest.snapshotFiles) {
      for (const raw of readSnapshot(f).configurationItems) {
        expect(raw).toMatchObject({
          configurationItemVersion: "1.3",
          configurationItemStatus: "OK",
          availabilityZone: "Not Applicable",
          configurationStateMd5Hash: "",
          relatedEvents: [],
        });
        for (const k of ["resourceType", "resourceId", "resourceName", "ARN"] as const) {
          expect(typeof raw[k]).toBe("string");
        }
        expect(raw.ARN).toMatch(/^arn:aws:/);
        const captured = Date.parse(raw.configurationItemCaptureTime);
        expect(raw.configurationStateId).toBe(captured);
        expect(captured).toBeLessThanOrEqual(snapshotMs);
        expect(Date.parse(raw.resourceCreationTime)).toBeLessThan(captured);
        expect(Object.keys(raw.tags)).toEqual(
          expect.arrayContaining(["service", "team", "environment", "cost-center"]),
        );
        for (const r of raw.relationships)
          expect(Object.keys(r).sort()).toEqual(["name", "resourceId", "resourceName", "resourceType"]);

        const ci = toConfigItem(raw);
        expect(ci).toMatchObject({
          resourceType: raw.resourceType,
          resourceId: raw.resourceId,
          accountId: raw.awsAccountId,
          region: raw.awsRegion,
          arn: raw.ARN,
          status: "OK",
        });
        expect(ci.tags).toEqual(raw.tags);
        const id = `${raw.awsAccountId}|${raw.awsRegion}|${raw.resourceType}|${raw.resourceId}`;
        expect(ids.has(id)).toBe(false);
        ids.add(id);
      }
    }
  });

  test("type-specific shapes follow the pack spec", () => {
    const items = manifest.snapshotFiles.flatMap((f) => readSnapshot(f).configurationItems);
    const of = (t: string) => items.filter((ci) => ci.resourceType === t);
    for (const api of of("AWS::ApiGateway::RestApi")) {
      expect(api.resourceId).toMatch(/^[a-z0-9]{10}$/);
      expect(api.ARN).toBe(`arn:aws:apigateway:${api.awsRegion}::/restapis/${api.resourceId}`);
      expect(api.relationships.map((r) => r.name)).toEqual(["Contains Stage", "Is associated with DomainName"]);
    }
    for (const stage of of("AWS::ApiGateway::Stage")) {
      expect(stage.resourceId).toMatch(/^arn:aws:apigateway:[a-z0-9-]+::\/restapis\/[a-z0-9]{10}\/stages\/prod$/);
    }
    for (const m of of("AWS::ApiGateway::Method")) {
      expect(m.resourceId).toMatch(
        /^arn:aws:apigateway:[a-z0-9-]+::\/restapis\/[a-z0-9]{10}\/resources\/[a-z0-9]{6}\/methods\/(GET|POST)$/,
      );
    }
    for (const q of of("AWS::SQS::Queue")) {
      expect(q.resourceId).toBe(`https://sqs.${q.awsRegion}.amazonaws.com/${q.awsAccountId}/${q.resourceName}`);
      expect(Object.values(q.configuration).every((v) => typeof v === "string")).toBe(true);
    }
    for (const t of of("AWS::SNS::Topic")) expect(t.resourceId).toBe(t.ARN);
    expect(of("AWS::ApiGateway::DomainName").map((d) => d.resourceId)).toContain("orders.api.example.com");
    // 25 services: the name list (20) wraps around with a suffix (service 24, inventory-2, has a REST API).
    expect(serviceFlavour(24)).toBe("rest-lambda");
    expect(of("AWS::ApiGateway::DomainName").map((d) => d.resourceId)).toContain("inventory-2.api.example.com");
    expect(serviceName(0).name).toBe("orders");
    expect(serviceName(20).name).toBe("orders-2");
    expect(serviceName(41).name).toBe("payments-3");
  });

  test("ground truth lists only resources that exist, with the tags that make them EXEMPT", () => {
    expect(truth.generator).toEqual({
      seed: 1234,
      services,
      violationRate: 0.15,
      snapshotTime: manifest.snapshotTime,
      scope: "architecture",
    });
    expect(truth.accounts).toEqual(manifest.accounts.map((a) => ({ id: a.id, name: a.name })));
    const items = new Map<string, FleetConfigItem>();
    for (const f of manifest.snapshotFiles) {
      for (const ci of readSnapshot(f).configurationItems) {
        items.set(`${ci.resourceType}|${ci.resourceId}|${ci.awsAccountId}|${ci.awsRegion}`, ci);
      }
    }
    expect(truth.expected.length).toBe(manifest.violations);
    expect(truth.expected.filter((e) => e.compliance === "EXEMPT").length).toBe(manifest.exempt);
    expect(new Set(truth.expected.map(pairKey)).size).toBe(truth.expected.length);
    for (const e of truth.expected) {
      const ci = items.get(`${e.resourceType}|${e.resourceId}|${e.accountId}|${e.region}`);
      expect(ci).toBeDefined();
      expect(violationsFor(e.resourceType).map((v) => v.policyId)).toContain(e.policyId);
      const tokens = (ci?.tags[EXEMPT_TAG] ?? "").split(" ");
      expect(tokens.includes(e.policyId)).toBe(e.compliance === "EXEMPT");
    }
  });

  test("a previous fleet in the output directory is replaced; a foreign AWSLogs tree is refused", async () => {
    const dir = tmp("reuse");
    await generateFleet({ services: 3, seed: 1, outDir: dir });
    const second = await generateFleet({ services: 3, seed: 2, outDir: dir });
    expect(files(dir)).toEqual([...second.snapshotFiles.map((f) => relative(dir, f)), "ground-truth.json"].sort());

    const foreign = tmp("foreign");
    mkdirSync(join(foreign, "AWSLogs"));
    writeFileSync(join(foreign, "AWSLogs", "keep.txt"), "not ours");
    await expect(generateFleet({ services: 1, seed: 1, outDir: foreign })).rejects.toThrow(
      /not written by the fleet generator/,
    );
    expect(readFileSync(join(foreign, "AWSLogs", "keep.txt"), "utf8")).toBe("not ours");
  });

  test("the serverless scope (the default) is the REST API + Lambda slice: 12 items per service and a trail", async () => {
    const m = await generateFleet({ services: 8, seed: 1234, outDir: tmp("serverless") });
    expect(m.scope).toBe("serverless");
    const items = m.snapshotFiles.flatMap((f) => readSnapshot(f).configurationItems);
    expect(items).toHaveLength(8 * 12 + 6);
    expect(new Set(items.map((ci) => ci.resourceType))).toEqual(
      new Set([
        "AWS::CloudTrail::Trail",
        "AWS::ApiGateway::RestApi",
        "AWS::ApiGateway::Stage",
        "AWS::ApiGateway::DomainName",
        "AWS::ApiGateway::Method",
        "AWS::Lambda::Function",
        "AWS::DynamoDB::Table",
        "AWS::SQS::Queue",
        "AWS::SNS::Topic",
        "AWS::S3::Bucket",
      ]),
    );
    // Its ground truth says nothing of a scope, as before there was one.
    expect(Object.keys(JSON.parse(readFileSync(m.groundTruthFile, "utf8")).generator)).toEqual([
      "seed",
      "services",
      "violationRate",
      "snapshotTime",
    ]);
    // A serverless service's items are those of the same service in the whole architecture (a REST one).
    const full = fleetResourceItems({ scope: ARCH, services: 8, seed: 1234, violationRate: 0 });
    const clean = fleetResourceItems({ services: 8, seed: 1234, violationRate: 0 });
    const fullById = new Map(full.items.map((ci) => [`${ci.awsAccountId}|${ci.resourceId}`, JSON.stringify(ci)]));
    const orders = clean.items.filter((ci) => ci.tags.service === "orders");
    expect(orders).toHaveLength(12);
    for (const ci of orders) expect(fullById.get(`${ci.awsAccountId}|${ci.resourceId}`)).toBe(JSON.stringify(ci));
  });

  test("rejects bad options", async () => {
    await expect(
      generateFleet({ services: 1, seed: 1, scope: "everything" as never, outDir: tmp("bad") }),
    ).rejects.toThrow(/scope must be one of architecture, serverless/);
    await expect(generateFleet({ services: -1, seed: 1, outDir: tmp("bad") })).rejects.toThrow(RangeError);
    await expect(generateFleet({ services: 1, seed: 1.5, outDir: tmp("bad") })).rejects.toThrow(RangeError);
    await expect(generateFleet({ services: 1, seed: 1, violationRate: 2, outDir: tmp("bad") })).rejects.toThrow(
      RangeError,
    );
  });
});

describe("violations", () => {
  test("violationRate 0 gives a clean fleet and an empty expected list", async () => {
    const dir = tmp("clean");
    const m = await generateFleet({ scope: ARCH, services: 10, seed: 5, violationRate: 0, outDir: dir });
    expect(m.violations).toBe(0);
    const truth: GroundTruth = JSON.parse(readFileSync(m.groundTruthFile, "utf8"));
    expect(truth.expected).toEqual([]);
    for (const f of m.snapshotFiles) {
      for (const ci of readSnapshot(f).configurationItems) expect(ci.tags[EXEMPT_TAG]).toBeUndefined();
    }
  });

  test("the rate is respected: about R of applicable pairs violated, about 1 in 20 of those exempt", () => {
    const fleet = fleetResourceItems({ scope: ARCH, services: 400, seed: 11, violationRate: 0.15 });
    // Applicable pairs per service by flavour; per account-region 3 for the trail, 19 to 42 for the shared pieces
    // (us-east-1 adds CloudFront, its bucket and the IAM roles; the platform account an EKS cluster; Redis OSS 5
    // outside production adds its AUTH policy).
    const perFlavour: Record<Flavour, number> = {
      "rest-lambda": 36,
      "http-lambda": 28,
      "fargate-aurora": 47,
      "fargate-postgres": 46,
    };
    let services = 0;
    for (let i = 0; i < 400; i++) services += perFlavour[serviceFlavour(i)];
    expect(fleet.applicablePairs).toBe(services + 6 * 3 + (19 + 37) + (20 + 38) + (24 + 42));
    const share = fleet.expected.length / fleet.applicablePairs;
    expect(share).toBeGreaterThan(0.13);
    expect(share).toBeLessThan(0.17);
    const exempt = fleet.expected.filter((e) => e.compliance === "EXEMPT").length / fleet.expected.length;
    expect(exempt).toBeGreaterThan(0.02);
    expect(exempt).toBeLessThan(0.09);
    // Some violations carry an expired exemption and stay NON_COMPLIANT.
    const expired = fleet.items.filter((ci) => /@2020-01-31/.test(ci.tags[EXEMPT_TAG] ?? ""));
    expect(expired.length).toBeGreaterThan(0);
  });

  test("a higher rate violates a superset of the pairs of a lower one; the clean items do not change", () => {
    const low = fleetResourceItems({ scope: ARCH, services: 30, seed: 3, violationRate: 0.1 });
    const high = fleetResourceItems({ scope: ARCH, services: 30, seed: 3, violationRate: 0.3 });
    const highKeys = new Set(high.expected.map(pairKey));
    for (const e of low.expected) expect(highKeys.has(pairKey(e))).toBe(true);
    const clean = fleetResourceItems({ scope: ARCH, services: 30, seed: 3, violationRate: 0 });
    expect(clean.items.map((ci) => ci.resourceId)).toEqual(high.items.map((ci) => ci.resourceId));
  });

  test("a service's items do not depend on how many services the fleet has", () => {
    const small = fleetResourceItems({ scope: ARCH, services: 6, seed: 9 });
    const large = fleetResourceItems({ scope: ARCH, services: 60, seed: 9 });
    const id = (ci: FleetConfigItem) => `${ci.awsAccountId}|${ci.awsRegion}|${ci.resourceType}|${ci.resourceId}`;
    const byId = new Map(large.items.map((ci) => [id(ci), JSON.stringify(ci)]));
    for (const ci of small.items) expect(byId.get(id(ci))).toBe(JSON.stringify(ci));
  });

  test("every mutation changes its item, and all mutations of a type compose", () => {
    // One service of each flavour, and every account-region's shared pieces.
    const services = Array.from({ length: 12 }, (_, i) => serviceFlavour(i));
    expect(new Set(services)).toEqual(new Set(FLAVOURS));
    const items = [...fleetSnapshots({ scope: ARCH, services: 12, seed: 2, violationRate: 0 })].flatMap((s) => s.items);
    for (const spec of VIOLATIONS) {
      const subjects = items.filter((ci) => ci.resourceType === spec.resourceType && (spec.appliesTo?.(ci) ?? true));
      expect(subjects.length).toBeGreaterThan(0);
      for (const ci of subjects) {
        const copy = structuredClone(ci);
        spec.mutate(copy);
        expect(JSON.stringify(copy)).not.toBe(JSON.stringify(ci));
      }
    }
    const all = fleetResourceItems({ scope: ARCH, services: 3, seed: 2, violationRate: 1 });
    expect(all.expected.length).toBe(all.applicablePairs);
  });

  test("the exemption tag is the one the engine reads", () => {
    expect(EXEMPT_TAG).toBe(ENGINE_EXEMPT_TAG);
  });
});

describe("ground truth agrees with the engine", () => {
  const { policies, problems } = loadPolicies();
  const engine = new Engine(policies);

  // A new policy need not be catalogued (adding a policy touches its own file only): the clean fleet must then
  // satisfy it, which the rate-0 case below proves. Catalogue entries must name real policies and types.
  test("every catalogue entry names a policy of the pack and a type it judges", () => {
    expect(problems).toEqual([]);
    const judged = new Set(
      policies.flatMap((p) =>
        ("resourceTypes" in p.policy.subject ? p.policy.subject.resourceTypes : []).map((t) => `${p.policy.id}|${t}`),
      ),
    );
    for (const v of VIOLATIONS) expect(judged).toContain(`${v.policyId}|${v.resourceType}`);
  });

  test.each([
    [0, 4],
    [0.15, 7],
    [1, 8],
  ])(
    "violationRate %p (seed %p): the engine's NON_COMPLIANT and EXEMPT pairs are exactly the expected ones",
    (rate, seed) => {
      const fleet = fleetResourceItems({ scope: ARCH, services: 40, seed, violationRate: rate });
      const actual = new Map<string, string>();
      for (const raw of fleet.items) {
        const ci = toConfigItem(raw);
        const adapter = adapterFor(ci.resourceType);
        expect(adapter).toBeDefined();
        for (const ev of engine.evaluate(resourceFromConfigItem(adapter!, ci))) {
          if (ev.compliance === "NON_COMPLIANT" || ev.compliance === "EXEMPT") actual.set(pairKey(ev), ev.compliance);
        }
      }
      const expected = new Map(fleet.expected.map((e) => [pairKey(e), e.compliance as string]));
      const missing = [...expected].filter(([k, c]) => actual.get(k) !== c).map(([k, c]) => `${k} expected ${c}`);
      const extra = [...actual].filter(([k]) => !expected.has(k)).map(([k, c]) => `${k} engine ${c}`);
      expect({ missing, extra }).toEqual({ missing: [], extra: [] });
    },
  );
});
