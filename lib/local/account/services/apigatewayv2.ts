import { partitionOf } from "../../../cloudtrail/record";
import type { ConfigItem } from "../../../resources/config-item";
import { isObject, type JsonObject } from "../../../util/json";
import {
  cfg,
  copy,
  date,
  fail,
  lowerDeep,
  required,
  str,
  type Operation,
  type OperationContext,
  type ServiceEmulation,
} from "./types";

/**
 * API Gateway v2 (HTTP and WebSocket APIs): the reads the v2 describes make (lib/resources/types/aws-apigatewayv2-*
 * .describe.ts) and the updates the v2 remediation actions send, with the API's semantics and errors (API Gateway V2
 * API Reference: NotFoundException for an unknown API, stage or domain; BadRequestException for invalid input).
 *
 * Items: Api and Stage `configuration` is Config's naming, the API's members in camelCase (AWS Config resource
 * schema, AWS::ApiGatewayV2::Api / ::Stage); the PascalCase of an item built from a describe is read too, and every
 * write stores camelCase. AWS Config does not record v2 custom domains: the account keeps each as an item of type
 * AWS::ApiGatewayV2::DomainName holding GetDomainName's members (its own state, never a Config item AWS would
 * send). API mappings are the Api items' "Is associated with DomainName" relationships (how the v2 API describe
 * records them), each mapped to the API's first stage.
 *
 * CloudTrail: requestParameters are the input's members in lower camel case (path parameters among them) and
 * responseElements the output's, dates as ISO text. INFERRED: no recorded v2 record was available.
 */

const SERVICE = "ApiGatewayV2";
const API = "AWS::ApiGatewayV2::Api";
const STAGE = "AWS::ApiGatewayV2::Stage";
const DOMAIN = "AWS::ApiGatewayV2::DomainName";

/** UpdateDomainName's accepted values (API Gateway V2 API Reference, DomainNameConfiguration). */
const SECURITY_POLICIES = new Set(["TLS_1_0", "TLS_1_2"]);
const ENDPOINT_TYPES = new Set(["REGIONAL", "EDGE"]);
const IP_ADDRESS_TYPES = new Set(["ipv4", "dualstack"]);

/** Maps whose keys are data, not member names. */
const MAPS = new Set(["tags", "Tags", "stageVariables", "StageVariables", "routeSettings", "RouteSettings"]);

function notFound(message: string): never {
  fail(SERVICE, "NotFoundException", message, 404);
}

function badRequest(message: string): never {
  fail(SERVICE, "BadRequestException", message, 400);
}

const arnOf = (ctx: OperationContext, path: string) =>
  `arn:${partitionOf(ctx.region)}:apigateway:${ctx.region}::${path}`;

/** Member names with their first letter changed, recursively, map keys kept. */
function rename(v: unknown, first: (c: string) => string): unknown {
  if (Array.isArray(v)) return v.map((x) => rename(x, first));
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) {
    const name = first(k.charAt(0)) + k.slice(1);
    out[name] = MAPS.has(k) ? copy(x) : rename(x, first);
  }
  return out;
}

const camel = (v: unknown) => rename(v, (c) => c.toLowerCase()) as JsonObject;
const pascal = (v: unknown) => rename(v, (c) => c.toUpperCase()) as JsonObject;

/** The item's configuration in camelCase, without tags (they are the item's own). */
function configurationOf(item: ConfigItem): JsonObject {
  const { tags: _t, ...c } = camel(cfg(item));
  return c;
}

/** An SDK output: PascalCase, dates as Date, the item's tags. */
function out(item: ConfigItem, dates: string[]): JsonObject {
  const c = configurationOf(item);
  for (const f of dates) {
    const d = date(c[f]);
    if (d) c[f] = d;
    else delete c[f];
  }
  const result = pascal(c);
  result.Tags = { ...item.tags };
  return result;
}

