import { partitionOf } from "../../../cloudtrail/record";
import type { ConfigItem } from "../../../resources/config-item";
import { isObject, unescapePointerToken, type JsonObject } from "../../../util/json";
import { isoTime } from "../../../resources/described";
import {
  copy,
  cfg,
  date,
  fail,
  required,
  str,
  type Operation,
  type OperationContext,
  type ServiceEmulation,
} from "./types";

/**
 * API Gateway (REST, v1): the reads the API Gateway describes (lib/resources/types/aws-apigateway-*.describe.ts) and the worker make, and the updates the remediation
 * actions send, with the API's patch semantics (API Gateway API Reference, PatchOperation: JSON-pointer paths, "~1" for
 * "/", string values, booleans too). Unknown paths, bad values and unknown resources are refused with the API's errors
 * (BadRequestException, NotFoundException). Items: RestApi and Stage `configuration` is the API's shape in camelCase
 * (RECORDED for stages); DomainName items may use CloudFormation's PascalCase naming (the fleet's, INFERRED from the
 * managed rule) and are written back in the naming they came in.
 */

const SERVICE = "API Gateway";
const REST_API = "AWS::ApiGateway::RestApi";
const STAGE = "AWS::ApiGateway::Stage";
const DOMAIN = "AWS::ApiGateway::DomainName";
const METHOD = "AWS::ApiGateway::Method";

const SECURITY_POLICIES = new Set([
  "TLS_1_0",
  "TLS_1_2",
  "SecurityPolicy_TLS13_1_3_2025_09",
  "SecurityPolicy_TLS13_1_3_FIPS_2025_09",
  "SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09",
  "SecurityPolicy_TLS13_1_2_FIPS_PQ_2025_09",
  "SecurityPolicy_TLS13_1_2_FIPS_PFS_PQ_2025_09",
  "SecurityPolicy_TLS13_1_2_PQ_2025_09",
  "SecurityPolicy_TLS13_1_2_2021_06",
  "SecurityPolicy_TLS13_2025_EDGE",
  "SecurityPolicy_TLS12_PFS_2025_EDGE",
  "SecurityPolicy_TLS12_2018_EDGE",
]);
const ENDPOINT_TYPES = new Set(["EDGE", "REGIONAL", "PRIVATE"]);

const apiArn = (ctx: OperationContext, path: string) =>
  `arn:${partitionOf(ctx.region)}:apigateway:${ctx.region}::${path}`;

function notFound(message: string): never {
  fail(SERVICE, "NotFoundException", message, 404);
}

function badRequest(message: string): never {
  fail(SERVICE, "BadRequestException", message, 400);
}

// ---- lookups -------------------------------------------------------------------------------------------------

function restApiItem(ctx: OperationContext, restApiId: string): ConfigItem {
  const item = ctx.store.get(REST_API, ctx.accountId, ctx.region, restApiId);
  // The message AWS returns names the account and the id.
  return item ?? notFound(`Invalid API identifier specified ${ctx.accountId}:${restApiId}`);
}

function stageItem(ctx: OperationContext, restApiId: string, stageName: string): ConfigItem {
  restApiItem(ctx, restApiId);
  const id = apiArn(ctx, `/restapis/${restApiId}/stages/${stageName}`);
  return ctx.store.get(STAGE, ctx.accountId, ctx.region, id) ?? notFound("Invalid stage identifier specified");
}

function stagesOf(ctx: OperationContext, restApiId: string): ConfigItem[] {
  const prefix = apiArn(ctx, `/restapis/${restApiId}/stages/`);
  return ctx.store
    .list({ resourceType: STAGE, accountId: ctx.accountId, region: ctx.region })
    .filter((s) => s.resourceId.startsWith(prefix));
}

function domainItem(ctx: OperationContext, input: JsonObject): ConfigItem {
  const domainName = required(SERVICE, input, "domainName", "BadRequestException");
  const item = ctx.store.get(DOMAIN, ctx.accountId, ctx.region, domainName);
  const id = str(input.domainNameId);
  if (!item || (id !== undefined && id !== str(domainToApi(item).domainNameId))) {
    notFound("Invalid domain name identifier specified");
  }
  return item;
}

// ---- shapes --------------------------------------------------------------------------------------------------

function withDates(c: JsonObject, fields: string[]): JsonObject {
  const out: JsonObject = { ...c };
  for (const f of fields) {
    const d = date(out[f]);
    if (d) out[f] = d;
    else delete out[f];
  }
  return out;
}

