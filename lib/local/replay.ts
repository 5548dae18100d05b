import { existsSync } from "node:fs";
import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { RemediationMode } from "../policy/types";
import { toConfigItem, type ConfigItem } from "../resources/config-item";
import { isObject, type JsonObject } from "../util/json";
import { LocalAccount } from "./account";
import { guardrailRole } from "./account/principals";
import { VirtualClock } from "./clock";
import type { LocalConfigRule } from "./config/service";
import { LocalLoop, type Activity } from "./loop";

/**
 * `guardrail replay EVENT.json`: one recorded event fed to the local pipeline, to see what Guardrail decides and
 * which AWS calls it makes. Accepted: a CloudTrail record (or a CloudTrail log file's `Records`), an EventBridge
 * event ("AWS API Call via CloudTrail", "Config Rules Compliance Change", "Config Configuration Item Change"), and a
 * Config rule invocation (change, oversized or scheduled). It runs on a scratch copy of the local account in
 * `stateDir` (or an empty account when there is none), so nothing the replay does stays.
 */

export type ReplayKind =
  | "cloudtrail-record"
  | "eventbridge-cloudtrail"
  | "eventbridge-compliance-change"
  | "eventbridge-config-item-change"
  | "config-rule-invocation";

export interface ReplayReport {
  file: string;
  kind: ReplayKind;
  /** What the input is, in words. */
  what: string;
  mode: RemediationMode;
  notes: string[];
  /** EventBridge rules (deploy/event-rules.js) the event matched. */
  eventRules: string[];
  /** Config rules invoked, by policy id. */
  configRules: string[];
  evaluations: {
    policyId: string;
    resourceType: string;
    resourceId: string;
    compliance: string;
    annotation?: string;
  }[];
  detections: { source: string; requests: number; alerts: number; ignored?: string }[];
  /**
   * What the detections published to Guardrail's topic, in order: each remediation request (policy, resource) and
   * each alert (policy, its title), as subscribers would receive them.
   */
  published: { kind: "remediation-request" | "alert"; policyId: string; subject: string; severity?: string }[];
  outcomes: {
    policyId: string;
    resource: string;
    status: string;
    outcome: string;
    reason: string;
    calls: string[];
    approvalCommand?: string;
  }[];
  /** The AWS calls Guardrail's functions made on the account (CloudTrail management events), in order. */
  calls: { call: string; readOnly: boolean; account: string; region: string; error?: string }[];
  deadLettered: { queue: string; reason?: string }[];
  failures: string[];
  /** true when Guardrail judged something non-compliant, asked for a fix or raised an alert. */
  findings: boolean;
}

export class ReplayInputError extends Error {
  constructor(file: string, pointer: string, message: string) {
    super(`${file}: ${pointer || "(file)"}: ${message}`);
    this.name = "ReplayInputError";
  }
}

