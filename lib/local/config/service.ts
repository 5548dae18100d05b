import {
  InvalidNextTokenException,
  InvalidParameterValueException,
  InvalidResultTokenException,
  NoSuchConfigRuleException,
  ResourceNotDiscoveredException,
} from "@aws-sdk/client-config-service";
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { ConfigItem } from "../../resources/config-item";
import { packageRoot } from "../../util/package-root";
import type { VirtualClock } from "../clock";
import { baseConfigurationItem, historyConfigurationItem, invocationItem } from "./items";

/**
 * Local AWS Config: the rules deploy/config-rules.js generates (one per resource policy, named
 * `guardrail-<policy>-<stage>`, scoped to the policy's resource types), their invocations with the real event shapes
 * (AWS Config Developer Guide, "Example events for AWS Config rules": ConfigurationItemChangeNotification,
 * OversizedConfigurationItemChangeNotification, ScheduledNotification; `invokingEvent` and `ruleParameters` as JSON
 * text), the read APIs the rule handler calls (GetResourceConfigHistory, BatchGetResourceConfig,
 * ListDiscoveredResources, answered from the account's items), and the evaluation store PutEvaluations fills. A change
 * of a resource's compliance emits the "Config Rules Compliance Change" event (EventBridge Events Reference, "AWS
 * Config events") as Config does on EventBridge.
 */

export interface LocalConfigRule {
  name: string;
  policyId: string;
  resourceTypes: string[];
  configRuleId: string;
  arn: string;
}

export type ComplianceType = "COMPLIANT" | "NON_COMPLIANT" | "NOT_APPLICABLE";

export interface StoredEvaluation {
  ruleName: string;
  policyId: string;
  resourceType: string;
  resourceId: string;
  complianceType: ComplianceType;
  annotation?: string;
  orderingTimestamp: string;
  recordedAt: string;
}

export interface ItemSource {
  configItems(filter?: { resourceType?: string }): ConfigItem[];
  configItem(resourceType: string, resourceId: string): ConfigItem | undefined;
}

export interface LocalConfigOptions {
  accountId: string;
  region: string;
  stage: string;
  clock: VirtualClock;
  items: ItemSource;
  /** Config's events on EventBridge ("Config Rules Compliance Change"). */
  onEvent?: (event: Record<string, unknown>) => void;
}

interface DeployPolicy {
  id: string;
  resourceTypes: string[];
  cloudtrail: boolean;
}

/** Size over which Config sends an oversized notification instead of the item (256 KB, SNS/Lambda payloads). */
export const OVERSIZED_BYTES = 256 * 1024;

/** Result tokens kept valid at once (far more than any sweep has in flight). */
const MAX_LIVE_TOKENS = 10_000;

export class LocalConfig {
  readonly rules: LocalConfigRule[];
  private readonly tokens = new Map<string, LocalConfigRule>();
  private readonly evaluations = new Map<string, StoredEvaluation>();
  /** The change notification made last (an item's change goes to every rule in scope, one after the other). */
  private lastNotification?: { item: ConfigItem; now: string; text: string };
  readonly stats = { invocations: 0, putEvaluations: 0, evaluations: 0, complianceChanges: 0 };

  constructor(private readonly opts: LocalConfigOptions) {
    const req = createRequire(join(packageRoot(), "package.json"));
    const { loadPolicies } = req("./deploy/policies.js") as { loadPolicies(): DeployPolicy[] };
    const { ruleName } = req("./deploy/config-rules.js") as { ruleName(id: string, stage: string): string };
    this.rules = loadPolicies()
      .filter((p) => !p.cloudtrail && p.resourceTypes.length > 0)
      .map((p, i) => {
        const configRuleId = `config-rule-${(i + 1).toString(36).padStart(6, "0")}`;
        return {
          name: ruleName(p.id, opts.stage),
          policyId: p.id,
          resourceTypes: p.resourceTypes,
          configRuleId,
          arn: `arn:aws:config:${opts.region}:${opts.accountId}:config-rule/${configRuleId}`,
        };
      });
  }

  /** The rules whose scope includes a resource type. */
  rulesFor(resourceType: string): LocalConfigRule[] {
    return this.rules.filter((r) => r.resourceTypes.includes(resourceType));
  }

  rule(name: string): LocalConfigRule | undefined {
    return this.rules.find((r) => r.name === name);
  }