function tagsOut(item: ConfigItem): JsonObject {
  return Object.keys(item.tags).length > 0 ? { tags: { ...item.tags } } : {};
}

function restApiOut(item: ConfigItem): JsonObject {
  const { tags: _t, ...c } = cfg(item);
  return { ...withDates(c, ["createdDate"]), ...tagsOut(item) };
}

function stageOut(item: ConfigItem): JsonObject {
  const { tags: _t, ...c } = cfg(item);
  return { ...withDates(c, ["createdDate", "lastUpdatedDate"]), ...tagsOut(item) };
}

/** Whether the item's configuration uses CloudFormation naming (DomainName, SecurityPolicy, ...). */
function pascalDomain(item: ConfigItem): boolean {
  return Object.keys(cfg(item)).some((k) => /^[A-Z]/.test(k));
}

function lowerKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(lowerKeys);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const k in v) out[k.charAt(0).toLowerCase() + k.slice(1)] = lowerKeys(v[k]);
  return out;
}

function upperKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(upperKeys);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const k in v) out[k.charAt(0).toUpperCase() + k.slice(1)] = upperKeys(v[k]);
  return out;
}

/** The domain's configuration in the API's naming (camelCase, no tags). */
function domainToApi(item: ConfigItem): JsonObject {
  const { Tags: _T, tags: _t, ...c } = cfg(item);
  return lowerKeys(c) as JsonObject;
}

/** The API-shaped domain back into the item's naming. */
function domainFromApi(item: ConfigItem, api: JsonObject): JsonObject {
  if (!pascalDomain(item)) return { ...api, ...(cfg(item).tags !== undefined ? { tags: cfg(item).tags } : {}) };
  const out = upperKeys(api) as JsonObject;
  if (cfg(item).Tags !== undefined) out.Tags = cfg(item).Tags;
  return out;
}

function domainOut(item: ConfigItem): JsonObject {
  return { ...withDates(domainToApi(item), ["certificateUploadDate"]), ...tagsOut(item) };
}

// ---- patch operations ----------------------------------------------------------------------------------------

interface Patch {
  op: string;
  path: string;
  value?: string;
  from?: string;
}

const OPS = new Set(["add", "remove", "replace", "move", "copy", "test"]);

function patchesOf(input: JsonObject): Patch[] {
  const raw = input.patchOperations;
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) badRequest("patchOperations must be a list");
  return raw.map((p: unknown) => {
    if (!isObject(p) || typeof p.op !== "string" || !OPS.has(p.op)) {
      // The SDK sends op as given; the service validates the enum.
      fail(
        SERVICE,
        "BadRequestException",
        `1 validation error detected: Value '${isObject(p) ? String(p.op) : ""}' at 'patchOperations.op' failed to satisfy constraint: Member must satisfy enum value set: [add, remove, move, test, replace, copy]`,
      );
    }
    if (typeof p.path !== "string" || !p.path.startsWith("/")) badRequest(`Invalid patch path ${String(p.path)}`);
    return {
      op: p.op,
      path: p.path,
      ...(typeof p.value === "string" ? { value: p.value } : {}),
      ...(typeof p.from === "string" ? { from: p.from } : {}),
    };
  });
}

/** One patchable path: a pattern, the ops it takes, and what it does to the (API-shaped) document. */
interface PathRule {
  /** As AWS lists it in its error message, e.g. "/securityPolicy". */
  name: string;
  pattern: RegExp;
  ops: string[];
  apply(doc: JsonObject, p: Patch, m: RegExpExecArray): void;
}

function invalidPath(p: Patch, rules: PathRule[]): never {
  const names = [...new Set(rules.filter((r) => r.ops.includes(p.op)).map((r) => r.name))];
  badRequest(`Invalid patch path '${p.path}' specified for op '${p.op}'. Must be one of: [${names.join(", ")}]`);
}

function applyPatches(doc: JsonObject, patches: Patch[], rules: PathRule[]): void {
  for (const p of patches) {
    let matched = false;
    for (const rule of rules) {
      const m = rule.pattern.exec(p.path);
      if (!m) continue;
      if (!rule.ops.includes(p.op)) continue;
      matched = true;
      rule.apply(doc, p, m);
      break;
    }
    if (!matched) invalidPath(p, rules);
  }
}

function valueOf(p: Patch): string {
  if (p.value === undefined) badRequest(`Invalid null or empty value in patch operation for path ${p.path}`);
  return p.value;
}

