import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ConfigItem } from "../resources/config-item";
import { isObject, unescapePointerToken } from "../util/json";
import { packageRoot } from "../util/package-root";
import type { LocalAccountApi, Principal } from "./account/contract";
import { principalCatalogue, type PrincipalName } from "./account/principals";
import { EMULATIONS } from "./account/services";
import { sdkPackages, type SdkPackage } from "./sdk-packages";

/**
 * A scenario (`guardrail demo --changes FILE`; the default is lib/local/scenarios/day.json): a list of SDK calls,
 * each made by a named principal of the account, sent through a real SDK client routed to the local account.
 * A call names its resource directly in `input`, or through `target` (a resource type and a policy it complies
 * with now; its values fill {resourceId}, {resourceName}, {arn}, {restApiId}, {stageName}, {region},
 * {accountId}). A call that must read before it writes (CloudFront's UpdateDistribution needs the ETag and the whole
 * configuration of a GetDistributionConfig made just before: CloudFront API Reference, UpdateDistribution) names
 * the `read` call; `{read:Member}` in its input is that member of the read's output (the whole value when the
 * string is nothing else), and `set` then replaces values at JSON pointers into the input. Errors name the file and
 * the JSON pointer.
 */

export interface ScenarioCall {
  time?: string;
  description?: string;
  principal: PrincipalName;
  service: string;
  operation: string;
  target?: { resourceType: string; compliantWith?: string };
  input: Record<string, unknown>;
  /** An operation of the same service sent first, as the same principal; its output fills `{read:Member}`. */
  read?: { operation: string; input: Record<string, unknown> };
  /** JSON pointers into the filled input, and the values they get. */
  set?: Record<string, unknown>;
  /** The id of the resource the call changes when it is not the target (a call that creates one), filled. */
  changes?: string;
}

export class ScenarioError extends Error {
  constructor(file: string, pointer: string, message: string) {
    super(`${file}: ${pointer || "(file)"}: ${message}`);
    this.name = "ScenarioError";
  }
}

/** The services a team's scenario may call (Config and EventBridge are Guardrail's own side of the account). */
const SCENARIO_SERVICES = new Set(EMULATIONS.filter((e) => e.scenarios).map((e) => e.serviceId));

function scenarioServices(): Record<string, { pkg: SdkPackage; client: string }> {
  return Object.fromEntries(Object.entries(sdkPackages()).filter(([id]) => SCENARIO_SERVICES.has(id)));
}

const PRINCIPALS: readonly string[] = ["guardrail", "ci-deploy", "console", "root"];

export const DEFAULT_SCENARIO = () => join(packageRoot(), "lib", "local", "scenarios", "day.json");

export function loadScenario(file: string): ScenarioCall[] {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new ScenarioError(file, "", (e as Error).message);
  }
  if (!isObject(doc) || !Array.isArray(doc.calls)) throw new ScenarioError(file, "/calls", "must be a list of calls");
  return doc.calls.map((c, i) => {
    const at = `/calls/${i}`;
    if (!isObject(c)) throw new ScenarioError(file, at, "must be an object");
    if (typeof c.principal !== "string" || !PRINCIPALS.includes(c.principal)) {
      throw new ScenarioError(file, `${at}/principal`, `must be one of ${PRINCIPALS.join(", ")}`);
    }
    const services = scenarioServices();
    const service = Object.hasOwn(services, String(c.service)) ? services[String(c.service)] : undefined;
    if (!service) throw new ScenarioError(file, `${at}/service`, `must be one of ${Object.keys(services).join(", ")}`);
    if (typeof c.operation !== "string" || typeof service.pkg[`${c.operation}Command`] !== "function") {
      throw new ScenarioError(file, `${at}/operation`, `${String(c.service)} has no operation ${String(c.operation)}`);
    }
    if (!isObject(c.input)) throw new ScenarioError(file, `${at}/input`, "must be the command's input object");
    if (c.target !== undefined && (!isObject(c.target) || typeof c.target.resourceType !== "string")) {
      throw new ScenarioError(file, `${at}/target`, "must be {resourceType, compliantWith?}");
    }
    if (c.read !== undefined) {
      if (!isObject(c.read) || !isObject(c.read.input)) {
        throw new ScenarioError(file, `${at}/read`, "must be {operation, input}");
      }
      if (typeof c.read.operation !== "string" || typeof service.pkg[`${c.read.operation}Command`] !== "function") {
        throw new ScenarioError(file, `${at}/read/operation`, `${String(c.service)} has no operation ${String(c.read.operation)}`); // prettier-ignore
      }
    }
    if (c.changes !== undefined && typeof c.changes !== "string") {
      throw new ScenarioError(file, `${at}/changes`, "must be the id of the resource the call changes");
    }
    if (c.set !== undefined) {
      if (!isObject(c.set))
        throw new ScenarioError(file, `${at}/set`, "must map JSON pointers into the input to values");
      for (const pointer of Object.keys(c.set)) {
        if (!/^(\/[^/]+)+$/.test(pointer)) {
          throw new ScenarioError(file, `${at}/set`, `"${pointer}" is not a JSON pointer into the input (/Member/...)`);
        }
      }
    }
    return c as unknown as ScenarioCall;
  });
}

function fill(value: unknown, vars: Record<string, string>): unknown {
  if (typeof value === "string") return value.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);
  if (Array.isArray(value)) return value.map((v) => fill(v, vars));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, vars)]));
  return value;
}

