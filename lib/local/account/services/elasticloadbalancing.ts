import type { ConfigItem } from "../../../resources/config-item";
import { isObject, type JsonObject } from "../../../util/json";
import { cfg, copy, date, fail, lowerDeep, required, str, type Operation, type OperationContext } from "./types";
import type { ServiceEmulation } from "./types";

/**
 * Elastic Load Balancing v2 (query protocol): the reads the load balancer and listener describes make
 * (DescribeLoadBalancers, DescribeLoadBalancerAttributes, DescribeListeners, DescribeTags) and the writes the
 * elb-* actions send (ModifyListener, ModifyLoadBalancerAttributes), with the errors of the Elastic Load
 * Balancing API Reference (LoadBalancerNotFound, ListenerNotFound, DuplicateListener, SSLPolicyNotFound,
 * InvalidConfigurationRequest, ValidationError).
 *
 * Items are the adapters' (lib/resources/types/aws-elasticloadbalancingv2-*.ts): a load balancer's `configuration`
 * is DescribeLoadBalancers' entry in camelCase (`dNSName`), its attributes `supplementaryConfiguration.
 * LoadBalancerAttributes` as `{key, value}`; a listener's `configuration` is DescribeListeners' entry as the API
 * names it. CloudTrail records ELB calls with every member in lower camel case, the written resource in
 * `responseElements` ("Logging API calls for your Application Load Balancer using AWS CloudTrail", the
 * CreateLoadBalancer example: `requestParameters.name`, `responseElements.loadBalancers[].dNSName`).
 */

const SERVICE = "Elastic Load Balancing v2";
const LOAD_BALANCER = "AWS::ElasticLoadBalancingV2::LoadBalancer";
const LISTENER = "AWS::ElasticLoadBalancingV2::Listener";

const LB_ARN =
  /^arn:aws[a-z-]*:elasticloadbalancing:([a-z0-9-]+):(\d{12}):loadbalancer\/(app|net|gwy)\/[^/]+\/[0-9a-f]+$/;
const LISTENER_ARN =
  /^arn:aws[a-z-]*:elasticloadbalancing:([a-z0-9-]+):(\d{12}):listener\/(app|net|gwy)\/([^/]+\/[0-9a-f]+)\/[0-9a-f]+$/;

function lbNotFound(): never {
  fail(SERVICE, "LoadBalancerNotFoundException", "One or more load balancers not found");
}

function listenerNotFound(): never {
  fail(SERVICE, "ListenerNotFoundException", "One or more listeners not found");
}

function validation(message: string): never {
  fail(SERVICE, "ValidationError", message);
}

/** A load balancer of the caller's account and the client's Region (an ARN of another is not found there). */
function lbItem(ctx: OperationContext, arn: string): ConfigItem {
  const m = LB_ARN.exec(arn);
  if (!m || m[1] !== ctx.region || m[2] !== ctx.accountId) lbNotFound();
  return ctx.store.get(LOAD_BALANCER, ctx.accountId, ctx.region, arn) ?? lbNotFound();
}

function listenerItem(ctx: OperationContext, arn: string): ConfigItem {
  const m = LISTENER_ARN.exec(arn);
  if (!m || m[1] !== ctx.region || m[2] !== ctx.accountId) listenerNotFound();
  return ctx.store.get(LISTENER, ctx.accountId, ctx.region, arn) ?? listenerNotFound();
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

/** Drops nulls (Config writes absent members as null), recursively. */
function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((x) => x !== null && x !== undefined).map(withoutNulls);
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[k] = withoutNulls(x);
    return out;
  }
  return v;
}

// ---- shapes --------------------------------------------------------------------------------------------------

/** Config's camelCase names whose API name is not the name with a capital first letter. */
const LB_API_NAMES: Record<string, string> = { dnsName: "DNSName", dNSName: "DNSName" };

function lbApi(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(lbApi);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null || v === undefined) continue;
    out[LB_API_NAMES[k] ?? k.charAt(0).toUpperCase() + k.slice(1)] = lbApi(v);
  }
  return out;
}

