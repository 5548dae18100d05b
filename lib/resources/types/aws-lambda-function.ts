import type { ResourceAdapter } from "../adapter";
import { deployTimeValue, templateTags } from "../../cloudformation/document";
import { PARTITIONS, UnknownValue } from "../../cloudformation/unknown";
import { toNumber, toPolicyDocument } from "../coerce";
import { policyDocumentSchema, tagsSchema } from "../schema-parts";
import { isObject, type JsonObject, type JsonSchema } from "../../util/json";
import type {
  FunctionConfiguration,
  GetFunctionConcurrencyResponse,
  GetPolicyResponse,
  ListTagsResponse,
} from "@aws-sdk/client-lambda";
import type { Described } from "../adapter";
import { camelKeys, describedItem, plainObject } from "../described";
import { tagMap } from "../config-item";
import {
  baseEventName,
  eventSourceOf,
  namedResource,
  partitionOf,
  refFromRecord,
  requestValue,
} from "../../cloudtrail/record";

/**
 * Lambda function. Config's `configuration` is GetFunctionConfiguration in camelCase; numbers may be floats
 * (`"timeout": 60.0`) and `supplementaryConfiguration.Policy` is the resource-based policy as a JSON string
 * (absent when the function has none). Shape source: a recorded SelectResourceConfig response (Cloud Custodian
 * test data test_aws_lambda_config_source) and the Config resource schema
 * (AWS::Lambda::Function.properties.json), which also shows Java-bean spellings: `kmskeyArn`, `state.value`.
 * Both those and the API spellings (`kmsKeyArn`, `state: "Active"`) are accepted (the bean forms INFERRED from the
 * query schema only). resourceId = function name is INFERRED. `packageType` is absent on items
 * recorded before container images existed: absent means Zip.
 * Environment variables are deliberately not copied into the document (they may hold secrets and would surface
 * in annotations and reports).
 */

const stringFields = [
  "functionName", "functionArn", "runtime", "role", "handler", "description", "lastModified", "codeSha256",
  "version", "revisionId", "masterArn", "stateReasonCode", "lastUpdateStatus", "lastUpdateStatusReason",
  "lastUpdateStatusReasonCode", "packageType", "signingProfileVersionArn", "signingJobArn",
] as const; // prettier-ignore
const numberFields = ["codeSize", "timeout", "memorySize"] as const;
const objectFields = [
  "vpcConfig", "deadLetterConfig", "tracingConfig", "imageConfigResponse", "ephemeralStorage", "snapStart",
  "runtimeVersionConfig", "loggingConfig",
] as const; // prettier-ignore
const arrayFields = ["layers", "fileSystemConfigs", "architectures"] as const;

/** `{"value": "Active"}` (Java SDK enum wrapper, INFERRED from the Config query schema) or `"Active"`. */
function enumString(v: unknown): string | undefined {
  if (typeof v === "string" && v !== "") return v;
  if (isObject(v) && typeof v.value === "string") return v.value;
  return undefined;
}

/** Drops null members: Config writes unset fields as null, documents leave them out. */
function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((x) => x !== null).map(withoutNulls);
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[k] = withoutNulls(x);
    return out;
  }
  return v;
}

/** The resource policy as a JSON string, an object, or (API naming, INFERRED) a JSON string encoded once more. */
function resourcePolicy(v: unknown): ReturnType<typeof toPolicyDocument> {
  let value = v;
  for (let i = 0; i < 2 && typeof value === "string" && value.trim().startsWith('"'); i++) {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      break;
    }
  }
  return toPolicyDocument(value);
}

const anyObject = { type: "object" };

