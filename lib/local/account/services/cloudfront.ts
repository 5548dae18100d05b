import { createHash } from "node:crypto";
import { apiMembers } from "../../../remediation/cloudfront";
import type { ConfigItem } from "../../../resources/config-item";
import { camelKeys } from "../../../resources/described";
import { isObject, type JsonObject } from "../../../util/json";
import { cfg, copy, date, fail, lowerDeep, str, type Operation, type OperationContext } from "./types";
import type { ServiceEmulation } from "./types";

/**
 * Amazon CloudFront distributions: GetDistribution, GetDistributionConfig and ListTagsForResource (the describe),
 * UpdateDistribution (every cloudfront-* action), with the API's optimistic concurrency (CloudFront API Reference,
 * UpdateDistribution: the ETag of the last Get goes back as IfMatch; none is InvalidIfMatchVersion, another
 * version PreconditionFailed, HTTP 412) and its whole-configuration replacement (a member left out is reset, a
 * changed CallerReference is IllegalUpdate, a Quantity that is not the number of Items InconsistentQuantities, a
 * behaviour's TargetOriginId must name an origin: NoSuchOrigin).
 *
 * Items are the adapter's (lib/resources/types/aws-cloudfront-distribution.ts): `configuration` is the Distribution
 * in camelCase, lists as `{quantity, items}`. The ETag is derived from the item's configurationStateId, which every
 * change replaces, so each update gives a new version as CloudFront does. An update is answered with Status
 * "InProgress" and recorded as deployed: the local account has no edge locations to wait for.
 *
 * CloudFront is global: calls are answered and recorded in us-east-1 under the operation's name (`UpdateDistribution`;
 * the API version is a field of its own, `apiVersion`, which the local trail leaves out), `requestParameters`
 * holding the request in lower camel case and `responseElements` the distribution and its eTag (CloudFront
 * Developer Guide, "Logging Amazon CloudFront API calls using AWS CloudTrail", example UpdateDistribution; records
 * of 2014 appended the version to the name, which lib/cloudtrail/record.ts baseEventName still reads).
 */

const SERVICE = "CloudFront";
const DISTRIBUTION = "AWS::CloudFront::Distribution";
const RECORD_REGION = "us-east-1";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * A time as AWS's Java services write it in CloudTrail `responseElements` ("Jul 11, 2022 7:37:48 PM", UTC; RECORDED
 * for API Gateway in test/fixtures/aws-recorded, and the form of CloudFront's and RDS's examples).
 */
