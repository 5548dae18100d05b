import type { ClientSettings, SdkClient, ServiceDefinition } from "./service";

/**
 * The one place AWS SDK clients are created, for every service module (./services/) and every caller: handlers,
 * live describes, the remediation executor. Every client gets the same settings:
 *  - region: the argument, else AWS_REGION / AWS_DEFAULT_REGION (Lambda sets AWS_REGION), else the SDK's own chain;
 *  - endpoint: GUARDRAIL_AWS_ENDPOINT when set (moto server or another local emulator), else the real endpoint;
 *  - retries: the SDK's adaptive mode (client-side rate limiting on throttling, shared by every call of the
 *    client) with a bounded maxAttempts, GUARDRAIL_AWS_MAX_ATTEMPTS (default 3, at most 10).
 *
 *  - the service's own settings (S3: path-style addressing on an emulator), the local-account seam and the
 *    instrumentation set with `instrumentClients`.
 *
 * Clients are built on first use and kept per service and Region, so a container builds each one once and a
 * handler only pays for the clients it calls. The caller names the service module it imports, so a bundle carries
 * the SDK clients of the services its code uses and no other.
 */

export const DEFAULT_MAX_ATTEMPTS = 3;
const MAX_MAX_ATTEMPTS = 10;

/** The settings every client is built with; read from the environment each time (tests change it). */
export function clientSettings(region?: string, env: NodeJS.ProcessEnv = process.env): ClientSettings {
  const requested = Number.parseInt(env.GUARDRAIL_AWS_MAX_ATTEMPTS ?? "", 10);
  const maxAttempts = Number.isFinite(requested)
    ? Math.min(Math.max(requested, 1), MAX_MAX_ATTEMPTS)
    : DEFAULT_MAX_ATTEMPTS;
  const resolvedRegion = region ?? (env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined);
  const endpoint = env.GUARDRAIL_AWS_ENDPOINT || undefined;
  return {
    ...(resolvedRegion ? { region: resolvedRegion } : {}),
    ...(endpoint ? { endpoint } : {}),
    maxAttempts,
    retryMode: "adaptive",
  };
}

/**
 * The seam that lets a local AWS account (lib/local/account/) answer every call instead of the network: a
 * middleware at the "initialize" step, added to every client built here, asks the
 * router set with `routeClients` and, while one is set, returns its answer without serialising, signing or sending
 * anything. The SDK command objects, their inputs and the client's own checks before "initialize" are the real ones.
 * Without a router the middleware only calls the next one.
 */
export interface RoutedCommand {
  /** `client.config.serviceId`: "API Gateway", "SQS", "SNS", "S3", "Config Service", "DynamoDB", "Lambda", ... */
  service: string;
  /** Command name without the `Command` suffix. */
  operation: string;
  /** The command's input, as the SDK built it. */
  input: Record<string, unknown>;
  /** The client's Region (undefined when the client has none configured). */
  region: string | undefined;
}

/** Answers one command: the output object as the SDK returns it ($metadata included), or throws the service's exception. */
export type CommandRouter = (command: RoutedCommand) => Promise<Record<string, unknown>>;

let router: CommandRouter | undefined;

/** Routes every client built by this module to `r`; undefined sends to AWS again. */
export function routeClients(r: CommandRouter | undefined): void {
  router = r;
}

const ROUTING_MIDDLEWARE = "guardrailLocalRouting";

interface RoutableClient {
  middlewareStack: unknown;
  config: unknown;
}

interface MiddlewareStackLike {
  add(middleware: unknown, options: Record<string, unknown>): void;
}

async function clientRegion(config: { region?: unknown }): Promise<string | undefined> {
  try {
    const r = typeof config.region === "function" ? await (config.region as () => Promise<unknown>)() : config.region;
    return typeof r === "string" && r !== "" ? r : undefined;
  } catch {
    return undefined; // no Region configured: the router uses its own default
  }
}

/**
 * Adds the routing middleware to one client: while `current()` returns a router, every command is answered by it.
 * Adding it twice replaces the first (same name, override); add it when the client is built, before its first call.
 */
export function addRouting<C extends RoutableClient>(client: C, current: () => CommandRouter | undefined): C {
  const config = client.config as { serviceId?: string; region?: unknown; cacheMiddleware?: boolean };
  const stack = client.middlewareStack as MiddlewareStackLike;
  // The SDK's documented `cacheMiddleware`: the stack is resolved once per command class instead of on every send
  // (no Guardrail code changes a stack after its first call; routing and instrumentation are added here, at build).
  config.cacheMiddleware ??= true;
  // A client's Region never changes once it is built: resolved on its first routed call only.
  let region: Promise<string | undefined> | undefined;
  stack.add(
    (next: (args: { input: Record<string, unknown> }) => Promise<unknown>, context: { commandName?: string }) =>
      async (args: { input: Record<string, unknown> }) => {
        const serve = current();
        if (!serve) return next(args);
        const output = await serve({
          service: config.serviceId ?? "",
          operation: (context.commandName ?? "").replace(/Command$/, ""),
          input: args.input,
          region: await (region ??= clientRegion(config)),
        });
        return { output, response: undefined };
      },
    { step: "initialize", name: ROUTING_MIDDLEWARE, priority: "high", override: true },
  );
  return client;
}

type Instrument = <C>(client: C) => C;
let instrument: Instrument | undefined;

/**
 * Wraps every client created from now on, e.g. `instrumentClients((c) => tracer.captureAWSv3Client(c))` at a
 * handler's module scope, so that every AWS call appears in its X-Ray trace.
 */
export function instrumentClients(fn: Instrument | undefined): void {
  instrument = fn;
}

const clients = new Map<string, SdkClient>();

/** The client of a service (./services/<name>.ts `service`) for a Region (omitted: the environment's). */
export function clientFor<C extends SdkClient>(service: ServiceDefinition<C>, region?: string): C {
  // The key from the two variables it needs (handlers ask for a client on every call; settings only on a miss).
  const env = process.env;
  const key = `${service.name}|${region ?? (env.AWS_REGION || env.AWS_DEFAULT_REGION || "")}|${env.GUARDRAIL_AWS_ENDPOINT || ""}`;
  let client = clients.get(key) as C | undefined;
  if (client === undefined) {
    const settings = clientSettings(region);
    client = addRouting(new service.client({ ...settings, ...service.clientConfig?.(settings) }), () => router);
    if (instrument) client = instrument(client);
    clients.set(key, client);
  }
  return client;
}

/** Destroys and forgets every client built so far (tests that change the environment, a process shutting down). */
export function resetClients(): void {
  for (const c of clients.values()) c.destroy();
  clients.clear();
}

/** The router set with `routeClients`, if any (for clients built outside this module, e.g. by a bench). */
export function currentRouter(): CommandRouter | undefined {
  return router;
}