/** A function's name, as Config's resourceId (Lambda API Reference, CreateFunction: FunctionName, name only). */
const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export const adapter: ResourceAdapter = {
  type: "AWS::Lambda::Function",
  service: "lambda",
  nameField: "functionName",
  arn: (ref, doc) =>
    typeof doc.functionArn === "string" && doc.functionArn !== ""
      ? doc.functionArn
      : FUNCTION_NAME.test(ref.id)
        ? `arn:${partitionOf(ref.region)}:lambda:${ref.region}:${ref.accountId}:function:${ref.id}`
        : undefined,
  cloudFormation: { arnAttributes: ["Arn"], attachments: ["AWS::Lambda::Permission"] },
  documentSchema: {
    type: "object",
    properties: {
      ...Object.fromEntries(stringFields.map((k) => [k, { type: "string" }])),
      ...Object.fromEntries(numberFields.map((k) => [k, { type: "number" }])),
      runtime: { type: "string", description: "Managed runtime identifier, e.g. nodejs22.x; absent for images." },
      packageType: { enum: ["Zip", "Image"], description: "Absent on items recorded before images existed (Zip)." },
      kmsKeyArn: { type: "string" },
      state: { type: "string" },
      stateReason: { type: "string" },
      vpcConfig: {
        type: "object",
        properties: {
          subnetIds: { type: "array", items: { type: "string" } },
          securityGroupIds: { type: "array", items: { type: "string" } },
          vpcId: { type: "string" },
          ipv6AllowedForDualStack: { type: "boolean" },
        },
      },
      deadLetterConfig: { type: "object", properties: { targetArn: { type: "string" } } },
      tracingConfig: { type: "object", properties: { mode: { enum: ["Active", "PassThrough"] } } },
      imageConfigResponse: anyObject,
      ephemeralStorage: { type: "object", properties: { size: { type: "number" } } },
      snapStart: anyObject,
      runtimeVersionConfig: anyObject,
      loggingConfig: anyObject,
      layers: { type: "array", items: { type: "object", properties: { arn: { type: "string" } } } },
      fileSystemConfigs: { type: "array", items: anyObject },
      architectures: { type: "array", items: { enum: ["x86_64", "arm64"] } },
      concurrency: { type: "object", properties: { reservedConcurrentExecutions: { type: "number" } } },
      policy: {
        ...(policyDocumentSchema as object),
        description: "The resource-based policy; absent when the function has none.",
      },
      tags: tagsSchema,
    },
    required: ["functionName", "tags"],
  },
  fromConfigItem(item) {
    const cfg = item.configuration ?? {};
    const doc: JsonObject = {};
    for (const k of stringFields) if (typeof cfg[k] === "string") doc[k] = cfg[k];
    for (const k of numberFields) {
      const n = toNumber(cfg[k]);
      if (n !== undefined) doc[k] = n;
    }
    for (const k of objectFields) if (isObject(cfg[k])) doc[k] = withoutNulls(cfg[k]);
    for (const k of arrayFields) if (Array.isArray(cfg[k])) doc[k] = withoutNulls(cfg[k]);
    const kmsKeyArn = cfg.kmsKeyArn ?? cfg.kmskeyArn;
    if (typeof kmsKeyArn === "string" && kmsKeyArn !== "") doc.kmsKeyArn = kmsKeyArn;
    const state = enumString(cfg.state);
    const stateReason = enumString(cfg.stateReason);
    if (state) doc.state = state;
    if (stateReason) doc.stateReason = stateReason;
    if (doc.functionName === undefined) doc.functionName = item.resourceName ?? item.resourceId;

    const supp = item.supplementaryConfiguration;
    const reserved = isObject(supp.Concurrency) ? toNumber(supp.Concurrency.reservedConcurrentExecutions) : undefined;
    if (reserved !== undefined) doc.concurrency = { reservedConcurrentExecutions: reserved };
    const policy = resourcePolicy(supp.Policy);
    if (policy !== undefined) doc.policy = policy;
    doc.tags = item.tags;
    return doc;
  },
  /**
   * Reads GetFunctionConfiguration (PascalCase, turned into Config's camelCase; `Environment` is dropped first:
   * its keys are variable names, and the document never carries them), GetPolicy (absent: no resource-based
   * policy), GetFunctionConcurrency and ListTags.
   */
  fromDescribe(
    described: Described & {
      GetFunctionConfiguration: FunctionConfiguration;
      GetPolicy?: GetPolicyResponse;
      GetFunctionConcurrency?: GetFunctionConcurrencyResponse;
      ListTags?: ListTagsResponse;
    },
  ) {
    const { Environment: _environment, ...rest } = plainObject(described.GetFunctionConfiguration);
    const configuration = camelKeys(rest) as JsonObject;
    const supplementary: JsonObject = {};
    const policy = plainObject(described.GetPolicy).Policy;
    if (typeof policy === "string" && policy !== "") supplementary.Policy = policy;
    const reserved = plainObject(described.GetFunctionConcurrency).ReservedConcurrentExecutions;
    if (typeof reserved === "number") supplementary.Concurrency = { reservedConcurrentExecutions: reserved };
    return adapter.fromConfigItem(
      describedItem(described.ref, {
        configuration,
        supplementaryConfiguration: supplementary,
        tags: tagMap(plainObject(described.ListTags).Tags),
        resourceName: typeof configuration.functionName === "string" ? configuration.functionName : undefined,
        arn: typeof configuration.functionArn === "string" ? configuration.functionArn : undefined,
      }),
    );
  },
  /**
   * Lambda's event names carry an API version (`UpdateFunctionConfiguration20150331v2`, `AddPermission20150331v2`,
   * `CreateFunction20150331`); the function is `requestParameters.functionName` (a name, a partial or a full ARN,
   * maybe qualified: the reference is the unqualified function, as Config records it), or the ARN in
   * `requestParameters.resource` for tagging.
   */
  fromCloudTrail(record) {
    if (eventSourceOf(record) !== "lambda.amazonaws.com") return [];
    const event = baseEventName(record);
    const value = FUNCTION_EVENTS.has(event)
      ? requestValue(record, "functionName")
      : event === "TagResource" || event === "UntagResource"
        ? requestValue(record, "resource")
        : undefined;
    if (!value) return [];
    const named = namedResource(record, value, "function:");
    const { region, accountId } = named;
    const name = named.name.split(":")[0] ?? named.name; // `orders:prod` → `orders`
    const arn = `arn:${partitionOf(region)}:lambda:${region}:${accountId}:function:${name}`;
    return [refFromRecord(record, adapter.type, name, arn, { region, accountId })];
  },
  /**
   * AWS::Lambda::Function Properties (CloudFormation reference, "AWS::Lambda::Function": FunctionName, Runtime,
   * Handler, Role, MemorySize, Timeout, PackageType, Architectures, TracingConfig {Mode}, KmsKeyArn, VpcConfig,
   * DeadLetterConfig {TargetArn}, EphemeralStorage {Size}, LoggingConfig, Layers (ARNs),
   * ReservedConcurrentExecutions, Tags) in the document's camelCase; the resource-based policy is built from the
   * AWS::Lambda::Permission resources whose FunctionName names the function, one statement each, as Lambda's
   * AddPermission writes them (Principal `*`, an account (as its root ARN) or a service; SourceArn, SourceAccount
   * and FunctionUrlAuthType as conditions).
   */
  fromCloudFormation(src) {
    const { resource: r } = src;
    const p = r.properties;
    const base = `${r.pointer}/Properties`;
    const schema = adapter.documentSchema as { properties: Record<string, JsonSchema> };
    const { layers: _layers, policy: policySchema, tags: _tags, concurrency: _c, ...settable } = schema.properties;
    const doc = src.shape({ type: "object", properties: settable }, p, "", base) as JsonObject;
    doc.functionName ??= deployTimeValue(src, "the generated function name");
    if (Array.isArray(p.Layers)) {
      doc.layers = p.Layers.map((arn, i) => {
        src.origin(`/layers/${i}`, `${base}/Layers/${i}`);
        return { arn };
      });
    }
    if (p.ReservedConcurrentExecutions !== undefined) {
      doc.concurrency = src.shape(
        { type: "object", properties: { reservedConcurrentExecutions: { type: "number" } } },
        { reservedConcurrentExecutions: p.ReservedConcurrentExecutions },
        "/concurrency",
        `${base}/ReservedConcurrentExecutions`,
      );
    }
    const permissions = src.referencing("AWS::Lambda::Permission", "FunctionName");
    if (permissions.length > 0) {
      const statements = permissions.map((perm) => permissionStatement(perm.logicalId, perm.properties));
      doc.policy = src.shape(
        policySchema ?? {},
        { Version: "2012-10-17", Id: "default", Statement: statements },
        "/policy",
        (permissions[0] as { pointer: string }).pointer,
      );
    }
    doc.tags = templateTags(p.Tags);
    return doc;
  },
};