function bool(p: Patch): boolean {
  const v = valueOf(p).toLowerCase();
  if (v !== "true" && v !== "false") badRequest(`Invalid value '${p.value}' for boolean path ${p.path}`);
  return v === "true";
}

function int(p: Patch, min: number, max: number): number {
  const v = valueOf(p);
  const n = Number(v);
  if (!/^-?\d+$/.test(v) || n < min || n > max) badRequest(`Invalid value '${v}' for path ${p.path}`);
  return n;
}

function num(p: Patch): number {
  const n = Number(valueOf(p));
  if (!Number.isFinite(n)) badRequest(`Invalid value '${p.value}' for path ${p.path}`);
  return n;
}

function replaceString(field: string, check?: (v: string) => void): PathRule {
  return {
    name: `/${field}`,
    pattern: new RegExp(`^/${field}$`),
    ops: ["replace"],
    apply(doc, p) {
      const v = valueOf(p);
      check?.(v);
      doc[field] = v;
    },
  };
}

function securityPolicyRule(): PathRule {
  return replaceString("securityPolicy", (v) => {
    if (!SECURITY_POLICIES.has(v)) {
      badRequest(`Invalid security policy ${v}. Valid values are: ${[...SECURITY_POLICIES].join(", ")}`);
    }
  });
}

function endpointAccessModeRule(): PathRule {
  return replaceString("endpointAccessMode", (v) => {
    if (v !== "BASIC" && v !== "STRICT")
      badRequest(`Invalid endpoint access mode ${v}. Valid values are: BASIC, STRICT`);
  });
}

function endpointTypeRule(): PathRule {
  return {
    name: "/endpointConfiguration/types/{type}",
    pattern: /^\/endpointConfiguration\/types\/([A-Z]+)$/,
    ops: ["replace"],
    apply(doc, p, m) {
      const to = valueOf(p);
      const ec = isObject(doc.endpointConfiguration) ? { ...doc.endpointConfiguration } : {};
      const types = Array.isArray(ec.types) ? [...(ec.types as string[])] : [];
      const at = types.indexOf(m[1] as string);
      if (at < 0 || !ENDPOINT_TYPES.has(to)) badRequest(`Invalid endpoint configuration type change ${m[1]} to ${to}`);
      types[at] = to;
      doc.endpointConfiguration = { ...ec, types };
    },
  };
}

/**
 * An enhanced policy needs an endpoint access mode (API Gateway Developer Guide, "Security policies for REST APIs
 * in API Gateway").
 */
function checkAccessMode(doc: JsonObject): void {
  const policy = str(doc.securityPolicy);
  if (policy?.startsWith("SecurityPolicy_") && str(doc.endpointAccessMode) === undefined) {
    badRequest(`An endpoint access mode is required when the security policy is ${policy}`);
  }
}

const REST_API_RULES: PathRule[] = [
  replaceString("name"),
  replaceString("description"),
  replaceString("policy"),
  replaceString("apiKeySource", (v) => {
    if (v !== "HEADER" && v !== "AUTHORIZER") badRequest(`Invalid API key source ${v}`);
  }),
  {
    name: "/minimumCompressionSize",
    pattern: /^\/minimumCompressionSize$/,
    ops: ["replace"],
    apply(doc, p) {
      if (p.value === undefined || p.value === "") delete doc.minimumCompressionSize;
      else doc.minimumCompressionSize = int(p, 0, 10485760);
    },
  },
  {
    name: "/disableExecuteApiEndpoint",
    pattern: /^\/disableExecuteApiEndpoint$/,
    ops: ["replace"],
    apply(doc, p) {
      doc.disableExecuteApiEndpoint = bool(p);
    },
  },
  securityPolicyRule(),
  endpointAccessModeRule(),
  endpointTypeRule(),
  {
    name: "/binaryMediaTypes/{type}",
    pattern: /^\/binaryMediaTypes\/(.+)$/,
    ops: ["add", "remove"],
    apply(doc, p, m) {
      const type = unescapePointerToken(m[1] as string);
      const types = new Set(Array.isArray(doc.binaryMediaTypes) ? (doc.binaryMediaTypes as string[]) : []);
      if (p.op === "add") types.add(type);
      else types.delete(type);
      if (types.size > 0) doc.binaryMediaTypes = [...types];
      else delete doc.binaryMediaTypes;
    },
  },
];

