import { Engine, type EngineResult, type RuleProperties, type TopLevelCondition } from "json-rules-engine";
import type { Resource } from "../lib/resources/adapter";
import { SUPPORTED_RUNTIMES } from "./policy-data";

/**
 * The ten benchmark policies as json-rules-engine (v7) rules, default engine configuration, no custom operators.
 *
 * Facts: `engine.run({ resourceType, doc })`. The document goes in whole as the fact `doc` and every condition
 * reads it with a JSONPath `path`. (Passing the document's top-level properties as separate facts does not work
 * under the default configuration: an absent property, which is exactly what many violations look like, is then
 * an undefined fact and `run` rejects, `allowUndefinedFacts` being off.) The document does not name its type, so
 * the type is a second fact.
 *
 * One rule per policy: `all: [type, applies?, not(compliant)]`, so a rule that fires is a violation. The type
 * condition has the highest priority and the applicability condition the next, so json-rules-engine evaluates
 * them first and skips the rest when they fail (its documented short-circuit); the per-condition results in the
 * rule result tell "not this type", "not applicable" and "compliant" apart.
 *
 * Checks that are not a plain comparison, expressed with JSONPath filters and default operators only:
 *  - cache encryption ("every method setting with caching on has cacheDataEncrypted true"): a filter selects the
 *    offending settings' `cachingEnabled` (always `true`), which yields `undefined` or `[true, ...]`; compliant is
 *    `not contains true` (`contains` answers false for `undefined`);
 *  - TLS-only ("some statement is a Deny on aws:SecureTransport false"): a filter selects such statements' `Effect`;
 *    compliant is `contains "Deny"`;
 *  - KMS key set (`minLength: 1`): `$.KmsMasterKeyId.length` `greaterThanInclusive` 1.
 * Unlike the JSON Schema, these paths do not spell out the schema's vacuous cases (a non-object `methodSettings`
 * entry, a `Statement` that is not an array); the adapters never build such documents, and the verdicts are
 * checked pair by pair against Guardrail's before anything is timed.
 */

type Condition = Extract<TopLevelCondition, { all: unknown }>["all"][number];

const doc = (path: string, operator: string, value: unknown): Condition => ({ fact: "doc", path, operator, value });

interface RuleSpec {
  id: string;
  type: string;
  applies?: Condition;
  compliant: Condition;
  annotation: string;
}

const TLS_DENY =
  "@.Effect === 'Deny' && (@.Principal === '*' || (@.Principal && (@.Principal.AWS === '*' || " +
  "(@.Principal.AWS && @.Principal.AWS.indexOf && @.Principal.AWS.indexOf('*') >= 0)))) && " +
  // jsonpath-plus's safe evaluator has no regex or arrow functions: the spellings AWS documents ("sqs:*", "SQS:*")
  // and "*" stand for the policy's case-insensitive pattern (the fleet uses those spellings only).
  "@.Action && (@.Action.indexOf('sqs:*') >= 0 || @.Action.indexOf('SQS:*') >= 0 || @.Action.indexOf('*') >= 0) && " +
  "@.Condition && @.Condition.Bool && (" +
  "@.Condition.Bool['aws:SecureTransport'] === 'false' || @.Condition.Bool['aws:SecureTransport'] === false || " +
  "(@.Condition.Bool['aws:SecureTransport'] && @.Condition.Bool['aws:SecureTransport'].length === 1 && " +
  "@.Condition.Bool['aws:SecureTransport'][0] === 'false'))";

