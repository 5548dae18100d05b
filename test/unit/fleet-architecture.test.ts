import {
  FLAVOURS,
  ITEMS_PER_FLAVOUR,
  ITEMS_PER_SERVICE,
  microserviceItems,
  serviceFlavour,
  sharedItemCount,
  sharedItems,
} from "../../fleet/architecture";
import { fleetSnapshots, type FleetConfigItem } from "../../fleet/generate";
import { accountRegion, fleetAccounts, trailItem } from "../../fleet/resources";
import { sampleFleetTemplate, serverlessServices } from "../../fleet/template";
import { VIOLATIONS } from "../../fleet/violations";
import { resolveTemplate } from "../../lib/cloudformation/resolve";
import { parseTemplate } from "../../lib/cloudformation/template";
import { judgeTemplate } from "../../lib/scan/template";
import { Engine } from "../../lib/engine/evaluate";
import { loadPolicies } from "../../lib/policy/load";
import { resourceFromConfigItem } from "../../lib/resources/adapter";
import { toConfigItem } from "../../lib/resources/config-item";
import { adapterFor, resourceIdentities } from "../../lib/resources/registry";

/**
 * The whole reference architecture of the sample fleet (fleet/architecture.ts): item counts per flavour and per
 * account-region, every type Guardrail judges from Config present, and each planted violation, alone on a clean
 * item, failing its policy and no other.
 */

const SEED = 17;
const SNAPSHOT_MS = Date.UTC(2026, 4, 1, 12);
const accounts = fleetAccounts(SEED);
const { policies } = loadPolicies();
const engine = new Engine(policies);

/** Policy ids the engine finds NON_COMPLIANT (or cannot judge) on one raw item. */
function failing(raw: FleetConfigItem): string[] {
  const ci = toConfigItem(raw);
  const adapter = adapterFor(ci.resourceType);
  if (!adapter) throw new Error(`no adapter for ${ci.resourceType}`);
  return engine
    .evaluate(resourceFromConfigItem(adapter, ci))
    .filter((e) => e.compliance !== "COMPLIANT" && e.compliance !== "NOT_APPLICABLE")
    .map((e) => `${e.policyId} ${e.compliance}`);
}

/** Every service flavour once, and every account-region's trail and shared pieces. */
function cleanSample(): FleetConfigItem[] {
  const items: FleetConfigItem[] = [];
  for (const a of accounts) {
    for (const region of ["eu-west-1", "us-east-1"]) {
      const ar = accountRegion(SEED, a, region);
      items.push(trailItem(SEED, ar, SNAPSHOT_MS), ...sharedItems(SEED, ar, SNAPSHOT_MS));
    }
  }
  const ar = accountRegion(SEED, accounts[0] as (typeof accounts)[number], "eu-west-1");
  for (let i = 0; i < FLAVOURS.length; i++) items.push(...microserviceItems(SEED, i, ar, SNAPSHOT_MS));
  return items;
}

