import type { Resource } from "../resources/adapter";
import type { CompiledPolicy } from "../policy/load";
import { isCloudTrailPolicy, resourceTypesOf, type Severity } from "../policy/types";
import type { JsonObject } from "../util/json";
import { annotate, truncateAnnotation } from "./annotate";
import { Exemptions, exemptAnnotation, exemptionNote, type ExemptionMatch } from "./exemptions";
import {
  dependsOn,
  finiteDomain,
  markersIn,
  replaceAt,
  representative,
  type MarkerAt,
} from "../cloudformation/depends";
import { ABSENT, ConditionalValue, UnknownValue, describeShape } from "../cloudformation/unknown";
import { pointer as toPointer, type JsonSchema } from "../util/json";

/** A verdict on a resource whose every property is known (Config items, live describes, CloudTrail records). */
export type Compliance = "COMPLIANT" | "NON_COMPLIANT" | "NOT_APPLICABLE" | "EXEMPT";

/**
 * A verdict on a resource from a template: also UNKNOWN, when the policy's verdict depends on a value that is
 * known only at deploy. Only template evaluations (`Engine.evaluateTemplate`) produce it; AWS Config has no such
 * result and the Config rule never sees one (its evaluations are `Evaluation<Compliance>`).
 */
export type Verdict = Compliance | "UNKNOWN";

/** Which unknown value an UNKNOWN verdict depends on. */
export interface UnknownProperty {
  /** JSON pointer in the resource document (the property the policy reads). */
  pointer: string;
  /** Why it cannot be known before deploy. */
  reason: string;
  /** JSON pointer of the intrinsic in the template. */
  templatePointer: string;
}

/** One (policy, subject) verdict; the unit every output format and every AWS adapter works with. */
export interface Evaluation<C extends Verdict = Compliance> {
  policyId: string;
  severity: Severity;
  compliance: C;
  /** For NON_COMPLIANT and EXEMPT: what fails, in words, at most 256 characters (Config's limit). */
  annotation?: string;
  resourceType: string;
  resourceId: string;
  resourceName?: string;
  arn?: string;
  accountId: string;
  region: string;
  exemption?: ExemptionMatch;
  /** Where the subject was read from, when it came from a file (set by the scan, not by the engine). */
  source?: EvaluationSource;
  /** UNKNOWN: the property the verdict depends on. */
  unknown?: UnknownProperty;
  /**
   * Template evaluations: JSON pointer in the resource document of the property the verdict is about (the failing
   * one for NON_COMPLIANT), for locating it in the template.
   */
  documentPointer?: string;
}

export interface EvaluationSource {
  file: string;
  /** JSON pointer of the item in the file. */
  pointer?: string;
  /** 1-based line and column, when the source format has them (templates). */
  line?: number;
  column?: number;
}

/**
 * Every evaluation is built by this one literal, with every field present (absent ones `undefined`): one object
 * shape for the whole run keeps the hot path monomorphic, which measured about 6x faster than spreading a base
 * object (`npm run bench`). JSON output drops the `undefined` fields.
 */
function result<C extends Verdict = Compliance>(
  p: CompiledPolicy,
  r: Resource,
  compliance: C,
  annotation?: string,
  exemption?: ExemptionMatch,
): Evaluation<C> {
  return {
    policyId: p.policy.id,
    severity: p.policy.severity,
    compliance,
    annotation,
    resourceType: r.type,
    resourceId: r.id,
    resourceName: r.name,
    arn: r.arn,
    accountId: r.accountId,
    region: r.region,
    exemption,
    source: undefined,
    unknown: undefined,
    documentPointer: undefined,
  };
}

/**
 * The evaluation engine: policies indexed by the resource type they judge, each a pair of compiled validators.
 * Pure: no I/O, no clock but the one given to the exemptions.
 */
export class Engine {
  private readonly byType = new Map<string, CompiledPolicy[]>();
  readonly cloudTrailPolicies: CompiledPolicy[] = [];