export function variablesOf(item: ConfigItem): Record<string, string> {
  const stage = /\/restapis\/([^/]+)\/stages\/([^/]+)$/.exec(item.resourceId);
  return {
    resourceId: item.resourceId,
    resourceName: item.resourceName ?? item.resourceId,
    arn: item.arn ?? "",
    region: item.region,
    accountId: item.accountId,
    restApiId: stage?.[1] ?? "",
    stageName: stage?.[2] ?? "",
  };
}

export interface PreparedCall {
  call: ScenarioCall;
  item?: ConfigItem;
  principal: Principal;
  region: string;
  input: Record<string, unknown>;
  /** The target's values, for the `read` call's input. */
  vars?: Record<string, string>;
  /** The id of the resource the call changes: `changes` filled, else the target's. */
  resourceId?: string;
}

/**
 * Resolves each call's target (a resource not yet used, in the home account first, that `isCompliant` says
 * complies with the policy) and fills its input.
 */
export function prepareCalls(
  calls: ScenarioCall[],
  account: LocalAccountApi,
  isCompliant: (policyId: string, item: ConfigItem) => boolean,
): PreparedCall[] {
  const used = new Set<string>();
  return calls.map((call) => {
    let item: ConfigItem | undefined;
    if (call.target) {
      const candidates = account
        .configItems({ resourceType: call.target.resourceType })
        .filter((i) => !i.status.startsWith("ResourceDeleted"))
        .sort((a, b) => Number(b.accountId === account.accountId) - Number(a.accountId === account.accountId));
      item = candidates.find(
        (i) =>
          !used.has(`${i.resourceType}\n${i.resourceId}`) &&
          (call.target?.compliantWith === undefined || isCompliant(call.target.compliantWith, i)),
      );
      if (!item) throw new Error(`no ${call.target.resourceType} complies with ${call.target.compliantWith} to change`);
      used.add(`${item.resourceType}\n${item.resourceId}`);
    }
    const vars = item ? variablesOf(item) : {};
    const accountId = item?.accountId ?? account.accountId;
    return {
      call,
      item,
      principal: principalCatalogue(accountId)[call.principal],
      region: item?.region ?? account.region,
      input: fill(call.input, vars) as Record<string, unknown>,
      vars,
      ...(call.changes !== undefined || item ? { resourceId: call.changes !== undefined ? (fill(call.changes, vars) as string) : item?.resourceId } : {}), // prettier-ignore
    };
  });
}

type Sendable = { send(command: unknown): Promise<unknown>; destroy(): void; middlewareStack: unknown };

/** The team's SDK clients, one per account, service and Region, built on first use (as a team's tooling keeps its). */
const teamClients = new WeakMap<LocalAccountApi, Map<string, Sendable>>();

/**
 * Sends one prepared call through a real SDK client attached to the account (as its principal: see LocalLoop.play),
 * after its `read`, when it has one.
 */
export async function sendCall(account: LocalAccountApi, p: PreparedCall): Promise<unknown> {
  const service = scenarioServices()[p.call.service] as { pkg: SdkPackage; client: string };
  const command = (operation: string) => service.pkg[`${operation}Command`] as new (input: object) => unknown;
  let clients = teamClients.get(account);
  if (!clients) teamClients.set(account, (clients = new Map()));
  const key = `${p.call.service}|${p.region}`;
  let client = clients.get(key);
  if (!client) {
    const Client = service.pkg[service.client] as new (c: object) => Sendable;
    client = account.attachClient(new Client({ region: p.region }));
    clients.set(key, client);
  }
  let input = p.input;
  if (p.call.read) {
    const Read = command(p.call.read.operation);
    const readInput = fill(p.call.read.input, p.vars ?? {}) as Record<string, unknown>;
    const output = (await client.send(new Read(readInput))) as Record<string, unknown>;
    input = withRead(input, output) as Record<string, unknown>;
  }
  if (p.call.set) input = withSet(input, p.call.set);
  return client.send(new (command(p.call.operation))(input));
}

/** `{read:Member}` replaced by that member of the read's output: the value itself when the string is nothing else. */
function withRead(value: unknown, output: Record<string, unknown>): unknown {
  if (typeof value === "string") {
    const whole = /^\{read:(\w+)\}$/.exec(value);
    if (whole) return structuredClone(output[whole[1] as string]);
    return value.replace(/\{read:(\w+)\}/g, (m, k: string) =>
      typeof output[k] === "string" ? (output[k] as string) : m,
    );
  }
  if (Array.isArray(value)) return value.map((v) => withRead(v, output));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withRead(v, output)]));
  return value;
}

/** The input with each JSON pointer's value replaced (objects on the way must exist: a wrong path is an error). */
function withSet(input: Record<string, unknown>, set: Record<string, unknown>): Record<string, unknown> {
  const out = structuredClone(input);
  for (const [pointer, value] of Object.entries(set)) {
    const path = pointer.slice(1).split("/").map(unescapePointerToken);
    let at: unknown = out;
    for (const key of path.slice(0, -1)) {
      at = isObject(at) || Array.isArray(at) ? (at as Record<string, unknown>)[key] : undefined;
    }
    if (!isObject(at) && !Array.isArray(at)) throw new Error(`set ${pointer}: no such place in the call's input`);
    (at as Record<string, unknown>)[path[path.length - 1] as string] = value;
  }
  return out;
}