export function javaDate(d: Date): string {
  const h = d.getUTCHours();
  const two = (n: number) => String(n).padStart(2, "0");
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()} ${h % 12 === 0 ? 12 : h % 12}:${two(
    d.getUTCMinutes(),
  )}:${two(d.getUTCSeconds())} ${h < 12 ? "AM" : "PM"}`;
}

/** A JSON value with its Dates as CloudTrail's Java-style text, members in lower camel case. */
export function trailShape(value: unknown): JsonObject {
  const dated = (v: unknown): unknown => {
    if (v instanceof Date) return javaDate(v);
    if (Array.isArray(v)) return v.map(dated);
    if (isObject(v) && !(v instanceof Date)) {
      const out: JsonObject = {};
      for (const [k, x] of Object.entries(v)) out[k] = dated(x);
      return out;
    }
    return v;
  };
  return lowerDeep(dated(value)) as JsonObject;
}

function noSuchDistribution(): never {
  fail(SERVICE, "NoSuchDistribution", "The specified distribution does not exist.", 404);
}

function invalidArgument(message: string): never {
  fail(SERVICE, "InvalidArgument", message);
}

/** The distribution of the caller's account (Config records it in one Region; CloudFront's API has none). */
function distributionItem(ctx: OperationContext, id: unknown): ConfigItem {
  if (typeof id !== "string" || id === "") noSuchDistribution();
  return ctx.store.find(DISTRIBUTION, id).find((i) => i.accountId === ctx.accountId) ?? noSuchDistribution();
}

/** CloudFront's version of the item's current state: "E" and 13 capitals and digits, as CloudFront's look. */
function eTagOf(item: ConfigItem): string {
  const state = item.configurationStateId ?? item.captureTime ?? JSON.stringify(cfg(item).distributionConfig ?? null);
  const digest = createHash("sha256").update(`${item.resourceId}:${state}`).digest();
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  let out = "E";
  for (let i = 0; i < 13; i++) out += alphabet[(digest[i] as number) % alphabet.length];
  return out;
}

/** A distribution ARN as CloudFront writes it: no Region, so an empty field between service and account. */
const DISTRIBUTION_ARN = /^arn:aws[a-z-]*:cloudfront::\d{12}:distribution\/[A-Z0-9]+$/;

function arnOf(item: ConfigItem): string {
  const recorded = [str(cfg(item).arn), item.arn].find((a) => a !== undefined && DISTRIBUTION_ARN.test(a));
  return (
    recorded ??
    `arn:${item.region.startsWith("cn-") ? "aws-cn" : "aws"}:cloudfront::${item.accountId}:distribution/${item.resourceId}`
  );
}

function configOut(item: ConfigItem): JsonObject {
  const config = cfg(item).distributionConfig;
  return (isObject(config) ? apiMembers(withoutNulls(config)) : {}) as JsonObject;
}

function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((x) => x !== null && x !== undefined).map(withoutNulls);
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[k] = withoutNulls(x);
    return out;
  }
  return v;
}

/** GetDistribution's Distribution of an item. */
function distributionOut(item: ConfigItem, status?: string): JsonObject {
  const c = cfg(item);
  const out: JsonObject = {
    Id: str(c.id) ?? item.resourceId,
    ARN: arnOf(item),
    Status: status ?? str(c.status) ?? "Deployed",
  };
  const modified = date(c.lastModifiedTime) ?? date(item.captureTime);
  if (modified) out.LastModifiedTime = modified as unknown as JsonObject;
  out.InProgressInvalidationBatches =
    typeof c.inProgressInvalidationBatches === "number" ? c.inProgressInvalidationBatches : 0;
  out.DomainName = str(c.domainName) ?? `${item.resourceId.toLowerCase()}.cloudfront.net`;
  for (const k of ["activeTrustedSigners", "activeTrustedKeyGroups", "aliasICPRecordals"]) {
    if (c[k] !== undefined && c[k] !== null)
      out[k.charAt(0).toUpperCase() + k.slice(1)] = apiMembers(withoutNulls(c[k])) as JsonObject;
  }
  out.DistributionConfig = configOut(item);
  return out;
}

// ---- UpdateDistribution's checks ---------------------------------------------------------------------------

const VIEWER_POLICIES = new Set(["allow-all", "https-only", "redirect-to-https"]);
const REQUIRED = ["CallerReference", "Origins", "DefaultCacheBehavior", "Comment", "Enabled"];

/** Every `{Quantity, Items}` list must hold Quantity items (an absent Items is none). */
function checkQuantities(v: unknown, path: string): void {
  if (Array.isArray(v)) {
    v.forEach((x, i) => checkQuantities(x, `${path}[${i}]`));
    return;
  }
  if (!isObject(v)) return;
  if (typeof v.Quantity === "number") {
    const n = Array.isArray(v.Items) ? v.Items.length : 0;
    if (n !== v.Quantity) {
      fail(SERVICE, "InconsistentQuantities", `The value of Quantity and the size of Items don't match (${path}).`);
    }
  }
  for (const [k, x] of Object.entries(v)) checkQuantities(x, path ? `${path}.${k}` : k);
}