const FUNCTION_EVENTS = new Set([
  "CreateFunction", "UpdateFunctionConfiguration", "UpdateFunctionCode", "AddPermission", "RemovePermission",
  "PutFunctionConcurrency", "DeleteFunctionConcurrency", "DeleteFunction",
]); // prettier-ignore

/**
 * The statement Lambda's AddPermission adds for one AWS::Lambda::Permission (what GetPolicy, and so Config, then
 * shows): a bare account id becomes its root ARN, a service name a Service principal, `*` stays `*`.
 */
function permissionStatement(logicalId: string, p: JsonObject): JsonObject {
  const principal = p.Principal;
  let shaped: unknown = principal;
  if (typeof principal === "string") {
    if (principal === "*") shaped = "*";
    else if (/^\d{12}$/.test(principal)) {
      shaped = {
        AWS: new UnknownValue("the account's root ARN (partition known at deploy)", "", [
          "arn:",
          { oneOf: PARTITIONS },
          `:iam::${principal}:root`,
        ]),
      };
    } else if (/\.amazonaws\.com(\.cn)?$/.test(principal)) shaped = { Service: principal };
    else shaped = { AWS: principal };
  }
  const condition: JsonObject = {};
  const equals: JsonObject = {};
  if (p.SourceArn !== undefined) condition.ArnLike = { "AWS:SourceArn": p.SourceArn };
  if (p.SourceAccount !== undefined) equals["AWS:SourceAccount"] = p.SourceAccount;
  if (p.PrincipalOrgID !== undefined) equals["aws:PrincipalOrgID"] = p.PrincipalOrgID;
  if (p.FunctionUrlAuthType !== undefined) equals["lambda:FunctionUrlAuthType"] = p.FunctionUrlAuthType;
  if (Object.keys(equals).length > 0) condition.StringEquals = equals;
  return {
    Sid: logicalId,
    Effect: "Allow",
    Principal: shaped,
    Action: [p.Action],
    Resource: [new UnknownValue("the function ARN, known at deploy", "", [{ any: true, nonEmpty: true }])],
    ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
  };
}