// ---- lookups -------------------------------------------------------------------------------------------------

function apiItem(ctx: OperationContext, apiId: string): ConfigItem {
  return ctx.store.get(API, ctx.accountId, ctx.region, apiId) ?? notFound(`Invalid API identifier specified ${apiId}`);
}

function stageItem(ctx: OperationContext, apiId: string, stageName: string): ConfigItem {
  apiItem(ctx, apiId);
  const id = arnOf(ctx, `/apis/${apiId}/stages/${stageName}`);
  return ctx.store.get(STAGE, ctx.accountId, ctx.region, id) ?? notFound("Invalid stage identifier specified");
}

function domainItem(ctx: OperationContext, name: string): ConfigItem {
  return (
    ctx.store.get(DOMAIN, ctx.accountId, ctx.region, name) ??
    notFound("The domain name resource specified in the request was not found.")
  );
}

/** NextToken/MaxResults paging (MaxResults is text in the v2 API). */
function page<T>(all: T[], input: JsonObject): { Items: T[]; NextToken?: string } {
  const raw = input.MaxResults;
  const limit = raw === undefined ? 100 : Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) badRequest(`Invalid MaxResults: ${String(raw)}`);
  const start = typeof input.NextToken === "string" ? Number.parseInt(input.NextToken, 10) : 0;
  if (!Number.isInteger(start) || start < 0) badRequest("Invalid NextToken");
  const items = all.slice(start, start + limit);
  return start + limit < all.length ? { Items: items, NextToken: String(start + limit) } : { Items: items };
}

// ---- updates -------------------------------------------------------------------------------------------------

function boolInput(input: JsonObject, name: string): boolean | undefined {
  const v = input[name];
  if (v === undefined) return undefined;
  if (typeof v !== "boolean") badRequest(`Invalid value for ${name}: must be a boolean`);
  return v;
}

function stringInput(input: JsonObject, name: string): string | undefined {
  const v = input[name];
  if (v === undefined) return undefined;
  if (typeof v !== "string") badRequest(`Invalid value for ${name}: must be a string`);
  return v;
}

/** Members UpdateApi takes for an existing API; quick-create members (Target, RouteKey, CredentialsArn) are not served. */
const API_STRINGS = ["Name", "Description", "Version", "ApiKeySelectionExpression", "RouteSelectionExpression"];

function updateApi(item: ConfigItem, input: JsonObject): JsonObject {
  for (const k of ["Target", "RouteKey", "CredentialsArn"]) {
    if (input[k] !== undefined) badRequest(`${k} is only supported by the local account at CreateApi (quick create)`);
  }
  const c = configurationOf(item);
  for (const k of API_STRINGS) {
    const v = stringInput(input, k);
    if (v !== undefined) c[k.charAt(0).toLowerCase() + k.slice(1)] = v;
  }
  const disable = boolInput(input, "DisableExecuteApiEndpoint");
  if (disable !== undefined) c.disableExecuteApiEndpoint = disable;
  const schema = boolInput(input, "DisableSchemaValidation");
  if (schema !== undefined) c.disableSchemaValidation = schema;
  const ip = stringInput(input, "IpAddressType");
  if (ip !== undefined) {
    if (!IP_ADDRESS_TYPES.has(ip)) badRequest(`Invalid IpAddressType ${ip}`);
    c.ipAddressType = ip;
  }
  if (input.CorsConfiguration !== undefined) {
    if (c.protocolType === "WEBSOCKET") badRequest("CORS is not supported for WebSocket APIs");
    if (!isObject(input.CorsConfiguration)) badRequest("Invalid CorsConfiguration");
    c.corsConfiguration = camel(input.CorsConfiguration);
  }
  return c;
}

/** Read-only members of a domain configuration (API Gateway V2 API Reference, DomainNameConfiguration). */
const READ_ONLY = ["apiGatewayDomainName", "hostedZoneId", "domainNameStatus", "domainNameStatusMessage"];