interface Classified {
  kind: ReplayKind;
  what: string;
  records?: JsonObject[];
  event?: JsonObject;
  invocation?: JsonObject;
  item?: ConfigItem;
  accounts: string[];
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

function recordAccount(r: JsonObject): string | undefined {
  return str(r.recipientAccountId) ?? str((r.userIdentity as JsonObject | undefined)?.accountId);
}

function itemOf(raw: unknown, file: string, pointer: string): ConfigItem {
  try {
    return toConfigItem(raw);
  } catch (e) {
    throw new ReplayInputError(file, pointer, (e as Error).message);
  }
}

/** What the file holds, by its shape. */
export function classify(doc: unknown, file: string): Classified {
  if (!isObject(doc)) throw new ReplayInputError(file, "", "must be a JSON object");
  if (typeof doc["detail-type"] === "string") {
    const detail = isObject(doc.detail) ? doc.detail : undefined;
    if (!detail) throw new ReplayInputError(file, "/detail", "an EventBridge event needs a detail object");
    const account = str(doc.account);
    switch (doc["detail-type"]) {
      case "AWS API Call via CloudTrail":
        return {
          kind: "eventbridge-cloudtrail",
          what: `an EventBridge "AWS API Call via CloudTrail" event: ${String(detail.eventSource)} ${String(detail.eventName)}`,
          event: doc,
          accounts: [account, recordAccount(detail)].filter((a): a is string => a !== undefined),
        };
      case "Config Rules Compliance Change":
        return {
          kind: "eventbridge-compliance-change",
          what: `an EventBridge "Config Rules Compliance Change" event: ${String(detail.configRuleName)} on ${String(detail.resourceType)} ${String(detail.resourceId)}`,
          event: doc,
          accounts: [account].filter((a): a is string => a !== undefined),
        };
      case "Config Configuration Item Change": {
        const item = itemOf(detail.configurationItem, file, "/detail/configurationItem");
        return {
          kind: "eventbridge-config-item-change",
          what: `an EventBridge "Config Configuration Item Change" event: ${item.resourceType} ${item.resourceId}`,
          event: doc,
          item,
          accounts: [item.accountId, account].filter((a): a is string => a !== undefined),
        };
      }
      default:
        throw new ReplayInputError(
          file,
          "/detail-type",
          `"${String(doc["detail-type"])}": Guardrail replays "AWS API Call via CloudTrail", "Config Rules Compliance Change" and "Config Configuration Item Change" events`,
        );
    }
  }
  if (typeof doc.invokingEvent === "string" || isObject(doc.invokingEvent)) {
    let invoking: unknown = doc.invokingEvent;
    if (typeof invoking === "string") {
      try {
        invoking = JSON.parse(invoking);
      } catch (e) {
        throw new ReplayInputError(file, "/invokingEvent", `is not JSON: ${(e as Error).message}`);
      }
    }
    if (!isObject(invoking)) throw new ReplayInputError(file, "/invokingEvent", "must be a JSON object");
    const messageType = String(invoking.messageType);
    const item = isObject(invoking.configurationItem)
      ? itemOf(invoking.configurationItem, file, "/invokingEvent/configurationItem")
      : undefined;
    const summary = isObject(invoking.configurationItemSummary) ? invoking.configurationItemSummary : undefined;
    const about = item
      ? `${item.resourceType} ${item.resourceId}`
      : summary
        ? `${String(summary.resourceType)} ${String(summary.resourceId)}`
        : `account ${String(invoking.awsAccountId ?? doc.accountId)}`;
    return {
      kind: "config-rule-invocation",
      what: `a Config rule invocation (${messageType}) of rule ${String(doc.configRuleName)} for ${about}`,
      invocation: { ...doc, invokingEvent: JSON.stringify(invoking) },
      ...(item ? { item } : {}),
      accounts: [str(doc.accountId), item?.accountId].filter((a): a is string => a !== undefined),
    };
  }
  if (Array.isArray(doc.Records)) {
    const records = doc.Records.filter(isObject);
    if (records.length === 0) throw new ReplayInputError(file, "/Records", "holds no CloudTrail record");
    return {
      kind: "cloudtrail-record",
      what: `a CloudTrail log file of ${records.length} record(s)`,
      records,
      accounts: records.map(recordAccount).filter((a): a is string => a !== undefined),
    };
  }
  if (typeof doc.eventSource === "string" && typeof doc.eventName === "string") {
    return {
      kind: "cloudtrail-record",
      what: `a CloudTrail record: ${doc.eventSource} ${doc.eventName}`,
      records: [doc],
      accounts: [recordAccount(doc)].filter((a): a is string => a !== undefined),
    };
  }
  throw new ReplayInputError(
    file,
    "",
    "not a CloudTrail record, an EventBridge event or a Config rule invocation (see guardrail replay --help)",
  );
}

/** The Guardrail rules a recorded invocation goes to: its own (by policy id or rule name), else those in scope. */
function rulesFor(c: Classified, rules: LocalConfigRule[], notes: string[]): LocalConfigRule[] {
  const inv = c.invocation as JsonObject;
  let policyId: string | undefined;
  try {
    const params: unknown = typeof inv.ruleParameters === "string" ? JSON.parse(inv.ruleParameters) : undefined;
    if (isObject(params) && typeof params.policyId === "string") policyId = params.policyId;
  } catch {
    policyId = undefined;
  }
  policyId ??= /^guardrail-(.+)-[^-]+$/.exec(String(inv.configRuleName))?.[1];
  const own = rules.find((r) => r.policyId === policyId);
  if (own) return [own];
  const type = c.item?.resourceType;
  const inScope = type ? rules.filter((r) => r.resourceTypes.includes(type)) : rules;
  notes.push(
    `${String(inv.configRuleName)} is not one of Guardrail's rules; replayed to Guardrail's rules ` +
      (type
        ? `in scope for ${type}: ${inScope.length === 0 ? "none" : inScope.map((r) => r.policyId).join(", ")}`
        : "(all)"),
  );
  return inScope;
}

export async function replay(opts: { file: string; stateDir: string; mode: RemediationMode }): Promise<ReplayReport> {
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(opts.file, "utf8"));
  } catch (e) {
    throw new ReplayInputError(opts.file, "", (e as Error).message);
  }
  const input = classify(doc, opts.file);
  const notes: string[] = [];
  const scratch = await mkdtemp(join(tmpdir(), "guardrail-replay-"));
  try {
    if (existsSync(join(opts.stateDir, "account.json")) && existsSync(join(opts.stateDir, "config"))) {
      await cp(join(opts.stateDir, "account.json"), join(scratch, "account.json"));
      await cp(join(opts.stateDir, "config"), join(scratch, "config"), { recursive: true });
      notes.push(`ran on a scratch copy of the local account in ${opts.stateDir}; nothing there was changed`);
    } else {
      notes.push(`no local account in ${opts.stateDir} (run guardrail demo first to replay against the sample fleet)`);
    }
    const clock = new VirtualClock(new Date(), { followRealTime: true });
    const account = await LocalAccount.open({ stateDir: scratch, clock: () => clock.now() });
    if (input.item) account.put(input.item);
    const activity: Activity[] = [];
    const records: JsonObject[] = [];
    const stopRecords = account.onRecord((r) => records.push(r));
    const loop = new LocalLoop({
      account,
      mode: opts.mode,
      clock,
      accounts: input.accounts,
      logFile: join(scratch, "logs", "handlers.log"),
      onActivity: (a) => activity.push(a),
    });
    await loop.start();
    const eventRules: string[] = [];
    const configRules: string[] = [];
    try {
      if (input.records) {
        for (const r of input.records) eventRules.push(...loop.replayRecord(r).rules);
        if (eventRules.length === 0) {
          notes.push("no Guardrail EventBridge rule matches: EventBridge would not invoke Guardrail for this call");
        } else {
          notes.push(
            "the record is not applied: resource policies judge each resource as the local account describes it now (as the handler describes the live resource in AWS)",
          );
        }
      } else if (input.kind === "eventbridge-config-item-change" && input.item) {
        notes.push(
          "Guardrail does not subscribe to this event; AWS Config invokes the rules in scope for the item, so those run",
        );
        for (const rule of loop.config.rulesFor(input.item.resourceType)) {
          configRules.push(rule.policyId);
          loop.replayInvocation(
            loop.config.changeInvocation(rule, input.item),
            input.item.accountId,
            input.item.region,
          );
        }
        if (configRules.length === 0) notes.push(`no Guardrail rule is in scope for ${input.item.resourceType}`);
      } else if (input.event) {
        eventRules.push(...loop.replayEvent(input.event));
        if (eventRules.length === 0) notes.push("no Guardrail EventBridge rule matches this event");
      } else if (input.invocation) {
        const inv = input.invocation;
        const accountId = str(inv.accountId) ?? input.item?.accountId ?? account.accountId;
        const region = input.item?.region ?? str(String(inv.configRuleArn ?? "").split(":")[3]) ?? account.region;
        for (const rule of rulesFor(input, loop.config.rules, notes)) {
          configRules.push(rule.policyId);
          loop.replayInvocation(loop.config.replayedInvocation(rule, inv), accountId, region);
        }
      }
      await loop.drain();
    } finally {
      stopRecords();
      await loop.close();
    }

    const roleNames = new Set(input.accounts.concat(account.accountId).map((a) => roleName(a)));
    const calls = records
      .filter((r) => roleNames.has(issuerName(r)))
      .map((r) => ({
        call: `${String(r.eventSource).replace(/\.amazonaws\.com$/, "")}:${String(r.eventName)}`,
        readOnly: r.readOnly === true,
        account: String(r.recipientAccountId),
        region: String(r.awsRegion),
        ...(r.errorCode ? { error: `${String(r.errorCode)}: ${String(r.errorMessage ?? "")}` } : {}),
      }));
    const evaluations = loop.config
      .evaluationsOf()
      .filter((e) => configRules.includes(e.policyId))
      .map((e) => ({
        policyId: e.policyId,
        resourceType: e.resourceType,
        resourceId: e.resourceId,
        compliance: e.complianceType,
        ...(e.annotation ? { annotation: e.annotation } : {}),
      }));
    const detections = activity.flatMap((a) =>
      a.kind === "detected"
        ? [{ source: a.source, requests: a.requests, alerts: a.alerts, ...(a.ignored ? { ignored: a.ignored } : {}) }]
        : [],
    );
    const published = activity.flatMap((a): ReplayReport["published"] => {
      if (a.kind !== "published" || (a.messageKind !== "alert" && a.messageKind !== "remediation-request")) return [];
      let body: JsonObject = {};
      try {
        const parsed: unknown = JSON.parse(a.body);
        if (isObject(parsed)) body = parsed;
      } catch {
        body = {};
      }
      // An approval release is a request message too, but names no policy: it is not a detection's.
      const policyId = a.policyId ?? str(body.policyId);
      if (!policyId) return [];
      return [
        {
          kind: a.messageKind,
          policyId,
          subject: a.subject ?? "",
          ...(str(body.severity) ? { severity: str(body.severity) } : {}),
        },
      ];
    });
    const outcomes = activity.flatMap((a) =>
      a.kind === "outcome"
        ? [
            {
              policyId: a.outcome.policyId,
              resource: a.outcome.resource.id,
              status: a.outcome.status,
              outcome: a.outcome.outcome,
              reason: a.outcome.reason,
              calls: a.outcome.calls,
              ...(a.outcome.approvalCommand ? { approvalCommand: a.outcome.approvalCommand } : {}),
            },
          ]
        : [],
    );
    const deadLettered = activity.flatMap((a) =>
      a.kind === "dead-letter" ? [{ queue: a.queue, ...(a.reason ? { reason: a.reason } : {}) }] : [],
    );
    const failures = activity.flatMap((a) =>
      a.kind === "invocation-failed" && a.final ? [`${a.function}: ${a.error}`] : [],
    );
    return {
      file: basename(opts.file),
      kind: input.kind,
      what: input.what,
      mode: opts.mode,
      notes,
      eventRules: [...new Set(eventRules)],
      configRules,
      evaluations,
      detections,
      published,
      outcomes,
      calls,
      deadLettered,
      failures,
      findings:
        evaluations.some((e) => e.compliance === "NON_COMPLIANT") ||
        detections.some((d) => d.requests + d.alerts > 0) ||
        outcomes.some((o) => o.status !== "skipped"),
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function roleName(accountId: string): string {
  return issuerName(guardrailRole(accountId) as unknown as JsonObject);
}

function issuerName(r: JsonObject): string {
  const identity = r.userIdentity as { sessionContext?: { sessionIssuer?: { arn?: string } } } | undefined;
  return String(identity?.sessionContext?.sessionIssuer?.arn ?? "");
}
