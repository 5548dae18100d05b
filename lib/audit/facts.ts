import type { Engine } from "../engine/evaluate";
import { recordAsResource } from "../engine/evaluate";
import { resourcesChangedBy } from "../detect/detect";
import type { ResourceAdapter } from "../resources/adapter";
import { isObject, type JsonObject } from "../util/json";

/**
 * What the audit keeps of one CloudTrail record that is not a plain read-only call: a few strings, the governed
 * resources it touched (by the adapters' `fromCloudTrail`, kept only for resource types the policies cover) and the
 * verdicts of the CloudTrail-subject policies (Engine.evaluateRecord). Plain data, so it crosses worker threads
 * cheaply; the record itself is dropped here.
 */

/** Who made a call, as the report groups it (section 4: outside the pipeline vs CI). */
export type ActorKind = "ci" | "guardrail" | "console" | "human" | "service" | "root";

export const ACTOR_KINDS: readonly ActorKind[] = ["ci", "guardrail", "console", "human", "service", "root"];

/**
 * Guardrail's own remediation role as CloudFormation names it for serverless.yml's RemediationWorkerRole
 * (`guardrail-<stage>-RemediationWorkerRole-<suffix>`, deploy/iam.js): its fixes are automation, never "human".
 */
export const GUARDRAIL_ROLE_PATTERN = /^guardrail-[A-Za-z0-9-]+-RemediationWorkerRole-[A-Za-z0-9]+$/;

export interface AuditViolation {
  policyId: string;
  severity: string;
  annotation: string;
}

export interface AuditEvent {
  eventID: string;
  eventTime: string;
  accountId: string;
  region: string;
  /** `eventSource` without `.amazonaws.com`, e.g. `sqs`. */
  service: string;
  eventName: string;
  principal: string;
  actor: ActorKind;
  sourceIPAddress: string;
  /** readOnly is not true (false, or absent as on some service events). */
  mutating: boolean;
  errorCode?: string;
  /** AccessDenied / UnauthorizedOperation (any service's spelling). */
  denied: boolean;
  /** Governed resources the call names: `type|id`. */
  resources: string[];
  violations: AuditViolation[];
}

/** Role names (the session issuer's, or the IAM user's) of deployment pipelines; `--ci-roles` overrides it. */
export const DEFAULT_CI_ROLE_PATTERN =
  /(^|[-_/.])(ci|cd|cicd|deploy|deployer|deployment|pipeline|github|gitlab|codebuild|codepipeline|jenkins|terraform|circleci|buildkite|spacelift|atlantis|argocd)([-_/.]|$)/i;

const DENIED_CODES = /^(Client\.)?(AccessDenied|AccessDeniedException|UnauthorizedOperation|UnauthorizedAccess)$/;

export function isDeniedCode(code: unknown): boolean {
  return typeof code === "string" && DENIED_CODES.test(code);
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

/** How the report groups the caller (see ActorKind); `ciRoles` matches role or user names. */
export function actorKind(record: JsonObject, ciRoles: RegExp = DEFAULT_CI_ROLE_PATTERN): ActorKind {
  const identity = isObject(record.userIdentity) ? record.userIdentity : {};
  const type = str(identity.type);
  if (type === "Root" && !str(identity.invokedBy)) return "root";
  if (type === "AWSService" || str(identity.invokedBy) || record.eventType === "AwsServiceEvent") return "service";
  const fromConsole =
    record.sessionCredentialFromConsole === "true" ||
    record.sessionCredentialFromConsole === true ||
    record.eventType === "AwsConsoleAction" ||
    record.eventType === "AwsConsoleSignIn";
  if (fromConsole) return "console";
  const context = isObject(identity.sessionContext) ? identity.sessionContext : {};
  const issuer = isObject(context.sessionIssuer) ? context.sessionIssuer : {};
  const name = str(issuer.userName) ?? str(identity.userName) ?? "";
  if (name && GUARDRAIL_ROLE_PATTERN.test(name)) return "guardrail";
  if (name && ciRoles.test(name)) return "ci";
  if (str(identity.arn)?.includes(":assumed-role/AWSServiceRole")) return "service";
  return "human";
}

const SERVICE_SUFFIX = ".amazonaws.com";

/** `eventSource` without `.amazonaws.com` (a few dozen distinct values over a trail). */
function serviceOf(source: string): string {
  return source.endsWith(SERVICE_SUFFIX) ? source.slice(0, -SERVICE_SUFFIX.length) : source;
}

export interface FactOptions {
  engine: Engine;
  adapters: readonly ResourceAdapter[];
  ciRoles?: RegExp;
}

/** The audit's view of one candidate record (see extract.ts isCandidate). */
export function auditEvent(record: JsonObject, opts: FactOptions): AuditEvent {
  const errorCode = str(record.errorCode);
  const violations: AuditViolation[] = [];
  for (const e of opts.engine.recordFindings(record)) {
    if (e.compliance === "NON_COMPLIANT") {
      violations.push({ policyId: e.policyId, severity: e.severity, annotation: e.annotation ?? "" });
    }
  }
  const resources: string[] = [];
  if (record.readOnly !== true) {
    for (const ref of resourcesChangedBy(record, opts.adapters)) {
      if (opts.engine.coversType(ref.type)) resources.push(`${ref.type}|${ref.id}`);
    }
  }
  const who = recordAsResource(record);
  const source = str(record.eventSource) ?? "";
  const event: AuditEvent = {
    eventID: str(record.eventID) ?? "",
    eventTime: str(record.eventTime) ?? "",
    accountId: who.accountId,
    region: who.region,
    service: serviceOf(source),
    eventName: str(record.eventName) ?? "",
    principal: who.name ?? "unknown",
    actor: actorKind(record, opts.ciRoles),
    sourceIPAddress: str(record.sourceIPAddress) ?? "",
    mutating: record.readOnly !== true,
    denied: isDeniedCode(errorCode),
    resources,
    violations,
  };
  // Set only when there is one (a spread in the literal made every event slower to build).
  if (errorCode) event.errorCode = errorCode;
  return event;
}