/** DescribeLoadBalancers' entry of an item (CreatedTime a Date; security groups as ids). */
function loadBalancerOut(item: ConfigItem): JsonObject {
  const out = lbApi(cfg(item)) as JsonObject;
  if (Array.isArray(out.SecurityGroups)) {
    out.SecurityGroups = out.SecurityGroups.map((g) => (isObject(g) ? g.Value : g)).filter(
      (g) => typeof g === "string",
    );
  }
  const created = date(cfg(item).createdTime);
  if (created) out.CreatedTime = created as unknown as JsonObject;
  else delete out.CreatedTime;
  out.LoadBalancerArn ??= item.resourceId;
  return out;
}

function listenerOut(item: ConfigItem): JsonObject {
  const out = withoutNulls(cfg(item)) as JsonObject;
  out.ListenerArn ??= item.resourceId;
  return out;
}

function typeOf(lb: ConfigItem): string {
  return str(cfg(lb).type) ?? "application";
}

// ---- attributes ----------------------------------------------------------------------------------------------

/**
 * The attributes each type has, with the value DescribeLoadBalancerAttributes shows when none was set (Elastic Load
 * Balancing API Reference, LoadBalancerAttribute: deletion protection and access logs off, idle timeout 60 s, HTTP/2
 * on, desync mitigation "defensive", X-Forwarded-For "append", cross-zone on for Application and off for Network and
 * Gateway Load Balancers).
 */
const ATTRIBUTES: Record<string, Record<string, string>> = {
  application: {
    "access_logs.s3.enabled": "false",
    "access_logs.s3.bucket": "",
    "access_logs.s3.prefix": "",
    "connection_logs.s3.enabled": "false",
    "connection_logs.s3.bucket": "",
    "connection_logs.s3.prefix": "",
    "client_keep_alive.seconds": "3600",
    "deletion_protection.enabled": "false",
    "idle_timeout.timeout_seconds": "60",
    "load_balancing.cross_zone.enabled": "true",
    "routing.http.desync_mitigation_mode": "defensive",
    "routing.http.drop_invalid_header_fields.enabled": "false",
    "routing.http.preserve_host_header.enabled": "false",
    "routing.http.x_amzn_tls_version_and_cipher_suite.enabled": "false",
    "routing.http.xff_client_port.enabled": "false",
    "routing.http.xff_header_processing.mode": "append",
    "routing.http2.enabled": "true",
    "waf.fail_open.enabled": "false",
    "zonal_shift.config.enabled": "false",
  },
  network: {
    "access_logs.s3.enabled": "false",
    "access_logs.s3.bucket": "",
    "access_logs.s3.prefix": "",
    "deletion_protection.enabled": "false",
    "dns_record.client_routing_policy": "any_availability_zone",
    "load_balancing.cross_zone.enabled": "false",
    "zonal_shift.config.enabled": "false",
  },
  gateway: {
    "deletion_protection.enabled": "false",
    "load_balancing.cross_zone.enabled": "false",
  },
};

/** Allowed values of the attributes that have a fixed set (the rest: booleans for `*.enabled`, digits for seconds). */
const VALUES: Record<string, string[]> = {
  "routing.http.desync_mitigation_mode": ["monitor", "defensive", "strictest"],
  "routing.http.xff_header_processing.mode": ["append", "preserve", "remove"],
  "dns_record.client_routing_policy": [
    "availability_zone_affinity",
    "partial_availability_zone_affinity",
    "any_availability_zone",
  ],
};

function validValue(key: string, value: string): boolean {
  if (VALUES[key]) return VALUES[key].includes(value);
  if (key.endsWith(".enabled")) return value === "true" || value === "false";
  if (key.endsWith("seconds")) return /^\d+$/.test(value);
  return true;
}

function recordedAttributes(item: ConfigItem): Record<string, string> {
  const out: Record<string, string> = {};
  const list = item.supplementaryConfiguration.LoadBalancerAttributes;
  if (!Array.isArray(list)) return out;
  for (const a of list) {
    if (!isObject(a)) continue;
    const key = a.key ?? a.Key;
    const value = a.value ?? a.Value;
    if (typeof key === "string" && (typeof value === "string" || typeof value === "boolean")) out[key] = String(value);
  }
  return out;
}

