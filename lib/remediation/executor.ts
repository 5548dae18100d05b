import { clientFor } from "../aws/clients";
import type { CommandClass, OperationTable, ServiceDefinition } from "../aws/service";
import { addedGeneration, addedServiceModules } from "../aws/added";
import { OPERATION_LOADERS } from "../aws/services/loaders";
import { isObject } from "../util/json";
import type { AwsCall } from "./types";

/**
 * The one place remediation calls are sent. Plans are data (AwsCall[]); this maps each call to its SDK command
 * class (the `write` operations of the service modules, lib/aws/services/) and sends it with the service's client
 * (lib/aws/clients.ts), in order.
 *  - Dry run: nothing is sent; every call comes back as "planned".
 *  - The whole list is checked first (known service and operation, an input object), so a malformed plan sends
 *    nothing at all.
 *  - The first failure stops the sequence. The report lists what was done, the call that failed with its error,
 *    and what was not run: a partly applied fix is never reported as done (`ok` is false).
 */

interface Sendable {
  command: CommandClass;
  service: ServiceDefinition;
}

type Writes = Map<string, Sendable>;

/** The `write` operations of one table, by operation, with their command class and the client's service. */
function writesOf(tables: readonly OperationTable[], serviceName: string): Writes {
  const byOperation: Writes = new Map();
  for (const table of tables) {
    for (const [operation, op] of Object.entries(table)) {
      if ((op.access !== "write" && op.access !== "restore") || !op.command || !op.service) continue;
      if (op.service.name !== serviceName) continue;
      if (byOperation.has(operation)) throw new Error(`two service modules send ${serviceName}:${operation}`);
      byOperation.set(operation, { command: op.command, service: op.service });
    }
  }
  return byOperation;
}

const builtIn = new Map<string, Promise<Writes>>();
let added: { map: Map<string, Writes>; generation: number } | undefined;

/** Extension packs' writes (lib/aws/added.ts), by service; a service both built in and added is an error. */
function addedWrites(): Map<string, Writes> {
  if (!added || added.generation !== addedGeneration()) {
    const tables = addedServiceModules().map((m) => m.operations);
    const names = new Set(addedServiceModules().map((m) => m.service.name));
    const map = new Map<string, Writes>();
    for (const name of names) {
      if (Object.hasOwn(OPERATION_LOADERS, name)) throw new Error(`two service modules named ${name}`);
      map.set(name, writesOf(tables, name));
    }
    added = { map, generation: addedGeneration() };
  }
  return added.map;
}

/**
 * operation -> what the executor sends for one service: the `write` operations of its service module, with the
 * command class and the service whose client sends it. A built-in service's module (its SDK commands and client) is
 * loaded when a plan first names it (lib/aws/services/loaders.ts), so a worker loads the clients of the services it
 * fixes, not of every service it could fix. Undefined for a service no module declares.
 */
async function writes(service: string): Promise<Writes | undefined> {
  const fromPack = addedWrites().get(service);
  if (fromPack) return fromPack;
  if (!Object.hasOwn(OPERATION_LOADERS, service)) return undefined;
  let byOperation = builtIn.get(service);
  if (!byOperation) {
    const load = OPERATION_LOADERS[service] as () => Promise<OperationTable>;
    byOperation = load().then((table) => writesOf([table], service));
    builtIn.set(service, byOperation);
    // A failed load (a chunk missing from a broken deployment) is tried again by the next plan, not cached.
    byOperation.catch(() => builtIn.delete(service));
  }
  return byOperation;
}

/** service -> operation -> SDK command class: every operation a plan may name (loads every service module). */
export async function executorCommands(): Promise<Record<string, Record<string, CommandClass>>> {
  const out: Record<string, Record<string, CommandClass>> = {};
  for (const service of [...Object.keys(OPERATION_LOADERS), ...addedWrites().keys()]) {
    const byOperation = (await writes(service)) ?? new Map<string, Sendable>();
    if (byOperation.size > 0) out[service] = Object.fromEntries([...byOperation].map(([op, s]) => [op, s.command]));
  }
  return out;
}

export type CallStatus = "planned" | "done" | "failed" | "not-run";

export interface CallError {
  /** The AWS error code (e.g. AccessDeniedException), or the JavaScript error's name. */
  name: string;
  message: string;
  httpStatusCode?: number;
  requestId?: string;
  /** "client" or "server", as the SDK classifies it. */
  fault?: string;
}

export interface CallResult {
  call: AwsCall;
  status: CallStatus;
  /** The AWS request id of a call that was sent. */
  requestId?: string;
  /** The response, without the SDK's $metadata. */
  output?: Record<string, unknown>;
  error?: CallError;
  durationMs?: number;
}

