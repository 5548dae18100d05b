import type { Engine, Evaluation } from "../engine/evaluate";
import { recordAsResource } from "../engine/evaluate";
import type { CompiledPolicy } from "../policy/load";
import { isCloudTrailPolicy, resourceTypesOf } from "../policy/types";
import type { Resource, ResourceAdapter, ResourceRef } from "../resources/adapter";
import { isObject } from "../util/json";
import type { ComplianceChangeEvent } from "./event";
import { eventSourceOf, recordAccount, recordRegion, type CloudTrailRecord } from "../cloudtrail/record";
import {
  ALERT_TYPE,
  REQUEST_VERSION,
  type Alert,
  type CloudTrailCause,
  type RemediationRequest,
  type RequestCause,
} from "./request";

/**
 * The detection decisions, pure: no I/O, the clock passed in. The handler (events/cloudtrail.ts) describes the
 * resources these name and publishes what they return.
 *
 * For a CloudTrail record:
 *  1. calls made by Guardrail's own remediation role (userIdentity.sessionContext.sessionIssuer.arn equal to
 *     GUARDRAIL_REMEDIATION_ROLE_ARN) and failed calls (errorCode) are ignored: the EventBridge rules exclude the
 *     role already, this keeps a fix from ever re-triggering detection if they do not;
 *  2. CloudTrail-subject policies judge the record itself (Engine.evaluateRecord); each violation is an Alert;
 *  3. the resource policies whose `triggers` name this call (eventSource and eventName) say which resource types
 *     to re-judge; their adapters' `fromCloudTrail` name the resources the call changed;
 *  4. once described, those resources are judged by exactly those policies, and each NON_COMPLIANT verdict is a
 *     RemediationRequest. A policy is judged on the calls its triggers name, not on every call that touches its
 *     resource type: a notify-mode violation does not re-notify on every unrelated deployment, and the Config rule
 *     keeps judging everything on its own schedule.
 * For a "Config Rules Compliance Change": a NON_COMPLIANT result of a Guardrail rule is one RemediationRequest.
 */

export interface DetectOptions {
  engine: Engine;
  /** Every resource adapter (`[...resourceAdapters().values()]`, lib/resources/registry.ts). */
  adapters: readonly ResourceAdapter[];
  /** GUARDRAIL_REMEDIATION_ROLE_ARN: the role the remediation worker acts as. */
  remediationRoleArn?: string;
  now: Date;
}

export interface CloudTrailDetection {
  correlationId: string;
  eventSource: string;
  eventName: string;
  /** Why nothing is done for this record, when nothing is. */
  ignored?: "remediation-role" | "failed-call";
  cause: CloudTrailCause;
  /** Verdicts of the CloudTrail-subject policies on the record (NOT_APPLICABLE included). */
  recordEvaluations: Evaluation[];
  alerts: Alert[];
  /** The resource policies this call triggers. */
  policies: CompiledPolicy[];
  /** The resources to describe and judge with those policies, without duplicates. */
  resources: ResourceRef[];
}

function text(v: unknown, fallback = ""): string {
  return typeof v === "string" && v !== "" ? v : fallback;
}

function sessionIssuerArn(record: CloudTrailRecord): string | undefined {
  const identity = isObject(record.userIdentity) ? record.userIdentity : {};
  const context = isObject(identity.sessionContext) ? identity.sessionContext : {};
  const issuer = isObject(context.sessionIssuer) ? context.sessionIssuer : {};
  return typeof issuer.arn === "string" ? issuer.arn : undefined;
}

/** The cause of a request or alert, as the remediation record keeps it. Principal as the engine's annotations name it. */
export function cloudTrailCause(record: CloudTrailRecord): CloudTrailCause {
  const fromConsole = record.sessionCredentialFromConsole;
  return {
    eventName: text(record.eventName),
    eventTime: text(record.eventTime),
    principal: recordAsResource(record).name ?? "unknown",
    sourceIPAddress: text(record.sourceIPAddress, "unknown"),
    console:
      fromConsole === true ||
      fromConsole === "true" ||
      record.eventType === "AwsConsoleAction" ||
      record.eventType === "AwsConsoleSignIn",
  };
}

/** Resource policies whose triggers name this call. */
export function policiesTriggeredBy(engine: Engine, eventSource: string, eventName: string): CompiledPolicy[] {
  return engine.policies.filter(
    (p) =>
      !isCloudTrailPolicy(p.policy) &&
      (p.policy.triggers ?? []).some((t) => t.eventSource === eventSource && t.eventNames.includes(eventName)),
  );
}

function refKey(r: ResourceRef): string {
  return `${r.type}|${r.accountId}|${r.region}|${r.id}`;
}

/** The resources the record changed, by the adapters' fromCloudTrail, without duplicates, in the adapters' order. */
export function resourcesChangedBy(record: CloudTrailRecord, adapters: Iterable<ResourceAdapter>): ResourceRef[] {
  // The audit asks this of every call that is not read-only: nearly all name no resource or one, so nothing is
  // made for them; a set of keys only for the rare call that names several.
  let out: ResourceRef[] | undefined;
  let keys: Set<string> | undefined;
  for (const adapter of adapters) {
    if (!adapter.fromCloudTrail) continue;
    for (const ref of adapter.fromCloudTrail(record)) {
      if (ref.type !== adapter.type) continue;
      if (!out) {
        out = [ref];
        continue;
      }
      keys ??= new Set(out.map(refKey));
      const key = refKey(ref);
      if (keys.has(key)) continue;
      keys.add(key);
      out.push(ref);
    }
  }
  return out ?? [];
}