export const RULE_SPECS: readonly RuleSpec[] = [
  {
    id: "apigateway-stage-xray-tracing",
    type: "AWS::ApiGateway::Stage",
    compliant: doc("$.tracingEnabled", "equal", true),
    annotation: "X-Ray active tracing must be on",
  },
  {
    id: "apigateway-stage-execution-logging",
    type: "AWS::ApiGateway::Stage",
    compliant: doc("$.methodSettings['*/*'].loggingLevel", "in", ["ERROR", "INFO"]),
    annotation: "execution logging must be ERROR or INFO",
  },
  {
    id: "apigateway-stage-cache-encrypted",
    type: "AWS::ApiGateway::Stage",
    compliant: {
      not: doc(
        "$.methodSettings[?(@.cachingEnabled === true && @.cacheDataEncrypted !== true)].cachingEnabled",
        "contains",
        true,
      ),
    },
    annotation: "cacheDataEncrypted must be true when caching is on",
  },
  {
    id: "sqs-queue-encrypted",
    type: "AWS::SQS::Queue",
    compliant: {
      any: [doc("$.SqsManagedSseEnabled", "equal", true), doc("$.KmsMasterKeyId.length", "greaterThanInclusive", 1)],
    },
    annotation: "server-side encryption is off (neither SqsManagedSseEnabled nor KmsMasterKeyId is set)",
  },
  {
    id: "sqs-queue-tls-only",
    type: "AWS::SQS::Queue",
    compliant: doc(`$.Policy.Statement[?(${TLS_DENY})].Effect`, "contains", "Deny"),
    annotation: "no statement denies requests without TLS",
  },
  {
    id: "s3-bucket-public-access-block",
    type: "AWS::S3::Bucket",
    compliant: {
      all: ["blockPublicAcls", "ignorePublicAcls", "blockPublicPolicy", "restrictPublicBuckets"].map((k) =>
        doc(`$.publicAccessBlockConfiguration.${k}`, "equal", true),
      ),
    },
    annotation: "must set all four Block Public Access settings",
  },
  {
    id: "s3-bucket-versioning",
    type: "AWS::S3::Bucket",
    compliant: doc("$.versioningConfiguration.status", "equal", "Enabled"),
    annotation: "versioning must be Enabled",
  },
  {
    id: "lambda-function-xray-tracing",
    type: "AWS::Lambda::Function",
    compliant: doc("$.tracingConfig.mode", "equal", "Active"),
    annotation: "X-Ray active tracing is off",
  },
  {
    id: "lambda-function-supported-runtime",
    type: "AWS::Lambda::Function",
    applies: doc("$.packageType", "notEqual", "Image"),
    compliant: doc("$.runtime", "in", [...SUPPORTED_RUNTIMES]),
    annotation: "runtime is deprecated or not on the supported runtime list",
  },
  {
    id: "dynamodb-table-pitr",
    type: "AWS::DynamoDB::Table",
    compliant: doc(
      "$.continuousBackupsDescription.pointInTimeRecoveryDescription.pointInTimeRecoveryStatus",
      "equal",
      "ENABLED",
    ),
    annotation: "point-in-time recovery is off",
  },
];

function toRule(s: RuleSpec): RuleProperties {
  const all: Condition[] = [{ fact: "resourceType", operator: "equal", value: s.type, priority: 3 }];
  if (s.applies) all.push({ ...s.applies, priority: 2 });
  all.push({ not: s.compliant, priority: 1 });
  return {
    name: s.id,
    conditions: { all },
    event: { type: "violation", params: { policyId: s.id, annotation: s.annotation } },
  };
}

/** One json-rules-engine Engine holding the ten rules, default options. */
export function createRulesEngine(specs: readonly RuleSpec[] = RULE_SPECS): Engine {
  return new Engine(specs.map(toRule));
}

export function runRules(engine: Engine, r: Resource): Promise<EngineResult> {
  return engine.run({ resourceType: r.type, doc: r.document });
}

export type RuleVerdict = "FAIL" | "COMPLIANT" | "NOT_APPLICABLE";

/** Verdicts of the rules that judge this resource's type, by policy id. */
export function ruleVerdicts(result: EngineResult): Map<string, RuleVerdict> {
  const out = new Map<string, RuleVerdict>();
  for (const rr of result.results) out.set(rr.name, "FAIL");
  for (const rr of result.failureResults) {
    const all = (rr.conditions as { all: { result?: boolean }[] }).all;
    if (all[0]?.result !== true) continue; // another type's rule
    const spec = RULE_SPECS.find((s) => s.id === rr.name);
    out.set(rr.name, spec?.applies && all[1]?.result !== true ? "NOT_APPLICABLE" : "COMPLIANT");
  }
  return out;
}