  constructor(
    readonly policies: readonly CompiledPolicy[],
    readonly exemptions: Exemptions = new Exemptions(),
  ) {
    for (const p of policies) {
      if (isCloudTrailPolicy(p.policy)) this.cloudTrailPolicies.push(p);
      for (const type of resourceTypesOf(p.policy)) {
        const list = this.byType.get(type) ?? [];
        list.push(p);
        this.byType.set(type, list);
      }
    }
  }

  /** Policies that judge this resource type (empty when the pack does not cover it). */
  policiesFor(type: string): readonly CompiledPolicy[] {
    return this.byType.get(type) ?? [];
  }

  coversType(type: string): boolean {
    return this.byType.has(type);
  }

  /** Every policy of the resource's type, judged on its document. */
  evaluate(resource: Resource): Evaluation[] {
    const policies = this.byType.get(resource.type);
    if (!policies) return [];
    // Only template documents carry markers; they must go through evaluateTemplate, never be judged as if known.
    if (TEMPLATE_DOCUMENTS.has(resource.document)) {
      throw new Error(`${resource.id}: a template document must be judged by evaluateTemplate`);
    }
    const out = new Array<Evaluation>(policies.length);
    for (let i = 0; i < policies.length; i++) out[i] = this.evaluatePolicy(policies[i] as CompiledPolicy, resource);
    return out;
  }

  evaluatePolicy(p: CompiledPolicy, resource: Resource): Evaluation {
    const doc = resource.document;
    if (resource.deleted || (p.applies && !p.applies(doc))) return result(p, resource, "NOT_APPLICABLE");
    if (p.compliant(doc)) return result(p, resource, "COMPLIANT");
    return this.violation(p, resource, annotate(p.compliant.errors));
  }

  /**
   * CloudTrail-subject policies judge the record itself: `applies` picks the calls, `compliant` says which are
   * allowed. Failed calls (errorCode set) changed nothing and are NOT_APPLICABLE.
   */
  evaluateRecord(record: JsonObject): Evaluation[] {
    return this.judgeRecord(record, true);
  }

  /**
   * The same verdicts less the NOT_APPLICABLE and COMPLIANT ones: what a report over millions of records keeps
   * (the audit), without an object per policy and record for the rest.
   */
  recordFindings(record: JsonObject): Evaluation[] {
    return this.judgeRecord(record, false);
  }

  private judgeRecord(record: JsonObject, all: boolean): Evaluation[] {
    const out: Evaluation[] = [];
    if (this.cloudTrailPolicies.length === 0) return out;
    let resource: Resource | undefined;
    const eventName = String(record.eventName); // read before the validators' type guards narrow `record`
    for (const p of this.cloudTrailPolicies) {
      if (record.errorCode !== undefined || (p.applies && !p.applies(record))) {
        if (all) out.push(result(p, (resource ??= recordAsResource(record)), "NOT_APPLICABLE"));
      } else if (p.compliant(record)) {
        if (all) out.push(result(p, (resource ??= recordAsResource(record)), "COMPLIANT"));
      } else {
        resource ??= recordAsResource(record);
        const who = resource.name ?? "an unknown principal";
        out.push(this.violation(p, resource, `${eventName} by ${who}: ${annotate(p.compliant.errors)}`));
      }
    }
    return out;
  }

  /**
   * Every policy of the resource's type, judged on a document from a template, which may hold values known only at
   * deploy (lib/cloudformation/unknown.ts). Undecided `Fn::If`s are expanded (both branches of each condition,
   * consistently across the document); in each expansion, finite unknowns (AllowedValues, AWS::Partition, booleans)
   * are tried with every value and open unknowns must be proved irrelevant to the policy's schemas
   * (lib/cloudformation/depends.ts). The verdict stands only if every expansion and every value gives the same one;
   * otherwise it is UNKNOWN, naming the property it depends on. Never a guess.
   */
  evaluateTemplate(resource: Resource): Evaluation<Verdict>[] {
    const policies = this.byType.get(resource.type);
    if (!policies) return [];
    const variants = expandConditionals(resource.document);
    return policies.map((p) => this.judgeVariants(p, resource, variants));
  }