describe("the reference architecture", () => {
  test("every flavour and every account-region has the item count the generator announces", () => {
    expect(FLAVOURS.map((_, i) => serviceFlavour(i))).toEqual(FLAVOURS);
    const ar = accountRegion(SEED, accounts[0] as (typeof accounts)[number], "us-east-1");
    for (let i = 0; i < 48; i++) {
      expect(microserviceItems(SEED, i, ar, SNAPSHOT_MS)).toHaveLength(ITEMS_PER_FLAVOUR[serviceFlavour(i)]);
    }
    const mean = FLAVOURS.reduce((n, f) => n + ITEMS_PER_FLAVOUR[f], 0) / FLAVOURS.length;
    expect(ITEMS_PER_SERVICE).toBe(mean);
    for (const a of accounts) {
      for (const region of ["eu-west-1", "us-east-1"]) {
        const items = sharedItems(SEED, accountRegion(SEED, a, region), SNAPSHOT_MS);
        expect(items).toHaveLength(sharedItemCount(a.environment, region));
      }
    }
  });

  test("every account-region gets every flavour once there are enough services", () => {
    const perSnapshot = [...fleetSnapshots({ services: 24, seed: SEED, violationRate: 0, scope: "architecture" })];
    for (const s of perSnapshot) {
      const types = new Set(s.items.map((ci) => ci.resourceType));
      for (const t of ["AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api", "AWS::RDS::DBCluster"]) {
        expect([s.account.name, s.region, types.has(t)]).toEqual([s.account.name, s.region, true]);
      }
      expect(s.items.filter((ci) => ci.resourceType === "AWS::RDS::DBInstance").length).toBeGreaterThanOrEqual(2);
    }
  });

  test("the clean fleet holds every type the brief names, and every one passes every policy of its type", () => {
    const items = cleanSample();
    const types = new Set(items.map((ci) => ci.resourceType));
    for (const t of [
      "AWS::ApiGatewayV2::Api",
      "AWS::ApiGatewayV2::Stage",
      "AWS::CloudFront::Distribution",
      "AWS::ElasticLoadBalancingV2::LoadBalancer",
      "AWS::ElasticLoadBalancingV2::Listener",
      "AWS::ECS::Cluster",
      "AWS::ECS::Service",
      "AWS::ECS::TaskDefinition",
      "AWS::ECR::Repository",
      "AWS::EC2::SecurityGroup",
      "AWS::RDS::DBCluster",
      "AWS::RDS::DBInstance",
      "AWS::ElastiCache::ReplicationGroup",
      "AWS::Kinesis::Stream",
      "AWS::StepFunctions::StateMachine",
      "AWS::Logs::LogGroup",
      "AWS::KMS::Key",
      "AWS::SecretsManager::Secret",
      "AWS::IAM::Role",
      "AWS::EKS::Cluster",
    ]) {
      expect(types).toContain(t);
    }
    // Config records no API Gateway v2 custom domain: none is written.
    expect(types).not.toContain("AWS::ApiGatewayV2::DomainName");
    const failures = items.flatMap((ci) => failing(ci).map((f) => `${ci.resourceType} ${ci.resourceId}: ${f}`));
    expect(failures).toEqual([]);
  });

  test("each catalogued violation, alone on a clean item, fails its own policy and no other", () => {
    const items = cleanSample();
    const problems: string[] = [];
    for (const spec of VIOLATIONS) {
      const subjects = items.filter((ci) => ci.resourceType === spec.resourceType && (spec.appliesTo?.(ci) ?? true));
      if (subjects.length === 0) problems.push(`${spec.policyId}: no subject in the sample`);
      for (const ci of subjects) {
        const broken = structuredClone(ci);
        spec.mutate(broken);
        const fails = failing(broken);
        if (fails.join() !== `${spec.policyId} NON_COMPLIANT`) {
          problems.push(`${spec.policyId} on ${ci.resourceId}: ${fails.join(", ") || "nothing fails"}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

describe("the deployable tour", () => {
  test("its services are the fleet's serverless ones, REST and HTTP APIs alternating", () => {
    expect(serverlessServices(4).map(serviceFlavour)).toEqual([
      "rest-lambda",
      "http-lambda",
      "rest-lambda",
      "http-lambda",
    ]);
    const { template } = sampleFleetTemplate({ services: 2, seed: SEED, violations: false });
    const types = new Set(Object.values(template.Resources).map((r) => r.Type));
    expect(types).toContain("AWS::ApiGateway::RestApi");
    expect(types).toContain("AWS::ApiGatewayV2::Api");
    expect(types).toContain("AWS::ApiGatewayV2::Stage");
    expect(types).not.toContain("AWS::ApiGatewayV2::DomainName");
  });

  test("the load balancer is off by default, and clean for every policy when turned on", () => {
    const { template } = sampleFleetTemplate({ services: 2, seed: SEED, violations: false });
    const alb = Object.entries(template.Resources).filter(([, r]) => r.Type.startsWith("AWS::ElasticLoadBalancingV2"));
    expect(alb.map(([, r]) => r.Type).sort()).toEqual([
      "AWS::ElasticLoadBalancingV2::Listener",
      "AWS::ElasticLoadBalancingV2::Listener",
      "AWS::ElasticLoadBalancingV2::LoadBalancer",
      "AWS::ElasticLoadBalancingV2::TargetGroup",
    ]);
    for (const [, r] of alb) expect(r.Condition).toBe("LoadBalancerOn");
    expect((template.Parameters?.WithLoadBalancer as { Default: string }).Default).toBe("false");
    const judge = (parameters: Record<string, string>) => {
      const parsed = parseTemplate("tour.json", JSON.stringify(template));
      return judgeTemplate(resolveTemplate(parsed, parameters, resourceIdentities()), engine).flatMap((v) =>
        v.evaluations.map((e) => ({
          logicalId: v.resource.logicalId,
          type: e.resourceType,
          policy: e.policyId,
          c: e.compliance,
        })),
      );
    };
    const isAlb = (e: { type: string }) => /ElasticLoadBalancingV2|EC2::SecurityGroup/.test(e.type);
    expect(judge({}).filter(isAlb)).toEqual([]);
    const on = judge({
      WithLoadBalancer: "true",
      LoadBalancerVpcId: "vpc-0a1b2c3d4e5f60718",
      LoadBalancerSubnets: "subnet-0a1b2c3d4e5f60001,subnet-0a1b2c3d4e5f60002",
      LoadBalancerCertificateArn: "arn:aws:acm:us-east-1:111122223333:certificate/4f0c2a9e-7b1d-4c55-9e3a-2d8f6b1a0c77",
    }).filter(isAlb);
    expect(on.filter((e) => e.type === "AWS::ElasticLoadBalancingV2::LoadBalancer").length).toBe(4);
    expect(on.filter((e) => e.c !== "COMPLIANT" && e.c !== "NOT_APPLICABLE")).toEqual([]);
  });
});
