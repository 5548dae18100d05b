import { createRequire } from "node:module";
import { join } from "node:path";
import { packageRoot } from "../../util/package-root";
import { compilePattern, type CompiledPattern } from "./pattern";

/**
 * The local default event bus: the very rules deploy/event-rules.js generates for serverless.yml (one per
 * CloudTrail event source, excluding calls by the remediation role; one for this stage's Config rules turning
 * NON_COMPLIANT), each matched with AWS's pattern semantics (./pattern.ts) and delivered to its target.
 */

export interface EventRule {
  name: string;
  kind: "cloudtrail" | "compliance" | string;
  pattern: CompiledPattern;
}

interface RuleSpec {
  name: string;
  kind: string;
  pattern: (roleArn: string) => unknown;
}

interface DeployPolicies {
  loadPolicies(): unknown[];
}
interface DeployEventRules {
  eventRuleSpecs(policies: unknown[], stage: string): RuleSpec[];
}

/** Guardrail's generated rules for `stage`, with the remediation role's ARN filled in. */
export function guardrailEventRules(stage: string, remediationRoleArn: string): EventRule[] {
  const req = createRequire(join(packageRoot(), "package.json"));
  const { loadPolicies } = req("./deploy/policies.js") as DeployPolicies;
  const { eventRuleSpecs } = req("./deploy/event-rules.js") as DeployEventRules;
  return eventRuleSpecs(loadPolicies(), stage).map((s) => ({
    name: s.name,
    kind: s.kind,
    pattern: compilePattern(s.pattern(remediationRoleArn)),
  }));
}

export type EventTarget = (event: Record<string, unknown>, rule: EventRule) => void;

export class LocalEventBus {
  private readonly rules: { rule: EventRule; target: EventTarget }[] = [];
  /** Events put on the bus (PutEvents and AWS service events) and how many rules each matched. */
  readonly stats = { events: 0, matched: 0 };

  addRule(rule: EventRule, target: EventTarget): void {
    this.rules.push({ rule, target });
  }

  /** The rules an event matches, in the order they were added. */
  matching(event: unknown): EventRule[] {
    return this.rules.filter((r) => r.rule.pattern.matches(event)).map((r) => r.rule);
  }

  /** Delivers the event to the target of every rule it matches; returns the rules. */
  put(event: Record<string, unknown>): EventRule[] {
    this.stats.events++;
    const hit = this.rules.filter((r) => r.rule.pattern.matches(event));
    if (hit.length > 0) this.stats.matched++;
    for (const { rule, target } of hit) target(event, rule);
    return hit.map((h) => h.rule);
  }
}