/** A new methodSettings entry: what GetStage shows for a freshly patched one (RECORDED, see module comment). */
function defaultMethodSetting(key: string): JsonObject {
  const stageWide = key === "*/*";
  return {
    throttlingBurstLimit: stageWide ? 5000 : -1,
    throttlingRateLimit: stageWide ? 10000 : -1,
    requireAuthorizationForCacheControl: true,
    unauthorizedCacheControlHeaderStrategy: "SUCCEED_WITH_RESPONSE_HEADER",
    cachingEnabled: false,
    cacheTtlInSeconds: 300,
  };
}

const METHOD_SETTINGS: Record<string, (p: Patch) => [field: string, value: unknown]> = {
  "metrics/enabled": (p) => ["metricsEnabled", bool(p)],
  "logging/loglevel": (p) => {
    const v = valueOf(p).toUpperCase();
    if (!["OFF", "ERROR", "INFO"].includes(v))
      badRequest(`Invalid logging level ${p.value}. Valid values are: OFF, ERROR, INFO`);
    return ["loggingLevel", v];
  },
  "logging/dataTrace": (p) => ["dataTraceEnabled", bool(p)],
  "throttling/burstLimit": (p) => ["throttlingBurstLimit", int(p, -1, 1e9)],
  "throttling/rateLimit": (p) => ["throttlingRateLimit", num(p)],
  "caching/enabled": (p) => ["cachingEnabled", bool(p)],
  "caching/ttlInSeconds": (p) => ["cacheTtlInSeconds", int(p, 0, 3600)],
  "caching/dataEncrypted": (p) => ["cacheDataEncrypted", bool(p)],
  "caching/requireAuthorizationForCacheControl": (p) => ["requireAuthorizationForCacheControl", bool(p)],
  "caching/unauthorizedCacheControlHeaderStrategy": (p) => {
    const v = valueOf(p);
    if (!["FAIL_WITH_403", "SUCCEED_WITH_RESPONSE_HEADER", "SUCCEED_WITHOUT_RESPONSE_HEADER"].includes(v)) {
      badRequest(`Invalid unauthorized cache control header strategy ${v}`);
    }
    return ["unauthorizedCacheControlHeaderStrategy", v];
  },
};

const CACHE_SIZES = new Set(["0.5", "1.6", "6.1", "13.5", "28.4", "58.2", "118", "237"]);

const STAGE_RULES: PathRule[] = [
  {
    // /*/*/logging/loglevel, /~1orders/POST/metrics/enabled: key = "<resource path, / as ~1>/<method>" or "*/*".
    name: "/{resourcePath}/{httpMethod}/{setting}",
    pattern: /^\/(\*|~1[^/]*)\/(\*|GET|PUT|POST|DELETE|PATCH|HEAD|OPTIONS|ANY)\/([a-zA-Z]+\/[a-zA-Z]+)$/,
    ops: ["replace"],
    apply(doc, p, m) {
      const [, path, method, setting] = m as unknown as [string, string, string, string];
      if ((path === "*") !== (method === "*")) badRequest(`Invalid method setting path ${p.path}`);
      const convert = METHOD_SETTINGS[setting];
      if (!convert) invalidPath(p, STAGE_RULES);
      const key = `${path}/${method}`;
      const settings = isObject(doc.methodSettings) ? { ...doc.methodSettings } : {};
      const entry = isObject(settings[key]) ? { ...(settings[key] as JsonObject) } : defaultMethodSetting(key);
      const [field, value] = convert(p);
      entry[field] = value;
      settings[key] = entry;
      doc.methodSettings = settings;
    },
  },
  {
    name: "/tracingEnabled",
    pattern: /^\/tracingEnabled$/,
    ops: ["replace"],
    apply(doc, p) {
      doc.tracingEnabled = bool(p);
    },
  },
  {
    name: "/cacheClusterEnabled",
    pattern: /^\/cacheClusterEnabled$/,
    ops: ["replace"],
    apply(doc, p) {
      doc.cacheClusterEnabled = bool(p);
      doc.cacheClusterStatus = doc.cacheClusterEnabled ? "AVAILABLE" : "NOT_AVAILABLE";
    },
  },
  replaceString("cacheClusterSize", (v) => {
    if (!CACHE_SIZES.has(v)) badRequest(`Invalid cache cluster size ${v}`);
  }),
  replaceString("description"),
  replaceString("deploymentId"),
  replaceString("clientCertificateId"),
  replaceString("documentationVersion"),
  {
    name: "/variables/{name}",
    pattern: /^\/variables\/([A-Za-z0-9_]+)$/,
    ops: ["replace", "remove"],
    apply(doc, p, m) {
      const vars = isObject(doc.variables) ? { ...doc.variables } : {};
      if (p.op === "remove") delete vars[m[1] as string];
      else vars[m[1] as string] = valueOf(p);
      doc.variables = vars;
    },
  },
  {
    name: "/accessLogSettings/{destinationArn|format}",
    pattern: /^\/accessLogSettings\/(destinationArn|format)$/,
    ops: ["replace"],
    apply(doc, p, m) {
      const settings = isObject(doc.accessLogSettings) ? { ...doc.accessLogSettings } : {};
      settings[m[1] as string] = valueOf(p);
      doc.accessLogSettings = settings;
    },
  },
  {
    name: "/accessLogSettings",
    pattern: /^\/accessLogSettings$/,
    ops: ["remove"],
    apply(doc) {
      delete doc.accessLogSettings;
    },
  },
];

