import type { Compliance } from "../lib/engine/evaluate";
import type { Resource } from "../lib/resources/adapter";
import { SUPPORTED_RUNTIMES } from "./policy-data";

/**
 * The ten benchmark policies written by hand: the practical ceiling for evaluating them in TypeScript.
 *
 * Each `check` mirrors the policy file's JSON Schema exactly, including its quieter rules (`required` and
 * `properties` say nothing about a value that is not an object, `contains` nothing about a value that is not an
 * array), and returns `undefined` for a pass or, on a failure, the annotation Guardrail would write for it (the
 * failing sub-schema's `description`, `<path>: <description> (is <value>)`), so both sides build the same string.
 * Exemption tags (`guardrail:exempt`) are honoured the same way too: the same verdicts, the same work.
 *
 * Written against policies/<service>/<id>.json as of this commit; if a policy's schema changes, bench/engine.ts
 * notices (verdicts disagree) and aborts rather than compare different work.
 */

type Doc = Record<string, unknown>;

export interface HandRule {
  id: string;
  type: string;
  /** The policy's `applies`; absent means every document of the type. */
  applies?: (doc: Doc) => boolean;
  /** `undefined` when compliant, else the annotation. */
  check: (doc: Doc) => string | undefined;
}

export interface HandResult {
  policyId: string;
  compliance: Compliance;
  annotation?: string;
  resource: Resource;
}