export function detectCloudTrail(record: CloudTrailRecord, opts: DetectOptions): CloudTrailDetection {
  const eventSource = eventSourceOf(record);
  const eventName = text(record.eventName);
  const base = {
    correlationId: text(record.eventID),
    eventSource,
    eventName,
    cause: cloudTrailCause(record),
  };
  const nothing = { recordEvaluations: [], alerts: [], policies: [], resources: [] };
  if (opts.remediationRoleArn && sessionIssuerArn(record) === opts.remediationRoleArn) {
    return { ...base, ignored: "remediation-role", ...nothing };
  }
  if (record.errorCode !== undefined && record.errorCode !== null) {
    return { ...base, ignored: "failed-call", ...nothing };
  }

  const detectedAt = opts.now.toISOString();
  const recordEvaluations = opts.engine.evaluateRecord(record);
  const changed = resourcesChangedBy(record, opts.adapters);
  const alerts: Alert[] = [];
  for (const e of recordEvaluations) {
    if (e.compliance !== "NON_COMPLIANT") continue;
    const policy = opts.engine.policies.find((p) => p.policy.id === e.policyId);
    alerts.push({
      type: ALERT_TYPE,
      version: REQUEST_VERSION,
      correlationId: base.correlationId,
      policyId: e.policyId,
      title: policy?.policy.title ?? e.policyId,
      severity: e.severity,
      evaluation: { compliance: "NON_COMPLIANT", ...(e.annotation ? { annotation: e.annotation } : {}) },
      call: {
        eventSource,
        eventName,
        eventID: base.correlationId,
        awsRegion: recordRegion(record),
        accountId: recordAccount(record),
      },
      cause: base.cause,
      resources: changed,
      detectedAt,
    });
  }

  const policies = policiesTriggeredBy(opts.engine, eventSource, eventName);
  const types = new Set(policies.flatMap((p) => resourceTypesOf(p.policy)));
  const resources = changed.filter((r) => types.has(r.type));
  return { ...base, recordEvaluations, alerts, policies, resources };
}

export interface Judgement {
  evaluations: Evaluation[];
  requests: RemediationRequest[];
}

function refOf(r: Resource): ResourceRef {
  return { type: r.type, id: r.id, region: r.region, accountId: r.accountId, ...(r.arn ? { arn: r.arn } : {}) };
}

function request(
  policy: CompiledPolicy,
  correlationId: string,
  resource: ResourceRef,
  annotation: string | undefined,
  cause: RequestCause,
  now: Date,
): RemediationRequest {
  return {
    version: REQUEST_VERSION,
    correlationId,
    policyId: policy.policy.id,
    mode: policy.policy.remediation?.mode ?? "notify",
    resource,
    evaluation: { compliance: "NON_COMPLIANT", ...(annotation ? { annotation } : {}) },
    cause,
    detectedAt: now.toISOString(),
  };
}

/**
 * Judges the described resources with the policies the call triggered; each NON_COMPLIANT verdict becomes a
 * RemediationRequest (EXEMPT and the rest do not). Resources that no longer exist are simply not passed.
 */
export function judgeResources(
  detection: CloudTrailDetection,
  resources: Resource[],
  opts: { now: Date; engine: Engine },
): Judgement {
  const evaluations: Evaluation[] = [];
  const requests: RemediationRequest[] = [];
  for (const resource of resources) {
    for (const policy of detection.policies) {
      if (!resourceTypesOf(policy.policy).includes(resource.type)) continue;
      const e = opts.engine.evaluatePolicy(policy, resource);
      evaluations.push(e);
      if (e.compliance === "NON_COMPLIANT") {
        requests.push(
          request(policy, detection.correlationId, refOf(resource), e.annotation, detection.cause, opts.now),
        );
      }
    }
  }
  return { evaluations, requests };
}

export interface ComplianceChangeDetection {
  correlationId: string;
  configRuleName: string;
  policyId?: string;
  ignored?: "not-non-compliant" | "not-a-guardrail-rule";
  request?: RemediationRequest;
}

/**
 * The policy a Config rule judges, from the rule's name. Guardrail names each rule after its policy, with a prefix
 * and a stage around it (deploy/config-rules.js: `guardrail-<policyId>-<stage>`); the policy id is found as a
 * whole, hyphen-bounded run of the name, and the longest id that fits wins (`...-tls-1-2-...` is not `tls-1`).
 * The compliance change event carries no rule parameters, so the name is all there is.
 */
export function policyForRule(configRuleName: string, policies: readonly CompiledPolicy[]): CompiledPolicy | undefined {
  const name = `-${configRuleName}-`;
  let best: CompiledPolicy | undefined;
  for (const p of policies) {
    const id = p.policy.id;
    if (!name.includes(`-${id}-`)) continue;
    if (!best || id.length > best.policy.id.length) best = p;
  }
  return best;
}

export function detectComplianceChange(event: ComplianceChangeEvent, opts: DetectOptions): ComplianceChangeDetection {
  const d = event.detail;
  const base = { correlationId: event.id, configRuleName: d.configRuleName };
  const policy = policyForRule(d.configRuleName, opts.engine.policies);
  if (!policy) return { ...base, ignored: "not-a-guardrail-rule" };
  if (d.newEvaluationResult.complianceType !== "NON_COMPLIANT") {
    return { ...base, policyId: policy.policy.id, ignored: "not-non-compliant" };
  }
  const resource: ResourceRef = {
    type: d.resourceType,
    id: d.resourceId,
    region: d.awsRegion,
    accountId: d.awsAccountId,
  };
  const annotation = d.newEvaluationResult.annotation ?? undefined;
  return {
    ...base,
    policyId: policy.policy.id,
    request: request(policy, event.id, resource, annotation, { configRuleName: d.configRuleName }, opts.now),
  };
}