function attributesOut(item: ConfigItem): { Key: string; Value: string }[] {
  const all = { ...(ATTRIBUTES[typeOf(item)] ?? {}), ...recordedAttributes(item) };
  return Object.entries(all).map(([Key, Value]) => ({ Key, Value }));
}

// ---- listeners -----------------------------------------------------------------------------------------------

const PROTOCOLS: Record<string, string[]> = {
  application: ["HTTP", "HTTPS"],
  network: ["TCP", "TLS", "UDP", "TCP_UDP", "QUIC", "TCP_QUIC"],
  gateway: ["GENEVE"],
};
const SECURE = new Set(["HTTPS", "TLS"]);

/**
 * The predefined security policies (Elastic Load Balancing User Guide, "Security policies for your Application
 * Load Balancer": the TLS13-1-x families with their Res/Ext/FIPS/PQ variants, TLS-1-x, FS-x and the 2015/2016
 * policies); anything else is SSLPolicyNotFound.
 */
const SSL_POLICY =
  /^ELBSecurityPolicy-(TLS13-1-[0-3](-(Res|Ext[12]|FIPS|PQ|PFS))*-20\d\d-\d\d|TLS-1-[0-2](-Ext)?-20\d\d-\d\d|FS(-1-[12])?(-Res)?-20\d\d-\d\d|2016-08|2015-05|TLS-1-0-2015-04)$/;
/** What a listener becomes HTTPS or TLS with when the call names no policy (the User Guide's default policy). */
const DEFAULT_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

const ACTION_TYPES = new Set(["forward", "redirect", "fixed-response", "authenticate-oidc", "authenticate-cognito"]);

/** An action as the API requires it (ModifyListener DefaultActions; Action: the config its Type needs). */
function checkAction(a: unknown, i: number): void {
  const at = `defaultActions.member.${i + 1}`;
  if (!isObject(a) || typeof a.Type !== "string" || !ACTION_TYPES.has(a.Type)) {
    validation(
      `1 validation error detected: Value at '${at}.type' failed to satisfy constraint: Member must satisfy enum value set: [${[...ACTION_TYPES].join(", ")}]`,
    );
  }
  if (a.Type === "forward" && typeof a.TargetGroupArn !== "string" && !isObject(a.ForwardConfig)) {
    validation("A target group ARN must be specified");
  }
  if (a.Type === "redirect") {
    const rc = a.RedirectConfig;
    if (!isObject(rc) || (rc.StatusCode !== "HTTP_301" && rc.StatusCode !== "HTTP_302")) {
      validation("A redirect configuration with a status code of HTTP_301 or HTTP_302 must be specified");
    }
  }
  if (
    a.Type === "fixed-response" &&
    !(isObject(a.FixedResponseConfig) && typeof a.FixedResponseConfig.StatusCode === "string")
  ) {
    validation("A fixed response configuration with a status code must be specified");
  }
}