  private judgeVariants(
    p: CompiledPolicy,
    resource: Resource,
    variants: Variant[] | ConditionalValue,
  ): Evaluation<Verdict> {
    if (resource.deleted) return result(p, resource, "NOT_APPLICABLE");
    if (variants instanceof ConditionalValue) {
      return this.unknownResult(p, resource, {
        pointer: "",
        reason: `too many undecided conditions (${variants.condition}, ...) to try every combination`,
        templatePointer: variants.templatePointer,
      });
    }
    let first: Evaluation<Verdict> | undefined;
    for (const v of variants) {
      const e = this.judgeKnownOrUnknown(p, resource, v.document);
      if (e.compliance === "UNKNOWN") return e;
      if (!first) first = e;
      else if (first.compliance !== e.compliance) {
        const c = v.decided[0];
        return this.unknownResult(p, resource, {
          pointer: c ? toPointer(c.path) : "",
          reason: `condition ${c?.marker.condition ?? "?"}, which is decided at deploy`,
          templatePointer: c?.marker.templatePointer ?? "",
        });
      }
    }
    return first as Evaluation<Verdict>;
  }

  /** One document with no conditionals left: exhaust finite unknowns, prove open ones irrelevant. */
  private judgeKnownOrUnknown(
    p: CompiledPolicy,
    resource: Resource,
    doc: Record<string, unknown>,
  ): Evaluation<Verdict> {
    const markers = markersIn(doc) as (MarkerAt & { marker: UnknownValue })[];
    const finite: { at: MarkerAt & { marker: UnknownValue }; values: readonly unknown[] }[] = [];
    let base: unknown = doc;
    for (const m of markers) {
      const values = finiteDomain(m.marker);
      if (values && values.length > 0) {
        finite.push({ at: m, values });
        continue;
      }
      const schemas = [p.policy.applies, p.policy.compliant].filter((s): s is JsonSchema => s !== undefined);
      if (schemas.some((s) => dependsOn(s, m.path, m.marker, doc)))
        return this.unknownResult(p, resource, unknownAt(m));
      base = replaceAt(base, m.path, representative(m.marker));
    }
    let combos = 1;
    for (const f of finite) combos *= f.values.length;
    if (combos > 256) return this.unknownResult(p, resource, unknownAt((finite[0] as (typeof finite)[0]).at));
    let verdict: Evaluation | undefined;
    for (let i = 0; i < combos; i++) {
      let d = base;
      let rest = i;
      for (const f of finite) {
        d = replaceAt(d, f.at.path, f.values[rest % f.values.length]);
        rest = Math.floor(rest / f.values.length);
      }
      const e = this.judgeKnown(p, resource, d as Record<string, unknown>);
      if (!verdict) verdict = e;
      else if (verdict.compliance !== e.compliance) {
        const which = finite.find((f) => f.values.length > 1) ?? (finite[0] as (typeof finite)[0]);
        return this.unknownResult(p, resource, unknownAt(which.at));
      }
    }
    return verdict as Evaluation;
  }

  private judgeKnown(p: CompiledPolicy, resource: Resource, doc: Record<string, unknown>): Evaluation {
    if (p.applies && !p.applies(doc)) return result(p, resource, "NOT_APPLICABLE");
    if (p.compliant(doc)) return result(p, resource, "COMPLIANT");
    const e = this.violation(p, resource, annotate(p.compliant.errors));
    const first = p.compliant.errors?.[0];
    if (first) {
      const missing = first.keyword === "required" ? `/${String(first.params.missingProperty)}` : "";
      e.documentPointer = first.instancePath + missing;
    }
    return e;
  }

  private unknownResult(p: CompiledPolicy, resource: Resource, unknown: UnknownProperty): Evaluation<Verdict> {
    const what = unknown.pointer === "" ? "the verdict" : propertyWords(unknown.pointer);
    const e = result<Verdict>(
      p,
      resource,
      "UNKNOWN",
      truncateAnnotation(`unknown before deploy: ${what} depends on ${unknown.reason}`),
    );
    e.unknown = unknown;
    e.documentPointer = unknown.pointer;
    return e;
  }

  private violation(p: CompiledPolicy, resource: Resource, annotation: string): Evaluation {
    const exemption = this.exemptions.match(p.policy.id, resource);
    if (exemption?.active) return result(p, resource, "EXEMPT", exemptAnnotation(exemption, annotation), exemption);
    return result(p, resource, "NON_COMPLIANT", truncateAnnotation(annotation + exemptionNote(exemption)), exemption);
  }
}