export interface ExecutionReport {
  dryRun: boolean;
  /** Every call done (or, in a dry run, planned). false as soon as one call failed. */
  ok: boolean;
  /** One result per call, in plan order. */
  results: CallResult[];
  /** The calls that were sent and succeeded, in order: what a partial failure left applied. */
  done: AwsCall[];
  /** The call that stopped the sequence. */
  failure?: { index: number; call: AwsCall; error: CallError };
}

/** Anything with the SDK client's `send`. */
export interface SendingClient {
  send(command: object): Promise<unknown>;
}

export interface ExecuteOptions {
  dryRun?: boolean;
  /** Region of the clients (the resource's); omitted, the SDK's default. */
  region?: string;
  /** Clients to use instead of lib/aws/clients.ts's (e.g. with assumed-role credentials). */
  client?: (service: string) => SendingClient;
}

/** The writes of every service the calls name, loaded once each (a service no module declares: none). */
async function writesFor(calls: readonly AwsCall[]): Promise<Map<string, Writes>> {
  const names = [...new Set(calls.map((c) => c.service).filter((s): s is string => typeof s === "string"))];
  const loadedWrites = await Promise.all(names.map((name) => writes(name)));
  const out = new Map<string, Writes>();
  names.forEach((name, i) => {
    const w = loadedWrites[i];
    if (w) out.set(name, w);
  });
  return out;
}

function sendableOf(call: AwsCall, byService: Map<string, Writes>): Sendable | undefined {
  return typeof call.service === "string" && typeof call.operation === "string"
    ? byService.get(call.service)?.get(call.operation)
    : undefined;
}

function invalid(call: AwsCall, byService: Map<string, Writes>): CallError | undefined {
  if (!sendableOf(call, byService)) {
    return {
      name: "UnknownOperation",
      message: `${call.service}:${call.operation} is not an operation the executor sends`,
    };
  }
  if (!isObject(call.input))
    return { name: "InvalidInput", message: `${call.service}:${call.operation} input is not an object` };
  return undefined;
}

export function toCallError(e: unknown): CallError {
  if (!isObject(e)) return { name: "Error", message: String(e) };
  const meta = isObject(e.$metadata) ? e.$metadata : {};
  const out: CallError = {
    name: typeof e.name === "string" ? e.name : "Error",
    message: typeof e.message === "string" ? e.message : String(e),
  };
  if (typeof meta.httpStatusCode === "number") out.httpStatusCode = meta.httpStatusCode;
  if (typeof meta.requestId === "string") out.requestId = meta.requestId;
  if (typeof e.$fault === "string") out.fault = e.$fault;
  return out;
}

/** Sends the calls in order (or, with dryRun, only returns them); see the module comment for the guarantees. */
export async function execute(calls: readonly AwsCall[], options: ExecuteOptions = {}): Promise<ExecutionReport> {
  const dryRun = options.dryRun === true;
  const byService = await writesFor(calls);
  const badIndex = calls.findIndex((c) => invalid(c, byService) !== undefined);
  if (badIndex >= 0) {
    const call = calls[badIndex] as AwsCall;
    const error = invalid(call, byService) as CallError;
    return {
      dryRun,
      ok: false,
      results: calls.map((c, i) =>
        i === badIndex ? { call: c, status: "failed", error } : { call: c, status: "not-run" },
      ),
      done: [],
      failure: { index: badIndex, call, error },
    };
  }
  if (dryRun) {
    return { dryRun, ok: true, results: calls.map((call) => ({ call, status: "planned" })), done: [] };
  }

  const results: CallResult[] = [];
  const done: AwsCall[] = [];
  for (let i = 0; i < calls.length; i++) {
    const call = calls[i] as AwsCall;
    const { command: Command, service } = sendableOf(call, byService) as Sendable;
    const started = Date.now();
    try {
      const client = options.client ? options.client(call.service) : clientFor(service, options.region);
      const response = await client.send(new Command(call.input));
      const { $metadata, ...output } = (isObject(response) ? response : {}) as Record<string, unknown>;
      const requestId =
        isObject($metadata) && typeof $metadata.requestId === "string" ? $metadata.requestId : undefined;
      results.push({
        call,
        status: "done",
        ...(requestId ? { requestId } : {}),
        output,
        durationMs: Date.now() - started,
      });
      done.push(call);
    } catch (e) {
      const error = toCallError(e);
      results.push({ call, status: "failed", error, durationMs: Date.now() - started });
      for (const rest of calls.slice(i + 1)) results.push({ call: rest, status: "not-run" });
      return { dryRun, ok: false, results, done, failure: { index: i, call, error } };
    }
  }
  return { dryRun, ok: true, results, done };
}