function updateDomain(item: ConfigItem, input: JsonObject): JsonObject {
  const c = configurationOf(item);
  const raw = input.DomainNameConfigurations;
  if (raw !== undefined) {
    if (!Array.isArray(raw) || raw.length !== 1) badRequest("DomainNameConfigurations must hold one configuration");
    const current = Array.isArray(c.domainNameConfigurations) ? c.domainNameConfigurations : [];
    c.domainNameConfigurations = raw.map((given: unknown, i) => {
      if (!isObject(given)) badRequest("Invalid domain name configuration");
      const next = camel(given);
      const policy = str(next.securityPolicy);
      if (policy !== undefined && !SECURITY_POLICIES.has(policy)) {
        badRequest(`Invalid security policy ${policy}. Valid values are: TLS_1_0, TLS_1_2`);
      }
      const endpoint = str(next.endpointType);
      if (endpoint !== undefined && !ENDPOINT_TYPES.has(endpoint)) badRequest(`Invalid endpoint type ${endpoint}`);
      const ip = str(next.ipAddressType);
      if (ip !== undefined && !IP_ADDRESS_TYPES.has(ip)) badRequest(`Invalid IpAddressType ${ip}`);
      const before = isObject(current[i]) ? (current[i] as JsonObject) : {};
      if (str(next.certificateArn) === undefined && str(before.certificateArn) === undefined) {
        badRequest("A certificate ARN is required for a domain name configuration");
      }
      const kept: JsonObject = {};
      for (const k of READ_ONLY) if (before[k] !== undefined) kept[k] = before[k];
      for (const k of READ_ONLY) delete next[k];
      delete next.certificateUploadDate;
      return { ...before, ...kept, ...next };
    });
  }
  if (input.RoutingMode !== undefined) {
    const mode = stringInput(input, "RoutingMode") as string;
    if (!["API_MAPPING_ONLY", "ROUTING_RULE_ONLY", "ROUTING_RULE_THEN_API_MAPPING"].includes(mode)) {
      badRequest(`Invalid RoutingMode ${mode}`);
    }
    c.routingMode = mode;
  }
  if (input.MutualTlsAuthentication !== undefined) {
    if (!isObject(input.MutualTlsAuthentication)) badRequest("Invalid MutualTlsAuthentication");
    c.mutualTlsAuthentication = camel(input.MutualTlsAuthentication);
  }
  return c;
}

// ---- operations ----------------------------------------------------------------------------------------------

function request(input: JsonObject): JsonObject {
  return lowerDeep(input, MAPS) as JsonObject;
}

const read = (serve: Operation["serve"]): Operation => ({ readOnly: true, serve, request, response: () => null });

const write = (serve: Operation["serve"]): Operation => ({
  readOnly: false,
  serve,
  request,
  response: (output) => lowerDeep(output, MAPS) as JsonObject,
});

