import type { ConfigItem } from "../../../resources/config-item";
import { isObject, type JsonObject } from "../../../util/json";
import { copy, fail, lowerDeep, type Operation, type OperationContext, type ServiceEmulation } from "./types";

/**
 * Lambda function configuration. Config records GetFunctionConfiguration in camelCase (`functionName`,
 * `tracingConfig.mode`, `kmsKeyArn`), the resource policy as `supplementaryConfiguration.Policy` and reserved
 * concurrency as `supplementaryConfiguration.Concurrency` (lib/resources/types/aws-lambda-function.ts); the API
 * answers in PascalCase. CloudTrail names Lambda's events with the API version they belong to
 * (`UpdateFunctionConfiguration20150331v2`, `GetPolicy20150331v2`, `ListTags20170331`, ...).
 */

const SERVICE = "Lambda";
const FUNCTION = "AWS::Lambda::Function";

/** Config's camelCase member -> the API's name, where it is not just the first letter upper-cased. */
const API_NAMES: Record<string, string> = { kmsKeyArn: "KMSKeyArn", kmskeyArn: "KMSKeyArn" };

function toApi(value: unknown, key?: string): unknown {
  if (Array.isArray(value)) return value.map((v) => toApi(v));
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null || v === undefined) continue;
    const name = API_NAMES[k] ?? k.charAt(0).toUpperCase() + k.slice(1);
    // Environment variable names are the owner's: kept as they are.
    out[name] = key === "environment" && k === "variables" ? v : toApi(v, k);
  }
  return out;
}

/** FunctionName: a name, a partial ARN (account:function:name) or a full ARN, maybe qualified ($LATEST). */
function functionItem(ctx: OperationContext, input: JsonObject): ConfigItem {
  const given =
    typeof input.FunctionName === "string"
      ? input.FunctionName
      : typeof input.Resource === "string"
        ? input.Resource
        : "";
  const m =
    /^(?:arn:aws[a-z-]*:lambda:([a-z0-9-]+):)?(?:(\d{12}):)?(?:function:)?([A-Za-z0-9_-]+)(?::(\$LATEST|[A-Za-z0-9_-]+))?$/.exec(
      given,
    );
  const region = m?.[1] ?? ctx.region;
  const account = m?.[2] ?? ctx.accountId;
  const arn = `arn:aws:lambda:${region}:${account}:function:${m?.[3] ?? given}`;
  const item = m && account === ctx.accountId ? ctx.store.get(FUNCTION, account, region, m[3] as string) : undefined;
  return item ?? fail(SERVICE, "ResourceNotFoundException", `Function not found: ${arn}`, 404);
}

function configurationOut(item: ConfigItem): JsonObject {
  return toApi(item.configuration ?? {}) as JsonObject;
}

const TRACING = new Set(["Active", "PassThrough"]);

function invalid(message: string): never {
  fail(SERVICE, "InvalidParameterValueException", message);
}

/** UpdateFunctionConfiguration members applied to the item (the API's names -> Config's). */
function applyUpdate(c: JsonObject, input: JsonObject): void {
  if (input.TracingConfig !== undefined) {
    const mode = isObject(input.TracingConfig) ? input.TracingConfig.Mode : undefined;
    if (typeof mode !== "string" || !TRACING.has(mode)) {
      invalid(
        `1 validation error detected: Value '${String(mode)}' at 'tracingConfig.mode' failed to satisfy constraint: Member must satisfy enum value set: [Active, PassThrough]`,
      );
    }
    c.tracingConfig = { mode };
  }
  if (input.Timeout !== undefined) {
    const t = input.Timeout;
    if (typeof t !== "number" || !Number.isInteger(t) || t < 1 || t > 900)
      invalid("Timeout must be between 1 and 900 seconds");
    c.timeout = t;
  }
  if (input.MemorySize !== undefined) {
    const m = input.MemorySize;
    if (typeof m !== "number" || !Number.isInteger(m) || m < 128 || m > 10240)
      invalid("MemorySize must be between 128 and 10240 MB");
    c.memorySize = m;
  }
  for (const [api, cfgName] of [
    ["Description", "description"],
    ["Handler", "handler"],
    ["Runtime", "runtime"],
    ["Role", "role"],
    ["KMSKeyArn", "kmsKeyArn"],
  ] as const) {
    if (typeof input[api] === "string") c[cfgName] = input[api];
  }
  if (isObject(input.Environment)) {
    c.environment = { variables: isObject(input.Environment.Variables) ? { ...input.Environment.Variables } : {} };
  }
}

const op = (readOnly: boolean, eventName: string, serve: Operation["serve"], response = false): Operation => ({
  readOnly,
  eventName,
  serve,
  request: (input) => lowerDeep(input, new Set(["Variables"])) as JsonObject,
  response: (output) => (response ? (lowerDeep(output, new Set(["Variables"])) as JsonObject) : null),
});

export const emulation: ServiceEmulation = {
  serviceId: SERVICE,
  scenarios: true,
  operations: {
    GetFunctionConfiguration: op(true, "GetFunctionConfiguration20150331v2", (input, ctx) =>
      configurationOut(functionItem(ctx, input)),
    ),
    GetPolicy: op(true, "GetPolicy20150331v2", (input, ctx) => {
      const item = functionItem(ctx, input);
      const policy = item.supplementaryConfiguration.Policy;
      if (policy === undefined || policy === null) {
        fail(SERVICE, "ResourceNotFoundException", "The resource you requested does not exist.", 404);
      }
      const text = typeof policy === "string" ? policy : JSON.stringify(policy);
      const revision = item.configuration?.revisionId;
      return { Policy: text, ...(typeof revision === "string" ? { RevisionId: revision } : {}) };
    }),
    GetFunctionConcurrency: op(true, "GetFunctionConcurrency20190930", (input, ctx) => {
      const c = functionItem(ctx, input).supplementaryConfiguration.Concurrency;
      const n = isObject(c) ? Number(c.reservedConcurrentExecutions) : Number.NaN;
      return Number.isFinite(n) ? { ReservedConcurrentExecutions: n } : {};
    }),
    ListTags: op(true, "ListTags20170331", (input, ctx) => ({ Tags: { ...functionItem(ctx, input).tags } })),
    UpdateFunctionConfiguration: op(
      false,
      "UpdateFunctionConfiguration20150331v2",
      (input, ctx) => {
        const item = functionItem(ctx, input);
        const current = item.configuration?.revisionId;
        if (typeof input.RevisionId === "string" && input.RevisionId !== current) {
          fail(
            SERVICE,
            "PreconditionFailedException",
            "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id",
            412,
          );
        }
        const c = copy(item.configuration ?? {});
        applyUpdate(c, input);
        // The update is asynchronous in AWS (LastUpdateStatus InProgress, then Successful); the local account
        // applies it at once and reports the end state.
        c.revisionId = ctx.nextId("revision");
        c.lastModified = ctx.now.toISOString().replace("Z", "+0000");
        c.lastUpdateStatus = "Successful";
        c.state = c.state ?? "Active";
        return configurationOut(ctx.save(item, (d) => (d.configuration = c)));
      },
      true,
    ),
  },
};