  private invocation(
    rule: LocalConfigRule,
    invokingEvent: Record<string, unknown> | string,
    accountId = this.opts.accountId,
    eventLeftScope = false,
  ) {
    const token = Buffer.from(JSON.stringify({ rule: rule.name, invocation: randomUUID() })).toString("base64");
    this.tokens.set(token, rule);
    // Result tokens expire in Config; the oldest go first, so a long run (the bench) keeps memory flat.
    if (this.tokens.size > MAX_LIVE_TOKENS) this.tokens.delete(this.tokens.keys().next().value as string);
    this.stats.invocations++;
    return {
      version: "1.0",
      invokingEvent: typeof invokingEvent === "string" ? invokingEvent : JSON.stringify(invokingEvent),
      ruleParameters: JSON.stringify({ policyId: rule.policyId }),
      resultToken: token,
      eventLeftScope,
      executionRoleArn: `arn:aws:iam::${accountId}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`,
      configRuleArn: rule.arn.replace(`:${this.opts.accountId}:`, `:${accountId}:`),
      configRuleName: rule.name,
      configRuleId: rule.configRuleId,
      accountId,
    };
  }

  /** The change notification Config sends each rule in scope when an item changes (oversized when over 256 KB). */
  changeInvocation(rule: LocalConfigRule, item: ConfigItem, options: { forceOversized?: boolean } = {}) {
    const now = this.opts.clock.now().toISOString();
    // Every rule in scope gets the same notification of one change: its text is made once.
    const last = this.lastNotification;
    let text = last && last.item === item && last.now === now ? last.text : undefined;
    if (text === undefined) {
      text = JSON.stringify({
        configurationItemDiff: null,
        configurationItem: invocationItem(item),
        notificationCreationTime: now,
        messageType: "ConfigurationItemChangeNotification",
        recordVersion: "1.3",
      });
      this.lastNotification = { item, now, text };
    }
    if (!options.forceOversized && text.length <= OVERSIZED_BYTES) {
      return this.invocation(rule, text, item.accountId);
    }
    const {
      configuration: _c,
      supplementaryConfiguration: _s,
      tags: _t,
      relationships: _r,
      relatedEvents: _e,
      ...summary
    } = invocationItem(item);
    return this.invocation(
      rule,
      {
        configurationItemSummary: { changeType: "UPDATE", ...summary },
        s3DeliverySummary: { s3BucketLocation: null },
        notificationCreationTime: now,
        messageType: "OversizedConfigurationItemChangeNotification",
        recordVersion: "1.3",
      },
      item.accountId,
    );
  }

  /**
   * A recorded invocation replayed to one of Guardrail's rules (`guardrail replay`): the recorded `invokingEvent`
   * verbatim, addressed to `rule` (its name, ARN, id and parameters) with a result token this Config accepts.
   */
  replayedInvocation(rule: LocalConfigRule, recorded: Record<string, unknown>) {
    const accountId = typeof recorded.accountId === "string" ? recorded.accountId : this.opts.accountId;
    const fresh = this.invocation(rule, {}, accountId, recorded.eventLeftScope === true);
    return { ...fresh, invokingEvent: String(recorded.invokingEvent) };
  }

  /** The periodic trigger (MaximumExecutionFrequency reached). */
  scheduledInvocation(rule: LocalConfigRule, accountId = this.opts.accountId) {
    return this.invocation(
      rule,
      {
        awsAccountId: accountId,
        notificationCreationTime: this.opts.clock.now().toISOString(),
        messageType: "ScheduledNotification",
        recordVersion: "1.0",
      },
      accountId,
    );
  }

  // ---- the Config API calls the rule handler makes -------------------------------------------------------

