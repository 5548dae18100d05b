import { AsyncLocalStorage } from "node:async_hooks";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { generateFleet, type FleetScope } from "../../../fleet/generate";
import { fleetAccounts } from "../../../fleet/resources";
import { FLEET_REGIONS } from "../../../fleet/model";
import { addRouting, currentRouter, routeClients, type CommandRouter, type RoutedCommand } from "../../aws/clients";
import { serviceModules } from "../../aws/registry";
import type { ConfigItem } from "../../resources/config-item";
import { resourceAdapters } from "../../resources/registry";
import type { JsonObject } from "../../util/json";
import type { CallContext, CommandServer, ItemRef, LocalAccountApi, Principal } from "./contract";
import { errorCodeOf, isAwsError } from "./errors";
import { guardrailRole } from "./principals";
import { EMULATIONS } from "./services";
import { copy, lowerTop, type Operation, type OperationContext, type ServiceEmulation } from "./services/types";
import { ItemStore, revised } from "./store";
import { FileWriter } from "../disk";
import { cloudTrailRecord, stableIdSequence, stableUuid, trailFiles, uniqueString } from "./trail";
import { writeFileAtomic } from "../../util/atomic-file";

/**
 * Whether the local account serves a resource's service (an emulation under ./services/ answers its describes and
 * fixes). A fleet of the whole architecture is loaded with the types it serves; the rest (ECS, ElastiCache, KMS,
 * ...) would only fill the dead-letter queue, and the snapshot scan judges them anyway.
 */
function servedHere(item: ConfigItem): boolean {
  const service = resourceAdapters().get(item.resourceType)?.service;
  const serviceId = service === undefined ? undefined : serviceModules().get(service)?.service.serviceId;
  return serviceId !== undefined && EMULATIONS.some((e) => e.serviceId === serviceId);
}

/**
 * The local AWS account: the sample fleet as Config items, answering the SDK calls Guardrail makes
 * through the seam of lib/aws/clients.ts, each call recorded as CloudTrail would. See ./contract.ts for the API
 * and docs/local-account.md for what is served and how faithfully.
 */

/** Every service the account serves (./services/, listed in its index.ts). */
const MODULES: readonly ServiceEmulation[] = EMULATIONS;

/**
 * CloudTrail eventSource of every service module's calls, by serviceId (lib/aws/services/); a service without a
 * module (STS, IAM) records as `<service>.amazonaws.com`.
 */
const eventSources = once(
  () => new Map([...serviceModules().values()].map(({ service }) => [service.serviceId, service.eventSource])),
);

/**
 * Operations CloudTrail logs as data events, which a management-events trail (the organisation trail audit reads)
 * does not contain: served, but not recorded. CloudTrail User Guide, "Logging data events" (S3 object, DynamoDB
 * item, SNS Publish, SQS message, Lambda Invoke APIs).
 */
const DATA_EVENTS = new Set([
  "S3|GetObject",
  "S3|PutObject",
  "S3|DeleteObject",
  "S3|HeadObject",
  "S3|DeleteObjects",
  "DynamoDB|GetItem",
  "DynamoDB|PutItem",
  "DynamoDB|UpdateItem",
  "DynamoDB|DeleteItem",
  "DynamoDB|Query",
  "DynamoDB|Scan",
  "DynamoDB|BatchGetItem",
  "DynamoDB|BatchWriteItem",
  "DynamoDB|TransactGetItems",
  "DynamoDB|TransactWriteItems",
  "SNS|Publish",
  "SNS|PublishBatch",
  "SQS|SendMessage",
  "SQS|SendMessageBatch",
  "SQS|ReceiveMessage",
  "SQS|DeleteMessage",
  "SQS|DeleteMessageBatch",
  "SQS|ChangeMessageVisibility",
  "SQS|ChangeMessageVisibilityBatch",
  "Lambda|Invoke",
]);

/**
 * Errors that mean "not in this account" (the resource is unknown here, or belongs to another account): outside
 * `as`, the call is tried in the next account. Each service module's not-found errors, and the refusals of a
 * resource of another account (S3's AccessDenied, SNS's AuthorizationError).
 */
const elsewhere = once(
  () =>
    new Set([
      ...[...serviceModules().values()].flatMap(({ service }) => service.notFound),
      "AccessDenied",
      "AuthorizationErrorException",
    ]),
);

function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

type Attempt = { output: Record<string, unknown>; record: () => void } | { error: Error; record: () => void };