function modifyListener(input: JsonObject, ctx: OperationContext): JsonObject {
  const item = listenerItem(ctx, required(SERVICE, input, "ListenerArn", "ValidationError"));
  const current = listenerOut(item);
  const lbArn = str(current.LoadBalancerArn);
  const lb = lbArn ? ctx.store.get(LOAD_BALANCER, ctx.accountId, ctx.region, lbArn) : undefined;
  const type = lb ? typeOf(lb) : str(LISTENER_ARN.exec(item.resourceId)?.[3]) === "net" ? "network" : "application";
  const next: JsonObject = copy(current);

  if (input.Protocol !== undefined) {
    const protocol = str(input.Protocol) ?? "";
    const allowed = PROTOCOLS[type] ?? [];
    if (!allowed.includes(protocol))
      validation(`Listener protocol '${protocol}' must be one of '${allowed.join(", ")}'`);
    next.Protocol = protocol;
  }
  if (input.Port !== undefined) {
    const port = input.Port;
    if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) {
      validation(
        `1 validation error detected: Value '${String(port)}' at 'port' failed to satisfy constraint: Member must have value between 1 and 65535`,
      );
    }
    const taken = ctx.store
      .list({ resourceType: LISTENER, accountId: ctx.accountId, region: ctx.region })
      .some((l) => l.resourceId !== item.resourceId && cfg(l).LoadBalancerArn === lbArn && cfg(l).Port === port);
    if (taken)
      fail(SERVICE, "DuplicateListenerException", "A listener already exists on this port for this load balancer");
    next.Port = port;
  }
  if (input.DefaultActions !== undefined) {
    const actions = Array.isArray(input.DefaultActions) ? input.DefaultActions : [];
    if (actions.length === 0) validation("At least one default action must be specified");
    actions.forEach(checkAction);
    next.DefaultActions = copy(actions) as JsonObject[];
  }
  if (input.Certificates !== undefined) {
    const certs = Array.isArray(input.Certificates) ? input.Certificates.filter(isObject) : [];
    if (certs.some((c) => typeof c.CertificateArn !== "string")) validation("A certificate ARN must be specified");
    next.Certificates = certs.map((c) => ({ CertificateArn: c.CertificateArn as string }));
  }
  if (input.AlpnPolicy !== undefined) next.AlpnPolicy = strings(input.AlpnPolicy);
  if (input.SslPolicy !== undefined) {
    const policy = str(input.SslPolicy) ?? "";
    if (!SSL_POLICY.test(policy)) fail(SERVICE, "SSLPolicyNotFoundException", `Policy ${policy} not found`);
    next.SslPolicy = policy;
  }

  if (SECURE.has(String(next.Protocol))) {
    const certs = Array.isArray(next.Certificates) ? next.Certificates : [];
    if (certs.length === 0) validation(`A certificate must be specified for ${String(next.Protocol)} listeners`);
    next.SslPolicy ??= DEFAULT_SSL_POLICY;
  } else {
    if (input.SslPolicy !== undefined || input.Certificates !== undefined) {
      validation(`An SSL policy and certificates can only be specified for HTTPS and TLS listeners`);
    }
    // A listener moved to a plain protocol keeps no policy, certificate or ALPN policy (DescribeListeners shows none).
    delete next.SslPolicy;
    delete next.Certificates;
    delete next.AlpnPolicy;
  }

  const saved = ctx.save(item, (d) => {
    d.configuration = next;
  });
  return { Listeners: [listenerOut(saved)] };
}

// ---- operations ----------------------------------------------------------------------------------------------

/** CloudTrail's `requestParameters` / `responseElements` of an ELB call: every member in lower camel case. */
function elbOperation(
  readOnly: boolean,
  serve: Operation["serve"],
  response?: (output: JsonObject) => JsonObject | null,
): Operation {
  return {
    readOnly,
    serve,
    request: (input) => lowerDeep(input) as JsonObject,
    response: (output) => (response ? response(output) : null),
  };
}

function describeLoadBalancers(input: JsonObject, ctx: OperationContext): JsonObject {
  const arns = strings(input.LoadBalancerArns);
  const names = strings(input.Names);
  if (arns.length > 0 && names.length > 0)
    validation("Load balancer names and load balancer ARNs cannot be specified at the same time");
  let items: ConfigItem[];
  if (arns.length > 0) items = arns.map((a) => lbItem(ctx, a));
  else {
    const all = ctx.store.list({ resourceType: LOAD_BALANCER, accountId: ctx.accountId, region: ctx.region });
    items =
      names.length > 0
        ? names.map((n) => all.find((i) => cfg(i).loadBalancerName === n || i.resourceName === n) ?? lbNotFound())
        : all;
  }
  return { LoadBalancers: items.map(loadBalancerOut) };
}