function isObj(v: unknown): v is Doc {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The value as the annotation quotes it: JSON, cut at 60 characters. */
function show(v: unknown): string {
  if (v === undefined) return "absent";
  const s = JSON.stringify(v);
  return s.length > 60 ? s.slice(0, 57) + "..." : s;
}

/** A map key as a property path step: `.name`, `[0]` or `["~1pets/GET"]`. */
function step(key: string): string {
  if (/^\d+$/.test(key)) return `[${key}]`;
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return `.${key}`;
  return `[${JSON.stringify(key)}]`;
}

const MAX_ANNOTATION = 256;
function truncate(text: string): string {
  return text.length <= MAX_ANNOTATION ? text : text.slice(0, MAX_ANNOTATION - 12) + " [truncated]";
}

const SUPPORTED = new Set(SUPPORTED_RUNTIMES);

const SQS_ACTION = /^([sS][qQ][sS]:\*|\*)$/;

/**
 * The policy's TLS-only statement: a Deny for every principal ("*" or {"AWS": "*"}) of sqs:* (IAM action names
 * are case-insensitive) with `Condition.Bool["aws:SecureTransport"]` "false", false or ["false"].
 */
function deniesPlainHttp(s: unknown): boolean {
  if (!isObj(s)) return false;
  if (s.Effect !== "Deny") return false;
  const principal = s.Principal;
  const everyone =
    principal === "*" ||
    (isObj(principal) && (principal.AWS === "*" || (Array.isArray(principal.AWS) && principal.AWS.includes("*"))));
  if (!everyone) return false;
  const actions = s.Action;
  if (!Array.isArray(actions) || !actions.some((a) => typeof a === "string" && SQS_ACTION.test(a))) return false;
  const cond = s.Condition;
  if (!isObj(cond)) return false;
  const bool = cond.Bool;
  if (!isObj(bool)) return false;
  const v = bool["aws:SecureTransport"];
  return v === "false" || v === false || (Array.isArray(v) && v.length === 1 && v[0] === "false");
}

const PAB_KEYS = ["blockPublicAcls", "ignorePublicAcls", "blockPublicPolicy", "restrictPublicBuckets"] as const;
const PAB_WHY: Record<(typeof PAB_KEYS)[number], string> = {
  blockPublicAcls: "must be true so that new public ACLs are rejected",
  ignorePublicAcls: "must be true so that existing public ACLs are ignored",
  blockPublicPolicy: "must be true so that public bucket policies are rejected",
  restrictPublicBuckets: "must be true so that a public bucket policy grants nothing outside the account",
};

export const HAND_RULES: readonly HandRule[] = [
  {
    id: "apigateway-stage-xray-tracing",
    type: "AWS::ApiGateway::Stage",
    check(d) {
      const v = d.tracingEnabled;
      if (v === undefined) return "tracingEnabled is not set, so X-Ray tracing is off";
      if (v !== true) return `tracingEnabled: X-Ray active tracing must be on (is ${show(v)})`;
      return undefined;
    },
  },
  {
    id: "apigateway-stage-execution-logging",
    type: "AWS::ApiGateway::Stage",
    check(d) {
      const ms = d.methodSettings;
      if (ms === undefined) return "methodSettings is missing, so execution logging (loggingLevel) is OFF";
      if (!isObj(ms)) return undefined;
      const all = ms["*/*"];
      if (all === undefined)
        return 'methodSettings: has no stage-wide "*/*" entry, so execution logging (loggingLevel) is OFF';
      if (!isObj(all)) return undefined;
      const level = all.loggingLevel;
      if (level === undefined) return 'methodSettings["*/*"]: loggingLevel is not set, so execution logging is OFF';
      if (level !== "ERROR" && level !== "INFO")
        return `methodSettings["*/*"].loggingLevel: execution logging must be ERROR or INFO (is ${show(level)})`;
      return undefined;
    },
  },
  {
    id: "apigateway-stage-cache-encrypted",
    type: "AWS::ApiGateway::Stage",
    check(d) {
      const ms = d.methodSettings;
      if (!isObj(ms)) return undefined;
      for (const key in ms) {
        const s = ms[key];
        if (!isObj(s) || s.cachingEnabled !== true) continue;
        const enc = s.cacheDataEncrypted;
        if (enc === undefined)
          return `methodSettings${step(key)}: caching is on but cacheDataEncrypted is not set, so cached responses are stored unencrypted`;
        if (enc !== true)
          return `methodSettings${step(key)}.cacheDataEncrypted: must be true when caching is on: cached responses are stored unencrypted (is ${show(enc)})`;
      }
      return undefined;
    },
  },
  {
    id: "sqs-queue-encrypted",
    type: "AWS::SQS::Queue",
    check(d) {
      if (d.SqsManagedSseEnabled === true) return undefined;
      const key = d.KmsMasterKeyId;
      if (typeof key === "string" && key.length > 0) return undefined;
      return "server-side encryption is off (neither SqsManagedSseEnabled nor KmsMasterKeyId is set)";
    },
  },
  {
    id: "sqs-queue-tls-only",
    type: "AWS::SQS::Queue",
    check(d) {
      const p = d.Policy;
      if (p === undefined)
        return "the queue has no access policy (Policy), so nothing denies requests without TLS (aws:SecureTransport)";
      if (!isObj(p)) return `Policy: is not a readable JSON policy document (is ${show(p)})`;
      const st = p.Statement;
      if (!Array.isArray(st)) return undefined;
      for (const s of st) if (deniesPlainHttp(s)) return undefined;
      return `Policy.Statement: no statement denies requests without TLS (a Deny for every principal ("*") of sqs:* with Condition Bool aws:SecureTransport "false"), so the queue accepts plain HTTP (is ${show(st)})`;
    },
  },
  {
    id: "s3-bucket-public-access-block",
    type: "AWS::S3::Bucket",
    check(d) {
      const c = d.publicAccessBlockConfiguration;
      if (c === undefined)
        return "bucket-level Block Public Access is not configured (publicAccessBlockConfiguration is missing)";
      if (!isObj(c)) return undefined;
      for (const k of PAB_KEYS) {
        if (c[k] === undefined) return "publicAccessBlockConfiguration: must set all four Block Public Access settings";
      }
      for (const k of PAB_KEYS) {
        if (c[k] !== true) return `publicAccessBlockConfiguration.${k}: ${PAB_WHY[k]} (is ${show(c[k])})`;
      }
      return undefined;
    },
  },
  {
    id: "s3-bucket-versioning",
    type: "AWS::S3::Bucket",
    check(d) {
      const v = d.versioningConfiguration;
      if (v === undefined) return "versioning is not recorded (versioningConfiguration is missing)";
      if (!isObj(v)) return undefined;
      if (v.status === undefined) return "versioningConfiguration: has no status";
      if (v.status !== "Enabled")
        return `versioningConfiguration.status: versioning must be Enabled, or deleted and overwritten objects cannot be recovered (is ${show(v.status)})`;
      return undefined;
    },
  },
  {
    id: "lambda-function-xray-tracing",
    type: "AWS::Lambda::Function",
    check(d) {
      const t = d.tracingConfig;
      if (t === undefined) return "X-Ray tracing is not configured (tracingConfig is missing)";
      if (!isObj(t)) return undefined;
      if (t.mode === undefined) return "tracingConfig: has no mode";
      if (t.mode !== "Active") return `tracingConfig.mode: X-Ray active tracing is off (is ${show(t.mode)})`;
      return undefined;
    },
  },
  {
    id: "lambda-function-supported-runtime",
    type: "AWS::Lambda::Function",
    applies: (d) => d.packageType !== "Image",
    check(d) {
      const rt = d.runtime;
      if (rt === undefined) return "the .zip function has no runtime recorded";
      if (typeof rt !== "string" || !SUPPORTED.has(rt))
        return `runtime: is deprecated or not on the supported runtime list (is ${show(rt)})`;
      return undefined;
    },
  },
  {
    id: "dynamodb-table-pitr",
    type: "AWS::DynamoDB::Table",
    check(d) {
      const c = d.continuousBackupsDescription;
      if (c === undefined)
        return "point-in-time recovery status is not recorded (continuousBackupsDescription is missing)";
      if (!isObj(c)) return undefined;
      const p = c.pointInTimeRecoveryDescription;
      if (p === undefined) return "continuousBackupsDescription: has no pointInTimeRecoveryDescription";
      if (!isObj(p)) return undefined;
      const s = p.pointInTimeRecoveryStatus;
      if (s === undefined)
        return "continuousBackupsDescription.pointInTimeRecoveryDescription: has no pointInTimeRecoveryStatus";
      if (s !== "ENABLED")
        return `continuousBackupsDescription.pointInTimeRecoveryDescription.pointInTimeRecoveryStatus: point-in-time recovery is off (is ${show(s)})`;
      return undefined;
    },
  },
];

const EXEMPT_TAG = "guardrail:exempt";
const EMPTY: HandResult[] = [];

/** The hand-written checker: rules indexed by type, exemption tags honoured, one result per (policy, resource). */
export class HandWritten {
  private readonly byType = new Map<string, HandRule[]>();

  constructor(
    rules: readonly HandRule[] = HAND_RULES,
    private readonly nowMs = Date.now(),
  ) {
    for (const r of rules) {
      const list = this.byType.get(r.type) ?? [];
      list.push(r);
      this.byType.set(r.type, list);
    }
  }

  evaluate(resource: Resource): HandResult[] {
    const rules = this.byType.get(resource.type);
    if (!rules) return EMPTY;
    const doc = resource.document;
    const out = new Array<HandResult>(rules.length);
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i] as HandRule;
      if (resource.deleted || (rule.applies && !rule.applies(doc))) {
        out[i] = { policyId: rule.id, compliance: "NOT_APPLICABLE", resource };
        continue;
      }
      const failure = rule.check(doc);
      out[i] =
        failure === undefined
          ? { policyId: rule.id, compliance: "COMPLIANT", resource }
          : this.violation(rule.id, resource, failure);
    }
    return out;
  }

  /** Tag exemptions, as Guardrail reads them: `id` or `id@YYYY-MM-DD` (inclusive), separated by spaces or `+`. */
  private violation(policyId: string, resource: Resource, annotation: string): HandResult {
    const tag = resource.tags[EXEMPT_TAG];
    let expired: string | undefined;
    let found = false;
    if (tag) {
      for (const token of tag.split(/[\s+]+/)) {
        const [id, expires] = token.split("@");
        if (id !== policyId) continue;
        const end = expires ? Date.parse(`${expires}T23:59:59.999Z`) : Infinity;
        if (this.nowMs <= end) {
          return { policyId, compliance: "EXEMPT", annotation: truncate(`exempt (tag): ${annotation}`), resource };
        }
        found = true;
        expired = expires || undefined;
      }
    }
    const note = found ? ` [exemption expired ${expired ?? ""}]` : "";
    return { policyId, compliance: "NON_COMPLIANT", annotation: truncate(annotation + note), resource };
  }
}