const READ_PREFIX = /^(Get|List|Describe|Select|BatchGet|Lookup|Head)/;

export interface OpenOptions {
  /** Where the account keeps its state: `config/` (Config snapshots), `trail/` (CloudTrail), `account.json`. */
  stateDir: string;
  /**
   * When the state directory holds no account yet: generate the sample fleet (fleet/generate.ts) into
   * `<stateDir>/fleet` and start from its snapshots. Ignored when state exists (the account carries on).
   */
  fleet?: { services: number; seed: number; violationRate?: number; scope?: FleetScope };
  /** The account's clock (default: the system's). Calls, records and item capture times read it. */
  clock?: () => Date;
  /** Organisation id of the trail's layout (default derived from the seed). */
  orgId?: string;
  /** Seed of the ids the account makes (eventID, requestID, revisions); same seed, same ids. */
  idSeed?: string;
  /**
   * Records held before they are delivered as a log file on their own (CloudTrail delivers every few minutes, not
   * at the end of a run), so a long run's memory stays flat. Default 5000.
   */
  deliverEvery?: number;
}

interface AccountFile {
  accountId: string;
  region: string;
  orgId: string;
  idSeed: string;
  counter: number;
  /** Log files written so far (their unique strings continue from here). */
  files: number;
  /** The account clock's time when the state was last saved (ISO 8601): a later run carries on from it. */
  time?: string;
}

export class LocalAccount implements LocalAccountApi {
  readonly stateDir: string;
  readonly accountId: string;
  readonly region: string;
  readonly orgId: string;
  /** The clock's time when the state was last saved, when there was state (account.json's `time`). */
  readonly savedTime?: Date;
  private readonly store: ItemStore;
  private readonly clock: () => Date;
  private readonly idSeed: string;
  private counter: number;
  private readonly ids: (n: number, kind: string) => string;
  private readonly operations = new Map<string, { module: ServiceEmulation; operation: Operation }>();
  private readonly custom = new Map<string, CommandServer>();
  private readonly principal = new AsyncLocalStorage<Principal>();
  private readonly listeners = new Set<(record: JsonObject) => void>();
  private readonly itemListeners = new Set<(item: ItemRef) => void>();
  private pending: JsonObject[] = [];
  private filesWritten: number;
  /** Writes the log files (gzipped) off the loop's thread. */
  private readonly trailWriter = new FileWriter();
  /** Files written by deliveries since the last flushTrail. */
  private delivered: string[] = [];
  private readonly deliverEvery: number;
  /**
   * Calls served and the real time spent serving them (ms, the servers the pipeline registered included), by
   * "service|operation": what the loop bench attributes to the local account and transports.
   */
  readonly callTimes = new Map<string, { calls: number; ms: number }>();
  /** The router the seam calls: bound once, so attach/detach can tell whether it is still ours. */
  readonly router: CommandRouter = (command) => this.dispatch(command);

  private constructor(o: {
    stateDir: string;
    store: ItemStore;
    file: AccountFile;
    clock?: () => Date;
    deliverEvery?: number;
  }) {
    this.stateDir = o.stateDir;
    this.store = o.store;
    this.accountId = o.file.accountId;
    this.region = o.file.region;
    this.orgId = o.file.orgId;
    this.idSeed = o.file.idSeed;
    this.ids = stableIdSequence(this.idSeed);
    this.counter = o.file.counter;
    this.filesWritten = o.file.files;
    if (o.file.time !== undefined) this.savedTime = new Date(o.file.time);
    this.deliverEvery = Math.max(1, o.deliverEvery ?? 5000);
    this.clock = o.clock ?? (() => new Date());
    for (const module of MODULES) {
      for (const [name, operation] of Object.entries(module.operations)) {
        this.operations.set(`${module.serviceId}|${name}`, { module, operation });
      }
    }
  }