function describeListeners(input: JsonObject, ctx: OperationContext): JsonObject {
  const arns = strings(input.ListenerArns);
  const lbArn = str(input.LoadBalancerArn);
  if (arns.length > 0 && lbArn)
    validation("Listener ARNs and a load balancer ARN cannot be specified at the same time");
  if (arns.length === 0 && !lbArn) validation("You must specify either listener ARNs or a load balancer ARN");
  if (lbArn) {
    lbItem(ctx, lbArn);
    const listeners = ctx.store
      .list({ resourceType: LISTENER, accountId: ctx.accountId, region: ctx.region })
      .filter((l) => cfg(l).LoadBalancerArn === lbArn);
    return { Listeners: listeners.map(listenerOut) };
  }
  return { Listeners: arns.map((a) => listenerOut(listenerItem(ctx, a))) };
}

function describeTags(input: JsonObject, ctx: OperationContext): JsonObject {
  const arns = strings(input.ResourceArns);
  if (arns.length === 0)
    validation(
      "1 validation error detected: Value null at 'resourceArns' failed to satisfy constraint: Member must not be null",
    );
  const TagDescriptions = arns.map((arn) => {
    const item = arn.includes(":listener/") ? listenerItem(ctx, arn) : lbItem(ctx, arn);
    return { ResourceArn: arn, Tags: Object.entries(item.tags).map(([Key, Value]) => ({ Key, Value })) };
  });
  return { TagDescriptions };
}

function modifyLoadBalancerAttributes(input: JsonObject, ctx: OperationContext): JsonObject {
  const item = lbItem(ctx, required(SERVICE, input, "LoadBalancerArn", "ValidationError"));
  const known = ATTRIBUTES[typeOf(item)] ?? {};
  const given = Array.isArray(input.Attributes) ? input.Attributes : [];
  if (given.length === 0)
    validation(
      "1 validation error detected: Value null at 'attributes' failed to satisfy constraint: Member must not be null",
    );
  const set: Record<string, string> = {};
  for (const a of given) {
    const key = isObject(a) ? str(a.Key) : undefined;
    const value = isObject(a) ? str(a.Value) : undefined;
    if (!key || !(key in known)) fail(SERVICE, "InvalidConfigurationRequestException", `Key ${String(key)} not valid`);
    if (value === undefined || !validValue(key, value)) {
      fail(
        SERVICE,
        "InvalidConfigurationRequestException",
        `Value '${String(value)}' is not valid for attribute '${key}'`,
      );
    }
    set[key] = value;
  }
  const merged = { ...known, ...recordedAttributes(item), ...set };
  for (const kind of ["access_logs", "connection_logs"]) {
    if (merged[`${kind}.s3.enabled`] !== "true") continue;
    const bucket = merged[`${kind}.s3.bucket`] ?? "";
    // ELB checks the bucket when logs are turned on: it must exist (its policy must let ELB write: not modelled).
    if (bucket === "" || ctx.store.find("AWS::S3::Bucket", bucket).length === 0) {
      fail(
        SERVICE,
        "InvalidConfigurationRequestException",
        `Access Denied for bucket: ${bucket}. Please check S3bucket permission`,
      );
    }
  }
  const saved = ctx.save(item, (d) => {
    const recorded = { ...recordedAttributes(item), ...set };
    d.supplementaryConfiguration = {
      ...d.supplementaryConfiguration,
      LoadBalancerAttributes: Object.entries(recorded).map(([key, value]) => ({ key, value })),
    };
  });
  return { Attributes: attributesOut(saved) };
}

export const emulation: ServiceEmulation = {
  serviceId: SERVICE,
  scenarios: true,
  operations: {
    DescribeLoadBalancers: elbOperation(true, describeLoadBalancers),
    DescribeLoadBalancerAttributes: elbOperation(true, (input, ctx) => ({
      Attributes: attributesOut(lbItem(ctx, required(SERVICE, input, "LoadBalancerArn", "ValidationError"))),
    })),
    DescribeListeners: elbOperation(true, describeListeners),
    DescribeTags: elbOperation(true, describeTags),
    ModifyListener: elbOperation(false, modifyListener, (output) => lowerDeep(output) as JsonObject),
    ModifyLoadBalancerAttributes: elbOperation(
      false,
      modifyLoadBalancerAttributes,
      (output) => lowerDeep(output) as JsonObject,
    ),
  },
};