  /**
   * GetComplianceDetailsByConfigRule over the evaluation store (AWS Config API Reference: ComplianceTypes filter,
   * Limit 0 to 100, NextToken; an unknown rule is NoSuchConfigRuleException). The results come in resource order.
   */
  complianceDetails(input: Record<string, unknown>): Record<string, unknown> {
    const name = typeof input.ConfigRuleName === "string" ? input.ConfigRuleName : "";
    if (!this.rule(name)) {
      throw new NoSuchConfigRuleException({ message: `The ConfigRule '${name}' provided in the request is invalid. Please check the configRule name.`, $metadata: {} }); // prettier-ignore
    }
    const types = Array.isArray(input.ComplianceTypes) && input.ComplianceTypes.length > 0 ? input.ComplianceTypes : undefined; // prettier-ignore
    const limit = typeof input.Limit === "number" && input.Limit > 0 ? Math.min(input.Limit, 100) : 100;
    const at = input.NextToken === undefined ? 0 : Number.parseInt(String(input.NextToken), 10);
    if (!Number.isInteger(at) || at < 0) {
      throw new InvalidNextTokenException({ message: "The nextToken provided is invalid", $metadata: {} });
    }
    const all = this.evaluationsOf(name)
      .filter((e) => types === undefined || types.includes(e.complianceType))
      .sort((a, b) => `${a.resourceType}\n${a.resourceId}`.localeCompare(`${b.resourceType}\n${b.resourceId}`));
    const page = all.slice(at, at + limit).map((e) => ({
      EvaluationResultIdentifier: {
        EvaluationResultQualifier: {
          ConfigRuleName: e.ruleName,
          ResourceType: e.resourceType,
          ResourceId: e.resourceId,
          EvaluationMode: "DETECTIVE",
        },
        OrderingTimestamp: new Date(e.orderingTimestamp),
      },
      ComplianceType: e.complianceType,
      ResultRecordedTime: new Date(e.recordedAt),
      ConfigRuleInvokedTime: new Date(e.recordedAt),
      ...(e.annotation ? { Annotation: e.annotation } : {}),
    }));
    return { EvaluationResults: page, ...(at + limit < all.length ? { NextToken: String(at + limit) } : {}) };
  }

  putEvaluations(input: Record<string, unknown>): { FailedEvaluations: unknown[] } {
    const token = input.ResultToken;
    if (typeof token !== "string" || token === "") {
      throw new InvalidParameterValueException({ message: "The ResultToken must not be empty.", $metadata: {} });
    }
    const rule = this.tokens.get(token);
    if (input.TestMode === true) return { FailedEvaluations: [] };
    if (!rule) throw new InvalidResultTokenException({ message: "The result token is invalid.", $metadata: {} });
    const list = (input.Evaluations ?? []) as Record<string, unknown>[];
    if (list.length > 100) {
      throw new InvalidParameterValueException({ message: "Evaluations: at most 100 per call.", $metadata: {} });
    }
    this.stats.putEvaluations++;
    const now = this.opts.clock.now().toISOString();
    for (const e of list) {
      const complianceType = e.ComplianceType as string;
      if (!["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"].includes(complianceType)) {
        throw new InvalidParameterValueException({
          message: `ComplianceType ${complianceType} is not valid for PutEvaluations.`,
          $metadata: {},
        });
      }
      const annotation = e.Annotation as string | undefined;
      if (annotation !== undefined && (annotation.length < 1 || annotation.length > 256)) {
        throw new InvalidParameterValueException({ message: "Annotation must be 1-256 characters.", $metadata: {} });
      }
      const stored: StoredEvaluation = {
        ruleName: rule.name,
        policyId: rule.policyId,
        resourceType: String(e.ComplianceResourceType),
        resourceId: String(e.ComplianceResourceId),
        complianceType: complianceType as ComplianceType,
        ...(annotation ? { annotation } : {}),
        orderingTimestamp: new Date(e.OrderingTimestamp as Date).toISOString(),
        recordedAt: now,
      };
      const key = `${rule.name}\n${stored.resourceType}\n${stored.resourceId}`;
      const old = this.evaluations.get(key);
      this.evaluations.set(key, stored);
      this.stats.evaluations++;
      if (old?.complianceType !== stored.complianceType) this.complianceChanged(rule, stored, old);
    }
    return { FailedEvaluations: [] };
  }

  private complianceChanged(rule: LocalConfigRule, now: StoredEvaluation, old: StoredEvaluation | undefined): void {
    this.stats.complianceChanges++;
    const result = (e: StoredEvaluation) => ({
      evaluationResultIdentifier: {
        evaluationResultQualifier: {
          configRuleName: rule.name,
          resourceType: e.resourceType,
          resourceId: e.resourceId,
        },
        orderingTimestamp: e.orderingTimestamp,
      },
      complianceType: e.complianceType,
      resultRecordedTime: e.recordedAt,
      configRuleInvokedTime: e.recordedAt,
      annotation: e.annotation ?? null,
      resultToken: null,
    });
    const item = this.opts.items.configItem(now.resourceType, now.resourceId);
    this.opts.onEvent?.({
      version: "0",
      id: randomUUID(),
      "detail-type": "Config Rules Compliance Change",
      source: "aws.config",
      account: this.opts.accountId,
      time: now.recordedAt.replace(/\.\d{3}Z$/, "Z"),
      region: item?.region ?? this.opts.region,
      resources: item?.arn ? [item.arn] : [],
      detail: {
        resourceId: now.resourceId,
        awsRegion: item?.region ?? this.opts.region,
        awsAccountId: item?.accountId ?? this.opts.accountId,
        configRuleName: rule.name,
        recordVersion: "1.0",
        configRuleARN: rule.arn,
        messageType: "ComplianceChangeNotification",
        notificationCreationTime: now.recordedAt,
        resourceType: now.resourceType,
        newEvaluationResult: result(now),
        ...(old ? { oldEvaluationResult: result(old) } : {}),
      },
    });
  }