  /**
   * Opens the account kept in `stateDir`, or starts one: from the fleet when `fleet` is given, else empty (add
   * items with `put`). Errors in saved state name the file and item.
   */
  static async open(options: OpenOptions): Promise<LocalAccount> {
    const configDir = join(options.stateDir, "config");
    const store = new ItemStore();
    const saved = await readAccountFile(options.stateDir);
    if (saved && (await ItemStore.hasState(configDir))) {
      await store.load(configDir);
      return new LocalAccount({
        stateDir: options.stateDir,
        store,
        file: saved,
        clock: options.clock,
        deliverEvery: options.deliverEvery,
      });
    }
    let accountId = "123456789012";
    let region = "us-east-1";
    const seed = options.fleet?.seed ?? 0;
    if (options.fleet) {
      const outDir = join(options.stateDir, "fleet");
      await generateFleet({ ...options.fleet, outDir });
      await store.load(join(outDir, "AWSLogs"), servedHere);
      accountId = fleetAccounts(options.fleet.seed)[0]?.id ?? accountId;
      region = FLEET_REGIONS[0] ?? region;
    }
    const file: AccountFile = {
      accountId,
      region,
      orgId: options.orgId ?? `o-${stableUuid(String(seed), 0, "org").replace(/-/g, "").slice(0, 10)}`,
      idSeed: options.idSeed ?? `guardrail-local-${seed}`,
      counter: 0,
      files: 0,
    };
    const account = new LocalAccount({
      stateDir: options.stateDir,
      store,
      file,
      clock: options.clock,
      deliverEvery: options.deliverEvery,
    });
    await account.persist();
    return account;
  }

  /** An account over the given items, without reading any state (tests); `close` still writes to stateDir. */
  static fromItems(
    items: ConfigItem[],
    o: {
      stateDir: string;
      accountId: string;
      region: string;
      clock?: () => Date;
      orgId?: string;
      idSeed?: string;
      deliverEvery?: number;
    },
  ): LocalAccount {
    const store = new ItemStore();
    for (const item of items) store.put(copy(item));
    return new LocalAccount({
      stateDir: o.stateDir,
      store,
      clock: o.clock,
      deliverEvery: o.deliverEvery,
      file: {
        accountId: o.accountId,
        region: o.region,
        orgId: o.orgId ?? "o-a1b2c3d4e5",
        idSeed: o.idSeed ?? "guardrail-local",
        counter: 0,
        files: 0,
      },
    });
  }

  // ---- LocalAccountApi ---------------------------------------------------------------------------------------

  attach(): () => void {
    routeClients(this.router);
    return () => {
      if (currentRouter() === this.router) routeClients(undefined);
    };
  }

  attachClient<C extends { middlewareStack: unknown }>(client: C): C {
    return addRouting(client as C & { config: unknown }, () => this.router);
  }

  serve(service: string, operation: string, server: CommandServer): void {
    this.custom.set(`${service}|${operation}`, server);
  }

  as<T>(principal: Principal, fn: () => Promise<T>): Promise<T> {
    return this.principal.run(principal, fn);
  }