/** Documents built from templates (they may hold markers); registered by `markTemplateDocument`. */
const TEMPLATE_DOCUMENTS = new WeakSet<object>();

/** Marks a document as coming from a template, so `evaluate` refuses it (it must be `evaluateTemplate`d). */
export function markTemplateDocument(doc: Record<string, unknown>): void {
  TEMPLATE_DOCUMENTS.add(doc);
}

function unknownAt(m: MarkerAt & { marker: UnknownValue }): UnknownProperty {
  const known = m.marker.shape?.some((p) => typeof p === "string" || "oneOf" in p);
  const shape = known ? ` (${describeShape(m.marker.shape)})` : "";
  return { pointer: toPointer(m.path), reason: m.marker.reason + shape, templatePointer: m.marker.templatePointer };
}

function propertyWords(pointer: string): string {
  return pointer
    .slice(1)
    .split("/")
    .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((t, i) => (/^\d+$/.test(t) ? `[${t}]` : i === 0 ? t : `.${t}`))
    .join("");
}

interface Variant {
  document: Record<string, unknown>;
  /** The conditionals this variant decided, with where they were. */
  decided: (MarkerAt & { marker: ConditionalValue })[];
}

const MAX_VARIANTS = 64;

/**
 * Every document the undecided conditions can give: one per assignment of true/false to the conditions named, the
 * same condition taking the same branch everywhere. Returns the first conditional when there are too many.
 */
function expandConditionals(doc: Record<string, unknown>): Variant[] | ConditionalValue {
  let variants: Variant[] = [{ document: doc, decided: [] }];
  for (let round = 0; round < 16; round++) {
    const next: Variant[] = [];
    let expanded = false;
    for (const v of variants) {
      const c = markersIn(v.document).find(
        (m): m is MarkerAt & { marker: ConditionalValue } => m.marker instanceof ConditionalValue,
      );
      if (!c) {
        next.push(v);
        continue;
      }
      expanded = true;
      for (const branch of [true, false]) {
        let d: unknown = v.document;
        // The same condition, wherever it appears, takes the same branch.
        for (const m of markersIn(v.document)) {
          if (!(m.marker instanceof ConditionalValue) || m.marker.condition !== c.marker.condition) continue;
          const chosen = branch ? m.marker.whenTrue : m.marker.whenFalse;
          d = chosen === ABSENT ? replaceAt(d, m.path, undefined, true) : replaceAt(d, m.path, chosen);
        }
        next.push({ document: d as Record<string, unknown>, decided: [...v.decided, c] });
      }
    }
    if (next.length > MAX_VARIANTS)
      return (markersIn(doc).find((m) => m.marker instanceof ConditionalValue) as MarkerAt).marker as ConditionalValue;
    variants = next;
    if (!expanded) return variants;
  }
  return (markersIn(doc).find((m) => m.marker instanceof ConditionalValue) as MarkerAt).marker as ConditionalValue;
}

/** A CloudTrail record seen as the "resource" of a CloudTrail-subject evaluation: the call, identified by eventID. */
export function recordAsResource(record: JsonObject): Resource {
  const identity = (record.userIdentity ?? {}) as JsonObject;
  const issuer = ((identity.sessionContext as JsonObject | undefined)?.sessionIssuer ?? {}) as JsonObject;
  // The first that is text: a record is input, and a name of another type would travel into requests and logs.
  const principal = [identity.arn, issuer.arn, identity.principalId, identity.invokedBy].find(
    (v): v is string => typeof v === "string",
  );
  return {
    type: "AWS::CloudTrail::Event",
    id: String(record.eventID ?? ""),
    ...(principal ? { name: principal } : {}),
    accountId: String(record.recipientAccountId ?? identity.accountId ?? ""),
    region: String(record.awsRegion ?? ""),
    tags: {},
    deleted: false,
    document: record,
  };
}

/** An evaluation of any source: what scans and reports handle. */
export type AnyEvaluation = Evaluation<Verdict>;