export const emulation: ServiceEmulation = {
  serviceId: SERVICE,
  scenarios: true,
  operations: {
    GetApi: read((input, ctx) =>
      out(apiItem(ctx, required(SERVICE, input, "ApiId", "BadRequestException")), ["createdDate"]),
    ),
    GetStage: read((input, ctx) =>
      out(
        stageItem(
          ctx,
          required(SERVICE, input, "ApiId", "BadRequestException"),
          required(SERVICE, input, "StageName", "BadRequestException"),
        ),
        ["createdDate", "lastUpdatedDate"],
      ),
    ),
    GetDomainName: read((input, ctx) =>
      out(domainItem(ctx, required(SERVICE, input, "DomainName", "BadRequestException")), []),
    ),
    GetDomainNames: read((input, ctx) => {
      const all = ctx.store
        .list({ resourceType: DOMAIN, accountId: ctx.accountId, region: ctx.region })
        .sort((a, b) => a.resourceId.localeCompare(b.resourceId))
        .map((d) => out(d, []));
      return page(all, input);
    }),
    GetApiMappings: read((input, ctx) => {
      const domain = domainItem(ctx, required(SERVICE, input, "DomainName", "BadRequestException"));
      const mappings = ctx.store
        .list({ resourceType: API, accountId: ctx.accountId, region: ctx.region })
        .filter((api) =>
          api.relationships.some(
            (r) => r.resourceType === DOMAIN && (r.resourceId ?? r.resourceName) === domain.resourceId,
          ),
        )
        .sort((a, b) => a.resourceId.localeCompare(b.resourceId))
        .map((api) => {
          const prefix = arnOf(ctx, `/apis/${api.resourceId}/stages/`);
          const stage = ctx.store
            .list({ resourceType: STAGE, accountId: ctx.accountId, region: ctx.region })
            .map((s) => s.resourceId)
            .filter((id) => id.startsWith(prefix))
            .sort()[0];
          return {
            ApiId: api.resourceId,
            // Stable across reads (a read takes no id from the account counter).
            ApiMappingId: api.resourceId.slice(0, 6),
            ApiMappingKey: "",
            Stage: stage ? stage.slice(prefix.length) : "$default",
          };
        });
      return page(mappings, input);
    }),
    UpdateApi: write((input, ctx) => {
      const item = apiItem(ctx, required(SERVICE, input, "ApiId", "BadRequestException"));
      const c = updateApi(item, input);
      return out(
        ctx.save(item, (d) => (d.configuration = c)),
        ["createdDate"],
      );
    }),
    CreateDomainName: write((input, ctx) => {
      const name = required(SERVICE, input, "DomainName", "BadRequestException");
      if (!/^(?=.{1,253}$)([a-z0-9*]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i.test(name)) {
        badRequest(`Invalid domain name identifier specified: ${name}`);
      }
      if (ctx.store.get(DOMAIN, ctx.accountId, ctx.region, name)) {
        fail(SERVICE, "ConflictException", "The domain name you provided already exists.", 409);
      }
      // A new domain: what UpdateDomainName checks, plus the values API Gateway assigns (API Gateway V2 API
      // Reference, CreateDomainName and DomainNameConfiguration).
      const blank: ConfigItem = { configuration: { domainName: name, domainNameConfigurations: [{}] } } as unknown as ConfigItem; // prettier-ignore
      if (input.DomainNameConfigurations === undefined)
        badRequest("DomainNameConfigurations must hold one configuration");
      const c = updateDomain(blank, input);
      const id = ctx
        .nextId("apigatewayv2-domain")
        .replace(/[^a-z0-9]/gi, "")
        .slice(0, 10)
        .toLowerCase();
      c.apiMappingSelectionExpression = "$request.basepath";
      c.domainNameArn = `arn:${partitionOf(ctx.region)}:apigateway:${ctx.region}::/domainnames/${name}`;
      c.domainNameConfigurations = (c.domainNameConfigurations as JsonObject[]).map((d) => ({
        apiGatewayDomainName: `d-${id}.execute-api.${ctx.region}.amazonaws.com`,
        domainNameStatus: "AVAILABLE",
        endpointType: "REGIONAL",
        securityPolicy: "TLS_1_2",
        ...d,
      }));
      const tags = isObject(input.Tags) ? (input.Tags as Record<string, string>) : {};
      const item = ctx.create({
        resourceType: DOMAIN,
        resourceId: name,
        resourceName: name,
        arn: c.domainNameArn as string,
        relationships: [],
        configuration: c,
        tags,
      });
      return out(item, []);
    }),
    UpdateDomainName: write((input, ctx) => {
      const item = domainItem(ctx, required(SERVICE, input, "DomainName", "BadRequestException"));
      const c = updateDomain(item, input);
      return out(
        ctx.save(item, (d) => (d.configuration = c)),
        [],
      );
    }),
  },
};