  onRecord(listener: (record: JsonObject) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onItemChange(listener: (item: ItemRef) => void): () => void {
    this.itemListeners.add(listener);
    return () => this.itemListeners.delete(listener);
  }

  configItems(filter?: { resourceType?: string; accountId?: string; region?: string }): ConfigItem[] {
    return this.store.list(filter).map((i) => copy(i));
  }

  /**
   * One resource's current item. Names that repeat across the fleet's accounts and Regions (a function or table
   * name) are told apart by `where`; without it, the default account and Region's item comes first.
   */
  configItem(
    resourceType: string,
    resourceId: string,
    where: { accountId?: string; region?: string } = {},
  ): ConfigItem | undefined {
    const found = this.store
      .find(resourceType, resourceId)
      .filter((i) => (where.accountId ?? i.accountId) === i.accountId && (where.region ?? i.region) === i.region);
    const item =
      found.find((i) => i.accountId === this.accountId && i.region === this.region) ??
      found.find((i) => i.accountId === this.accountId) ??
      found[0];
    return item ? copy(item) : undefined;
  }

  async flushTrail(): Promise<string[]> {
    this.deliver();
    await this.trailWriter.flush();
    const files = this.delivered;
    this.delivered = [];
    return files;
  }

  async close(): Promise<void> {
    try {
      await this.flushTrail();
      await this.persist();
    } finally {
      await this.trailWriter.close();
    }
  }

  // ---- beyond the contract -------------------------------------------------------------------------------------

  /** Adds or replaces a resource (a scenario's new resource, a test's item). */
  put(item: ConfigItem): void {
    this.store.put(copy(item));
    this.changed(item);
  }

  /** The principal calls are attributed to now: the one `as` set, else Guardrail's role in the default account. */
  currentPrincipal(): Principal {
    return this.principal.getStore() ?? guardrailRole(this.accountId);
  }

  /** Which (service, operation) pairs the account serves itself. */
  served(): { service: string; operation: string; readOnly: boolean }[] {
    return MODULES.flatMap((module) =>
      Object.entries(module.operations).map(([operation, op]) => ({
        service: module.serviceId,
        operation,
        readOnly: op.readOnly,
      })),
    );
  }

  /**
   * Serves one command as the seam hands it over (also usable directly, without an SDK client). Inside `as`, the
   * call is the principal's, in its account. Outside, it is Guardrail's role in the account that holds the resource:
   * Guardrail is deployed in every account of the organisation, so a handler describing or fixing a resource of
   * another fleet account runs there (tried in the default account first, then the others, on "not found" and
   * cross-account refusals; only the attempt that answered is recorded).
   */
  async dispatch(command: RoutedCommand): Promise<Record<string, unknown>> {
    const started = performance.now();
    const key = `${command.service}|${command.operation}`;
    try {
      const custom = this.custom.get(key);
      const builtIn = this.operations.get(key);
      if (!custom && !builtIn) {
        const e = new Error(
          `the local account does not serve ${command.service} ${command.operation}: register it with serve("${command.service}", "${command.operation}", ...)`,
        );
        e.name = "LocalAccountUnsupportedOperation";
        throw e;
      }
      const explicit = this.principal.getStore();
      const principalAccount = (p: Principal) =>
        typeof p.userIdentity.accountId === "string" ? p.userIdentity.accountId : this.accountId;
      const accounts =
        explicit || custom
          ? [principalAccount(this.currentPrincipal())]
          : [this.accountId, ...this.store.accounts().filter((a) => a !== this.accountId)];
      const now = this.clock();
      const requestId = this.nextId("request");
      let first: Attempt | undefined;
      for (const accountId of accounts) {
        const principal = explicit ?? guardrailRole(accountId);
        // most calls are answered synchronously: no promise (and no async hook) for them
        const pending = this.attempt(command, { custom, builtIn, accountId, principal, now, requestId });
        const attempt = pending instanceof Promise ? await pending : pending;
        first ??= attempt;
        if (!("error" in attempt) || !elsewhere().has(errorCodeOf(attempt.error))) {
          attempt.record();
          if ("error" in attempt) throw attempt.error;
          return attempt.output;
        }
      }
      const failed = first as Attempt & { error: Error };
      failed.record();
      throw failed.error;
    } finally {
      const t = this.callTimes.get(key);
      const ms = performance.now() - started;
      if (t) {
        t.calls++;
        t.ms += ms;
      } else this.callTimes.set(key, { calls: 1, ms });
    }
  }

  private attempt(
    command: RoutedCommand,
    o: {
      custom?: CommandServer;
      builtIn?: { module: ServiceEmulation; operation: Operation };
      accountId: string;
      principal: Principal;
      now: Date;
      requestId: string;
    },
  ): Attempt | Promise<Attempt> {
    const { custom, builtIn, accountId, principal, now, requestId } = o;
    const key = `${command.service}|${command.operation}`;
    const region = command.region ?? this.region;
    const ctx: OperationContext = {
      store: this.store,
      accountId,
      region,
      now,
      nextId: (kind) => this.nextId(kind),
      save: (item, change) => {
        const next = revised(item, now, change);
        this.store.put(next);
        this.changed(next);
        return next;
      },
      create: (fields) => {
        const item: ConfigItem = {
          resourceType: fields.resourceType,
          resourceId: fields.resourceId,
          resourceName: fields.resourceName,
          arn: fields.arn,
          accountId,
          region,
          status: "ResourceDiscovered",
          captureTime: undefined,
          configurationStateId: undefined,
          configuration: fields.configuration,
          supplementaryConfiguration: {},
          tags: fields.tags ?? {},
          relationships: fields.relationships,
        };
        const next = revised(item, now, () => undefined);
        next.status = "ResourceDiscovered";
        this.store.put(next);
        this.changed(next);
        return next;
      },
    };
    const eventSource =
      eventSources().get(command.service) ?? `${command.service.toLowerCase().replace(/\s+/g, "")}.amazonaws.com`;
    const eventName = (!custom && builtIn?.operation.eventName) || command.operation;
    const readOnly = custom
      ? READ_PREFIX.test(command.operation)
      : (builtIn as { operation: Operation }).operation.readOnly;
    const recordWith = (fields: { response: JsonObject | null; error?: { code: string; message: string } }) => () => {
      if (DATA_EVENTS.has(key)) return;
      const requestParameters = custom ? lowerTop(command.input) : builtIn!.operation.request(command.input, ctx);
      this.emit(
        cloudTrailRecord({
          principal,
          now,
          eventSource,
          eventName,
          region: ctx.recordRegion ?? region,
          requestParameters,
          responseElements: fields.response,
          ...(fields.error ? { error: fields.error } : {}),
          requestId,
          eventId: this.nextId("event"),
          readOnly,
          recipientAccountId: accountId,
        }),
      );
    };
    const $metadata = { httpStatusCode: 200, requestId, attempts: 1, totalRetryDelay: 0 };
    const failed = (e: unknown): Attempt => {
      if (!isAwsError(e)) throw e; // a defect of the local account, not an AWS answer: never recorded
      (e as { $metadata: Record<string, unknown> }).$metadata.requestId = requestId;
      return {
        error: e as Error,
        record: recordWith({ response: null, error: { code: errorCodeOf(e), message: (e as Error).message } }),
      };
    };
    try {
      if (custom) {
        const call: CallContext = {
          service: command.service,
          operation: command.operation,
          region,
          accountId,
          principal,
        };
        const served = (output: unknown): Attempt => ({
          output: { ...((output ?? {}) as Record<string, unknown>), $metadata },
          record: recordWith({ response: null }),
        });
        const answer = custom(command.input, call);
        return answer instanceof Promise ? answer.then(served, failed) : served(answer);
      }
      const op = (builtIn as { operation: Operation }).operation;
      const output = copy(op.serve(command.input, ctx));
      const response = op.readOnly ? null : op.response(output, command.input, ctx);
      return { output: { ...output, $metadata }, record: recordWith({ response }) };
    } catch (e) {
      return failed(e);
    }
  }

  // ---- internals -----------------------------------------------------------------------------------------------

  private changed(item: ConfigItem): void {
    if (this.itemListeners.size === 0) return;
    const ref: ItemRef = {
      resourceType: item.resourceType,
      resourceId: item.resourceId,
      accountId: item.accountId,
      region: item.region,
    };
    for (const l of this.itemListeners) l(ref);
  }

  private emit(record: JsonObject): void {
    this.pending.push(record);
    for (const l of this.listeners) l(record);
    if (this.pending.length >= this.deliverEvery) this.deliver();
  }

  /** Hands the pending records to the writer as log files (numbered in order; on disk at the next flushTrail). */
  private deliver(): void {
    const records = this.pending;
    this.pending = [];
    if (records.length === 0) return;
    const files = trailFiles(join(this.stateDir, "trail"), records, {
      orgId: this.orgId,
      deliveredAt: this.clock(),
      unique: (n) => uniqueString(this.idSeed, this.filesWritten + n),
    });
    for (const f of files) this.trailWriter.write(f.file, f.text, { gzip: true });
    this.filesWritten += files.length;
    this.delivered.push(...files.map((f) => f.file));
  }

  private nextId(kind: string): string {
    return this.ids(this.counter++, kind);
  }

  private async persist(): Promise<void> {
    await mkdir(this.stateDir, { recursive: true });
    await this.store.save(join(this.stateDir, "config"), this.clock());
    const file: AccountFile = {
      accountId: this.accountId,
      region: this.region,
      orgId: this.orgId,
      idSeed: this.idSeed,
      counter: this.counter,
      files: this.filesWritten,
      time: this.clock().toISOString(),
    };
    await writeFileAtomic(join(this.stateDir, "account.json"), `${JSON.stringify(file, null, 2)}\n`, { durable: true });
  }
}

async function readAccountFile(stateDir: string): Promise<AccountFile | undefined> {
  let text: string;
  try {
    text = await readFile(join(stateDir, "account.json"), "utf8");
  } catch {
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(`${join(stateDir, "account.json")}: not JSON: ${(e as Error).message}`);
  }
  const f = parsed as Partial<AccountFile>;
  if (typeof f.accountId !== "string" || typeof f.region !== "string") {
    throw new Error(`${join(stateDir, "account.json")}: accountId and region are required`);
  }
  return {
    accountId: f.accountId,
    region: f.region,
    orgId: typeof f.orgId === "string" ? f.orgId : "o-a1b2c3d4e5",
    idSeed: typeof f.idSeed === "string" ? f.idSeed : "guardrail-local",
    counter: typeof f.counter === "number" ? f.counter : 0,
    files: typeof f.files === "number" ? f.files : 0,
    ...(typeof f.time === "string" && Number.isFinite(Date.parse(f.time)) ? { time: f.time } : {}),
  };
}