function checkConfig(config: JsonObject, item: ConfigItem): void {
  for (const k of REQUIRED) if (config[k] === undefined) invalidArgument(`DistributionConfig.${k} is required.`);
  const recorded = cfg(item).distributionConfig;
  const was = isObject(recorded) ? str(recorded.callerReference) : undefined;
  if (was !== undefined && config.CallerReference !== was) {
    fail(
      SERVICE,
      "IllegalUpdate",
      "The update contains modifications that are not allowed: CallerReference cannot be changed.",
    );
  }
  checkQuantities(config, "DistributionConfig");
  const origins = isObject(config.Origins) && Array.isArray(config.Origins.Items) ? config.Origins.Items : [];
  const ids = new Set(origins.map((o) => (isObject(o) ? o.Id : undefined)));
  const extra =
    isObject(config.CacheBehaviors) && Array.isArray(config.CacheBehaviors.Items) ? config.CacheBehaviors.Items : [];
  for (const b of [config.DefaultCacheBehavior, ...extra]) {
    if (!isObject(b)) invalidArgument("A cache behavior is not an object.");
    if (!VIEWER_POLICIES.has(String(b.ViewerProtocolPolicy))) {
      invalidArgument(`The parameter ViewerProtocolPolicy is invalid: ${String(b.ViewerProtocolPolicy)}.`);
    }
    if (!ids.has(b.TargetOriginId)) {
      fail(SERVICE, "NoSuchOrigin", "No origin exists with the specified Origin Id.", 404);
    }
  }
}

function updateDistribution(input: JsonObject, ctx: OperationContext): JsonObject {
  const item = distributionItem(ctx, input.Id);
  const ifMatch = str(input.IfMatch);
  if (!ifMatch) {
    fail(SERVICE, "InvalidIfMatchVersion", "The If-Match version is missing or not valid for the resource.");
  }
  if (ifMatch !== eTagOf(item)) {
    fail(
      SERVICE,
      "PreconditionFailed",
      "The precondition given in one or more of the request-header fields evaluated to false.",
      412,
    );
  }
  const config = isObject(input.DistributionConfig)
    ? input.DistributionConfig
    : invalidArgument("DistributionConfig is required.");
  checkConfig(config, item);
  const saved = ctx.save(item, (d) => {
    const c: JsonObject = { ...(d.configuration ?? {}) };
    delete c.eTag;
    c.distributionConfig = camelKeys(copy(config)) as JsonObject;
    c.lastModifiedTime = ctx.now.toISOString();
    c.status = "Deployed";
    d.configuration = c;
  });
  return { Distribution: distributionOut(saved, "InProgress"), ETag: eTagOf(saved) };
}

// ---- operations ----------------------------------------------------------------------------------------------

function cloudFrontOperation(readOnly: boolean, serve: Operation["serve"]): Operation {
  return {
    readOnly,
    serve: (input, ctx) => {
      ctx.recordRegion = RECORD_REGION;
      return serve(input, ctx);
    },
    request: (input) => lowerDeep(input) as JsonObject,
    response: (output) => trailShape({ Distribution: output.Distribution, ETag: output.ETag }),
  };
}

export const emulation: ServiceEmulation = {
  serviceId: SERVICE,
  scenarios: true,
  operations: {
    GetDistribution: cloudFrontOperation(true, (input, ctx) => {
      const item = distributionItem(ctx, input.Id);
      return { Distribution: distributionOut(item), ETag: eTagOf(item) };
    }),
    GetDistributionConfig: cloudFrontOperation(true, (input, ctx) => {
      const item = distributionItem(ctx, input.Id);
      return { DistributionConfig: configOut(item), ETag: eTagOf(item) };
    }),
    ListTagsForResource: cloudFrontOperation(true, (input, ctx) => {
      const id = /^arn:aws[a-z-]*:cloudfront::(\d{12}):distribution\/([A-Z0-9]+)$/.exec(str(input.Resource) ?? "");
      if (!id) fail(SERVICE, "InvalidArgument", `The parameter Resource is invalid: ${String(input.Resource)}.`);
      // Another account's distribution is refused, as IAM refuses a resource the caller's policies do not grant.
      if (id[1] !== ctx.accountId) fail(SERVICE, "AccessDenied", "Access denied", 403);
      const item = ctx.store.find(DISTRIBUTION, id[2] as string).find((i) => i.accountId === ctx.accountId);
      if (!item) fail(SERVICE, "NoSuchResource", "The specified resource does not exist.", 404);
      return { Tags: { Items: Object.entries(item.tags).map(([Key, Value]) => ({ Key, Value })) } };
    }),
    UpdateDistribution: cloudFrontOperation(false, updateDistribution),
  },
};