const DOMAIN_RULES: PathRule[] = [
  securityPolicyRule(),
  endpointAccessModeRule(),
  replaceString("certificateArn"),
  replaceString("certificateName"),
  replaceString("regionalCertificateArn"),
  replaceString("regionalCertificateName"),
  replaceString("ownershipVerificationCertificateArn"),
  replaceString("routingMode", (v) => {
    if (!["BASE_PATH_MAPPING_ONLY", "ROUTING_RULE_ONLY", "ROUTING_RULE_THEN_BASE_PATH_MAPPING"].includes(v)) {
      badRequest(`Invalid routing mode ${v}`);
    }
  }),
  endpointTypeRule(),
  {
    name: "/mutualTlsAuthentication/{truststoreUri|truststoreVersion}",
    pattern: /^\/mutualTlsAuthentication\/(truststoreUri|truststoreVersion)$/,
    ops: ["replace"],
    apply(doc, p, m) {
      const mtls = isObject(doc.mutualTlsAuthentication) ? { ...doc.mutualTlsAuthentication } : {};
      mtls[m[1] as string] = valueOf(p);
      doc.mutualTlsAuthentication = mtls;
    },
  },
];

// ---- operations ----------------------------------------------------------------------------------------------

/** API Gateway's dates in CloudTrail responseElements: "Jul 11, 2022 7:37:48 PM" (RECORDED, CreateStage). */
function cloudTrailDate(d: Date): string {
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const h = d.getUTCHours();
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${months[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()} ${h % 12 === 0 ? 12 : h % 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? "AM" : "PM"}`;
}

function responseOf(output: unknown): unknown {
  if (output instanceof Date) return cloudTrailDate(output);
  if (Array.isArray(output)) return output.map(responseOf);
  if (isObject(output)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(output)) if (v !== undefined && k !== "$metadata") out[k] = responseOf(v);
    return out;
  }
  return output;
}

/** Path parameters and body members at the top of requestParameters, with `template: false` (RECORDED layout). */
function request(input: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(input)) if (v !== undefined) out[k] = v;
  out.template = false;
  return out;
}

const read = (serve: Operation["serve"]): Operation => ({
  readOnly: true,
  serve,
  request,
  response: () => null,
});

const write = (serve: Operation["serve"]): Operation => ({
  readOnly: false,
  serve,
  request,
  response: (output) => responseOf(output) as JsonObject,
});

function page<T>(all: T[], input: JsonObject): { items: T[]; position?: string } {
  const limit = typeof input.limit === "number" ? input.limit : 25;
  if (limit < 1 || limit > 500) badRequest("Invalid limit: must be between 1 and 500");
  const start = typeof input.position === "string" ? Number.parseInt(input.position, 10) : 0;
  if (!Number.isInteger(start) || start < 0) badRequest("Invalid position");
  const items = all.slice(start, start + limit);
  return start + limit < all.length ? { items, position: String(start + limit) } : { items };
}

export const emulation: ServiceEmulation = {
  serviceId: SERVICE,
  scenarios: true,
  operations: {
    GetRestApi: read((input, ctx) =>
      restApiOut(restApiItem(ctx, required(SERVICE, input, "restApiId", "BadRequestException"))),
    ),
    GetStage: read((input, ctx) =>
      stageOut(
        stageItem(
          ctx,
          required(SERVICE, input, "restApiId", "BadRequestException"),
          required(SERVICE, input, "stageName", "BadRequestException"),
        ),
      ),
    ),
    GetStages: read((input, ctx) => {
      const restApiId = required(SERVICE, input, "restApiId", "BadRequestException");
      restApiItem(ctx, restApiId);
      return { item: stagesOf(ctx, restApiId).map(stageOut) };
    }),
    GetMethod: read((input, ctx) => {
      const restApiId = required(SERVICE, input, "restApiId", "BadRequestException");
      restApiItem(ctx, restApiId);
      const id = apiArn(
        ctx,
        `/restapis/${restApiId}/resources/${str(input.resourceId)}/methods/${str(input.httpMethod)}`,
      );
      const item =
        ctx.store.get(METHOD, ctx.accountId, ctx.region, id) ?? notFound("Invalid Method identifier specified");
      const { tags: _t, ...c } = cfg(item);
      return c;
    }),
    GetDomainName: read((input, ctx) => domainOut(domainItem(ctx, input))),
    GetDomainNames: read((input, ctx) => {
      const all = ctx.store
        .list({ resourceType: DOMAIN, accountId: ctx.accountId, region: ctx.region })
        .sort((a, b) => a.resourceId.localeCompare(b.resourceId))
        .map(domainOut);
      return page(all, input);
    }),
    GetBasePathMappings: read((input, ctx) => {
      const domain = domainItem(ctx, input);
      // Config records a mapping as the RestApi's "Is associated with DomainName" relationship; the stage is the
      // API's first stage (the fleet's APIs have one).
      const mappings = ctx.store
        .list({ resourceType: REST_API, accountId: ctx.accountId, region: ctx.region })
        .filter((api) =>
          api.relationships.some(
            (r) => r.resourceType === DOMAIN && (r.resourceId ?? r.resourceName) === domain.resourceId,
          ),
        )
        .sort((a, b) => a.resourceId.localeCompare(b.resourceId))
        .map((api) => {
          const stage = api.relationships.find((r) => r.resourceType === STAGE)?.resourceName;
          return { basePath: "(none)", restApiId: api.resourceId, ...(stage ? { stage } : {}) };
        });
      return page(mappings, input);
    }),
    UpdateRestApi: write((input, ctx) => {
      const item = restApiItem(ctx, required(SERVICE, input, "restApiId", "BadRequestException"));
      const doc = copy(cfg(item));
      applyPatches(doc, patchesOf(input), REST_API_RULES);
      checkAccessMode(doc);
      return restApiOut(ctx.save(item, (d) => (d.configuration = doc)));
    }),
    UpdateStage: write((input, ctx) => {
      const item = stageItem(
        ctx,
        required(SERVICE, input, "restApiId", "BadRequestException"),
        required(SERVICE, input, "stageName", "BadRequestException"),
      );
      const doc = copy(cfg(item));
      applyPatches(doc, patchesOf(input), STAGE_RULES);
      doc.lastUpdatedDate = isoTime(ctx.now);
      return stageOut(ctx.save(item, (d) => (d.configuration = doc)));
    }),
    UpdateDomainName: write((input, ctx) => {
      const item = domainItem(ctx, input);
      const doc = copy(domainToApi(item));
      applyPatches(doc, patchesOf(input), DOMAIN_RULES);
      checkAccessMode(doc);
      return domainOut(ctx.save(item, (d) => (d.configuration = domainFromApi(item, doc))));
    }),
    CreateDeployment: write((input, ctx) => {
      const restApiId = required(SERVICE, input, "restApiId", "BadRequestException");
      restApiItem(ctx, restApiId);
      const id = ctx.nextId("deployment").slice(0, 6);
      const stageName = str(input.stageName);
      if (stageName) {
        const arn = apiArn(ctx, `/restapis/${restApiId}/stages/${stageName}`);
        const stage = ctx.store.get(STAGE, ctx.accountId, ctx.region, arn);
        if (stage) {
          ctx.save(
            stage,
            (d) => (d.configuration = { ...cfg(d), deploymentId: id, lastUpdatedDate: isoTime(ctx.now) }),
          );
        } else {
          // CreateDeployment with a new stage name creates the stage.
          ctx.create({
            resourceType: STAGE,
            resourceId: arn,
            resourceName: stageName,
            arn,
            relationships: [{ resourceType: REST_API, resourceId: restApiId, name: "Is contained in RestApi" }],
            configuration: {
              stageName,
              deploymentId: id,
              cacheClusterEnabled: false,
              cacheClusterStatus: "NOT_AVAILABLE",
              methodSettings: {},
              tracingEnabled: false,
              createdDate: isoTime(ctx.now),
              lastUpdatedDate: isoTime(ctx.now),
            },
          });
        }
      }
      return {
        id,
        ...(typeof input.description === "string" ? { description: input.description } : {}),
        createdDate: ctx.now,
      };
    }),
  },
};