  getResourceConfigHistory(input: Record<string, unknown>): { configurationItems: unknown[] } {
    const item = this.opts.items.configItem(String(input.resourceType), String(input.resourceId));
    if (!item) {
      throw new ResourceNotDiscoveredException({
        message: `Resource ${String(input.resourceId)} of resourceType:${String(input.resourceType)} is unknown or has not been discovered`,
        $metadata: {},
      });
    }
    const later = input.laterTime instanceof Date ? input.laterTime.getTime() : Infinity;
    const captured = Date.parse(item.captureTime ?? "");
    // One current item per resource is kept (no history): it is returned when captured at or before laterTime.
    const items = Number.isNaN(captured) || captured <= later ? [historyConfigurationItem(item)] : [];
    return { configurationItems: items };
  }

  batchGetResourceConfig(input: Record<string, unknown>): {
    baseConfigurationItems: unknown[];
    unprocessedResourceKeys: [];
  } {
    const keys = (input.resourceKeys ?? []) as { resourceType: string; resourceId: string }[];
    if (keys.length < 1 || keys.length > 100) {
      throw new InvalidParameterValueException({ message: "resourceKeys: 1-100 keys.", $metadata: {} });
    }
    const items = keys
      .map((k) => this.opts.items.configItem(k.resourceType, k.resourceId))
      .filter((i): i is ConfigItem => i !== undefined && !i.status.startsWith("ResourceDeleted"));
    return { baseConfigurationItems: items.map(baseConfigurationItem), unprocessedResourceKeys: [] };
  }

  /** Resources of the calling account and Region (`where`: the call's), as Config records per account and Region. */
  listDiscoveredResources(
    input: Record<string, unknown>,
    where: { accountId: string; region: string } = this.opts,
  ): { resourceIdentifiers: unknown[]; nextToken?: string } {
    const resourceType = String(input.resourceType);
    const limit = Math.min(Math.max(Number(input.limit) || 100, 1), 100);
    const start = typeof input.nextToken === "string" ? Number(Buffer.from(input.nextToken, "base64").toString()) : 0;
    const all = this.opts.items
      .configItems({ resourceType })
      .filter((i) => !i.status.startsWith("ResourceDeleted"))
      .filter((i) => i.accountId === where.accountId && i.region === where.region);
    const page = all.slice(start, start + limit);
    const next = start + limit < all.length ? Buffer.from(String(start + limit)).toString("base64") : undefined;
    return {
      resourceIdentifiers: page.map((i) => ({ resourceType, resourceId: i.resourceId, resourceName: i.resourceName })),
      ...(next ? { nextToken: next } : {}),
    };
  }

  // ---- what the console shows ------------------------------------------------------------------------------

  evaluationsOf(ruleName?: string): StoredEvaluation[] {
    return [...this.evaluations.values()].filter((e) => ruleName === undefined || e.ruleName === ruleName);
  }

  /** Per rule, as the Config console's rules page: resources compliant and noncompliant (NOT_APPLICABLE aside). */
  complianceByRule(): {
    ruleName: string;
    policyId: string;
    compliant: number;
    nonCompliant: number;
    notApplicable: number;
  }[] {
    return this.rules.map((r) => {
      const list = this.evaluationsOf(r.name);
      const count = (t: ComplianceType) => list.filter((e) => e.complianceType === t).length;
      return {
        ruleName: r.name,
        policyId: r.policyId,
        compliant: count("COMPLIANT"),
        nonCompliant: count("NON_COMPLIANT"),
        notApplicable: count("NOT_APPLICABLE"),
      };
    });
  }

  /** Every NON_COMPLIANT (policy, resource) pair now. */
  violations(): StoredEvaluation[] {
    return [...this.evaluations.values()].filter((e) => e.complianceType === "NON_COMPLIANT");
  }
}
